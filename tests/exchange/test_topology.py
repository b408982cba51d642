"""The broker topology: per-participant quorum queues bound to what each must receive."""

from __future__ import annotations

import json
from pathlib import Path

from sanmeasures.exchange.routing import FLOWS
from sanmeasures.exchange.topology import (
    DEAD_LETTER_EXCHANGE,
    REFERENCE_DEPLOYMENT,
    binding_key,
    definitions,
    render_definitions,
    routing_key,
)

DEFINITIONS = Path(__file__).resolve().parents[2] / "deploy" / "rabbitmq" / "definitions.json"


def _topic_matches(pattern: str, key: str) -> bool:
    """AMQP topic semantics: '*' is exactly one word, '#' zero or more words."""

    def match(p: list[str], k: list[str]) -> bool:
        if not p:
            return not k
        if p[0] == "#":
            return any(match(p[1:], k[i:]) for i in range(len(k) + 1))
        return bool(k) and (p[0] in ("*", k[0])) and match(p[1:], k[1:])

    return match(pattern.split("."), key.split("."))


def test_deploy_definitions_file_is_generated_from_the_code() -> None:
    assert DEFINITIONS.read_text(encoding="utf-8") == render_definitions(), (
        "run: python -m sanmeasures.exchange.topology"
    )


def test_every_participant_has_a_quorum_queue_with_delivery_limit_and_dead_lettering() -> None:
    document = definitions(REFERENCE_DEPLOYMENT)
    queues = {q["name"]: q for q in document["queues"]}
    for participant in REFERENCE_DEPLOYMENT:
        inbound = queues[f"sanmeasures.in.{participant}"]
        assert inbound["durable"] and inbound["arguments"]["x-queue-type"] == "quorum"
        assert inbound["arguments"]["x-delivery-limit"] > 0
        assert inbound["arguments"]["x-dead-letter-exchange"] == DEAD_LETTER_EXCHANGE
        assert queues[f"sanmeasures.dead.{participant}"]["arguments"]["x-queue-type"] == "quorum"


def test_a_message_reaches_exactly_its_recipients_queue() -> None:
    for flow in FLOWS:
        for recipient in REFERENCE_DEPLOYMENT:
            key = routing_key(flow.message_code, recipient)
            matching = [p for p in REFERENCE_DEPLOYMENT if _topic_matches(binding_key(p), key)]
            assert matching == [recipient], (key, matching)
    # a supervisory body's id does not catch messages for its authority, and vice versa
    assert not _topic_matches(
        binding_key("authority:KZ"), routing_key("P.SS.08.MSG.017", "supervisory:KZ:01")
    )


def test_definitions_are_valid_json_for_rabbitmqctl() -> None:
    document = json.loads(DEFINITIONS.read_text(encoding="utf-8"))
    assert {"vhosts", "exchanges", "queues", "bindings"} <= set(document)
