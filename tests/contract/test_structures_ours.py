"""The six structures we designed in the EEC style (not published by the EEC).

R.SM.SS.07.001 state registration certificates (Table 1), R.SM.SS.08.004 / .005 laboratory
protocol request and answer (Rules §36, §39), R.SM.SS.00.002 / .003 information request and
answer (Rules §7е–ж, §8, §14), R.SM.SS.00.001 receipt signal.

For each: a realistic document is built in code, written with ``.to_xml()``, validated by our XSD
with lxml and with xmlschema, read back and compared; every value rule rejects a bad value and
accepts a good one; Table 1 sits on the certificate XSD and model exactly as printed; the files
under ``tests/data/<code>/`` pass or fail the whole pipeline as their README says.
"""

from __future__ import annotations

import base64
import copy
import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import xmlschema
from lxml import etree
from pydantic import ValidationError

from sanmeasures.contract import tables
from sanmeasures.contract.catalogue import structures
from sanmeasures.contract.classifiers import code_list
from sanmeasures.contract.examples import (
    KZ_NUMBER,
    OUR_BUILDERS,
    PDF,
    RU_NUMBER,
    certificate_document,
    code_data,
    info_request,
    info_response,
    kz_authority,
    kz_certificate,
    lab_answer,
    lab_refusal,
    lab_request,
    receipt,
    ru_authority,
    ru_certificate,
)
from sanmeasures.contract.pipeline import encode, validate_document
from sanmeasures.contract.schemas import schema_dir, schema_path
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.structures import certificate as cert
from sanmeasures.contract.structures import information_request as info
from sanmeasures.contract.structures import laboratory_protocol as lab
from sanmeasures.contract.structures import receipt as rcp
from sanmeasures.contract.xmlmodel import XmlModel
from tests.support.xsd_tree import ITEM_SOURCE, XS, schema_set

OURS = (
    "R.SM.SS.07.001",
    "R.SM.SS.08.004",
    "R.SM.SS.08.005",
    "R.SM.SS.00.002",
    "R.SM.SS.00.003",
    "R.SM.SS.00.001",
)
DATA = Path(__file__).resolve().parents[1] / "data"


def build(code_: str) -> XmlModel:
    model, make = OUR_BUILDERS[code_]
    return model.model_validate(make())


# =================================================================================================
# Helpers
# =================================================================================================
@cache
def lxml_schema(structure_code: str) -> etree.XMLSchema:
    return etree.XMLSchema(file=str(schema_path(structures()[structure_code])))


@cache
def xmlschema_schema(structure_code: str) -> xmlschema.XMLSchema10:
    return xmlschema.XMLSchema10(str(schema_path(structures()[structure_code])))


def round_trip(structure_code: str, document: XmlModel) -> XmlModel:
    data = document.to_xml()
    root = etree.fromstring(data)
    schema = lxml_schema(structure_code)
    assert schema.validate(root), schema.error_log
    xmlschema_schema(structure_code).validate(data.decode("utf-8"))
    back = type(document).from_element(root)
    assert back == document
    report = validate_document(data)
    assert report.ok, [issue.one_line() for issue in report.issues]
    assert encode(document) == etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return back


def errors_of(model: type[XmlModel], data: dict[str, Any]) -> list[dict[str, Any]]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return caught.value.errors(include_url=False)


def rule_codes(model: type[XmlModel], data: dict[str, Any]) -> set[str]:
    return {error["type"] for error in errors_of(model, data)}


def one_cert(**changes: Any) -> dict[str, Any]:
    data = kz_certificate()
    data.update(changes)
    return certificate_document(data)


Root = cert.StateRegistrationCertificateDetails


# =================================================================================================
# Catalogue and round trips
# =================================================================================================
def test_our_structures_are_in_the_catalogue_as_not_published() -> None:
    found = structures()
    for code_ in OURS:
        structure = found[code_]
        assert isinstance(structure, Structure)
        assert structure.published is False
        assert (structure.table == 1) == (code_ == "R.SM.SS.07.001")
        assert schema_path(structure).is_file()
        assert structure.paragraphs.startswith("§")


@pytest.mark.parametrize("code_", OURS)
def test_realistic_document_round_trips_through_both_validators(code_: str) -> None:
    document = build(code_)
    assert document.e_doc_header.e_doc_code == code_  # type: ignore[attr-defined]
    round_trip(code_, document)


