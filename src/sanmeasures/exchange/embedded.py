"""The embedded broker: the same interface as RabbitMQ, its queues kept in the node's database.

For the one-process default (SQLite): a published copy is a row of ``broker_messages`` committed
before ``publish`` returns (the confirm), so a restart of the process loses nothing. A consumer
claims the oldest ready row of its queue, hands it to the handler and deletes it on ack. A handler
failure makes it ready again; past the delivery limit, or when dead-lettered, it stays as ``dead``
with the reason. Rows a crash left ``unacked`` are made ready again at start.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.exchange.broker import Delivery, Handler, PublishFailed
from sanmeasures.exchange.envelope import Envelope, EnvelopeError
from sanmeasures.exchange.topology import DELIVERY_LIMIT, routing_key
from sanmeasures.storage.tables import broker_messages

#: A consumer that found nothing waits this long before looking again (a publish wakes it at once).
log = logging.getLogger(__name__)
POLL_SECONDS = 0.5


class EmbeddedBroker:
    def __init__(
        self, engine: AsyncEngine, participants: Iterable[str], *, delivery_limit: int = DELIVERY_LIMIT
    ):
        self.engine = engine
        self.participants = frozenset(participants)
        self.delivery_limit = delivery_limit
        self._wake: dict[str, asyncio.Event] = {}
        self._consumers: dict[str, asyncio.Task[None]] = {}
        self._closing = False

    async def start(self) -> None:
        # A process that died mid-processing left rows claimed but never settled: deliver them again.
        async with self.engine.begin() as connection:
            await connection.execute(
                broker_messages.update().where(broker_messages.c.state == "unacked").values(state="ready")
            )

    async def publish(self, envelope: Envelope, body: bytes) -> None:
        if envelope.recipient not in self.participants:
            raise PublishFailed(f"no queue for {envelope.recipient}: the message would be unroutable")
        headers: dict[str, Any] = {
            **envelope.headers(),
            "message-id": envelope.edoc_id,
            "correlation-id": envelope.correlation_id,
        }
        try:
            async with self.engine.begin() as connection:
                await connection.execute(
                    broker_messages.insert().values(
                        queue=envelope.recipient,
                        routing_key=routing_key(envelope.message_code, envelope.recipient),
                        headers=headers,
                        body=body,
                        state="ready",
                    )
                )
        except sa.exc.SQLAlchemyError as exc:
            raise PublishFailed(f"the embedded queue did not take the message: {exc}") from exc
        self._event(envelope.recipient).set()

    async def consume(self, participant: str, handler: Handler) -> None:
        if participant not in self.participants:
            raise PublishFailed(f"no queue for {participant}")
        self._consumers[participant] = asyncio.create_task(self._run(participant, handler))

    async def healthy(self) -> bool:
        if self._closing:
            return False
        try:
            async with self.engine.connect() as connection:
                await connection.execute(sa.select(1))
        except sa.exc.SQLAlchemyError:
            return False
        return all(not task.done() for task in self._consumers.values())

    async def close(self) -> None:
        self._closing = True
        for task in self._consumers.values():
            task.cancel()
        for task in self._consumers.values():
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._consumers.clear()

    async def dead_letters(self, participant: str, limit: int = 100) -> list[dict[str, Any]]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                sa.select(broker_messages)
                .where(broker_messages.c.queue == participant, broker_messages.c.state == "dead")
                .order_by(broker_messages.c.id)
                .limit(limit)
            )
            return [dict(row._mapping) for row in rows]

    # --- consumer loop ----------------------------------------------------------------------------
    def _event(self, participant: str) -> asyncio.Event:
        return self._wake.setdefault(participant, asyncio.Event())

    async def _run(self, participant: str, handler: Handler) -> None:
        wake = self._event(participant)
        while not self._closing:
            try:
                claimed = await self._claim(participant)
            except sa.exc.SQLAlchemyError as exc:  # a busy or restarting database must not stop the consumer
                log.warning("could not claim a message for %s (%s); trying again", participant, exc)
                await asyncio.sleep(POLL_SECONDS)
                continue
            if claimed is None:
                wake.clear()
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancellation.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(POLL_SECONDS):
                        await wake.wait()
                continue
            await self._deliver(claimed, handler)

    async def _claim(self, participant: str) -> Any:
        async with self.engine.begin() as connection:
            row = (
                await connection.execute(
                    sa.select(broker_messages)
                    .where(broker_messages.c.queue == participant, broker_messages.c.state == "ready")
                    .order_by(broker_messages.c.id)
                    .limit(1)
                    .with_for_update(skip_locked=True)
                )
            ).first()
            if row is None:
                return None
            await connection.execute(
                broker_messages.update()
                .where(broker_messages.c.id == row.id)
                .values(state="unacked", delivery_count=row.delivery_count + 1)
            )
            return row

    async def _deliver(self, row: Any, handler: Handler) -> None:
        settled = False

        async def settle(outcome: str, reason: str | None) -> None:
            nonlocal settled
            settled = True
            await self._settle(row.id, outcome, reason)

        headers = dict(row.headers)
        try:
            envelope = Envelope.from_message(
                headers.get("message-id"), headers.get("correlation-id"), headers
            )
        except EnvelopeError as exc:
            await self._settle(row.id, "dead", str(exc))
            return
        delivery = Delivery(envelope, bytes(row.body), redelivered=row.delivery_count > 0, settle=settle)
        try:
            await handler(delivery)
        except Exception as exc:  # the handler failed: deliver again, up to the limit
            log.warning(
                "handler failed on %s for %s (%s); it will be delivered again",
                envelope.edoc_id,
                row.queue,
                exc,
            )
            if not settled:
                if row.delivery_count + 1 >= self.delivery_limit:
                    await self._settle(row.id, "dead", f"delivery_limit: {type(exc).__name__}: {exc}")
                else:
                    await self._settle(row.id, "ready", None)
            return
        if not settled:
            await self._settle(row.id, "ready", None)  # never settled: treat as not processed

    async def _settle(self, row_id: int, outcome: str, reason: str | None) -> None:
        async with self.engine.begin() as connection:
            if outcome == "ack":
                await connection.execute(broker_messages.delete().where(broker_messages.c.id == row_id))
            elif outcome == "dead":
                await connection.execute(
                    broker_messages.update()
                    .where(broker_messages.c.id == row_id)
                    .values(state="dead", dead_reason=reason)
                )
            else:
                await connection.execute(
                    broker_messages.update().where(broker_messages.c.id == row_id).values(state="ready")
                )
