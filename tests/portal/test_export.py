"""Exports of the published lists (Rules §31б): CSV, XLSX, JSON and XML with the list's filters.

Rules §31б: the portal exports the published information "in defined formats, also at the request of
interested parties' information systems, for automatic processing". Every test reads the export back
as a user's tool would (Python's csv, openpyxl, json, an XSD validator) on a real database.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import os
import sqlite3
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import suppress
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import openpyxl
import pytest
import sqlalchemy as sa
import xmlschema
from alembic import command
from fastapi import FastAPI
from fastapi.testclient import TestClient
from lxml import etree
from openpyxl.worksheet._writer import ALL_TEMP_FILES as TEMPORARY_SHEETS
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.app import create_app
from sanmeasures.contract.schemas import schema_dir
from sanmeasures.portal.export import FORMATS, NAMESPACE, RECORD_ELEMENTS, SCHEMA_FILE, element_name
from sanmeasures.portal.resources import RESOURCES
from sanmeasures.settings import Settings
from sanmeasures.storage import tables
from tests.conftest import alembic_config

MOMENT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
FORMULA = '=HYPERLINK("http://example.invalid","click")'


# --- published content, written as the stores leave it in the current view ----------------------------
def certificate(number: str, country: str, issued: dt.date, **changes: Any) -> dict[str, Any]:
    row = {
        "registry": "unified",
        "registration_number": number.replace(" ", ""),
        "registration_number_as_written": number,
        "country": country,
        "issued_on": issued,
        "status_code": "1",
        "status_start": issued,
        "status_end": None,
        "valid_from": issued,
        "valid_until": None,
        "validity_unlimited": True,
        "product_name": "Колбаса вареная «Докторская»",
        "applicant_name": "ТОО «Алтын Сүт»",
        "manufacturer_name": "ТОО «Алтын Сүт»",
        "hs_codes": "1601009100",
        "technical_regulations": "ТР ТС 021/2011; ТР ТС 034/2013",
        "authority_name": "Комитет санитарно-эпидемиологического контроля МЗ РК",
        "current_version": 1,
        "updated_at": MOMENT,
    }
    return row | changes


CERTIFICATES = [
    certificate(
        "KZ.16.01.78.003.R.000541.05.24",
        "KZ",
        dt.date(2024, 5, 20),
        product_name="Колбаса вареная «Докторская», ГОСТ 23670",  # a comma: CSV quotes it
        applicant_name='ТОО "Қазақ Ет"',  # double quotes, Kazakh letters
        manufacturer_name=FORMULA,  # text that Excel would run as a formula
        hs_codes="1601009100 1601009900",
    ),
    certificate(
        "RU.77.99.32.003.E.001207.03.24",
        "RU",
        dt.date(2024, 3, 14),
        status_code="2",
        product_name="Сыр плавленый\nс ветчиной",  # a line break inside a value
        authority_name="Роспотребнадзор",
        technical_regulations="",
    ),
    certificate(
        "KZ.02.01.11.015.E.000077.01.23",
        "KZ",
        dt.date(2023, 1, 16),
        status_code="3",
        status_end=dt.date(2024, 1, 1),
        valid_until=dt.date(2028, 1, 16),
        validity_unlimited=False,
        product_name="Биологически активная добавка к пище «Алтай»",
        technical_regulations="ТР ТС 021/2011",
    ),
    # A national registry's certificate: Rules §15 publishes the unified registry only.
    certificate("KZ.16.01.78.003.R.000999.06.24", "KZ", dt.date(2024, 6, 1), registry="national"),
]


def case(kind: str, country: str, number: str, reported: dt.date, **changes: Any) -> dict[str, Any]:
    row = {
        "kind": kind,
        "country": country,
        "registration_number": number,
        "first_reported_on": reported,
        "last_reported_on": reported,
        "last_incident_kind": "1",
        "closed_on": None,
        "title": "Листериоз",
        "disease_code": "A32.9" if kind == "morbidity" else None,
        "hs_code": None,
        "product_type_code": None,
        "manufacturer_name": None,
        "manufacturer_country": None,
        "summary": "Зарегистрирован случай листериоза, г. Қызылорда",
        "current_version": 1,
        "updated_at": MOMENT,
    }
    return row | changes


CASES = [
    case("morbidity", "KZ", "KZ-M-2026-000042", dt.date(2026, 2, 3)),
    case(
        "morbidity",
        "RU",
        "RU-M-2026-000007",
        dt.date(2026, 1, 20),
        last_reported_on=dt.date(2026, 2, 10),
        last_incident_kind="3",
        closed_on=dt.date(2026, 2, 10),
        title="Сальмонеллезный энтерит",
        disease_code="A02.0",
        current_version=2,
    ),
    case(
        "dangerous_product",
        "KZ",
        "KZ-DP-2026-000101",
        dt.date(2026, 2, 14),
        title="Колбаса сырокопченая «Праздничная»",
        hs_code="1601009100",
        product_type_code="003",
        manufacturer_name="ТОО «Ет Өнімдері»",
        manufacturer_country="KZ",
        summary="Выявлено: Listeria monocytogenes",
    ),
    case(
        "dangerous_product",
        "BY",
        "BY-DP-2026-000015",
        dt.date(2026, 1, 9),
        title="Смесь сухая молочная «Малыш»",
        hs_code="1901100000",
        manufacturer_name="ОАО «Беловежье»",
        manufacturer_country="BY",
    ),
]


def measure(country: str, number: str, date: dt.date, **changes: Any) -> dict[str, Any]:
    row = {
        "country": country,
        "document_number": number,
        "document_date": date,
        "name": "Ограничение ввоза колбасных изделий",
        "ground_code": "1",
        "start_date": date + dt.timedelta(days=1),
        "end_date": None,
        "state": "introduced",
        "summary": "Усиленный лабораторный контроль каждой партии",
        "current_version": 1,
        "updated_at": MOMENT,
    }
    return row | changes


MEASURES = [
    measure("KZ", "112", dt.date(2026, 3, 10)),
    measure(
        "RU",
        "02/4512",
        dt.date(2026, 2, 1),
        name="Временный запрет ввоза молочной продукции",
        ground_code="3",
        end_date=dt.date(2026, 4, 1),
        state="cancelled",
        current_version=3,
    ),
]


async def load(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(sa.insert(tables.certificates), CERTIFICATES)
        await connection.execute(sa.insert(tables.cases), CASES)
        await connection.execute(sa.insert(tables.measures), MEASURES)


# --- reading an export back ---------------------------------------------------------------------------
BOM = "\ufeff".encode()


@cache
def export_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(schema_dir() / SCHEMA_FILE)))


def plain(value: Any) -> str | None:
    """One text form of a value, whatever the format said: empty is None, dates ISO, true/false."""
    if value is None or value == "":
        return None
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, dt.datetime):  # openpyxl reads a date cell as a datetime
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_csv(content: bytes) -> tuple[list[str], list[list[str]]]:
    assert content.startswith(BOM), "Excel needs the byte order mark to read UTF-8"
    header, *rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    return header, rows


def read_xml(content: bytes) -> etree._Element:
    root = etree.fromstring(content)
    export_schema().assertValid(root)
    return root


def read_rows(fmt: str, resource: str, content: bytes) -> list[dict[str, str | None]]:
    """The export's rows as {column: text}, after checking the format's own rules."""
    columns = RESOURCES[resource].columns
    if fmt == "csv":
        header, rows = read_csv(content)
        assert header == list(columns)
        return [{c: plain(v) for c, v in zip(columns, row, strict=True)} for row in rows]
    if fmt == "json":
        items = json.loads(content)
        assert all(list(item) == list(columns) for item in items)
        return [{c: plain(item[c]) for c in columns} for item in items]
    if fmt == "xml":
        root = read_xml(content)
        assert root.tag == f"{{{NAMESPACE}}}Export" and root.get("resource") == resource
        records = []
        for record in root:
            assert record.tag == f"{{{NAMESPACE}}}{RECORD_ELEMENTS[resource]}"
            values = {child.tag.split("}")[1]: child.text for child in record}
            records.append({c: plain(values.get(element_name(c))) for c in columns})
        return records
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    header, *rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(header) == list(columns)
    return [{c: plain(v) for c, v in zip(columns, row, strict=True)} for row in rows]


def expected(resource: str, rows: list[dict[str, Any]]) -> list[dict[str, str | None]]:
    return [{c: plain(row[c]) for c in RESOURCES[resource].columns} for row in rows]


# --- the application ---------------------------------------------------------------------------------
@pytest.fixture
async def loaded(engine: AsyncEngine) -> AsyncEngine:
    await load(engine)
    return engine


@pytest.fixture
def client(loaded: AsyncEngine, database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=database_url, exchange=False, database_pool=2, data_dir=str(tmp_path))
    with TestClient(create_app(settings)) as client:
        yield client


def export(client: TestClient, resource: str, fmt: str, **filters: Any) -> Any:
    return client.get(f"/api/v1/export/{resource}.{fmt}", params=filters)


FILTERED = {
    # resource: (filters, the rows they select, newest first)
    "registry": ({"country": "KZ"}, [CERTIFICATES[0], CERTIFICATES[2]]),
    "morbidity": ({"closed": "false"}, [CASES[0]]),
    "dangerous-products": ({"country": "KZ"}, [CASES[2]]),
    "measures": ({"state": "cancelled"}, [MEASURES[1]]),
}


# --- what every format holds ------------------------------------------------------------------------
def test_every_format_of_every_list_holds_exactly_the_filtered_published_rows(client: TestClient) -> None:
    """Rules §31б: each list with its filters, in each format, holds the rows the list shows."""
    for resource, (filters, rows) in FILTERED.items():
        for fmt in FORMATS:
            response = export(client, resource, fmt, **filters)
            assert response.status_code == 200, (resource, fmt, response.text[:300])
            assert read_rows(fmt, resource, response.content) == expected(resource, rows), (resource, fmt)


def test_without_filters_an_export_holds_the_whole_published_list_newest_first(client: TestClient) -> None:
    """The unified registry only (§15): a national registry's certificate is not published."""
    registry = [CERTIFICATES[0], CERTIFICATES[1], CERTIFICATES[2]]
    assert read_rows("csv", "registry", export(client, "registry", "csv").content) == expected(
        "registry", registry
    )
    assert read_rows("json", "morbidity", export(client, "morbidity", "json").content) == expected(
        "morbidity", [CASES[0], CASES[1]]
    )
    oldest = read_rows("xml", "measures", export(client, "measures", "xml", order="oldest").content)
    assert oldest == expected("measures", [MEASURES[1], MEASURES[0]])


