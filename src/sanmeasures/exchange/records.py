"""What became of a message: its delivery record per recipient, with the timeline of each.

States no one can misread: queued (written, not yet handed to the broker), sent (the broker
confirmed it), received (the recipient's receipt came), accepted / rejected (its processing
result came), answered (a request's answer came), failed (no signal after every repeat).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sanmeasures.exchange.rabbitmq import RabbitMqBroker
from sanmeasures.storage.tables import audit_log, broker_messages, deliveries, delivery_events, documents


async def message_view(connection: AsyncConnection, edoc_id: str) -> dict[str, Any] | None:
    """The document and, per recipient, its delivery state and timeline; None if unknown."""
    document = (
        await connection.execute(
            sa.select(
                documents.c.edoc_id,
                documents.c.edoc_ref_id,
                documents.c.structure_code,
                documents.c.inf_envelope_code,
                documents.c.direction,
                documents.c.sender,
                documents.c.recipients,
                documents.c.sha256,
                documents.c.recorded_at,
            ).where(documents.c.edoc_id == edoc_id)
        )
    ).first()
    if document is None:
        return None
    rows = (
        await connection.execute(
            sa.select(deliveries).where(deliveries.c.edoc_id == edoc_id).order_by(deliveries.c.recipient)
        )
    ).all()
    events = (
        await connection.execute(
            sa.select(delivery_events)
            .where(delivery_events.c.delivery_id.in_([row.id for row in rows]))
            .order_by(delivery_events.c.id)
        )
    ).all()
    timeline: dict[int, list[dict[str, Any]]] = {}
    for event in events:
        timeline.setdefault(event.delivery_id, []).append(
            {"state": event.state, "at": event.recorded_at.isoformat(), **(event.detail or {})}
        )
    return {
        **{
            key: (value.isoformat() if hasattr(value, "isoformat") else value)
            for key, value in document._mapping.items()
        },
        "deliveries": [
            {
                "recipient": row.recipient,
                "flow": row.flow,
                "state": row.state,
                "attempts": row.attempts,
                "last_error": row.last_error,
                "timeline": timeline.get(row.id, []),
            }
            for row in rows
        ],
    }


async def dead_letters(connection: AsyncConnection, limit: int = 100) -> list[dict[str, Any]]:
    """Messages of the embedded broker that could not be processed, with their reason."""
    rows = await connection.execute(
        sa.select(
            broker_messages.c.id,
            broker_messages.c.queue,
            broker_messages.c.routing_key,
            broker_messages.c.headers,
            broker_messages.c.delivery_count,
            broker_messages.c.dead_reason,
            broker_messages.c.enqueued_at,
        )
        .where(broker_messages.c.state == "dead")
        .order_by(broker_messages.c.id)
        .limit(limit)
    )
    return [
        {
            "id": row.id,
            "queue": row.queue,
            "edoc_id": row.headers.get("message-id"),
            "routing_key": row.routing_key,
            "deliveries": row.delivery_count,
            "reason": row.dead_reason,
        }
        for row in rows
    ]


async def recent_messages(connection: AsyncConnection, limit: int = 50) -> list[dict[str, Any]]:
    """The newest documents held, sent or received, with how many deliveries are in each state."""
    rows = (
        await connection.execute(
            sa.select(
                documents.c.id,
                documents.c.edoc_id,
                documents.c.structure_code,
                documents.c.direction,
                documents.c.sender,
                documents.c.recorded_at,
            )
            .order_by(documents.c.id.desc())
            .limit(limit)
        )
    ).all()
    counts = await connection.execute(
        sa.select(deliveries.c.document_id, deliveries.c.state, sa.func.count())
        .where(deliveries.c.document_id.in_([row.id for row in rows]))
        .group_by(deliveries.c.document_id, deliveries.c.state)
    )
    states: dict[int, dict[str, int]] = {}
    for document_id, state, count in counts:
        states.setdefault(document_id, {})[state] = count
    return [{**row._mapping, "deliveries": states.get(row.id, {})} for row in rows]


class NotDead(LookupError):
    pass


async def replay(engine: AsyncEngine, dead_id: int, *, actor: str) -> dict[str, Any]:
    """Put one dead letter back into its queue, and say so in the audit log."""
    async with engine.begin() as connection:
        row = (
            await connection.execute(
                sa.select(broker_messages).where(
                    broker_messages.c.id == dead_id, broker_messages.c.state == "dead"
                )
            )
        ).first()
        if row is None:
            raise NotDead(f"no dead letter {dead_id}")
        await connection.execute(
            broker_messages.update()
            .where(broker_messages.c.id == dead_id)
            .values(state="ready", delivery_count=0, dead_reason=None)
        )
        detail = {"queue": row.queue, "edoc_id": row.headers.get("message-id"), "reason": row.dead_reason}
        await connection.execute(
            audit_log.insert().values(actor=actor, action="replay", subject=str(dead_id), detail=detail)
        )
        return detail


# --- RabbitMQ: the dead letters are in each participant's dead-letter queue ---------------------------
async def broker_dead_letters(
    broker: RabbitMqBroker, participants: Iterable[str], limit: int = 100
) -> list[dict[str, Any]]:
    """The dead letters of the participants' RabbitMQ dead-letter queues, left in place; each is
    replayed by its EDocId."""
    found = []
    for participant in participants:
        for letter in await broker.dead_letters(participant, limit):
            deaths = letter.headers.get("x-death") or [{}]
            found.append(
                {
                    "id": letter.message_id,
                    "queue": participant,
                    "edoc_id": letter.message_id,
                    "routing_key": None,
                    "deliveries": deaths[0].get("count", 1) if isinstance(deaths[0], dict) else 1,
                    "reason": letter.reason,
                }
            )
    return found


async def broker_replay(
    engine: AsyncEngine, broker: RabbitMqBroker, participants: Iterable[str], edoc_id: str, *, actor: str
) -> dict[str, Any]:
    """Replay the dead letter ``edoc_id`` from whichever participant's dead-letter queue holds it."""
    for letter in await broker_dead_letters(broker, participants):
        if letter["edoc_id"] != edoc_id:
            continue
        if not await broker.republish(letter["queue"], [edoc_id]):
            raise NotDead(f"dead letter {edoc_id} has no valid envelope and cannot be replayed")
        detail = {"queue": letter["queue"], "edoc_id": edoc_id, "reason": letter["reason"]}
        async with engine.begin() as connection:
            await connection.execute(
                audit_log.insert().values(actor=actor, action="replay", subject=edoc_id, detail=detail)
            )
        return detail
    raise NotDead(f"no dead letter {edoc_id}")
