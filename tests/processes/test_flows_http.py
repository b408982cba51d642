"""One end-to-end test per flow of the routing table, through every node's HTTP API, the real RabbitMQ
and a PostgreSQL database per node (five authorities, the Commission, two supervisory bodies).

Each case goes from the sender's ``POST /api/v1/messages`` to the recipients' stored versions and the
sender's signals (DESIGN.md "Flows" and "signals"; Rules §6–8, §14, §16–19, §21–30, §34–39):

1. the POST answers 202 with the EDocId and the delivery-record link, and that record (read by the
   sender) names every expected recipient;
2. each expected recipient holds the document once, and no one else does;
3. each recipient's common resources reflect it (case, measure, review, certificate, request,
   answer threaded to its request);
4. the sender's delivery record reaches "accepted" per recipient ("answered" for a request answered),
   and the sender holds a receipt and a processing result from each recipient.

One network serves the whole module; every case uses fresh documents (fresh EDocIds and fresh
registration numbers), and a request an answer needs is sent first, through HTTP too. The expected
recipients are written out from DESIGN.md's flows table, not computed by the routing code under test.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.contract.structures.certificate import normalise_registration_number
from sanmeasures.exchange.routing import FLOWS
from sanmeasures.requests.store import thread
from sanmeasures.storage.tables import (
    case_versions,
    cases,
    certificate_versions,
    certificates,
    documents,
    measure_reviews,
    measure_versions,
    measures,
    requests,
)
from tests.support.flows import DEPLOYMENT, Message, fresh, kz_certificates, others
from tests.support.network import Network, drop_template
from tests.support.rabbitmq import fresh_vhost, vhost_url

SIGNALS = ("R.006", "R.SM.SS.00.001")  # a processing result and a receipt
SUPERVISORY = frozenset({"supervisory:KZ:01", "supervisory:RU:01"})
_serial = itertools.count(700001)  # fresh registration numbers (each run has fresh databases)


def serial() -> int:
    return next(_serial)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def network() -> AsyncIterator[Network]:
    with fresh_vhost() as vhost:
        net = Network(DEPLOYMENT, vhost_url(vhost))
        try:
            await net.start_api()
            yield net
        finally:
            await net.stop()  # the applications stop their exchanges before their engines go
            await drop_template()


# ================================================================================================
# Talking to the nodes
# ================================================================================================
async def delivery_record(network: Network, participant: str, edoc_id: str) -> dict[str, Any]:
    """GET /api/v1/messages/{id} as ``participant``."""
    api = network.nodes[participant].api
    assert api is not None
    response = await api.get(f"/api/v1/messages/{edoc_id}")
    assert response.status_code == 200, response.text
    return response.json()


async def states_of(network: Network, sender: str, edoc_id: str) -> dict[str, str]:
    """Recipient → state of the sender's delivery record, read through the sender's HTTP API."""
    record = await delivery_record(network, sender, edoc_id)
    return {d["recipient"]: d["state"] for d in record["deliveries"]}


async def eventually(
    probe: Callable[[], Awaitable[Any]], expected: Any, what: str, timeout: float = 30.0
) -> None:
    """Poll ``probe`` until it returns ``expected`` (signals and answers arrive asynchronously)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        seen = await probe()
        if seen == expected:
            return
        if loop.time() > deadline:
            raise AssertionError(f"{what}: after {timeout} s {seen!r}, expected {expected!r}")
        await asyncio.sleep(0.05)


async def send(network: Network, message: Message, settled: str = "accepted", **params: str) -> str:
    """A prerequisite sent through HTTP, waited for until every recipient's delivery is ``settled``."""
    response = await network.post(message.sender, message.data, **params)
    assert response.status_code == 202, (message.flow, response.text)
    expected = dict.fromkeys(message.recipients, settled)
    await eventually(
        lambda: states_of(network, message.sender, message.edoc_id), expected, f"prerequisite {message.flow}"
    )
    return message.edoc_id


