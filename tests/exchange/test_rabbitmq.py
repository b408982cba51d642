"""The RabbitMQ broker against the real RabbitMQ on 127.0.0.1:5672 (guest/guest), never mocked.

The module runs on its own virtual host (created and deleted with ``rabbitmqctl``), and each test
gives its broker a unique ``namespace`` so no test sees another's exchanges, queues or messages.
Forcing every connection closed (``rabbitmqctl close_all_connections -p <vhost>``) touches only the
connections of that virtual host.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import aio_pika
import pytest
import sqlalchemy as sa

from sanmeasures.exchange import topology
from sanmeasures.exchange.broker import Delivery, PublishFailed
from sanmeasures.exchange.envelope import Envelope
from sanmeasures.exchange.rabbitmq import DEAD_REASON_HEADER, REPLAYED_HEADER, RabbitMqBroker
from tests.support.rabbitmq import fresh_vhost, rabbitmqctl, vhost_url

PARTICIPANTS = ("authority:KZ", "authority:RU", "commission", "supervisory:KZ:01")
SENT = dt.datetime(2026, 3, 2, 10, 15, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def vhost() -> Iterator[str]:
    with fresh_vhost() as name:
        yield name


@pytest.fixture
def url(vhost: str) -> str:
    return vhost_url(vhost)


def new_broker(url: str, namespace: str | None = None, **options: Any) -> RabbitMqBroker:
    options.setdefault("publish_timeout", 5.0)
    options.setdefault("reconnect_interval", 0.5)
    options.setdefault("retry_delay", 0.001)
    return RabbitMqBroker(url, PARTICIPANTS, namespace=namespace or f"t{uuid.uuid4().hex[:8]}.", **options)


@pytest.fixture
async def broker(url: str) -> AsyncIterator[RabbitMqBroker]:
    broker = new_broker(url)
    await broker.start()
    yield broker
    await broker.close()


@pytest.fixture
async def raw(url: str) -> AsyncIterator[aio_pika.abc.AbstractChannel]:
    """A plain channel of the test itself, to look at queues behind the broker's back."""
    connection = await aio_pika.connect(url)
    yield await connection.channel()
    await connection.close()


def envelope(n: int = 1, recipient: str = "authority:KZ", *, edoc_id: str | None = None) -> Envelope:
    return Envelope(
        edoc_id or f"00000000-0000-4000-8000-{n:012d}",
        "11111111-0000-4000-8000-000000000000",
        "P.SS.08.MSG.017",
        "R.SM.SS.08.002",
        "authority:RU",
        recipient,
        SENT,
    )


