"""How the subscription worker paces itself (Rules §31в): every timing injectable, defaults for production.

A node reads ``NotifyConfig.from_env()``; a test or an operator puts another one on
``app.state.notify`` before the application starts (short intervals, a clock of its own).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class NotifyConfig:
    #: Seconds between two looks for new versions and due deliveries when there is nothing to do.
    poll_interval: float = 2.0
    #: Versions matched, and deliveries sent, per round.
    batch: int = 200
    #: A failed webhook or e-mail is tried again after ``retry_base``, then twice as long each time
    #: (1, 2, 4, 8 … minutes), never longer than ``retry_cap``; after ``max_attempts`` it is failed.
    retry_base: dt.timedelta = dt.timedelta(minutes=1)
    retry_cap: dt.timedelta = dt.timedelta(hours=4)
    max_attempts: int = 10
    #: A claimed delivery is the claimer's for this long; if the claimer died, another sends it after.
    lease: dt.timedelta = dt.timedelta(minutes=5)
    #: Version ids skipped over (a transaction still open) are looked for again for this long.
    gap_grace: dt.timedelta = dt.timedelta(minutes=10)
    #: Sends at once.
    concurrency: int = 8
    webhook_timeout: float = 10.0
    smtp_timeout: float = 30.0
    #: Deliver webhooks to loopback, private and link-local addresses too (a closed network, tests).
    #: Off on a public portal: nobody may make the node post into the network it runs in.
    allow_private_webhooks: bool = False
    #: An e-mail subscription not confirmed within this long has to be made again.
    confirm_within: dt.timedelta = dt.timedelta(days=7)
    #: Confirmation requests sent to one address per hour, at most (nobody's inbox is flooded).
    confirmations_per_hour: int = 3
    clock: Callable[[], dt.datetime] = field(default=utcnow, compare=False)

    def backoff(self, attempts: int) -> dt.timedelta:
        """The wait after the ``attempts``-th failed try: base · 2^(attempts-1), at most the cap."""
        seconds = self.retry_base.total_seconds() * 2.0 ** min(max(attempts - 1, 0), 60)
        return dt.timedelta(seconds=min(seconds, self.retry_cap.total_seconds()))

    def with_(self, **changes: object) -> NotifyConfig:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls) -> NotifyConfig:
        """``SANMEASURES_WEBHOOK_PRIVATE_ADDRESSES=allow`` lets webhooks reach private addresses."""
        env = os.environ
        return cls(
            poll_interval=float(env.get("SANMEASURES_NOTIFY_POLL_SECONDS", cls.poll_interval)),
            allow_private_webhooks=env.get("SANMEASURES_WEBHOOK_PRIVATE_ADDRESSES", "") == "allow",
        )
