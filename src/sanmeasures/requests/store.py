"""Storage of requests and their answers, threaded by the document answered.

- ``additional_info`` — Table 6, Rules §37: additional information on a dangerous-product case or a
  temporary measure (R.SM.SS.09.002 carries both the request, items 1–6, and the answer, items 7–8);
- ``laboratory_protocol`` — Rules §36: the protocol behind a state registration certificate
  (R.SM.SS.08.004 request, R.SM.SS.08.005 answer: the protocol or a refusal, §39);
- ``information`` — Rules §7е–ж, §8, §14: information from the common resources on request
  (R.SM.SS.00.002 request to the Commission, R.SM.SS.00.003 answer);
- ``production_violation`` — Rules §38: a notice of production violations (R.SM.SS.08.002 sent to the
  authority of the manufacturer's state) answered with the measures taken (R.SM.SS.08.003).

A request is the document that asks (``requests.document_id``); an answer names it by its EDocId
(csdo:EDocRefId of the answer's header) and is threaded to it through ``documents.edoc_id``. Both
tables are append-only: a request and each of its answers are kept as received. The flow rules
(who may ask whom, deadlines) are not checked here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as _postgresql  # noqa: F401  (storage.tables needs it loaded)
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.contract import blocks as b
from sanmeasures.storage.tables import answers, documents, requests

RequestKind = Literal["additional_info", "laboratory_protocol", "information", "production_violation"]
KINDS: tuple[str, ...] = get_args(RequestKind)
COMMISSION = "commission"
_SUBJECT_MAX = 200
_PARTY_MAX = 100


class UnknownRequest(LookupError):
    """An answer names (csdo:EDocRefId) a document that is not a request held here."""

    def __init__(self, edoc_id: str, reason: str = "") -> None:
        detail = f" ({reason})" if reason else ""
        super().__init__(
            f"the answered document {edoc_id} is not a request recorded here{detail}: an answer must name in "
            "csdo:EDocRefId the csdo:EDocId of a request this node holds"
        )
        self.edoc_id = edoc_id


class AnswerMismatch(ValueError):
    """The answer document's own csdo:EDocRefId names another document than the one given."""


# ================================================================================================
# Records
# ================================================================================================
@dataclass(frozen=True)
class RequestFields:
    """What :func:`record_request` needs besides the document: derived from a request document by the
    helpers below (``record_request(connection, document_id=…, **fields.as_kwargs())``)."""

    kind: RequestKind
    requester: str
    responder: str
    subject: str

    def as_kwargs(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "requester": self.requester,
            "responder": self.responder,
            "subject": self.subject,
        }


@dataclass(frozen=True)
class AnswerFields:
    """What :func:`record_answer` needs besides the document: the answered EDocId and whether it refuses."""

    request_edoc_id: str
    refused: bool

    def as_kwargs(self) -> dict[str, Any]:
        return {"request_edoc_id": self.request_edoc_id, "refused": self.refused}


@dataclass(frozen=True)
class RequestRecord:
    id: int
    kind: str
    document_id: int
    edoc_id: str
    requester: str
    responder: str
    subject: str
    recorded_at: dt.datetime
    created: bool = True  # False: this request document was already recorded


@dataclass(frozen=True)
class AnswerRecord:
    id: int
    request_id: int
    document_id: int
    edoc_id: str
    refused: bool
    recorded_at: dt.datetime
    created: bool = True  # False: this answer document was already recorded


@dataclass(frozen=True)
class Thread:
    """A request and its answers, oldest first."""

    request: RequestRecord
    answers: list[AnswerRecord] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return bool(self.answers)


# ================================================================================================
# Write side
# ================================================================================================
async def record_request(
    connection: AsyncConnection,
    *,
    kind: RequestKind,
    document_id: int,
    requester: str,
    responder: str,
    subject: str,
) -> RequestRecord:
    """Record the document ``document_id`` as a request; recording the same document again returns it."""
    if kind not in KINDS:
        raise ValueError(f"unknown request kind {kind!r}; one of {', '.join(KINDS)}")
    stored = (
        await connection.execute(_requests_with_edoc().where(requests.c.document_id == document_id))
    ).first()
    if stored is not None:
        return _request(stored, created=False)
    await connection.execute(
        requests.insert().values(
            kind=kind,
            document_id=document_id,
            requester=_clip(requester, _PARTY_MAX),
            responder=_clip(responder, _PARTY_MAX),
            subject=_clip(subject, _SUBJECT_MAX),
        )
    )
    row = (await connection.execute(_requests_with_edoc().where(requests.c.document_id == document_id))).one()
    return _request(row)


