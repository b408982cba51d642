"""The embedded SQLite engine and the Alembic environment work on a fresh database file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from sanmeasures.storage.engine import SQLITE_BUSY_TIMEOUT_MS, create_engine

ROOT = Path(__file__).resolve().parents[2]


async def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'node.sqlite3'}")
    async with engine.connect() as connection:
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1
        assert (await connection.execute(text("PRAGMA busy_timeout"))).scalar() == SQLITE_BUSY_TIMEOUT_MS
    await engine.dispose()


def test_alembic_environment_runs_against_the_configured_database(tmp_path: Path) -> None:
    database = tmp_path / "node.sqlite3"
    env = {"SANMEASURES_DATABASE_URL": f"sqlite+aiosqlite:///{database}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ROOT / "alembic.ini"), "upgrade", "head"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert database.exists()


def test_db_upgrade_command_migrates_a_new_sqlite_file_in_a_new_folder(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from sanmeasures.cli import app

    database = tmp_path / "var" / "node.sqlite3"
    result = CliRunner().invoke(app, ["db", "upgrade", "--database-url", f"sqlite+aiosqlite:///{database}"])
    assert result.exit_code == 0, result.output
    import sqlite3

    with sqlite3.connect(database) as connection:
        names = {row[0] for row in connection.execute("select name from sqlite_master where type='table'")}
    assert {"documents", "certificates", "cases", "measures", "alembic_version"} <= names
