"""Alembic environment: runs the migration chain on the node's database (async engines)."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from sanmeasures.settings import Settings
from sanmeasures.storage import tables  # noqa: F401  (registers every table on the metadata)
from sanmeasures.storage.engine import create_engine, metadata
from sanmeasures.storage.search import include_name, include_object

config = context.config


def _url() -> str:
    # An explicit URL (tests, `sanmeasures db upgrade --url`) wins over the settings.
    return config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
        # Search structures (tsvector, pg_trgm indexes, FTS5 tables) differ per engine: migrations only.
        include_name=include_name,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _online() -> None:
    engine = create_engine(_url())
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    await engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=_url(),
        target_metadata=metadata,
        literal_binds=True,
        include_name=include_name,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_online())