async def record_answer(
    connection: AsyncConnection, *, request_edoc_id: str, document_id: int, refused: bool
) -> AnswerRecord:
    """Thread the answer document ``document_id`` to the request whose EDocId it answers.

    Raises :class:`UnknownRequest` when no request with that EDocId is held, and :class:`AnswerMismatch`
    when the answer document's own EDocRefId names another document. Recording the same answer document
    again returns it.
    """
    stored = (
        await connection.execute(_answers_with_edoc().where(answers.c.document_id == document_id))
    ).first()
    if stored is not None:
        return _answer(stored, created=False)
    answer_doc = (
        await connection.execute(
            sa.select(documents.c.edoc_id, documents.c.edoc_ref_id).where(documents.c.id == document_id)
        )
    ).first()
    if answer_doc is None:
        raise LookupError(f"no document {document_id} is stored: store the answer document first")
    if answer_doc.edoc_ref_id is not None and answer_doc.edoc_ref_id.lower() != request_edoc_id.lower():
        raise AnswerMismatch(
            f"the answer {answer_doc.edoc_id} refers (csdo:EDocRefId) to {answer_doc.edoc_ref_id}, "
            f"not to {request_edoc_id}"
        )
    request = (
        await connection.execute(
            sa.select(requests.c.id)
            .join(documents, documents.c.id == requests.c.document_id)
            .where(sa.func.lower(documents.c.edoc_id) == request_edoc_id.lower())
        )
    ).first()
    if request is None:
        known = (
            await connection.execute(
                sa.select(documents.c.structure_code).where(
                    sa.func.lower(documents.c.edoc_id) == request_edoc_id.lower()
                )
            )
        ).scalar_one_or_none()
        reason = (
            "no document with this EDocId" if known is None else f"it is a {known} document, not a request"
        )
        raise UnknownRequest(request_edoc_id, reason)
    if answer_doc.edoc_id.lower() == request_edoc_id.lower():
        raise AnswerMismatch(f"the document {request_edoc_id} cannot answer itself")
    await connection.execute(
        answers.insert().values(request_id=request.id, document_id=document_id, refused=refused)
    )
    row = (await connection.execute(_answers_with_edoc().where(answers.c.document_id == document_id))).one()
    return _answer(row)


# ================================================================================================
# Read side
# ================================================================================================
async def thread(connection: AsyncConnection, request_edoc_id: str) -> Thread | None:
    """The request with EDocId ``request_edoc_id`` and its answers (oldest first); None when not held."""
    row = (
        await connection.execute(
            _requests_with_edoc().where(sa.func.lower(documents.c.edoc_id) == request_edoc_id.lower())
        )
    ).first()
    if row is None:
        return None
    rows = (
        await connection.execute(
            _answers_with_edoc().where(answers.c.request_id == row.id).order_by(answers.c.id)
        )
    ).all()
    return Thread(_request(row), [_answer(answer) for answer in rows])


async def open_requests(connection: AsyncConnection, *, responder: str | None = None) -> list[RequestRecord]:
    """Requests without any answer yet, oldest first (optionally only those addressed to ``responder``)."""
    query = (
        _requests_with_edoc()
        .where(~sa.exists().where(answers.c.request_id == requests.c.id))
        .order_by(requests.c.id)
    )
    if responder is not None:
        query = query.where(requests.c.responder == responder)
    return [_request(row) for row in (await connection.execute(query)).all()]


def _requests_with_edoc() -> sa.Select[Any]:
    return sa.select(requests, documents.c.edoc_id).join(documents, documents.c.id == requests.c.document_id)


def _answers_with_edoc() -> sa.Select[Any]:
    return sa.select(answers, documents.c.edoc_id).join(documents, documents.c.id == answers.c.document_id)


def _request(row: Any, *, created: bool = True) -> RequestRecord:
    return RequestRecord(
        row.id,
        row.kind,
        row.document_id,
        row.edoc_id,
        row.requester,
        row.responder,
        row.subject,
        row.recorded_at,
        created,
    )


def _answer(row: Any, *, created: bool = True) -> AnswerRecord:
    return AnswerRecord(
        row.id, row.request_id, row.document_id, row.edoc_id, row.refused, row.recorded_at, created
    )


# ================================================================================================
# Deriving requester, responder and subject from the documents
# ================================================================================================
def authority_participant(authority: b.UnifiedAuthorityDetails | None) -> str | None:
    """``authority:XX`` for the authorized body of member state XX (DESIGN.md participant ids)."""
    if authority is None or authority.unified_country_code is None:
        return None
    return f"authority:{authority.unified_country_code.value}"


def case_subject(alert: b.IncidentAlertIdDetails) -> str:
    return f"case {alert.unified_country_code.value}/{alert.incident_id}"


