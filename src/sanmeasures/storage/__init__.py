"""Storage of the common resources: engines, sessions and tables (SQLAlchemy 2 async)."""
