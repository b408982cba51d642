"""Search latency on PostgreSQL at volume: p50/p95 of typical searches, next to the same SQL bare.

Creates the database ``sanmeasures_bench_search`` (dropped first if left over, dropped at the end
unless ``--keep``), migrates it to 0001, loads N certificates and M cases of synthetic but realistic
rows with COPY, migrates to head (so the search column and indexes are built in bulk, as for an
existing registry), analyses, then times each typical search ``--runs`` times through
``sanmeasures.storage.search`` and the very same statements run bare through asyncpg (captured from
SQLAlchemy, prepared statements on both sides). One connection each; every API search runs in its
own transaction, as in a request. Not a test: figures depend on the machine and server settings.

    .venv/bin/python bench/search.py [--certificates 1000000] [--cases 100000] [--runs 300] [--keep]
    .venv/bin/python bench/search.py --reuse [--keep]     # measure again a database kept before
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import asyncpg
from alembic import command
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.storage.engine import create_engine
from sanmeasures.storage.migrate import alembic_config
from sanmeasures.storage.search import (
    CaseQuery,
    CertificateQuery,
    search_cases,
    search_certificates,
)

DATABASE = "sanmeasures_bench_search"
START = dt.date(2020, 1, 1)
DAYS = 6 * 365
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

COUNTRIES = ("RU", "KZ", "BY", "KG", "AM")
COUNTRY_WEIGHTS = (45, 20, 20, 8, 7)
LEGAL_FORMS = {"AM": "ООО", "BY": "ОАО", "KZ": "ТОО", "KG": "ОсОО", "RU": "ООО"}
AUTHORITIES = {
    "AM": "Инспекционный орган по безопасности пищевых продуктов Республики Армения",
    "BY": "Министерство здравоохранения Республики Беларусь",
    "KZ": "Комитет санитарно-эпидемиологического контроля Министерства здравоохранения Республики Казахстан",
    "KG": "Департамент профилактики заболеваний и госсанэпиднадзора Кыргызской Республики",
    "RU": "Федеральная служба по надзору в сфере защиты прав потребителей и благополучия человека",
}
COMPANY_WORDS = (
    "Агро", "Нутри", "Мол", "Хлеб", "Фарм", "Эко", "Сибирь", "Евразия", "Алтын", "Арарат", "Беловежье",
    "Волга", "Байтерек", "Север", "Исток", "Здоровье", "Детство", "Кристалл", "Полимер", "Сапа", "Жер",
    "Ак", "Дан", "Нур", "Кубань", "Урал", "Днепр", "Сож", "Иссык", "Наири",
)  # fmt: skip
COMPANY_SUFFIXES = ("", " Плюс", " Групп", " Трейд", " Продукт", " Холдинг", "-М", " Сүт", " Инвест")
# (product kind, HS codes, certificate-number product code, technical regulations)
PRODUCTS = (
    ("Колбаса вареная", ("1601009100",), "003", "ТР ТС 021/2011 ТР ТС 034/2013"),
    ("Колбаса сырокопченая", ("1601009100",), "003", "ТР ТС 021/2011 ТР ТС 034/2013"),
    ("Сосиски молочные", ("1601009900",), "003", "ТР ТС 021/2011 ТР ТС 034/2013"),
    ("Сыр плавленый", ("0406300000",), "003", "ТР ТС 021/2011 ТР ТС 033/2013"),
    ("Сыр полутвердый", ("0406908800",), "003", "ТР ТС 021/2011 ТР ТС 033/2013"),
    ("Молоко питьевое пастеризованное", ("0401201100",), "003", "ТР ТС 021/2011 ТР ТС 033/2013"),
    ("Кефир", ("0403909100",), "003", "ТР ТС 021/2011 ТР ТС 033/2013"),
    ("Қымыз", ("0403909100",), "003", "ТР ТС 021/2011 ТР ТС 033/2013"),
    ("Шұбат", ("0403909100",), "003", "ТР ТС 021/2011 ТР ТС 033/2013"),
    ("Смесь сухая молочная для детского питания", ("1901100000", "0402210000"), "003", "ТР ТС 021/2011 ТР ТС 033/2013"),
    ("Каша сухая для детского питания", ("1901100000",), "003", "ТР ТС 021/2011 ТР ТС 027/2012"),
    ("Вода питьевая бутилированная", ("2201101100",), "010", "ТР ЕАЭС 044/2017"),
    ("Вода минеральная лечебно-столовая", ("2201101900",), "010", "ТР ЕАЭС 044/2017"),
    ("Биологически активная добавка к пище", ("2106909808",), "015", "ТР ТС 021/2011"),
    ("Пищевая добавка консервант", ("2916310000",), "017", "ТР ТС 029/2012"),
    ("Продукция для питания спортсменов", ("2106909200",), "016", "ТР ТС 027/2012"),
    ("Средство дезинфицирующее", ("3808940000",), "020", ""),
    ("Краска водно-дисперсионная", ("3209100009",), "024", ""),
    ("Трубы полиэтиленовые для питьевого водоснабжения", ("3917210009",), "023", ""),
    ("Косметическое средство для ухода за кожей", ("3304990000",), "006", "ТР ТС 009/2011"),
    ("Посуда одноразовая из полипропилена", ("3924100000",), "012", "ТР ТС 005/2011"),
    ("Игрушка мягкая", ("9503004100",), "007", "ТР ТС 008/2011"),
    ("Мед натуральный", ("0409000000",), "003", "ТР ТС 021/2011"),
    ("Консервы рыбные", ("1604131100",), "003", "ТР ТС 021/2011 ТР ЕАЭС 040/2016"),
)  # fmt: skip
BRANDS = (
    "Докторская", "Праздничная", "Дружба", "Домашний", "Российский", "Алматы", "Минская", "Беловежская",
    "Ереванская", "Бишкек", "Нежный", "Классический", "Фитнес", "Малыш", "Здоровье", "Алтын", "Салем",
    "Байтерек", "Премиум", "Семейный", "Луговой", "Горный", "Нарын", "Тянь-Шань", "Севан",
)  # fmt: skip
DISEASES = (
    ("A02.0", "Сальмонеллезный энтерит"),
    ("A32.9", "Листериоз"),
    ("A05.1", "Ботулизм"),
    ("A08.1", "Острая гастроэнтеропатия, вызванная норовирусом"),
    ("A09", "Инфекционный гастроэнтерит"),
    ("B15.9", "Гепатит A"),
    ("A03.9", "Шигеллез"),
    ("A04.7", "Энтероколит, вызванный Clostridium difficile"),
)
FINDINGS = (
    "Listeria monocytogenes",
    "Escherichia coli",
    "Salmonella spp.",
    "бенз(а)пирен выше нормы",
    "фталаты выше нормы",
    "остатки антибиотиков",
)
CITIES = ("Москва", "Алматы", "Минск", "Бишкек", "Ереван", "Астана", "Казань", "Гомель", "Ош", "Гюмри")


# --- data ---------------------------------------------------------------------------------------------
def _companies(rng: random.Random, count: int) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for country in COUNTRIES:
        names[country] = [
            f"{LEGAL_FORMS[country]} «{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_WORDS).lower()}"
            f"{rng.choice(COMPANY_SUFFIXES)}»"
            for _ in range(count)
        ]
    return names


def _arrival(rng: random.Random, n: int, count: int) -> dt.date:
    # Rows arrive roughly in date order over the six years, as a registry grows (a few days' jitter).
    return START + dt.timedelta(days=max(0, min(DAYS - 1, n * DAYS // count + rng.randint(-5, 5))))


def certificate_rows(count: int, seed: int = 24) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    companies = _companies(rng, 4000)
    for n in range(count):
        country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
        kind, hs_codes, product_code, regulations = rng.choice(PRODUCTS)
        issued = _arrival(rng, n, count)
        letter = "R" if regulations else "E"
        number = (
            f"{country}.{rng.randint(1, 99):02d}.{rng.randint(1, 99):02d}.{n // 1_000_000 + 1:02d}."
            f"{product_code}.{letter}.{n % 1_000_000:06d}.{issued.month:02d}.{issued.year % 100:02d}"
        )
        status = rng.choices("123", (85, 5, 10))[0]
        manufacturer = rng.choice(companies[country])
        applicant = manufacturer if rng.random() < 0.5 else rng.choice(companies[country])
        yield (
            "unified" if rng.random() < 0.8 else "national",
            number,
            number,
            country,
            issued,
            status,
            issued if status == "1" else issued + dt.timedelta(days=rng.randrange(30, 900)),
            issued,
            None,
            True,
            f"{kind} «{rng.choice(BRANDS)}»",
            applicant,
            manufacturer,
            " ".join(hs_codes),
            regulations,
            AUTHORITIES[country],
            1,
            NOW,
        )


CERTIFICATE_COLUMNS = (
    "registry", "registration_number", "registration_number_as_written", "country", "issued_on",
    "status_code", "status_start", "valid_from", "valid_until", "validity_unlimited", "product_name",
    "applicant_name", "manufacturer_name", "hs_codes", "technical_regulations", "authority_name",
    "current_version", "updated_at",
)  # fmt: skip


def case_rows(count: int, seed: int = 25) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(seed)
    companies = _companies(rng, 500)
    for n in range(count):
        country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
        reported = _arrival(rng, n, count)
        last = reported + dt.timedelta(days=rng.randrange(0, 60))
        closed = last if (reported < dt.date(2025, 6, 1) and rng.random() < 0.7) else None
        disease = hs_code = product_type = manufacturer = None
        if rng.random() < 0.5:
            kind, number = "morbidity", f"{country}-M-{reported.year}-{n:06d}"
            disease, title = rng.choice(DISEASES)
            summary = f"Зарегистрирован случай: {title.lower()}, г. {rng.choice(CITIES)}"
        else:
            kind, number = "dangerous_product", f"{country}-DP-{reported.year}-{n:06d}"
            product, hs_codes, _, _ = rng.choice(PRODUCTS)
            title = f"{product} «{rng.choice(BRANDS)}»"
            hs_code, product_type = hs_codes[0], f"{rng.randint(1, 30):03d}"
            manufacturer = rng.choice(companies[rng.choice(COUNTRIES)])
            summary = f"{title}: выявлено — {rng.choice(FINDINGS)}"
        incident = "3" if closed else rng.choice("12")
        yield (
            kind, country, number, reported, last, incident, closed, title, disease, hs_code,
            product_type, manufacturer, summary, 1, NOW,
        )  # fmt: skip


CASE_COLUMNS = (
    "kind", "country", "registration_number", "first_reported_on", "last_reported_on",
    "last_incident_kind", "closed_on", "title", "disease_code", "hs_code", "product_type_code",
    "manufacturer_name", "summary", "current_version", "updated_at",
)  # fmt: skip


# --- set-up -------------------------------------------------------------------------------------------
async def _admin(server: str, statement: str) -> None:
    connection = await asyncpg.connect(f"{server}/postgres")
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


async def _load(dsn: str, certificates: int, cases: int) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        for table, columns, rows, count in (
            ("certificates", CERTIFICATE_COLUMNS, certificate_rows, certificates),
            ("cases", CASE_COLUMNS, case_rows, cases),
        ):
            started = time.perf_counter()
            batch: list[tuple[Any, ...]] = []
            for row in rows(count):
                batch.append(row)
                if len(batch) == 50_000:
                    await connection.copy_records_to_table(table, records=batch, columns=columns)
                    batch = []
            if batch:
                await connection.copy_records_to_table(table, records=batch, columns=columns)
            print(f"  {table}: {count:,} rows copied in {time.perf_counter() - started:.1f} s")
    finally:
        await connection.close()


async def _vacuum(dsn: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("VACUUM ANALYZE certificates")
        await connection.execute("VACUUM ANALYZE cases")
    finally:
        await connection.close()


async def _samples(dsn: str) -> dict[str, list[str]]:
    connection = await asyncpg.connect(dsn)
    try:
        numbers = [
            r[0]
            for r in await connection.fetch(
                "SELECT registration_number FROM certificates TABLESAMPLE SYSTEM (1) LIMIT 200"
            )
        ]
        manufacturers = [
            r[0]
            for r in await connection.fetch(
                "SELECT manufacturer_name FROM certificates TABLESAMPLE SYSTEM (1) LIMIT 200"
            )
        ]
    finally:
        await connection.close()
    return {"numbers": numbers, "manufacturers": manufacturers}  # fmt: skip


# --- the searches -------------------------------------------------------------------------------------
Search = Callable[[AsyncConnection, Any], Awaitable[Any]]


def scenarios(samples: dict[str, list[str]]) -> dict[str, tuple[Search, list[Any]]]:
    """Typical searches, each a list of concrete variants cycled through."""
    words = ["колбаса", "сыр", "молоко", "вода", "смесь", "кефир", "қымыз", "мед", "краска", "игрушка"]
    phrases = ["сыр плавленый", "колбаса докторская", "вода минеральная", "смесь детского питания"]
    typing = ["смес", "колб", "докт", "минерал", "плавл", "шұб"]
    makers = [m.split("«")[1].split("»")[0].split()[0] for m in samples["manufacturers"]]
    countries = list(COUNTRIES)
    c, k = CertificateQuery, CaseQuery
    return {
        "certificates: one word": (search_certificates, [c(text=w) for w in words]),
        "certificates: two words": (search_certificates, [c(text=p) for p in phrases]),
        "certificates: prefix as typed": (search_certificates, [c(text=t) for t in typing]),
        "certificates: manufacturer name": (search_certificates, [c(text=m) for m in makers]),
        "certificates: whole number": (search_certificates, [c(text=n) for n in samples["numbers"]]),
        "certificates: partial number": (
            search_certificates,
            [c(text=n[:11]) for n in samples["numbers"]],
        ),
        "certificates: text + country + status": (
            search_certificates,
            [c(text=w, country=countries[i % 5], status_code="1") for i, w in enumerate(words)],
        ),
        "certificates: text + rare filters": (
            search_certificates,
            [
                c(text=w, country=countries[i % 5], status_code="3", issued_from=dt.date(2024, 1, 1))
                for i, w in enumerate(words)
            ],
        ),
        "certificates: filters only": (
            search_certificates,
            [c(country=co, status_code="2") for co in countries]
            + [c(hs_code="0406"), c(hs_code="2201"), c(technical_regulation="ТР ТС 033/2013")]
            + [c(issued_from=dt.date(2023, 5, 1), issued_to=dt.date(2023, 5, 31), country="KZ")],
        ),
        "certificates: typo (fallback)": (
            search_certificates,
            [c(text=t) for t in ("калбаса", "малоко", "дитского", "минеральнай", "копчен")],
        ),
        "cases: text + kind + country": (
            search_cases,
            [
                k(text=t, kind=kind, country=co)
                for t, kind in (("листериоз", "morbidity"), ("колбаса", "dangerous_product"))
                for co in countries
            ],
        ),
        "cases: filters only": (
            search_cases,
            [k(country=co, closed=False) for co in countries] + [k(disease_code="A32.9"), k(hs_code="1601")],
        ),
    }


class Recorder:
    """Captures the statements SQLAlchemy sends, to run them again bare (same text, same values)."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, tuple[Any, ...]]] = []
        self.on = False

    def __call__(
        self, conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool
    ) -> None:
        if self.on:
            self.statements.append((statement, tuple(parameters or ())))


