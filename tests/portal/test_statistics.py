"""Statistics of the common resources (Rules §31е): the figures, their CSV, the refresh, the page.

A small data set whose every figure is known is written straight into the current-view tables (as the
stores leave them) on SQLite and on PostgreSQL; the pre-aggregated snapshot, the JSON API, the CSV and
the page must all show exactly those figures.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import hashlib
import io
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.app import create_app
from sanmeasures.portal import statistics
from sanmeasures.portal.statistics import (
    CHARTS,
    CasePeriod,
    CountryPeriod,
    Keeper,
    KindPeriod,
    MapFilters,
    compute,
    dashboard,
    keeper_of,
)
from sanmeasures.settings import Settings
from sanmeasures.storage import tables
from sanmeasures.storage.engine import create_engine
from sanmeasures.storage.migrate import upgrade
from tests.conftest import POSTGRES_SERVER, _admin, _create_postgres_database

TODAY = dt.date(2025, 6, 15)
PORTAL = Path(statistics.__file__).parent
MOMENT = dt.datetime(2025, 6, 1, 12, tzinfo=dt.UTC)


# --- the known data set ------------------------------------------------------------------------------
def _case(
    kind: str,
    country: str,
    number: str,
    reported: dt.date,
    *,
    closed: dt.date | None = None,
    disease: str | None = None,
    title: str = "",
    product_type: str | None = None,
) -> dict[str, Any]:
    return {
        "kind": kind,
        "country": country,
        "registration_number": number,
        "first_reported_on": reported,
        "last_reported_on": closed or reported,
        "last_incident_kind": "3" if closed else "1",
        "closed_on": closed,
        "title": title or number,
        "disease_code": disease,
        "product_type_code": product_type,
        "hs_code": "1601009100" if kind == "dangerous_product" else None,
        "current_version": 1,
        "updated_at": MOMENT,
    }


CASES = [
    _case("morbidity", "KZ", "KZ-M-1", dt.date(2025, 1, 10), disease="A32.9", title="Листериоз"),
    _case(
        "morbidity", "KZ", "KZ-M-2", dt.date(2025, 1, 20), disease="A32.9", title="Листериоз",
        closed=dt.date(2025, 2, 1),
    ),
    _case("morbidity", "RU", "RU-M-1", dt.date(2025, 3, 5), disease="A02.0", title="Сальмонеллезный энтерит"),
    _case("morbidity", "AM", "AM-M-1", dt.date(2025, 3, 6), title="Случай болезни (отравления) AM-M-1"),
    _case("dangerous_product", "KZ", "KZ-DP-1", dt.date(2025, 1, 15), product_type="001"),
    _case(
        "dangerous_product", "BY", "BY-DP-1", dt.date(2025, 2, 15), product_type="001",
        closed=dt.date(2025, 3, 1),
    ),
    _case("dangerous_product", "RU", "RU-DP-1", dt.date(2025, 3, 10), product_type="002"),
]  # fmt: skip
#: Table 3 item 7.3 names, as the notices carry them (smsdo:SanitaryProductTypeName).
PRODUCT_TYPE_NAMES = {"KZ-DP-1": "Пищевая продукция", "RU-DP-1": "Продукция для детей"}


def _measure(
    country: str, number: str, start: dt.date, end: dt.date | None, state: str, updated: dt.datetime = MOMENT
) -> dict[str, Any]:
    return {
        "country": country,
        "document_number": number,
        "document_date": start,
        "name": f"Мера {number}",
        "ground_code": "1",
        "start_date": start,
        "end_date": end,
        "state": state,
        "current_version": 1,
        "updated_at": updated,
    }


MEASURES = [
    _measure("KZ", "KZ-1", dt.date(2025, 1, 10), None, "introduced"),  # in force since January
    _measure("RU", "RU-1", dt.date(2025, 2, 1), dt.date(2025, 3, 31), "changed"),  # February and March
    # Cancelled (Rules §27) on 10 April: in force January to March, not at the end of April.
    _measure(
        "BY", "BY-1", dt.date(2025, 1, 1), None, "cancelled", dt.datetime(2025, 4, 10, 9, tzinfo=dt.UTC)
    ),
    _measure("KZ", "KZ-2", dt.date(2025, 6, 20), None, "introduced"),  # starts after "today" (15 June)
]
#: (country, submitted on, late) of first morbidity notices (Rules §17).
NOTICES = [
    ("KZ", dt.date(2025, 1, 12), False),
    ("KZ", dt.date(2025, 1, 13), False),
    ("KZ", dt.date(2025, 1, 28), True),
    ("RU", dt.date(2025, 3, 20), True),
]
#: (registry, country, status SM.CLS.006)
CERTIFICATES = [
    ("unified", "KZ", "1"),
    ("unified", "KZ", "1"),
    ("unified", "RU", "2"),
    ("national", "BY", "1"),
]


async def _document(connection: Any) -> int:
    xml = f"<notice id='{uuid.uuid4()}'/>".encode()
    return (
        await connection.execute(
            tables.documents.insert()
            .values(
                edoc_id=str(uuid.uuid4()),
                structure_code="R.SM.SS.08.001",
                direction="in",
                sender="authority:KZ",
                recipients=["commission"],
                sha256=hashlib.sha256(xml).hexdigest(),
                size=len(xml),
                xml=xml,
            )
            .returning(tables.documents.c.id)
        )
    ).scalar_one()


async def add_case(connection: Any, values: dict[str, Any]) -> int:
    case_id = (
        await connection.execute(tables.cases.insert().values(**values).returning(tables.cases.c.id))
    ).scalar_one()
    name = PRODUCT_TYPE_NAMES.get(values["registration_number"])
    data: dict[str, Any] = {"incident_id": values["registration_number"]}
    if values["kind"] == "dangerous_product":
        data["non_compliant_sanitary_product_details"] = {
            "sanitary_product_type_code": {"value": values["product_type_code"], "code_list_id": "1025"},
            "sanitary_product_type_name": name,
        }
    await connection.execute(
        tables.case_versions.insert().values(
            case_id=case_id,
            version=1,
            incident_kind=values["last_incident_kind"],
            reported_on=values["first_reported_on"],
            source="demo",
            data=data,
        )
    )
    return case_id


async def fill(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        for values in CASES:
            await add_case(connection, values)
        for values in MEASURES:
            await connection.execute(tables.measures.insert().values(**values))
        for number, (country, submitted, late) in enumerate(NOTICES):
            await connection.execute(
                tables.notice_timeliness.insert().values(
                    document_id=await _document(connection),
                    country=country,
                    registration_number=f"{country}-N-{number}",
                    decision_date=submitted - dt.timedelta(days=2),
                    basis="decision",
                    due_on=submitted - dt.timedelta(days=1) if late else submitted,
                    submitted_on=submitted,
                    late=late,
                )
            )
        for number, (registry, country, status) in enumerate(CERTIFICATES):
            await connection.execute(
                tables.certificates.insert().values(
                    registry=registry,
                    registration_number=f"{country}.01.01.01.003.R.{number:06d}.01.25",
                    registration_number_as_written=f"{country}.01.01.01.003.R.{number:06d}.01.25",
                    country=country,
                    issued_on=dt.date(2025, 1, 5),
                    status_code=status,
                    status_start=dt.date(2025, 1, 5),
                    valid_from=dt.date(2025, 1, 5),
                    validity_unlimited=True,
                    product_name="Колбаса вареная",
                    applicant_name="ТОО «Агро»",
                    manufacturer_name="ТОО «Агро»",
                    authority_name="Комитет",
                    current_version=1,
                    updated_at=MOMENT,
                )
            )


@pytest.fixture
async def known(engine: AsyncEngine) -> AsyncEngine:
    """The known data set in a database of its own for a test that adds to it."""
    await fill(engine)
    return engine


async def snapshot(engine: AsyncEngine) -> statistics.Statistics:
    async with engine.connect() as connection:
        return await compute(connection, today=TODAY)


async def _fill_url(url: str) -> statistics.Statistics:
    engine = create_engine(url)
    try:
        await fill(engine)
        return await snapshot(engine)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def known_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One database per engine holding the known data set, shared by the tests that only read."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('statistics') / 'node.sqlite3'}"
        upgrade(url)
        yield url
        return
    name = _create_postgres_database()
    try:
        url = f"{POSTGRES_SERVER}/{name}"
        upgrade(url)
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def s(known_url: str) -> statistics.Statistics:
    """The statistics of the known data set, as on 15 June 2025."""
    return asyncio.run(_fill_url(known_url))


@pytest.fixture(scope="module")
def http(
    s: statistics.Statistics, known_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """The node's application on the known data set (its workers running)."""
    settings = Settings(
        database_url=known_url, exchange=False, database_pool=2, data_dir=str(tmp_path_factory.mktemp("var"))
    )
    with TestClient(create_app(settings)) as client:
        yield client


