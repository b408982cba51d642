"""Hypothesis strategies for the structures of our own design.

Their fields are tied together (certificate number <-> country, issue date and letter; validity;
answers that refer to a request), so the generic builder of ``strategies`` cannot draw them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as hs

from sanmeasures.contract import blocks as b
from sanmeasures.contract.classifiers import code_list
from sanmeasures.contract.examples import PDF, code_data
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.simple_content import AnyDetails, CountryCode
from sanmeasures.contract.structures import certificate as cert
from sanmeasures.contract.structures import information_request as info
from sanmeasures.contract.structures import laboratory_protocol as lab
from sanmeasures.contract.structures import receipt as rcp
from sanmeasures.contract.structures.dangerous_product_alert import AlertDangerousProductDetails
from sanmeasures.contract.structures.public_health_alert import AlertPublicHealthDetails
from sanmeasures.contract.structures.sanitary_measure import TemporarySanitaryMeasureDetails
from tests.support import strategies


# =================================================================================================
# Hypothesis strategies for tests/contract/test_roundtrip.py: our models tie fields together
# (number <-> country, date and letter; validity; answers), so the generic builder of
# tests/support/strategies cannot draw them. Registered when this module is imported.
# =================================================================================================
def _digits(width: int) -> hs.SearchStrategy[str]:
    return hs.text("0123456789", min_size=width, max_size=width)


@hs.composite
def _certificate_number(draw: Any, country: str, issued: dt.date, letter: str) -> str:
    authority = draw(hs.from_regex(r"[А-Я0-9]{2}", fullmatch=True))
    number = ".".join(
        (
            country,
            draw(_digits(2)),
            authority,
            draw(_digits(2)),
            draw(_digits(3)),
            letter,
            draw(_digits(6)),
            f"{issued.month:02d}",
            f"{issued.year % 100:02d}",
        )
    )
    if draw(hs.booleans()):  # written with the usual Cyrillic look-alikes
        number = number.replace(".E.", ".Е.").replace(".R.", ".Р.")
    return number


@hs.composite
def _registration_certificates(draw: Any) -> cert.RegistrationCertificateDetails:
    country = draw(hs.sampled_from(sorted(code_list("member_states").codes())))
    issued = draw(hs.dates(dt.date(2010, 1, 1), dt.date(2040, 12, 31)))
    letter = draw(hs.sampled_from("RE"))
    end = draw(hs.none() | hs.dates(issued, dt.date(2099, 12, 31)))
    status_start = draw(hs.dates(issued, dt.date(2045, 12, 31)))
    regulations = sorted(code_list("technical_regulations").codes())
    section = hs.text(strategies._TEXT_ALPHABET, min_size=1, max_size=60)
    authority = draw(strategies.for_model(cert.CertificateAuthority))
    data = {
        "unified_country_code": code_data(country),
        "form_number_id": draw(hs.none() | _digits(7)),
        "registration_number_as_written": draw(_certificate_number(country, issued, letter)),
        "doc_creation_date": issued,
        "certificate_validity_period_details": {
            "start_date": issued,
            "end_date": end,
            "unlimited_validity_indicator": True if end is None else draw(hs.none() | hs.just(False)),
        },
        "certificate_status_details": {
            "certificate_status_code": code_data(draw(hs.sampled_from("123")), "SM.CLS.006"),
            "start_date": status_start,
            "end_date": draw(hs.none() | hs.dates(status_start, dt.date(2050, 12, 31))),
        },
        "applicant_details": draw(strategies.for_model(cert.ApplicantDetails)),
        "certificate_product_details": draw(strategies.for_model(cert.CertificateProductDetails)),
        "manufacturer_details": draw(strategies.for_model(cert.ManufacturerDetails)),
        "union_act_details": (
            {
                "technical_regulation_id": draw(
                    hs.lists(hs.sampled_from(regulations), min_size=1, max_size=2)
                ),
                "sanitary_requirements_section_text": draw(hs.lists(section, max_size=2)),
            }
            if letter == "R"
            else {"sanitary_requirements_section_text": draw(hs.lists(section, min_size=1, max_size=2))}
        ),
        "conformity_evidence_doc_details": draw(
            hs.lists(strategies.for_model(cert.ConformityEvidenceDocDetails), min_size=1, max_size=2)
        ),
        "unified_authority_details": authority.model_copy(
            update={"unified_country_code": CountryCode.model_validate(code_data(country))}
        ),
        "certificate_annex_details": draw(hs.none() | strategies.for_model(b.DocContentDetails)),
        "resource_item_status_details": draw(hs.none() | strategies.for_model(b.ResourceItemStatusDetails)),
    }
    return cert.RegistrationCertificateDetails.model_validate(data)


@hs.composite
def _answer_headers(draw: Any) -> rcp.AnswerEDocHeader:
    plain = draw(strategies.for_model(EDocHeader))
    ref = str(draw(hs.uuids().filter(lambda u: str(u) != plain.e_doc_id.lower())))
    return rcp.AnswerEDocHeader.model_validate(plain.model_dump() | {"e_doc_ref_id": ref})


@hs.composite
def _certificate_references(draw: Any) -> dict[str, Any]:
    country = draw(hs.sampled_from(sorted(code_list("member_states").codes())))
    issued = draw(hs.dates(dt.date(2010, 1, 1), dt.date(2040, 12, 31)))
    return {
        "certificate_number_as_written": draw(
            _certificate_number(country, issued, draw(hs.sampled_from("RE")))
        ),
        "doc_creation_date": issued,
    }


def _test_kinds(optional: bool = False) -> hs.SearchStrategy[Any]:
    kinds = hs.sampled_from(code_list("laboratory_test_kinds").codes()).map(
        lambda c: code_data(c, "SM.CLS.014")
    )
    return hs.none() | kinds if optional else kinds


def _texts(size: int) -> hs.SearchStrategy[str | None]:
    return hs.none() | hs.text(strategies._TEXT_ALPHABET, min_size=1, max_size=size)


@hs.composite
def _protocol_requests(draw: Any) -> lab.LaboratoryProtocolRequestDetails:
    data = {
        "e_doc_header": draw(strategies.for_model(EDocHeader)),
        "unified_authority_details": draw(strategies.for_model(cert.MemberStateAuthority)),
        **draw(_certificate_references()),
        "laboratory_test_kind_code": draw(_test_kinds()),
        "laboratory_test_method_name": draw(
            hs.none() | hs.sampled_from(["Микробиологические показатели", "КМАФАнМ"])
        ),
        "description_text": draw(_texts(80)),
    }
    return lab.LaboratoryProtocolRequestDetails.model_validate(data)


@hs.composite
def _protocol_documents(draw: Any) -> lab.ProtocolDocDetails:
    base = draw(
        strategies.for_model(
            b.DocContentDetails,
            absent=frozenset({"any_details", "doc_binary_text", "doc_id", "doc_creation_date"}),
        )
    )
    content: dict[str, Any]
    if draw(hs.booleans()):
        content = {
            "doc_binary_text": {
                "value": PDF + draw(hs.binary(max_size=16)),
                "media_type_code": "application/pdf",
            }
        }
    else:
        content = {"any_details": draw(strategies.for_model(AnyDetails))}
    return lab.ProtocolDocDetails.model_validate(
        base.model_dump() | {"doc_id": draw(_digits(5)), "doc_creation_date": draw(hs.dates())} | content
    )


@hs.composite
def _protocol_answers(draw: Any) -> lab.LaboratoryProtocolDetails:
    refused = draw(hs.booleans())
    data = {
        "e_doc_header": draw(_answer_headers()),
        "unified_authority_details": draw(strategies.for_model(cert.MemberStateAuthority)),
        **draw(_certificate_references()),
        "laboratory_test_kind_code": draw(_test_kinds(optional=True)),
        "doc_content_details": []
        if refused
        else draw(hs.lists(_protocol_documents(), min_size=1, max_size=2)),
        "refusal_reason_code": code_data(draw(hs.sampled_from(lab.REFUSAL_REASONS.codes())), "SM.CLS.015")
        if refused
        else None,
        "description_text": draw(_texts(80)),
    }
    return lab.LaboratoryProtocolDetails.model_validate(data)


@hs.composite
def _search_criteria(draw: Any) -> info.SearchCriteriaDetails:
    base = draw(
        strategies.for_model(info.SearchCriteriaDetails, absent=frozenset({"certificate_number_as_written"}))
    )
    number = draw(hs.none() | _certificate_references().map(lambda r: r["certificate_number_as_written"]))
    return info.SearchCriteriaDetails.model_validate(
        base.model_dump() | {"certificate_number_as_written": number}
    )


_RESOURCES = hs.sampled_from(info.INFORMATION_RESOURCES.codes())


@hs.composite
def _information_requests(draw: Any) -> info.InformationRequestDetails:
    data = {
        "e_doc_header": draw(strategies.for_model(EDocHeader)),
        "unified_authority_details": draw(strategies.for_model(cert.MemberStateAuthority)),
        "information_resource_code": code_data(draw(_RESOURCES), "SM.CLS.016"),
        "search_criteria_details": draw(hs.none() | _search_criteria()),
        "max_record_quantity": draw(hs.none() | hs.integers(1, 999_999_999)),
    }
    return info.InformationRequestDetails.model_validate(data)


@hs.composite
def _information_responses(draw: Any) -> info.InformationResponseDetails:
    resource = draw(_RESOURCES)
    field = info.InformationResponseDetails._field_of(resource)
    record_model = {
        "public_health_alert_details": AlertPublicHealthDetails,
        "dangerous_product_alert_details": AlertDangerousProductDetails,
        "sanitary_measure_details": TemporarySanitaryMeasureDetails,
        "registration_certificate_details": cert.RegistrationCertificateDetails,
    }[field]
    records = draw(hs.lists(strategies.for_model(record_model), max_size=2))
    data = {
        "e_doc_header": draw(_answer_headers()),
        "unified_authority_details": draw(strategies.for_model(info.ResponderDetails)),
        "information_resource_code": code_data(resource, "SM.CLS.016"),
        "record_quantity": draw(hs.integers(len(records), 999_999_999)),
        field: records,
        "description_text": draw(_texts(80)),
    }
    return info.InformationResponseDetails.model_validate(data)


@hs.composite
def _receipts(draw: Any) -> rcp.EDocReceiptDetails:
    members = sorted(code_list("member_states").codes())
    participant = draw(
        hs.sampled_from(members).map(lambda c: f"authority:{c}")
        | hs.just("commission")
        | hs.tuples(hs.sampled_from(members), _digits(2)).map(lambda t: f"supervisory:{t[0]}:{t[1]}")
    )
    data = {
        "e_doc_header": draw(_answer_headers()),
        "event_date_time": draw(
            hs.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2040, 1, 1), timezones=hs.just(dt.UTC))
        ),
        "receiving_participant_id": participant,
        "description_text": draw(_texts(40)),
    }
    return rcp.EDocReceiptDetails.model_validate(data)


def register_strategies() -> None:
    """Teach tests/support/strategies our models (roots and the blocks other roots embed)."""
    strategies.register(cert.RegistrationCertificateDetails, _registration_certificates())
    strategies.register(rcp.AnswerEDocHeader, _answer_headers())
    strategies.register(lab.LaboratoryProtocolRequestDetails, _protocol_requests())
    strategies.register(lab.ProtocolDocDetails, _protocol_documents())
    strategies.register(lab.LaboratoryProtocolDetails, _protocol_answers())
    strategies.register(info.SearchCriteriaDetails, _search_criteria())
    strategies.register(info.InformationRequestDetails, _information_requests())
    strategies.register(info.InformationResponseDetails, _information_responses())
    strategies.register(rcp.EDocReceiptDetails, _receipts())
