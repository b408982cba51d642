"""The broker topology: one topic exchange for business messages, a quorum queue per participant.

Routing key of a message to one recipient: ``<InfEnvelopeCode>.<recipient>``, e.g.
``P.SS.08.MSG.017.authority:KZ`` — process, message kind and recipient. Each participant's queue
is bound to ``#.<participant id>``: it receives exactly what is addressed to it. A message that
fails too often (``x-delivery-limit``) or is rejected goes, with its reason, to the participant's
dead-letter queue through the dead-letter exchange.

The same topology is declared by the code at start-up and written as a RabbitMQ definitions file
(``deploy/rabbitmq/definitions.json``, ``python -m sanmeasures.exchange.topology``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sanmeasures.exchange.participants import REFERENCE_DEPLOYMENT

BUSINESS_EXCHANGE = "sanmeasures.business"
DEAD_LETTER_EXCHANGE = "sanmeasures.dead-letter"
#: A message redelivered this many times (a consumer crashing on it) is dead-lettered, not looped.
DELIVERY_LIMIT = 10
VHOST = "/"


def routing_key(message_code: str, recipient: str) -> str:
    return f"{message_code}.{recipient}"


def queue_name(participant: str) -> str:
    return f"sanmeasures.in.{participant}"


def dead_letter_queue_name(participant: str) -> str:
    return f"sanmeasures.dead.{participant}"


def queue_arguments(participant: str) -> dict[str, Any]:
    return {
        "x-queue-type": "quorum",
        "x-delivery-limit": DELIVERY_LIMIT,
        "x-dead-letter-exchange": DEAD_LETTER_EXCHANGE,
        "x-dead-letter-routing-key": participant,
        # at-least-once dead-lettering keeps the message until the dead-letter queue confirms it
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


def binding_key(participant: str) -> str:
    return f"#.{participant}"


def definitions(participants: Iterable[str]) -> dict[str, Any]:
    """A RabbitMQ definitions document (importable with ``rabbitmqctl import_definitions``)."""
    ids = sorted(participants)
    queues: list[dict[str, Any]] = []
    bindings: list[dict[str, Any]] = []
    for participant in ids:
        queues.append(
            {
                "name": queue_name(participant),
                "vhost": VHOST,
                "durable": True,
                "auto_delete": False,
                "arguments": queue_arguments(participant),
            }
        )
        queues.append(
            {
                "name": dead_letter_queue_name(participant),
                "vhost": VHOST,
                "durable": True,
                "auto_delete": False,
                "arguments": {"x-queue-type": "quorum"},
            }
        )
        bindings.append(
            {
                "source": BUSINESS_EXCHANGE,
                "vhost": VHOST,
                "destination": queue_name(participant),
                "destination_type": "queue",
                "routing_key": binding_key(participant),
                "arguments": {},
            }
        )
        bindings.append(
            {
                "source": DEAD_LETTER_EXCHANGE,
                "vhost": VHOST,
                "destination": dead_letter_queue_name(participant),
                "destination_type": "queue",
                "routing_key": participant,
                "arguments": {},
            }
        )
    exchanges = [
        {
            "name": name,
            "vhost": VHOST,
            "type": kind,
            "durable": True,
            "auto_delete": False,
            "internal": False,
            "arguments": {},
        }
        for name, kind in ((BUSINESS_EXCHANGE, "topic"), (DEAD_LETTER_EXCHANGE, "direct"))
    ]
    return {"vhosts": [{"name": VHOST}], "exchanges": exchanges, "queues": queues, "bindings": bindings}


def render_definitions(participants: Iterable[str] = REFERENCE_DEPLOYMENT) -> str:
    return json.dumps(definitions(participants), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    from pathlib import Path

    target = Path("deploy/rabbitmq/definitions.json")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render_definitions(), encoding="utf-8")
    print(f"wrote {target}")