async def query(network: Network, participant: str, work: Callable[[AsyncConnection], Awaitable[Any]]) -> Any:
    return await network.nodes[participant].query(work)


async def select(network: Network, participant: str, statement: Any) -> list[tuple[Any, ...]]:
    async def work(connection: AsyncConnection) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in (await connection.execute(statement)).all()]

    return await query(network, participant, work)


# ================================================================================================
# Fresh documents
# ================================================================================================
def certificate(number: str) -> Any:
    """The KZ sample certificate under a fresh registration number (Table 1 item 3)."""
    document = kz_certificates()
    (first,) = document.registration_certificate_details
    return document.model_copy(
        update={
            "registration_certificate_details": [
                first.model_copy(update={"registration_number_as_written": number})
            ]
        }
    )


def kz_number() -> str:
    """A fresh KZ registration number issued in May 2024, as the sample certificate (17.05.2024)."""
    return f"KZ.16.01.78.003.R.{serial():06d}.05.24"


def case_notice(structure: str, number: str, envelope: str | None = None) -> Any:
    """The sample Table 2 (R.SM.SS.08.001) or Table 3 (R.SM.SS.08.002) notice under a fresh registration
    number (item 3)."""
    document = fresh(structure, envelope=envelope)
    name = (
        "public_health_alert_details" if structure == "R.SM.SS.08.001" else "dangerous_product_alert_details"
    )
    (case,) = getattr(document, name)
    return document.model_copy(update={name: [case.model_copy(update={"incident_id": number})]})


def measure(number: str) -> Any:
    """The sample KZ temporary measure (Table 4) under a fresh document number (item 2)."""
    document = fresh("R.SM.SS.09.001")
    (details,) = document.sanitary_measure_details
    doc = details.measure_doc_details.model_copy(update={"doc_id": number})
    return document.model_copy(
        update={"sanitary_measure_details": [details.model_copy(update={"measure_doc_details": doc})]}
    )


MEASURE_DATE = dt.date(2026, 3, 10)  # the sample measure's document date (Table 4 item 2)


def review(number: str) -> Any:
    """RU's review (Table 5) of the KZ measure numbered ``number``."""
    document = fresh("R.SM.SS.09.003")
    reviewed = document.measure_doc_details.model_copy(
        update={"doc_id": number, "doc_creation_date": MEASURE_DATE}
    )
    return document.model_copy(update={"measure_doc_details": reviewed})


def protocol_request(number: str) -> Any:
    return fresh("R.SM.SS.08.004").model_copy(update={"certificate_number_as_written": number})


def protocol_answer(number: str, request: str) -> Any:
    return fresh("R.SM.SS.08.005", answers=request).model_copy(
        update={"certificate_number_as_written": number}
    )


# ================================================================================================
# What the recipients store
# ================================================================================================
async def case_held(network: Network, participant: str, kind: str, country: str, number: str) -> list[tuple]:
    """(current version, last notice kind, version, notice kind, EDocId of the version's document)."""
    return await select(
        network,
        participant,
        sa.select(
            cases.c.current_version,
            cases.c.last_incident_kind,
            case_versions.c.version,
            case_versions.c.incident_kind,
            documents.c.edoc_id,
        )
        .join(case_versions, case_versions.c.case_id == cases.c.id)
        .join(documents, documents.c.id == case_versions.c.document_id)
        .where(cases.c.kind == kind, cases.c.country == country, cases.c.registration_number == number)
        .order_by(case_versions.c.version),
    )


async def measure_held(network: Network, participant: str, number: str) -> list[tuple]:
    """(state, current version, version, action, EDocId) of the KZ measure numbered ``number``."""
    return await select(
        network,
        participant,
        sa.select(
            measures.c.state,
            measures.c.current_version,
            measure_versions.c.version,
            measure_versions.c.action,
            documents.c.edoc_id,
        )
        .join(measure_versions, measure_versions.c.measure_id == measures.c.id)
        .join(documents, documents.c.id == measure_versions.c.document_id)
        .where(measures.c.country == "KZ", measures.c.document_number == number)
        .where(measures.c.document_date == MEASURE_DATE)
        .order_by(measure_versions.c.version),
    )