def test_free_text_and_several_filters_are_honoured(client: TestClient) -> None:
    found = read_rows("json", "registry", export(client, "registry", "json", text="сыр").content)
    assert [row["registration_number_as_written"] for row in found] == ["RU.77.99.32.003.E.001207.03.24"]
    found = read_rows(
        "csv", "registry", export(client, "registry", "csv", country="KZ", status_code="3").content
    )
    assert [row["registration_number_as_written"] for row in found] == ["KZ.02.01.11.015.E.000077.01.23"]
    found = read_rows(
        "xlsx", "dangerous-products", export(client, "dangerous-products", "xlsx", hs_code="1901").content
    )
    assert [row["registration_number"] for row in found] == ["BY-DP-2026-000015"]
    empty = export(client, "measures", "xml", country="AM")
    assert read_rows("xml", "measures", empty.content) == []
    assert read_rows("json", "measures", export(client, "measures", "json", country="AM").content) == []


# --- each format as its users open it ------------------------------------------------------------------
def test_csv_opens_in_excel_with_cyrillic_quotes_and_line_breaks_intact(client: TestClient) -> None:
    response = export(client, "registry", "csv", country="RU")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    _header, rows = read_csv(response.content)
    assert rows == [
        [
            "RU.77.99.32.003.E.001207.03.24",
            "unified",
            "RU",
            "2024-03-14",
            "2",
            "2024-03-14",
            "",
            "2024-03-14",
            "",
            "true",
            "Сыр плавленый\nс ветчиной",
            "ТОО «Алтын Сүт»",
            "ТОО «Алтын Сүт»",
            "1601009100",
            "",
            "Роспотребнадзор",
            "1",
        ]
    ]
    quoted = export(client, "registry", "csv", country="KZ", status_code="1").content.decode("utf-8-sig")
    assert '"Колбаса вареная «Докторская», ГОСТ 23670"' in quoted and '"ТОО ""Қазақ Ет"""' in quoted


