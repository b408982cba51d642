"""Issue 4's multi-node run: five authorities, the Commission and two supervisory bodies, each node on
its own PostgreSQL database, all on the real RabbitMQ. One document of every flow of DESIGN.md is
submitted; exactly the recipients of the flows table store it, once, and its sender holds an
accepted processing result from each (Rules §6–8, §34–39)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import sqlalchemy as sa

from sanmeasures.contract.pipeline import validate_document
from sanmeasures.exchange.routing import BY_NAME, FLOWS
from sanmeasures.storage.tables import deliveries, delivery_events, documents, inbox
from tests.support.flows import DEPLOYMENT, Message, follow_ups, requests_and_notifications
from tests.support.network import Network, drop_template
from tests.support.rabbitmq import fresh_vhost, vhost_url

SIGNALS = ("R.006", "R.SM.SS.00.001")  # a processing result and a receipt


@pytest.fixture
async def network() -> AsyncIterator[Network]:
    with fresh_vhost() as vhost:
        net = Network(DEPLOYMENT, vhost_url(vhost))
        try:
            await net.start()
            yield net
        finally:
            await net.stop()
            await drop_template()


async def send_all(network: Network, messages: list[Message]) -> None:
    for message in messages:
        submission = await network.submit(message.sender, message.data)
        assert submission.outcome == "accepted", (message.flow, submission.issues)
        assert set(submission.recipients) == message.recipients, message.flow
    sent: dict[str, list[str]] = {}
    for message in messages:
        sent.setdefault(message.sender, []).append(message.edoc_id)
    await network.wait_settled(sent)


async def test_every_flow_reaches_exactly_its_recipients_once_with_every_signal_back(
    network: Network,
) -> None:
    asked = requests_and_notifications()
    await send_all(network, asked)
    answered = follow_ups(asked)
    await send_all(network, answered)
    messages = asked + answered
    answered_flows = {BY_NAME[m.flow].answers for m in answered} - {None}
    assert {m.flow for m in messages} == {flow.name for flow in FLOWS}  # one of every flow

    for message in messages:
        # Exactly the recipients hold it, each once.
        assert await network.holders(message.edoc_id) == dict.fromkeys(message.recipients, 1), message.flow
        # The sender holds an accepted processing result from every recipient, and a request its answer …
        settled = "answered" if message.flow in answered_flows else "accepted"
        states = await network.delivery_states(message.sender, [message.edoc_id])
        assert states == {(message.edoc_id, r): settled for r in message.recipients}, message.flow

        # … and the signals themselves: a receipt and a processing result per recipient.
        async def signals(connection, edoc_id=message.edoc_id):  # type: ignore[no-untyped-def]
            rows = await connection.execute(
                sa.select(documents.c.sender, documents.c.structure_code).where(
                    documents.c.edoc_ref_id == edoc_id, documents.c.direction == "in"
                )
            )
            return sorted((row.sender, row.structure_code) for row in rows)

        # (A requester also holds the answer, which names the request too.)
        held = [pair for pair in await network.nodes[message.sender].query(signals) if pair[1] in SIGNALS]
        assert held == sorted((r, s) for r in message.recipients for s in SIGNALS), message.flow

    # Every recipient recorded each document's effect once: one inbox row per (recipient, EDocId).
    for participant, node in network.nodes.items():

        async def counts(connection):  # type: ignore[no-untyped-def]
            rows = await connection.execute(
                sa.select(inbox.c.edoc_id, sa.func.count()).group_by(inbox.c.edoc_id)
            )
            return dict(rows.all())

        per_document = await node.query(counts)
        assert set(per_document.values()) <= {1}, participant
        business = {m.edoc_id for m in messages if participant in m.recipients}
        assert business <= set(per_document), participant


async def test_what_rules_39_withholds_never_leaves_in_a_section_38_exchange(network: Network) -> None:
    """The RU retailer where the sausage was found (Table 3 item 8.1, in the default policy with item 9.8) reaches the
    others in the §22 notice, but not KZ in the §38 production-violation notice; KZ's node records
    the withheld items in the delivery's timeline at RU."""
    asked = {m.flow: m for m in requests_and_notifications()}
    notice, violation = asked["dangerous_product.notice"], asked["production_violation.notice"]
    await send_all(network, [notice, violation])
    retailer_tax_id = b"7701234567"

    async def received(connection, edoc_id):  # type: ignore[no-untyped-def]
        return (
            await connection.execute(sa.select(documents.c.xml).where(documents.c.edoc_id == edoc_id))
        ).scalar_one()

    kz = network.nodes["authority:KZ"]
    assert retailer_tax_id in await kz.query(lambda c: received(c, notice.edoc_id))
    stripped = await kz.query(lambda c: received(c, violation.edoc_id))
    assert retailer_tax_id not in stripped
    assert validate_document(stripped).ok  # still a valid R.SM.SS.08.002

    async def queued_detail(connection):  # type: ignore[no-untyped-def]
        return (
            await connection.execute(
                sa.select(delivery_events.c.detail)
                .join(deliveries, deliveries.c.id == delivery_events.c.delivery_id)
                .where(deliveries.c.edoc_id == violation.edoc_id, delivery_events.c.state == "queued")
            )
        ).scalar_one()

    assert (await network.nodes["authority:RU"].query(queued_detail))["withheld"] == ["T3/8.1", "T3/9.8"]


async def test_a_node_whose_broker_refuses_it_says_where_and_why() -> None:
    """A wrong virtual host gives the operator a one-line reason, not an AMQP traceback."""
    from sanmeasures.exchange.runtime import BrokerUnavailable, Exchange
    from sanmeasures.settings import Settings
    from sanmeasures.storage.engine import create_engine

    settings = Settings(broker_url=vhost_url("no-such-vhost-for-sanmeasures"), participant="authority:KZ")
    engine = create_engine("sqlite+aiosqlite://")
    try:
        with pytest.raises(BrokerUnavailable, match="no-such-vhost-for-sanmeasures"):
            await Exchange(settings, engine).start()
    finally:
        await engine.dispose()
