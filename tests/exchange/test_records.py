"""What became of a message: GET /api/v1/messages/{id}, `messages show|dead|replay`, the audit log."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from sanmeasures.app import create_app
from sanmeasures.cli import app as cli
from sanmeasures.contract.examples import example_document
from sanmeasures.contract.pipeline import encode
from sanmeasures.exchange.broker import Delivery
from sanmeasures.exchange.embedded import EmbeddedBroker
from sanmeasures.exchange.outbox import Relay, enqueue
from sanmeasures.exchange.participants import Participant
from sanmeasures.settings import Settings
from sanmeasures.storage.engine import create_engine
from sanmeasures.storage.migrate import upgrade
from sanmeasures.storage.tables import audit_log

NODES = ("authority:KZ", "authority:RU", "authority:AM", "authority:BY", "authority:KG", "commission")
KNOWN = tuple(Participant.parse(p) for p in NODES)


async def _send_one_and_poison_it(url: str) -> str:
    engine = create_engine(url)
    document = example_document("R.SM.SS.08.001")
    async with engine.begin() as connection:
        await enqueue(
            connection,
            data=encode(document),
            document=document,
            structure_code="R.SM.SS.08.001",
            sender=Participant.parse("authority:KZ"),
            known=KNOWN,
        )
    broker = EmbeddedBroker(engine, NODES, delivery_limit=2)
    await broker.start()
    await Relay(engine, broker, ("authority:KZ",)).step()

    async def fails(_delivery: Delivery) -> None:
        raise RuntimeError("the commission's store is down")

    await broker.consume("commission", fails)
    for _ in range(200):
        if await broker.dead_letters("commission"):
            break
        await asyncio.sleep(0.05)
    await broker.close()
    await engine.dispose()
    return document.e_doc_header.e_doc_id


def test_message_record_dead_letters_and_an_audited_replay(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'node.sqlite3'}"
    upgrade(url)
    edoc_id = asyncio.run(_send_one_and_poison_it(url))

    runner = CliRunner()
    issued = runner.invoke(cli, ["participants", "add", "authority:KZ", "--database-url", url])
    assert issued.exit_code == 0, issued.output
    key = issued.output.split()[1]
    with TestClient(create_app(Settings(database_url=url, exchange=False))) as client:
        client.headers["Authorization"] = f"Bearer {key}"
        assert client.get(f"/api/v1/messages/{edoc_id}", headers={"Authorization": ""}).status_code == 401
        view = client.get(f"/api/v1/messages/{edoc_id}").json()
        assert view["structure_code"] == "R.SM.SS.08.001" and view["sender"] == "authority:KZ"
        assert {d["recipient"]: d["state"] for d in view["deliveries"]} == dict.fromkeys(
            ["authority:AM", "authority:BY", "authority:KG", "authority:RU", "commission"], "sent"
        )
        assert [event["state"] for event in view["deliveries"][0]["timeline"]] == ["queued", "sent"]
        assert client.get("/api/v1/messages/00000000-0000-4000-8000-000000000000").status_code == 404

    shown = runner.invoke(cli, ["messages", "show", edoc_id, "--database-url", url])
    assert shown.exit_code == 0 and "commission" in shown.output and "sent" in shown.output
    dead = runner.invoke(cli, ["messages", "dead", "--database-url", url])
    assert "commission" in dead.output and "the commission's store is down" in dead.output
    dead_id = int(dead.output.split()[0])
    replayed = runner.invoke(
        cli, ["messages", "replay", str(dead_id), "--actor", "ops:aliya", "--database-url", url]
    )
    assert replayed.exit_code == 0 and edoc_id in replayed.output
    assert runner.invoke(cli, ["messages", "dead", "--database-url", url]).output.strip() == "no dead letters"
    assert runner.invoke(cli, ["messages", "replay", str(dead_id), "--database-url", url]).exit_code == 1

    async def audit() -> list:
        engine = create_engine(url)
        async with engine.connect() as connection:
            rows = (await connection.execute(sa.select(audit_log.c.actor, audit_log.c.action))).all()
        await engine.dispose()
        return rows

    assert asyncio.run(audit()) == [("ops:aliya", "replay")]
