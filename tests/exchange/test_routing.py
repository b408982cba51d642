"""The routing table: every flow of DESIGN.md reaches exactly the right bodies (Rules §6–8, §34–39)."""

from __future__ import annotations

import pytest

from sanmeasures.contract.catalogue import structures
from sanmeasures.contract.examples import example_document
from sanmeasures.exchange.participants import Participant, UnknownParticipant
from sanmeasures.exchange.routing import BY_NAME, FLOWS, SIGNALS, RoutingError, flow_of

DEPLOYMENT = tuple(
    Participant.parse(pid)
    for pid in (
        "authority:AM",
        "authority:BY",
        "authority:KZ",
        "authority:KG",
        "authority:RU",
        "commission",
        "supervisory:RU:rpn-77",
        "supervisory:KZ:kgd-02",
    )
)
OTHER_AUTHORITIES_THAN_RU = ["authority:AM", "authority:BY", "authority:KG", "authority:KZ"]


def route(name: str, sender: str, document=None):  # type: ignore[no-untyped-def]
    flow = BY_NAME[name]
    return flow.route(Participant.parse(sender), document or example_document(flow.structure), DEPLOYMENT)


def test_every_structure_but_the_signals_has_a_flow_and_codes_are_unique() -> None:
    assert len({f.message_code for f in FLOWS}) == len(FLOWS)
    assert len({f.name for f in FLOWS}) == len(FLOWS)
    covered = {f.structure for f in FLOWS} | {structure for _, structure in SIGNALS.values()}
    assert covered == set(structures())
    for flow in FLOWS:
        assert flow.structure in structures()
        if flow.answers:
            assert BY_NAME[flow.answers].template == "request"


def test_certificate_goes_to_the_commission_only() -> None:  # §35
    assert route("registry.certificate", "authority:KZ") == ["commission"]


def test_morbidity_notice_goes_to_every_other_authority_and_the_commission() -> None:  # §6б, §17
    assert route("morbidity.notice", "authority:KZ") == [
        "authority:AM",
        "authority:BY",
        "authority:KG",
        "authority:RU",
        "commission",
    ]


def test_dangerous_product_notice_also_reaches_every_supervisory_body() -> None:  # §6б, §8
    assert route("dangerous_product.notice", "authority:RU") == [
        *OTHER_AUTHORITIES_THAN_RU,
        "commission",
        "supervisory:KZ:kgd-02",
        "supervisory:RU:rpn-77",
    ]


def test_production_violation_goes_to_the_manufacturers_authority_only() -> None:  # §38
    document = example_document("R.SM.SS.08.002")
    product = document.dangerous_product_alert_details[0].non_compliant_sanitary_product_details
    manufacturer_state = product.supply_chain_party_details.unified_country_code.value
    assert manufacturer_state != "RU"
    assert route("production_violation.notice", "authority:RU", document) == [
        f"authority:{manufacturer_state}"
    ]
    assert BY_NAME["production_violation.notice"].confidential_exchange  # §39


def test_answer_to_a_production_violation_informs_the_others_and_the_commission() -> None:  # §6б
    assert route("production_violation.answer", "authority:BY") == [
        "authority:AM",
        "authority:KG",
        "authority:KZ",
        "authority:RU",
        "commission",
    ]


def test_protocol_request_goes_to_the_authority_that_issued_the_certificate() -> None:  # §36
    document = example_document("R.SM.SS.08.004")
    assert route("laboratory_protocol.request", "authority:RU", document) == [
        f"authority:{document.certificate_number[:2]}"
    ]


def test_measure_goes_to_the_commission_and_every_authority() -> None:  # §6в, §27
    assert route("measure.notice", "authority:RU") == [*OTHER_AUTHORITIES_THAN_RU, "commission"]


def test_review_goes_to_the_commission_and_the_state_that_introduced_the_measure() -> None:  # §28
    document = example_document("R.SM.SS.09.003")
    initiator = f"authority:{document.measure_doc_details.unified_country_code.value}"
    reviewer = next(a for a in ("authority:BY", "authority:AM") if a != initiator)
    assert route("measure.review", reviewer, document) == sorted([initiator, "commission"])


def test_additional_information_request_goes_to_the_state_of_the_case() -> None:  # §37
    document = example_document("R.SM.SS.09.002")
    asked = (document.incident_alert_id_details or document).unified_country_code.value
    assert route("additional_info.request", "authority:BY", document) == [f"authority:{asked}"]


def test_information_request_goes_to_the_commission_from_authorities_and_supervisory_bodies() -> None:  # §14
    assert route("information.request", "supervisory:KZ:kgd-02") == ["commission"]
    assert route("information.request", "authority:AM") == ["commission"]


@pytest.mark.parametrize(
    ("name", "sender"),
    [
        ("morbidity.notice", "supervisory:KZ:kgd-02"),  # §8: supervisory bodies send no notifications
        ("dangerous_product.notice", "commission"),
        ("information.answer", "authority:KZ"),  # §14: only the Commission answers
        ("measure.notice", "supervisory:RU:rpn-77"),
    ],
)
def test_senders_without_the_right_are_refused(name: str, sender: str) -> None:
    with pytest.raises(RoutingError, match="may not send"):
        route(name, sender)


def test_the_sender_never_receives_its_own_message() -> None:
    for flow in FLOWS:
        if "authority" in flow.senders:
            try:
                recipients = route(flow.name, "authority:KZ")
            except RoutingError:
                continue
            assert "authority:KZ" not in recipients


def test_flow_of_checks_code_and_structure() -> None:
    assert flow_of("P.SS.08.MSG.017", "R.SM.SS.08.002").name == "dangerous_product.notice"
    with pytest.raises(RoutingError, match="unknown message code"):
        flow_of("P.SS.08.MSG.999", "R.SM.SS.08.002")
    with pytest.raises(RoutingError, match=r"carries R\.SM\.SS\.08\.001"):
        flow_of("P.SS.08.MSG.001", "R.SM.SS.08.002")


@pytest.mark.parametrize("text", ["authority:DE", "authority:kz", "supervisory:KZ", "commission:KZ", ""])
def test_participant_ids_are_checked(text: str) -> None:
    with pytest.raises(UnknownParticipant):
        Participant.parse(text)


def test_example_documents_carry_their_flows_codes() -> None:
    for flow in FLOWS:
        if flow.name in {"production_violation.notice", "additional_info.answer"}:
            continue  # these reuse another flow's structure; the example carries that flow's code
        header = example_document(flow.structure).e_doc_header
        assert flow_of(header.inf_envelope_code, header.e_doc_code) == flow
