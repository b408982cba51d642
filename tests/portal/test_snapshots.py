"""Daily full snapshots for machine clients (Rules §31б): files, manifest, retention, worker, API, CLI.

Rules §31б: the published information is exported "also at the request of interested parties'
information systems, for automatic processing"; a machine client downloads the day's whole copy of
each resource instead of paging through the lists.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import fcntl
import gzip
import hashlib
import json
import shutil
import time
from pathlib import Path

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from sanmeasures import cli
from sanmeasures.app import create_app
from sanmeasures.portal import snapshots
from sanmeasures.portal.resources import RESOURCES
from sanmeasures.portal.snapshots import (
    KEEP_DAYS,
    MANIFEST,
    SnapshotBusy,
    list_snapshots,
    make_snapshot,
    prune,
    read_snapshot,
)
from sanmeasures.settings import Settings
from sanmeasures.storage.engine import create_engine
from tests.conftest import alembic_config
from tests.portal.test_export import CASES, CERTIFICATES, MEASURES, expected, load, read_rows

FILES = {
    f"{resource}.{fmt}" + (".gz" if fmt != "xlsx" else "")
    for resource in RESOURCES
    for fmt in ("csv", "json", "xml", "xlsx")
}
#: What the public lists hold, newest first: the unified registry (§15), each case kind, the measures.
PUBLISHED = {
    "registry": [CERTIFICATES[0], CERTIFICATES[1], CERTIFICATES[2]],
    "morbidity": [CASES[0], CASES[1]],
    "dangerous-products": [CASES[2], CASES[3]],
    "measures": [MEASURES[0], MEASURES[1]],
}


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def content_of(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- making one ----------------------------------------------------------------------------------------
async def test_a_snapshot_holds_every_published_row_of_every_resource_in_every_format(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await load(engine)
    root = tmp_path / "snapshots"
    made = await make_snapshot(engine, root)
    assert made is not None and made.day == today() and made.path == root / today().isoformat()
    assert {f.name for f in made.files} == FILES
    assert {p.name for p in made.path.iterdir()} == FILES | {MANIFEST}
    for entry in made.files:
        path = made.path / entry.name
        assert entry.size == path.stat().st_size and entry.sha256 == sha256(path.read_bytes())
        assert entry.rows == len(PUBLISHED[entry.resource])
        assert entry.compression == ("gzip" if entry.format != "xlsx" else None)
        rows = read_rows(entry.format, entry.resource, content_of(path))  # XML: validated by the XSD
        assert rows == expected(entry.resource, PUBLISHED[entry.resource]), entry.name
    manifest = json.loads((made.path / MANIFEST).read_text("utf-8"))
    assert manifest["date"] == today().isoformat() and manifest["rules"] == "§31б"
    assert {f["name"] for f in manifest["files"]} == FILES
    # The gzip member names the file it holds (gunzip -N restores it).
    with gzip.open(made.path / "registry.csv.gz") as member:
        assert member.read(3) == "\ufeff".encode()
    assert (made.path / "registry.csv.gz").read_bytes()[10:22] == b"registry.csv"


async def test_todays_snapshot_is_made_once_and_again_only_when_asked(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await load(engine)
    root = tmp_path / "snapshots"
    first = await make_snapshot(engine, root)
    assert first is not None
    assert await make_snapshot(engine, root) is None  # made already today: nothing to do
    again = await make_snapshot(engine, root, replace=True)
    assert again is not None and again.day == first.day and again.generated >= first.generated
    assert [s.day for s in list_snapshots(root)] == [today()]
    assert sorted(p.name for p in root.iterdir() if p.name != ".lock") == [today().isoformat()]


def copy_day(root: Path, day: dt.date) -> None:
    """Another day's snapshot: today's files under that date (as the worker left them that day)."""
    shutil.copytree(root / today().isoformat(), root / day.isoformat())


async def test_the_newest_seven_days_are_kept(engine: AsyncEngine, tmp_path: Path) -> None:
    root = tmp_path / "snapshots"
    made = await make_snapshot(engine, root)
    assert made is not None
    for back in range(1, 10):
        copy_day(root, today() - dt.timedelta(days=back))
    assert len(list_snapshots(root)) == 10
    removed = prune(root)
    assert removed == [today() - dt.timedelta(days=back) for back in (7, 8, 9)]
    assert [s.day for s in list_snapshots(root)] == [today() - dt.timedelta(days=b) for b in range(KEEP_DAYS)]
    # Making a day's snapshot prunes too.
    copy_day(root, today() - dt.timedelta(days=30))
    await make_snapshot(engine, root, replace=True)
    assert len(list_snapshots(root)) == KEEP_DAYS


async def test_a_failed_snapshot_leaves_nothing_half_made(tmp_path: Path) -> None:
    root = tmp_path / "snapshots"
    root.mkdir()
    (root / ".building-2026-01-01-crashed").mkdir()  # an earlier run killed halfway
    (root / "2026-01-02").mkdir()  # a day without its manifest is not a snapshot
    broken = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}")  # no tables at all
    try:
        with pytest.raises(Exception, match="no such table"):
            await make_snapshot(broken, root)
    finally:
        await broken.dispose()
    assert list_snapshots(root) == []
    assert read_snapshot(root, today()) is None
    assert sorted(p.name for p in root.iterdir()) == [".lock", "2026-01-02"]


async def test_a_snapshot_being_made_by_another_process_is_left_to_it(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    root = tmp_path / "snapshots"
    root.mkdir()
    with open(root / ".lock", "a+b") as other:  # another node process on the same data folder
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(SnapshotBusy, match="another process"):
            await make_snapshot(engine, root)
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)
    assert await make_snapshot(engine, root) is not None


# --- the API -------------------------------------------------------------------------------------------
async def test_machine_clients_list_and_download_the_snapshots(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    await load(engine)
    await make_snapshot(engine, tmp_path / "snapshots")
    settings = Settings(
        database_url=database_url,
        exchange=False,
        data_dir=str(tmp_path),
        public_url="https://portal.example.org",
    )
    day = today().isoformat()

    def check(client: TestClient) -> None:
        listing = client.get("/api/v1/snapshots")
        assert listing.status_code == 200
        body = listing.json()
        assert body["keep_days"] == KEEP_DAYS and [s["date"] for s in body["snapshots"]] == [day]
        files = {f["name"]: f for f in body["snapshots"][0]["files"]}
        assert set(files) == FILES
        for name, entry in files.items():
            assert entry["url"] == f"https://portal.example.org/api/v1/snapshots/{day}/{name}"
            response = client.get(f"/api/v1/snapshots/{day}/{name}")
            assert response.status_code == 200
            assert len(response.content) == entry["size"] and sha256(response.content) == entry["sha256"]
            digest = base64.b64encode(bytes.fromhex(entry["sha256"])).decode()
            assert response.headers["repr-digest"] == f"sha-256=:{digest}:"
            assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
            wanted = "application/gzip" if name.endswith(".gz") else "application/vnd.openxmlformats"
            assert response.headers["content-type"].startswith(wanted)
            assert entry["rows"] == len(PUBLISHED[entry["resource"]])
        latest = client.get("/api/v1/snapshots/latest/measures.json.gz", follow_redirects=False)
        assert (
            latest.status_code == 307
            and latest.headers["location"] == f"/api/v1/snapshots/{day}/measures.json.gz"
        )
        followed = client.get("/api/v1/snapshots/latest/measures.json.gz")
        assert json.loads(gzip.decompress(followed.content))[0]["document_number"] == "112"

    await asyncio.to_thread(_with_client, settings, check)


def _with_client(settings: Settings, check) -> None:  # type: ignore[no-untyped-def]
    with TestClient(create_app(settings)) as client:
        check(client)


def test_only_files_a_manifest_lists_are_served(tmp_path: Path, sqlite_url: str) -> None:
    command.upgrade(alembic_config(sqlite_url), "head")
    settings = Settings(database_url=sqlite_url, exchange=False, data_dir=str(tmp_path))
    (tmp_path / "secret.txt").write_text("not for download")
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/v1/snapshots").json()["snapshots"] == []
        assert client.get("/api/v1/snapshots/latest/registry.csv.gz").status_code == 404
        asyncio.run(_make(sqlite_url, tmp_path / "snapshots"))
        day = today().isoformat()
        assert client.get(f"/api/v1/snapshots/{day}/registry.csv.gz").status_code == 200
        for path in (
            f"/api/v1/snapshots/{day}/{MANIFEST}",  # in the folder, but not a listed file
            f"/api/v1/snapshots/{day}/..%2F..%2Fsecret.txt",
            f"/api/v1/snapshots/{day}/..%2F..%2Fnode.sqlite3",
            f"/api/v1/snapshots/{day}/.lock",
            f"/api/v1/snapshots/{day}/registry.pdf",
            "/api/v1/snapshots/2001-01-01/registry.csv.gz",
            "/api/v1/snapshots/latest/..%2F..%2Fsecret.txt",
        ):
            response = client.get(path)
            assert response.status_code == 404, path
            assert b"not for download" not in response.content
        assert client.get("/api/v1/snapshots/..%2F..%2Fsecret.txt/x").status_code in (404, 422)
        assert client.get("/api/v1/snapshots/yesterday/registry.csv.gz").status_code == 422


async def _make(url: str, root: Path) -> None:
    engine = create_engine(url)
    try:
        await make_snapshot(engine, root)
    finally:
        await engine.dispose()


# --- the worker and the command --------------------------------------------------------------------------
def test_the_worker_makes_todays_snapshot_once(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    command.upgrade(alembic_config(sqlite_url), "head")
    monkeypatch.setattr(snapshots, "FIRST_CHECK_AFTER", 0)
    monkeypatch.setattr(snapshots, "CHECK_EVERY", 0.05)
    root = tmp_path / "snapshots"
    settings = Settings(database_url=sqlite_url, exchange=False, data_dir=str(tmp_path))
    with TestClient(create_app(settings)):
        deadline = time.monotonic() + 20
        while read_snapshot(root, today()) is None:
            assert time.monotonic() < deadline, "the worker made no snapshot"
            time.sleep(0.05)
        made = read_snapshot(root, today())
        time.sleep(0.5)  # several more checks: today's is there, nothing is made again
        assert read_snapshot(root, today()) == made
    assert made is not None and {f.name for f in made.files} == FILES


def test_sanmeasures_snapshot_makes_one_now(sqlite_url: str, tmp_path: Path) -> None:
    command.upgrade(alembic_config(sqlite_url), "head")
    runner = CliRunner()
    environment = {"SANMEASURES_DATA_DIR": str(tmp_path)}
    result = runner.invoke(cli.app, ["snapshot", "--database-url", sqlite_url], env=environment)
    assert result.exit_code == 0, result.output
    assert "registry.csv.gz" in result.output and f"snapshot {today()}" in result.output
    first = read_snapshot(tmp_path / "snapshots", today())
    assert first is not None
    again = runner.invoke(cli.app, ["snapshot", "--database-url", sqlite_url], env=environment)
    assert again.exit_code == 0  # made again now, replacing this morning's
    second = read_snapshot(tmp_path / "snapshots", today())
    assert second is not None and second.generated >= first.generated
    with open(tmp_path / "snapshots" / ".lock", "a+b") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        busy = runner.invoke(cli.app, ["snapshot", "--database-url", sqlite_url], env=environment)
    assert busy.exit_code == 1 and "another process" in busy.output
