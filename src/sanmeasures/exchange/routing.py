"""Who receives which message: the routing table, one row per flow (DESIGN.md, Rules §6–8, §34–39).

Each flow names its message code (``csdo:InfEnvelopeCode``), its structure, who may send it, who
receives it, and whether it is one of the §36–38 exchanges in which information confidential under
national law is never forwarded (§39). Recipients are rules evaluated against the document and the
participants of the deployment, never hard-coded lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from sanmeasures.exchange.participants import COMMISSION, Participant, Role, authority

Template = Literal["notification", "request", "response"]

#: What a recipient rule sees: the sending participant, the document, and every participant known.
RecipientRule = Callable[[Participant, Any, tuple[Participant, ...]], Iterable[str]]


class RoutingError(ValueError):
    """The document cannot be routed (unknown flow, a sender without the right, no recipient)."""


def commission(_sender: Participant, _document: Any, _known: tuple[Participant, ...]) -> Iterable[str]:
    return (COMMISSION,)


def other_authorities(sender: Participant, _document: Any, known: tuple[Participant, ...]) -> Iterable[str]:
    return (p.id for p in known if p.role == "authority" and p.id != sender.id)


def all_authorities(_sender: Participant, _document: Any, known: tuple[Participant, ...]) -> Iterable[str]:
    return (p.id for p in known if p.role == "authority")


def supervisory_bodies(_sender: Participant, _document: Any, known: tuple[Participant, ...]) -> Iterable[str]:
    # Rules §8: every supervisory body receives dangerous-product notifications.
    return (p.id for p in known if p.role == "supervisory")


def manufacturer_authority(
    _sender: Participant, document: Any, _known: tuple[Participant, ...]
) -> Iterable[str]:
    """Rules §38: the authority of the member state where the manufacturer is."""
    for case in document.dangerous_product_alert_details:
        product = case.non_compliant_sanitary_product_details
        country = product.supply_chain_party_details.unified_country_code if product else None
        if country is not None:
            yield authority(country.value)


def certificate_authority(
    _sender: Participant, document: Any, _known: tuple[Participant, ...]
) -> Iterable[str]:
    """Rules §36: the authority that issued the certificate (its number starts with the country)."""
    yield authority(document.certificate_number[:2])


def measure_authority(_sender: Participant, document: Any, _known: tuple[Participant, ...]) -> Iterable[str]:
    """Rules §28: the authority that introduced the reviewed measure (Table 5 item 2)."""
    yield authority(document.measure_doc_details.unified_country_code.value)


def asked_authority(_sender: Participant, document: Any, _known: tuple[Participant, ...]) -> Iterable[str]:
    """Rules §37, Table 6: the authority of the state of the case (item 2) or the measure (item 3)."""
    if document.incident_alert_id_details is not None:
        yield authority(document.incident_alert_id_details.unified_country_code.value)
    elif document.unified_country_code is not None:
        yield authority(document.unified_country_code.value)


def requester(_sender: Participant, _document: Any, _known: tuple[Participant, ...]) -> Iterable[str]:
    """Answers go back to the sender of the request; the exchange layer fills this from the thread."""
    return ()


@dataclass(frozen=True)
class Flow:
    name: str
    message_code: str  # csdo:InfEnvelopeCode
    structure: str  # csdo:EDocCode
    template: Template
    senders: frozenset[Role]
    recipients: tuple[RecipientRule, ...]
    paragraphs: str
    description: str
    answers: str | None = None  # the flow whose request this answers
    confidential_exchange: bool = False  # Rules §39 applies (the §36–38 exchanges)

    def route(self, sender: Participant, document: Any, known: Iterable[Participant]) -> list[str]:
        """The recipients of ``document`` sent by ``sender``: sorted, unique, never the sender."""
        if sender.role not in self.senders:
            raise RoutingError(
                f"{sender.id} may not send {self.name} ({self.message_code}); "
                f"senders: {', '.join(sorted(self.senders))} ({self.paragraphs})"
            )
        everyone = tuple(known)
        found = {rid for rule in self.recipients for rid in rule(sender, document, everyone)}
        found.discard(sender.id)
        return sorted(found)


AUTHORITY: frozenset[Role] = frozenset({"authority"})
QUERYING: frozenset[Role] = frozenset({"authority", "supervisory"})
COMMISSION_ONLY: frozenset[Role] = frozenset({"commission"})

#: Message codes: P.SS.08.MSG.017 is the code the EEC's dangerous-product samples carry; the others
#: follow the same pattern and are the node's own until the EEC publishes its transaction catalogue.
FLOWS: tuple[Flow, ...] = (
    Flow(
        "registry.certificate",
        "P.SS.07.MSG.001",
        "R.SM.SS.07.001",
        "notification",
        AUTHORITY,
        (commission,),
        "§6а, §35",
        "A certificate entered or changed in the national part, sent automatically to the Commission",
    ),
    Flow(
        "morbidity.notice",
        "P.SS.08.MSG.001",
        "R.SM.SS.08.001",
        "notification",
        AUTHORITY,
        (other_authorities, commission),
        "§6б, §16–19",
        "A morbidity case: first notice, update (investigation, measures, links) or closure",
    ),
    Flow(
        "dangerous_product.notice",
        "P.SS.08.MSG.017",
        "R.SM.SS.08.002",
        "notification",
        AUTHORITY,
        (other_authorities, supervisory_bodies, commission),
        "§6б, §8, §21–25",
        "A dangerous-product case: first notice, update, closure or safety confirmed",
    ),
    Flow(
        "production_violation.notice",
        "P.SS.08.MSG.018",
        "R.SM.SS.08.002",
        "request",
        AUTHORITY,
        (manufacturer_authority,),
        "§6б, §38",
        "A violation in the production process, to the authority of the manufacturer's state",
        confidential_exchange=True,
    ),
    Flow(
        "production_violation.answer",
        "P.SS.08.MSG.019",
        "R.SM.SS.08.003",
        "response",
        AUTHORITY,
        (other_authorities, commission),
        "§6б, §38",
        "The manufacturer's state's review of the notice and the measures taken",
        answers="production_violation.notice",
        confidential_exchange=True,
    ),
    Flow(
        "laboratory_protocol.request",
        "P.SS.08.MSG.020",
        "R.SM.SS.08.004",
        "request",
        AUTHORITY,
        (certificate_authority,),
        "§6б, §36",
        "A request for the laboratory protocol behind a certificate, to the authority that issued it",
        confidential_exchange=True,
    ),
    Flow(
        "laboratory_protocol.answer",
        "P.SS.08.MSG.021",
        "R.SM.SS.08.005",
        "response",
        AUTHORITY,
        (requester,),
        "§36, §39",
        "The protocol (scanned or electronic) or a refusal",
        answers="laboratory_protocol.request",
        confidential_exchange=True,
    ),
    Flow(
        "measure.notice",
        "P.SS.09.MSG.001",
        "R.SM.SS.09.001",
        "notification",
        AUTHORITY,
        (commission, other_authorities),
        "§6в, §27, §30",
        "A temporary sanitary measure introduced, changed or cancelled (or a response measure)",
    ),
    Flow(
        "measure.review",
        "P.SS.09.MSG.002",
        "R.SM.SS.09.003",
        "notification",
        AUTHORITY,
        (commission, measure_authority),
        "§6в, §28",
        "Another state's review of a measure, or its response measure",
    ),
    Flow(
        "additional_info.request",
        "P.SS.09.MSG.003",
        "R.SM.SS.09.002",
        "request",
        AUTHORITY,
        (asked_authority,),
        "§6в, §37",
        "A request for additional information on a dangerous-product case or a measure",
        confidential_exchange=True,
    ),
    Flow(
        "additional_info.answer",
        "P.SS.09.MSG.004",
        "R.SM.SS.09.002",
        "response",
        AUTHORITY,
        (requester,),
        "§37, §39",
        "The answer to an additional-information request",
        answers="additional_info.request",
        confidential_exchange=True,
    ),
    Flow(
        "information.request",
        "P.SS.00.MSG.001",
        "R.SM.SS.00.002",
        "request",
        QUERYING,
        (commission,),
        "§7е–ж, §8, §14",
        "A query of the Commission's common resources",
    ),
    Flow(
        "information.answer",
        "P.SS.00.MSG.002",
        "R.SM.SS.00.003",
        "response",
        COMMISSION_ONLY,
        (requester,),
        "§14",
        "The Commission's answer built from the common resources",
        answers="information.request",
    ),
)

#: Signals every business message gets back (DESIGN.md): a receipt, then a processing result.
SIGNALS = {
    "receipt": ("P.SS.00.MSG.003", "R.SM.SS.00.001"),
    "processing_result": ("P.SS.00.MSG.004", "R.006"),
}

BY_MESSAGE_CODE: dict[str, Flow] = {flow.message_code: flow for flow in FLOWS}
BY_NAME: dict[str, Flow] = {flow.name: flow for flow in FLOWS}


def flow_of(message_code: str, structure: str) -> Flow:
    """The flow a document belongs to, by its header's InfEnvelopeCode and EDocCode."""
    flow = BY_MESSAGE_CODE.get(message_code)
    if flow is None:
        known = ", ".join(f"{f.message_code} ({f.name})" for f in FLOWS)
        raise RoutingError(f"unknown message code {message_code}; known: {known}")
    if flow.structure != structure:
        raise RoutingError(f"{message_code} ({flow.name}) carries {flow.structure}, not {structure}")
    return flow