def rows(chart: str, s: statistics.Statistics, filters: Any, lang: str = "ru") -> list[dict[str, Any]]:
    return [row.model_dump() for row in CHARTS[chart].data(s, filters, lang).rows]  # type: ignore[attr-defined]


def period(model: type, **values: Any) -> Any:
    return model.model_validate(values)


# --- the figures ---------------------------------------------------------------------------------------
def test_cases_by_month_per_kind_country_and_period(s: statistics.Statistics) -> None:
    """Rules §31е: cases first reported each month (Table 2/3 item 4), per database, for one member state."""
    q1 = {"from": "2025-01", "to": "2025-03"}
    assert rows("cases-by-month", s, period(CasePeriod, **q1)) == [
        {"month": "2025-01", "morbidity": 2, "dangerous_product": 1, "total": 3},
        {"month": "2025-02", "morbidity": 0, "dangerous_product": 1, "total": 1},
        {"month": "2025-03", "morbidity": 2, "dangerous_product": 1, "total": 3},
    ]
    assert rows("cases-by-month", s, period(CasePeriod, **q1, country="KZ")) == [
        {"month": "2025-01", "morbidity": 2, "dangerous_product": 1, "total": 3},
        {"month": "2025-02", "morbidity": 0, "dangerous_product": 0, "total": 0},
        {"month": "2025-03", "morbidity": 0, "dangerous_product": 0, "total": 0},
    ]
    # A kind left out by the filter is not counted (null), not "zero cases".
    only = rows("cases-by-month", s, period(CasePeriod, **q1, kind="morbidity"))
    assert [(r["morbidity"], r["dangerous_product"], r["total"]) for r in only] == [
        (2, None, 2),
        (0, None, 0),
        (2, None, 2),
    ]
    # Without a period: every month from the first with data to the current one.
    whole = rows("cases-by-month", s, CasePeriod())
    assert whole[0]["month"] == "2025-01" and whole[-1]["month"] == "2025-06"
    assert sum(r["total"] for r in whole) == len(CASES)


