"""Outbox -> broker -> inbox -> signals, on the embedded broker and both database engines.

Several nodes share one database here (the embedded broker's single process); every table is keyed
by EDocId and participant, so each node's records stay its own.
"""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from sanmeasures.cases.store import record_alert_document
from sanmeasures.contract.examples import example_document
from sanmeasures.contract.pipeline import encode
from sanmeasures.exchange.embedded import EmbeddedBroker
from sanmeasures.exchange.inbox import Receiver, no_effect
from sanmeasures.exchange.outbox import Relay, enqueue
from sanmeasures.exchange.participants import Participant
from sanmeasures.storage.tables import case_versions, deliveries, delivery_events, inbox

NODES = ("authority:AM", "authority:BY", "authority:KZ", "authority:KG", "authority:RU", "commission")
KNOWN = tuple(Participant.parse(p) for p in NODES)


async def store_cases(connection, received) -> None:  # type: ignore[no-untyped-def]
    if received.flow.structure in {"R.SM.SS.08.001", "R.SM.SS.08.002"}:
        await record_alert_document(connection, received.report.document, None)


async def run_nodes(engine):  # type: ignore[no-untyped-def]
    broker = EmbeddedBroker(engine, NODES)
    await broker.start()
    relays = []
    for node in KNOWN:
        # One database for all nodes here: only the Commission stores the case, so five receivers do not
        # race to create the same row (each node has its own database in a deployment).
        effect = store_cases if node.id == "commission" else no_effect
        await broker.consume(node.id, Receiver(engine, node, KNOWN, effect=effect).handle)
        relays.append(asyncio.create_task(Relay(engine, broker, (node.id,)).run(idle_seconds=0.05)))
    return broker, relays


async def stop(broker, relays) -> None:  # type: ignore[no-untyped-def]
    """Stop the relays and wait until they have (a relay cut off mid-transaction would otherwise still
    be using the database when the test's engine is disposed)."""
    for task in relays:
        task.cancel()
    await asyncio.gather(*relays, return_exceptions=True)
    await broker.close()


async def wait_for(engine, condition, timeout: float = 20.0):  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while True:
            async with engine.connect() as connection:
                if await condition(connection):
                    return
            await asyncio.sleep(0.05)


async def send_morbidity_notice(engine, document=None) -> list[int]:  # type: ignore[no-untyped-def]
    document = document or example_document("R.SM.SS.08.001")
    async with engine.begin() as connection:  # the business change and the outbox: one transaction
        queued = await enqueue(
            connection,
            data=encode(document),
            document=document,
            structure_code="R.SM.SS.08.001",
            sender=Participant.parse("authority:KZ"),
            known=KNOWN,
        )
        return queued.delivery_ids


async def states(connection, ids):  # type: ignore[no-untyped-def]
    rows = await connection.execute(
        sa.select(deliveries.c.recipient, deliveries.c.state).where(deliveries.c.id.in_(ids))
    )
    return dict(rows.all())


async def test_a_notice_reaches_every_recipient_once_and_the_sender_holds_every_signal(engine) -> None:  # type: ignore[no-untyped-def]
    broker, relays = await run_nodes(engine)
    try:
        ids = await send_morbidity_notice(engine)

        async def all_accepted(connection) -> bool:  # type: ignore[no-untyped-def]
            return set((await states(connection, ids)).values()) == {"accepted"}

        await wait_for(engine, all_accepted)
        async with engine.connect() as connection:
            assert sorted(await states(connection, ids)) == [
                "authority:AM",
                "authority:BY",
                "authority:KG",
                "authority:RU",
                "commission",
            ]
            timeline = [
                row.state
                for row in await connection.execute(
                    sa.select(delivery_events.c.state)
                    .where(delivery_events.c.delivery_id == ids[0])
                    .order_by(delivery_events.c.id)
                )
            ]
            received = (await connection.execute(sa.select(sa.func.count()).select_from(inbox))).scalar_one()
            versions = (
                await connection.execute(sa.select(sa.func.count()).select_from(case_versions))
            ).scalar_one()
        # The broker's confirm and the recipient's signals race: a signal that wins skips the states
        # before it (a late "sent" or receipt never moves a delivery back).
        assert timeline[0] == "queued" and timeline[-1] == "accepted"
        assert timeline[1:-1] in ([], ["sent"], ["received"], ["sent", "received"])
        assert received == 5  # one inbox entry per recipient
        assert versions == 1  # the Commission stored the case once
    finally:
        await stop(broker, relays)


async def test_a_repeated_document_changes_nothing_and_gets_its_original_signals(engine) -> None:  # type: ignore[no-untyped-def]
    broker, relays = await run_nodes(engine)
    try:
        document = example_document("R.SM.SS.08.001")
        ids = await send_morbidity_notice(engine, document)

        async def all_accepted(connection) -> bool:  # type: ignore[no-untyped-def]
            return set((await states(connection, ids)).values()) == {"accepted"}

        await wait_for(engine, all_accepted)
        # The sender re-sends the same EDocId (as after a lost signal).
        async with engine.begin() as connection:
            await connection.execute(
                deliveries.update().where(deliveries.c.id.in_(ids)).values(state="queued")
            )
        await wait_for(engine, all_accepted)
        async with engine.connect() as connection:
            received = (await connection.execute(sa.select(sa.func.count()).select_from(inbox))).scalar_one()
        assert received == 5  # still one entry per recipient: the repeat changed nothing
    finally:
        await stop(broker, relays)


async def test_an_invalid_document_is_rejected_with_the_contract_errors(engine) -> None:  # type: ignore[no-untyped-def]
    broker, relays = await run_nodes(engine)
    try:
        document = example_document("R.SM.SS.08.001")
        document.public_health_alert_details[0].unified_country_code.value = "KZ"
        document.public_health_alert_details[0].measure_name.extend(
            ["лишняя мера"] * 5
        )  # names without kinds
        ids = await send_morbidity_notice(engine, document)

        async def all_rejected(connection) -> bool:  # type: ignore[no-untyped-def]
            return set((await states(connection, ids)).values()) == {"rejected"}

        await wait_for(engine, all_rejected)
        async with engine.connect() as connection:
            errors = (
                await connection.execute(sa.select(deliveries.c.last_error).where(deliveries.c.id == ids[0]))
            ).scalar_one()
            versions = (
                await connection.execute(sa.select(sa.func.count()).select_from(case_versions))
            ).scalar_one()
        assert "T2/8.1" in errors  # the rejection carries the contract's error, with its item
        assert versions == 0  # nothing of a rejected document reaches the resources
    finally:
        await stop(broker, relays)
