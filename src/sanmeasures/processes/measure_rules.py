"""Rules of temporary measures and their reviews (Rules §26–30; Appendix 2 Tables 4–5).

- A measure introduced on a disease or on dangerous products carries what justifies it (§30):
  ground 1 (non-compliant products, SM.CLS.005) needs the products of Table 4 item 13, ground 4
  (a worse sanitary-epidemiological situation) the disease of item 12. The cases it names
  (smcdo:IncidentAlertIdDetails) are linked to the cases held, in whichever order they arrive.
- A response measure names its original (item 3): the responding authority must hold it.
- A review (Table 5) names a measure held here by country, document number and date (items 2–4),
  and it is another state's measure (§28).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.exchange.inbox import Received, Refusal
from sanmeasures.measures.store import MeasureIdentityError, find_measure_id, measure_key

GROUND_PRODUCTS, GROUND_SITUATION = "1", "4"


async def check_measure(connection: AsyncConnection, measure: Any, received: Received) -> None:
    ground = measure.measure_reason_code
    if ground == GROUND_PRODUCTS and not measure.non_compliant_sanitary_product_details:
        raise Refusal(
            "measure-justified",
            "мера по основанию 1 (несоответствующая продукция) указывает сведения о продукции (п. 13 таблицы 4)",
            "a measure on ground 1 (non-compliant products) names the products (Table 4 item 13)",
            item="T4/13",
            paragraph="§30",
        )
    if ground == GROUND_SITUATION and measure.public_health_incident_details is None:
        raise Refusal(
            "measure-justified",
            "мера по основанию 4 (ухудшение ситуации) указывает сведения о заболевании (п. 12 таблицы 4)",
            "a measure on ground 4 (a worse situation) names the disease (Table 4 item 12)",
            item="T4/12",
            paragraph="§30",
        )
    original = measure.initial_measure_doc_details
    if original is None or received.me != received.sender:
        return  # recipients accept a response before its original: it is linked when that arrives
    try:
        key = measure_key(original, item="Table 4 item 3")
    except MeasureIdentityError as exc:
        raise Refusal("response-measure", str(exc), str(exc), item="T4/3", paragraph="§28") from exc
    if key != measure_key(measure.measure_doc_details) and await find_measure_id(connection, key) is None:
        raise Refusal(
            "response-measure",
            f"исходная мера {key.country} № {key.document_number} от {key.document_date} не получена",
            f"the original measure {key.country} No {key.document_number} of {key.document_date} is not held "
            "here: a response measure names a measure received (Table 4 item 3)",
            item="T4/3",
            paragraph="§28",
        )


async def check_review(connection: AsyncConnection, review: Any, received: Received) -> None:
    try:
        key = measure_key(review.measure_doc_details, item="Table 5 items 2–4")
    except MeasureIdentityError as exc:
        raise Refusal("review-measure", str(exc), str(exc), item="T5/2", paragraph="§28") from exc
    if key.country == received.sender.country:
        raise Refusal(
            "review-other-state",
            "рассматривается мера другого государства-члена (п. 28 Правил)",
            "a review concerns another member state's measure (Rules §28)",
            item="T5/2",
            paragraph="§28",
        )
    if await find_measure_id(connection, key) is None:
        raise Refusal(
            "review-measure",
            f"мера {key.country} № {key.document_number} от {key.document_date} не найдена",
            f"no measure {key.country} No {key.document_number} of {key.document_date} is held here "
            "(Table 5 items 2–4)",
            item="T5/2",
            paragraph="§28",
        )