def test_cases_by_country_lists_the_five_member_states(s: statistics.Statistics) -> None:
    """Rules §31е: cases per reporting member state (Rules §5), with their names in the reader's language."""
    found = rows("cases-by-country", s, KindPeriod(), "en")
    assert [
        (r["country"], r["country_name"], r["morbidity"], r["dangerous_product"], r["total"]) for r in found
    ] == [
        ("AM", "Armenia", 1, 0, 1),
        ("BY", "Belarus", 0, 1, 1),
        ("KZ", "Kazakhstan", 2, 1, 3),
        ("KG", "Kyrgyzstan", 0, 0, 0),
        ("RU", "Russia", 1, 1, 2),
    ]
    march = rows("cases-by-country", s, period(KindPeriod, **{"from": "2025-03"}, kind="dangerous_product"))
    assert {r["country"]: r["dangerous_product"] for r in march} == {
        "AM": 0,
        "BY": 0,
        "KZ": 0,
        "KG": 0,
        "RU": 1,
    }
    assert all(r["morbidity"] is None for r in march)


def test_cases_by_disease_and_by_kind_of_product_show_code_and_name(s: statistics.Statistics) -> None:
    """Rules §31е: morbidity cases per disease (Table 2 item 6.1) and dangerous products per product type
    (Table 3 item 7.3), code and name as notified, most cases first, open cases alongside."""
    assert rows("cases-by-disease", s, CountryPeriod()) == [
        {"disease_code": "A32.9", "disease_name": "Листериоз", "cases": 2, "open": 1},
        {"disease_code": "A02.0", "disease_name": "Сальмонеллезный энтерит", "cases": 1, "open": 1},
        {"disease_code": None, "disease_name": None, "cases": 1, "open": 1},
    ]
    assert rows("cases-by-disease", s, period(CountryPeriod, country="RU")) == [
        {"disease_code": "A02.0", "disease_name": "Сальмонеллезный энтерит", "cases": 1, "open": 1},
    ]
    assert rows("cases-by-hazard", s, CountryPeriod()) == [
        {"product_type_code": "001", "product_type_name": "Пищевая продукция", "cases": 2, "open": 1},
        {"product_type_code": "002", "product_type_name": "Продукция для детей", "cases": 1, "open": 1},
    ]
    assert rows("cases-by-hazard", s, period(CountryPeriod, **{"from": "2025-02", "to": "2025-02"})) == [
        {"product_type_code": "001", "product_type_name": "Пищевая продукция", "cases": 1, "open": 0},
    ]


