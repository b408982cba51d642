"""One document of every flow of DESIGN.md, told as one story, with who must receive it.

The story follows the sample documents: Rospotrebnadzor finds Listeria in a sausage made in
Kazakhstan, KZ reports a listeriosis cluster linked to it and introduces a measure, RU reviews it,
BY asks RU for more, a KZ supervisory body queries the Commission. Answers name their request's
fresh EDocId, so they can only be built after the requests (``follow_ups``).

The expected recipients are written out here from the DESIGN.md flows table, not computed by the
routing code under test.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sanmeasures.contract.examples import example_document
from sanmeasures.contract.pipeline import encode

AUTHORITIES = ("authority:AM", "authority:BY", "authority:KG", "authority:KZ", "authority:RU")
#: Five authorities, the Commission and two supervisory bodies (issue 4's multi-node run).
DEPLOYMENT = (*AUTHORITIES, "commission", "supervisory:KZ:01", "supervisory:RU:01")


def others(*senders: str) -> frozenset[str]:
    return frozenset(a for a in AUTHORITIES if a not in senders)


@dataclass(frozen=True)
class Message:
    flow: str
    sender: str
    document: Any
    recipients: frozenset[str]

    @property
    def edoc_id(self) -> str:
        return self.document.e_doc_header.e_doc_id

    @property
    def data(self) -> bytes:
        return encode(self.document)


def fresh(structure: str, *, envelope: str | None = None, answers: str | None = None) -> Any:
    """The sample document of ``structure`` under a new EDocId (optionally another message code, or
    answering the document ``answers``)."""
    document = example_document(structure)
    changes: dict[str, Any] = {"e_doc_id": str(uuid.uuid4())}
    if envelope is not None:
        changes["inf_envelope_code"] = envelope
    if answers is not None:
        changes["e_doc_ref_id"] = answers
    header = document.e_doc_header.model_copy(update=changes)
    return document.model_copy(update={"e_doc_header": header})


def kz_certificates() -> Any:
    """The sample certificates document, keeping the KZ certificates (a node sends only its own, §35)."""
    document = fresh("R.SM.SS.07.001")
    own = [c for c in document.registration_certificate_details if c.unified_country_code.value == "KZ"]
    return document.model_copy(update={"registration_certificate_details": own})


def requests_and_notifications() -> list[Message]:
    """Every flow that starts an exchange."""
    return [
        Message("registry.certificate", "authority:KZ", kz_certificates(), frozenset({"commission"})),
        Message(
            "morbidity.notice",
            "authority:KZ",
            fresh("R.SM.SS.08.001"),
            others("authority:KZ") | {"commission"},
        ),
        Message(
            "dangerous_product.notice",
            "authority:RU",
            fresh("R.SM.SS.08.002"),
            others("authority:RU") | {"commission", "supervisory:KZ:01", "supervisory:RU:01"},
        ),
        # §38: the sausage was made in Kazakhstan (Table 3 item 7.5).
        Message(
            "production_violation.notice",
            "authority:RU",
            fresh("R.SM.SS.08.002", envelope="P.SS.08.MSG.018"),
            frozenset({"authority:KZ"}),
        ),
        # §36: the certificate's number starts with KZ.
        Message(
            "laboratory_protocol.request",
            "authority:RU",
            fresh("R.SM.SS.08.004"),
            frozenset({"authority:KZ"}),
        ),
        Message(
            "measure.notice", "authority:KZ", fresh("R.SM.SS.09.001"), others("authority:KZ") | {"commission"}
        ),
        # §37: BY asks about the RU dangerous-product case (Table 6 item 2).
        Message(
            "additional_info.request", "authority:BY", fresh("R.SM.SS.09.002"), frozenset({"authority:RU"})
        ),
        # §8, §14: a supervisory body queries the Commission.
        Message(
            "information.request", "supervisory:KZ:01", fresh("R.SM.SS.00.002"), frozenset({"commission"})
        ),
    ]


def follow_ups(asked: list[Message]) -> list[Message]:
    """The answer to every request of ``asked``, and the review of the measure it introduced (a review
    names a measure its sender holds, §28)."""
    by_flow = {message.flow: message for message in asked}

    def to(flow: str) -> str:
        return by_flow[flow].edoc_id

    return [
        # §28: RU reviews the KZ measure.
        Message(
            "measure.review",
            "authority:RU",
            fresh("R.SM.SS.09.003"),
            frozenset({"commission", "authority:KZ"}),
        ),
        # §6б, §38: the answer goes to the other authorities (the requester among them) and the Commission.
        Message(
            "production_violation.answer",
            "authority:KZ",
            fresh("R.SM.SS.08.003", answers=to("production_violation.notice")),
            others("authority:KZ") | {"commission"},
        ),
        Message(
            "laboratory_protocol.answer",
            "authority:KZ",
            fresh("R.SM.SS.08.005", answers=to("laboratory_protocol.request")),
            frozenset({"authority:RU"}),
        ),
        Message(
            "additional_info.answer",
            "authority:RU",
            fresh("R.SM.SS.09.002", envelope="P.SS.09.MSG.004", answers=to("additional_info.request")),
            frozenset({"authority:BY"}),
        ),
        Message(
            "information.answer",
            "commission",
            fresh("R.SM.SS.00.003", answers=to("information.request")),
            frozenset({"supervisory:KZ:01"}),
        ),
    ]


def morbidity_notices(count: int, *, prefix: str = "KZ-2026-F") -> list[bytes]:
    """``count`` first notices of distinct KZ morbidity cases (Table 2), each under its own EDocId."""
    notices = []
    for n in range(count):
        document = fresh("R.SM.SS.08.001")
        case = document.public_health_alert_details[0].model_copy(update={"incident_id": f"{prefix}{n:05d}"})
        notices.append(encode(document.model_copy(update={"public_health_alert_details": [case]})))
    return notices