async def request_held(network: Network, participant: str, edoc_id: str) -> list[tuple]:
    """(kind, requester, responder) of the request recorded from the document ``edoc_id``."""
    return await select(
        network,
        participant,
        sa.select(requests.c.kind, requests.c.requester, requests.c.responder)
        .join(documents, documents.c.id == requests.c.document_id)
        .where(documents.c.edoc_id == edoc_id),
    )


async def answers_to(network: Network, participant: str, request: str) -> list[tuple[str, bool]] | None:
    """(EDocId, refused) of every answer threaded to ``request`` at ``participant``; None: no such request."""
    held = await query(network, participant, lambda connection: thread(connection, request))
    return None if held is None else [(a.edoc_id, a.refused) for a in held.answers]


# ================================================================================================
# One case per flow
# ================================================================================================
Check = Callable[[Network, Message], Awaitable[None]]


@dataclass
class Sending:
    """What a case sends, what its delivery records settle to, and how its recipients' resources are checked."""

    message: Message
    check: Check
    settled: str = "accepted"
    params: dict[str, str] = field(default_factory=dict)
    #: (requester, request EDocId, responder): a request this message answers, whose delivery is then "answered"
    answers: tuple[str, str, str] | None = None


async def registry_certificate(network: Network) -> Sending:
    """Rules §6а, §35: a certificate entered in KZ's national part goes automatically to the Commission,
    which merges it into the unified registry (Table 1)."""
    number = kz_number()
    message = Message("registry.certificate", "authority:KZ", certificate(number), frozenset({"commission"}))

    async def check(network: Network, message: Message) -> None:
        held = await select(
            network,
            "commission",
            sa.select(
                certificates.c.current_version, certificates.c.status_code, certificate_versions.c.version
            )
            .add_columns(certificate_versions.c.source, documents.c.edoc_id)
            .join(certificate_versions, certificate_versions.c.certificate_id == certificates.c.id)
            .join(documents, documents.c.id == certificate_versions.c.document_id)
            .where(
                certificates.c.registry == "unified",
                certificates.c.registration_number == normalise_registration_number(number),
            ),
        )
        assert held == [(1, "1", 1, "message", message.edoc_id)]

    return Sending(message, check)


async def morbidity_notice(network: Network) -> Sending:
    """Rules §6б, §16–19: a first morbidity notice (Table 2) goes to every other authority and the
    Commission; each opens the case at version 1."""
    number = f"KZ-2026-E{serial():06d}"
    message = Message(
        "morbidity.notice",
        "authority:KZ",
        case_notice("R.SM.SS.08.001", number),
        others("authority:KZ") | {"commission"},
    )

    async def check(network: Network, message: Message) -> None:
        for participant in message.recipients:
            held = await case_held(network, participant, "morbidity", "KZ", number)
            assert held == [(1, "1", 1, "1", message.edoc_id)], participant

    # §17: the authority's decision date, from which the three working days run.
    return Sending(message, check, params={"decision_date": "2026-03-04"})


async def dangerous_product_notice(network: Network) -> Sending:
    """Rules §6б, §8, §21–25: a dangerous-product notice (Table 3) goes to the other authorities, the
    supervisory bodies and the Commission; each opens the case at version 1."""
    number = f"RU-2026-E{serial():06d}"
    message = Message(
        "dangerous_product.notice",
        "authority:RU",
        case_notice("R.SM.SS.08.002", number),
        others("authority:RU") | {"commission"} | SUPERVISORY,
    )

    async def check(network: Network, message: Message) -> None:
        for participant in message.recipients:
            held = await case_held(network, participant, "dangerous_product", "RU", number)
            assert held == [(1, "1", 1, "1", message.edoc_id)], participant

    return Sending(message, check)


