"""The RabbitMQ broker (aio-pika): the production implementation of :class:`Broker`.

- Topology (``topology.py``) declared at start-up, idempotently, exactly as
  ``deploy/rabbitmq/definitions.json``: a declaration whose arguments differ from an existing queue
  fails loudly (PRECONDITION_FAILED) instead of running on a different topology.
- Publishing: one channel with publisher confirms, persistent messages, ``mandatory`` with returns
  raising, a timeout around every publish. :meth:`RabbitMqBroker.publish` returns only after the
  broker's ``basic.ack``; anything else (return, nack, timeout, closed connection) is
  :class:`PublishFailed`. Copies of one document share its EDocId as AMQP message id and aiormq
  matches a ``basic.return`` to its publish by message id, so publishes of one message id are
  serialised (copies of different documents still go in parallel).
- Consuming: one channel per consumer with its own prefetch. A handler exception nacks with requeue
  after a pause that doubles with each delivery (``retry_delay``); the quorum queue's
  ``x-delivery-limit`` dead-letters a message that keeps failing (RabbitMQ records ``x-death`` reason
  ``delivery_limit``).
- Dead-lettering with a reason: RabbitMQ would record only ``rejected`` for a rejected message, so the
  broker publishes a copy carrying an ``x-dead-reason`` header straight to the dead-letter exchange
  (routing key = participant, the same path the queue's own dead-lettering takes), waits for its
  confirm, then acks the original. If that copy cannot be published the original is rejected without
  requeue and still reaches the dead-letter queue through the DLX (reason ``rejected``). A connection
  lost between the copy's confirm and the ack can leave two copies in the dead-letter queue, never none.
- Reconnect: ``connect_robust`` re-opens the channels, re-declares the topology and restores the
  consumers. :meth:`RabbitMqBroker.healthy` checks the connection, the channels, that every consumer
  tag is registered on its channel, and asks the broker (passive declare on a throw-away channel)
  that every consumed queue has a consumer, so a consumer that did not come back is noticed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import aio_pika
import aiormq
from aio_pika.abc import (
    AbstractExchange,
    AbstractIncomingMessage,
    AbstractQueue,
    AbstractRobustChannel,
    ConsumerTag,
)
from aio_pika.exceptions import DeliveryError, PublishError
from pamqp.commands import Basic

from sanmeasures.exchange import topology
from sanmeasures.exchange.broker import Delivery, Handler, PublishFailed
from sanmeasures.exchange.envelope import Envelope, EnvelopeError

log = logging.getLogger(__name__)

CONTENT_TYPE = "application/xml"
#: Header of a dead-lettered copy: why it can never be processed.
DEAD_REASON_HEADER = "x-dead-reason"
#: Header of a replayed message: how many times it was taken back from the dead-letter queue.
REPLAYED_HEADER = "x-replayed"
_DEAD_HEADERS = ("x-death", "x-first-death-reason", "x-first-death-queue", "x-first-death-exchange")
_MAX_REASON = 1000
_MAX_BACKOFF = 30.0


@dataclass(frozen=True)
class DeadLetter:
    """One message of a participant's dead-letter queue, as read by :meth:`RabbitMqBroker.dead_letters`."""

    message_id: str | None
    envelope: Envelope | None  # None when the envelope itself was the problem
    body: bytes
    reason: str
    headers: dict[str, Any]


@dataclass
class _Consumer:
    participant: str
    channel: AbstractRobustChannel
    queue: AbstractQueue
    tag: ConsumerTag


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def dead_reason(headers: dict[str, Any]) -> str:
    """Why a message was dead-lettered: our ``x-dead-reason``, else what RabbitMQ recorded."""
    if headers.get(DEAD_REASON_HEADER):
        return _text(headers[DEAD_REASON_HEADER])
    if headers.get("x-first-death-reason"):
        return _text(headers["x-first-death-reason"])
    deaths = headers.get("x-death")
    if isinstance(deaths, list | tuple) and deaths and isinstance(deaths[0], dict):
        return _text(deaths[0].get("reason", "unknown"))
    return "unknown"


