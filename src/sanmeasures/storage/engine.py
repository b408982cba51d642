"""The database engine, chosen by one setting (``SANMEASURES_DATABASE_URL``).

PostgreSQL through asyncpg in production; SQLite through aiosqlite as the embedded default,
with WAL, foreign keys and a busy timeout so one process can read while it writes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

#: Constraint names that Alembic can find again on both engines.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

SQLITE_BUSY_TIMEOUT_MS = 5000


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_connect(dbapi_connection: Any, record: Any) -> None:
    _sqlite_pragmas(dbapi_connection, record)
    dbapi_connection.isolation_level = None  # the driver emits no BEGIN of its own: ours below


def _sqlite_begin(connection: Any) -> None:
    # A deferred transaction that reads and then writes fails at once ("database is locked") when
    # another connection wrote in between; taking the write lock at BEGIN makes it wait its turn
    # (busy timeout) instead. The embedded node is one process with a few tasks, so serialising its
    # transactions costs little. Emitting BEGIN ourselves also makes SAVEPOINTs behave as on PostgreSQL.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str, **options: Any) -> AsyncEngine:
    engine = create_async_engine(url, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine
