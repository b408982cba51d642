"""Subscriptions end to end (Rules §31в; risks of a member state, §31а), on SQLite and PostgreSQL.

Real receivers only: an SMTP server (aiosmtpd) on 127.0.0.1, a webhook HTTP server in a thread, the
node's application with its worker running. A new version of a matching case or measure reaches
every subscriber once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from urllib.parse import urlsplit

import sqlalchemy as sa
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.portal.notify.channels import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify_signature,
)
from sanmeasures.storage.tables import subscription_deliveries, subscriptions
from tests.portal.test_subscriptions_support import (
    MAIL_FROM,
    PUBLIC,
    Clock,
    config,
    eventually,
    measure_notice,
    morbidity_notice,
    product_notice,
    record,
    running,
    settled,
    smtp_server,
    webhook_server,
)

ATOM = "{http://www.w3.org/2005/Atom}"
READER = "reader@example.org"


def _path(url: str) -> str:
    return urlsplit(url).path


def _link(text: str, kind: str) -> str:
    found = re.search(rf"{re.escape(PUBLIC)}/subscriptions/{kind}/[A-Za-z0-9_-]{{43}}", text)
    assert found, f"no {kind} link in:\n{text}"
    return found.group(0)


async def test_email_is_confirmed_then_each_matching_version_arrives_once_until_one_click_unsubscribe(
    database_url: str, engine: AsyncEngine
) -> None:
    """Rules §31в by e-mail: double opt-in, one message per matching version, RFC 8058 one-click."""
    async with smtp_server() as mailbox, running(database_url, smtp=mailbox.url) as node:
        answer = await node.client.post(
            "/api/v1/subscriptions",
            json={
                "channel": "email",
                "resource": "morbidity",
                "filters": {"country": "KZ"},
                "address": READER,
            },
        )
        assert answer.status_code == 202, answer.text
        assert answer.json()["state"] == "pending"
        assert "token" not in answer.json()  # only the address's owner gets the key

        (request,) = await eventually(lambda: mailbox.to(READER), what="the confirmation request")
        assert request["From"] == MAIL_FROM
        body = request.get_content()
        # A version recorded before the confirmation is never sent.
        await record(node.engine, morbidity_notice("1"))
        confirm = _link(body, "confirm")
        page = await node.client.get(_path(confirm))
        assert page.status_code == 200 and "<form" in page.text  # a button: scanners confirm nothing
        confirmed = await node.client.post(_path(confirm))
        assert confirmed.status_code == 200
        assert READER in confirmed.text

        await record(node.engine, morbidity_notice("2", dt.date(2026, 3, 9)))
        await record(node.engine, product_notice("1"))  # another resource: not subscribed
        await record(node.engine, morbidity_notice("1", state="BY"))  # another country: no match
        await settled(node.engine)
        notices = mailbox.to(READER)[1:]
        assert len(notices) == 1
        (notice,) = notices
        assert "KZ-2026-00045" in notice["Subject"]
        assert "KZ-2026-00045" in notice.get_content()
        unsubscribe = notice["List-Unsubscribe"].strip("<>")
        assert unsubscribe == _link(notice.get_content(), "unsubscribe")
        assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

        # RFC 8058: the mail program POSTs the body below, nothing else.
        one_click = await node.client.post(
            _path(unsubscribe),
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert one_click.status_code == 200
        await record(node.engine, morbidity_notice("3", dt.date(2026, 3, 30)))
        await settled(node.engine)
        assert len(mailbox.to(READER)) == 2  # the confirmation request and the one notice


async def test_webhook_is_signed_retried_with_back_off_and_delivered_once(
    database_url: str, engine: AsyncEngine
) -> None:
    """A receiver failing twice gets the version a third time, after 1 then 2 minutes, and once only."""
    clock = Clock()
    async with webhook_server() as hook, running(database_url, notify=config(clock)) as node:
        created = await node.client.post(
            "/api/v1/subscriptions",
            json={"channel": "webhook", "risks_of": "KZ", "address": hook.url},
        )
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]
        assert secret and created.json()["state"] == "active"
        (ping,) = await eventually(lambda: hook.bodies("ping"), what="the ping")
        assert ping["subscription"]["risks_of"] == "KZ"

        hook.script[:] = [500, 503]
        await record(node.engine, measure_notice())  # a KZ measure: a risk of KZ (§31а)
        await eventually(lambda: len(hook.bodies("version")) == 1, what="the first attempt")
        d = subscription_deliveries

        async def row():  # type: ignore[no-untyped-def]
            async with node.engine.connect() as connection:
                return (await connection.execute(sa.select(d).where(d.c.kind == "version"))).one()

        first = await eventually(row)
        await eventually(lambda: _attempted(row, 1, "500"), what="the first failure recorded")
        failed_once = await row()
        assert failed_once.state == "queued" and "500" in failed_once.last_error
        assert _utc(failed_once.next_attempt_at) == clock.now + dt.timedelta(minutes=1)

        clock.advance(seconds=59)
        await asyncio.sleep(0.2)
        assert len(hook.bodies("version")) == 1  # not before its time
        clock.advance(seconds=2)
        await eventually(lambda: _attempted(row, 2, "503"), what="the second failure recorded")
        assert _utc((await row()).next_attempt_at) == clock.now + dt.timedelta(minutes=2)
        clock.advance(minutes=2, seconds=1)
        await eventually(lambda: _sent(row), what="the third attempt delivered")
        clock.advance(hours=5)
        await settled(node.engine, clock.now)

        versions = [(h, b) for h, b in hook.requests if b'"event":"version"' in b]
        assert len(versions) == 3
        assert {h[DELIVERY_HEADER.lower()] for h, _ in versions} == {str(first.id)}
        for headers, body in versions:
            assert verify_signature(
                secret, body, headers[TIMESTAMP_HEADER.lower()], headers[SIGNATURE_HEADER.lower()]
            )
            assert not verify_signature(
                "whsec_wrong", body, headers[TIMESTAMP_HEADER.lower()], headers[SIGNATURE_HEADER.lower()]
            )
        delivered = hook.bodies("version")[-1]
        assert delivered["resource"] == "measures" and delivered["item"]["document_number"] == "112"
        assert delivered["link"] == f"{PUBLIC}/measures/KZ/2026-03-10/112"
        assert delivered["version"]["number"] == 1 and delivered["version"]["change"] == "introduced"
        final = await row()
        assert (final.state, final.attempts) == ("sent", 3)


async def _attempted(row, attempts: int, error: str) -> bool:  # type: ignore[no-untyped-def]
    """The attempt is over and recorded (claiming it already counts it, but sets no error yet)."""
    found = await row()
    return found.attempts == attempts and error in (found.last_error or "")


async def _sent(row) -> bool:  # type: ignore[no-untyped-def]
    return (await row()).state == "sent"


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


async def test_atom_feed_lists_the_matching_versions_and_parses_as_atom(
    database_url: str, engine: AsyncEngine
) -> None:
    """Rules §31а by feed: a member state's morbidity, dangerous products and measures, nothing else."""
    async with running(database_url) as node:
        created = await node.client.post("/api/v1/subscriptions", json={"channel": "atom", "risks_of": "KZ"})
        assert created.status_code == 201
        feed_url = created.json()["links"]["feed"]
        empty = await node.client.get(_path(feed_url))
        assert empty.status_code == 200 and empty.headers["content-type"].startswith("application/atom+xml")
        assert etree.fromstring(empty.content).findall(f"{ATOM}entry") == []

        await record(node.engine, morbidity_notice("1"), product_notice("1"), measure_notice())
        await record(node.engine, morbidity_notice("2", dt.date(2026, 3, 9)))
        await settled(node.engine)
        answer = await node.client.get(_path(feed_url))
        root = etree.fromstring(answer.content)
        assert root.tag == f"{ATOM}feed"
        for required in ("id", "title", "updated"):
            assert root.findtext(f"{ATOM}{required}")
        assert root.find(f"{ATOM}link[@rel='self']").get("href") == feed_url
        entries = root.findall(f"{ATOM}entry")
        # Two versions of the KZ case and the KZ measure; the RU product is not a risk of KZ.
        links = sorted(e.find(f"{ATOM}link").get("href") for e in entries)
        assert links == [
            f"{PUBLIC}/measures/KZ/2026-03-10/112",
            f"{PUBLIC}/morbidity/KZ/KZ-2026-00045",
            f"{PUBLIC}/morbidity/KZ/KZ-2026-00045",
        ]
        titles = [e.findtext(f"{ATOM}title") for e in entries]
        assert any(
            "KZ-2026-00045" in t and "дополнительное сообщение" in t for t in titles
        )  # Russian, the default
        for entry in entries:
            for required in ("id", "title", "updated", "summary"):
                assert entry.findtext(f"{ATOM}{required}"), required
            dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated").replace("Z", "+00:00"))
        assert len({e.findtext(f"{ATOM}id") for e in entries}) == 3
        again = await node.client.get(_path(feed_url), headers={"If-None-Match": answer.headers["etag"]})
        assert again.status_code == 304

        gone = await node.client.delete(_path(created.json()["links"]["api"]))
        assert gone.status_code == 204
        assert (await node.client.get(_path(feed_url))).status_code == 410