def test_every_xsd_uses_sequences_of_global_elements_only() -> None:
    """EEC conventions: xs:sequence only (no xs:choice / xs:all), children referenced, qualified form."""
    for code_ in OURS:
        doc = etree.parse(str(schema_path(structures()[code_]))).getroot()
        assert doc.get("elementFormDefault") == "qualified"
        assert not doc.findall(f".//{{{XS}}}choice") and not doc.findall(f".//{{{XS}}}all")
        for particle in doc.iterfind(f".//{{{XS}}}sequence/{{{XS}}}element"):
            assert particle.get("ref"), f"{code_}: local element {particle.get('name')}"
        first = doc.find(f"{{{XS}}}complexType/{{{XS}}}sequence/{{{XS}}}element")
        assert first is not None and first.get("ref") == "ccdo:EDocHeader"


def test_every_code_element_of_ours_carries_a_code_list_id() -> None:
    for code_ in OURS:
        doc = etree.parse(str(schema_path(structures()[code_]))).getroot()
        for element in doc.iterfind(f"{{{XS}}}element"):
            if element.get("name", "").endswith("Code"):
                assert element.get("type") == "csdo:UnifiedCode20Type", element.get("name")


# =================================================================================================
# R.SM.SS.07.001 — Table 1 on the XSD and the model
# =================================================================================================
def _certificate_particles() -> list[tuple[str, str, str, str]]:
    """(item, particle name, multiplicity, Russian documentation) of every annotated particle of the XSD."""
    structure = structures()["R.SM.SS.07.001"]
    tree = schema_set(schema_dir()).tree(
        f"{{{structure.namespace}}}{structure.root_element}", structure.namespace
    )
    found = []
    for _, node in tree.walk():
        for item_id in node.items:
            found.append((item_id, node.name, node.multiplicity, ""))
    # the documentation sits next to each appinfo in the particle's annotation
    doc = etree.parse(str(schema_path(structure))).getroot()
    names = {}
    for appinfo in doc.iter(f"{{{XS}}}appinfo"):
        if appinfo.get("source") == ITEM_SOURCE:
            documentation = appinfo.getprevious()
            assert documentation is not None and documentation.tag == f"{{{XS}}}documentation"
            assert documentation.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
            names[appinfo.text.strip()] = documentation.text.strip()
    return [(item_id, name, multiplicity, names[item_id]) for item_id, name, multiplicity, _ in found]


def _model_items(model: type[XmlModel], seen: set[type] | None = None) -> list[tuple[str, str, str]]:
    seen = seen or set()
    found = []
    for field in model.xml_fields():
        for item_id in field.items:
            found.append((item_id, f"{model.__name__}.{field.name}", field.multiplicity))
        if field.model is not None and field.model not in seen:
            seen.add(field.model)
            found.extend(_model_items(field.model, seen))
    return found


def test_every_table_1_item_is_one_xsd_particle_with_the_tables_multiplicity_and_name() -> None:
    particles = _certificate_particles()
    table = tables.TABLES[1]
    assert sorted(p[0] for p in particles) == sorted(i.id for i in table), "each item exactly once"
    for item_id, name, multiplicity, documentation in particles:
        entry = tables.item(item_id)
        assert multiplicity == entry.multiplicity, (item_id, name)
        assert documentation == entry.name_ru, item_id
    assert tables.item("T1/5").multiplicity_as_printed == ""  # blank in the seed, taken as 1


def test_every_table_1_item_is_one_model_field_with_the_tables_multiplicity() -> None:
    found = [row for row in _model_items(Root) if row[0].startswith("T1/")]
    assert sorted(row[0] for row in found) == sorted(i.id for i in tables.TABLES[1])
    for item_id, where, multiplicity in found:
        assert multiplicity == tables.item(item_id).multiplicity, (item_id, where)


def test_model_and_xsd_put_each_table_1_item_on_the_same_element() -> None:
    xsd = {item_id: name.split(":")[1] for item_id, name, _, _ in _certificate_particles()}
    model = {}
    for cls in (cert.RegistrationCertificateDetails, cert.CertificateProductDetails):
        for field in cls.xml_fields():
            for item_id in field.items:
                model[item_id] = field.qname.split(":")[1]
    assert model == xsd


