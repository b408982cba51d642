"""Sending: the transactional outbox and its relay.

``enqueue`` writes the document and one delivery per recipient in the caller's transaction — the
same one as the business change — so a message exists exactly when its cause does. The relay
publishes due deliveries with confirms and marks them sent; a delivery whose signal does not come
in time is sent again with the same EDocId, ``repeats`` times, then recorded as failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.pipeline import encode
from sanmeasures.contract.structures.receipt import AnswerEDocHeader
from sanmeasures.exchange.broker import Broker, PublishFailed
from sanmeasures.exchange.confidentiality import ConfidentialityPolicy, withhold
from sanmeasures.exchange.envelope import Envelope
from sanmeasures.exchange.participants import Participant
from sanmeasures.exchange.routing import Flow, RoutingError, flow_of
from sanmeasures.exchange.transactions import TransactionParameters, parameters_for
from sanmeasures.storage.documents import record_document
from sanmeasures.storage.tables import deliveries, delivery_events, documents

log = logging.getLogger(__name__)
H = TypeVar("H", EDocHeader, AnswerEDocHeader)

#: A publish that failed is tried again after this long (the broker may be restarting).
RETRY_AFTER = dt.timedelta(seconds=2)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def record_event(connection: AsyncConnection, delivery_id: int, state: str, **detail: Any) -> None:
    await connection.execute(
        delivery_events.insert().values(delivery_id=delivery_id, state=state, detail=detail)
    )


async def requester_of(connection: AsyncConnection, header: EDocHeader) -> str:
    """Answers and signals go back to whoever sent the document they refer to (EDocRefId)."""
    sender = (
        await connection.execute(
            sa.select(documents.c.sender).where(documents.c.edoc_id == header.e_doc_ref_id)
        )
    ).scalar()
    if sender is None:
        raise RoutingError(f"the answered document {header.e_doc_ref_id} is not held here")
    return sender


async def enqueue(
    connection: AsyncConnection,
    *,
    data: bytes,
    document: Any,
    structure_code: str,
    sender: Participant,
    known: Iterable[Participant],
    recipients: list[str] | None = None,
    flow: Flow | None = None,
    confidentiality: ConfidentialityPolicy | None = None,
) -> Enqueued:
    """Store an outgoing document and queue one delivery per recipient.

    In the §36–38 exchanges the items of ``confidentiality`` are withheld first (Rules §39): what is
    stored and sent is the document without them, and the queued events name what was withheld.
    """
    header: EDocHeader = document.e_doc_header
    flow = flow or flow_of(header.inf_envelope_code, header.e_doc_code)
    if recipients is None:
        recipients = flow.route(sender, document, known)  # routed on the whole document (§38: item 7.5)
        if flow.template == "response":
            recipients = sorted({*recipients, await requester_of(connection, header)})
    if not recipients:
        raise RoutingError(f"{flow.name}: no recipient for {header.e_doc_id}")
    withheld: tuple[str, ...] = ()
    if flow.confidential_exchange and confidentiality is not None:
        stripped = withhold(document, confidentiality)
        if stripped.items:
            document, withheld, data = stripped.document, stripped.items, encode(stripped.document)
    stored = await record_document(
        connection,
        data=data,
        header=header,
        structure_code=structure_code,
        direction="out",
        sender=sender.id,
        recipients=recipients,
    )
    created: list[int] = []
    for recipient in recipients:
        row = await connection.execute(
            deliveries.insert()
            .values(
                edoc_id=header.e_doc_id,
                recipient=recipient,
                flow=flow.name,
                message_code=flow.message_code,
                document_id=stored.id,
                state="queued",
                next_attempt_at=now(),
            )
            .returning(deliveries.c.id)
        )
        delivery_id = row.scalar_one()
        detail = {"withheld": list(withheld)} if withheld else {}
        await record_event(connection, delivery_id, "queued", recipient=recipient, **detail)
        created.append(delivery_id)
    return Enqueued(stored.id, created)


def new_header(kind: type[H], message_code: str, structure: str, *, answers: str | None = None) -> H:
    """The header of a document the node writes itself: a new EDocId, now, in Russian; ``answers`` is
    the EDocId it answers (csdo:EDocRefId)."""
    return kind(
        inf_envelope_code=message_code,
        e_doc_code=structure,
        e_doc_id=str(uuid.uuid4()),
        e_doc_ref_id=answers,
        e_doc_date_time=now().replace(microsecond=0),
        language_code="ru",
    )


async def send_document(
    connection: AsyncConnection,
    document: Any,
    *,
    flow: Flow,
    sender: Participant,
    known: Iterable[Participant],
    recipients: list[str] | None = None,
) -> Enqueued:
    """Queue a document the node writes itself (an automatic answer, a signal, a registry change)."""
    return await enqueue(
        connection,
        data=encode(document, pretty=False),
        document=document,
        structure_code=flow.structure,
        sender=sender,
        known=known,
        recipients=recipients,
        flow=flow,
    )


@dataclass(frozen=True)
class Enqueued:
    document_id: int
    delivery_ids: list[int]


@dataclass
class Relay:
    """Publishes the due deliveries of the participants a node hosts (``senders``); run it as a
    background task (``run``) or step by step."""

    engine: AsyncEngine
    broker: Broker
    senders: tuple[str, ...]
    parameters: dict[str, TransactionParameters] | None = None  # per flow; default: the templates'
    batch: int = 200
    _wake: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)

    async def step(self) -> int:
        """Publish what is due and time out what waited too long; returns how many were published."""
        moment = now()
        columns = (
            deliveries,
            documents.c.xml,
            documents.c.edoc_ref_id,
            documents.c.structure_code,
            documents.c.sender,
        )
        # Two indexed looks rather than one OR: what is queued, and what waited past its deadline (a
        # signal, or a request's answer, that did not come in time).
        conditions = (
            sa.and_(deliveries.c.state == "queued", deliveries.c.next_attempt_at <= moment),
            sa.and_(
                deliveries.c.deadline_at <= moment, deliveries.c.state.in_(("sent", "received", "accepted"))
            ),
        )
        due = []
        async with self.engine.connect() as connection:
            for condition in conditions:
                due += (
                    await connection.execute(
                        sa.select(*columns)
                        .join(documents, documents.c.id == deliveries.c.document_id)
                        .where(condition, documents.c.sender.in_(self.senders))  # this node's own messages
                        .order_by(deliveries.c.id)
                        .limit(self.batch)
                    )
                ).all()
        if not due:
            return 0
        to_publish = []
        async with self.engine.begin() as connection:
            for row in due:
                parameters = parameters_for(row.flow, self.parameters)
                if row.state == "accepted":
                    await self._answer_overdue(connection, row.id)
                elif row.state != "queued" and parameters is not None and row.attempts > parameters.repeats:
                    missing = "receipt" if row.state == "sent" else "processing result"
                    error = f"no {missing} after every repeat"
                    await self._mark(connection, row, "failed", error=error)
                else:
                    to_publish.append((row, parameters))
        if not to_publish:
            return 0
        # Publishes of one batch go out together: the broker confirms them in parallel. A task group, not
        # gather: if the relay is cancelled, every publish is cancelled and awaited before it stops.
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(self._publish(row)) for row, _ in to_publish]
        outcomes = [task.result() for task in tasks]
        async with self.engine.begin() as connection:
            for (row, parameters), failure in zip(to_publish, outcomes, strict=True):
                if failure is not None:
                    await connection.execute(
                        deliveries.update()
                        .where(deliveries.c.id == row.id)
                        .values(next_attempt_at=now() + RETRY_AFTER, last_error=failure, updated_at=now())
                    )
                    continue
                deadline = now() + parameters.time_to_receipt if parameters is not None else None
                await self._mark(connection, row, "sent", attempts=row.attempts + 1, deadline=deadline)
        return sum(1 for failure in outcomes if failure is None)

    async def _publish(self, row: Any) -> str | None:
        """Publish one delivery; the reason it failed, or None."""
        envelope = Envelope(
            row.edoc_id,
            row.edoc_ref_id,
            row.message_code,
            row.structure_code,
            row.sender,
            row.recipient,
            now(),
        )
        try:
            await self.broker.publish(envelope, bytes(row.xml))
        except PublishFailed as exc:
            return str(exc)
        return None

    async def _answer_overdue(self, connection: AsyncConnection, delivery_id: int) -> None:
        """A request accepted but not answered in time stays accepted (it was delivered), flagged."""
        error = "no answer within the time to answer"
        updated = await connection.execute(
            deliveries.update()
            .where(deliveries.c.id == delivery_id, deliveries.c.state == "accepted")
            .values(deadline_at=None, last_error=error, updated_at=now())
        )
        if updated.rowcount:
            await record_event(connection, delivery_id, "overdue", error=error)

    async def _mark(
        self,
        connection: AsyncConnection,
        row: Any,
        state: str,
        *,
        attempts: int | None = None,
        deadline: dt.datetime | None = None,
        error: str | None = None,
    ) -> None:
        """Move a delivery on from the state it was read in. A fast recipient's signals may have moved it
        on while the publish was being confirmed: the new state then does not overwrite theirs (only
        the attempt is counted)."""
        values: dict[str, Any] = {"state": state, "updated_at": now(), "deadline_at": deadline}
        if error is not None:
            values["last_error"] = error
        if attempts is not None:
            await connection.execute(
                deliveries.update().where(deliveries.c.id == row.id).values(attempts=attempts)
            )
        updated = await connection.execute(
            deliveries.update()
            .where(deliveries.c.id == row.id, deliveries.c.state == row.state)
            .values(**values)
        )
        if updated.rowcount:
            await record_event(connection, row.id, state, attempt=attempts, error=error)

    def wake(self) -> None:
        """Something was queued in this process: look now rather than at the next poll."""
        self._wake.set()

    async def run(self, idle_seconds: float = 0.2) -> None:
        """Publish until cancelled; between steps wait for :meth:`wake` or ``idle_seconds`` (what other
        processes queue, and deadlines passing, are found by polling)."""
        while True:
            self._wake.clear()
            try:
                if await self.step():
                    continue
            except Exception:  # a database or broker hiccup must not stop the relay; it is logged
                log.exception("relay step failed; retrying")
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation that
            # coincides with its timeout, and the relay would never stop.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(idle_seconds):
                    await self._wake.wait()
