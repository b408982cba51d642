"""One module per XML structure: its namespace prefix, root model, context subclasses and ``STRUCTURE``."""