# =================================================================================================
# R.SM.SS.07.001 — registration number (Table 1 item 3)
# =================================================================================================
@pytest.mark.parametrize(
    ("written", "normal"),
    [
        (RU_NUMBER, RU_NUMBER),
        ("КZ.16.01.78.003.Е.000123.03.21", "KZ.16.01.78.003.E.000123.03.21"),  # Cyrillic К and Е
        ("КЗ.16.01.78.003.E.000123.03.21", "KZ.16.01.78.003.E.000123.03.21"),  # Cyrillic К and З
        ("RU.77.99.88.003.Р.001234.05.24", RU_NUMBER),  # Cyrillic Р for R
        ("РУ.77.99.88.003.R.001234.05.24", RU_NUMBER),  # "RU" typed in Cyrillic
        ("ВУ.70.06.01.015.Е.004200.09.20", "BY.70.06.01.015.E.004200.09.20"),
        ("RU.77.AB.88.003.R.001234.05.24", "RU.77.АВ.88.003.R.001234.05.24"),  # Latin A, B in VV -> Cyrillic
        (" RU. 77.99 .88.003.R.001234.05.24 ", RU_NUMBER),  # stray spaces
        ("ru.77.99.88.003.r.001234.05.24", RU_NUMBER),
        ("AM.01.ЯЯ.01.001.E.000001.12.22", "AM.01.ЯЯ.01.001.E.000001.12.22"),
    ],
)
def test_look_alike_registration_numbers_normalise(written: str, normal: str) -> None:
    assert cert.normalise_registration_number(written) == normal
    assert cert.normalise_registration_number(normal) == normal  # idempotent


@pytest.mark.parametrize(
    ("written", "part"),
    [
        ("RU.77.99.88.003.R.001234.13.24", "MM"),
        ("RU.77.99.88.003.R.001234.00.24", "MM"),
        ("RU.77.99.88.003.X.001234.05.24", "E"),
        ("XX.77.99.88.003.R.001234.05.24", "AA"),
        ("DE.77.99.88.003.R.001234.05.24", "AA"),
        ("RU.7.99.88.003.R.001234.05.24", "BB"),
        ("RU.77.9Ж!.88.003.R.001234.05.24", "VV"),
        ("RU.77.QQ.88.003.R.001234.05.24", "VV"),
        ("RU.77.99.8A.003.R.001234.05.24", "GG"),
        ("RU.77.99.88.03.R.001234.05.24", "DDD"),
        ("RU.77.99.88.003.R.01234.05.24", "ZZZZZZ"),
        ("RU.77.99.88.003.R.001234.05.2024", "YY"),
        ("RU.77.99.88.003.R.001234.05", ""),
        ("RU-77-99-88-003-R-001234-05-24", ""),
    ],
)
def test_registration_numbers_off_the_template_are_rejected(written: str, part: str) -> None:
    with pytest.raises(cert.RegistrationNumberError) as caught:
        cert.normalise_registration_number(written)
    assert caught.value.part == part
    assert caught.value.reason_ru and caught.value.reason_en
    assert isinstance(caught.value, ValueError)


def test_look_alike_number_is_accepted_normalised_and_kept_as_written() -> None:
    written = "КZ.16.01.78.003.Р.000541.05.24"  # Cyrillic К and Р
    document = Root.model_validate(one_cert(registration_number_as_written=written))
    certificate = document.registration_certificate_details[0]
    assert certificate.registration_number == KZ_NUMBER
    assert certificate.registration_number_as_written == written
    back = round_trip("R.SM.SS.07.001", document)
    assert b"\xd0\x9aZ.16" in document.to_xml()  # the wire keeps "КZ" as written
    assert back.registration_certificate_details[0].registration_number == KZ_NUMBER


def test_spaces_in_the_number_are_tolerated() -> None:
    document = Root.model_validate(one_cert(registration_number_as_written="KZ. 16.01.78.003.R.000541.05.24"))
    assert document.registration_certificate_details[0].registration_number == KZ_NUMBER


@pytest.mark.parametrize(
    ("written", "rule"),
    [
        ("KZ.16.01.78.003.R.000541.13.24", "certificate.number.template"),  # month 13
        ("KZ.16.01.78.003.X.000541.05.24", "certificate.number.template"),  # letter X
        ("RU.16.01.78.003.R.000541.05.24", "certificate.number.country"),  # KZ certificate, RU number
        ("KZ.16.01.78.003.R.000541.06.24", "certificate.number.issue_date"),  # issued in May
        ("KZ.16.01.78.003.R.000541.05.23", "certificate.number.issue_date"),  # issued in 2024
        ("KZ.16.01.78.003.E.000541.05.24", "certificate.number.letter_e"),  # E with technical regulations
    ],
)
def test_registration_number_rules(written: str, rule: str) -> None:
    assert rule_codes(Root, one_cert(registration_number_as_written=written)) == {rule}


