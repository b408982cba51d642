"""A participant submits one document: checked, stored with its effect, and queued for its recipients.

Everything happens in one database transaction (the transactional outbox): the document, its effect
on this node's resources and one delivery per recipient exist together or not at all. A document
whose EDocId was already submitted gets the same answer again and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.contract.errors import Issue
from sanmeasures.contract.pipeline import validate_document
from sanmeasures.contract.safe_xml import MAX_DOCUMENT_BYTES
from sanmeasures.exchange.confidentiality import ConfidentialityPolicy, policy
from sanmeasures.exchange.inbox import REFUSALS, Received, effect_issue, routing_issue
from sanmeasures.exchange.outbox import enqueue
from sanmeasures.exchange.participants import Participant
from sanmeasures.exchange.routing import RoutingError, flow_of
from sanmeasures.processes.effects import store
from sanmeasures.processes.rights import Forbidden, check_sender
from sanmeasures.storage.documents import DocumentConflict
from sanmeasures.storage.tables import deliveries, documents

Outcome = Literal["accepted", "repeat", "invalid", "forbidden"]


@dataclass(frozen=True)
class Submission:
    outcome: Outcome
    edoc_id: str | None = None
    flow: str | None = None
    recipients: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.outcome in ("accepted", "repeat")


async def submit(
    engine: AsyncEngine,
    sender: Participant,
    known: tuple[Participant, ...],
    data: bytes,
    *,
    max_bytes: int = MAX_DOCUMENT_BYTES,
    confidentiality: ConfidentialityPolicy | None = None,
    decision_date: dt.date | None = None,
) -> Submission:
    """Check ``data`` (contract, routing, rights, flow rules) and, when it holds, store and queue it.

    ``confidentiality``: the items the sender's law keeps confidential (Rules §39); default: the
    node's default policy. ``decision_date``: the authority's decision to report a case (Rules §17),
    from which its deadline runs."""
    confidentiality = confidentiality or policy()
    report = validate_document(data, max_bytes=max_bytes)
    header = report.header
    edoc_id = header.e_doc_id if header is not None else None
    if not report.ok or header is None or report.structure is None:
        return Submission("invalid", edoc_id, issues=list(report.issues))
    if decision_date is not None and decision_date > dt.datetime.now(dt.UTC).date():
        issue = Issue(
            stage="rule",
            rule="decision-date",
            message_ru=f"дата решения {decision_date:%d.%m.%Y} ещё не наступила",
            message_en=f"the decision date {decision_date.isoformat()} is in the future",
            paragraph="§17",
        )
        return Submission("invalid", edoc_id, issues=[issue])
    try:
        flow = flow_of(header.inf_envelope_code, report.structure.code)
    except RoutingError as exc:
        return Submission("invalid", edoc_id, issues=[routing_issue(str(exc))])
    try:
        check_sender(flow, sender, report.document)
    except Forbidden as refusal:
        return Submission("forbidden", edoc_id, flow.name, issues=[refusal.issue])

    async with engine.begin() as connection:
        held = (
            await connection.execute(
                sa.select(documents.c.id, documents.c.sender, documents.c.xml).where(
                    documents.c.edoc_id == edoc_id
                )
            )
        ).first()
        if held is not None:
            if held.sender != sender.id or bytes(held.xml) != data:
                return Submission("invalid", edoc_id, flow.name, issues=[_conflict(edoc_id)])
            recipients = (
                await connection.execute(
                    sa.select(deliveries.c.recipient).where(deliveries.c.document_id == held.id)
                )
            ).scalars()
            return Submission("repeat", edoc_id, flow.name, sorted(recipients))
        try:
            queued = await enqueue(
                connection,
                data=data,
                document=report.document,
                structure_code=report.structure.code,
                sender=sender,
                known=known,
                flow=flow,
                confidentiality=confidentiality,
            )
            received = Received(flow, report, sender, sender, queued.document_id, known, decision_date)
            await store(connection, received)
        except RoutingError as exc:
            await connection.rollback()
            return Submission("invalid", edoc_id, flow.name, issues=[routing_issue(str(exc))])
        except DocumentConflict:
            await connection.rollback()
            return Submission("invalid", edoc_id, flow.name, issues=[_conflict(edoc_id)])
        except REFUSALS as exc:  # a flow rule or a store refused it (a database failure is raised)
            await connection.rollback()
            return Submission("invalid", edoc_id, flow.name, issues=[effect_issue(exc, edoc_id)])
        recipients = (
            await connection.execute(
                sa.select(deliveries.c.recipient).where(deliveries.c.id.in_(queued.delivery_ids))
            )
        ).scalars()
        return Submission("accepted", edoc_id, flow.name, sorted(recipients))


def _conflict(edoc_id: str | None) -> Issue:
    message = f"another document with EDocId {edoc_id} is already held; every document needs its own EDocId"
    return Issue(
        stage="rule",
        rule="edoc-id-unique",
        message_ru=f"документ с EDocId {edoc_id} уже получен; у каждого документа свой EDocId",
        message_en=message,
        xpath="/*/ccdo:EDocHeader/csdo:EDocId",
    )
