"""Receiving: every business message is recorded by its EDocId in the same transaction as its
effect and its signals, and acknowledged to the broker only after that commit.

For each document the receiver answers its sender with a receipt (R.SM.SS.00.001) and a processing
result (R.006: accepted, or rejected with the contract layer's errors), both sent through the outbox.
A repeat of a document already received changes nothing: its original signals are sent again.
Signals coming back move this node's own deliveries on (received, accepted, rejected).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sanmeasures.contract.errors import Issue
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.pipeline import Report, validate_document
from sanmeasures.contract.structures.processing_result import ProcessingResultDetails
from sanmeasures.contract.structures.receipt import AnswerEDocHeader, EDocReceiptDetails
from sanmeasures.exchange.broker import Delivery
from sanmeasures.exchange.outbox import new_header, now, record_event, send_document
from sanmeasures.exchange.participants import Participant, UnknownParticipant
from sanmeasures.exchange.routing import SIGNALS, Flow, RoutingError, flow_of
from sanmeasures.exchange.transactions import TransactionParameters, parameters_for
from sanmeasures.storage.documents import record_document
from sanmeasures.storage.tables import deliveries, inbox

log = logging.getLogger(__name__)

ACCEPTED, REJECTED = "2", "3"  # SM.CLS.010 processing results
RECEIPT_CODE, RECEIPT_STRUCTURE = SIGNALS["receipt"]
RESULT_CODE, RESULT_STRUCTURE = SIGNALS["processing_result"]
SIGNAL_STRUCTURES = {RECEIPT_STRUCTURE, RESULT_STRUCTURE}


@dataclass(frozen=True)
class Received:
    """What the effect of a received document sees."""

    flow: Flow
    report: Report  # valid: ``report.document`` is the model
    sender: Participant
    me: Participant
    document_id: int | None
    known: tuple[Participant, ...] = ()  # every participant of the deployment (effects may send)
    decision_date: dt.date | None = None  # Rules §17: stated by the sender with its submission


class Refusal(Exception):
    """An effect refuses a valid document under a flow rule: the processing result becomes a rejection
    that names the rule, the item and the paragraph."""

    def __init__(
        self,
        rule: str,
        message_ru: str,
        message_en: str,
        *,
        item: str | None = None,
        paragraph: str | None = None,
    ) -> None:
        super().__init__(message_en)
        self.issue = Issue(
            stage="rule",
            rule=rule,
            message_ru=message_ru,
            message_en=message_en,
            xpath="/",
            item=item,
            paragraph=paragraph,
        )


#: The business effect of an accepted document: stores it in the common resources. A
#: :class:`Refusal` (or any other exception) turns the processing result into a rejection.
Effect = Callable[[AsyncConnection, Received], Awaitable[None]]


async def no_effect(_connection: AsyncConnection, _received: Received) -> None:
    return None


#: What an effect raises to refuse a document for good. Anything else (a database that is busy or
#: gone, a bug) is not the document's fault: the transaction is rolled back and the message is
#: delivered again, never rejected.
REFUSALS = (Refusal, ValueError, LookupError)


def effect_issue(exc: Exception, edoc_id: str | None) -> Issue:
    """The rejection a refusal (one of :data:`REFUSALS`) stands for."""
    if isinstance(exc, Refusal):
        return exc.issue
    log.info("document %s refused by its effect: %s", edoc_id, exc)
    return Issue(stage="rule", rule="effect", message_ru=str(exc), message_en=str(exc), xpath="/")


def routing_issue(message: str) -> Issue:
    return Issue(
        stage="rule", rule="routing", message_ru=message, message_en=message, xpath="/", paragraph="§6–8"
    )


@dataclass
class Receiver:
    engine: AsyncEngine
    me: Participant
    known: Iterable[Participant]
    effect: Effect = no_effect
    parameters: dict[str, TransactionParameters] | None = None  # per flow; default: the templates'
    after_commit: Callable[[], None] | None = None  # e.g. wake the relay: signals were queued

    async def handle(self, delivery: Delivery) -> None:
        envelope = delivery.envelope
        async with self.engine.begin() as connection:
            if envelope.structure in SIGNAL_STRUCTURES:
                await self._signal(connection, delivery)
            else:
                await self._business(connection, delivery)
        if self.after_commit is not None:
            self.after_commit()
        await delivery.ack()  # only after the commit: a crash before it means a redelivery, not a loss

    # --- business documents -------------------------------------------------------------------------
    async def _business(self, connection: AsyncConnection, delivery: Delivery) -> None:
        envelope = delivery.envelope
        held = (
            await connection.execute(
                sa.select(inbox).where(inbox.c.receiver == self.me.id, inbox.c.edoc_id == envelope.edoc_id)
            )
        ).first()
        if held is not None:
            # The sender did not get our signals in time and sent again: send the same signals again.
            await connection.execute(
                deliveries.update()
                .where(
                    deliveries.c.document_id.in_([held.receipt_document_id, held.result_document_id]),
                    deliveries.c.recipient == envelope.sender,
                )
                .values(state="queued", next_attempt_at=now(), updated_at=now())
            )
            return
        report = validate_document(delivery.body)
        issues = list(report.issues)
        document_id = None
        header = report.header  # None when the document could not be read: nothing to keep but the signals
        if header is not None and report.structure is not None:
            stored = await record_document(
                connection,
                data=delivery.body,
                header=header,
                structure_code=report.structure.code,
                direction="in",
                sender=envelope.sender,
                recipients=[self.me.id],
            )
            document_id = stored.id
        received = self._received(report, envelope.sender, document_id, issues) if not issues else None
        if received is not None:
            try:
                async with connection.begin_nested():
                    await self.effect(connection, received)
            except REFUSALS as exc:  # a flow rule or a store refused it: a rejection that names why
                issues.append(effect_issue(exc, envelope.edoc_id))
        outcome = "rejected" if issues else "accepted"
        if received is not None and not issues and received.flow.answers is not None:
            await self._answered(connection, received.flow, header, envelope.sender)
        receipt_id = await self._send_signal(connection, envelope.edoc_id, envelope.sender, receipt=True)
        result_id = await self._send_signal(connection, envelope.edoc_id, envelope.sender, issues=issues)
        await connection.execute(
            inbox.insert().values(
                receiver=self.me.id,
                edoc_id=envelope.edoc_id,
                document_id=document_id,
                sender=envelope.sender,
                outcome=outcome,
                receipt_document_id=receipt_id,
                result_document_id=result_id,
            )
        )

    def _received(
        self, report: Report, sender_id: str, document_id: int | None, issues: list[Issue]
    ) -> Received | None:
        """The flow of a valid document, checked as the sender's node checked it (a defence against a
        node that skipped its checks); None with an issue added when it does not hold."""
        header = report.header
        assert header is not None and report.structure is not None
        try:
            flow = flow_of(header.inf_envelope_code, report.structure.code)
            sender = Participant.parse(sender_id)
            if sender.role not in flow.senders:
                raise RoutingError(f"{sender.id} may not send {flow.name} ({flow.paragraphs})")
        except (RoutingError, UnknownParticipant) as exc:
            issues.append(routing_issue(str(exc)))
            return None
        return Received(flow, report, sender, self.me, document_id, tuple(self.known))

    async def _send_signal(
        self,
        connection: AsyncConnection,
        answered: str,
        to: str,
        *,
        receipt: bool = False,
        issues: list[Issue] = (),
    ) -> int:
        if receipt:
            receipt_header = new_header(AnswerEDocHeader, RECEIPT_CODE, RECEIPT_STRUCTURE, answers=answered)
            document: Any = EDocReceiptDetails(
                e_doc_header=receipt_header,
                event_date_time=receipt_header.e_doc_date_time,
                receiving_participant_id=self.me.id,
            )
        else:
            header = new_header(EDocHeader, RESULT_CODE, RESULT_STRUCTURE, answers=answered)
            text = "; ".join(issue.one_line() for issue in issues)[:4000] or None
            document = ProcessingResultDetails(
                e_doc_header=header,
                event_date_time=header.e_doc_date_time,
                processing_result_v2_code=REJECTED if issues else ACCEPTED,
                description_text=text,
            )
        queued = await send_document(
            connection, document, flow=signal_flow(receipt), sender=self.me, known=self.known, recipients=[to]
        )
        return queued.document_id

    # --- signals back ---------------------------------------------------------------------------------
    async def _signal(self, connection: AsyncConnection, delivery: Delivery) -> None:
        report = validate_document(delivery.body)
        if not report.ok or report.header is None or report.structure is None:
            log.warning("unreadable signal %s from %s", delivery.envelope.edoc_id, delivery.envelope.sender)
            return
        await record_document(
            connection,
            data=delivery.body,
            header=report.header,
            structure_code=report.structure.code,
            direction="in",
            sender=delivery.envelope.sender,
            recipients=[self.me.id],
        )
        await self._settle(
            connection,
            edoc_id=report.header.e_doc_ref_id,
            recipient=delivery.envelope.sender,
            signal=report.header.e_doc_id,
            document=report.document,
            receipt=report.structure.code == RECEIPT_STRUCTURE,
        )

    async def _settle(
        self,
        connection: AsyncConnection,
        *,
        edoc_id: str | None,
        recipient: str,
        signal: str,
        document: Any,
        receipt: bool,
    ) -> None:
        """Move this node's delivery of ``edoc_id`` to ``recipient`` on. The update is conditional on the
        state it moves from, in one statement: a receipt and a result handled at the same time (or a
        result overtaking its receipt) never move a delivery backwards."""
        target = (
            await connection.execute(
                sa.select(deliveries.c.id, deliveries.c.flow).where(
                    deliveries.c.edoc_id == edoc_id, deliveries.c.recipient == recipient
                )
            )
        ).first()
        if target is None:
            return
        parameters = parameters_for(target.flow, self.parameters)
        detail: dict[str, Any] = {}
        deadline = None
        if receipt:
            state, earlier = "received", ("queued", "sent")
            if parameters is not None:
                deadline = now() + parameters.time_to_result  # now the processing result is awaited
        else:
            state = "accepted" if document.processing_result_v2_code == ACCEPTED else "rejected"
            earlier = ("queued", "sent", "received")
            if document.description_text:
                detail["errors"] = document.description_text
            if state == "accepted" and parameters is not None and parameters.time_to_answer is not None:
                deadline = now() + parameters.time_to_answer  # a request now awaits its answer
        moved = await connection.execute(
            deliveries.update()
            .where(deliveries.c.id == target.id, deliveries.c.state.in_(earlier))
            .values(state=state, deadline_at=deadline, updated_at=now(), last_error=detail.get("errors"))
        )
        if moved.rowcount:
            await record_event(connection, target.id, state, signal=signal, **detail)

    async def _answered(self, connection: AsyncConnection, flow: Flow, header: Any, responder: str) -> None:
        """An accepted answer settles this node's request to its responder: "answered"."""
        moved = await connection.execute(
            deliveries.update()
            .where(
                deliveries.c.edoc_id == header.e_doc_ref_id,
                deliveries.c.recipient == responder,
                deliveries.c.flow == flow.answers,
                deliveries.c.state.in_(("queued", "sent", "received", "accepted")),
            )
            .values(state="answered", deadline_at=None, updated_at=now())
            .returning(deliveries.c.id)
        )
        for (delivery_id,) in moved.all():
            await record_event(connection, delivery_id, "answered", answer=header.e_doc_id)


def signal_flow(receipt: bool) -> Flow:
    """Signals travel through the outbox like any message but expect no signals themselves."""
    code, structure = (RECEIPT_CODE, RECEIPT_STRUCTURE) if receipt else (RESULT_CODE, RESULT_STRUCTURE)
    return Flow(
        f"signal.{'receipt' if receipt else 'processing_result'}",
        code,
        structure,
        "notification",
        frozenset({"authority", "supervisory", "commission"}),
        (),
        "DESIGN.md",
        "a signal to the sender",
    )