def test_template_error_names_the_part_and_the_paragraph() -> None:
    (error,) = errors_of(Root, one_cert(registration_number_as_written="KZ.16.01.78.003.R.000541.13.24"))
    assert error["loc"] == ("registration_certificate_details", 0, "registration_number_as_written")
    assert error["ctx"]["part"] == "MM" and "13" in error["ctx"]["reason_ru"]
    assert cert.NUMBER_TEMPLATE.paragraph == "Приложение 2, таблица 1, п. 3"


def test_letter_r_requires_a_technical_regulation() -> None:
    data = one_cert(union_act_details={"sanitary_requirements_section_text": ["Глава II, раздел 1"]})
    (error,) = errors_of(Root, data)
    assert error["type"] == "certificate.number.letter_r"
    assert error["loc"] == ("registration_certificate_details", 0, "union_act_details")


def test_letter_e_takes_a_section_of_the_unified_sanitary_requirements() -> None:
    Root.model_validate(certificate_document(ru_certificate()))  # E + chapter II section: good
    data = ru_certificate()
    data["union_act_details"]["technical_regulation_id"] = ["ТР ТС 021/2011"]
    assert rule_codes(Root, certificate_document(data)) == {"certificate.number.letter_e"}


def test_acts_may_not_be_empty() -> None:
    assert "certificate.acts.empty" in rule_codes(Root, one_cert(union_act_details={}))


def test_member_state_country_and_authority_country() -> None:
    assert rule_codes(Root, one_cert(unified_country_code=code_data("DE"))) >= {"country.member_state"}
    authority = kz_authority() | {"unified_country_code": code_data("RU")}
    assert rule_codes(Root, one_cert(unified_authority_details=authority)) == {
        "certificate.authority.country"
    }


# =================================================================================================
# R.SM.SS.07.001 — validity (item 5) and status (item 6)
# =================================================================================================
@pytest.mark.parametrize(
    ("validity", "rule"),
    [
        (
            {"start_date": "2024-05-17", "end_date": "2029-05-16", "unlimited_validity_indicator": "1"},
            "end_or_unlimited",
        ),
        ({"start_date": "2024-05-17"}, "end_or_unlimited"),
        ({"start_date": "2024-05-17", "unlimited_validity_indicator": "false"}, "end_or_unlimited"),
        ({"start_date": "2024-05-17", "end_date": "2024-05-16"}, "order"),
    ],
)
def test_validity_rules(validity: dict[str, str], rule: str) -> None:
    assert rule_codes(Root, one_cert(certificate_validity_period_details=validity)) == {
        f"certificate.validity.{rule}"
    }


@pytest.mark.parametrize(
    "validity",
    [
        {"start_date": "2024-05-17", "unlimited_validity_indicator": "true"},
        {"start_date": "2024-05-17", "end_date": "2029-05-16"},
        {"start_date": "2024-05-17", "end_date": "2029-05-16", "unlimited_validity_indicator": "false"},
        {"start_date": "2024-05-17", "end_date": "2024-05-17"},
    ],
)
def test_good_validity_is_accepted(validity: dict[str, str]) -> None:
    document = Root.model_validate(one_cert(certificate_validity_period_details=validity))
    period = document.registration_certificate_details[0].certificate_validity_period_details
    assert period.unlimited == (period.end_date is None)


def test_unlimited_and_end_date_names_the_indicator() -> None:
    validity = {"start_date": "2024-05-17", "end_date": "2029-05-16", "unlimited_validity_indicator": "true"}
    (error,) = errors_of(Root, one_cert(certificate_validity_period_details=validity))
    assert error["loc"][-1] == "unlimited_validity_indicator"
    assert "не ограничен" in cert.VALIDITY_END_OR_UNLIMITED.ru