def test_measures_in_force_at_each_month_end(s: statistics.Statistics) -> None:
    """Rules §31е, Table 4 items 6–7: a measure counts in a month when in force on its last day (today in
    the current month); a cancelled measure (Rules §27) stops on the day its cancellation was recorded."""
    found = rows("measures-in-force", s, period(CountryPeriod, **{"from": "2024-12", "to": "2025-07"}))
    table = {r["month"]: (r["AM"], r["BY"], r["KZ"], r["KG"], r["RU"], r["total"]) for r in found}
    assert table == {
        "2024-12": (0, 0, 0, 0, 0, 0),
        "2025-01": (0, 1, 1, 0, 0, 2),
        "2025-02": (0, 1, 1, 0, 1, 3),
        "2025-03": (0, 1, 1, 0, 1, 3),  # RU ends on 31 March: still in force that day
        "2025-04": (0, 0, 1, 0, 0, 1),  # BY cancelled on 10 April
        "2025-05": (0, 0, 1, 0, 0, 1),
        "2025-06": (0, 0, 1, 0, 0, 1),  # today, 15 June: KZ-2 starts on the 20th
        "2025-07": (0, 0, 2, 0, 0, 2),  # after the snapshot's months: from the stored intervals
    }
    kz = rows(
        "measures-in-force", s, period(CountryPeriod, **{"from": "2025-02", "to": "2025-02"}, country="KZ")
    )
    assert kz == [{"month": "2025-02", "AM": None, "BY": None, "KZ": 1, "KG": None, "RU": None, "total": 1}]


