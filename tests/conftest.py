"""Real databases for storage tests: a fresh SQLite file and a fresh PostgreSQL database per run.

PostgreSQL is the one on 127.0.0.1:5432 (trust auth, user postgres); the run creates its own
database and drops it at the end. No mock stands in for either engine.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.storage import migrate
from sanmeasures.storage.engine import create_engine

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_SERVER = os.environ.get("SANMEASURES_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432")


def alembic_config(url: str) -> Config:
    return migrate.alembic_config(url)


async def _admin(statement: str) -> None:
    engine = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def _create_postgres_database() -> str:
    name = f"sanmeasures_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    except OSError as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_SERVER} ({exc}); start it with "
            "`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`",
            pytrace=False,
        )
    return name


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for this test run."""
    name = _create_postgres_database()
    yield f"{POSTGRES_SERVER}/{name}"
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh, empty SQLite file."""
    return f"sqlite+aiosqlite:///{tmp_path / 'node.sqlite3'}"


@pytest.fixture(scope="session")
def migrated_postgres(postgres_url: str) -> str:
    command.upgrade(alembic_config(postgres_url), "head")
    return postgres_url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database on each engine (migrations run outside the test's event loop)."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'node.sqlite3'}"
        command.upgrade(alembic_config(url), "head")
        return url
    return request.getfixturevalue("migrated_postgres")


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on each migrated database; PostgreSQL tables are emptied after each test."""
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        if engine.dialect.name == "postgresql":
            await _empty_postgres(engine)
        await engine.dispose()


async def _empty_postgres(engine: AsyncEngine) -> None:
    # TRUNCATE is refused on append-only tables by design, so the test database is reset by
    # disabling the triggers for this session only (the migration's own guard stays in place).
    from sanmeasures.storage import tables  # noqa: F401
    from sanmeasures.storage.engine import metadata

    names = ", ".join(table.name for table in metadata.sorted_tables)
    async with engine.begin() as connection:
        await connection.execute(text("SET session_replication_role = replica"))
        await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        await connection.execute(text("SET session_replication_role = DEFAULT"))