def violation_notice() -> Message:
    """Rules §38: the sausage was made in Kazakhstan (Table 3 item 7.5), so RU notifies KZ only."""
    return Message(
        "production_violation.notice",
        "authority:RU",
        case_notice("R.SM.SS.08.002", f"RU-2026-V{serial():06d}", envelope="P.SS.08.MSG.018"),
        frozenset({"authority:KZ"}),
    )


async def production_violation_notice(network: Network) -> Sending:
    """Rules §6б, §38: a production violation goes to the authority of the manufacturer's state, which
    records it as a request awaiting the measures taken."""
    message = violation_notice()

    async def check(network: Network, message: Message) -> None:
        held = await request_held(network, "authority:KZ", message.edoc_id)
        assert held == [("production_violation", "authority:RU", "authority:KZ")]
        assert await answers_to(network, "authority:KZ", message.edoc_id) == []

    return Sending(message, check)


async def production_violation_answer(network: Network) -> Sending:
    """Rules §6б, §38: the manufacturer's state's answer goes to the other authorities and the
    Commission; the requester threads it to its notice, the others keep it as a document."""
    notice = await send(network, violation_notice())
    message = Message(
        "production_violation.answer",
        "authority:KZ",
        fresh("R.SM.SS.08.003", answers=notice),
        others("authority:KZ") | {"commission"},
    )

    async def check(network: Network, message: Message) -> None:
        assert await answers_to(network, "authority:RU", notice) == [(message.edoc_id, False)]
        for participant in message.recipients - {"authority:RU"}:
            assert await answers_to(network, participant, notice) is None, (
                participant
            )  # never held the notice

    return Sending(message, check, answers=("authority:RU", notice, "authority:KZ"))


async def certificate_held_by_kz(network: Network) -> str:
    number = kz_number()
    await send(
        network,
        Message("registry.certificate", "authority:KZ", certificate(number), frozenset({"commission"})),
    )
    return number


async def laboratory_protocol_request(network: Network) -> Sending:
    """Rules §6б, §36: RU asks the authority that issued the certificate (its number starts with KZ) for
    the laboratory protocol; KZ holds the certificate, so the request waits for KZ's answer."""
    number = await certificate_held_by_kz(network)
    message = Message(
        "laboratory_protocol.request", "authority:RU", protocol_request(number), frozenset({"authority:KZ"})
    )

    async def check(network: Network, message: Message) -> None:
        held = await request_held(network, "authority:KZ", message.edoc_id)
        assert held == [("laboratory_protocol", "authority:RU", "authority:KZ")]
        assert await answers_to(network, "authority:KZ", message.edoc_id) == []  # no refusal: KZ issued it

    return Sending(message, check)


async def laboratory_protocol_answer(network: Network) -> Sending:
    """Rules §36, §39: KZ answers RU's request with the scanned protocol; RU threads it to its request."""
    number = await certificate_held_by_kz(network)
    request = await send(
        network,
        Message(
            "laboratory_protocol.request",
            "authority:RU",
            protocol_request(number),
            frozenset({"authority:KZ"}),
        ),
    )
    message = Message(
        "laboratory_protocol.answer",
        "authority:KZ",
        protocol_answer(number, request),
        frozenset({"authority:RU"}),
    )

    async def check(network: Network, message: Message) -> None:
        assert await answers_to(network, "authority:RU", request) == [(message.edoc_id, False)]

    return Sending(message, check, answers=("authority:RU", request, "authority:KZ"))