@pytest.mark.parametrize(
    ("status", "rule"),
    [
        (
            {"certificate_status_code": code_data("4", "SM.CLS.006"), "start_date": "2024-05-17"},
            "certificate.status.code",
        ),
        (
            {
                "certificate_status_code": code_data("2", "SM.CLS.006"),
                "start_date": "2025-02-10",
                "end_date": "2025-02-09",
            },
            "certificate.status.order",
        ),
        (
            {"certificate_status_code": code_data("3", "SM.CLS.006"), "start_date": "2024-05-16"},
            "certificate.status.before_issue",
        ),
    ],
)
def test_status_rules(status: dict[str, Any], rule: str) -> None:
    assert rule_codes(Root, one_cert(certificate_status_details=status)) == {rule}


@pytest.mark.parametrize("status_code", ["1", "2", "3"])
def test_every_status_of_the_code_list_is_accepted(status_code: str) -> None:
    status = {"certificate_status_code": code_data(status_code, "SM.CLS.006"), "start_date": "2025-01-10"}
    Root.model_validate(one_cert(certificate_status_details=status))
    assert status_code in code_list("certificate_statuses")


def test_several_problems_are_reported_together() -> None:
    data = one_cert(
        registration_number_as_written="RU.16.01.78.003.R.000541.06.24",
        certificate_status_details={
            "certificate_status_code": code_data("1", "SM.CLS.006"),
            "start_date": "2024-01-01",
        },
    )
    assert rule_codes(Root, data) == {
        "certificate.number.country",
        "certificate.number.issue_date",
        "certificate.status.before_issue",
    }


def test_notes_of_table_1_are_required_inside_shared_types() -> None:
    data = kz_certificate()
    del data["applicant_details"]["business_entity_id"]
    data["manufacturer_details"]["subject_address_details"] = []
    del data["certificate_product_details"]["doc_reference_details"][0]["doc_name"]
    errors = errors_of(Root, certificate_document(data))
    assert {(e["type"], e["loc"][-1]) for e in errors} == {
        ("missing", "business_entity_id"),
        ("too_short", "subject_address_details"),
        ("missing", "doc_name"),
    }


def test_table_1_items_with_several_values() -> None:
    data = kz_certificate()
    data["conformity_evidence_doc_details"] = []
    assert "too_short" in rule_codes(Root, certificate_document(data))
    data = kz_certificate()
    data["certificate_product_details"]["doc_reference_details"] = []
    assert "too_short" in rule_codes(Root, certificate_document(data))


# =================================================================================================
# R.SM.SS.08.004 / .005 — laboratory protocol
# =================================================================================================
def test_protocol_request_reads_the_certificate_number_tolerantly() -> None:
    data = lab_request() | {"certificate_number_as_written": "КZ.16.01.78.003.Р.000541.05.24"}
    request = lab.LaboratoryProtocolRequestDetails.model_validate(data)
    assert request.certificate_number == KZ_NUMBER
    round_trip("R.SM.SS.08.004", request)


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"laboratory_test_kind_code": code_data("99", "SM.CLS.014")}, "laboratory.test_kind"),
        ({"certificate_number_as_written": "KZ.16.01.78.003.R.000541.5.24"}, "certificate.number.template"),
        ({"doc_creation_date": "2024-06-17"}, "certificate.number.issue_date"),
        (
            {"unified_authority_details": ru_authority() | {"unified_country_code": code_data("CN")}},
            "country.member_state",
        ),
    ],
)
def test_protocol_request_rules(changes: dict[str, Any], rule: str) -> None:
    assert rule_codes(lab.LaboratoryProtocolRequestDetails, lab_request() | changes) == {rule}


def test_refusal_is_a_valid_answer() -> None:
    answer = lab.LaboratoryProtocolDetails.model_validate(lab_refusal())
    assert answer.refused
    round_trip("R.SM.SS.08.005", answer)


def test_answer_is_protocols_or_refusal_exactly_one() -> None:
    both = lab_answer() | {"refusal_reason_code": code_data("2", "SM.CLS.015")}
    (error,) = errors_of(lab.LaboratoryProtocolDetails, both)
    assert error["type"] == "laboratory.answer.protocol_or_refusal"
    assert error["loc"] == ("refusal_reason_code",)
    neither = lab_answer() | {"doc_content_details": []}
    (error,) = errors_of(lab.LaboratoryProtocolDetails, neither)
    assert error["type"] == "laboratory.answer.protocol_or_refusal"
    assert error["loc"] == ("doc_content_details",)
    # the XSD alone lets both through (xs:sequence only, no xs:choice): the rule is the model's
    element = lab.LaboratoryProtocolDetails.model_validate(lab_answer()).to_element()
    refusal = etree.SubElement(
        element, f"{{{lab.ANSWER_NAMESPACE}}}RefusalReasonCode", codeListId="SM.CLS.015"
    )
    refusal.text = "2"
    assert lxml_schema("R.SM.SS.08.005").validate(element)
    report = validate_document(etree.tostring(element))
    assert [(i.rule, i.xpath) for i in report.issues] == [
        ("laboratory.answer.protocol_or_refusal", "/doc:LaboratoryProtocolDetails/doc:RefusalReasonCode")
    ]