def test_xlsx_has_typed_cells_a_frozen_header_and_never_a_formula(client: TestClient) -> None:
    response = export(client, "registry", "xlsx", country="KZ")
    assert response.headers["content-type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))  # full mode: styles and types
    sheet = workbook.active
    assert sheet.title == "registry" and sheet.freeze_panes == "A2"
    assert sheet["A1"].value == "registration_number_as_written" and sheet["A1"].font.b
    first = {c: cell for c, cell in zip(RESOURCES["registry"].columns, sheet[2], strict=True)}
    assert first["issued_on"].is_date and first["issued_on"].value == dt.datetime(2024, 5, 20)
    assert first["validity_unlimited"].value is True
    assert first["current_version"].value == 1
    assert first["manufacturer_name"].data_type == "s" and first["manufacturer_name"].value == FORMULA
    assert sheet.auto_filter.ref == "A1:Q3"


def test_xml_validates_against_the_published_xsd_and_says_what_was_exported(client: TestClient) -> None:
    response = export(client, "registry", "xml", country="KZ", order="oldest", limit=5)
    assert response.headers["content-type"] == "application/xml"
    root = read_xml(response.content)
    xmlschema.XMLSchema(str(schema_dir() / SCHEMA_FILE)).validate(response.content.decode("utf-8"))
    assert root.get("filters") == "order=oldest&country=KZ"  # limit is not a filter of an export
    generated = dt.datetime.fromisoformat(root.get("generated"))
    assert abs(generated - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    location = root.get("{http://www.w3.org/2001/XMLSchema-instance}schemaLocation")
    assert location == f"{NAMESPACE} http://127.0.0.1:8000/schemas/{SCHEMA_FILE}"
    oldest = root[0]
    # An empty value is an absent element; the XSD's types hold (dates, booleans, HS code lists).
    names = [child.tag.split("}")[1] for child in oldest]
    assert "ValidUntil" in names and "StatusEnd" in names
    newest = root[1]
    names = [child.tag.split("}")[1] for child in newest]
    assert "ValidUntil" not in names and "StatusEnd" not in names
    assert newest.findtext(f"{{{NAMESPACE}}}HsCodes") == "1601009100 1601009900"
    assert newest.findtext(f"{{{NAMESPACE}}}ValidityUnlimited") == "true"
    # The XSD itself is served where schemaLocation says.
    served = client.get(f"/schemas/{SCHEMA_FILE}")
    assert served.status_code == 200 and b"urn:sanmeasures:export:1" in served.content


def test_json_is_one_array_with_nulls_booleans_and_iso_dates(client: TestClient) -> None:
    items = json.loads(export(client, "measures", "json", state="introduced").content)
    assert items == [
        {
            "country": "KZ",
            "document_number": "112",
            "document_date": "2026-03-10",
            "name": "Ограничение ввоза колбасных изделий",
            "ground_code": "1",
            "start_date": "2026-03-11",
            "end_date": None,
            "state": "introduced",
            "summary": "Усиленный лабораторный контроль каждой партии",
            "current_version": 1,
        }
    ]
    assert json.loads(export(client, "morbidity", "json", country="AM").content) == []


def test_the_file_is_named_after_the_list_and_the_day(client: TestClient) -> None:
    today = dt.datetime.now(dt.UTC).date().isoformat()
    for fmt in FORMATS:
        response = export(client, "dangerous-products", fmt)
        assert response.headers["content-disposition"] == (
            f'attachment; filename="dangerous-products-{today}.{fmt}"'
        )


# --- control characters, which neither XML nor a worksheet can carry ----------------------------------
def test_control_characters_become_replacement_characters_in_xml_and_xlsx(
    migrated_sqlite: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=migrated_sqlite, exchange=False, data_dir=str(tmp_path))
    with TestClient(create_app(settings)) as client:
        with sqlite3.connect(tmp_path / "node.sqlite3") as connection:
            summary = "бип\x07конец"
            row = {k: _sqlite(v) for k, v in measure("KG", "7", dt.date(2026, 1, 5), summary=summary).items()}
            connection.execute(
                f"INSERT INTO measures ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )
        assert read_rows("xml", "measures", export(client, "measures", "xml").content)[0]["summary"] == (
            "бип\ufffdконец"
        )
        assert read_rows("xlsx", "measures", export(client, "measures", "xlsx").content)[0]["summary"] == (
            "бип\ufffdконец"
        )
        assert json.loads(export(client, "measures", "json").content)[0]["summary"] == "бип\x07конец"


# --- bad filters --------------------------------------------------------------------------------------
def test_a_bad_filter_is_a_422_naming_the_field(client: TestClient) -> None:
    def refused(resource: str, fmt: str, **filters: Any) -> list[Any]:
        response = export(client, resource, fmt, **filters)
        assert response.status_code == 422, response.text
        return [error["loc"] for error in response.json()["detail"]]

    assert refused("registry", "csv", country="kz") == [["query", "country"]]
    assert refused("registry", "xml", status_code="9") == [["query", "status_code"]]
    assert refused("morbidity", "json", reported_from="yesterday") == [["query", "reported_from"]]
    assert refused("measures", "csv", colour="red") == [["query", "colour"]]
    assert refused("registry", "pdf") == [["path", "format"]]
    # A filter contradicting the list itself (Table 2 is not Table 3; §15 is the unified registry).
    assert refused("morbidity", "csv", kind="dangerous_product") == [["query", "kind"]]
    assert refused("registry", "xlsx", registry="national") == [["query", "registry"]]
    period = export(client, "registry", "csv", issued_from="2024-02-01", issued_to="2024-01-01")
    assert period.status_code == 422 and "period" in period.text
    assert client.get("/api/v1/export/nothing.csv").status_code == 404


# --- every page, in the list's order ------------------------------------------------------------------
def many_certificates(count: int, start: dt.date = dt.date(2021, 1, 1)) -> Iterator[dict[str, Any]]:
    for n in range(count):
        issued = start + dt.timedelta(days=n // 3)  # three a day: the id breaks the ties
        yield certificate(
            f"KZ.01.01.01.003.E.{n:06d}.01.21", "KZ", issued, product_name=f"Шұбат «Сапа» партия {n}"
        )


async def test_an_export_holds_every_page_in_order_whatever_limit_and_cursor_say(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    async with engine.begin() as connection:
        await connection.execute(sa.insert(tables.certificates), list(many_certificates(450)))
        listed = await connection.execute(
            sa.select(tables.certificates.c.registration_number_as_written).order_by(
                tables.certificates.c.issued_on.desc(), tables.certificates.c.id.desc()
            )
        )
        newest_first = list(listed.scalars())
    settings = Settings(database_url=database_url, exchange=False, database_pool=2, data_dir=str(tmp_path))
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        for fmt in ("csv", "json"):
            status, _headers, body = await download(
                app, "/api/v1/export/registry." + fmt, limit=3, cursor="x"
            )
            assert status == 200
            numbers = [row["registration_number_as_written"] for row in read_rows(fmt, "registry", body)]
            assert numbers == newest_first


# --- streaming: a slow reader holds no database lock; memory stays flat ----------------------------------
async def download(
    app: FastAPI,
    path: str,
    *,
    sink: Callable[[bytes], None] | None = None,
    paused: asyncio.Event | None = None,
    disconnect_after: float | None = None,
    **params: Any,
) -> tuple[int, dict[str, str], bytes]:
    """GET through the ASGI interface as a server would, the body handed to ``sink`` chunk by chunk
    (kept and returned when there is no sink). With ``paused``, the reader stops after the second
    chunk (the header, then the first page) until the event is set; with ``disconnect_after``, the
    reader goes away after that many seconds."""
    kept = bytearray()
    status, headers = 0, {}
    finished = asyncio.Event()
    asked = False
    chunks = 0

    async def receive() -> dict[str, Any]:
        nonlocal asked
        if not asked:
            asked = True
            return {"type": "http.request", "body": b"", "more_body": False}
        if disconnect_after is None:
            await finished.wait()
        else:
            with suppress(TimeoutError):
                await asyncio.wait_for(finished.wait(), disconnect_after)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, headers, chunks
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = {k.decode(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            chunk = message.get("body", b"")
            (sink or kept.extend)(chunk)
            chunks += 1
            if paused is not None and chunks == 2:
                await paused.wait()
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
        "query_string": urlencode(params).encode(),
        "root_path": "",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)
    return status, headers, bytes(kept)


@pytest.fixture
def migrated_sqlite(sqlite_url: str) -> str:
    """A migrated SQLite file (``node.sqlite3`` in the test's folder)."""
    command.upgrade(alembic_config(sqlite_url), "head")
    return sqlite_url


async def test_a_paused_download_holds_no_database_lock(migrated_sqlite: str, tmp_path: Path) -> None:
    """SQLite takes its write lock when a transaction begins: a reader that stops reading must not
    keep one open, or the node could not record an incoming notice meanwhile."""
    app = create_app(Settings(database_url=migrated_sqlite, exchange=False, data_dir=str(tmp_path)))
    async with app.router.lifespan_context(app):
        async with app.state.engine.begin() as connection:
            await connection.execute(sa.insert(tables.certificates), list(many_certificates(450)))
        paused = asyncio.Event()
        reading = asyncio.create_task(download(app, "/api/v1/export/registry.csv", paused=paused))
        await asyncio.sleep(0.3)  # the first page is sent, the reader waits
        assert not reading.done()
        other = sqlite3.connect(tmp_path / "node.sqlite3", timeout=0.5, isolation_level=None)
        try:  # another writer: "database is locked" after half a second if the export held the lock
            started = time.monotonic()
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE certificates SET current_version = 2 WHERE id = 1")
            other.execute("COMMIT")
            assert time.monotonic() - started < 0.5
        finally:
            other.close()
        paused.set()
        status, _headers, body = await reading
    assert status == 200 and len(read_csv(body)[1]) == 450


async def test_an_abandoned_xlsx_download_leaves_no_temporary_files(
    migrated_sqlite: str, tmp_path: Path
) -> None:
    """The XLSX is built on disk before it is sent: a reader who leaves meanwhile takes nothing away,
    and the node keeps no half-built workbook."""
    app = create_app(Settings(database_url=migrated_sqlite, exchange=False, data_dir=str(tmp_path)))
    async with app.router.lifespan_context(app):
        async with app.state.engine.begin() as connection:
            await connection.execute(sa.insert(tables.certificates), list(many_certificates(6000)))
        status, _headers, body = await download(app, "/api/v1/export/registry.xlsx", disconnect_after=0.2)
        assert body == b""  # gone before the workbook was complete
        for _ in range(100):  # the page being added in its thread ends, then its files go
            if not TEMPORARY_SHEETS:
                break
            await asyncio.sleep(0.02)
        assert TEMPORARY_SHEETS == []
        # The next reader gets the whole workbook.
        status, _headers, body = await download(
            app, "/api/v1/export/registry.xlsx", country="KZ", hs_code="1601"
        )
        assert status == 200 and len(read_rows("xlsx", "registry", body)) == 6000
        assert TEMPORARY_SHEETS == []


class PeakRss:
    """The process's resident memory, sampled every few milliseconds in a thread (Linux /proc)."""

    def __init__(self) -> None:
        self._page = os.sysconf("SC_PAGE_SIZE")
        self.start = self.peak = self._rss()
        self._running = True
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _rss(self) -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * self._page

    def _sample(self) -> None:
        while self._running:
            self.peak = max(self.peak, self._rss())
            time.sleep(0.002)

    def stop(self) -> int:
        self._running = False
        self._thread.join()
        return max(self.peak, self._rss()) - self.start


ROWS = 50_000
#: A buffered export of 50,000 certificates holds ~25 MB of CSV or ~100 MB of cells: far above this.
FLAT = 25 * 1024 * 1024


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads the resident memory from /proc")
async def test_fifty_thousand_rows_export_in_flat_memory_as_csv_and_xlsx(
    migrated_sqlite: str, tmp_path: Path
) -> None:
    """Rules §31б at volume: the process does not grow with the size of the export."""
    path = tmp_path / "node.sqlite3"
    url = migrated_sqlite
    columns = list(certificate("X", "KZ", dt.date(2021, 1, 1)))
    with sqlite3.connect(path) as bulk:  # a bulk load straight into the file, as an import would
        bulk.executemany(
            f"INSERT INTO certificates ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            ([_sqlite(row[c]) for c in columns] for row in many_certificates(ROWS)),
        )
        bulk.execute("ANALYZE")
    app = create_app(Settings(database_url=url, exchange=False, data_dir=str(tmp_path)))
    async with app.router.lifespan_context(app):
        await download(app, "/api/v1/export/registry.csv", country="AM")  # warm up: imports, pools
        await download(app, "/api/v1/export/registry.xlsx", country="AM")

        lines = 0

        def count_lines(chunk: bytes) -> None:
            nonlocal lines
            lines += chunk.count(b"\r\n")

        peak = PeakRss()
        status, _, _ = await download(app, "/api/v1/export/registry.csv", sink=count_lines)
        grown = peak.stop()
        assert status == 200 and lines == ROWS + 1
        assert grown < FLAT, f"CSV export grew the process by {grown / 2**20:.1f} MB"

        with open(tmp_path / "export.xlsx", "wb") as file:
            peak = PeakRss()
            status, _, _ = await download(app, "/api/v1/export/registry.xlsx", sink=file.write)
            grown = peak.stop()
        assert status == 200
        assert grown < FLAT, f"XLSX export grew the process by {grown / 2**20:.1f} MB"
    with (
        zipfile.ZipFile(tmp_path / "export.xlsx") as workbook,
        workbook.open("xl/worksheets/sheet1.xml") as sheet,
    ):
        rows = sum(chunk.count(b"<row ") for chunk in iter(lambda: sheet.read(1 << 20), b""))
    assert rows == ROWS + 1


def _sqlite(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --- realistic content: the demo node's data, every list and format ----------------------------------
def test_the_demo_nodes_lists_export_whole_and_valid_in_every_format(portal: TestClient) -> None:
    """Certificates and alerts as the stores record them (``sanmeasures demo``), on both engines."""
    for resource in RESOURCES:
        listed = []
        cursor = None
        while True:
            page = portal.get(
                f"/api/v1/{resource}", params={"limit": 200, **({"cursor": cursor} if cursor else {})}
            )
            assert page.status_code == 200
            body = page.json()
            listed += body["items"]
            cursor = body.get("next_cursor")
            if not cursor:
                break
        for fmt in FORMATS:
            response = portal.get(f"/api/v1/export/{resource}.{fmt}")
            assert response.status_code == 200
            rows = read_rows(fmt, resource, response.content)
            assert len(rows) == len(listed), (resource, fmt)
            key = (
                "registration_number_as_written" if resource == "registry" else RESOURCES[resource].columns[1]
            )
            assert [row[key] for row in rows] == [plain(item[key]) for item in listed], (resource, fmt)
