"""Matching versions to saved searches (Rules §31в): the list's own filters, once per subscriber, no gaps.

These drive the matcher directly (``notify.matching.scan``) on real databases, without the worker's
loop, to look at each step.
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sanmeasures.portal.notify.channels import sign, verify_signature
from sanmeasures.portal.notify.config import NotifyConfig
from sanmeasures.portal.notify.matching import scan
from sanmeasures.portal.notify.model import (
    SOURCE_OF,
    SOURCES,
    Scope,
    Spec,
    create,
    normal_email,
    normal_webhook_url,
    unsubscribe,
)
from sanmeasures.registry.store import record_certificates
from sanmeasures.storage.tables import subscription_cursors, subscription_deliveries
from tests.cases.documents import store
from tests.portal.test_subscriptions_support import (
    Clock,
    measure_notice,
    morbidity_notice,
    product_notice,
    record,
)
from tests.support.flows import fresh

CONFIG = NotifyConfig()


async def subscribe(
    engine: AsyncEngine, resource: str | None = None, risks_of: str | None = None, **filters: object
) -> int:
    async with engine.begin() as connection:
        sub = await create(
            connection, Spec(Scope(resource, risks_of, filters), "atom", None, "en"), config=CONFIG
        )
    return sub.id


async def match(engine: AsyncEngine, config: NotifyConfig = CONFIG) -> None:
    for source in SOURCES:
        async with engine.begin() as connection:
            while (await scan(connection, source, config=config)).more:
                pass


async def delivered(engine: AsyncEngine) -> dict[int, list[tuple[str, int]]]:
    """Subscription id → (resource, version number) of each delivery, in order."""
    d = subscription_deliveries
    found: dict[int, list[tuple[str, int]]] = {}
    async with engine.connect() as connection:
        rows = await connection.execute(
            sa.select(d.c.subscription_id, d.c.resource, d.c.version_id)
            .where(d.c.kind == "version")
            .order_by(d.c.id)
        )
        for sub, resource, version_id in rows.all():
            versions = SOURCE_OF[resource].versions
            number = await connection.scalar(sa.select(versions.c.version).where(versions.c.id == version_id))
            found.setdefault(sub, []).append((resource, number))
    return found


async def test_saved_searches_match_by_the_lists_filters_and_words(engine: AsyncEngine) -> None:
    """The same filters and words as the list (Rules §31б search), checked against the current record."""
    sausage = await subscribe(engine, "dangerous-products", text="брауншвейгская", hs_code="1601")
    other_words = await subscribe(engine, "dangerous-products", text="молоко")
    kz_products = await subscribe(engine, "dangerous-products", country="KZ")
    open_cases = await subscribe(engine, "morbidity", closed=False)
    closed_cases = await subscribe(engine, "morbidity", closed=True)
    everything = await subscribe(engine, "morbidity")
    kz_risks = await subscribe(engine, risks_of="KZ")
    measures_in_force = await subscribe(engine, "measures", in_force_on="2026-04-01")

    await record(engine, product_notice("1"), morbidity_notice("1"), measure_notice())
    await record(engine, morbidity_notice("3", dt.date(2026, 3, 30)))  # the closure
    await match(engine)
    found = await delivered(engine)

    assert found.get(sausage) == [("dangerous-products", 1)]
    assert other_words not in found and kz_products not in found
    # Matching asks the case as it is now: closed once the closure is recorded, for both versions.
    assert open_cases not in found
    assert found[closed_cases] == [("morbidity", 1), ("morbidity", 2)]
    assert found[everything] == [("morbidity", 1), ("morbidity", 2)]
    assert sorted(found[kz_risks]) == [("measures", 1), ("morbidity", 1), ("morbidity", 2)]
    assert found[measures_in_force] == [("measures", 1)]


async def test_a_subscription_gets_only_versions_recorded_after_it_began(engine: AsyncEngine) -> None:
    await record(engine, morbidity_notice("1"))
    late = await subscribe(engine, "morbidity")
    await match(engine)
    assert await delivered(engine) == {}
    await record(engine, morbidity_notice("2", dt.date(2026, 3, 9)))
    await match(engine)
    await match(engine)  # matching again adds nothing
    assert await delivered(engine) == {late: [("morbidity", 2)]}


async def test_registry_subscriptions_follow_certificates(engine: AsyncEngine) -> None:
    """Rules §15: the unified registry's new certificates, by country."""
    kz = await subscribe(engine, "registry", country="KZ")
    am = await subscribe(engine, "registry", country="AM")
    broken = await subscribe(engine, "registry", registry="national")  # stored, then refused by the list
    document = fresh("R.SM.SS.07.001")
    async with engine.begin() as connection:
        document_id = await store(connection, document, sender="authority:KZ")
        await record_certificates(
            connection,
            document.registration_certificate_details,
            registry="unified",
            source="message",
            document_id=document_id,
        )
    await match(engine)
    found = await delivered(engine)
    assert found[kz] == [("registry", 1)]
    assert am not in found
    assert broken not in found  # a saved search the list no longer takes matches nothing, and stops no one