def additional_info_request(
    model: Any, *, sender: str | None = None, recipient: str | None = None
) -> RequestFields:
    """Table 6 request (R.SM.SS.09.002, items 1–6).

    Requester: ``sender`` or the authority of item 1. Responder: ``recipient`` or the authority of the
    state the request is about — the state of the dangerous-product case of item 2, else the state
    that introduced the measure of item 3. Subject: the case and/or the measure (items 2, 3), else the
    product (item 6), else the requested document (item 5).
    """
    requester = sender or authority_participant(model.unified_authority_details)
    alert = model.incident_alert_id_details
    state = alert.unified_country_code.value if alert is not None else None
    if state is None and model.unified_country_code is not None:
        state = model.unified_country_code.value
    responder = recipient or (f"authority:{state}" if state else None)
    parts: list[str | None] = []
    if alert is not None:
        parts.append(case_subject(alert))
    reference = model.measure_doc_reference_details
    if reference is not None or model.unified_country_code is not None:
        country = model.unified_country_code.value if model.unified_country_code is not None else "?"
        number = reference.doc_id if reference is not None and reference.doc_id else "?"
        date = reference.doc_creation_date if reference is not None else None
        parts.append(f"measure {country}/{number}" + (f"/{date.isoformat()}" if date else ""))
    if not parts and model.product_name:
        parts.append(f"product {model.product_name}")
    if not parts:
        parts += [f"document {doc.doc_id}" for doc in model.doc_content_details if doc.doc_id]
    return RequestFields(
        "additional_info",
        _required(requester, "requester", "Table 6 item 1 (or the sender)"),
        _required(responder, "responder", "Table 6 items 2–3 (or the recipient)"),
        "; ".join(p for p in parts if p) or "additional information",
    )


def laboratory_protocol_request(model: Any, *, sender: str | None = None) -> RequestFields:
    """Rules §36 request (R.SM.SS.08.004): the requesting authority asks the authority of the state that
    issued the certificate (AA of its registration number) for the protocol of one kind of test."""
    issuer = model.certificate_number.split(".", 1)[0]
    subject = (
        f"certificate {model.certificate_number} of {model.doc_creation_date.isoformat()}, "
        f"test {model.laboratory_test_kind_code.value}"
    )
    return RequestFields(
        "laboratory_protocol",
        _required(
            sender or authority_participant(model.unified_authority_details), "requester", "the authority"
        ),
        f"authority:{issuer}",
        subject,
    )


def information_request(model: Any, *, sender: str | None = None) -> RequestFields:
    """Rules §14 request (R.SM.SS.00.002) to the Commission. A supervisory body (§8) is known by its
    participant id only to the exchange layer: pass it as ``sender``; otherwise the authority of the state."""
    parts = [f"resource {model.resource}"]
    criteria = model.search_criteria_details
    if criteria is not None:
        if criteria.incident_id:
            parts.append(f"case {criteria.incident_id}")
        if criteria.certificate_number:
            parts.append(f"certificate {criteria.certificate_number}")
        if criteria.unified_country_code:
            parts.append("countries " + ",".join(c.value for c in criteria.unified_country_code))
        if criteria.start_date or criteria.end_date:
            parts.append(f"period {criteria.start_date or '…'}–{criteria.end_date or '…'}")
        if criteria.commodity_code:
            parts.append(f"HS {criteria.commodity_code}")
        if criteria.search_text:
            parts.append(f"text «{criteria.search_text}»")
    return RequestFields(
        "information",
        _required(
            sender or authority_participant(model.unified_authority_details), "requester", "the authority"
        ),
        COMMISSION,
        "; ".join(parts),
    )


def production_violation_notice(alert_document: Any, *, sender: str | None = None) -> RequestFields:
    """Rules §38: an R.SM.SS.08.002 alert sent to the authority of the state where the manufacturer is
    (Table 3 item 7.5) is a request for the measures taken, answered by R.SM.SS.08.003."""
    alerts = list(alert_document.dangerous_product_alert_details)
    maker_state = None
    for alert in alerts:
        product = alert.non_compliant_sanitary_product_details
        maker = product.supply_chain_party_details if product is not None else None
        if maker is not None and maker.unified_country_code is not None:
            maker_state = maker.unified_country_code.value
            break
    return RequestFields(
        "production_violation",
        sender or f"authority:{alerts[0].unified_country_code.value}",
        _required(f"authority:{maker_state}" if maker_state else None, "responder", "Table 3 item 7.5"),
        "; ".join(case_subject(alert) for alert in alerts),
    )


def answer_fields(model: Any) -> AnswerFields:
    """The answered EDocId (csdo:EDocRefId) and the refusal of an answer: R.SM.SS.09.002 (items 7–8),
    R.SM.SS.08.005 (a refusal reason, Rules §36, §39), R.SM.SS.00.003 and R.SM.SS.08.003."""
    header = getattr(model, "e_doc_header", None)
    if header is None or header.e_doc_ref_id is None:
        raise ValueError("the answer carries no csdo:EDocRefId naming the request it answers")
    return AnswerFields(header.e_doc_ref_id, bool(getattr(model, "refused", False)))


def _required(value: str | None, what: str, where: str) -> str:
    if not value:
        raise ValueError(f"the {what} of the request cannot be derived from {where}; pass it explicitly")
    return value


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