def test_late_notices_dashboard_and_map(s: statistics.Statistics) -> None:
    """Rules §17 and §31е: first morbidity notices per month and member state, on time or late; the
    dashboard's totals and the map's figure per member state."""
    notices = rows("late-notices", s, period(CountryPeriod, **{"from": "2025-01", "to": "2025-03"}))
    assert len(notices) == 3 * 5  # every month and member state, zeros included
    assert [r for r in notices if r["on_time"] or r["late"]] == [
        {"month": "2025-01", "country": "KZ", "on_time": 2, "late": 1},
        {"month": "2025-03", "country": "RU", "on_time": 0, "late": 1},
    ]
    assert rows(
        "late-notices", s, period(CountryPeriod, **{"from": "2025-03", "to": "2025-03"}, country="RU")
    ) == [{"month": "2025-03", "country": "RU", "on_time": 0, "late": 1}]

    board = dashboard(s, "ru")
    assert (board.morbidity.total, board.morbidity.open, board.morbidity.closed) == (4, 3, 1)
    assert (board.dangerous_products.total, board.dangerous_products.open) == (3, 2)
    assert (board.measures.total, board.measures.in_force, board.measures.cancelled) == (4, 1, 1)
    assert (board.late_notices.total, board.late_notices.late, board.late_notices.late_share) == (4, 2, 0.5)
    # The unified registry is counted when held (Rules §7а); the national row is not added to it.
    assert board.certificates.model_dump() == {
        "registry": "unified", "total": 3, "in_force": 2, "suspended": 1, "annulled": 0,
    }  # fmt: skip
    kz = next(c for c in board.countries if c.country == "KZ")
    assert (kz.country_name, kz.morbidity, kz.dangerous_product, kz.measures_in_force, kz.late_notices) == (
        "Казахстан", 2, 1, 1, 1,
    )  # fmt: skip

    def figure(name: str, **values: str) -> dict[str, int]:
        return {r["country"]: r["value"] for r in rows("map", s, period(MapFilters, figure=name, **values))}

    q1 = {"from": "2025-01", "to": "2025-03"}
    assert figure("cases", **q1) == {"AM": 1, "BY": 1, "KZ": 3, "KG": 0, "RU": 2}
    assert figure("morbidity", **q1) == {"AM": 1, "BY": 0, "KZ": 2, "KG": 0, "RU": 1}
    assert figure("dangerous_products", **q1) == {"AM": 0, "BY": 1, "KZ": 1, "KG": 0, "RU": 1}
    assert figure("late_notices", **q1) == {"AM": 0, "BY": 0, "KZ": 1, "KG": 0, "RU": 1}
    assert figure("measures_in_force", to="2025-02") == {"AM": 0, "BY": 1, "KZ": 1, "KG": 0, "RU": 1}
    assert figure("measures_in_force") == {"AM": 0, "BY": 0, "KZ": 1, "KG": 0, "RU": 0}  # today


async def test_an_empty_database_has_empty_figures(engine: AsyncEngine) -> None:
    """Rules §31е: with nothing published yet every figure is zero and the period is the current month."""
    s = await snapshot(engine)
    assert (s.first_month, s.last_month) == ("2025-06", "2025-06")
    assert rows("cases-by-month", s, CasePeriod()) == [
        {"month": "2025-06", "morbidity": 0, "dangerous_product": 0, "total": 0}
    ]
    assert rows("cases-by-disease", s, CountryPeriod()) == []
    board = dashboard(s, "en")
    assert board.certificates.registry is None and board.late_notices.late_share is None


# --- the API, its CSV, the refresh ----------------------------------------------------------------------
def parse_csv(body: bytes) -> tuple[list[str], list[list[str]]]:
    assert body.startswith("\ufeff".encode()), "the CSV starts with a UTF-8 byte order mark"
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return table[0], table[1:]


def test_each_chart_csv_holds_the_json_rows(http: TestClient) -> None:
    """Rules §31е: each chart's figures download as CSV (UTF-8 with BOM), the same rows as its JSON."""
    params = {"from": "2025-01", "to": "2025-03", "lang": "ru"}
    for name, chart in CHARTS.items():
        answer = http.get(f"/api/v1/statistics/{name}", params=params)
        assert answer.status_code == 200, answer.text
        data = answer.json()
        assert data["chart"] == name
        assert (data["period_from"], data["period_to"]) == ("2025-01", "2025-03")
        assert data["rows"], name
        download = http.get(f"/api/v1/statistics/{name}.csv", params=params)
        assert download.status_code == 200
        assert download.headers["content-type"] == "text/csv; charset=utf-8"
        assert f'filename="{name}_2025-01_2025-03' in download.headers["content-disposition"]
        header, body = parse_csv(download.content)
        assert header == data["columns"] == chart.columns
        assert body == [["" if row[c] is None else str(row[c]) for c in header] for row in data["rows"]], name
    by_country = http.get("/api/v1/statistics/cases-by-country.csv", params=params).content
    assert "KZ,Казахстан,2,1,3" in by_country.decode("utf-8-sig")


