"""Several participants' nodes in one test, each with its own PostgreSQL database, all on the real
RabbitMQ (one fresh virtual host): the production set-up, started in-process.

A migrated template database is made once per run; each node's database is a copy of it, so eight
nodes start in seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sanmeasures.app import create_app
from sanmeasures.exchange.participants import Participant
from sanmeasures.exchange.runtime import Exchange
from sanmeasures.processes.credentials import issue_key
from sanmeasures.processes.effects import store
from sanmeasures.processes.submission import Submission, submit
from sanmeasures.settings import Settings
from sanmeasures.storage.engine import create_engine
from sanmeasures.storage.migrate import upgrade
from sanmeasures.storage.tables import deliveries, documents
from tests.conftest import POSTGRES_SERVER

_template: str | None = None


async def admin(statement: str) -> None:
    engine = create_engine(f"{POSTGRES_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(sa.text(statement))
    finally:
        await engine.dispose()


async def migrated_template() -> str:
    """The name of a migrated, empty database to copy (made once per test run)."""
    global _template
    if _template is None:
        name = f"sanmeasures_template_{uuid.uuid4().hex[:10]}"
        await admin(f'CREATE DATABASE "{name}"')
        await asyncio.to_thread(upgrade, f"{POSTGRES_SERVER}/{name}")
        _template = name
    return _template


async def drop_template() -> None:
    global _template
    if _template is not None:
        await admin(f'DROP DATABASE IF EXISTS "{_template}" WITH (FORCE)')
        _template = None


async def new_database() -> str:
    """A fresh migrated database's URL (drop it with :func:`drop_database`)."""
    template = await migrated_template()
    name = f"sanmeasures_node_{uuid.uuid4().hex[:12]}"
    await admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return f"{POSTGRES_SERVER}/{name}"


async def drop_database(url: str) -> None:
    await admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def node_settings(
    participant: str, database_url: str, broker_url: str, deployment: Iterable[str]
) -> Settings:
    return Settings(
        database_url=database_url,
        broker_url=broker_url,
        participants=tuple(deployment),
        participant=participant,
        database_pool=4,  # eight nodes share one PostgreSQL server (100 connections)
    )


@dataclass
class Node:
    participant: Participant
    database_url: str
    engine: AsyncEngine
    exchange: Exchange | None = None
    api: httpx.AsyncClient | None = None  # the node's HTTP API, with the participant's key

    async def query(self, work: Callable[[AsyncConnection], Awaitable[Any]]) -> Any:
        async with self.engine.connect() as connection:
            return await work(connection)


@dataclass
class Network:
    deployment: tuple[str, ...]
    broker_url: str
    nodes: dict[str, Node] = field(default_factory=dict)
    _apps: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)

    @property
    def known(self) -> tuple[Participant, ...]:
        return tuple(Participant.parse(p) for p in self.deployment)

    async def start(self, running: Iterable[str] | None = None) -> None:
        """Create every node's database; start the exchange of ``running`` (default: every node)."""
        for participant in self.deployment:
            url = await new_database()
            engine = create_engine(url, **node_settings(participant, url, "", ()).engine_options())
            self.nodes[participant] = Node(Participant.parse(participant), url, engine)
        for participant in self.deployment if running is None else running:
            await self.start_exchange(participant)

    async def start_exchange(self, participant: str) -> None:
        node = self.nodes[participant]
        settings = node_settings(participant, node.database_url, self.broker_url, self.deployment)
        node.exchange = Exchange(settings, node.engine, effect=store, relay_idle_seconds=0.05)
        await node.exchange.start()

    async def start_api(self) -> None:
        """Run every node as its HTTP application (its lifespan starts its exchange), each with an API
        key of its participant: submissions then go through POST /api/v1/messages."""
        for participant in self.deployment:
            url = await new_database()
            settings = node_settings(participant, url, self.broker_url, self.deployment)
            app = create_app(settings)
            await self._apps.enter_async_context(app.router.lifespan_context(app))
            engine: AsyncEngine = app.state.engine
            async with engine.begin() as connection:
                key = (await issue_key(connection, Participant.parse(participant))).key
            client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url=f"http://{participant.replace(':', '-')}",
                headers={"Authorization": f"Bearer {key}"},
            )
            await self._apps.enter_async_context(client)
            self.nodes[participant] = Node(Participant.parse(participant), url, engine, api=client)

    async def post(self, participant: str, data: bytes, **params: str) -> httpx.Response:
        api = self.nodes[participant].api
        assert api is not None, "start the network with start_api()"
        return await api.post(
            "/api/v1/messages", content=data, params=params, headers={"Content-Type": "application/xml"}
        )

    async def stop(self) -> None:
        await self._apps.aclose()  # the applications stop their exchanges and dispose of their engines
        for node in self.nodes.values():
            if node.api is None:  # started without its application
                if node.exchange is not None:
                    await node.exchange.stop()
                await node.engine.dispose()
            await drop_database(node.database_url)

    async def submit(self, participant: str, data: bytes) -> Submission:
        node = self.nodes[participant]
        return await submit(node.engine, node.participant, self.known, data)

    async def delivery_states(self, sender: str, edoc_ids: Iterable[str]) -> dict[tuple[str, str], str]:
        """(EDocId, recipient) → state of the sender's delivery records."""
        ids = list(edoc_ids)

        async def work(connection: AsyncConnection) -> dict[tuple[str, str], str]:
            rows = await connection.execute(
                sa.select(deliveries.c.edoc_id, deliveries.c.recipient, deliveries.c.state).where(
                    deliveries.c.edoc_id.in_(ids)
                )
            )
            return {(row.edoc_id, row.recipient): row.state for row in rows}

        return await self.nodes[sender].query(work)

    async def wait_settled(self, sent: dict[str, list[str]], timeout: float = 60.0) -> None:
        """Wait until every delivery of ``sent`` (sender → EDocIds) is settled: accepted (a request perhaps
        answered already), rejected or failed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            states = {
                (sender, *key): state
                for sender, ids in sent.items()
                for key, state in (await self.delivery_states(sender, ids)).items()
            }
            unsettled = {
                key: s for key, s in states.items() if s not in {"accepted", "answered", "rejected", "failed"}
            }
            if states and not unsettled:
                return
            if loop.time() > deadline:
                raise AssertionError(f"not settled after {timeout} s: {unsettled}")
            await asyncio.sleep(0.1)

    async def holders(self, edoc_id: str) -> dict[str, int]:
        """Participant → how many received documents with this EDocId its database holds."""
        counts = {}
        for participant, node in self.nodes.items():

            async def work(connection: AsyncConnection) -> int:
                return (
                    await connection.execute(
                        sa.select(sa.func.count())
                        .select_from(documents)
                        .where(documents.c.edoc_id == edoc_id, documents.c.direction == "in")
                    )
                ).scalar_one()

            held = await node.query(work)
            if held:
                counts[participant] = held
        return counts
