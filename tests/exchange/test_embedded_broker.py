"""The embedded broker: at-least-once delivery from the database, nothing lost across a restart."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
import sqlalchemy as sa

from sanmeasures.exchange.broker import Delivery, PublishFailed
from sanmeasures.exchange.embedded import EmbeddedBroker
from sanmeasures.exchange.envelope import Envelope
from sanmeasures.storage.tables import broker_messages

PARTICIPANTS = ("authority:KZ", "authority:RU", "commission")


def envelope(n: int, recipient: str = "authority:KZ") -> Envelope:
    return Envelope(
        f"00000000-0000-4000-8000-{n:012d}",
        None,
        "P.SS.08.MSG.017",
        "R.SM.SS.08.002",
        "authority:RU",
        recipient,
        dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC),
    )


async def collect(
    broker: EmbeddedBroker, participant: str, count: int, *, fail_first: int = 0
) -> list[Delivery]:
    received: list[Delivery] = []
    done = asyncio.Event()
    failures = {"left": fail_first}

    async def handler(delivery: Delivery) -> None:
        if failures["left"] > 0:
            failures["left"] -= 1
            raise RuntimeError("processing failed")
        received.append(delivery)
        await delivery.ack()
        if len(received) >= count:
            done.set()

    await broker.consume(participant, handler)
    await asyncio.wait_for(done.wait(), 10)
    return received


async def test_each_copy_reaches_its_recipient_only_and_is_removed_once_acked(engine) -> None:  # type: ignore[no-untyped-def]
    broker = EmbeddedBroker(engine, PARTICIPANTS)
    await broker.start()
    for n in range(5):
        await broker.publish(envelope(n), f"<doc n='{n}'/>".encode())
    await broker.publish(envelope(99, "commission"), b"<other/>")
    received = await collect(broker, "authority:KZ", 5)
    assert [d.envelope.edoc_id for d in received] == [envelope(n).edoc_id for n in range(5)]
    assert received[0].body == b"<doc n='0'/>" and received[0].envelope == envelope(0)
    await broker.close()
    async with engine.connect() as connection:
        queues = [row.queue for row in await connection.execute(sa.select(broker_messages.c.queue))]
    assert queues == ["commission"]  # KZ's copies are gone, the Commission's still waits


async def test_a_message_for_a_participant_without_queue_is_refused(engine) -> None:  # type: ignore[no-untyped-def]
    broker = EmbeddedBroker(engine, PARTICIPANTS)
    with pytest.raises(PublishFailed, match="unroutable"):
        await broker.publish(envelope(1, "authority:AM"), b"<x/>")


async def test_a_failing_handler_gets_the_message_again(engine) -> None:  # type: ignore[no-untyped-def]
    broker = EmbeddedBroker(engine, PARTICIPANTS)
    await broker.start()
    await broker.publish(envelope(1), b"<x/>")
    received = await collect(broker, "authority:KZ", 1, fail_first=2)
    assert received[0].redelivered
    await broker.close()


async def test_a_poison_message_is_dead_lettered_with_its_reason_at_the_delivery_limit(engine) -> None:  # type: ignore[no-untyped-def]
    broker = EmbeddedBroker(engine, PARTICIPANTS, delivery_limit=3)
    await broker.start()
    await broker.publish(envelope(1), b"<poison/>")

    async def always_fails(_delivery: Delivery) -> None:
        raise ValueError("cannot process")

    await broker.consume("authority:KZ", always_fails)
    for _ in range(100):
        if await broker.dead_letters("authority:KZ"):
            break
        await asyncio.sleep(0.05)
    await broker.close()
    [dead] = await broker.dead_letters("authority:KZ")
    assert (
        dead["delivery_count"] == 3
        and "delivery_limit" in dead["dead_reason"]
        and "cannot process" in dead["dead_reason"]
    )


async def test_nothing_is_lost_when_the_process_restarts(engine) -> None:  # type: ignore[no-untyped-def]
    first = EmbeddedBroker(engine, PARTICIPANTS)
    await first.start()
    for n in range(3):
        await first.publish(envelope(n), b"<x/>")
    crashed = asyncio.Event()

    async def crash_mid_processing(_delivery: Delivery) -> None:
        crashed.set()
        await asyncio.sleep(3600)  # the process dies here: never settled

    await first.consume("authority:KZ", crash_mid_processing)
    await asyncio.wait_for(crashed.wait(), 10)
    await first.close()  # the process is gone; one row is left claimed ("unacked")

    second = EmbeddedBroker(engine, PARTICIPANTS)
    await second.start()
    received = await collect(second, "authority:KZ", 3)
    assert sorted(d.envelope.edoc_id for d in received) == [envelope(n).edoc_id for n in range(3)]
    await second.close()


async def test_health_follows_the_consumers(engine) -> None:  # type: ignore[no-untyped-def]
    broker = EmbeddedBroker(engine, PARTICIPANTS)
    await broker.start()

    async def handler(delivery: Delivery) -> None:
        await delivery.ack()

    await broker.consume("authority:KZ", handler)
    assert await broker.healthy()
    await broker.close()
    assert not await broker.healthy()