def _percentiles(timings: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


async def _measure(url: str, dsn: str, runs: int, samples: dict[str, list[str]]) -> None:
    engine = create_engine(url)
    recorder = Recorder()
    event.listen(engine.sync_engine, "before_cursor_execute", recorder)
    bare = await asyncpg.connect(dsn)
    print(f"\n{'search':42} {'API p50':>8} {'p95':>8} {'bare p50':>9} {'p95':>8} {'ratio p50':>9}  rows")
    try:
        async with engine.connect() as connection:
            for name, (search, variants) in scenarios(samples).items():
                for page in (1, 2):
                    label = name if page == 1 else "  … page 2 via cursor"
                    if page == 2 and "fallback" in name:
                        continue
                    # Page-2 variants: the same query with the cursor of its first page.
                    if page == 2:
                        seconds = []
                        for query in variants:
                            first = await search(connection, query)
                            await connection.rollback()
                            if first.next_cursor:
                                seconds.append(query.model_copy(update={"cursor": first.next_cursor}))
                        if not seconds:
                            continue
                        queries = seconds
                    else:
                        queries = variants
                    api, raw, rows = [], [], []
                    statements = {}
                    for query in queries:  # warm-up round, and the statements each query sends
                        recorder.statements, recorder.on = [], True
                        await search(connection, query)
                        await connection.rollback()
                        recorder.on = False
                        statements[id(query)] = recorder.statements
                    for run in range(runs):
                        query = queries[run % len(queries)]
                        # Alternate who goes first, so neither always finds the pages the other read.
                        for side in ("api", "bare") if run % 2 == 0 else ("bare", "api"):
                            started = time.perf_counter()
                            if side == "api":
                                result = await search(connection, query)
                                await connection.rollback()
                                api.append(time.perf_counter() - started)
                                rows.append(len(result.items))
                            else:
                                async with bare.transaction():  # as the API: SET LOCAL settings
                                    for statement, parameters in statements[id(query)]:
                                        await bare.fetch(statement, *parameters)
                                raw.append(time.perf_counter() - started)
                    p50, p95 = _percentiles(api)
                    b50, b95 = _percentiles(raw)
                    print(
                        f"{label:42} {p50:7.2f}ms {p95:7.2f}ms {b50:8.2f}ms {b95:7.2f}ms {p50 / b50:8.2f}x"
                        f"  {statistics.mean(rows):.0f}"
                    )
    finally:
        await bare.close()
        await engine.dispose()


async def _settings(dsn: str) -> str:
    connection = await asyncpg.connect(dsn)
    try:
        names = ("server_version", "shared_buffers", "work_mem", "random_page_cost", "jit")
        values = [await connection.fetchval(f"SHOW {name}") for name in names]
        size = await connection.fetchval("SELECT pg_size_pretty(pg_database_size(current_database()))")
    finally:
        await connection.close()
    return ", ".join(f"{n}={v}" for n, v in zip(names, values, strict=True)) + f"; database {size}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300, help="timed searches per scenario")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by --keep, no loading")
    args = parser.parse_args()

    dsn = f"{args.server}/{DATABASE}"
    url = f"{args.server.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{DATABASE}"
    try:
        if not args.reuse:
            _prepare(args.server, dsn, url, args.certificates, args.cases)
        print(f"{asyncio.run(_settings(dsn))}")
        asyncio.run(_measure(url, dsn, args.runs, asyncio.run(_samples(dsn))))
    finally:
        if not args.keep:
            asyncio.run(_admin(args.server, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))


def _prepare(server: str, dsn: str, url: str, certificates: int, cases: int) -> None:
    asyncio.run(_admin(server, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)'))
    asyncio.run(_admin(server, f'CREATE DATABASE "{DATABASE}"'))
    # Bulk index builds (migration 0002 on a full table) like memory; a setting of this database only.
    asyncio.run(_admin(server, f"ALTER DATABASE \"{DATABASE}\" SET maintenance_work_mem = '512MB'"))
    started = time.perf_counter()
    command.upgrade(alembic_config(url), "0001")
    print(f"loading {certificates:,} certificates and {cases:,} cases")
    asyncio.run(_load(dsn, certificates, cases))
    moment = time.perf_counter()
    command.upgrade(alembic_config(url), "head")
    print(f"  migration 0002 (search column and indexes): {time.perf_counter() - moment:.1f} s")
    asyncio.run(_vacuum(dsn))
    print(f"  ready in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
