"""Statistics at volume (Rules §31е): the time to aggregate, and p50/p95 of the statistics pages and API.

Creates ``sanmeasures_bench_statistics`` on PostgreSQL (dropped first if left over, dropped at the
end unless ``--keep``), bulk-loads N certificates and M cases as ``bench/search.py`` does, then adds
what the statistics read besides: the current version of every dangerous-product case (a full
Table 3 element as the exchange stores it, with its product type name), temporary measures
(introduced, changed, cancelled) and a §17 timeliness record for every morbidity case. It times
``statistics.compute`` (the GROUP BY queries and the series built from them) and the cheap change
check the worker runs every few seconds, then the pages and the API through the node's ASGI app in
process (httpx): they read the snapshot only. Aims: aggregation ≤ 2 s, a page ≤ 100 ms, the API
≤ 50 ms at p95, on 100,000 cases.

    .venv/bin/python bench/portal_statistics.py [--cases 100000] [--certificates 100000]
        [--measures 3000] [--runs 200] [--keep]
    .venv/bin/python bench/portal_statistics.py --reuse [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import importlib.util
import json
import random
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from sanmeasures.app import create_app
from sanmeasures.contract.examples import example_document
from sanmeasures.portal import statistics as stats
from sanmeasures.settings import Settings
from sanmeasures.storage.engine import create_engine

_spec = importlib.util.spec_from_file_location("bench_search", Path(__file__).with_name("search.py"))
assert _spec is not None and _spec.loader is not None
bulk = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bulk)
bulk.DATABASE = DATABASE = "sanmeasures_bench_statistics"
AGGREGATE_AIM_S, PAGE_AIM_MS, API_AIM_MS = 2.0, 100.0, 50.0
#: Names of the product types (Table 3 item 7.3) the synthetic dangerous-product cases carry.
PRODUCT_TYPES = (
    "Пищевая продукция", "Продукция детского питания", "Питьевая вода", "Минеральная вода",
    "Биологически активные добавки", "Пищевые добавки", "Продукция для питания спортсменов",
    "Дезинфицирующие средства", "Парфюмерно-косметическая продукция", "Материалы для водоснабжения",
    "Продукция, контактирующая с пищевыми продуктами", "Игрушки", "Средства гигиены полости рта",
    "Лакокрасочные материалы", "Полимерные материалы",
)  # fmt: skip


# --- what bench/search.py does not load ----------------------------------------------------------------
def _product_element() -> dict[str, Any]:
    """One Table 3 case element as stored in case_versions.data (the sample document's first case)."""
    document = example_document("R.SM.SS.08.002")
    return document.dangerous_product_alert_details[0].model_dump(mode="json")


async def _load_more(dsn: str, measures: int, seed: int = 31) -> None:
    rng = random.Random(seed)
    element = _product_element()
    element["incident_id"] = "@NUMBER@"
    element["non_compliant_sanitary_product_details"]["sanitary_product_type_code"]["value"] = "@CODE@"
    element["non_compliant_sanitary_product_details"]["sanitary_product_type_name"] = "@NAME@"
    template = json.dumps(element, ensure_ascii=False)
    connection = await asyncpg.connect(dsn)
    try:
        started = time.perf_counter()
        dangerous = await connection.fetch(
            "SELECT id, registration_number, first_reported_on, product_type_code FROM cases "
            "WHERE kind = 'dangerous_product' ORDER BY id"
        )
        versions = []
        for row in dangerous:
            code = row["product_type_code"]
            data = (
                template.replace("@NUMBER@", row["registration_number"])
                .replace("@CODE@", code)
                .replace("@NAME@", PRODUCT_TYPES[int(code) % len(PRODUCT_TYPES)])
            )
            versions.append((row["id"], 1, "1", row["first_reported_on"], "demo", data))
        await connection.copy_records_to_table(
            "case_versions",
            records=versions,
            columns=("case_id", "version", "incident_kind", "reported_on", "source", "data"),
        )
        print(f"  case_versions: {len(versions):,} Table 3 elements in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        morbidity = await connection.fetch(
            "SELECT country, registration_number, first_reported_on FROM cases WHERE kind = 'morbidity' ORDER BY id"
        )
        first_id = (await connection.fetchval("SELECT coalesce(max(id), 0) FROM documents")) + 1
        xml = b"<doc:PublicHealthAlertDetails/>"
        digest = hashlib.sha256(xml).hexdigest()
        documents, notices = [], []
        for offset, row in enumerate(morbidity):
            document_id = first_id + offset
            documents.append(
                (document_id, str(uuid.UUID(int=rng.getrandbits(128), version=4)), "R.SM.SS.08.001", "in",
                 f"authority:{row['country']}", '["commission"]', digest, len(xml), xml)
            )  # fmt: skip
            decided = row["first_reported_on"] - dt.timedelta(days=rng.randint(0, 3))
            submitted = row["first_reported_on"] + dt.timedelta(days=rng.choice((0, 0, 0, 1, 2, 6)))
            due = decided + dt.timedelta(days=5)  # three working days, near enough for volume
            notices.append(
                (document_id, row["country"], row["registration_number"], decided, "decision", due, submitted,
                 submitted > due)
            )  # fmt: skip
        await connection.copy_records_to_table(
            "documents",
            records=documents,
            columns=(
                "id",
                "edoc_id",
                "structure_code",
                "direction",
                "sender",
                "recipients",
                "sha256",
                "size",
                "xml",
            ),
        )
        await connection.execute(
            "SELECT setval(pg_get_serial_sequence('documents', 'id'), max(id)) FROM documents"
        )
        await connection.copy_records_to_table(
            "notice_timeliness",
            records=notices,
            columns=(
                "document_id", "country", "registration_number", "decision_date", "basis", "due_on",
                "submitted_on", "late",
            ),
        )  # fmt: skip
        print(f"  notice_timeliness: {len(notices):,} §17 records in {time.perf_counter() - started:.1f} s")

        rows = []
        for n in range(measures):
            country = rng.choices(bulk.COUNTRIES, bulk.COUNTRY_WEIGHTS)[0]
            start = bulk.START + dt.timedelta(days=rng.randrange(bulk.DAYS))
            end = start + dt.timedelta(days=rng.randint(30, 720)) if rng.random() < 0.6 else None
            state = rng.choices(("introduced", "changed", "cancelled"), (50, 25, 25))[0]
            changed = min(
                bulk.NOW,
                dt.datetime.combine(start, dt.time(12), dt.UTC) + dt.timedelta(days=rng.randint(1, 400)),
            )
            rows.append(
                (country, f"{country}-{n:05d}", start, f"Временная санитарная мера {n}", rng.choice("1234"), start,
                 end, state, "", 1, changed)
            )  # fmt: skip
        await connection.copy_records_to_table(
            "measures",
            records=rows,
            columns=(
                "country", "document_number", "document_date", "name", "ground_code", "start_date", "end_date",
                "state", "summary", "current_version", "updated_at",
            ),
        )  # fmt: skip
        print(f"  measures: {len(rows):,}")
        for table in ("case_versions", "documents", "notice_timeliness", "measures"):
            await connection.execute(f"VACUUM ANALYZE {table}")
    finally:
        await connection.close()


# --- measuring ----------------------------------------------------------------------------------------
def _p(timings: list[float], q: int) -> float:
    if len(timings) == 1:
        return timings[0]
    return statistics.quantiles(timings, n=100, method="inclusive")[q - 1]


async def _aggregate(url: str, runs: int) -> bool:
    engine = create_engine(url)
    try:
        totals, checks = [], []
        for _ in range(runs):
            async with engine.connect() as connection:
                started = time.perf_counter()
                snapshot = await stats.compute(connection)
                totals.append(time.perf_counter() - started)
        for _ in range(50):
            async with engine.connect() as connection:
                started = time.perf_counter()
                await stats.fingerprint(connection)
                checks.append((time.perf_counter() - started) * 1000)
    finally:
        await engine.dispose()
    cases = sum(count for count, _open in snapshot.cases.values())
    print(
        f"\naggregation of {cases:,} cases, {sum(snapshot.measures.values()):,} measures, "
        f"{sum(a + b for a, b in snapshot.notices.values()):,} §17 records, {len(snapshot.measure_months)} months:"
    )
    best, worst = min(totals), max(totals)
    print(f"  compute: best {best:.3f} s, median {statistics.median(totals):.3f} s, worst {worst:.3f} s "
          f"(aim {AGGREGATE_AIM_S:.0f} s) {'ok' if worst <= AGGREGATE_AIM_S else 'MISSED'}")  # fmt: skip
    print(f"  change check: p50 {_p(checks, 50):.2f} ms, p95 {_p(checks, 95):.2f} ms")
    return worst <= AGGREGATE_AIM_S


def _scenarios() -> dict[str, tuple[str, list[str]]]:
    charts = [name for name in stats.CHARTS if name != "map"]
    figures = [f"/api/v1/statistics/map?figure={figure}" for figure in stats.FIGURES]
    return {
        "statistics (page)": ("page", ["/statistics"]),
        "statistics filtered (page)": (
            "page",
            ["/statistics?from=2023-01&to=2024-12&country=KZ", "/statistics?lang=en&kind=morbidity"],
        ),
        "dashboard (API)": ("api", ["/api/v1/statistics"]),
        "each chart, whole period (API)": ("api", [f"/api/v1/statistics/{name}" for name in charts]),
        "each chart, filtered (API)": (
            "api",
            [
                f"/api/v1/statistics/{name}?from=2022-01&to=2023-06&country=RU"
                for name in charts
                if name != "cases-by-country"
            ],
        ),
        "map, each figure (API)": ("api", figures),
        "each chart, whole period (CSV)": (
            "api",
            [f"/api/v1/statistics/{name}.csv" for name in stats.CHARTS],
        ),
    }


async def _measure(url: str, runs: int) -> bool:
    rng = random.Random(7)
    app = create_app(Settings(database_url=url, exchange=False, database_pool=4))
    met = True
    async with app.router.lifespan_context(app):
        await stats.keeper_of(app).current()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            print(f"\n{'scenario':34} {'p50 ms':>8} {'p95 ms':>8} {'aim':>6}")
            for name, (kind, paths) in _scenarios().items():
                for path in paths:  # warm up
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
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--certificates", type=int, default=100_000)
    parser.add_argument("--measures", type=int, default=3_000)
    parser.add_argument("--runs", type=int, default=200, help="timed requests per scenario")
    parser.add_argument("--aggregations", type=int, default=5, help="timed aggregations")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by --keep, no loading")
    args = parser.parse_args()
    dsn = f"{args.server}/{DATABASE}"
    url = f"{args.server.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{DATABASE}"
    try:
        if not args.reuse:
            bulk._prepare(args.server, dsn, url, args.certificates, args.cases)
            asyncio.run(_load_more(dsn, args.measures))
        aggregated = asyncio.run(_aggregate(url, args.aggregations))
        served = asyncio.run(_measure(url, args.runs))
        print("\nall aims met" if aggregated and served else "\nsome aims MISSED")
    finally:
        if not args.keep:
            asyncio.run(bulk._admin(args.server, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
