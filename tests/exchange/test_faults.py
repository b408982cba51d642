"""Issue 4's fault tests: a stream of 1,000 notifications survives every broker connection being
force-closed mid-stream, and a receiving node killed mid-processing (SIGKILL) and started again.
Every notification is stored exactly once at every recipient; none is lost (DESIGN.md: signals,
at-least-once delivery made exactly-once by the inbox)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator

import httpx
import pytest
import sqlalchemy as sa

from sanmeasures.storage.tables import case_versions, cases, deliveries, inbox
from tests.support.flows import morbidity_notices
from tests.support.network import Network, Node, drop_template
from tests.support.rabbitmq import fresh_vhost, rabbitmqctl, vhost_url

DEPLOYMENT = ("authority:KZ", "authority:RU", "commission")
RECIPIENTS = ("authority:RU", "commission")
STREAM = 1000


@pytest.fixture
async def vhost() -> AsyncIterator[str]:
    with fresh_vhost() as name:
        yield name


async def held(node: Node) -> tuple[int, int, int, int]:
    """(inbox rows, distinct EDocIds in the inbox, cases, case versions) of a node's database."""

    async def work(connection):  # type: ignore[no-untyped-def]
        count = sa.func.count
        return (
            (await connection.execute(sa.select(count()).select_from(inbox))).scalar_one(),
            (await connection.execute(sa.select(count(sa.distinct(inbox.c.edoc_id))))).scalar_one(),
            (await connection.execute(sa.select(count()).select_from(cases))).scalar_one(),
            (await connection.execute(sa.select(count()).select_from(case_versions))).scalar_one(),
        )

    return await node.query(work)


async def submit_stream(network: Network, notices: list[bytes]) -> list[str]:
    ids = []
    for data in notices:
        submission = await network.submit("authority:KZ", data)
        assert submission.outcome == "accepted", submission.issues
        ids.append(submission.edoc_id)
    return ids


async def every_delivery_accepted(network: Network, ids: list[str], timeout: float) -> None:
    await network.wait_settled({"authority:KZ": ids}, timeout=timeout)
    states = await network.delivery_states("authority:KZ", ids)
    assert len(states) == STREAM * len(RECIPIENTS)
    assert set(states.values()) == {"accepted"}


async def test_a_stream_survives_every_connection_force_closed_mid_stream(vhost: str) -> None:
    network = Network(DEPLOYMENT, vhost_url(vhost))
    try:
        await network.start()
        stream = asyncio.create_task(submit_stream(network, morbidity_notices(STREAM)))

        # Once the recipients are well into the stream, cut every connection of the virtual host.
        async with asyncio.timeout(120):
            while (await held(network.nodes["authority:RU"]))[0] < STREAM // 5:
                await asyncio.sleep(0.05)
        rabbitmqctl("close_all_connections", "-p", vhost, "fault test: mid-stream")

        ids = await stream
        await every_delivery_accepted(network, ids, timeout=240)
        for recipient in RECIPIENTS:
            assert await held(network.nodes[recipient]) == (STREAM, STREAM, STREAM, STREAM), recipient
    finally:
        await network.stop()
        await drop_template()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class NodeProcess:
    """``sanmeasures node --participant …`` as a real process, killed the hard way."""

    def __init__(self, participant: str, database_url: str, broker_url: str) -> None:
        self.participant = participant
        self.port = free_port()
        self.env = {
            **os.environ,
            "SANMEASURES_DATABASE_URL": database_url,
            "SANMEASURES_BROKER_URL": broker_url,
            "SANMEASURES_PARTICIPANTS": ",".join(DEPLOYMENT),
        }
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        command = [sys.executable, "-m", "sanmeasures.cli", "node", "--participant", self.participant]
        self.process = subprocess.Popen(
            [*command, "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        async with asyncio.timeout(60), httpx.AsyncClient() as client:
            while True:
                assert self.process.poll() is None, "the node process exited"
                try:
                    if (await client.get(f"http://127.0.0.1:{self.port}/health")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)


async def test_a_receiving_node_killed_mid_processing_loses_nothing_after_a_restart(vhost: str) -> None:
    network = Network(DEPLOYMENT, vhost_url(vhost))
    ru: NodeProcess | None = None
    try:
        await network.start(running=("authority:KZ", "commission"))
        ru_node = network.nodes["authority:RU"]
        ru = NodeProcess("authority:RU", ru_node.database_url, vhost_url(vhost))
        await ru.start()
        stream = asyncio.create_task(submit_stream(network, morbidity_notices(STREAM)))

        async with asyncio.timeout(120):
            while (await held(ru_node))[0] < STREAM // 5:
                await asyncio.sleep(0.02)
        ru.kill()  # SIGKILL in the middle of processing: transactions cut, messages unacknowledged
        killed_at = (await held(ru_node))[0]
        assert killed_at < STREAM  # it really died mid-stream

        await asyncio.sleep(1)
        await ru.start()
        ids = await stream
        await every_delivery_accepted(network, ids, timeout=240)
        for recipient in RECIPIENTS:
            assert await held(network.nodes[recipient]) == (STREAM, STREAM, STREAM, STREAM), recipient

        async def resent(connection):  # type: ignore[no-untyped-def]
            return (await connection.execute(sa.select(sa.func.max(deliveries.c.attempts)))).scalar_one()

        assert await network.nodes["authority:KZ"].query(resent) == 1  # RabbitMQ kept them: no re-send needed
    finally:
        if ru is not None:
            ru.kill()
        await network.stop()
        await drop_template()
