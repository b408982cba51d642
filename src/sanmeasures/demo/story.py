"""A small story of temporary measures for the demo (Rules §26–30), on top of the synthetic cases.

RU reports a dangerous product (smoked sausages with Listeria, RU-2026-000123); KZ introduces a
restriction justified by that case (§30) and later extends it; RU answers with a response measure
(Table 4 item 3); BY's and RU's reviews of the KZ measure follow (Table 5). Every document is a
valid EEC document recorded as received, as the exchange would record it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.cases.store import record_alert_document
from sanmeasures.contract import blocks as b
from sanmeasures.contract.examples import by_ministry, country, example_document
from sanmeasures.contract.pipeline import encode
from sanmeasures.measures.store import record_measure_document, record_review
from sanmeasures.storage.documents import record_document

_MOSCOW = dt.timezone(dt.timedelta(hours=3))
#: EDocIds are derived from this and the document's place in the story, so loading twice adds nothing.
_STORY = uuid.UUID("5a0e3d1c-7f43-4c2e-9b8e-2b1f3c0a9d24")


def _sent(document: Any, day: dt.date, **fields: Any) -> Any:
    """``document`` as a message sent on ``day``, with ``fields`` replaced (its EDocId is set later)."""
    header = document.e_doc_header.model_copy(
        update={"e_doc_date_time": dt.datetime.combine(day, dt.time(10), _MOSCOW)}
    )
    return document.model_copy(update={"e_doc_header": header, **fields}, deep=True)


def _measure(day: dt.date, **changes: Any) -> Any:
    document = example_document("R.SM.SS.09.001")
    measure = document.sanitary_measure_details[0].model_copy(update=changes, deep=True)
    return _sent(document, day, sanitary_measure_details=[measure])


def documents(today: dt.date) -> list[tuple[str, Any]]:
    """(sender, document) of the story, in the order they are sent."""
    story = []
    for n, (sender, document) in enumerate(_story(today)):
        header = document.e_doc_header.model_copy(update={"e_doc_id": str(uuid.uuid5(_STORY, str(n)))})
        story.append((sender, document.model_copy(update={"e_doc_header": header})))
    return story


def _story(today: dt.date) -> list[tuple[str, Any]]:
    start = today - dt.timedelta(days=60)
    kz_original = example_document("R.SM.SS.09.001").sanitary_measure_details[0]
    kz_doc = kz_original.measure_doc_details
    response = _measure(
        start + dt.timedelta(days=3),
        measure_name="Усиленный лабораторный контроль продукции из Республики Казахстан",
        measure_doc_details=kz_doc.model_copy(
            update={"unified_country_code": country("RU"), "doc_id": "02/4512", "doc_creation_date": start}
        ),
        initial_measure_doc_details=b.DocContentDetails(
            unified_country_code=kz_doc.unified_country_code,
            doc_id=kz_doc.doc_id,
            doc_creation_date=kz_doc.doc_creation_date,
        ),
        measure_reason_code="3",
        incident_alert_id_details=[],
    )
    review = example_document("R.SM.SS.09.003")
    by_review = _sent(
        review,
        start + dt.timedelta(days=5),
        unified_authority_details=by_ministry(),
        description_text="Мера рассмотрена; дополнительные меры не требуются",
    )
    return [
        ("authority:RU", _sent(example_document("R.SM.SS.08.002"), start - dt.timedelta(days=2))),
        ("authority:KZ", _measure(start)),
        ("authority:KZ", _measure(start + dt.timedelta(days=20), end_date=today + dt.timedelta(days=120))),
        ("authority:RU", response),
        ("authority:RU", _sent(review, start + dt.timedelta(days=4))),
        ("authority:BY", by_review),
    ]


async def record_story(engine: AsyncEngine, *, today: dt.date | None = None) -> int:
    """Record the story's documents (once: a repeat of a document changes nothing); how many were new."""
    new = 0
    for sender, document in documents(today or dt.date.today()):
        async with engine.begin() as connection:
            stored = await record_document(
                connection,
                data=encode(document, pretty=False),
                header=document.e_doc_header,
                structure_code=document.e_doc_header.e_doc_code,
                direction="in",
                sender=sender,
                recipients=["commission"],
            )
            if not stored.created:
                continue
            new += 1
            if hasattr(document, "dangerous_product_alert_details"):
                await record_alert_document(connection, document, stored.id, source="demo")
            elif hasattr(document, "sanitary_measure_details"):
                await record_measure_document(connection, document, stored.id)
            else:
                await record_review(connection, document, stored.id)
    return new
