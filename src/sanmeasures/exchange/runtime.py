"""A node's exchange at run time: the broker the settings name, a receiver per hosted participant and
the relay of their outgoing messages.

A production node hosts one participant (``--participant authority:KZ``) on RabbitMQ; the embedded
default hosts every participant of the deployment on the embedded broker, all on one database.
Every participant's queue is declared at start, so a message to a node that has not started yet
waits in its queue instead of being refused as unroutable.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import aiormq
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.exchange.broker import Broker
from sanmeasures.exchange.embedded import EmbeddedBroker
from sanmeasures.exchange.inbox import Effect, Receiver, no_effect
from sanmeasures.exchange.outbox import Relay
from sanmeasures.exchange.participants import Participant
from sanmeasures.exchange.rabbitmq import RabbitMqBroker
from sanmeasures.settings import Settings

log = logging.getLogger(__name__)


class BrokerUnavailable(RuntimeError):
    """The node cannot start its exchange: the broker refused or did not answer."""


def make_broker(settings: Settings, engine: AsyncEngine) -> Broker:
    if settings.embedded_broker:
        return EmbeddedBroker(engine, settings.participants)
    # No more messages in hand than database connections to process them with.
    prefetch = 2 * settings.database_pool
    return RabbitMqBroker(
        settings.broker_url, settings.participants, namespace=settings.broker_namespace, prefetch=prefetch
    )


def check_deployment(settings: Settings) -> None:
    """Every participant id well-formed, and the hosted ones among the deployment's; ValueError if not."""
    for name in (*settings.participants, *settings.hosted):
        Participant.parse(name)  # UnknownParticipant is a ValueError naming the id
    settings.confidentiality()  # ConfidentialityError (a ValueError) names a bad item
    if settings.participant is not None and settings.participant not in settings.participants:
        raise ValueError(
            f"{settings.participant} is not among the deployment's participants "
            f"(SANMEASURES_PARTICIPANTS: {', '.join(settings.participants)})"
        )


@dataclass
class Exchange:
    settings: Settings
    engine: AsyncEngine
    effect: Effect = no_effect
    relay_idle_seconds: float = 0.2
    broker: Broker | None = None
    relay: Relay | None = field(default=None, init=False)
    _relay: asyncio.Task[None] | None = field(default=None, init=False)

    @property
    def hosted(self) -> tuple[Participant, ...]:
        return tuple(Participant.parse(p) for p in self.settings.hosted)

    async def start(self) -> None:
        check_deployment(self.settings)
        self.broker = self.broker or make_broker(self.settings, self.engine)
        try:
            await self.broker.start()
        except (OSError, aiormq.exceptions.AMQPError) as exc:
            where = urlsplit(self.settings.broker_url)
            raise BrokerUnavailable(
                f"cannot reach the broker at {where.hostname}:{where.port or 5672}{where.path or '/'} "
                f"(wrong address, virtual host or credentials?): {exc!r}"
            ) from exc
        known = self.settings.known
        self.relay = Relay(self.engine, self.broker, self.settings.hosted)
        for participant in self.hosted:
            receiver = Receiver(
                self.engine, participant, known, effect=self.effect, after_commit=self.relay.wake
            )
            await self.broker.consume(participant.id, receiver.handle)
        self._relay = asyncio.create_task(self.relay.run(self.relay_idle_seconds), name="relay")
        log.info("exchange started for %s", ", ".join(self.settings.hosted))

    def wake(self) -> None:
        """A submission committed in this process: publish it now."""
        if self.relay is not None:
            self.relay.wake()

    async def healthy(self) -> bool:
        return (
            self.broker is not None
            and self._relay is not None
            and not self._relay.done()
            and await self.broker.healthy()
        )

    async def stop(self) -> None:
        if self._relay is not None:
            self._relay.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._relay
        if self.broker is not None:
            await self.broker.close()
