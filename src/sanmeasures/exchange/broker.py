"""What the exchange layer needs of a broker, whichever one it is.

Two implementations share this interface: RabbitMQ through aio-pika (production, several nodes)
and the embedded broker (one process, its queues kept in the node's database so a restart loses
nothing). Both deliver at least once; the inbox makes processing exactly-once by EDocId.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from sanmeasures.exchange.envelope import Envelope


class PublishFailed(Exception):
    """The broker did not take the message (no confirm in time, unroutable, refused)."""


@dataclass
class Delivery:
    """One message handed to a consumer; it must be settled exactly once."""

    envelope: Envelope
    body: bytes
    redelivered: bool
    settle: Callable[[str, str | None], Awaitable[None]]  # ("ack" | "dead", reason)

    async def ack(self) -> None:
        """Processed and committed: the broker may forget it."""
        await self.settle("ack", None)

    async def dead_letter(self, reason: str) -> None:
        """It can never be processed (broken envelope …): to the dead-letter queue, with the reason."""
        await self.settle("dead", reason)


Handler = Callable[[Delivery], Awaitable[None]]


class Broker(Protocol):
    async def start(self) -> None:
        """Connect and declare the topology."""

    async def publish(self, envelope: Envelope, body: bytes) -> None:
        """Hand one copy to the broker and return once it is safely taken (confirmed), or raise
        :class:`PublishFailed`."""

    async def consume(self, participant: str, handler: Handler) -> None:
        """Deliver the participant's messages to ``handler`` until :meth:`close`; an exception in the
        handler leaves the message to be delivered again (up to the delivery limit)."""

    async def healthy(self) -> bool:
        """Connected, and every consumer started is consuming."""

    async def close(self) -> None: ...