class RabbitMqBroker:
    """:class:`~sanmeasures.exchange.broker.Broker` on RabbitMQ through aio-pika.

    ``namespace`` prefixes every exchange and queue name (not routing keys): ``""`` gives the
    production names of ``topology.py``; tests use a unique prefix to stay apart.
    """

    def __init__(
        self,
        url: str,
        participants: Iterable[str],
        *,
        publish_timeout: float = 10.0,
        prefetch: int = 50,
        namespace: str = "",
        reconnect_interval: float = 5.0,
        health_timeout: float = 5.0,
        retry_delay: float = 0.5,
    ) -> None:
        self._url = url
        self._participants = tuple(dict.fromkeys(participants))
        self._publish_timeout = publish_timeout
        self._prefetch = prefetch
        self._namespace = namespace
        self._reconnect_interval = reconnect_interval
        self._health_timeout = health_timeout
        self._retry_delay = retry_delay
        self._connection: aio_pika.RobustConnection | None = None
        self._publish_channel: AbstractRobustChannel | None = None
        self._business: AbstractExchange | None = None
        self._dead: AbstractExchange | None = None
        self._declared: set[str] = set()
        self._consumers: list[_Consumer] = []
        self._inflight: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    # --- names -----------------------------------------------------------------------------------

    @property
    def business_exchange(self) -> str:
        return self._namespace + topology.BUSINESS_EXCHANGE

    @property
    def dead_letter_exchange(self) -> str:
        return self._namespace + topology.DEAD_LETTER_EXCHANGE

    def queue_name(self, participant: str) -> str:
        return self._namespace + topology.queue_name(participant)

    def dead_letter_queue_name(self, participant: str) -> str:
        return self._namespace + topology.dead_letter_queue_name(participant)

    def queue_arguments(self, participant: str) -> dict[str, Any]:
        return {**topology.queue_arguments(participant), "x-dead-letter-exchange": self.dead_letter_exchange}

    # --- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        """Connect (robustly) and declare the exchanges and every participant's queues."""
        self._connection = await aio_pika.connect_robust(
            self._url,
            reconnect_interval=self._reconnect_interval,
            client_properties={"connection_name": f"sanmeasures {self._namespace}".strip()},
            connection_class=aio_pika.RobustConnection,
        )
        # Topology is declared on the publishing channel: after a reconnect aio-pika re-declares it
        # there before that channel publishes again.
        channel = await self._connection.channel(publisher_confirms=True, on_return_raises=True)
        self._publish_channel = channel
        self._business = await channel.declare_exchange(
            self.business_exchange, aio_pika.ExchangeType.TOPIC, durable=True
        )
        self._dead = await channel.declare_exchange(
            self.dead_letter_exchange, aio_pika.ExchangeType.DIRECT, durable=True
        )
        for participant in self._participants:
            await self._declare_participant(participant)

    async def _declare_participant(self, participant: str) -> None:
        if participant in self._declared:
            return
        channel, business, dead = self._require()
        inbound = await channel.declare_queue(
            self.queue_name(participant), durable=True, arguments=self.queue_arguments(participant)
        )
        await inbound.bind(business, topology.binding_key(participant))
        dead_queue = await channel.declare_queue(
            self.dead_letter_queue_name(participant), durable=True, arguments={"x-queue-type": "quorum"}
        )
        await dead_queue.bind(dead, participant)
        self._declared.add(participant)

    def _require(self) -> tuple[AbstractRobustChannel, AbstractExchange, AbstractExchange]:
        if self._publish_channel is None or self._business is None or self._dead is None:
            raise RuntimeError("RabbitMqBroker.start() was not called")
        return self._publish_channel, self._business, self._dead

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        self._consumers.clear()
        self._publish_channel = self._business = self._dead = None
        self._declared.clear()
        if connection is not None:
            await connection.close()

    # --- publishing ------------------------------------------------------------------------------

    async def publish(self, envelope: Envelope, body: bytes) -> None:
        """Publish one copy to ``envelope.recipient``; return only once the broker confirmed it."""
        _channel, business, _dead = self._require()
        message = aio_pika.Message(
            body,
            message_id=envelope.edoc_id,
            correlation_id=envelope.correlation_id,
            headers=envelope.headers(),
            content_type=CONTENT_TYPE,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            timestamp=envelope.sent_at,
            type=envelope.message_code,
        )
        await self._confirmed(
            business, message, topology.routing_key(envelope.message_code, envelope.recipient)
        )

    @contextlib.asynccontextmanager
    async def _one_at_a_time(self, message_id: str) -> AsyncIterator[None]:
        lock, users = self._inflight.setdefault(message_id, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if not users[0]:
                del self._inflight[message_id]

    async def _confirmed(self, exchange: AbstractExchange, message: aio_pika.Message, key: str) -> None:
        """Publish with ``mandatory``; raise :class:`PublishFailed` unless the broker acked it in time."""
        channel = self._publish_channel
        if channel is None:
            raise PublishFailed("broker not started")
        where = f"{exchange.name!r} key {key!r}"
        try:
            async with asyncio.timeout(self._publish_timeout), self._one_at_a_time(message.message_id or ""):
                await channel.ready()  # waits out a reconnect in progress, within the timeout
                result = await exchange.publish(message, key, mandatory=True)
        except PublishError as exc:
            raise PublishFailed(f"unroutable: no queue bound for {where}") from exc
        except DeliveryError as exc:
            raise PublishFailed(f"refused by the broker (nack) for {where}") from exc
        except TimeoutError as exc:
            raise PublishFailed(f"no confirm within {self._publish_timeout}s for {where}") from exc
        except Exception as exc:  # closed connection or channel, protocol errors …
            raise PublishFailed(f"publish failed for {where}: {exc!r}") from exc
        if not isinstance(result, Basic.Ack):  # never report success without the broker's ack
            raise PublishFailed(f"not confirmed for {where}: {result!r}")

    # --- consuming -------------------------------------------------------------------------------

    async def consume(self, participant: str, handler: Handler) -> None:
        """Start delivering the participant's queue to ``handler`` (returns once consuming)."""
        connection = self._connection
        if connection is None:
            raise RuntimeError("RabbitMqBroker.start() was not called")
        await self._declare_participant(participant)
        channel = await connection.channel(publisher_confirms=False)
        await channel.set_qos(prefetch_count=self._prefetch)
        queue = await channel.declare_queue(
            self.queue_name(participant), durable=True, arguments=self.queue_arguments(participant)
        )

        async def on_message(message: AbstractIncomingMessage) -> None:
            await self._deliver(participant, message, handler)

        tag = await queue.consume(on_message)
        self._consumers.append(_Consumer(participant, channel, queue, tag))

    async def _deliver(self, participant: str, message: AbstractIncomingMessage, handler: Handler) -> None:
        try:
            envelope = Envelope.from_message(
                message.message_id, message.correlation_id, dict(message.headers)
            )
        except EnvelopeError as exc:
            log.warning("dead-lettering %s from %s: %s", message.message_id, participant, exc)
            await self._dead_letter(participant, message, str(exc))
            return

        settled = False

        async def settle(action: str, reason: str | None) -> None:
            nonlocal settled
            if settled:
                raise RuntimeError(f"delivery {envelope.edoc_id} settled twice")
            if action not in ("ack", "dead"):
                raise ValueError(f"unknown settlement {action!r}")
            settled = True
            if action == "ack":
                await self._settle_safely(message.ack, "ack", message)
            else:
                await self._dead_letter(participant, message, reason or "dead-lettered by the handler")

        delivery = Delivery(
            envelope=envelope, body=message.body, redelivered=bool(message.redelivered), settle=settle
        )
        try:
            await handler(delivery)
        except Exception:
            log.exception(
                "handler failed on %s for %s; it will be delivered again", envelope.edoc_id, participant
            )
            if not settled:
                settled = True
                await asyncio.sleep(self._backoff(message))
                await self._settle_safely(lambda: message.nack(requeue=True), "nack", message)
            return
        if not settled:
            log.warning("handler left %s unsettled; it will be delivered again", envelope.edoc_id)
            settled = True
            await self._settle_safely(lambda: message.nack(requeue=True), "nack", message)

    def _backoff(self, message: AbstractIncomingMessage) -> float:
        """Pause before handing a failed message back: without it a short outage (the database down
        for a second) would burn the whole delivery limit at once and dead-letter good messages.
        Doubles with the quorum queue's ``x-delivery-count``: 0.5 s … 30 s, about 2.5 min in all."""
        try:
            count = int(message.headers.get("x-delivery-count") or 0)
        except (TypeError, ValueError):
            count = 0
        return min(self._retry_delay * 2 ** min(count, 16), _MAX_BACKOFF)

    @staticmethod
    async def _settle_safely(action: Any, what: str, message: AbstractIncomingMessage) -> None:
        # On a channel lost since the delivery the broker redelivers the message by itself.
        try:
            await action()
        except Exception as exc:
            log.warning(
                "could not %s %s (%r); the broker will deliver it again", what, message.message_id, exc
            )

    async def _dead_letter(self, participant: str, message: AbstractIncomingMessage, reason: str) -> None:
        """Copy to the dead-letter exchange with the reason, then ack; fall back to a plain reject."""
        _channel, _business, dead = self._require()
        headers = {key: value for key, value in dict(message.headers).items() if key not in _DEAD_HEADERS}
        headers[DEAD_REASON_HEADER] = reason[:_MAX_REASON]
        headers["x-dead-queue"] = self.queue_name(participant)
        headers["x-dead-at"] = dt.datetime.now(dt.UTC).isoformat()
        copy = aio_pika.Message(
            message.body,
            headers=headers,
            message_id=message.message_id,
            correlation_id=message.correlation_id,
            content_type=message.content_type,
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            timestamp=message.timestamp,
            type=message.type,
        )
        try:
            await self._confirmed(dead, copy, participant)
        except PublishFailed as exc:
            log.warning("dead-letter copy of %s failed (%s); rejecting it instead", message.message_id, exc)
            await self._settle_safely(lambda: message.reject(requeue=False), "reject", message)
            return
        await self._settle_safely(message.ack, "ack", message)

    # --- health ----------------------------------------------------------------------------------

    async def healthy(self) -> bool:
        """Connected, the channels open, and every consumer started by :meth:`consume` consuming."""
        problem = await self.health_problem()
        if problem is not None:
            log.info("RabbitMQ broker unhealthy: %s", problem)
        return problem is None

    async def health_problem(self) -> str | None:
        """What makes the broker unhealthy (``None`` when nothing does), for logs and health endpoints."""
        connection = self._connection
        if connection is None or connection.is_closed:
            return "not connected"
        transport = connection.transport
        if not connection.connected.is_set() or transport is None or transport.connection.is_closed:
            return "disconnected (reconnecting)"
        if self._publish_channel is None or self._publish_channel.is_closed:
            return "publishing channel closed"
        try:
            async with asyncio.timeout(self._health_timeout):
                for consumer in self._consumers:
                    if consumer.channel.is_closed:
                        return f"consumer channel of {consumer.participant} closed"
                    underlay = await consumer.channel.get_underlay_channel()
                    if consumer.tag not in underlay.consumers:
                        return f"consumer of {consumer.participant} not registered on its channel"
                return await self._broker_sees_consumers(transport.connection)
        except Exception as exc:
            return f"health check failed: {exc!r}"

    async def _broker_sees_consumers(self, connection: aiormq.abc.AbstractConnection) -> str | None:
        """Ask the broker itself: a passive declare reports each queue's consumer count."""
        if not self._consumers:
            return None
        probe = await connection.channel(publisher_confirms=False)
        try:
            for name in sorted({consumer.queue.name for consumer in self._consumers}):
                declared = await probe.queue_declare(name, passive=True)
                if not declared.consumer_count:
                    return f"the broker sees no consumer on {name}"
            return None
        finally:
            if not probe.is_closed:
                await probe.close()

    # --- dead letters and replay -----------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _held(self, participant: str, limit: int) -> AsyncIterator[list[AbstractIncomingMessage]]:
        """Take up to ``limit`` messages of the dead-letter queue unacked; whatever is not acked inside
        is put back (nack with requeue) on exit, so reading never removes anything."""
        connection = self._connection
        if connection is None:
            raise RuntimeError("RabbitMqBroker.start() was not called")
        channel = await connection.channel(publisher_confirms=False)
        held: list[AbstractIncomingMessage] = []
        try:
            queue = await channel.declare_queue(
                self.dead_letter_queue_name(participant), passive=True, robust=False
            )
            while len(held) < limit:
                message = await queue.get(no_ack=False, fail=False)
                if message is None:
                    break
                held.append(message)
            yield held
        finally:
            for message in held:
                if not message.processed:
                    await self._settle_safely(lambda m=message: m.nack(requeue=True), "requeue", message)
            if not channel.is_closed:
                await channel.close()

    @staticmethod
    def _as_dead_letter(message: AbstractIncomingMessage) -> DeadLetter:
        headers = dict(message.headers)
        try:
            envelope: Envelope | None = Envelope.from_message(
                message.message_id, message.correlation_id, headers
            )
        except EnvelopeError:
            envelope = None
        return DeadLetter(message.message_id, envelope, message.body, dead_reason(headers), headers)

    async def dead_letters(self, participant: str, limit: int = 100) -> list[DeadLetter]:
        """The first ``limit`` messages of the participant's dead-letter queue, left in place.

        AMQP 0.9.1 cannot browse a queue: the messages are fetched with ``basic.get`` unacked and put
        back with ``nack(requeue)`` once read (their order in the queue is kept)."""
        async with self._held(participant, limit) as held:
            return [self._as_dead_letter(message) for message in held]

    async def republish(
        self, participant: str, message_ids: Iterable[str] | None = None, *, limit: int = 100
    ) -> list[str]:
        """Replay dead letters: publish them again to the participant's queue (confirmed), then remove
        them from the dead-letter queue. ``message_ids`` selects which (default: all of the first
        ``limit``); a message whose envelope is invalid stays where it is. Returns the ids replayed."""
        wanted = None if message_ids is None else set(message_ids)
        _channel, business, _dead = self._require()
        replayed: list[str] = []
        async with self._held(participant, limit) as held:
            for message in held:
                letter = self._as_dead_letter(message)
                if letter.envelope is None or (wanted is not None and letter.message_id not in wanted):
                    continue
                headers = {
                    key: value
                    for key, value in letter.headers.items()
                    if key not in _DEAD_HEADERS and not key.startswith("x-dead-")
                }
                headers[REPLAYED_HEADER] = int(letter.headers.get(REPLAYED_HEADER, 0) or 0) + 1
                again = aio_pika.Message(
                    message.body,
                    headers=headers,
                    message_id=message.message_id,
                    correlation_id=message.correlation_id,
                    content_type=message.content_type or CONTENT_TYPE,
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    timestamp=message.timestamp,
                    type=message.type,
                )
                await self._confirmed(
                    business, again, topology.routing_key(letter.envelope.message_code, participant)
                )
                await message.ack()
                replayed.append(letter.envelope.edoc_id)
        return replayed

    @property
    def consuming(self) -> Sequence[str]:
        """The participants this broker consumes for."""
        return tuple(consumer.participant for consumer in self._consumers)