async def measure_notice(network: Network) -> Sending:
    """Rules §6в, §27, §30: a temporary measure introduced by KZ (Table 4) goes to the Commission and
    every other authority; each records it as introduced, version 1."""
    number = f"112-{serial()}"
    message = Message(
        "measure.notice", "authority:KZ", measure(number), others("authority:KZ") | {"commission"}
    )

    async def check(network: Network, message: Message) -> None:
        for participant in message.recipients:
            held = await measure_held(network, participant, number)
            assert held == [("introduced", 1, 1, "introduced", message.edoc_id)], participant

    return Sending(message, check)


async def measure_review(network: Network) -> Sending:
    """Rules §6в, §28: RU's review of the KZ measure (Table 5) goes to the Commission and KZ, the
    authority that introduced it; each links it to the measure it holds."""
    number = f"112-{serial()}"
    await send(
        network,
        Message("measure.notice", "authority:KZ", measure(number), others("authority:KZ") | {"commission"}),
    )
    message = Message(
        "measure.review", "authority:RU", review(number), frozenset({"commission", "authority:KZ"})
    )

    async def check(network: Network, message: Message) -> None:
        for participant in message.recipients:
            held = await select(
                network,
                participant,
                sa.select(
                    measure_reviews.c.reviewer_country, measures.c.document_number, measures.c.current_version
                )
                .add_columns(documents.c.edoc_id)
                .join(measures, measures.c.id == measure_reviews.c.measure_id)  # resolved to the measure held
                .join(documents, documents.c.id == measure_reviews.c.document_id)
                .where(measure_reviews.c.measure_document_number == number),
            )
            assert held == [("RU", number, 1, message.edoc_id)], participant

    return Sending(message, check)


def info_request() -> Message:
    """Rules §37: BY asks about the RU dangerous-product case (Table 6 item 2), so RU answers."""
    return Message(
        "additional_info.request", "authority:BY", fresh("R.SM.SS.09.002"), frozenset({"authority:RU"})
    )


async def additional_info_request(network: Network) -> Sending:
    """Rules §6в, §37: a request for additional information goes to the authority of the case's state,
    which records it as a request awaiting its answer."""
    message = info_request()

    async def check(network: Network, message: Message) -> None:
        held = await request_held(network, "authority:RU", message.edoc_id)
        assert held == [("additional_info", "authority:BY", "authority:RU")]
        assert await answers_to(network, "authority:RU", message.edoc_id) == []

    return Sending(message, check)


async def additional_info_answer(network: Network) -> Sending:
    """Rules §37, §39: RU's answer goes back to BY, who threads it to its request."""
    request = await send(network, info_request())
    message = Message(
        "additional_info.answer",
        "authority:RU",
        fresh("R.SM.SS.09.002", envelope="P.SS.09.MSG.004", answers=request),
        frozenset({"authority:BY"}),
    )

    async def check(network: Network, message: Message) -> None:
        assert await answers_to(network, "authority:BY", request) == [(message.edoc_id, False)]

    return Sending(message, check, answers=("authority:BY", request, "authority:RU"))


def query_message() -> Message:
    """Rules §8, §14: a KZ supervisory body queries the Commission's dangerous-products database."""
    return Message(
        "information.request", "supervisory:KZ:01", fresh("R.SM.SS.00.002"), frozenset({"commission"})
    )


async def information_request(network: Network) -> Sending:
    """Rules §7е–ж, §8, §14: the Commission records the query and answers it at once from its resources,
    so the request's delivery settles as answered and the requester threads the answer."""
    message = query_message()

    async def check(network: Network, message: Message) -> None:
        held = await request_held(network, "commission", message.edoc_id)
        assert held == [("information", "supervisory:KZ:01", "commission")]
        answered = await answers_to(network, "supervisory:KZ:01", message.edoc_id)
        assert answered is not None and len(answered) == 1 and not answered[0][1], answered

    return Sending(message, check, settled="answered")


