"""What a node does with a document of each flow: it stores it in its common resources.

The same effect runs at the sender's node when a participant submits the document (its own copy,
Rules §6: each authorized body keeps its national part) and at every recipient's node when the
document arrives, each time in the transaction that records the document itself. Every store
recognises a document it already holds (by its stored document id), so in a node hosting several
participants on one database the second application is a no-op.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.cases.store import kind_of, record_case_notice
from sanmeasures.exchange.inbox import Received
from sanmeasures.measures.store import record_measure_document, record_review
from sanmeasures.processes import information, protocols
from sanmeasures.processes.case_rules import check_notice
from sanmeasures.processes.deadlines import record_timeliness
from sanmeasures.processes.measure_rules import check_measure, check_review
from sanmeasures.processes.rights import check_answerer, check_sender
from sanmeasures.registry.store import record_certificates
from sanmeasures.requests import store as requests


async def _certificates(connection: AsyncConnection, received: Received) -> None:
    # Rules §35: the authority keeps its national part; the Commission merges into the unified registry.
    registry = "unified" if received.me.role == "commission" else "national"
    await record_certificates(
        connection,
        received.report.document.registration_certificate_details,
        registry=registry,
        source="message",
        document_id=received.document_id,
    )


async def _cases(connection: AsyncConnection, received: Received) -> None:
    document = received.report.document
    elements = (
        getattr(document, "public_health_alert_details", None) or document.dangerous_product_alert_details
    )
    for element in elements:  # in document order: a later element may update an earlier one
        await check_notice(connection, element, received.document_id)
        recorded = await record_case_notice(
            connection, element, kind=kind_of(element), document_id=received.document_id
        )
        if recorded.created and received.document_id is not None:
            await record_timeliness(
                connection,
                element,
                document_id=received.document_id,
                decision=received.decision_date,
                submitted_on=dt.datetime.now(dt.UTC).date(),
            )


async def _measures(connection: AsyncConnection, received: Received) -> None:
    for measure in received.report.document.sanitary_measure_details:
        await check_measure(connection, measure, received)
    await record_measure_document(connection, received.report.document, received.document_id)


async def _review(connection: AsyncConnection, received: Received) -> None:
    assert received.document_id is not None
    await check_review(connection, received.report.document, received)
    await record_review(connection, received.report.document, received.document_id)


async def _record_request(
    connection: AsyncConnection, received: Received, derive: Callable[..., requests.RequestFields]
) -> None:
    assert received.document_id is not None
    fields = derive(received.report.document, sender=received.sender.id)
    await requests.record_request(connection, document_id=received.document_id, **fields.as_kwargs())


def _request(derive: Callable[..., requests.RequestFields]) -> Callable[..., Awaitable[None]]:
    """The effect of a flow that only records a request."""
    return lambda connection, received: _record_request(connection, received, derive)


def _answer(*, seen_by_others: bool = False) -> Callable[..., Awaitable[None]]:
    """Thread an answer to the request it names (csdo:EDocRefId). The answer to a §38 notice also goes
    to the other authorities and the Commission (§6б), who never held the notice: they keep it as a
    document; every other answer reaches only its requester, who must hold the request."""

    async def effect(connection: AsyncConnection, received: Received) -> None:
        assert received.document_id is not None
        fields = requests.answer_fields(received.report.document)
        asked = await requests.thread(connection, fields.request_edoc_id)
        if asked is not None:
            check_answerer(received.sender, asked.request.responder)
        try:
            await requests.record_answer(connection, document_id=received.document_id, **fields.as_kwargs())
        except requests.UnknownRequest:
            if not seen_by_others:
                raise

    return effect


async def _query(connection: AsyncConnection, received: Received) -> None:
    """§14: the Commission records the query and answers it from its resources at once."""
    await _record_request(connection, received, requests.information_request)
    if received.me.role == "commission" and received.sender != received.me:
        await information.answer(
            connection, received.report.document, commission=received.me, known=received.known
        )


async def _protocol_request(connection: AsyncConnection, received: Received) -> None:
    """§36: the issuing authority records the request and refuses at once a certificate it never issued."""
    await _record_request(connection, received, requests.laboratory_protocol_request)
    issuer = received.report.document.certificate_number[:2]
    if received.me.role == "authority" and received.me.country == issuer and received.sender != received.me:
        await protocols.refuse_if_unknown(
            connection, received.report.document, me=received.me, known=received.known
        )


#: One effect per flow of ``exchange/routing.py`` (a test checks that none is missing).
EFFECTS: dict[str, Callable[[AsyncConnection, Received], Awaitable[None]]] = {
    "registry.certificate": _certificates,
    "morbidity.notice": _cases,
    "dangerous_product.notice": _cases,
    "production_violation.notice": _request(requests.production_violation_notice),
    "production_violation.answer": _answer(seen_by_others=True),
    "laboratory_protocol.request": _protocol_request,
    "laboratory_protocol.answer": _answer(),
    "measure.notice": _measures,
    "measure.review": _review,
    "additional_info.request": _request(requests.additional_info_request),
    "additional_info.answer": _answer(),
    "information.request": _query,
    "information.answer": _answer(),
}


async def store(connection: AsyncConnection, received: Received) -> None:
    """The effect of ``received``'s flow (the receivers' and the submission's common path), once the
    sender's right to send it is checked again (a recipient does not trust the sender's node)."""
    check_sender(received.flow, received.sender, received.report.document)
    await EFFECTS[received.flow.name](connection, received)
