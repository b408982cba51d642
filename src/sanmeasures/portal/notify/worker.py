"""The subscription worker (Rules §31в): match new versions, then send what is due.

Each round first matches every version table (``matching.scan``), then *claims* due deliveries —
``attempts`` + 1 and ``next_attempt_at`` pushed a lease ahead, in one short transaction (on
PostgreSQL ``FOR UPDATE SKIP LOCKED``: two workers never claim the same row) — sends them outside
any transaction, and records each outcome only if the claim is still its own. A failed attempt waits
``NotifyConfig.backoff`` (1, 2, 4 … minutes), the last one is ``failed``. A worker that dies with
claims in hand leaves them to be sent again when the lease ends; a worker that is stopped finishes
the sends in flight and records them first, so a restart sends nothing twice.

It sleeps ``poll_interval`` between rounds with nothing to do, and wakes at once when the portal
asks it to (a new subscription, a confirmation).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.portal.notify import mail
from sanmeasures.portal.notify.channels import USER_AGENT, Outcome, post_webhook, send_mail
from sanmeasures.portal.notify.config import NotifyConfig
from sanmeasures.portal.notify.content import Entry, describe
from sanmeasures.portal.notify.matching import scan
from sanmeasures.portal.notify.model import SOURCES, Subscription, end
from sanmeasures.settings import Settings
from sanmeasures.storage.tables import subscription_deliveries, subscriptions

log = logging.getLogger(__name__)

#: Longest sleep after repeated failures of a round (the database away, …), seconds.
MAX_PAUSE = 60.0


@dataclass(frozen=True)
class Claim:
    delivery_id: int
    kind: str
    attempts: int  # this attempt's number
    subscription: Subscription
    entry: Entry | None


class Notifier:
    def __init__(self, engine: AsyncEngine, settings: Settings, config: NotifyConfig | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self.config = config or NotifyConfig.from_env()
        self.wake = asyncio.Event()
        self._client: httpx.AsyncClient | None = None

    # --- the loop ------------------------------------------------------------------------------------
    async def run(self) -> None:
        """Rounds until cancelled; a failing round is logged and tried again a little later."""
        async with self._http():
            failures = 0
            while True:
                try:
                    busy = await self.step()
                    failures = 0
                except asyncio.CancelledError:
                    raise
                except Exception:
                    failures += 1
                    if failures == 1 or failures % 10 == 0:
                        log.exception("subscriptions: a round failed (%d in a row)", failures)
                    busy = False
                if not busy:
                    await self._sleep(min(self.config.poll_interval * 2 ** min(failures, 6), MAX_PAUSE))

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self.wake.wait()
        self.wake.clear()

    @contextlib.asynccontextmanager
    async def _http(self) -> Any:
        async with httpx.AsyncClient(
            timeout=self.config.webhook_timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}
        ) as client:
            self._client = client
            try:
                yield
            finally:
                self._client = None

    async def step(self) -> bool:
        """One round: match every version table, send one batch; True if there may be more at once.

        A round with nothing to do is one short transaction (SQLite: one write lock taken per poll).
        """
        d = subscription_deliveries
        more = False
        async with self.engine.begin() as connection:
            for source in SOURCES:
                scanned = await scan(connection, source, config=self.config)
                more = more or scanned.more
            due = await connection.scalar(
                sa.select(d.c.id)
                .where(d.c.state == "queued", d.c.next_attempt_at <= self.config.clock())
                .limit(1)
            )
        sent = await self.send_due() if due is not None else 0
        return more or sent >= self.config.batch

    # --- sending -------------------------------------------------------------------------------------
    async def send_due(self) -> int:
        """Claim the due deliveries and send them; how many were claimed."""
        claims = await self._claim()
        if not claims:
            return 0
        if self._client is None:
            async with self._http():
                return await self._send_all(claims)
        return await self._send_all(claims)

    async def _send_all(self, claims: list[Claim]) -> int:
        gate = asyncio.Semaphore(self.config.concurrency)

        async def one(claim: Claim) -> None:
            async with gate:
                await self._deliver(claim)

        batch = asyncio.gather(*(one(claim) for claim in claims), return_exceptions=True)
        try:
            results = await asyncio.shield(batch)
        except asyncio.CancelledError:
            # Stopping: what is on its way is finished and recorded first, else a restart sends it again.
            await batch
            raise
        for claim, result in zip(claims, results, strict=True):
            if isinstance(result, BaseException):
                log.error(
                    "subscriptions: delivery %d failed unexpectedly", claim.delivery_id, exc_info=result
                )
        return len(claims)

    async def _claim(self) -> list[Claim]:
        d, s = subscription_deliveries, subscriptions
        config = self.config
        now = config.clock()
        async with self.engine.begin() as connection:
            due = (
                await connection.execute(
                    sa.select(
                        d.c.id, d.c.kind, d.c.resource, d.c.version_id, d.c.attempts, d.c.subscription_id
                    )
                    .join(s, s.c.id == d.c.subscription_id)
                    .where(d.c.state == "queued", d.c.next_attempt_at <= now, s.c.channel != "atom")
                    .order_by(d.c.next_attempt_at, d.c.id)
                    .limit(config.batch)
                    .with_for_update(of=d, skip_locked=True)
                )
            ).all()
            if not due:
                return []
            owners = {
                row.id: Subscription.of(row)
                for row in await connection.execute(
                    sa.select(s).where(s.c.id.in_({r.subscription_id for r in due}))
                )
            }
            taken, dropped = [], []
            for row in due:
                owner = owners[row.subscription_id]
                wanted = "pending" if row.kind == "confirmation" else "active"
                (taken if owner.state == wanted else dropped).append(row)
            if dropped:
                await connection.execute(
                    d.update().where(d.c.id.in_([r.id for r in dropped])).values(state="dropped")
                )
            if not taken:
                return []
            await connection.execute(
                d.update()
                .where(d.c.id.in_([r.id for r in taken]))
                .values(attempts=d.c.attempts + 1, next_attempt_at=now + config.lease)
            )
            entries: dict[tuple[str, int], Entry] = {}
            wanted_versions: dict[str, set[int]] = {}
            for row in taken:
                if row.kind == "version":
                    wanted_versions.setdefault(row.resource, set()).add(row.version_id)
            for resource, ids in wanted_versions.items():
                for version_id, entry in (await describe(connection, resource, ids)).items():
                    entries[(resource, version_id)] = entry
        return [
            Claim(
                delivery_id=row.id,
                kind=row.kind,
                attempts=row.attempts + 1,
                subscription=owners[row.subscription_id],
                entry=entries.get((row.resource, row.version_id)) if row.kind == "version" else None,
            )
            for row in taken
        ]

    async def _deliver(self, claim: Claim) -> None:
        if claim.kind == "version" and claim.entry is None:
            outcome = Outcome("failed", "the version is not held here")
        elif claim.subscription.channel == "email":
            outcome = await send_mail(
                self.settings.smtp_url, self._mail(claim), timeout=self.config.smtp_timeout
            )
        else:
            outcome = await self._post(claim)
        await self._record(claim, outcome)

    def _mail(self, claim: Claim) -> Any:
        now = self.config.clock()
        if claim.kind == "confirmation":
            return mail.confirmation_message(
                claim.subscription, self.settings, now=now, delivery_id=claim.delivery_id
            )
        assert claim.entry is not None
        return mail.version_message(
            claim.subscription, claim.entry, self.settings, now=now, delivery_id=claim.delivery_id
        )

    async def _post(self, claim: Claim) -> Outcome:
        sub = claim.subscription
        assert sub.address is not None and sub.secret is not None and self._client is not None
        body: dict[str, Any] = {
            "event": "version" if claim.kind == "version" else "ping",
            "delivery": claim.delivery_id,
            "subscription": {
                "resource": sub.scope.resource,
                "risks_of": sub.scope.risks_of,
                "filters": dict(sub.scope.filters),
            },
        }
        if claim.entry is not None:
            body.update(claim.entry.payload(self.settings.public_url.rstrip("/")))
        else:
            body["message"] = (
                "Webhook subscription to notices of the EAEU sanitary measures portal (Rules §31в) created. "
                "Check the X-Sanmeasures-Signature of every delivery with your secret."
            )
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return await post_webhook(
            self._client,
            sub.address,
            sub.secret,
            event=body["event"],
            delivery_id=claim.delivery_id,
            body=data,
            allow_private=self.config.allow_private_webhooks,
        )

    async def _record(self, claim: Claim, outcome: Outcome) -> None:
        d = subscription_deliveries
        config = self.config
        now = config.clock()
        mine = (d.c.id == claim.delivery_id, d.c.state == "queued", d.c.attempts == claim.attempts)
        if outcome.result == "sent":
            values: dict[str, Any] = {"state": "sent", "sent_at": now, "last_error": None}
        elif outcome.result == "retry" and claim.attempts < config.max_attempts:
            values = {"next_attempt_at": now + config.backoff(claim.attempts), "last_error": outcome.error}
        else:
            values = {"state": "failed", "last_error": outcome.error}
        if outcome.result != "sent":
            log.info(
                "subscriptions: delivery %d attempt %d: %s", claim.delivery_id, claim.attempts, outcome.error
            )
        async with self.engine.begin() as connection:
            await connection.execute(d.update().where(*mine).values(**values))
            if outcome.unsubscribe:
                await end(connection, claim.subscription.id, now=now)


# --- the application's worker -----------------------------------------------------------------------------
def config_of(app: FastAPI) -> NotifyConfig:
    """The worker's configuration: ``app.state.notify`` if set before start-up, else from the environment."""
    config: NotifyConfig | None = getattr(app.state, "notify", None)
    if config is None:
        config = NotifyConfig.from_env()
        app.state.notify = config
    return config


def wake(app: FastAPI) -> None:
    """Ask the running worker for a round now (a subscription was made or confirmed)."""
    event: asyncio.Event | None = getattr(app.state, "notify_wake", None)
    if event is not None:
        event.set()


async def worker(app: FastAPI) -> None:
    """``portal.WORKERS`` entry: the node's subscription worker, until the node stops."""
    notifier = Notifier(app.state.engine, app.state.settings, config_of(app))
    app.state.notify_wake = notifier.wake
    try:
        await notifier.run()
    except asyncio.CancelledError:
        raise
    except Exception:
        # A task's error shows nowhere until the node stops: say it now.
        log.exception("subscriptions: the worker stopped")
        raise