def test_dashboard_api(http: TestClient) -> None:
    """Rules §31е: GET /api/v1/statistics gives the totals and links every chart."""
    board = http.get("/api/v1/statistics", params={"lang": "en"}).json()
    assert board["paragraph"] == "§31е"
    assert board["morbidity"] == {"total": 4, "open": 3, "closed": 1}
    assert board["late_notices"]["late"] == 2 and board["certificates"]["in_force"] == 2
    names = [c["country_name"] for c in board["countries"]]
    assert names == ["Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia"]
    assert board["charts"]["late-notices"] == "/api/v1/statistics/late-notices"
    assert set(board["charts"]) == set(CHARTS)


BAD_FILTERS = [
    ("cases-by-month", {"from": "2025-13"}, "from"),
    ("cases-by-month", {"to": "25-01"}, "to"),
    ("measures-in-force", {"to": "0000-01"}, "to"),
    ("cases-by-month", {"country": "DE"}, "country"),
    ("cases-by-month", {"kind": "certificates"}, "kind"),
    ("cases-by-country", {"kind": "measure"}, "kind"),
    ("late-notices", {"country": "kz"}, "country"),
    ("map", {"figure": "deaths"}, "figure"),
    ("map.csv", {"figure": "deaths"}, "figure"),
    ("measures-in-force.csv", {"from": "2025-05", "to": "2025-01"}, None),
    ("cases-by-disease", {"from": "1950-01", "to": "2025-01"}, None),
]


@pytest.mark.parametrize(("path", "params", "field"), BAD_FILTERS)
def test_bad_filters_are_refused(
    http: TestClient, path: str, params: dict[str, str], field: str | None
) -> None:
    """Rules §31е: a filter the chart cannot apply is refused with 422, naming the filter."""
    answer = http.get(f"/api/v1/statistics/{path}", params=params)
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    if field is not None:
        assert any(error["loc"] == ["query", field] for error in detail), detail
    else:  # the period as a whole: ends before it starts, or longer than MAX_MONTHS
        assert "period" in detail[0]["msg"], detail


def test_the_api_is_documented(http: TestClient) -> None:
    """Every statistics route is in the OpenAPI description with its filters."""
    paths = http.get("/openapi.json").json()["paths"]
    assert "/api/v1/statistics" in paths
    for name in CHARTS:
        assert f"/api/v1/statistics/{name}" in paths and f"/api/v1/statistics/{name}.csv" in paths

    def parameters(path: str) -> set[str]:
        return {p["name"] for p in paths[path]["get"]["parameters"]}

    assert parameters("/api/v1/statistics/map") == {"from", "to", "figure"}
    assert parameters("/api/v1/statistics/cases-by-month") == {"from", "to", "kind", "country"}
    assert parameters("/api/v1/statistics/late-notices.csv") == {"from", "to", "country"}


@pytest.fixture
async def node(
    known: AsyncEngine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Any]:
    """The node's application on a database of its own with the known data (statistics worker running)."""
    monkeypatch.setattr(statistics, "CHECK_SECONDS", 0.05)
    settings = Settings(database_url=database_url, exchange=False, database_pool=2, data_dir=str(tmp_path))
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


