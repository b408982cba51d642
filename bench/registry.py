"""Registry import rate and certificate status lookup latency on PostgreSQL (Table 1; Rules §31з).

Generates N synthetic, valid certificates of the five member states (numbers following the Table 1
item 3 template AA.BB.VV.GG.DDD.E.ZZZZZZ.MM.YY, realistic names, statuses mixed: in force,
suspended, annulled, in force but expired) as a CSV dump (or an R.SM.SS.07.001 XML dump), imports it
with ``sanmeasures.registry.importer.import_file`` and prints the rate; then times the status check
(``status_of``) over random numbers, half of them written with look-alike Cyrillic letters, lower
case or stray spaces, next to the bare query on the unique index through asyncpg.

    .venv/bin/python bench/registry.py [--certificates 1000000] [--format csv|xml] [--lookups 10000]
        [--database-url postgresql+asyncpg://…] [--reimport] [--revision head]

Without --database-url the database ``sanmeasures_bench`` on 127.0.0.1:5432 is dropped, created
afresh and migrated. Not a test: the lead's speed check (aims: ≥ 5,000 certificates/s, p99 ≤ 2 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from alembic import command
from lxml import etree
from sqlalchemy import text
from sqlalchemy.engine import make_url

from sanmeasures.contract.examples import header
from sanmeasures.contract.namespaces import MODULE_PREFIXES, clark
from sanmeasures.contract.structures.certificate import (
    STRUCTURE,
    RegistrationCertificateDetails,
    normalise_registration_number,
)
from sanmeasures.registry.importer import COLUMNS, ImportProgress, certificate_data, import_file
from sanmeasures.registry.store import status_of
from sanmeasures.storage.engine import create_engine
from sanmeasures.storage.migrate import alembic_config

SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"
BENCH_DATABASE = "sanmeasures_bench"

# --- realistic content -----------------------------------------------------------------------------
STATES = {
    "KZ": {
        "authority": "Комитет санитарно-эпидемиологического контроля Министерства здравоохранения Республики Казахстан",
        "cities": ["г. Алматы", "г. Астана", "г. Шымкент", "г. Караганда", "г. Актобе"],
        "post": lambda r: (
            f"{r.choice('ABCDEFGHJKLMNPRSTVXZ')}{r.randint(0, 99):02d}{r.choice('ABCDEFGHK')}"
            f"{r.randint(0, 9)}{r.choice('ABCDEFGHK')}{r.randint(0, 9)}"
        ),
        "prefix": "ТОО",
        "form": "Товарищество с ограниченной ответственностью",
        "id": lambda r: f"KZ01:{r.randint(10**11, 10**12 - 1)}",
        "lab": "Испытательный центр филиала РГП на ПХВ «Национальный центр экспертизы»|KZ.T.02.0123",
    },
    "RU": {
        "authority": "Федеральная служба по надзору в сфере защиты прав потребителей и благополучия человека",
        "cities": ["г. Москва", "г. Санкт-Петербург", "г. Новосибирск", "г. Екатеринбург", "г. Казань"],
        "post": lambda r: f"{r.randint(101000, 692999)}",
        "prefix": "ООО",
        "form": "Общество с ограниченной ответственностью",
        "id": lambda r: f"RU01:{r.randint(10**12, 10**13 - 1)}",
        "lab": "Испытательный лабораторный центр ФБУЗ «Центр гигиены и эпидемиологии»|RA.RU.510045",
    },
    "BY": {
        "authority": "Министерство здравоохранения Республики Беларусь",
        "cities": ["г. Минск", "г. Гомель", "г. Брест", "г. Витебск", "г. Гродно"],
        "post": lambda r: f"{r.randint(210000, 247999)}",
        "prefix": "ОАО",
        "form": "Открытое акционерное общество",
        "id": lambda r: f"BY01:{r.randint(10**8, 10**9 - 1)}",
        "lab": "Испытательная лаборатория ГУ «Республиканский центр гигиены и эпидемиологии»|BY/112 02.1.0.0871",
    },
    "KG": {
        "authority": "Департамент профилактики заболеваний и государственного санитарно-эпидемиологического "
        "надзора Министерства здравоохранения Кыргызской Республики",
        "cities": ["г. Бишкек", "г. Ош", "г. Джалал-Абад", "г. Каракол", "г. Токмок"],
        "post": lambda r: f"{r.randint(720000, 725999)}",
        "prefix": "ОсОО",
        "form": "Общество с ограниченной ответственностью",
        "id": lambda r: f"KG01:{r.randint(10**13, 10**14 - 1)}",
        "lab": "Испытательный центр ДПЗиГСЭН|KG417/КЦА.ИЛ.101",
    },
    "AM": {
        "authority": "Инспекционный орган по здравоохранению и труду Республики Армения",
        "cities": ["г. Ереван", "г. Гюмри", "г. Ванадзор", "г. Абовян", "г. Раздан"],
        "post": lambda r: f"{r.randint(1, 4099):04d}",
        "prefix": "ЗАО",
        "form": "Закрытое акционерное общество",
        "id": lambda r: f"AM01:{r.randint(10**7, 10**8 - 1)}",
        "lab": "Испытательная лаборатория «Стандарт Диалог Армения»|AM.ИЛ.0074",
    },
}
COMPANY_WORDS = [
    "Нутришн",
    "Агро",
    "Фуд",
    "Продукт",
    "Химбыт",
    "Косметик",
    "Сут",
    "Нан",
    "Вода",
    "Пласт",
    "Тара",
    "Фарм",
]
COMPANY_NAMES = [
    "Алтын",
    "Балдәурен",
    "Восток",
    "Белая Русь",
    "Ала-Тоо",
    "Арарат",
    "Сибирь",
    "Волга",
    "Нева",
    "Тянь-Шань",
]
STREETS = [
    "ул. Ленина",
    "пр. Абая",
    "ул. Советская",
    "пр. Независимости",
    "ул. Чуй",
    "ул. Абовяна",
    "ул. Заводская",
]
# (product, HS code, technical regulations for letter R, section of chapter II for letter E)
PRODUCTS = [
    (
        "Смесь сухая молочная адаптированная для питания детей раннего возраста",
        "1901100000",
        "ТР ТС 021/2011;ТР ТС 033/2013",
        "",
    ),
    ("Пюре фруктовое для питания детей раннего возраста", "2007109100", "ТР ТС 021/2011;ТР ТС 027/2012", ""),
    ("Вода питьевая бутилированная для детского питания", "2201101100", "ТР ЕАЭС 044/2017", ""),
    ("Биологически активная добавка к пище", "2106909808", "ТР ТС 021/2011;ТР ТС 022/2011", ""),
    (
        "Средство моющее синтетическое для детской посуды",
        "3402209000",
        "",
        "Глава II, раздел 5 «Требования к товарам бытовой химии»",
    ),
    (
        "Крем косметический для детей",
        "3304990000",
        "",
        "Глава II, раздел 5 «Требования к парфюмерно-косметической продукции»",
    ),
    (
        "Посуда одноразовая из полимерных материалов",
        "3924100000",
        "",
        "Глава II, раздел 16 «Требования к полимерным материалам»",
    ),
    (
        "Дезинфицирующее средство на основе четвертичных аммониевых соединений",
        "3808941000",
        "",
        "Глава II, раздел 20 «Требования к дезинфицирующим средствам»",
    ),
]
VV = ["01", "02", "78", "99", "АА", "БЖ", "КМ", "1А"]
# Look-alike spellings of a number as people type them (Table 1 item 3 is Latin AA and E/R).
LOOK_ALIKE_AA = {"KZ": "КZ", "RU": "RU", "BY": "ВY", "KG": "КG", "AM": "АМ"}


def synthetic_rows(count: int, seed: int = 20200211) -> Iterator[dict[str, str]]:
    """``count`` valid CSV rows; registration numbers are unique."""
    rng = random.Random(seed)
    countries = list(STATES)
    today = dt.date(2026, 1, 1)
    for index in range(count):
        country = countries[index % 5]
        state = STATES[country]
        issued = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3985))
        product, hs, regulations, section = rng.choice(PRODUCTS)
        letter = "R" if regulations else "E"
        sequence = index // 5
        region = 10 + sequence // 1_000_000
        number = (
            f"{country}.{region:02d}.{rng.choice(VV)}.{rng.randint(1, 99):02d}.{rng.randint(1, 999):03d}.{letter}."
            f"{sequence % 1_000_000:06d}.{issued.month:02d}.{issued.year % 100:02d}"
        )
        unlimited = rng.random() < 0.6
        valid_until = "" if unlimited else (issued + dt.timedelta(days=5 * 365)).isoformat()
        roll = rng.random()
        status, status_start, status_end = "1", issued, ""
        if roll < 0.10:  # suspended for some months
            status, status_start = "2", issued + dt.timedelta(days=rng.randint(30, 300))
            status_end = (status_start + dt.timedelta(days=rng.randint(30, 180))).isoformat()
        elif roll < 0.17:  # annulled
            status, status_start = "3", issued + dt.timedelta(days=rng.randint(30, 600))
        if status_start > today:
            status_start = issued
        company = f"{state['form']} «{rng.choice(COMPANY_NAMES)} {rng.choice(COMPANY_WORDS)}»"
        address = f"{state['post'](rng)}, {rng.choice(state['cities'])}, {rng.choice(STREETS)}, {rng.randint(1, 300)}"
        protocol_day = issued - dt.timedelta(days=rng.randint(3, 30))
        yield {
            "registration_number": number,
            "country": country,
            "issued_on": issued.isoformat(),
            "status_code": status,
            "status_start": status_start.isoformat(),
            "status_end": status_end,
            "valid_from": issued.isoformat(),
            "valid_until": valid_until,
            "product_name": f"{product} «{rng.choice(COMPANY_NAMES)} {rng.randint(1, 9)}»",
            "product_trade_name": "",
            "product_description": "Форма выпуска: упаковка потребительская. Условия хранения: от 0 до 25 °С.",
            "hs_codes": hs,
            "manufacturing_documents": f"Технические условия|ТУ {rng.randint(10, 32)}.{rng.randint(10, 99)}."
            f"{rng.randint(10, 99)}-{rng.randint(1, 999):03d}-{rng.randint(10**7, 10**8 - 1)}-{issued.year - 1}",
            "applicant_name": company,
            "applicant_id": state["id"](rng),
            "applicant_address": address,
            "manufacturer_name": company,
            "manufacturer_address": address,
            "technical_regulations": regulations,
            "sanitary_requirements_section": section,
            "evidence_documents": f"Протокол испытаний|{rng.randint(1, 9999)}-{rng.choice('МХТ')}|{protocol_day.isoformat()}",
            "laboratory": state["lab"],
            "authority_name": state["authority"],
            "form_number": f"{rng.randint(1, 9999999):07d}",
        }


def write_csv(path: Path, count: int) -> list[str]:
    numbers = []
    with path.open("w", newline="", encoding="utf-8") as target:
        writer = csv.DictWriter(target, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        for row in synthetic_rows(count):
            numbers.append(row["registration_number"])
            writer.writerow(row)
    return numbers


def write_xml(path: Path, count: int) -> list[str]:
    """The same certificates as one R.SM.SS.07.001 document, written incrementally."""
    numbers = []
    namespace = STRUCTURE.root.root_namespace()
    nsmap = {"doc": namespace, **{p: u for p, u in MODULE_PREFIXES.items() if u != namespace}}
    with etree.xmlfile(str(path), encoding="UTF-8") as xf:
        xf.write_declaration()
        with xf.element(clark(STRUCTURE.root.xml_root or ""), nsmap=nsmap):
            edoc = header("P.SS.07.MSG.001", STRUCTURE.code)
            xf.write(edoc.write_element(etree.Element(clark("ccdo:EDocHeader"), nsmap=nsmap)))
            for row in synthetic_rows(count):
                numbers.append(row["registration_number"])
                data, _ = certificate_data(row)
                certificate = RegistrationCertificateDetails.model_validate(data)
                element = etree.Element(clark("cert:RegistrationCertificateDetails"), nsmap=nsmap)
                xf.write(certificate.write_element(element), pretty_print=True)
    return numbers


def look_alike(number: str, rng: random.Random) -> str:
    """The same number as people write it: Cyrillic look-alikes, lower case, stray spaces."""
    parts = number.split(".")
    parts[0] = LOOK_ALIKE_AA[parts[0]]
    parts[5] = {"E": "Е", "R": "Р"}[parts[5]]
    written = ".".join(parts)
    if rng.random() < 0.5:
        written = written.lower()
    if rng.random() < 0.5:
        written = written.replace(".", ". ", 2) + " "
    return written


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


async def prepare_database(url: str | None) -> str:
    if url is not None:
        return url
    admin = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)'))
        await connection.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
    await admin.dispose()
    return f"{SERVER}/{BENCH_DATABASE}"


async def bench(url: str, dump: Path, numbers: list[str], options: argparse.Namespace) -> None:
    engine = create_engine(url)
    started = time.perf_counter()

    step = max(options.certificates // 10, options.batch_size)
    shown = [0]

    def progress(state: ImportProgress) -> None:
        if state.read - shown[0] >= step:
            shown[0] = state.read
            elapsed = time.perf_counter() - started
            print(
                f"  … {state.read:,} read, {state.imported:,} stored, {state.read / elapsed:,.0f}/s so far",
                file=sys.stderr,
            )

    summary = await import_file(
        engine,
        dump,
        registry="unified",
        format=options.format,
        batch_size=options.batch_size,
        progress=progress,
    )
    print(
        f"import ({options.format}): {summary.read:,} certificates, {summary.imported:,} imported, "
        f"{summary.rejected} rejected in {summary.seconds:.1f} s: {summary.rate:,.0f} certificates/s"
    )
    if summary.rejections:
        print("  first rejection:", summary.rejections[0].reasons())
    if options.reimport:
        again = await import_file(engine, dump, format=options.format, batch_size=options.batch_size)
        print(
            f"re-import: {again.unchanged:,} unchanged, {again.imported} imported in {again.seconds:.1f} s: "
            f"{again.rate:,.0f} certificates/s"
        )

    # Steady state for the lookups: what autovacuum would otherwise do in the middle of the timing.
    before = time.perf_counter()
    async with engine.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("VACUUM (ANALYZE) certificates, certificate_versions"))
    print(f"vacuum analyze after the import: {time.perf_counter() - before:.1f} s")

    rng = random.Random(31)
    chosen = [rng.choice(numbers) for _ in range(options.lookups)]
    written = [look_alike(n, rng) if i % 2 else n for i, n in enumerate(chosen)]
    ours: list[float] = []
    async with engine.connect() as connection:
        for number in written[:200]:  # warm-up
            await status_of(connection, number)
        for number in written:
            before = time.perf_counter()
            status = await status_of(connection, number)
            ours.append((time.perf_counter() - before) * 1000)
            assert status is not None, number
    await engine.dispose()

    normal = [normalise_registration_number(n) for n in chosen]
    bare: list[float] = []
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    sql = "SELECT * FROM certificates WHERE registry = $1 AND registration_number = $2"
    for number in normal[:200]:
        await connection.fetchrow(sql, "unified", number)
    for number in normal:
        before = time.perf_counter()
        row = await connection.fetchrow(sql, "unified", number)
        bare.append((time.perf_counter() - before) * 1000)
        assert row is not None
    await connection.close()

    o50, o95, o99 = percentiles(ours)
    b50, b95, b99 = percentiles(bare)
    print(f"status lookup over {options.lookups:,} numbers (half written with look-alike letters), ms:")
    print(f"  status_of          p50 {o50:.3f}  p95 {o95:.3f}  p99 {o99:.3f}")
    print(f"  bare asyncpg SQL   p50 {b50:.3f}  p95 {b95:.3f}  p99 {b99:.3f}")
    print(f"  ratio              p50 {o50 / b50:.1f}×  p95 {o95 / b95:.1f}×  p99 {o99 / b99:.1f}×")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--format", choices=("csv", "xml"), default="csv")
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--lookups", type=int, default=10_000)
    parser.add_argument("--database-url", default=None, help=f"default: a fresh {BENCH_DATABASE} database")
    parser.add_argument("--reimport", action="store_true", help="also time importing the same dump again")
    parser.add_argument(
        "--work-dir", type=Path, default=None, help="where the dump is written (default: a temp dir)"
    )
    parser.add_argument(
        "--revision", default="head", help="migrate to this revision (0001: without the search structures)"
    )
    options = parser.parse_args()

    url = asyncio.run(prepare_database(options.database_url))
    command.upgrade(alembic_config(url), options.revision)  # outside the event loop: Alembic runs its own
    with tempfile.TemporaryDirectory(dir=options.work_dir) as work:
        dump = Path(work) / f"registry.{options.format}"
        started = time.perf_counter()
        numbers = (write_csv if options.format == "csv" else write_xml)(dump, options.certificates)
        size = dump.stat().st_size / 2**20
        print(
            f"generated {options.certificates:,} certificates ({size:,.0f} MiB {options.format}) "
            f"in {time.perf_counter() - started:.1f} s"
        )
        asyncio.run(bench(url, dump, numbers, options))


if __name__ == "__main__":
    main()
