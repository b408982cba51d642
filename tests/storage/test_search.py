"""The search contract (issue 3), run on both engines: SQLite FTS5 and PostgreSQL tsvector/pg_trgm.

Rows go straight into the current-view tables (no versions needed). Where the engines differ, the
assertion says so through ``expected(engine, postgresql=…, sqlite=…)``; the differences are the ones
``sanmeasures.storage.search`` documents:

* Russian morphology on PostgreSQL only ("колбаса" finds "Колбасы" there, not on SQLite);
* typo tolerance (pg_trgm similarity) in the fallback on PostgreSQL only ("калбаса").

Everything else — words, prefixes, numbers, substring fallback, filters, order, cursors, hostile
text — is asserted identically on both.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.storage import tables
from sanmeasures.storage.engine import create_engine
from sanmeasures.storage.search import (
    CaseQuery,
    CertificateQuery,
    InvalidCursor,
    MeasureQuery,
    Page,
    parse_text,
    search_cases,
    search_certificates,
    search_measures,
)
from tests.conftest import _admin, _create_postgres_database, alembic_config

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
D = dt.date.fromisoformat


def certificate(number: str, **values: Any) -> dict[str, Any]:
    row = {
        "registry": "unified",
        "registration_number": number,
        "registration_number_as_written": number,
        "country": number[:2],
        "issued_on": D("2024-01-01"),
        "status_code": "1",
        "status_start": D("2024-01-01"),
        "valid_from": D("2024-01-01"),
        "validity_unlimited": True,
        "product_name": "Продукция",
        "applicant_name": "Заявитель",
        "manufacturer_name": "Изготовитель",
        "authority_name": "Уполномоченный орган",
        "current_version": 1,
        "updated_at": NOW,
    }
    return row | values


def case(number: str, **values: Any) -> dict[str, Any]:
    row = {
        "kind": "morbidity",
        "country": number[:2],
        "registration_number": number,
        "first_reported_on": D("2024-01-01"),
        "last_reported_on": D("2024-01-01"),
        "last_incident_kind": "1",
        "title": "Случай",
        "current_version": 1,
        "updated_at": NOW,
    }
    return row | values


def measure(country: str, number: str, **values: Any) -> dict[str, Any]:
    row = {
        "country": country,
        "document_number": number,
        "document_date": D("2024-01-01"),
        "start_date": D("2024-01-01"),
        "state": "introduced",
        "current_version": 1,
        "updated_at": NOW,
    }
    return row | values


CERTIFICATES = [
    certificate(
        "KZ.16.01.78.003.R.000541.05.24",
        issued_on=D("2024-05-10"),
        product_name="Колбасы вареные «Докторская»",
        applicant_name="ТОО «Алтын Агро»",
        manufacturer_name="ТОО «Алтын Агро»",
        hs_codes="1601009100",
        technical_regulations="ТР ТС 021/2011 ТР ТС 034/2013",
        registry="national",
    ),
    certificate(
        "RU.77.99.32.001.R.001234.03.23",
        issued_on=D("2023-03-15"),
        status_code="2",
        product_name="Смесь сухая молочная для детского питания",
        applicant_name="ООО «Нутрисибирь»",
        manufacturer_name="ООО «Нутрисибирь»",
        hs_codes="1901100000 0402210000",
        technical_regulations="ТР ТС 021/2011 ТР ТС 033/2013",
    ),
    certificate(
        "KZ.02.01.05.003.R.000077.01.25",
        issued_on=D("2025-01-20"),
        product_name="Қымыз сүті, пастерленген",  # Kazakh: pasteurised kumis milk
        applicant_name="«Сапа Сүт» ЖШС",
        manufacturer_name="«Сапа Сүт» ЖШС",
        hs_codes="0403909100",
        technical_regulations="ТР ТС 033/2013",
        registry="national",
    ),
    certificate(
        "BY.70.06.01.010.E.000311.07.22",
        issued_on=D("2022-07-01"),
        status_code="3",
        product_name="Вода питьевая бутилированная",
        applicant_name="ОАО «Беловежье»",
        manufacturer_name="ОАО «Беловежье»",
        hs_codes="2201101100",
        technical_regulations="ТР ЕАЭС 044/2017",
    ),
    certificate(
        "KG.01.01.11.003.R.000128.11.21",
        issued_on=D("2021-11-11"),
        product_name="Колбаса сырокопченая «Праздничная»",
        applicant_name="ОсОО «Тянь-Шань Эт»",
        manufacturer_name="ОсОО «Тянь-Шань Эт»",
        hs_codes="1601009900",
        technical_regulations="ТР ТС 034/2013",
    ),
]
CASES = [
    case(
        "KZ-M-2025-000017",
        title="Листериоз",
        disease_code="A32.9",
        summary="Вспышка листериоза в г. Алматы",
        first_reported_on=D("2025-02-03"),
    ),
    case(
        "RU-DP-2024-000101",
        kind="dangerous_product",
        title="Колбаса сырокопченая «Праздничная»",
        hs_code="1601009100",
        product_type_code="001",
        manufacturer_name="ООО «Мясной двор»",
        summary="Выявлены Listeria monocytogenes",
        first_reported_on=D("2024-06-10"),
        closed_on=D("2024-09-01"),
        last_incident_kind="3",
    ),
    case(
        "KG-M-2023-000004",
        title="Сальмонеллезный энтерит",
        disease_code="A02.0",
        summary="Жағдай тіркелді: сальмонеллез",  # Kazakh: a case was registered
        first_reported_on=D("2023-08-20"),
    ),
    case(
        "KZ-DP-2025-000003",
        kind="dangerous_product",
        title="Қымыз сүті",
        hs_code="0403909100",
        product_type_code="002",
        manufacturer_name="«Сапа Сүт» ЖШС",
        summary="Ішек таяқшасы анықталды",  # Kazakh: E. coli detected
        first_reported_on=D("2025-04-01"),
        last_incident_kind="2",
    ),
]
MEASURES = [
    measure(
        "RU",
        "01/2345-2025",
        name="Запрет ввоза колбасных изделий",
        ground_code="1",
        start_date=D("2025-01-10"),
        summary="Введена в связи со вспышкой листериоза",
    ),
    measure(
        "KZ",
        "ҚР-45",
        name="Уақытша шектеу: сүт өнімдері",  # Kazakh: temporary restriction: dairy products
        ground_code="2",
        start_date=D("2024-03-01"),
        end_date=D("2024-06-01"),
        state="changed",
    ),
    measure(
        "BY",
        "7",
        name="Приостановление ввоза мяса птицы",
        ground_code="2",
        start_date=D("2023-05-05"),
        state="cancelled",
    ),
]


async def insert(engine: AsyncEngine, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    async with engine.begin() as connection:
        for row in rows:
            await connection.execute(table.insert().values(**row))


@pytest.fixture
async def db(engine: AsyncEngine) -> AsyncEngine:
    await insert(engine, tables.certificates, CERTIFICATES)
    await insert(engine, tables.cases, CASES)
    await insert(engine, tables.measures, MEASURES)
    return engine


def expected(engine: AsyncEngine, *, postgresql: Any, sqlite: Any) -> Any:
    """Where the documented behaviour differs per engine."""
    return postgresql if engine.dialect.name == "postgresql" else sqlite


async def certificates(engine: AsyncEngine, **query: Any) -> Page:
    async with engine.connect() as connection:
        return await search_certificates(connection, CertificateQuery(**query))


async def cases(engine: AsyncEngine, **query: Any) -> Page:
    async with engine.connect() as connection:
        return await search_cases(connection, CaseQuery(**query))


async def measures(engine: AsyncEngine, **query: Any) -> Page:
    async with engine.connect() as connection:
        return await search_measures(connection, MeasureQuery(**query))


def numbers(page: Page) -> list[str]:
    return [row.get("registration_number") or row["document_number"] for row in page.items]


async def found(engine: AsyncEngine, text: str, **query: Any) -> set[str]:
    return set(numbers(await certificates(engine, text=text, **query)))


KZ_SAUSAGE, RU_FORMULA, KZ_KUMIS, BY_WATER, KG_SAUSAGE = (c["registration_number"] for c in CERTIFICATES)


# --- words ----------------------------------------------------------------------------------------
async def test_a_word_finds_its_rows_in_any_letter_case(db: AsyncEngine) -> None:
    assert await found(db, "вода") == {BY_WATER}
    assert await found(db, "ВОДА") == {BY_WATER}
    assert await found(db, "нутрисибирь") == {RU_FORMULA}  # applicant / manufacturer
    assert await found(db, "Тянь-Шань") == {KG_SAUSAGE}  # one compact word
    assert await found(db, "шань эт") == {KG_SAUSAGE}  # or its parts


async def test_russian_inflection_is_found_on_postgresql_only(db: AsyncEngine) -> None:
    # "колбаса" (singular) vs "Колбасы" (plural): PostgreSQL's russian stemmer makes them one word;
    # SQLite FTS5 has no morphology, so it finds only the exact word (as a prefix).
    assert await found(db, "колбаса") == expected(
        db, postgresql={KZ_SAUSAGE, KG_SAUSAGE}, sqlite={KG_SAUSAGE}
    )
    assert await found(db, "докторской колбасы") == expected(db, postgresql={KZ_SAUSAGE}, sqlite=set())
    # The stem itself is a prefix of both forms, on both engines.
    assert await found(db, "колбас") == {KZ_SAUSAGE, KG_SAUSAGE}


async def test_the_last_word_is_a_prefix_and_every_word_must_match(db: AsyncEngine) -> None:
    assert await found(db, "смесь молоч") == {RU_FORMULA}
    assert await found(db, "смесь вода") == set()  # all words must match
    page = await cases(db, text="листер")
    assert numbers(page) == ["KZ-M-2025-000017"]
    assert not page.fuzzy
    assert numbers(await measures(db, text="листер")) == ["01/2345-2025"]  # summary "листериоза"


async def test_kazakh_words_and_prefixes(db: AsyncEngine) -> None:
    assert await found(db, "қымыз") == {KZ_KUMIS}
    assert await found(db, "ҚЫМЫЗ СҮТ") == {KZ_KUMIS}
    assert numbers(await cases(db, text="ішек")) == ["KZ-DP-2025-000003"]
    assert numbers(await measures(db, text="уақытша шект")) == ["ҚР-45"]


async def test_words_in_every_searchable_column(db: AsyncEngine) -> None:
    assert await found(db, "021/2011") == {KZ_SAUSAGE, RU_FORMULA}  # technical regulations
    assert await found(db, "0402210000") == {RU_FORMULA}  # second HS code
    assert await found(db, "уполномоченный") == {c["registration_number"] for c in CERTIFICATES}
    assert numbers(await cases(db, text="A32.9")) == ["KZ-M-2025-000017"]  # disease code
    assert numbers(await cases(db, text="мясной двор")) == ["RU-DP-2024-000101"]
    assert numbers(await cases(db, text="1601009100")) == ["RU-DP-2024-000101"]


# --- numbers --------------------------------------------------------------------------------------
async def test_a_registration_number_whole_partial_and_as_a_substring(db: AsyncEngine) -> None:
    assert await found(db, "KZ.16.01.78.003.R.000541.05.24") == {KZ_SAUSAGE}
    assert await found(db, "kz.16.01.78") == {KZ_SAUSAGE}  # leading part, as typed
    assert await found(db, "KZ.16.01.7") == {KZ_SAUSAGE}
    assert await found(db, "000541") == {KZ_SAUSAGE}  # the serial
    assert await found(db, "KZ.") == {KZ_SAUSAGE, KZ_KUMIS}
    # A number is one compact word, found whole or by its beginning — not by parts in another order.
    assert await found(db, "01.16") == set()
    assert await found(db, "16.01.78") == set()
    # Digits inside a word: found by the substring fallback, flagged as such.
    page = await certificates(db, text="0541")
    assert (numbers(page), page.fuzzy) == ([KZ_SAUSAGE], True)
    assert numbers(await cases(db, text="RU-DP-2024-000101")) == ["RU-DP-2024-000101"]
    assert numbers(await cases(db, text="RU-DP-2024")) == ["RU-DP-2024-000101"]
    assert numbers(await measures(db, text="01/2345")) == ["01/2345-2025"]


# --- fallback -------------------------------------------------------------------------------------
async def test_substring_fallback_when_the_words_find_nothing(db: AsyncEngine) -> None:
    page = await certificates(db, text="копчен")  # inside "сырокопченая"
    assert (numbers(page), page.fuzzy) == ([KG_SAUSAGE], True)
    page = await certificates(db, text="ВЕЖЬ")  # inside "Беловежье", any letter case
    assert (numbers(page), page.fuzzy) == ([BY_WATER], True)
    page = await cases(db, text="монелл")  # inside "Сальмонеллезный"
    assert (numbers(page), page.fuzzy) == (["KG-M-2023-000004"], True)
    # Words shorter than three characters cannot be looked up as substrings.
    page = await certificates(db, text="ю")
    assert (page.items, page.next_cursor, page.fuzzy) == ([], None, True)


async def test_typos_are_tolerated_on_postgresql_only(db: AsyncEngine) -> None:
    # PostgreSQL: pg_trgm word similarity of the text to a name; SQLite: substrings only.
    page = await certificates(db, text="калбаса")
    assert numbers(page) == expected(db, postgresql=[KG_SAUSAGE], sqlite=[])
    assert page.fuzzy


async def test_typos_are_tolerated_in_new_and_changed_names_too(db: AsyncEngine) -> None:
    # PostgreSQL's vocabulary of indexed words follows inserts and updates.
    t = tables.certificates
    async with db.begin() as connection:
        await connection.execute(
            t.update().where(t.c.registration_number == BY_WATER).values(product_name="Пастила яблочная")
        )
    await insert(db, t, [certificate("AM.01.01.01.003.R.000001.01.26", product_name="Чурчхела ореховая")])
    assert await found(db, "пастилла") == expected(db, postgresql={BY_WATER}, sqlite=set())
    assert await found(db, "чурчхелла") == expected(
        db, postgresql={"AM.01.01.01.003.R.000001.01.26"}, sqlite=set()
    )
    assert await found(db, "стила") == {BY_WATER}  # a substring, on both


async def test_fallback_keeps_the_filters(db: AsyncEngine) -> None:
    assert await found(db, "копчен", country="KZ") == set()
    assert await found(db, "копчен", country="KG") == {KG_SAUSAGE}


# --- filters --------------------------------------------------------------------------------------
async def test_certificate_filters(db: AsyncEngine) -> None:
    async def only(**query: Any) -> set[str]:
        return set(numbers(await certificates(db, **query)))

    assert await only(registry="national") == {KZ_SAUSAGE, KZ_KUMIS}
    assert await only(country="KZ") == {KZ_SAUSAGE, KZ_KUMIS}
    assert await only(status_code="2") == {RU_FORMULA}
    assert await only(status_code="3") == {BY_WATER}
    assert await only(issued_from=D("2024-05-10")) == {KZ_SAUSAGE, KZ_KUMIS}
    assert await only(issued_to=D("2022-07-01")) == {BY_WATER, KG_SAUSAGE}
    assert await only(issued_from=D("2022-07-02"), issued_to=D("2024-05-09")) == {RU_FORMULA}
    assert await only(hs_code="1601") == {KZ_SAUSAGE, KG_SAUSAGE}
    assert await only(hs_code="0402") == {RU_FORMULA}  # the second code of the list
    assert await only(hs_code="1601009100") == {KZ_SAUSAGE}
    assert await only(hs_code="01") == set()  # codes start with it, not contain it
    assert await only(technical_regulation="ТР ТС 033/2013") == {RU_FORMULA, KZ_KUMIS}
    assert await only(technical_regulation="тр тс  034/2013") == {KZ_SAUSAGE, KG_SAUSAGE}
    assert await only(technical_regulation="ТР ТС 0%") == set()  # LIKE wildcards are literal


async def test_case_filters(db: AsyncEngine) -> None:
    async def only(**query: Any) -> set[str]:
        return set(numbers(await cases(db, **query)))

    assert await only(kind="dangerous_product") == {"RU-DP-2024-000101", "KZ-DP-2025-000003"}
    assert await only(country="KZ") == {"KZ-M-2025-000017", "KZ-DP-2025-000003"}
    assert await only(disease_code="A02.0") == {"KG-M-2023-000004"}
    assert await only(product_type_code="002") == {"KZ-DP-2025-000003"}
    assert await only(hs_code="1601") == {"RU-DP-2024-000101"}
    assert await only(reported_from=D("2025-01-01")) == {"KZ-M-2025-000017", "KZ-DP-2025-000003"}
    assert await only(reported_to=D("2023-12-31")) == {"KG-M-2023-000004"}
    assert await only(closed=True) == {"RU-DP-2024-000101"}
    assert len(await only(closed=False)) == 3
    assert await only(incident_kind="2") == {"KZ-DP-2025-000003"}


async def test_measure_filters(db: AsyncEngine) -> None:
    async def only(**query: Any) -> set[str]:
        return set(numbers(await measures(db, **query)))

    assert await only(country="KZ") == {"ҚР-45"}
    assert await only(state="cancelled") == {"7"}
    assert await only(ground_code="2") == {"ҚР-45", "7"}
    assert await only(in_force_on=D("2024-04-01")) == {"ҚР-45"}
    assert await only(in_force_on=D("2024-06-01")) == {"ҚР-45"}  # its last day
    assert await only(in_force_on=D("2025-02-01")) == {"01/2345-2025"}  # the other ended; "7" cancelled
    assert await only(start_from=D("2024-01-01"), start_to=D("2024-12-31")) == {"ҚР-45"}


async def test_filters_combined_with_text(db: AsyncEngine) -> None:
    assert await found(db, "колбас", country="KG") == {KG_SAUSAGE}
    assert await found(db, "колбас", issued_from=D("2024-01-01"), hs_code="1601") == {KZ_SAUSAGE}
    assert await found(db, "смесь", country="RU", status_code="2") == {RU_FORMULA}
    assert await found(db, "смесь", country="KZ") == set()
    assert set(numbers(await cases(db, text="колбаса", kind="dangerous_product", closed=True))) == {
        "RU-DP-2024-000101"
    }
    assert numbers(await cases(db, text="колбаса", closed=False)) == []
    assert numbers(await measures(db, text="ввоза", state="cancelled")) == ["7"]


async def test_empty_results(db: AsyncEngine) -> None:
    for page in (
        await certificates(db, text="несуществующий"),
        await certificates(db, country="AM"),
        await cases(db, disease_code="Z99"),
        await measures(db, text="вода"),
    ):
        assert (page.items, page.next_cursor) == ([], None)


async def test_rows_are_returned_whole(db: AsyncEngine) -> None:
    [row] = (await certificates(db, text="вода")).items
    assert row["issued_on"] == D("2022-07-01")
    assert row["product_name"] == "Вода питьевая бутилированная"
    assert "search_vector" not in row


# --- order ----------------------------------------------------------------------------------------
async def test_newest_first_by_default_and_oldest_first_on_request(db: AsyncEngine) -> None:
    newest = numbers(await certificates(db))
    assert newest == [KZ_KUMIS, KZ_SAUSAGE, RU_FORMULA, BY_WATER, KG_SAUSAGE]
    assert numbers(await certificates(db, order="oldest")) == newest[::-1]
    assert numbers(await cases(db)) == [
        "KZ-DP-2025-000003",
        "KZ-M-2025-000017",
        "RU-DP-2024-000101",
        "KG-M-2023-000004",
    ]
    assert numbers(await measures(db, order="oldest")) == ["7", "ҚР-45", "01/2345-2025"]


# --- pagination -----------------------------------------------------------------------------------
def _many(count: int, start: int = 0) -> list[dict[str, Any]]:
    # Several rows share each date, so the id tie-breaker matters.
    return [
        certificate(
            f"RU.77.01.34.001.R.{n:06d}.01.24",
            issued_on=D("2024-01-01") + dt.timedelta(days=n // 3),
            product_name=f"Сыр плавленый «Дружба» партия {n}",
            manufacturer_name="ООО «Сырный дом»",
        )
        for n in range(start, start + count)
    ]


async def _all_pages(engine: AsyncEngine, between: Any = None, **query: Any) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        page = await certificates(engine, cursor=cursor, **query)
        pages.append(numbers(page))
        if page.next_cursor is None:
            return pages
        assert page.next_cursor.replace("-", "").replace("_", "").isalnum()  # URL-safe, opaque
        cursor = page.next_cursor
        if between is not None:
            await between(page)


@pytest.mark.parametrize("order", ["newest", "oldest"])
async def test_pages_return_every_row_once_in_order(engine: AsyncEngine, order: str) -> None:
    await insert(engine, tables.certificates, _many(23))
    everything = numbers(await certificates(engine, order=order, limit=200))
    assert len(everything) == 23
    pages = await _all_pages(engine, order=order, limit=7)
    assert [len(page) for page in pages] == [7, 7, 7, 2]
    assert [number for page in pages for number in page] == everything
    # Exactly the limit: the last full page says there is no next one.
    assert [len(page) for page in await _all_pages(engine, order=order, limit=23)] == [23]


async def test_pages_continue_where_they_ended_when_rows_are_inserted_meanwhile(engine: AsyncEngine) -> None:
    await insert(engine, tables.certificates, _many(20))
    before = numbers(await certificates(engine, text="сыр дружба", limit=200))
    inserted = iter(range(1000, 1100))

    async def insert_before_the_cursor(page: Page) -> None:
        # Newer rows, and rows on the very date of the last row shown (larger ids): all before the
        # cursor position in newest-first order, so never shown on the following pages.
        last = page.items[-1]["issued_on"]
        rows = [*_many(1, next(inserted)), *_many(1, next(inserted))]
        rows[0]["issued_on"] = D("2030-01-01")
        rows[1]["issued_on"] = last
        await insert(engine, tables.certificates, rows)

    pages = await _all_pages(engine, insert_before_the_cursor, text="сыр дружба", limit=6)
    assert len(pages) == 4
    assert [number for page in pages for number in page] == before


async def test_pages_of_the_fallback_stay_in_the_fallback(engine: AsyncEngine) -> None:
    await insert(engine, tables.certificates, _many(9))
    first = await certificates(engine, text="лавлен", limit=4)  # inside "плавленый"
    assert first.fuzzy and len(first.items) == 4
    second = await certificates(engine, text="лавлен", limit=4, cursor=first.next_cursor)
    third = await certificates(engine, text="лавлен", limit=4, cursor=second.next_cursor)
    assert second.fuzzy and third.fuzzy and third.next_cursor is None
    assert len({*numbers(first), *numbers(second), *numbers(third)}) == 9


async def test_cases_and_measures_paginate_too(db: AsyncEngine) -> None:
    first = await cases(db, limit=3)
    rest = await cases(db, limit=3, cursor=first.next_cursor)
    assert numbers(first) + numbers(rest) == numbers(await cases(db))
    first = await measures(db, limit=2, order="oldest")
    rest = await measures(db, limit=2, order="oldest", cursor=first.next_cursor)
    assert numbers(first) + numbers(rest) == ["7", "ҚР-45", "01/2345-2025"]


def _forged(payload: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


async def test_a_foreign_or_forged_cursor_is_refused(db: AsyncEngine) -> None:
    cursor = (await certificates(db, limit=1)).next_cursor
    assert cursor is not None
    for query in (
        {"cursor": "bm90IGEgY3Vyc29y"},
        {"cursor": "!!!"},
        {"cursor": cursor[:-3]},
        {"cursor": cursor, "order": "oldest"},
        {"cursor": _forged(["certificates", "newest", "exact", "2024-01-01", 10**21])},  # beyond bigint
        {"cursor": _forged(["certificates", "newest", "exact", "2024-13-01", 1])},
        {"cursor": _forged({"id": 1})},
    ):
        with pytest.raises(InvalidCursor):
            await certificates(db, **query)
    with pytest.raises(InvalidCursor):
        await cases(db, cursor=cursor)


# --- hostile text ---------------------------------------------------------------------------------
HOSTILE = [
    '"',
    "'",
    "*",
    "\\",
    '"колбаса',
    "колбаса*",
    "колбас'",
    "колбас:*",
    "колбас & !вода",
    "колбас | вода",
    "колбас <-> вода",
    "NEAR(колбаса докторская)",
    "колбаса NEAR вода",
    "колбаса OR вода",
    "AND",
    "NOT колбаса",
    "-колбаса",
    "^колбас",
    "колбаса:ТР",
    "product_name:колбаса",
    "{product_name}: колбаса",
    "%",
    "_",
    "%колбас_",
    "' OR 1=1 --",
    "'); DROP TABLE certificates; --",
    "\x00колбас",
    "колбас\u200b",
    "🧪 колбас",
    "()[]{}<>",
    "a" * 256,
    " ".join(["колбас"] * 36),
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_text_never_breaks_the_query(db: AsyncEngine, text: str) -> None:
    for search in (certificates, cases, measures):
        page = await search(db, text=text)
        assert isinstance(page, Page)
    # Operators are just separators: the words are searched as words.
    if parse_text(text) == (("колбас",),):
        assert await found(db, text) == {KZ_SAUSAGE, KG_SAUSAGE}


async def test_text_of_operators_only_is_no_text(db: AsyncEngine) -> None:
    everything = numbers(await certificates(db))
    for text in ('"', "*", "-", "()", "' --", "   "):
        assert numbers(await certificates(db, text=text)) == everything


def test_parse_text_keeps_letters_and_digits_only() -> None:
    assert parse_text('NEAR("колбаса" докт*)') == (("near",), ("колбаса",), ("докт",))
    assert parse_text("KZ.16.01 - ТР-ТС, колбаса,сыр") == (
        ("kz", "16", "01"),
        ("тр", "тс"),
        ("колбаса",),
        ("сыр",),
    )
    assert parse_text("'\"*^:") == ()


def test_queries_validate_their_input() -> None:
    for bad in (
        {"limit": 0},
        {"limit": 201},
        {"text": "x" * 257},
        {"country": "kz"},
        {"hs_code": "04%"},
        {"status_code": "9"},
        {"issued_from": "2024-02-01", "issued_to": "2024-01-01"},
        {"technical_regulation": "ТР\x00"},
        {"offset": 10},
    ):
        with pytest.raises(ValidationError):
            CertificateQuery(**bad)
    with pytest.raises(ValidationError):
        CaseQuery(disease_code="A02\x00")


# --- the indexes follow the rows ------------------------------------------------------------------
async def test_changed_and_deleted_rows_are_found_as_they_are_now(db: AsyncEngine) -> None:
    t = tables.certificates
    async with db.begin() as connection:
        await connection.execute(
            t.update().where(t.c.registration_number == BY_WATER).values(product_name="Вода минеральная")
        )
        await connection.execute(t.update().values(updated_at=NOW + dt.timedelta(days=1)))  # no text change
        await connection.execute(t.delete().where(t.c.registration_number == KG_SAUSAGE))
    assert await found(db, "минеральная") == {BY_WATER}
    assert await found(db, "бутилированная") == set()
    assert await found(db, "колбас") == {KZ_SAUSAGE}
    assert await found(db, "Праздничная") == set()


# --- the migration --------------------------------------------------------------------------------
async def _search_objects(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            query = (
                "SELECT indexname FROM pg_indexes WHERE indexname ~ '_(search|trgm)' "
                "UNION ALL SELECT column_name FROM information_schema.columns WHERE column_name = 'search_vector' "
                "UNION ALL SELECT tablename FROM pg_tables WHERE tablename = 'search_words' "
                "UNION ALL SELECT proname FROM pg_proc WHERE proname ~ '^sanmeasures_search' "
                "UNION ALL SELECT tgname FROM pg_trigger WHERE tgname ~ '_search_' "
                "UNION ALL SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'"
            )
        else:
            query = "SELECT name FROM sqlite_master WHERE name LIKE '%\\_fts%' ESCAPE '\\' OR name LIKE '%search%'"
        names = set((await connection.execute(sa.text(query))).scalars())
    await engine.dispose()
    return names


async def _count_found(url: str) -> int:
    engine = create_engine(url)
    async with engine.connect() as connection:
        page = await search_certificates(connection, CertificateQuery(text="колбаса"))
    await engine.dispose()
    return len(page.items)


async def _insert_at(url: str) -> None:
    engine = create_engine(url)
    await insert(engine, tables.certificates, CERTIFICATES)
    await engine.dispose()


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_migration_indexes_existing_rows_and_downgrades_cleanly(dialect: str, tmp_path: Any) -> None:
    if dialect == "sqlite":
        url, name = f"sqlite+aiosqlite:///{tmp_path / 'node.sqlite3'}", None
    else:
        from tests.conftest import POSTGRES_SERVER

        name = _create_postgres_database()
        url = f"{POSTGRES_SERVER}/{name}"
    try:
        config = alembic_config(url)
        command.upgrade(config, "0001")
        asyncio.run(_insert_at(url))  # rows that exist before the search structures
        command.upgrade(config, "head")
        assert asyncio.run(_count_found(url)) >= 1
        assert asyncio.run(_search_objects(url))
        command.downgrade(config, "0001")
        assert asyncio.run(_search_objects(url)) == set()
        command.upgrade(config, "head")
        assert asyncio.run(_count_found(url)) >= 1
    finally:
        if name is not None:
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