def test_answer_refers_to_the_request() -> None:
    data = lab_answer()
    del data["e_doc_header"]["e_doc_ref_id"]
    (error,) = errors_of(lab.LaboratoryProtocolDetails, data)
    assert error["type"] == "header.ref_id_required"
    assert error["ctx"]["field"] == "e_doc_ref_id"
    data["e_doc_header"]["e_doc_ref_id"] = data["e_doc_header"]["e_doc_id"]
    assert rule_codes(lab.LaboratoryProtocolDetails, data) == {"header.ref_id_self"}


def _with_protocol(**changes: Any) -> dict[str, Any]:
    data = lab_answer()
    data["doc_content_details"][0].update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        (
            {"doc_binary_text": {"value": base64.b64encode(PDF).decode(), "media_type_code": "image/tiff"}},
            "laboratory.protocol.media_type",
        ),
        ({"doc_binary_text": {"value": base64.b64encode(PDF).decode()}}, "laboratory.protocol.media_type"),
        (
            {
                "doc_binary_text": {
                    "value": base64.b64encode(b"GIF89a...").decode(),
                    "media_type_code": "application/pdf",
                }
            },
            "laboratory.protocol.pdf",
        ),
        ({"doc_binary_text": None}, "laboratory.protocol.content"),
        ({"any_details": {"elements": ["<p xmlns='urn:example:protocol'/>"]}}, "laboratory.protocol.content"),
    ],
)
def test_protocol_document_rules(changes: dict[str, Any], rule: str) -> None:
    assert rule_codes(lab.LaboratoryProtocolDetails, _with_protocol(**changes)) == {rule}


def test_protocol_number_and_date_are_required() -> None:
    data = lab_answer()
    del data["doc_content_details"][0]["doc_id"]
    del data["doc_content_details"][0]["doc_creation_date"]
    errors = errors_of(lab.LaboratoryProtocolDetails, data)
    assert {(e["type"], e["loc"][-1]) for e in errors} == {
        ("missing", "doc_id"),
        ("missing", "doc_creation_date"),
    }


def test_electronic_protocol_is_accepted_by_the_model() -> None:
    data = _with_protocol(
        doc_binary_text=None, any_details={"elements": ["<p xmlns='urn:example:protocol'/>"]}
    )
    answer = lab.LaboratoryProtocolDetails.model_validate(data)
    assert answer.doc_content_details[0].any_details is not None


@pytest.mark.parametrize(
    ("reason", "ok"), [("1", True), ("2", True), ("3", True), ("4", False), ("0", False)]
)
def test_refusal_reasons(reason: str, ok: bool) -> None:
    data = lab_refusal() | {"refusal_reason_code": code_data(reason, "SM.CLS.015")}
    if ok:
        lab.LaboratoryProtocolDetails.model_validate(data)
    else:
        assert rule_codes(lab.LaboratoryProtocolDetails, data) == {"laboratory.refusal_reason"}


# =================================================================================================
# R.SM.SS.00.002 / .003 — information on request
# =================================================================================================
def test_request_criteria_rules() -> None:
    model = info.InformationRequestDetails
    good = info_request()
    request = model.model_validate(good)
    assert request.resource == info.DANGEROUS_PRODUCTS_DB
    bad = copy.deepcopy(good)
    bad["search_criteria_details"]["end_date"] = "2025-12-31"
    assert rule_codes(model, bad) == {"date.order"}
    bad = copy.deepcopy(good)
    bad["search_criteria_details"]["commodity_code"] = "7701"
    assert rule_codes(model, bad) == {"hs_code.chapter"}
    bad = copy.deepcopy(good)
    bad["search_criteria_details"]["unified_country_code"] = [code_data("DE")]
    assert rule_codes(model, bad) == {"country.member_state"}
    assert rule_codes(model, good | {"information_resource_code": code_data("5", "SM.CLS.016")}) == {
        "information.resource"
    }
    assert rule_codes(model, good | {"max_record_quantity": 0}) == {"greater_than_equal"}


