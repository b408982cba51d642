"""Export throughput and memory on PostgreSQL at volume (Rules §31б): rows/s and RSS growth per format.

Creates the database ``sanmeasures_bench_export`` (dropped first if left over, dropped at the end
unless ``--keep``), migrates it to 0001, copies N synthetic certificates into the registry with COPY
(the rows of ``bench/search.py``: five member states, realistic names, 80 % in the unified registry),
migrates to head (search column and indexes built in bulk) and analyses. Then, through the node's
ASGI application (its lifespan, middleware and routes, as uvicorn would drive it, the body counted and
dropped as it comes), exports the whole published registry in each format and prints the rows per
second, the bytes, the time to the first byte and the growth of the process's resident memory (peak
during the export over the size before it, sampled every 2 ms). With ``--snapshot`` it also times
the daily snapshot (every resource in every format, ``portal/snapshots.py``).

    .venv/bin/python bench/portal_export.py [--certificates 1000000] [--formats csv,json,xml,xlsx]
        [--filters 'country=KZ&status_code=1'] [--snapshot] [--keep] [--reuse]

Not a test: figures depend on the machine. Aim: memory growth well under 100 MB at a million rows.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import asyncpg
from alembic import command

from sanmeasures.app import create_app
from sanmeasures.portal.export import pages
from sanmeasures.portal.resources import RESOURCES
from sanmeasures.portal.snapshots import make_snapshot
from sanmeasures.settings import Settings
from sanmeasures.storage.migrate import alembic_config

# The synthetic registry of the search benchmark (this folder is the script's import path).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from search import CERTIFICATE_COLUMNS, certificate_rows

DATABASE = "sanmeasures_bench_export"


# --- memory -------------------------------------------------------------------------------------------
def rss() -> int:
    """Resident memory of this process, bytes (Linux /proc; elsewhere the peak so far)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class PeakRss:
    def __init__(self) -> None:
        self.start = self.peak = rss()
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while self._running:
            self.peak = max(self.peak, rss())
            time.sleep(0.002)

    def stop(self) -> int:
        self._running = False
        self._thread.join()
        return max(self.peak, rss()) - self.start


# --- one GET through the ASGI interface ----------------------------------------------------------------
async def get(app: Any, path: str, query: str) -> tuple[int, int, float]:
    """Status, body bytes and seconds to the first body byte; the body is dropped as it comes."""
    started = time.perf_counter()
    first: float | None = None
    status, size = 0, 0
    finished = asyncio.Event()
    asked = False

    async def receive() -> dict[str, Any]:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, size, first
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            if body and first is None:
                first = time.perf_counter() - started
            size += len(body)
            if not message.get("more_body", False):
                finished.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench")],
        "client": ("127.0.0.1", 50000),
        "server": ("bench", 80),
    }
    await app(scope, receive, send)
    return status, size, first or 0.0


async def measure(url: str, formats: list[str], filters: str, snapshot: bool) -> None:
    data_dir = tempfile.mkdtemp(prefix="sanmeasures-bench-export-")
    app = create_app(Settings(database_url=url, exchange=False, data_dir=data_dir))
    try:
        async with app.router.lifespan_context(app):
            registry = RESOURCES["registry"]
            query = registry.query_of(registry.query(**dict(parse_qsl(filters))))
            started = time.perf_counter()
            published = 0
            async for items in pages(app.state.engine, registry, query):
                published += len(items)
            seconds = time.perf_counter() - started
            print(
                f"\nregistry: {published:,} published certificates (unified registry, Rules §15)"
                + (f" matching {filters}" if filters else "")
                + f"; reading their pages alone: {seconds:.1f} s, {published / seconds:,.0f} rows/s"
            )
            await get(app, "/api/v1/export/registry.csv", "country=AM&status_code=9")  # warm-up (a 422)
            for fmt in formats:
                await get(app, f"/api/v1/export/registry.{fmt}", "issued_to=2000-01-01")  # warm-up, empty
            print(
                f"\n{'format':7} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'MB':>8} {'first byte':>11} {'RSS +MB':>8}"
            )
            for fmt in formats:
                peak = PeakRss()
                started = time.perf_counter()
                status, size, first = await get(app, f"/api/v1/export/registry.{fmt}", filters)
                seconds = time.perf_counter() - started
                grown = peak.stop()
                if status != 200:
                    raise SystemExit(f"{fmt}: HTTP {status}")
                print(
                    f"{fmt:7} {published:>10,} {seconds:8.1f} {published / seconds:9,.0f} {size / 1e6:8.1f} "
                    f"{first:10.2f}s {grown / 2**20:8.1f}"
                )
            if snapshot:
                peak = PeakRss()
                started = time.perf_counter()
                made = await make_snapshot(app.state.engine, Path(data_dir) / "snapshots")
                grown = peak.stop()
                assert made is not None
                total = sum(f.size for f in made.files)
                print(
                    f"\ndaily snapshot (4 resources x csv.gz, json.gz, xml.gz, xlsx): "
                    f"{time.perf_counter() - started:.1f} s, {total / 1e6:.1f} MB on disk, "
                    f"RSS +{grown / 2**20:.1f} MB"
                )
        print(
            f"\npeak RSS of the whole run: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


# --- set-up -------------------------------------------------------------------------------------------
async def _admin(server: str, statement: str) -> None:
    connection = await asyncpg.connect(f"{server}/postgres")
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _load(dsn: str, certificates: int) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        batch: list[tuple[Any, ...]] = []
        for row in certificate_rows(certificates):
            batch.append(row)
            if len(batch) == 50_000:
                await connection.copy_records_to_table(
                    "certificates", records=batch, columns=CERTIFICATE_COLUMNS
                )
                batch = []
        if batch:
            await connection.copy_records_to_table("certificates", records=batch, columns=CERTIFICATE_COLUMNS)
        print(f"  certificates: {certificates:,} rows copied in {time.perf_counter() - started:.1f} s")
    finally:
        await connection.close()


async def _vacuum(dsn: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("VACUUM ANALYZE certificates")
    finally:
        await connection.close()


def prepare(server: str, url: str, certificates: int) -> None:
    dsn = f"{server}/{DATABASE}"
    asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    asyncio.run(_admin(server, f'CREATE DATABASE "{DATABASE}"'))
    asyncio.run(_admin(server, f"ALTER DATABASE \"{DATABASE}\" SET maintenance_work_mem = '512MB'"))
    started = time.perf_counter()
    command.upgrade(alembic_config(url), "0001")
    print(f"loading {certificates:,} certificates")
    asyncio.run(_load(dsn, certificates))
    command.upgrade(alembic_config(url), "head")
    asyncio.run(_vacuum(dsn))
    print(f"  ready in {time.perf_counter() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--formats", default="csv,json,xml,xlsx", help="comma separated")
    parser.add_argument("--filters", default="", help="query string of registry filters, e.g. country=KZ")
    parser.add_argument("--snapshot", action="store_true", help="also time the daily snapshot")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by --keep, no loading")
    args = parser.parse_args()

    url = f"{args.server.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{DATABASE}"
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    try:
        if not args.reuse:
            prepare(args.server, url, args.certificates)
        asyncio.run(measure(url, formats, args.filters, args.snapshot))
    finally:
        if not args.keep:
            asyncio.run(_admin(args.server, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
