"""Portal latency at volume: p50/p95 of list, search, detail and status-check pages and their API.

Creates ``sanmeasures_bench_portal`` on PostgreSQL (dropped first if left over, dropped at the end
unless ``--keep``), bulk-loads N certificates and M cases as ``bench/search.py`` does, then records a
few hundred complete certificates and cases through the stores (with every version, as the exchange
records them) so detail pages have real histories. Each request goes through the node's ASGI app
in process (httpx), so the figures are the node's own time without a network. Aims (issue 6):
a page ≤ 100 ms, the API ≤ 50 ms at p95, on 1,000,000 certificates and 100,000 cases.

    .venv/bin/python bench/portal.py [--certificates 1000000] [--cases 100000] [--runs 200] [--keep]
    .venv/bin/python bench/portal.py --reuse [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import random
import statistics
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import sqlalchemy as sa

from sanmeasures.app import create_app
from sanmeasures.demo.load import generate
from sanmeasures.settings import Settings
from sanmeasures.storage import tables
from sanmeasures.storage.engine import create_engine

_spec = importlib.util.spec_from_file_location("bench_search", Path(__file__).with_name("search.py"))
assert _spec is not None and _spec.loader is not None
bulk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bulk)
bulk.DATABASE = DATABASE = "sanmeasures_bench_portal"
PAGE_AIM_MS, API_AIM_MS = 100.0, 50.0


async def _record_complete(url: str) -> None:
    engine = create_engine(url)
    try:
        await generate(engine, certificate_count=300, case_count=300)
    finally:
        await engine.dispose()


async def _targets(url: str) -> dict[str, list[str]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            versioned = sa.select(tables.certificates.c.registration_number_as_written).where(
                tables.certificates.c.id.in_(sa.select(tables.certificate_versions.c.certificate_id))
            )
            numbers = list((await connection.execute(versioned.limit(200))).scalars())
            cases = (
                await connection.execute(
                    sa.select(tables.cases.c.kind, tables.cases.c.country, tables.cases.c.registration_number)
                    .where(tables.cases.c.id.in_(sa.select(tables.case_versions.c.case_id)))
                    .limit(200)
                )
            ).all()
    finally:
        await engine.dispose()
    case_paths = [
        f"/{'morbidity' if kind == 'morbidity' else 'dangerous-products'}/{country}/{quote(number, safe='')}"
        for kind, country, number in cases
    ]
    return {"numbers": numbers, "cases": case_paths}


def _scenarios(targets: dict[str, list[str]], rng: random.Random) -> dict[str, tuple[str, list[str]]]:
    numbers, cases = targets["numbers"], targets["cases"]
    words = ["молоко", "вода", "смесь", "колбаса", "Агро", "Евразия", "021/2011", "сыр"]
    return {
        "registry list (page)": ("page", ["/registry"]),
        "registry search (page)": ("page", [f"/registry?{urlencode({'text': w})}" for w in words]),
        "registry filtered (page)": ("page", ["/registry?country=KZ&status_code=1", "/registry?country=AM"]),
        "certificate detail (page)": ("page", [f"/registry/{quote(n, safe='')}" for n in numbers]),
        "status check (page)": ("page", [f"/check?{urlencode({'number': n.lower()})}" for n in numbers]),
        "dangerous products RU (page)": ("page", ["/dangerous-products?country=RU"]),
        "case detail (page)": ("page", cases),
        "registry search (API)": ("api", [f"/api/v1/registry?{urlencode({'text': w})}" for w in words]),
        "status check (API)": ("api", [f"/api/v1/registry/{quote(n, safe='')}/status" for n in numbers]),
        "case detail (API)": ("api", [f"/api/v1{path}" for path in cases]),
        "cases by country (API)": ("api", ["/api/v1/dangerous-products?country=KZ&limit=50"]),
    }


def _p(timings: list[float], q: float) -> float:
    return (
        statistics.quantiles(timings, n=100, method="inclusive")[int(q) - 1]
        if len(timings) > 1
        else timings[0]
    )


async def _measure(url: str, runs: int) -> bool:
    rng = random.Random(7)
    targets = await _targets(url)
    app = create_app(Settings(database_url=url, exchange=False, database_pool=4))
    met = True
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            print(f"{'scenario':34} {'p50 ms':>8} {'p95 ms':>8} {'aim':>6}")
            for name, (kind, paths) in _scenarios(targets, rng).items():
                for path in paths[:3]:  # warm the caches and the prepared statements
                    (await client.get(path)).raise_for_status()
                timings = []
                for _ in range(runs):
                    path = rng.choice(paths)
                    started = time.perf_counter()
                    response = await client.get(path)
                    timings.append((time.perf_counter() - started) * 1000)
                    response.raise_for_status()
                aim = PAGE_AIM_MS if kind == "page" else API_AIM_MS
                p95 = _p(timings, 95)
                met &= p95 <= aim
                print(
                    f"{name:34} {_p(timings, 50):8.1f} {p95:8.1f} {aim:6.0f} {'ok' if p95 <= aim else 'MISSED'}"
                )
    return met


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200, help="timed requests per scenario")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by --keep, no loading")
    args = parser.parse_args()
    dsn = f"{args.server}/{DATABASE}"
    url = f"{args.server.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{DATABASE}"
    try:
        if not args.reuse:
            bulk._prepare(args.server, dsn, url, args.certificates, args.cases)
            started = time.perf_counter()
            asyncio.run(_record_complete(url))
            print(f"  300 complete certificates and cases recorded in {time.perf_counter() - started:.1f} s")
        print(asyncio.run(bulk._settings(dsn)))
        met = asyncio.run(_measure(url, args.runs))
        print("all aims met" if met else "some aims MISSED")
    finally:
        if not args.keep:
            asyncio.run(bulk._admin(args.server, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