def test_request_by_certificate_number_is_normalised() -> None:
    data = info_request() | {"information_resource_code": code_data("1", "SM.CLS.016")}
    data["search_criteria_details"] = {"certificate_number_as_written": "КZ.16.01.78.003.Р.000541.05.24"}
    request = info.InformationRequestDetails.model_validate(data)
    assert request.search_criteria_details.certificate_number == KZ_NUMBER
    round_trip("R.SM.SS.00.002", request)
    data["search_criteria_details"] = {"certificate_number_as_written": "KZ.16.01.78.003.Q.000541.05.24"}
    assert rule_codes(info.InformationRequestDetails, data) == {"certificate.number.template"}


def test_response_carries_only_records_of_the_requested_resource() -> None:
    model = info.InformationResponseDetails
    response = model.model_validate(info_response())
    assert len(response.records) == 1
    wrong = info_response() | {"information_resource_code": code_data("2", "SM.CLS.016")}
    (error,) = errors_of(model, wrong)
    assert error["type"] == "information.records_kind"
    assert error["loc"] == ("dangerous_product_alert_details", 0)
    assert error["ctx"]["element"] == "smcdo:DangerousProductAlertDetails"
    mixed = info_response() | {"registration_certificate_details": [kz_certificate()], "record_quantity": 2}
    assert rule_codes(model, mixed) == {"information.records_kind"}


def test_response_with_certificates_and_empty_response() -> None:
    model = info.InformationResponseDetails
    data = info_response() | {
        "information_resource_code": code_data("1", "SM.CLS.016"),
        "dangerous_product_alert_details": [],
        "registration_certificate_details": [kz_certificate(), ru_certificate()],
        "record_quantity": 57,
        "description_text": "Показаны первые 2 из 57 найденных свидетельств",
    }
    response = model.model_validate(data)
    assert [c.registration_number for c in response.records] == [KZ_NUMBER, RU_NUMBER.replace(".R.", ".E.")]
    back = round_trip("R.SM.SS.00.003", response)
    assert back.registration_certificate_details[1].registration_number_as_written.count("Е") == 1
    assert b'xmlns:cert="urn:EEC:R:SM:SS:07:StateRegistrationCertificate:v1.0.0"' in response.to_xml()
    empty = info_response() | {"dangerous_product_alert_details": [], "record_quantity": 0}
    round_trip("R.SM.SS.00.003", model.model_validate(empty))


def test_response_records_are_checked_as_their_table_reads_them() -> None:
    data = info_response()
    del data["dangerous_product_alert_details"][0]["detection_place_details"]  # Table 3 item 8 is 1
    assert "missing" in rule_codes(info.InformationResponseDetails, data)


def test_response_counts_and_reference() -> None:
    model = info.InformationResponseDetails
    assert rule_codes(model, info_response() | {"record_quantity": 0}) == {"information.record_count"}
    data = info_response()
    del data["e_doc_header"]["e_doc_ref_id"]
    assert rule_codes(model, data) == {"header.ref_id_required"}
    data = info_response()
    del data["unified_authority_details"]["authority_name"]
    assert rule_codes(model, data) == {"missing"}


# =================================================================================================
# R.SM.SS.00.001 — receipt
# =================================================================================================
@pytest.mark.parametrize(
    ("participant", "ok"),
    [
        ("authority:KZ", True),
        ("commission", True),
        ("supervisory:KZ:01", True),
        ("supervisory:RU:77-RPN", True),
        ("authority:DE", False),
        ("authority", False),
        ("supervisory:KZ", False),
        ("Commission", False),
    ],
)
def test_receipt_participant(participant: str, ok: bool) -> None:
    data = receipt() | {"receiving_participant_id": participant}
    if ok:
        round_trip("R.SM.SS.00.001", rcp.EDocReceiptDetails.model_validate(data))
    else:
        assert rule_codes(rcp.EDocReceiptDetails, data) == {"receipt.participant"}