async def wait_for(condition: Callable[[], Awaitable[bool] | bool], timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while True:
            result = condition()
            if await result if isinstance(result, Awaitable) else result:
                return
            await asyncio.sleep(0.02)


async def message_count(channel: aio_pika.abc.AbstractChannel, queue: str) -> int:
    declared = await channel.declare_queue(queue, passive=True)
    return declared.declaration_result.message_count or 0


async def test_topology_is_declared_as_in_the_definitions_and_idempotently(
    broker: RabbitMqBroker, url: str, vhost: str
) -> None:
    again = new_broker(url, broker._namespace)
    await again.start()  # the same declarations a second time: accepted
    await again.close()

    queues = {
        q["name"]: q
        for q in json.loads(
            rabbitmqctl(
                "list_queues", "-p", vhost, "name", "type", "durable", "arguments", "--formatter", "json"
            )
        )
    }
    bindings = {
        (b["source_name"], b["destination_name"], b["routing_key"])
        for b in json.loads(
            rabbitmqctl(
                "list_bindings",
                "-p",
                vhost,
                "source_name",
                "destination_name",
                "routing_key",
                "--formatter",
                "json",
            )
        )
    }
    for participant in PARTICIPANTS:
        inbound = queues[broker.queue_name(participant)]
        assert inbound["type"] == "quorum" and inbound["durable"]
        arguments = {name: value for name, _kind, value in inbound["arguments"]}
        assert arguments == broker.queue_arguments(participant)
        assert arguments["x-delivery-limit"] == topology.DELIVERY_LIMIT
        assert arguments["x-dead-letter-exchange"] == broker.dead_letter_exchange
        assert arguments["x-dead-letter-routing-key"] == participant
        assert queues[broker.dead_letter_queue_name(participant)]["type"] == "quorum"
        assert (
            broker.business_exchange,
            broker.queue_name(participant),
            topology.binding_key(participant),
        ) in bindings
        assert (
            broker.dead_letter_exchange,
            broker.dead_letter_queue_name(participant),
            participant,
        ) in bindings
    # the production names, with the namespace as the only difference
    assert broker.queue_name("commission") == broker._namespace + topology.queue_name("commission")
    assert broker.business_exchange == broker._namespace + topology.BUSINESS_EXCHANGE


async def test_a_message_reaches_exactly_its_recipients_queue_persistent_and_complete(
    broker: RabbitMqBroker, raw: aio_pika.abc.AbstractChannel
) -> None:
    await broker.publish(envelope(1, "supervisory:KZ:01"), b"<doc/>")  # returns only once confirmed
    counts = {p: await message_count(raw, broker.queue_name(p)) for p in PARTICIPANTS}
    assert counts == {"authority:KZ": 0, "authority:RU": 0, "commission": 0, "supervisory:KZ:01": 1}

    queue = await raw.declare_queue(broker.queue_name("supervisory:KZ:01"), passive=True)
    message = await queue.get(no_ack=True)
    assert message.delivery_mode == aio_pika.DeliveryMode.PERSISTENT
    assert message.content_type == "application/xml" and message.body == b"<doc/>"
    assert message.routing_key == "P.SS.08.MSG.017.supervisory:KZ:01"
    sent = envelope(1, "supervisory:KZ:01")
    assert Envelope.from_message(message.message_id, message.correlation_id, dict(message.headers)) == sent


async def test_an_unroutable_message_is_refused_and_publishing_goes_on(broker: RabbitMqBroker) -> None:
    with pytest.raises(PublishFailed, match="unroutable"):
        await broker.publish(envelope(1, "authority:AM"), b"<x/>")  # AM has no queue here
    await broker.publish(envelope(2), b"<x/>")


async def test_copies_of_one_document_to_several_recipients_are_confirmed_or_refused_each(
    broker: RabbitMqBroker, raw: aio_pika.abc.AbstractChannel
) -> None:
    # the copies share the EDocId (the AMQP message id): a return must not be taken for another's
    copies = ["authority:KZ", "authority:AM", "commission", "authority:BY", "authority:RU"] * 4
    results = await asyncio.gather(
        *(broker.publish(envelope(7, r), b"<x/>") for r in copies), return_exceptions=True
    )
    for recipient, result in zip(copies, results, strict=True):
        if recipient in PARTICIPANTS:
            assert result is None, (recipient, result)
        else:
            assert isinstance(result, PublishFailed), (recipient, result)
    assert await message_count(raw, broker.queue_name("authority:KZ")) == 4


async def test_a_message_the_broker_refuses_raises(
    broker: RabbitMqBroker, raw: aio_pika.abc.AbstractChannel
) -> None:
    # a queue that refuses every message (x-overflow reject-publish, nothing fits): the broker nacks
    full = await raw.declare_queue(
        f"{broker._namespace}full", arguments={"x-max-length": 0, "x-overflow": "reject-publish"}
    )
    await full.bind(broker.business_exchange, topology.binding_key("authority:BY"))
    with pytest.raises(PublishFailed, match="nack"):
        await broker.publish(envelope(1, "authority:BY"), b"<x/>")


async def test_no_confirm_within_the_timeout_raises(url: str) -> None:
    broker = new_broker(url, publish_timeout=1e-6)  # no confirm can come back this fast
    await broker.start()
    try:
        with pytest.raises(PublishFailed, match="no confirm within"):
            await broker.publish(envelope(1), b"<x/>")
    finally:
        await broker.close()


async def test_a_publish_on_a_closed_broker_raises(url: str) -> None:
    broker = new_broker(url)
    await broker.start()
    await broker.close()
    with pytest.raises((PublishFailed, RuntimeError)):
        await broker.publish(envelope(1), b"<x/>")


async def test_a_handler_exception_leads_to_redelivery_after_a_growing_pause(url: str) -> None:
    broker = new_broker(url, retry_delay=0.05)
    await broker.start()
    seen: list[tuple[float, Delivery]] = []
    done = asyncio.Event()

    async def handler(delivery: Delivery) -> None:
        seen.append((asyncio.get_running_loop().time(), delivery))
        if len(seen) < 3:
            raise RuntimeError("database is down")
        await delivery.ack()
        done.set()

    try:
        await broker.consume("authority:KZ", handler)
        await broker.publish(envelope(1), b"<x/>")
        await asyncio.wait_for(done.wait(), 10)
    finally:
        await broker.close()
    assert [d.redelivered for _, d in seen] == [False, True, True]
    assert {d.envelope for _, d in seen} == {envelope(1)}
    (t0, _), (t1, _), (t2, _) = seen
    assert t1 - t0 >= 0.05 and t2 - t1 >= 0.1  # 0.05 s, then doubled


async def test_a_poison_message_is_dead_lettered_after_the_delivery_limit_and_can_be_replayed(
    broker: RabbitMqBroker,
) -> None:
    calls: Counter[str] = Counter()
    fixed = asyncio.Event()
    processed: list[Delivery] = []

    async def handler(delivery: Delivery) -> None:
        calls[delivery.envelope.edoc_id] += 1
        if not fixed.is_set():
            raise RuntimeError("cannot process this one")
        processed.append(delivery)
        await delivery.ack()

    await broker.consume("authority:KZ", handler)
    await broker.publish(envelope(1), b"<poison/>")

    async def dead_lettered() -> bool:
        return bool(await broker.dead_letters("authority:KZ"))

    await wait_for(dead_lettered)
    [letter] = await broker.dead_letters("authority:KZ")
    assert (
        letter.reason == "delivery_limit" and letter.envelope == envelope(1) and letter.body == b"<poison/>"
    )
    assert topology.DELIVERY_LIMIT <= calls[envelope(1).edoc_id] <= topology.DELIVERY_LIMIT + 1
    assert len(await broker.dead_letters("authority:KZ")) == 1  # reading left it in place

    fixed.set()  # the bug is fixed: replay it
    assert await broker.republish("authority:KZ") == [envelope(1).edoc_id]
    await wait_for(lambda: bool(processed))
    assert processed[0].envelope == envelope(1) and processed[0].body == b"<poison/>"
    assert await broker.dead_letters("authority:KZ") == []


async def test_an_invalid_envelope_is_dead_lettered_with_its_reason(
    broker: RabbitMqBroker, raw: aio_pika.abc.AbstractChannel
) -> None:
    handled: list[Delivery] = []

    async def handler(delivery: Delivery) -> None:
        handled.append(delivery)
        await delivery.ack()

    await broker.consume("authority:KZ", handler)
    headers = envelope(1).headers()
    del headers["sender"]
    exchange = await raw.get_exchange(broker.business_exchange)
    await exchange.publish(
        aio_pika.Message(b"<broken/>", message_id="m-1", headers=headers), "P.SS.08.MSG.017.authority:KZ"
    )

    async def dead_lettered() -> bool:
        return bool(await broker.dead_letters("authority:KZ"))

    await wait_for(dead_lettered)
    [letter] = await broker.dead_letters("authority:KZ")
    assert letter.envelope is None and letter.message_id == "m-1" and letter.body == b"<broken/>"
    assert "missing sender" in letter.reason and letter.headers[DEAD_REASON_HEADER] == letter.reason
    assert not handled
    assert await broker.republish("authority:KZ") == []  # cannot be routed again: stays
    assert len(await broker.dead_letters("authority:KZ")) == 1
    assert await message_count(raw, broker.queue_name("authority:KZ")) == 0


async def test_a_handler_dead_letters_with_its_own_reason(broker: RabbitMqBroker) -> None:
    async def handler(delivery: Delivery) -> None:
        await delivery.dead_letter("XSD: element EDocCode missing")

    await broker.consume("commission", handler)
    await broker.publish(envelope(3, "commission"), b"<x/>")

    async def dead_lettered() -> bool:
        return bool(await broker.dead_letters("commission"))

    await wait_for(dead_lettered)
    [letter] = await broker.dead_letters("commission")
    assert letter.reason == "XSD: element EDocCode missing" and letter.envelope == envelope(3, "commission")
    assert await broker.republish("commission", ["someone-else"]) == []  # not selected: stays
    assert len(await broker.dead_letters("commission")) == 1


async def test_health_follows_the_consumers(broker: RabbitMqBroker) -> None:
    async def handler(delivery: Delivery) -> None:
        await delivery.ack()

    assert await broker.healthy()
    await broker.consume("authority:RU", handler)
    assert await broker.healthy()
    # a consumer whose channel did not come back (closed for good) makes the node unhealthy
    await broker._consumers[0].channel.close()
    assert not await broker.healthy()
    await broker.close()
    assert not await broker.healthy()


async def ctl(*args: str) -> None:
    """rabbitmqctl without blocking the event loop (the brokers must see the outage as it happens)."""
    process = await asyncio.create_subprocess_exec(
        "rabbitmqctl", *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _out, err = await process.communicate()
    assert process.returncode == 0, err


async def test_nothing_is_lost_when_every_connection_is_closed_mid_stream(url: str, vhost: str) -> None:
    """Issue 4 fault test: a stream of 1,000 notifications; every connection of the vhost is
    force-closed after a quarter, and again after half of it, that time with the broker refusing to take
    the nodes back for a while (as during a restart). Every notification is received at least once
    (the inbox makes it exactly once by EDocId); health goes False during the outage, then True."""
    total = 1000
    namespace = f"t{uuid.uuid4().hex[:8]}."
    sender, receiver = new_broker(url, namespace), new_broker(url, namespace)
    await sender.start()
    await receiver.start()
    received: Counter[str] = Counter()
    confirmed: set[str] = set()
    failures: list[str] = []
    problems: list[str | None] = []  # each change of what health_problem() says

    async def handler(delivery: Delivery) -> None:
        received[delivery.envelope.edoc_id] += 1
        await delivery.ack()

    async def watch() -> None:
        while True:
            problem = await receiver.health_problem() or await sender.health_problem()
            if not problems or problems[-1] != problem:
                problems.append(problem)
            await asyncio.sleep(0.02)

    ids = [str(uuid.uuid4()) for _ in range(total)]
    pending = iter(ids)

    # The stream waits for each fault before it gets too far, so however slow rabbitmqctl is on a busy
    # machine, the faults land in its middle.
    first_fault, second_fault = asyncio.Event(), asyncio.Event()

    async def relay() -> None:
        # what the outbox relay does: a message is done only once publish() returned
        for edoc_id in pending:
            if len(confirmed) >= total // 2:
                await first_fault.wait()
            if len(confirmed) >= 3 * total // 4:
                await second_fault.wait()
            while True:
                try:
                    await sender.publish(envelope(edoc_id=edoc_id, recipient="commission"), b"<n/>")
                except PublishFailed as exc:
                    failures.append(str(exc))
                    await asyncio.sleep(0.05)
                    continue
                confirmed.add(edoc_id)
                break
            await asyncio.sleep(0.02)  # a steady stream (≈ 400/s), so both faults land in its middle

    watcher = asyncio.create_task(watch())
    try:
        await receiver.consume("commission", handler)
        await wait_for(lambda: problems == [None])
        relays = [asyncio.create_task(relay()) for _ in range(8)]
        await wait_for(lambda: len(confirmed) >= total // 4, 30)
        await ctl("close_all_connections", "-p", vhost, "sanmeasures fault test")
        at_close = [len(confirmed)]
        first_fault.set()
        await wait_for(lambda: len(confirmed) >= 5 * total // 8, 30)
        await ctl("clear_permissions", "-p", vhost, "guest")
        await ctl("close_all_connections", "-p", vhost, "sanmeasures fault test, broker restarting")
        at_close.append(len(confirmed))
        second_fault.set()
        await wait_for(lambda: problems[-1] is not None)  # cannot reconnect: noticed
        await asyncio.sleep(0.5)
        await ctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        await asyncio.wait_for(asyncio.gather(*relays), 30)
        await wait_for(lambda: set(received) >= confirmed, 30)
        await wait_for(lambda: problems[-1] is None, 15)
    finally:
        watcher.cancel()
        await sender.close()
        await receiver.close()

    assert confirmed == set(ids)
    assert set(received) == set(ids), f"lost: {len(set(ids) - set(received))}"
    assert at_close[-1] < total, at_close  # the faults hit the stream, not its end
    assert problems[0] is None and problems[-1] is None and len(problems) > 2, problems
    duplicates = sum(count - 1 for count in received.values())
    print(
        f"confirmed at the faults {at_close}; publish failures retried: {len(failures)}; duplicates: {duplicates}"
    )
    print(f"health: {problems}")


def test_the_reason_is_read_from_what_rabbitmq_recorded_too() -> None:
    from sanmeasures.exchange.rabbitmq import dead_reason

    assert dead_reason({"x-death": [{"reason": "delivery_limit", "queue": "q"}]}) == "delivery_limit"
    assert dead_reason({"x-first-death-reason": b"rejected"}) == "rejected"
    assert dead_reason({DEAD_REASON_HEADER: "bad", "x-first-death-reason": "rejected"}) == "bad"
    assert dead_reason({}) == "unknown"
    assert REPLAYED_HEADER.startswith("x-")


def test_an_operator_lists_and_replays_a_rabbitmq_dead_letter_from_the_command_line(
    url: str, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sanmeasures messages dead` shows the hosted participant's RabbitMQ dead letters with their
    reason; `messages replay EDocId` puts one back into its queue and writes the audit log."""
    from typer.testing import CliRunner

    from sanmeasures.cli import app as cli
    from sanmeasures.storage.migrate import upgrade
    from sanmeasures.storage.tables import audit_log

    upgrade(sqlite_url)
    namespace = f"t{uuid.uuid4().hex[:8]}."

    async def poison() -> None:
        broker = new_broker(url, namespace)
        await broker.start()
        try:

            async def handler(delivery: Delivery) -> None:
                await delivery.dead_letter("no flow accepts this document (test)")

            await broker.consume("authority:KZ", handler)
            await broker.publish(envelope(7), b"<poison/>")
            await wait_for(lambda: _has_dead_letters(broker))
        finally:
            await broker.close()

    asyncio.run(poison())
    for name, value in {
        "SANMEASURES_BROKER_URL": url,
        "SANMEASURES_BROKER_NAMESPACE": namespace,
        "SANMEASURES_PARTICIPANTS": ",".join(PARTICIPANTS),
        "SANMEASURES_PARTICIPANT": "authority:KZ",
        "SANMEASURES_DATABASE_URL": sqlite_url,
    }.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    edoc_id = envelope(7).edoc_id

    listed = runner.invoke(cli, ["messages", "dead"])
    assert listed.exit_code == 0, listed.output
    assert edoc_id in listed.output and "no flow accepts this document (test)" in listed.output

    replayed = runner.invoke(cli, ["messages", "replay", edoc_id, "--actor", "ops:aliya"])
    assert replayed.exit_code == 0, replayed.output
    assert runner.invoke(cli, ["messages", "dead"]).output.strip() == "no dead letters"
    assert runner.invoke(cli, ["messages", "replay", edoc_id]).exit_code == 1  # nothing left to replay

    async def audit() -> list[tuple[str, str, str]]:
        from sanmeasures.storage.engine import create_engine

        engine = create_engine(sqlite_url)
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(
                    sa.select(audit_log.c.actor, audit_log.c.action, audit_log.c.subject)
                )
                return [tuple(row) for row in rows]
        finally:
            await engine.dispose()

    assert asyncio.run(audit()) == [("ops:aliya", "replay", edoc_id)]


async def _has_dead_letters(broker: RabbitMqBroker) -> bool:
    return bool(await broker.dead_letters("authority:KZ"))
