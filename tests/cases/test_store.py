"""Morbidity (Table 2) and dangerous-product (Table 3) cases: versions, current view, links (both engines)."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.cases.store import (
    case_view,
    derive_current,
    history,
    links_to,
    notice_facts,
    record_alert_document,
    record_case_notice,
)
from sanmeasures.contract.examples import example_document
from sanmeasures.storage.tables import case_links, case_versions
from tests.cases.documents import on, resent, rows, store

MORBIDITY = "R.SM.SS.08.001"
DANGEROUS = "R.SM.SS.08.002"


def morbidity_notice(kind: str, day: dt.date, **case_fields: object):
    """The KZ listeriosis case (KZ-2026-00045) as notice ``kind`` sent on ``day``."""
    doc = example_document(MORBIDITY)
    case = doc.public_health_alert_details[0].model_copy(
        update={"incident_kind_code": kind, "doc_creation_date": day, **case_fields}, deep=True
    )
    return resent(doc, at=on(day), public_health_alert_details=[case])


def product_notice(kind: str, day: dt.date, **case_fields: object):
    """The RU sausage case (RU-2026-000123) as notice ``kind`` sent on ``day``."""
    doc = example_document(DANGEROUS)
    case = doc.dangerous_product_alert_details[0].model_copy(
        update={"incident_kind_code": kind, "doc_creation_date": day, **case_fields}, deep=True
    )
    return resent(doc, at=on(day), dangerous_product_alert_details=[case])


async def test_first_update_closure_give_three_versions_and_the_current_view(engine: AsyncEngine) -> None:
    # Rules §17 first notice, §18 results of the investigation, §19 completion of measures.
    first = example_document(MORBIDITY)
    update = morbidity_notice(
        "2", dt.date(2026, 3, 9), measure_name=["Изоляция", "Наблюдение", "Дезинфекция"]
    )
    closure = morbidity_notice("3", dt.date(2026, 3, 30), public_health_incident_details=None)
    async with engine.begin() as connection:
        records = []
        for doc in (first, update, closure):
            records += await record_alert_document(
                connection, doc, await store(connection, doc, sender="authority:KZ")
            )

        assert [r.version for r in records] == [1, 2, 3]
        assert {r.case_id for r in records} == {records[0].case_id}
        view = await case_view(connection, "morbidity", "KZ", "KZ-2026-00045")
        assert view is not None
        assert [v.incident_kind for v in view.versions] == ["1", "2", "3"]
        assert [v.reported_on for v in view.versions] == [
            dt.date(2026, 3, 4),
            dt.date(2026, 3, 9),
            dt.date(2026, 3, 30),
        ]
        assert view.versions[0].data["incident_id"] == "KZ-2026-00045"
        assert (view.first_reported_on, view.last_reported_on) == (dt.date(2026, 3, 4), dt.date(2026, 3, 30))
        assert view.last_incident_kind == "3"
        assert view.current_version == 3
        # A closure notice without csdo:EndDate closes the case on its own date (§19).
        assert view.closed_on == dt.date(2026, 3, 30)
        # The closure does not restate item 6: the disease stays known.
        assert view.title == "Листериоз неуточнённый"
        assert view.disease_code == "A32.9"
        assert "Listeria monocytogenes" in view.summary and "Дезинфекция" in view.summary
        assert [v.version for v in await history(connection, "morbidity", "KZ", "KZ-2026-00045")] == [1, 2, 3]
        assert await history(connection, "dangerous_product", "KZ", "KZ-2026-00045") == []


async def test_a_repeated_notice_is_recorded_once(engine: AsyncEngine) -> None:
    doc = example_document(MORBIDITY)
    async with engine.begin() as connection:
        document_id = await store(connection, doc)
        first = await record_alert_document(connection, doc, document_id)
        again = await record_alert_document(connection, doc, await store(connection, doc))
        assert again[0].created is False and again[0].version_id == first[0].version_id
        assert len(await rows(connection, case_versions)) == 1
        assert len(await rows(connection, case_links)) == 1


@pytest.mark.parametrize("order", ["product_first", "morbidity_first"])
async def test_a_morbidity_case_links_to_the_dangerous_product_case_in_either_order(
    engine: AsyncEngine, order: str
) -> None:
    # Table 2 item 9.1, Rules §18: the KZ listeriosis case names the RU alert RU-2026-000123.
    product, morbidity = example_document(DANGEROUS), example_document(MORBIDITY)
    docs = [product, morbidity] if order == "product_first" else [morbidity, product]
    async with engine.begin() as connection:
        for doc in docs:
            await record_alert_document(connection, doc, await store(connection, doc))
        (stored,) = await rows(connection, case_links)
        held_at_recording = stored[3] is not None  # linked_case_id
        assert held_at_recording == (order == "product_first")

        illness = await case_view(connection, "morbidity", "KZ", "KZ-2026-00045")
        sausage = await case_view(connection, "dangerous_product", "RU", "RU-2026-000123")
        assert illness is not None and sausage is not None
        (link,) = illness.links
        assert link.linked is not None and link.linked.id == sausage.id
        assert (link.linked_country, link.linked_registration_number) == ("RU", "RU-2026-000123")
        assert link.linked_reported_on == dt.date(2026, 3, 2)
        (back,) = sausage.linked_from
        assert back.case.id == illness.id and back.case.kind == "morbidity"
        assert illness.linked_from == [] and sausage.links == []
        assert [link.case.id for link in await links_to(connection, "RU", "RU-2026-000123")] == [illness.id]


async def test_a_link_to_a_case_not_held_stays_unresolved(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        doc = example_document(MORBIDITY)
        await record_alert_document(connection, doc, await store(connection, doc))
        view = await case_view(connection, "morbidity", "KZ", "KZ-2026-00045")
        assert view is not None and view.links[0].linked is None


async def test_archive_flag_and_closed_on_of_a_dangerous_product_case(engine: AsyncEngine) -> None:
    # Table 3 item 6: 0 archived / 1 current; Rules §24: safety confirmed closes the case.
    async with engine.begin() as connection:
        first = example_document(DANGEROUS)
        await record_alert_document(connection, first, await store(connection, first))
        view = await case_view(connection, "dangerous_product", "RU", "RU-2026-000123")
        assert view is not None and view.closed_on is None and view.archive_flag == 1
        assert view.title == "Колбаса сырокопчёная «Брауншвейгская»"
        assert (view.hs_code, view.product_type_code, view.manufacturer_country) == (
            "1601009100",
            "001",
            "KZ",
        )
        assert view.manufacturer_name is not None and "Алматинский мясокомбинат" in view.manufacturer_name

        confirmed = product_notice("4", dt.date(2026, 4, 1), end_date=dt.date(2026, 4, 1))
        assert confirmed.dangerous_product_alert_details[0].archive_flag == 0
        await record_alert_document(connection, confirmed, await store(connection, confirmed))
        correction = product_notice("5", dt.date(2026, 4, 3))  # a correction does not reopen the case
        await record_alert_document(connection, correction, await store(connection, correction))
        view = await case_view(connection, "dangerous_product", "RU", "RU-2026-000123")
        assert view is not None
        assert (view.closed_on, view.archive_flag, view.last_incident_kind) == (dt.date(2026, 4, 1), 0, "5")
        assert len(view.versions) == 3


def test_current_view_is_a_fold_over_the_notices() -> None:
    first = example_document(MORBIDITY).public_health_alert_details[0]
    update = first.model_copy(update={"incident_kind_code": "2", "doc_creation_date": dt.date(2026, 3, 2)})
    state = derive_current(None, notice_facts(first))
    state = derive_current(state, notice_facts(update))
    # An update dated before the first notice moves the first date back; an update reopens nothing.
    assert state["first_reported_on"] == dt.date(2026, 3, 2)
    assert state["last_reported_on"] == dt.date(2026, 3, 4)
    assert state["closed_on"] is None and state["last_incident_kind"] == "2"


async def test_a_document_with_several_cases_records_each(engine: AsyncEngine) -> None:
    doc = example_document(MORBIDITY)
    other = doc.public_health_alert_details[0].model_copy(update={"incident_id": "KZ-2026-00046"}, deep=True)
    doc = resent(doc, public_health_alert_details=[doc.public_health_alert_details[0], other])
    async with engine.begin() as connection:
        records = await record_alert_document(connection, doc, await store(connection, doc))
        assert [(r.registration_number, r.version) for r in records] == [
            ("KZ-2026-00045", 1),
            ("KZ-2026-00046", 1),
        ]


async def test_the_kind_must_match_the_element(engine: AsyncEngine) -> None:
    case = example_document(MORBIDITY).public_health_alert_details[0]
    async with engine.begin() as connection:
        with pytest.raises(ValueError, match="not a dangerous_product case"):
            await record_case_notice(connection, case, kind="dangerous_product", document_id=None)


async def test_earlier_versions_are_never_altered(engine: AsyncEngine) -> None:
    # Rules §19, §24: nothing is deleted; a new notice only adds rows.
    async with engine.begin() as connection:
        first = example_document(MORBIDITY)
        await record_alert_document(connection, first, await store(connection, first))
        before = (await rows(connection, case_versions), await rows(connection, case_links))
        for doc in (morbidity_notice("2", dt.date(2026, 3, 9)), morbidity_notice("3", dt.date(2026, 3, 30))):
            await record_alert_document(connection, doc, await store(connection, doc))
        after = (await rows(connection, case_versions), await rows(connection, case_links))
        assert after[0][: len(before[0])] == before[0] and len(after[0]) == 3
        assert after[1][: len(before[1])] == before[1] and len(after[1]) == 3
        count = (await connection.execute(sa.select(sa.func.count()).select_from(case_versions))).scalar_one()
        assert count == 3
