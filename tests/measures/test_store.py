"""Temporary measures (Table 4), response measures, §30 justifying cases and reviews (Table 5), both engines."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.cases.store import case_view, record_alert_document
from sanmeasures.contract import blocks as b
from sanmeasures.contract.examples import country, example_document
from sanmeasures.measures.store import (
    MeasureIdentityError,
    MeasureKey,
    measure_history,
    measure_view,
    record_measure_document,
    record_review,
    reviews_of,
)
from sanmeasures.storage.tables import measure_case_links, measure_reviews, measure_versions
from tests.cases.documents import on, resent, rows, store

MEASURE = "R.SM.SS.09.001"
KZ_MEASURE = ("KZ", "112", dt.date(2026, 3, 10))


def kz_measure_notice(sent: dt.date, **measure_fields: object):
    """The KZ restriction on smoked sausages (order No. 112 of 10.03.2026), notified on ``sent``."""
    doc = example_document(MEASURE)
    measure = doc.sanitary_measure_details[0].model_copy(update=measure_fields, deep=True)
    return resent(doc, at=on(sent), sanitary_measure_details=[measure])


def ru_response_measure():
    """A RU response measure (Table 4 item 3 names the KZ measure)."""
    doc = example_document(MEASURE)
    original = doc.sanitary_measure_details[0]
    measure = original.model_copy(
        update={
            "measure_name": "Усиленный лабораторный контроль продукции из Республики Казахстан",
            "measure_doc_details": original.measure_doc_details.model_copy(
                update={
                    "unified_country_code": country("RU"),
                    "doc_id": "02/4512",
                    "doc_creation_date": dt.date(2026, 3, 12),
                }
            ),
            "initial_measure_doc_details": b.DocContentDetails(
                unified_country_code=country("KZ"), doc_id="112", doc_creation_date=dt.date(2026, 3, 10)
            ),
            "measure_reason_code": "3",
            "incident_alert_id_details": [],
        },
        deep=True,
    )
    return resent(doc, at=on(dt.date(2026, 3, 12)), sanitary_measure_details=[measure])


async def test_introduced_changed_cancelled_give_three_versions(engine: AsyncEngine) -> None:
    # Rules §27: introduction, change, cancellation; cancelled = end date reached by the notice date.
    introduced = kz_measure_notice(dt.date(2026, 3, 10))
    changed = kz_measure_notice(dt.date(2026, 4, 1), end_date=dt.date(2026, 12, 31))
    cancelled = kz_measure_notice(dt.date(2026, 5, 20), end_date=dt.date(2026, 5, 20))
    async with engine.begin() as connection:
        actions = []
        for doc in (introduced, changed, cancelled):
            (record,) = await record_measure_document(connection, doc, await store(connection, doc))
            actions.append((record.version, record.action))
        assert actions == [(1, "introduced"), (2, "changed"), (3, "cancelled")]

        view = await measure_view(connection, *KZ_MEASURE)
        assert view is not None
        assert [v.action for v in view.versions] == ["introduced", "changed", "cancelled"]
        assert (view.state, view.current_version, view.end_date) == ("cancelled", 3, dt.date(2026, 5, 20))
        assert (view.name, view.ground_code, view.start_date) == (
            "Ограничение ввоза сырокопчёных колбас",
            "1",
            dt.date(2026, 3, 11),
        )
        assert "Жайсан" in view.summary and "Колбасы сырокопчёные" in view.summary
        assert [v.version for v in await measure_history(connection, *KZ_MEASURE)] == [1, 2, 3]


async def test_an_explicit_action_wins_and_a_repeat_is_recorded_once(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        first = kz_measure_notice(dt.date(2026, 3, 10))
        first_id = await store(connection, first)
        await record_measure_document(connection, first, first_id)
        (again,) = await record_measure_document(connection, first, first_id)
        assert again.created is False and again.version == 1
        notice = kz_measure_notice(dt.date(2026, 4, 1))  # end date still ahead, but the sender says so
        (record,) = await record_measure_document(
            connection, notice, await store(connection, notice), action="cancelled"
        )
        assert (record.version, record.action) == (2, "cancelled")


@pytest.mark.parametrize("order", ["original_first", "response_first"])
async def test_a_response_measure_links_its_original(engine: AsyncEngine, order: str) -> None:
    original, response = kz_measure_notice(dt.date(2026, 3, 10)), ru_response_measure()
    docs = [original, response] if order == "original_first" else [response, original]
    async with engine.begin() as connection:
        for doc in docs:
            await record_measure_document(connection, doc, await store(connection, doc))
        kz = await measure_view(connection, *KZ_MEASURE)
        ru = await measure_view(connection, "RU", "02/4512", dt.date(2026, 3, 12))
        assert kz is not None and ru is not None
        assert ru.original is not None and ru.original.id == kz.id
        assert ru.original_key == MeasureKey(*KZ_MEASURE)
        assert [r.id for r in kz.responses] == [ru.id]
        assert kz.original is None and kz.responses[0].key.country == "RU"


@pytest.mark.parametrize("order", ["case_first", "measure_first"])
async def test_the_cases_that_justify_a_measure_are_linked(engine: AsyncEngine, order: str) -> None:
    # Rules §30: the KZ measure names the RU dangerous-product alert RU-2026-000123.
    alert, measure = example_document("R.SM.SS.08.002"), kz_measure_notice(dt.date(2026, 3, 10))
    async with engine.begin() as connection:
        if order == "case_first":
            await record_alert_document(connection, alert, await store(connection, alert))
        await record_measure_document(connection, measure, await store(connection, measure))
        if order == "measure_first":
            await record_alert_document(connection, alert, await store(connection, alert))
        (stored,) = await rows(connection, measure_case_links)
        assert (stored[3] is not None) == (order == "case_first")  # case_id resolved at recording

        view = await measure_view(connection, *KZ_MEASURE)
        assert view is not None
        (link,) = view.cases
        assert (link.case_country, link.case_registration_number) == ("RU", "RU-2026-000123")
        assert link.case is not None and link.case.kind == "dangerous_product"
        case = await case_view(connection, "dangerous_product", "RU", "RU-2026-000123")
        assert case is not None and [m.measure_id for m in case.measures] == [view.id]


async def test_a_review_is_linked_to_its_measure(engine: AsyncEngine) -> None:
    # Table 5 items 2–4 name the reviewed measure; Rules §28.
    async with engine.begin() as connection:
        measure = kz_measure_notice(dt.date(2026, 3, 10))
        await record_measure_document(connection, measure, await store(connection, measure))
        review_doc = example_document("R.SM.SS.09.003")
        review_id = await store(connection, review_doc)
        review = await record_review(connection, review_doc, review_id)
        assert review.measure_id is not None and review.reviewer_country == "RU"
        assert (await record_review(connection, review_doc, review_id)).created is False
        view = await measure_view(connection, *KZ_MEASURE)
        assert view is not None and [r.id for r in view.reviews] == [review.id]
        assert view.reviews[0].data["description_text"] == "Мера рассмотрена; введены ответные мероприятия"


async def test_a_review_of_a_measure_not_held_is_kept_and_found_later(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        review_doc = example_document("R.SM.SS.09.003")
        review = await record_review(connection, review_doc, await store(connection, review_doc))
        assert review.measure_id is None and review.measure_key == MeasureKey(*KZ_MEASURE)
        measure = kz_measure_notice(dt.date(2026, 3, 10))
        await record_measure_document(connection, measure, await store(connection, measure))
        view = await measure_view(connection, *KZ_MEASURE)
        assert view is not None
        assert [(r.id, r.measure_id) for r in view.reviews] == [(review.id, view.id)]
        assert [r.id for r in await reviews_of(connection, MeasureKey(*KZ_MEASURE))] == [review.id]


async def test_a_measure_document_without_its_identity_is_refused(engine: AsyncEngine) -> None:
    doc = example_document(MEASURE)
    measure = doc.sanitary_measure_details[0]
    anonymous = measure.model_copy(
        update={"measure_doc_details": measure.measure_doc_details.model_copy(update={"doc_id": None})}
    )
    async with engine.begin() as connection:
        with pytest.raises(MeasureIdentityError, match="csdo:DocId"):
            await record_measure_document(connection, resent(doc, sanitary_measure_details=[anonymous]), None)


async def test_earlier_versions_and_reviews_are_never_altered(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        first = kz_measure_notice(dt.date(2026, 3, 10))
        await record_measure_document(connection, first, await store(connection, first))
        review_doc = example_document("R.SM.SS.09.003")
        await record_review(connection, review_doc, await store(connection, review_doc))
        tables = (measure_versions, measure_case_links, measure_reviews)
        before = [await rows(connection, table) for table in tables]
        for doc in (
            kz_measure_notice(dt.date(2026, 4, 1), end_date=dt.date(2026, 12, 31)),
            kz_measure_notice(dt.date(2026, 5, 20), end_date=dt.date(2026, 5, 20)),
        ):
            await record_measure_document(connection, doc, await store(connection, doc))
        after = [await rows(connection, table) for table in tables]
        for old, new in zip(before, after, strict=True):
            assert new[: len(old)] == old
        assert len(after[0]) == 3 and len(after[2]) == 1