def client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_the_worker_refreshes_and_answers_only_read_the_snapshot(
    node: Any, known: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pre-aggregation: the node's worker notices new data by itself; answers send no query to the
    database; a refresh without changes computes nothing, one after new data a new snapshot."""
    keeper = keeper_of(node)
    async with known.begin() as connection:
        measure = _measure("AM", "AM-1", dt.date(2025, 1, 1), None, "introduced")
        await connection.execute(tables.measures.insert().values(**measure))
    for _ in range(200):  # the worker looks every 50 ms here
        if keeper.snapshot is not None and keeper.snapshot.measures.get(("AM", "introduced")) == 1:
            break
        await asyncio.sleep(0.05)
    else:
        pytest.fail("the statistics worker did not refresh within 10 s")

    monkeypatch.setattr(statistics, "CHECK_SECONDS", 3600.0)  # the worker's next look is far away
    await asyncio.sleep(0.2)  # a look already under way ends
    statements: list[str] = []
    sa.event.listen(
        node.state.engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2])
    )
    async with client(node) as http:
        for name in CHARTS:
            assert (
                await http.get(f"/api/v1/statistics/{name}", params={"from": "2025-01"})
            ).status_code == 200
        assert (await http.get("/api/v1/statistics")).status_code == 200
        assert (await http.get("/statistics")).status_code == 200
    assert statements == [], "the statistics were aggregated per request"

    first = keeper.snapshot
    assert await keeper.refresh() is False and keeper.snapshot is first  # nothing changed
    async with known.begin() as connection:
        await add_case(connection, CASES[0] | {"registration_number": "KG-M-1", "country": "KG"})
    assert await keeper.refresh() is True
    async with client(node) as http:
        board = (await http.get("/api/v1/statistics")).json()
    assert board["morbidity"]["total"] == 5
    assert next(c for c in board["countries"] if c["country"] == "KG")["morbidity"] == 1


async def test_the_first_request_computes_the_snapshot_once(known: AsyncEngine) -> None:
    """Without the worker, the first reader computes the snapshot and later readers share it."""
    keeper = Keeper(known)
    first, second = await asyncio.gather(keeper.current(), keeper.current())
    assert first is second and sum(n for n, _open in first.cases.values()) == len(CASES)


# --- the page -------------------------------------------------------------------------------------------
def test_the_page_has_tiles_charts_map_and_csv_links(http: TestClient) -> None:
    """Rules §31е: the statistics page — totals, a container per chart with its CSV link carrying the
    filters that apply to it, and the map of the member states with its figure selector."""
    page = http.get("/statistics", params={"from": "2025-01", "to": "2025-03", "country": "KZ", "lang": "ru"})
    assert page.status_code == 200
    html = page.text
    assert "<h1>Статистика</h1>" in html
    for name in CHARTS:
        if name != "map":
            assert f'id="chart-{name}" class="chart" data-chart="{name}" data-ready="false"' in html
        link = re.search(rf'<a id="csv-{name}" class="csv" href="([^"]+)"', html)
        assert link is not None, name
        assert link.group(1).startswith(f"/api/v1/statistics/{name}.csv?from=2025-01&amp;to=2025-03"), name
    assert 'href="/api/v1/statistics/late-notices.csv?from=2025-01&amp;to=2025-03&amp;country=KZ"' in html
    # The chart of member states and the map take no member-state filter.
    assert 'href="/api/v1/statistics/cases-by-country.csv?from=2025-01&amp;to=2025-03"' in html
    assert 'id="map" class="map" data-ready="false"' in html and 'id="map-figure"' in html
    assert 'value="measures_in_force"' in html
    assert "/static/statistics.js" in html and "/static/vendor/echarts.min.js" in html
    assert re.search(r'id="tile-morbidity".*?<strong class="figure">4</strong>', html, re.S)
    assert re.search(r'<tr data-country="KZ"><td>Казахстан</td><td>2</td><td>1</td>', html)


def test_the_page_refuses_bad_filters_in_the_readers_language(http: TestClient) -> None:
    """A month written wrongly: the page says which filter (422) and still shows the statistics."""
    page = http.get("/statistics", params={"from": "2025-1", "country": "XX", "lang": "ru"})
    assert page.status_code == 422
    assert 'id="filter-errors"' in page.text
    assert "С месяца: укажите месяц в виде ГГГГ-ММ" in page.text
    assert "Государство-член: выберите одно из государств-членов" in page.text
    assert 'id="chart-cases-by-month"' in page.text


def test_every_text_of_the_page_is_translated_into_russian() -> None:
    """The page's texts (and the labels its script draws) have Russian translations."""
    template = (PORTAL / "templates" / "statistics.html").read_text(encoding="utf-8")
    texts = {a or b for a, b in re.findall(r"""_\((?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\)""", template)}
    assert len(texts) > 40
    russian: dict[str, str] = {}
    for po in sorted((PORTAL / "locales" / "ru").glob("*.po")):
        with po.open("rb") as source:
            russian.update({m.id: m.string for m in read_po(source) if m.id and m.string})
    assert sorted(t for t in texts if not russian.get(t)) == []
