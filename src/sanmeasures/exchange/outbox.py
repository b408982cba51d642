"""Sending: the transactional outbox and its relay.

``enqueue`` writes the document and one delivery per recipient in the caller's transaction — the
same one as the business change — so a message exists exactly when its cause does. The relay
publishes due deliveries with confirms and marks them sent; a delivery whose signal does not come
in time is sent again with the same EDocId, ``repeats`` times, then recorded as failed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sanmeasures.contract.header import EDocHeader
from sanmeasures.exchange.broker import Broker, PublishFailed
from sanmeasures.exchange.envelope import Envelope
from sanmeasures.exchange.participants import Participant
from sanmeasures.exchange.routing import BY_NAME, Flow, RoutingError, flow_of
from sanmeasures.exchange.transactions import TransactionParameters, parameters_of
from sanmeasures.storage.documents import record_document
from sanmeasures.storage.tables import deliveries, delivery_events, documents

log = logging.getLogger(__name__)

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
) -> Enqueued:
    """Store an outgoing document and queue one delivery per recipient."""
    header: EDocHeader = document.e_doc_header
    flow = flow or flow_of(header.inf_envelope_code, header.e_doc_code)
    if recipients is None:
        recipients = flow.route(sender, document, known)
        if flow.template == "response":
            recipients = sorted({*recipients, await requester_of(connection, header)})
    if not recipients:
        raise RoutingError(f"{flow.name}: no recipient for {header.e_doc_id}")
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
        await record_event(connection, delivery_id, "queued", recipient=recipient)
        created.append(delivery_id)
    return Enqueued(stored.id, created)


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

    def _parameters(self, flow_name: str) -> TransactionParameters | None:
        """None for signals: they expect no signals back, so they are never re-sent."""
        if self.parameters and flow_name in self.parameters:
            return self.parameters[flow_name]
        flow = BY_NAME.get(flow_name)
        return parameters_of(flow) if flow is not None else None

    async def step(self) -> int:
        """Publish what is due and time out what waited too long; returns how many were published."""
        moment = now()
        async with self.engine.connect() as connection:
            due = (
                await connection.execute(
                    sa.select(
                        deliveries,
                        documents.c.xml,
                        documents.c.edoc_ref_id,
                        documents.c.structure_code,
                        documents.c.sender,
                    )
                    .join(documents, documents.c.id == deliveries.c.document_id)
                    .where(
                        documents.c.sender.in_(self.senders),  # this node's own messages only
                        sa.or_(
                            sa.and_(deliveries.c.state == "queued", deliveries.c.next_attempt_at <= moment),
                            sa.and_(deliveries.c.state == "sent", deliveries.c.deadline_at <= moment),
                        ),
                    )
                    .order_by(deliveries.c.id)
                    .limit(self.batch)
                )
            ).all()
        published = 0
        for row in due:
            parameters = self._parameters(row.flow)
            if row.state == "sent" and parameters is not None and row.attempts > parameters.repeats:
                await self._mark(row.id, "failed", error="no receipt after every repeat")
                continue
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
                async with self.engine.begin() as connection:
                    await connection.execute(
                        deliveries.update()
                        .where(deliveries.c.id == row.id)
                        .values(next_attempt_at=now() + RETRY_AFTER, last_error=str(exc), updated_at=now())
                    )
                continue
            deadline = now() + parameters.time_to_receipt if parameters is not None else None
            await self._mark(row.id, "sent", attempts=row.attempts + 1, deadline=deadline)
            published += 1
        return published

    async def _mark(
        self,
        delivery_id: int,
        state: str,
        *,
        attempts: int | None = None,
        deadline: dt.datetime | None = None,
        error: str | None = None,
    ) -> None:
        values: dict[str, Any] = {"state": state, "updated_at": now(), "deadline_at": deadline}
        if attempts is not None:
            values["attempts"] = attempts
        if error is not None:
            values["last_error"] = error
        condition = deliveries.c.id == delivery_id
        if state == "sent":
            # A fast recipient's signals may already have moved the delivery on while the publish
            # was being confirmed: "sent" never overwrites a later state.
            condition = sa.and_(condition, deliveries.c.state.in_(["queued", "sent"]))
        async with self.engine.begin() as connection:
            updated = await connection.execute(deliveries.update().where(condition).values(**values))
            if updated.rowcount:
                await record_event(connection, delivery_id, state, attempt=attempts, error=error)

    async def run(self, idle_seconds: float = 0.2) -> None:
        while True:
            try:
                if await self.step():
                    continue
            except Exception:  # a database or broker hiccup must not stop the relay; it is logged
                log.exception("relay step failed; retrying")
            await asyncio.sleep(idle_seconds)