def test_receipt_refers_to_the_document_received() -> None:
    data = receipt()
    del data["e_doc_header"]["e_doc_ref_id"]
    assert rule_codes(rcp.EDocReceiptDetails, data) == {"header.ref_id_required"}
    element = rcp.EDocReceiptDetails.model_validate(receipt()).to_element()
    ref = element.find(".//{urn:EEC:M:SimpleDataObjects:v0.4.12}EDocRefId")
    ref.getparent().remove(ref)
    assert lxml_schema("R.SM.SS.00.001").validate(element)  # EDocRefId is 0..1 in ccdo:EDocHeaderType
    report = validate_document(etree.tostring(element))
    assert [(i.rule, i.xpath) for i in report.issues] == [
        ("header.ref_id_required", "/doc:EDocReceiptDetails/ccdo:EDocHeader/csdo:EDocRefId")
    ]


def test_receipt_xsd_limits_the_participant_id() -> None:
    xml = rcp.EDocReceiptDetails.model_validate(receipt()).to_xml().replace(b"authority:KZ", b"x" * 101)
    assert not lxml_schema("R.SM.SS.00.001").validate(etree.fromstring(xml))


# =================================================================================================
# tests/data/<code>/: valid.xml passes the pipeline, each invalid file fails with its one rule
# =================================================================================================
#: file -> the rule its README says it breaks ("xsd": one XSD issue, whatever code diagnostics gives it)
EXPECTED: dict[str, dict[str, str]] = {
    "R.SM.SS.07.001": {
        "number-month-13.xml": "certificate.number.template",
        "unlimited-and-end-date.xml": "certificate.validity.end_or_unlimited",
        "letter-r-without-regulation.xml": "certificate.number.letter_r",
        "missing-issuing-authority.xml": "xsd",
    },
    "R.SM.SS.08.004": {
        "unknown-test-kind.xml": "laboratory.test_kind",
        "missing-issue-date.xml": "xsd",
        "number-not-matching-issue-date.xml": "certificate.number.issue_date",
    },
    "R.SM.SS.08.005": {
        "protocol-and-refusal.xml": "laboratory.answer.protocol_or_refusal",
        "missing-edocrefid.xml": "header.ref_id_required",
        "scan-not-pdf.xml": "laboratory.protocol.media_type",
        "refusal-without-codelistid.xml": "xsd",
    },
    "R.SM.SS.00.002": {
        "unknown-resource.xml": "information.resource",
        "period-end-before-start.xml": "date.order",
        "wrong-order.xml": "xsd",
    },
    "R.SM.SS.00.003": {
        "records-of-another-resource.xml": "information.records_kind",
        "record-count-too-small.xml": "information.record_count",
        "missing-edocrefid.xml": "header.ref_id_required",
    },
    "R.SM.SS.00.001": {
        "participant-not-member-state.xml": "receipt.participant",
        "missing-event-datetime.xml": "xsd",
        "missing-edocrefid.xml": "header.ref_id_required",
    },
}


@pytest.mark.parametrize("code_", OURS)
def test_valid_data_file_passes_and_matches_the_builder(code_: str) -> None:
    path = DATA / code_ / "valid.xml"
    data = path.read_bytes()
    report = validate_document(data)
    assert report.ok, [issue.one_line() for issue in report.issues]
    assert report.structure is not None and report.structure.code == code_
    xmlschema_schema(code_).validate(data.decode("utf-8"))
    assert (DATA / code_ / "README.md").is_file()


@pytest.mark.parametrize(("code_", "name"), [(c, n) for c, files in EXPECTED.items() for n in files])
def test_invalid_data_file_breaks_exactly_its_rule(code_: str, name: str) -> None:
    path = DATA / code_ / name
    report = validate_document(path.read_bytes())
    expected = EXPECTED[code_][name]
    found = [issue.stage if expected == "xsd" else issue.rule for issue in report.issues]
    assert found == [expected], [i.one_line() for i in report.issues]
    assert name in (DATA / code_ / "README.md").read_text(encoding="utf-8")


def test_every_data_file_is_listed() -> None:
    for code_ in OURS:
        files = {p.name for p in (DATA / code_).glob("*.xml")} - {"valid.xml"}
        assert files == set(EXPECTED[code_]), code_
        assert 2 <= len(files) <= 4


def test_dates_in_the_builders_are_consistent() -> None:
    # the registration numbers of the builders agree with their issue dates (items 3 and 4)
    for data in (kz_certificate(), ru_certificate()):
        number = cert.parse_registration_number(data["registration_number_as_written"])
        issued = dt.date.fromisoformat(data["doc_creation_date"])
        assert cert.issue_date_problem(number, issued) is None