async def test_a_stopped_or_crashed_worker_sends_nothing_twice(
    database_url: str, engine: AsyncEngine
) -> None:
    """Stopped while posting, crashed after claiming, restarted: every version reaches each receiver once."""
    clock = Clock()
    notify = config(clock)
    async with webhook_server() as hook:
        async with running(database_url, notify=notify) as node:
            for _ in range(2):
                made = await node.client.post(
                    "/api/v1/subscriptions",
                    json={"channel": "webhook", "resource": "morbidity", "address": hook.url},
                )
                assert made.status_code == 201
            await eventually(lambda: len(hook.bodies("ping")) == 2, what="two pings")
            hook.delay = 0.3
            await record(node.engine, morbidity_notice("1"))
            # The node stops while the two posts are on their way: it finishes and records them first.
            await eventually(lambda: len(hook.requests) >= 3, what="a post in flight")
        assert len(hook.bodies("version")) == 2
        async with engine.connect() as connection:
            states = (
                await connection.execute(
                    sa.select(subscription_deliveries.c.state).where(
                        subscription_deliveries.c.kind == "version"
                    )
                )
            ).scalars()
            assert sorted(states) == ["sent", "sent"]

        hook.delay = 0.0
        # A crash: one worker claims the next deliveries and dies before sending them.
        from sanmeasures.portal.notify.worker import Notifier
        from sanmeasures.settings import Settings

        await record(engine, morbidity_notice("2", dt.date(2026, 3, 9)))
        crashed = Notifier(engine, Settings(database_url=database_url, public_url=PUBLIC), notify)
        async with engine.begin() as connection:
            from sanmeasures.portal.notify.matching import scan
            from sanmeasures.portal.notify.model import SOURCES

            for source in SOURCES:
                await scan(connection, source, config=notify)
        claimed = await crashed._claim()
        assert len(claimed) == 2
        async with running(database_url, notify=notify) as node:
            await asyncio.sleep(0.3)
            assert len(hook.bodies("version")) == 2  # the claims are the dead worker's until the lease ends
            clock.advance(minutes=6)
            await settled(node.engine, clock.now)
            await record(node.engine, morbidity_notice("3", dt.date(2026, 3, 30)))
            await settled(node.engine, clock.now)
        numbers = sorted((b["delivery"], b["version"]["number"]) for b in hook.bodies("version"))
        assert len(numbers) == len(set(numbers)) == 6
        assert sorted(n for _, n in numbers) == [1, 1, 2, 2, 3, 3]


async def test_two_workers_at_once_deliver_each_version_once(database_url: str, engine: AsyncEngine) -> None:
    """Two nodes' workers on one database race over the same versions: no receiver gets anything twice."""
    async with webhook_server() as hook:
        async with running(database_url) as first, running(database_url) as second:
            for node in (first, second):
                made = await node.client.post(
                    "/api/v1/subscriptions",
                    json={"channel": "webhook", "resource": "morbidity", "address": hook.url},
                )
                assert made.status_code == 201
            for day in range(1, 9):
                await record(first.engine, morbidity_notice("2", dt.date(2026, 4, day)))
            await settled(first.engine)
        deliveries = [b["delivery"] for b in hook.bodies()]
        assert len(deliveries) == len(set(deliveries)) == 2 + 2 * 8
    async with engine.connect() as connection:
        assert await connection.scalar(sa.select(sa.func.count()).select_from(subscriptions)) == 2