async def test_an_ended_subscription_gets_nothing_and_its_queue_is_dropped(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        sub = await create(
            connection,
            Spec(Scope("morbidity", None, {}), "webhook", "https://hooks.example.org/x", "ru"),
            config=CONFIG,
        )
    await record(engine, morbidity_notice("1"))
    await match(engine)
    async with engine.begin() as connection:
        await unsubscribe(connection, sub.token, config=CONFIG)
    await record(engine, morbidity_notice("2", dt.date(2026, 3, 9)))
    await match(engine)
    d = subscription_deliveries
    async with engine.connect() as connection:
        rows = (await connection.execute(sa.select(d.c.kind, d.c.state).order_by(d.c.id))).all()
    assert [tuple(r) for r in rows] == [("ping", "dropped"), ("version", "dropped")]


# PostgreSQL only: SQLite writes one transaction at a time: its ids become visible in order, so there is nothing to test there.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_version_committed_late_with_a_lower_id_is_still_delivered_once(engine: AsyncEngine) -> None:
    """PostgreSQL hands out ids at insert and shows rows at commit: the matcher keeps the gap and returns."""
    products = await subscribe(engine, "dangerous-products")
    illnesses = await subscribe(engine, "morbidity")
    slow = await engine.connect()
    try:
        transaction = await slow.begin()
        await _record_on(slow, product_notice("1"))  # the lower id, not yet committed
        await record(engine, morbidity_notice("1"))  # the higher id, committed
        await match(engine)
        assert await delivered(engine) == {illnesses: [("morbidity", 1)]}
        assert await _gaps(engine) != []
        await transaction.commit()
    finally:
        await slow.close()
    await match(engine)
    await match(engine)
    assert await delivered(engine) == {illnesses: [("morbidity", 1)], products: [("dangerous-products", 1)]}
    assert await _gaps(engine) == []


# PostgreSQL only: SQLite reuses the ids of a rolled-back insert: it leaves no gap, so there is nothing to test there.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_rolled_back_id_is_forgotten_after_the_grace_period(engine: AsyncEngine) -> None:
    await subscribe(engine, "morbidity")
    clock = Clock()
    config = NotifyConfig(clock=clock)
    async with engine.connect() as connection:
        transaction = await connection.begin()
        await _record_on(connection, product_notice("1"))
        await transaction.rollback()
    await record(engine, morbidity_notice("1"))
    await match(engine, config)
    assert len(await _gaps(engine)) == 1
    clock.advance(minutes=9)
    await match(engine, config)
    assert len(await _gaps(engine)) == 1
    clock.advance(minutes=2)
    await match(engine, config)
    assert await _gaps(engine) == []


async def _record_on(connection: AsyncConnection, doc: object) -> None:
    from sanmeasures.cases.store import record_alert_document

    await record_alert_document(connection, doc, await store(connection, doc))


async def _gaps(engine: AsyncEngine) -> list:
    async with engine.connect() as connection:
        return (
            await connection.scalar(
                sa.select(subscription_cursors.c.gaps).where(subscription_cursors.c.name == "case_versions")
            )
        ) or []


# --- signatures, back-off, addresses ------------------------------------------------------------------
def test_the_signature_covers_the_timestamp_and_every_byte() -> None:
    body = b'{"event":"version","delivery":7}'
    signature = sign("whsec_s3cret", 1_900_000_000, body)
    assert signature.startswith("sha256=") and len(signature) == 7 + 64
    assert verify_signature("whsec_s3cret", body, "1900000000", signature, now=1_900_000_100)
    assert not verify_signature("whsec_s3cret", body + b" ", "1900000000", signature, now=1_900_000_100)
    assert not verify_signature("whsec_s3cret", body, "1900000001", signature, now=1_900_000_100)
    assert not verify_signature("whsec_s3cret", body, "1900000000", signature, now=1_900_001_000)  # a replay
    assert not verify_signature("whsec_other", body, "1900000000", signature, now=1_900_000_100)


def test_back_off_doubles_from_a_minute_up_to_its_cap() -> None:
    waits = [CONFIG.backoff(n) for n in range(1, 12)]
    assert [w.total_seconds() / 60 for w in waits[:6]] == [1, 2, 4, 8, 16, 32]
    assert waits[-1] == CONFIG.retry_cap == dt.timedelta(hours=4)
    assert CONFIG.backoff(10_000) == CONFIG.retry_cap


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (" Reader.Name+tag@Example.ORG ", "Reader.Name+tag@example.org"),
        ("врач@пример.рф", None),  # the mailbox name must be ASCII (no SMTPUTF8 promise)
        ("doc@пример.рф", "doc@xn--e1afmkfd.xn--p1ai"),
        ("a@b", None),
        ("two@@example.org", None),
        ("Name <a@example.org>", None),
        ("a@example.org\r\nBcc: x@example.org", None),
        ("a..b@example.org", None),
        ("a@-example.org", None),
    ],
)
def test_e_mail_addresses(given: str, kept: str | None) -> None:
    if kept is None:
        with pytest.raises(ValueError):
            normal_email(given)
    else:
        assert normal_email(given) == kept


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://hooks.example.org/sanitary?key=1", True),
        ("http://hooks.example.org:8080/x", True),
        ("https://93.184.216.34/x", True),
        ("https://localhost/x", False),
        ("http://169.254.169.254/latest/meta-data", False),  # cloud metadata
        ("http://[::ffff:127.0.0.1]/x", False),
        ("http://100.64.0.1/x", False),
        ("https://printer/x", False),
        ("https://hooks.example.org:0/x", False),
        ("javascript:alert(1)", False),
    ],
)
def test_webhook_urls_on_a_public_portal(url: str, allowed: bool) -> None:
    if allowed:
        assert normal_webhook_url(url, allow_private=False) == url
    else:
        with pytest.raises(ValueError):
            normal_webhook_url(url, allow_private=False)
    assert normal_webhook_url("http://127.0.0.1:8080/hook", allow_private=True)
