"""Temporary measures and reviews through submissions (Rules §28, §30; Tables 4–5), on both engines."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.contract.examples import country
from sanmeasures.contract.pipeline import encode
from sanmeasures.exchange.participants import REFERENCE_DEPLOYMENT, Participant
from sanmeasures.processes.submission import Submission, submit
from sanmeasures.storage.tables import measures
from tests.support.flows import fresh

KNOWN = tuple(Participant.parse(p) for p in REFERENCE_DEPLOYMENT)
KZ, RU = Participant.parse("authority:KZ"), Participant.parse("authority:RU")


def measure_document(**changes: Any) -> Any:
    document = fresh("R.SM.SS.09.001")
    measure = document.sanitary_measure_details[0].model_copy(update=changes)
    return document.model_copy(update={"sanitary_measure_details": [measure]})


def ru_response_to(original: Any) -> Any:
    """RU's response measure (Table 4 item 3 names the KZ original)."""
    kz = original.sanitary_measure_details[0]
    own = kz.measure_doc_details.model_copy(
        update={
            "unified_country_code": country("RU"),
            "doc_id": "77-R-5",
            "doc_creation_date": dt.date(2026, 3, 15),
        }
    )
    return measure_document(measure_doc_details=own, initial_measure_doc_details=kz.measure_doc_details)


async def send(engine: AsyncEngine, document: Any, sender: Participant) -> Submission:
    return await submit(engine, sender, KNOWN, encode(document))


def refused(submission: Submission, rule: str, item: str) -> bool:
    [issue] = submission.issues
    return submission.outcome == "invalid" and issue.rule == rule and issue.item == item and issue.paragraph


async def test_a_measure_on_a_disease_or_on_products_carries_what_justifies_it(engine: AsyncEngine) -> None:
    """Rules §30: ground 1 needs the products (item 13), ground 4 the disease (item 12)."""
    no_products = measure_document(measure_reason_code="1", non_compliant_sanitary_product_details=[])
    assert refused(await send(engine, no_products, KZ), "measure-justified", "T4/13")
    no_disease = measure_document(measure_reason_code="4", public_health_incident_details=None)
    assert refused(await send(engine, no_disease, KZ), "measure-justified", "T4/12")
    assert (await send(engine, measure_document(measure_reason_code="4"), KZ)).outcome == "accepted"


async def test_a_response_measure_names_an_original_its_sender_holds(engine: AsyncEngine) -> None:
    original = measure_document()
    assert refused(await send(engine, ru_response_to(original), RU), "response-measure", "T4/3")
    assert (await send(engine, original, KZ)).outcome == "accepted"
    assert (await send(engine, ru_response_to(original), RU)).outcome == "accepted"
    async with engine.connect() as connection:
        rows = (await connection.execute(sa.select(measures.c.country, measures.c.original_measure_id))).all()
    linked = {country_: original_id for country_, original_id in rows}
    assert linked["RU"] is not None and linked["KZ"] is None  # the response points to the KZ measure


async def test_a_review_names_another_states_measure_held_here(engine: AsyncEngine) -> None:
    """Rules §28, Table 5 items 2–4."""
    review = fresh("R.SM.SS.09.003")  # RU reviews KZ measure No 112 of 10.03.2026
    assert refused(await send(engine, review, RU), "review-measure", "T5/2")
    assert (await send(engine, measure_document(), KZ)).outcome == "accepted"
    assert (await send(engine, review, RU)).outcome == "accepted"
    own = fresh("R.SM.SS.09.003")
    kz_review = own.model_copy(
        update={
            "unified_authority_details": own.unified_authority_details.model_copy(
                update={"unified_country_code": country("KZ")}
            )
        }
    )
    assert refused(await send(engine, kz_review, KZ), "review-other-state", "T5/2")