async def information_answer(network: Network) -> Sending:
    """Rules §14: an answer of the Commission goes back to the requester, who threads it to its request
    (after the answer the Commission gave at once)."""
    request = await send(network, query_message(), settled="answered")
    message = Message(
        "information.answer",
        "commission",
        fresh("R.SM.SS.00.003", answers=request),
        frozenset({"supervisory:KZ:01"}),
    )

    async def check(network: Network, message: Message) -> None:
        answered = await answers_to(network, "supervisory:KZ:01", request)
        assert answered is not None and len(answered) == 2 and answered[-1] == (message.edoc_id, False), (
            answered
        )

    return Sending(message, check, answers=("supervisory:KZ:01", request, "commission"))


#: Flow name → its case (a flow of the routing table without one fails its own test).
CASES: dict[str, Callable[[Network], Awaitable[Sending]]] = {
    "registry.certificate": registry_certificate,
    "morbidity.notice": morbidity_notice,
    "dangerous_product.notice": dangerous_product_notice,
    "production_violation.notice": production_violation_notice,
    "production_violation.answer": production_violation_answer,
    "laboratory_protocol.request": laboratory_protocol_request,
    "laboratory_protocol.answer": laboratory_protocol_answer,
    "measure.notice": measure_notice,
    "measure.review": measure_review,
    "additional_info.request": additional_info_request,
    "additional_info.answer": additional_info_answer,
    "information.request": information_request,
    "information.answer": information_answer,
}
FLOW_NAMES = [flow.name for flow in FLOWS]


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("flow", FLOW_NAMES, ids=FLOW_NAMES)
async def test_a_flow_goes_from_the_senders_post_to_the_recipients_resources_and_back(
    network: Network, flow: str
) -> None:
    assert flow in CASES, f"no end-to-end case for the flow {flow}: add one to CASES"
    sending = await CASES[flow](network)
    message = sending.message
    assert message.flow == flow
    sender, edoc_id, recipients = message.sender, message.edoc_id, message.recipients
    link = f"/api/v1/messages/{edoc_id}"

    # 1. 202 with the EDocId and the delivery-record link; the record names every recipient.
    response = await network.post(sender, message.data, **sending.params)
    assert response.status_code == 202, response.text
    assert response.json() == {
        "edoc_id": edoc_id,
        "flow": flow,
        "recipients": sorted(recipients),
        "delivery": link,
    }
    api = network.nodes[sender].api
    assert api is not None
    record = (await api.get(link)).json()
    assert (record["edoc_id"], record["sender"], record["direction"]) == (edoc_id, sender, "out")
    assert sorted(d["recipient"] for d in record["deliveries"]) == sorted(recipients)
    assert {d["flow"] for d in record["deliveries"]} == {flow}

    # 4a. The sender's delivery record settles per recipient: accepted, or answered for a request answered.
    await eventually(
        lambda: states_of(network, sender, edoc_id),
        dict.fromkeys(recipients, sending.settled),
        "delivery record",
    )
    assert await network.delivery_states(sender, [edoc_id]) == {
        (edoc_id, r): sending.settled for r in recipients
    }

    # 2. Each recipient holds it exactly once; no one else does.
    assert await network.holders(edoc_id) == dict.fromkeys(recipients, 1)

    # 3. The recipients' stored versions reflect it.
    await sending.check(network, message)

    # 4b. The signals themselves: a receipt and a processing result from every recipient.
    async def signals() -> list[tuple[str, str]]:
        held = await select(
            network,
            sender,
            sa.select(documents.c.sender, documents.c.structure_code).where(
                documents.c.edoc_ref_id == edoc_id,
                documents.c.direction == "in",
                documents.c.structure_code.in_(SIGNALS),
            ),
        )
        return sorted(held)

    await eventually(signals, sorted((r, s) for r in recipients for s in SIGNALS), "signals")

    # An answer moves its request's delivery record on at the requester.
    if sending.answers is not None:
        requester, request, responder = sending.answers
        await eventually(
            lambda: states_of(network, requester, request), {responder: "answered"}, "the request answered"
        )
