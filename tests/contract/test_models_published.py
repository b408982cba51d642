"""The pydantic models of the seven published EEC structures (blocks.py, structures/*).

For each structure: a realistic document built in Python survives XML and back, validates
against its XSD, keeps the XSD sequence order, enforces the Appendix 2 table where the
published XSD is looser (``sanmeasures.contract.conformance``), applies the value rules, and derives the
table items that have no element (Table 2 item 9, Table 3 items 6, 7.6.4, 7.6.4.5.2).
"""

from __future__ import annotations

import datetime as dt
import inspect
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from pydantic import ValidationError

from sanmeasures.contract import blocks as b
from sanmeasures.contract import rules
from sanmeasures.contract.classifiers import COUNTRY_CODE_LIST_ID
from sanmeasures.contract.conformance import DIFFERENCES
from sanmeasures.contract.examples import (
    SAMPLES,
    country,
    dangerous_product_alert_doc,
    declaration,
    listeria_violation,
    public_health_alert_doc,
    response_doc,
    ru_alert_id,
    sanitary_measure_doc,
    shipping_document,
)
from sanmeasures.contract.namespaces import PREFIXES, clark
from sanmeasures.contract.simple_content import (
    DiseaseHealthProblemCode,
    PhysicalMeasure,
)
from sanmeasures.contract.structures import (
    additional_info,
    dangerous_product_alert,
    dangerous_product_alert_response,
    measure_consideration,
    processing_result,
    public_health_alert,
    sanitary_measure,
)
from sanmeasures.contract.xmlmodel import XmlModel

XSD_DIR = Path(__file__).resolve().parents[2] / "schemas" / "xsd"

MODULES = (
    public_health_alert,
    dangerous_product_alert,
    dangerous_product_alert_response,
    processing_result,
    sanitary_measure,
    measure_consideration,
    additional_info,
)


# ================================================================================================
# Round trip, XSD, structure descriptors
# ================================================================================================
@pytest.mark.parametrize("code", list(SAMPLES))
def test_round_trip(code: str) -> None:
    module, build = SAMPLES[code]
    document = build()
    xml = document.to_xml()
    root = etree.fromstring(xml)
    assert root.tag == clark(module.STRUCTURE.root.xml_root)
    parsed = module.STRUCTURE.root.from_element(root)
    assert parsed == document
    assert type(parsed) is type(document)
    assert parsed.to_xml() == xml


@pytest.mark.parametrize("code", list(SAMPLES))
def test_sample_is_valid_against_the_xsd(code: str) -> None:
    module, build = SAMPLES[code]
    schema = etree.XMLSchema(file=str(XSD_DIR / module.STRUCTURE.xsd_file))
    document = etree.fromstring(build().to_xml())
    assert schema.validate(document), "\n".join(str(e) for e in schema.error_log)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.STRUCTURE.code)
def test_structure_descriptor(module: Any) -> None:
    structure = module.STRUCTURE
    assert structure.root.xml_root.split(":")[0] in PREFIXES
    assert (XSD_DIR / structure.xsd_file).is_file()
    assert structure.namespace.startswith("urn:EEC:R:")
    assert structure.title_ru and structure.title_en
    tree = etree.parse(str(XSD_DIR / structure.xsd_file))
    assert tree.getroot().get("targetNamespace") == structure.namespace
    declared = tree.getroot().findall("{http://www.w3.org/2001/XMLSchema}element")
    assert [e.get("name") for e in declared] == [structure.root_element]


def test_header_code_matches_structure() -> None:
    for code, (_module, build) in SAMPLES.items():
        assert build().e_doc_header.e_doc_code == code


# ================================================================================================
# XSD sequence order
# ================================================================================================
#: Children of some types in the order of the dictionaries (SS08 §2.2/§6, SS09 §2.1/§5).
DICTIONARY_ORDER: dict[type[XmlModel], list[str]] = {
    b.DangerousProductAlertDetails: [
        "csdo:UnifiedCountryCode", "smsdo:IncidentId", "smsdo:IncidentKindCode", "csdo:DocCreationDate",
        "csdo:EndDate", "ccdo:UnifiedAuthorityDetails", "smcdo:NonCompliantSanitaryProductDetails",
        "smcdo:DetectionPlaceDetails", "smcdo:SanitaryMeasureBaseDetails", "ccdo:ResourceItemStatusDetails",
    ],
    b.PublicHealthAlertDetails: [
        "csdo:UnifiedCountryCode", "smsdo:IncidentId", "smsdo:IncidentKindCode", "csdo:DocCreationDate",
        "csdo:EndDate", "ccdo:UnifiedAuthorityDetails", "smcdo:PublicHealthIncidentDetails", "smsdo:MeasureCode",
        "smsdo:MeasureName", "smcdo:IncidentAlertIdDetails", "ccdo:ResourceItemStatusDetails",
    ],
    b.ProductDetails: [
        "csdo:ProductId", "csdo:ProductName", "smsdo:ProductTradeName", "csdo:DescriptionText",
        "csdo:CommodityCode", "smsdo:ProductPurposeText", "smsdo:ProductApplicationMethodText",
        "smsdo:ReleaseFormText", "smsdo:StorageConditionText", "smsdo:ProductLabelText",
        "ccdo:DocReferenceDetails",
    ],
    b.NonCompliantSanitaryProductBatchDetails: [
        "smcdo:BatchDetails", "smsdo:ConsignmentId", "csdo:CommodityMeasure", "smcdo:ShippingDocumentDetails",
        "smcdo:ConformityDocDetails", "smcdo:RequirementViolationDetails",
    ],
    b.BatchDetails: [
        "smsdo:BatchId", "csdo:ManufactureDate", "csdo:ProductShelfLifeEndDate", "csdo:UnifiedCommodityMeasure",
        "csdo:NoteText",
    ],
    b.ShippingDocumentDetails: [
        "csdo:DocKindCode", "csdo:DocName", "csdo:DocCreationDate", "csdo:DocId", "smcdo:ProductDetails",
        "ccdo:SupplyChainPartyDetails",
    ],
    b.ConformityDocDetails: [
        "csdo:DocKindCode", "csdo:DocName", "csdo:DocId", "csdo:DocCreationDate", "csdo:DocStartDate",
        "ccdo:UnifiedAuthorityDetails",
    ],
    b.SupplyChainPartyDetails: [
        "csdo:UnifiedCountryCode", "csdo:BusinessEntityName", "csdo:BusinessEntityBriefName",
        "csdo:BusinessEntityTypeCode", "csdo:BusinessEntityTypeName", "csdo:BusinessEntityId",
        "csdo:UniqueCustomsNumberId", "csdo:TaxpayerId", "csdo:TaxRegistrationReasonCode",
        "ccdo:SubjectAddressDetails", "ccdo:CommunicationDetails", "csdo:SupplyChainPartyKindCode",
    ],
    b.SanitaryMeasureBaseDetails: [
        "csdo:LanguageCode", "smsdo:MeasureCode", "smsdo:MeasureName", "smcdo:MeasureDocDetails",
        "smcdo:InitialMeasureDocDetails", "csdo:StartDate", "csdo:EndDate", "smcdo:MeasureInitiationBasisDetails",
        "smsdo:MeasureJustificationText", "csdo:DescriptionText", "smsdo:MeasureAffectedObjectKindCode",
        "smcdo:MeasureImplementationDetails",
    ],
    b.MeasureImplementationDetails: [
        "csdo:UnifiedCountryCode", "csdo:StartDate", "csdo:EndDate", "csdo:DescriptionText",
        "smcdo:ImplementingEntityDetails", "smsdo:MeasureAffectedObjectKindCode", "ccdo:DocReferenceDetails",
        "csdo:RegionName", "smcdo:BorderCheckpointDetails",
    ],
    b.SanitaryMeasureDetails: [
        "csdo:LanguageCode", "smsdo:MeasureCode", "smsdo:MeasureName", "smcdo:MeasureDocDetails",
        "smcdo:InitialMeasureDocDetails", "csdo:StartDate", "csdo:EndDate", "smcdo:MeasureInitiationBasisDetails",
        "smsdo:MeasureJustificationText", "csdo:DescriptionText", "smcdo:IncidentAlertIdDetails",
        "smsdo:MeasureAffectedObjectKindCode", "smsdo:MeasureReasonCode", "smcdo:MeasureImplementationDetails",
        "smsdo:MeasureRepealConditionText", "smcdo:PublicHealthIncidentDetails",
        "smcdo:NonCompliantSanitaryProductDetails", "ccdo:ResourceItemStatusDetails",
    ],
    b.PublicHealthIncidentDetails: [
        "smcdo:DiseaseHealthProblemDetails", "csdo:EventDate", "csdo:EndDate", "smcdo:PatientGroupDetails",
        "smcdo:DetectionPlaceDetails", "smsdo:CrossborderSpreadRiskIndicator", "smcdo:SpreadingZoneDetails",
    ],
    b.LocationDetails: [
        "smcdo:OrganizationDetails", "smcdo:BorderCheckpointDetails", "ccdo:ObjectAddressDetails",
        "ccdo:GeoCoordinateDetails", "csdo:DescriptionText",
    ],
    b.GeoCoordinateDetails: ["csdo:LongitudeMeasure", "csdo:LatitudeMeasure"],
    b.DocContentDetails: [
        "csdo:UnifiedCountryCode", "csdo:LanguageCode", "csdo:DocKindCode", "csdo:DocKindName", "csdo:DocName",
        "csdo:DocSeriesId", "csdo:DocId", "csdo:DocCreationDate", "csdo:DocStartDate", "csdo:DocValidityDate",
        "csdo:DocValidityDuration", "csdo:AuthorityId", "csdo:AuthorityName", "csdo:DescriptionText",
        "csdo:PageQuantity", "ccdo:AnyDetails", "csdo:DocBinaryText",
    ],
    b.SubjectDetails: [
        "csdo:UnifiedCountryCode", "csdo:SubjectName", "csdo:SubjectBriefName", "csdo:BusinessEntityTypeCode",
        "csdo:BusinessEntityTypeName", "csdo:BusinessEntityId", "csdo:UniqueCustomsNumberId", "csdo:TaxpayerId",
        "csdo:TaxRegistrationReasonCode", "ccdo:IdentityDocV3Details", "ccdo:SubjectAddressDetails",
        "ccdo:CommunicationDetails",
    ],
    b.RequirementViolationDetails: [
        "smcdo:RequirementsDocDetails", "smcdo:DiscrepancyOfQualityIndexDetails", "csdo:DescriptionText",
    ],
    sanitary_measure.SanitaryMeasureDetails: ["ccdo:EDocHeader", "smcdo:SanitaryMeasureDetails"],
    measure_consideration.SanitaryMeasureConsiderationDetails: [
        "ccdo:EDocHeader", "ccdo:UnifiedAuthorityDetails", "smcdo:MeasureDocDetails",
        "smcdo:MeasureImplementationDetails", "csdo:DescriptionText", "ccdo:DocContentDetails",
    ],
    additional_info.AdditionalInfoDetails: [
        "ccdo:EDocHeader", "ccdo:UnifiedAuthorityDetails", "smcdo:IncidentAlertIdDetails",
        "csdo:UnifiedCountryCode", "smcdo:MeasureDocReferenceDetails", "csdo:DescriptionText",
        "smsdo:SanitaryProductTypeCode", "csdo:ProductName", "smsdo:LaboratoryTestMethodName",
        "ccdo:DocContentDetails",
    ],
    dangerous_product_alert_response.DangerousProductAlertResponseDetails: [
        "ccdo:EDocHeader", "ccdo:UnifiedAuthorityDetails", "smcdo:IncidentAlertIdDetails",
        "smcdo:SanitaryMeasureBaseDetails", "csdo:DescriptionText", "ccdo:DocContentDetails",
    ],
    processing_result.ProcessingResultDetails: [
        "ccdo:EDocHeader", "csdo:EventDateTime", "csdo:ProcessingResultV2Code", "csdo:DescriptionText",
    ],
}  # fmt: skip


@pytest.mark.parametrize(
    "cls", list(DICTIONARY_ORDER), ids=lambda c: f"{c.__module__.rsplit('.', 1)[-1]}.{c.__name__}"
)
def test_declared_children_follow_the_dictionary(cls: type[XmlModel]) -> None:
    assert [f.qname for f in cls.xml_fields() if f.kind == "element"] == DICTIONARY_ORDER[cls]


def test_context_subclasses_keep_the_order_of_their_base() -> None:
    pairs = [
        (dangerous_product_alert.AlertDangerousProductDetails, b.DangerousProductAlertDetails),
        (dangerous_product_alert.AlertProductDetails, b.ProductDetails),
        (dangerous_product_alert.AlertNonCompliantProductDetails, b.NonCompliantSanitaryProductDetails),
        (dangerous_product_alert.AlertBatchDetails, b.NonCompliantSanitaryProductBatchDetails),
        (dangerous_product_alert.AlertMeasureDetails, b.SanitaryMeasureBaseDetails),
        (public_health_alert.AlertPublicHealthDetails, b.PublicHealthAlertDetails),
        (public_health_alert.AlertPublicHealthIncidentDetails, b.PublicHealthIncidentDetails),
        (sanitary_measure.TemporarySanitaryMeasureDetails, b.SanitaryMeasureDetails),
        (measure_consideration.ReviewedMeasureDocDetails, b.DocContentDetails),
    ]
    for sub, base in pairs:
        assert [f.qname for f in sub.xml_fields()] == [f.qname for f in base.xml_fields()], sub.__name__


def _children(element: etree._Element) -> list[str]:
    out = []
    for child in element:
        uri, _, local = child.tag[1:].partition("}")
        prefix = next(p for p, u in PREFIXES.items() if u == uri)
        out.append(f"{prefix}:{local}")
    return out


def _dedup(names: list[str]) -> list[str]:
    return [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]


def _expected(cls: type[XmlModel], present: list[str]) -> list[str]:
    return [q for q in DICTIONARY_ORDER[cls] if q in present]


def test_serialised_children_follow_the_dictionary() -> None:
    ns = {p: u for p, u in PREFIXES.items()}
    root = etree.fromstring(dangerous_product_alert_doc().to_xml())
    checks = {
        "smcdo:DangerousProductAlertDetails": b.DangerousProductAlertDetails,
        ".//smcdo:NonCompliantSanitaryProductDetails/smcdo:ProductDetails": b.ProductDetails,
        ".//smcdo:NonCompliantSanitaryProductBatchDetails": b.NonCompliantSanitaryProductBatchDetails,
        ".//smcdo:BatchDetails": b.BatchDetails,
        ".//smcdo:ShippingDocumentDetails": b.ShippingDocumentDetails,
        ".//smcdo:ConformityDocDetails": b.ConformityDocDetails,
        ".//smcdo:NonCompliantSanitaryProductDetails/ccdo:SupplyChainPartyDetails": b.SupplyChainPartyDetails,
        ".//smcdo:SanitaryMeasureBaseDetails": b.SanitaryMeasureBaseDetails,
        ".//smcdo:MeasureImplementationDetails": b.MeasureImplementationDetails,
        ".//smcdo:DetectionPlaceDetails": b.LocationDetails,
        ".//ccdo:GeoCoordinateDetails": b.GeoCoordinateDetails,
    }
    for path, cls in checks.items():
        element = root.find(path, ns)
        assert element is not None, path
        names = _dedup(_children(element))
        assert names == _expected(cls, names), path
    # The listed elements really are there (the check above is not vacuous).
    case = root.find("smcdo:DangerousProductAlertDetails", ns)
    assert len(_dedup(_children(case))) == 9
    measure_root = etree.fromstring(sanitary_measure_doc().to_xml())
    measure = measure_root.find("smcdo:SanitaryMeasureDetails", ns)
    names = _dedup(_children(measure))
    assert names == _expected(b.SanitaryMeasureDetails, names)
    assert names[:3] == ["csdo:LanguageCode", "smsdo:MeasureCode", "smsdo:MeasureName"]


def test_items_sit_on_the_mapped_fields() -> None:
    def items(cls: type[XmlModel], name: str) -> tuple[str, ...]:
        return next(f.items for f in cls.xml_fields() if f.name == name)

    assert items(b.IncidentAlertIdDetails, "unified_country_code") == ("T2/1", "T3/1")
    assert items(b.NonCompliantSanitaryProductBatchDetails, "shipping_document_details") == ("T3/7.6.4.3",)
    assert items(b.RequirementViolationDetails, "discrepancy_of_quality_index_details") == (
        "T3/7.6.4.5.2.1",
        "T3/7.6.4.5.2.2",
    )
    assert items(measure_consideration.SanitaryMeasureConsiderationDetails, "measure_doc_details") == (
        "T5/2",
        "T5/3",
        "T5/4",
    )
    assert items(measure_consideration.ReviewedMeasureDocDetails, "unified_country_code") == ("T5/2",)
    assert items(additional_info.AdditionalInfoDetails, "doc_content_details") == ("T6/5", "T6/8")
    assert items(dangerous_product_alert.AlertProductDetails, "description_text") == ("T3/7.2",)


# ================================================================================================
# Table tightenings
# ================================================================================================
def _drop(data: Any, path: tuple[Any, ...], field: str, *, as_empty_list: bool) -> None:
    target = data
    for step in path:
        target = target[step]
    if as_empty_list:
        target[field] = []
    else:
        del target[field]


_DPA_CASE: tuple[Any, ...] = ("dangerous_product_alert_details", 0)
_DPA_PRODUCT = (*_DPA_CASE, "non_compliant_sanitary_product_details")
_PHA_CASE: tuple[Any, ...] = ("public_health_alert_details", 0)


def test_shared_blocks_are_not_tightened() -> None:
    # The same gaps are fine in contexts where the table does not apply (XSD multiplicities).
    b.ProductDetails(product_name="Колбаса")
    b.NonCompliantSanitaryProductDetails(product_details=b.ProductDetails(product_name="Колбаса"))
    b.DocContentDetails()
    b.PublicHealthIncidentDetails(
        disease_health_problem_details=b.DiseaseHealthProblemDetails(), event_date=dt.date(2026, 3, 1)
    )
    b.SanitaryMeasureBaseDetails(measure_doc_details=b.DocContentDetails(), start_date=dt.date(2026, 3, 1))
    b.DangerousProductAlertDetails(**ru_alert_id().model_dump())
    b.TemporaryMeasureDetails(measure_doc_details=b.DocContentDetails(), start_date=dt.date(2026, 3, 1))
    # The table-4 product keeps the shared class even inside the tightened table-4 measure.
    sanitary_measure_doc()


def test_consignment_items_are_required_once_a_consignment_is_given() -> None:
    """Table 3 item 7.6.4 (0.1, no element): its items 7.6.4.3–7.6.4.5 are 1.*, 1, 1.* when it is given."""
    mod = dangerous_product_alert
    assert {d.where for d in DIFFERENCES if d.kind == "tightened_when"} == {
        "AlertBatchDetails.shipping_document_details",
        "AlertBatchDetails.conformity_doc_details",
        "AlertBatchDetails.requirement_violation_details",
    }
    # A series without any consignment data: 7.6.4 absent, nothing else required.
    series_only = mod.AlertBatchDetails(batch_details=b.BatchDetails(batch_id="0127"))
    assert not series_only.has_consignment
    # A consignment number alone: the three mandatory items are missing, each reported at its field.
    with pytest.raises(ValidationError) as caught:
        mod.AlertBatchDetails(consignment_id="KZ-2026-0001236")
    errors = caught.value.errors()
    assert [e["loc"] for e in errors] == [
        ("shipping_document_details",),
        ("conformity_doc_details",),
        ("requirement_violation_details",),
    ]
    assert {e["type"] for e in errors} == {"table3.consignment_item"}
    assert errors[0]["ctx"]["item"] == "7.6.4.3"
    # Inside a whole document the loc leads to the batch.
    data = dangerous_product_alert_doc().model_dump()
    del data["dangerous_product_alert_details"][0]["non_compliant_sanitary_product_details"][
        "non_compliant_sanitary_product_batch_details"
    ][1]["conformity_doc_details"]
    with pytest.raises(ValidationError) as caught:
        mod.DangerousProductAlertDetails.model_validate(data)
    assert [e["loc"] for e in caught.value.errors()] == [
        (
            "dangerous_product_alert_details",
            0,
            "non_compliant_sanitary_product_details",
            "non_compliant_sanitary_product_batch_details",
            1,
            "conformity_doc_details",
        )
    ]


def test_response_measures_follow_table_3() -> None:
    data = response_doc().model_dump()
    del data["sanitary_measure_base_details"][0]["measure_code"]
    with pytest.raises(ValidationError) as caught:
        dangerous_product_alert_response.DangerousProductAlertResponseDetails.model_validate(data)
    assert caught.value.errors()[0]["loc"] == ("sanitary_measure_base_details", 0, "measure_code")


# ================================================================================================
# Value rules
# ================================================================================================
def _error_types(exc: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return {e["type"] for e in exc.value.errors()}


def test_country_codes_come_from_the_world_classifier() -> None:
    with pytest.raises(ValidationError) as caught:
        b.UnifiedAuthorityDetails(unified_country_code=country("XX"))
    assert _error_types(caught) == {"country.iso3166"}
    with pytest.raises(ValidationError) as caught:
        b.SubjectAddressDetails(unified_country_code=country("XX"))
    assert _error_types(caught) == {"country.iso3166"}
    with pytest.raises(ValidationError) as caught:
        b.MeasureImplementationDetails(
            unified_country_code=country("XX"), start_date=dt.date(2026, 1, 1), description_text="x"
        )
    assert _error_types(caught) == {"country.iso3166"}
    # A third-country manufacturer is fine.
    assert b.SupplyChainPartyDetails(unified_country_code=country("DE"), supply_chain_party_kind_code="01")
    with pytest.raises(ValidationError):  # csdo:UnifiedCountryCodeType pattern [A-Z]{2}
        b.ObjectAddressDetails(unified_country_code=country("ru"))


def test_reporting_country_must_be_a_member_state() -> None:
    data = ru_alert_id().model_dump()
    data["unified_country_code"] = {"value": "DE", "code_list_id": COUNTRY_CODE_LIST_ID}
    with pytest.raises(ValidationError) as caught:
        b.IncidentAlertIdDetails.model_validate(data)
    assert _error_types(caught) == {"country.member_state"}
    assert caught.value.errors()[0]["loc"][0] == "unified_country_code"
    for member in ("AM", "BY", "KZ", "KG", "RU"):
        data["unified_country_code"]["value"] = member
        b.IncidentAlertIdDetails.model_validate(data)
    # Table 5 item 2: the state that introduced the reviewed measure.
    with pytest.raises(ValidationError) as caught:
        measure_consideration.ReviewedMeasureDocDetails(
            unified_country_code=country("DE"), doc_id="1", doc_creation_date=dt.date(2026, 1, 1)
        )
    assert _error_types(caught) == {"country.member_state"}


def test_language_code_is_iso_639_1() -> None:
    with pytest.raises(ValidationError) as caught:
        b.DocContentDetails(language_code="xx")
    assert _error_types(caught) == {"language.iso639"}
    assert b.DocContentDetails(language_code="kk").language_code == "kk"
    with pytest.raises(ValidationError) as caught:
        b.SanitaryMeasureBaseDetails(
            language_code="qq", measure_doc_details=b.DocContentDetails(), start_date=dt.date(2026, 1, 1)
        )
    assert _error_types(caught) == {"language.iso639"}


def test_measure_ground_is_one_of_1_to_4() -> None:
    base = {"measure_doc_details": b.DocContentDetails(), "start_date": dt.date(2026, 3, 1)}
    with pytest.raises(ValidationError) as caught:
        b.SanitaryMeasureDetails(measure_reason_code="5", **base)
    assert _error_types(caught) == {"measure.ground"}
    for ground in "1234":
        assert b.SanitaryMeasureDetails(measure_reason_code=ground, **base).measure_reason_code == ground


def test_measure_object_kind_is_1_2_or_3() -> None:
    base = {"measure_doc_details": b.DocContentDetails(), "start_date": dt.date(2026, 3, 1)}
    with pytest.raises(ValidationError) as caught:
        b.SanitaryMeasureBaseDetails(measure_affected_object_kind_code=["2", "9"], **base)
    assert _error_types(caught) == {"measure.object_kind"}
    assert caught.value.errors()[0]["loc"] == ("measure_affected_object_kind_code", 1)
    with pytest.raises(ValidationError) as caught:
        b.SanitaryMeasureDetails(measure_affected_object_kind_code=["9"], **base)
    assert _error_types(caught) == {"measure.object_kind"}
    with pytest.raises(ValidationError) as caught:
        b.MeasureImplementationDetails(
            unified_country_code=country("RU"),
            start_date=dt.date(2026, 1, 1),
            description_text="x",
            measure_affected_object_kind_code=["9"],
        )
    assert _error_types(caught) == {"measure.object_kind"}
    assert b.SanitaryMeasureBaseDetails(measure_affected_object_kind_code=["1", "2", "3"], **base)


def test_incident_kind_comes_from_the_classifier() -> None:
    data = ru_alert_id().model_dump()
    data["incident_kind_code"] = "9"
    with pytest.raises(ValidationError) as caught:
        b.IncidentAlertIdDetails.model_validate(data)
    assert _error_types(caught) == {"incident.kind"}


def test_hs_code_chapter_exists() -> None:
    with pytest.raises(ValidationError) as caught:
        b.ProductDetails(product_name="x", commodity_code="7700")
    assert _error_types(caught) == {"hs_code.chapter"}
    with pytest.raises(ValidationError):  # csdo:CommodityCodeType pattern: 2, 4, 6 or 8–10 digits
        b.ProductDetails(product_name="x", commodity_code="160")
    assert b.ProductDetails(product_name="x", commodity_code="1601").commodity_code == "1601"


def test_icd10_code_shape() -> None:
    with pytest.raises(ValidationError) as caught:
        b.DiseaseHealthProblemDetails(
            disease_health_problem_code=DiseaseHealthProblemCode(value="A0", code_list_id="ICD-10")
        )
    assert _error_types(caught) == {"icd10.shape"}
    for good in ("A32.9", "A02", "B15.91"):
        b.DiseaseHealthProblemDetails(
            disease_health_problem_code=DiseaseHealthProblemCode(value=good, code_list_id="ICD-10")
        )
    # Another code list: no ICD-10 shape imposed.
    b.DiseaseHealthProblemDetails(
        disease_health_problem_code=DiseaseHealthProblemCode(value="A0", code_list_id="SM.CLS.099")
    )


def test_coordinates_are_in_range() -> None:
    with pytest.raises(ValidationError) as caught:
        b.GeoCoordinateDetails(longitude_measure=Decimal("76.9"), latitude_measure=Decimal("91"))
    assert _error_types(caught) == {"geo.range"}
    assert caught.value.errors()[0]["loc"] == ("latitude_measure",)
    with pytest.raises(ValidationError) as caught:
        b.GeoCoordinateDetails(longitude_measure=Decimal("-180.5"), latitude_measure=Decimal("43.2"))
    assert _error_types(caught) == {"geo.range"}
    point = b.GeoCoordinateDetails(longitude_measure=Decimal("-180"), latitude_measure=Decimal("90"))
    assert point.latitude_measure == 90


#: Every class with a start/end pair -> (kwargs without the pair, start field, end field, start, end).
_D1, _D2 = dt.date(2026, 3, 10), dt.date(2026, 3, 1)
DATE_PAIR_CASES: list[tuple[type[XmlModel], dict[str, Any], str, str, Any, Any]] = [
    (
        b.SanitaryMeasureBaseDetails,
        {"measure_doc_details": b.DocContentDetails()},
        "start_date",
        "end_date",
        _D1,
        _D2,
    ),
    (
        b.MeasureImplementationDetails,
        {"unified_country_code": country("RU"), "description_text": "x"},
        "start_date",
        "end_date",
        _D1,
        _D2,
    ),
    (
        b.TemporaryMeasureDetails,
        {"measure_doc_details": b.DocContentDetails()},
        "start_date",
        "end_date",
        _D1,
        _D2,
    ),
    (
        b.PublicHealthIncidentDetails,
        {"disease_health_problem_details": b.DiseaseHealthProblemDetails()},
        "event_date",
        "end_date",
        _D1,
        _D2,
    ),
    (
        b.IncidentAlertDetails,
        {k: v for k, v in ru_alert_id().model_dump().items() if k != "doc_creation_date"},
        "doc_creation_date",
        "end_date",
        _D1,
        _D2,
    ),
    (b.BatchDetails, {}, "manufacture_date", "product_shelf_life_end_date", _D1, _D2),
    (b.DocContentDetails, {}, "doc_start_date", "doc_validity_date", _D1, _D2),
    (
        b.PeriodDetails,
        {},
        "start_date_time",
        "end_date_time",
        dt.datetime(2026, 3, 10, 12, tzinfo=dt.UTC),
        dt.datetime(2026, 3, 10, 11, tzinfo=dt.UTC),
    ),
]


@pytest.mark.parametrize(
    ("cls", "base", "start", "end", "early", "late"),
    DATE_PAIR_CASES,
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_end_date_not_before_start(
    cls: type[XmlModel], base: dict[str, Any], start: str, end: str, early: Any, late: Any
) -> None:
    assert issubclass(cls, rules.DatePairs)
    with pytest.raises(ValidationError) as caught:
        cls(**base, **{start: early, end: late})
    assert _error_types(caught) == {"date.order"}
    assert caught.value.errors()[0]["ctx"]["field"] == end
    cls(**base, **{start: late, end: early})
    cls(**base, **{start: early, end: early})


def test_date_order_inside_a_document() -> None:
    data = dangerous_product_alert_doc().model_dump()
    case = data["dangerous_product_alert_details"][0]
    case["end_date"] = dt.date(2026, 1, 1)  # closed before the alert was formed
    with pytest.raises(ValidationError) as caught:
        dangerous_product_alert.DangerousProductAlertDetails.model_validate(data)
    assert _error_types(caught) == {"date.order"}
    assert caught.value.errors()[0]["loc"] == ("dangerous_product_alert_details", 0)


def test_xsd_facets_are_kept() -> None:
    with pytest.raises(ValidationError):  # smsdo:TechnicalRegulationIdType: Cyrillic letters only
        b.RequirementsDocDetails(technical_regulation_id="TP TC 021/2011")
    assert b.RequirementsDocDetails(technical_regulation_id="ТР ЕАЭС 040/2016")
    with pytest.raises(ValidationError):  # ccdo:CommunicationDetailsType: CommunicationChannelId 1..*
        b.CommunicationDetails(communication_channel_id=[])
    with pytest.raises(ValidationError):  # bdt:DurationType
        b.DocContentDetails(doc_validity_duration="6 months")
    assert b.DocContentDetails(doc_validity_duration="P6M").doc_validity_duration == "P6M"
    with pytest.raises(ValidationError):  # csdo:SupplyChainPartyKindCode: length 2
        b.SupplyChainPartyDetails(supply_chain_party_kind_code="1")


# ================================================================================================
# Derived items
# ================================================================================================
def test_archive_flag_table3_item6() -> None:
    case = dangerous_product_alert_doc().dangerous_product_alert_details[0]
    assert case.end_date is None
    assert case.archive_flag == 1  # current
    closed = case.model_copy(update={"end_date": dt.date(2026, 4, 1)})
    assert closed.archive_flag == 0  # archived
    # Read from XML too.
    document = dangerous_product_alert_doc()
    document.dangerous_product_alert_details[0].end_date = dt.date(2026, 4, 1)
    parsed = dangerous_product_alert.DangerousProductAlertDetails.from_element(
        etree.fromstring(document.to_xml())
    )
    assert parsed.dangerous_product_alert_details[0].archive_flag == 0


def test_causes_table2_item9() -> None:
    case = public_health_alert_doc().public_health_alert_details[0]
    assert case.causes == (ru_alert_id(),)
    assert case.causes[0].incident_id == "RU-2026-000123"
    bare = case.model_copy(update={"incident_alert_id_details": []})
    assert bare.causes == ()


def test_consignment_table3_item_7_6_4() -> None:
    batches = dangerous_product_alert_doc().dangerous_product_alert_details[0]
    batch_list = batches.non_compliant_sanitary_product_details.non_compliant_sanitary_product_batch_details
    assert all(one.has_consignment for one in batch_list)
    assert not b.NonCompliantSanitaryProductBatchDetails(
        batch_details=b.BatchDetails(batch_id="1")
    ).has_consignment
    for field, value in [
        ("consignment_id", "KZ-2026-0001236"),
        ("commodity_measure", PhysicalMeasure(value=Decimal(1), measurement_unit_code="KGM")),
        ("shipping_document_details", [shipping_document("X-1", 1)]),
        ("conformity_doc_details", [declaration()]),
        ("requirement_violation_details", [listeria_violation()]),
    ]:
        assert b.NonCompliantSanitaryProductBatchDetails(**{field: value}).has_consignment, field


def test_violation_and_indicator_values_table3_item_7_6_4_5_2() -> None:
    violation = listeria_violation()
    assert violation.violation is violation
    normative, actual = violation.discrepancy_of_quality_index_details
    assert normative.is_normative and not normative.is_actual
    assert actual.is_actual and not actual.is_normative
    assert violation.normative_values == (normative,)
    assert violation.actual_values == (actual,)
    unflagged = b.DiscrepancyOfQualityIndexDetails(discrepancy_of_quality_index_value="120")
    assert unflagged.is_actual and not unflagged.is_normative


def test_indicator_attribute_on_the_wire() -> None:
    root = etree.fromstring(dangerous_product_alert_doc().to_xml())
    ns = {p: u for p, u in PREFIXES.items()}
    flags = [
        e.get("normativeDiscrepancyOfQualityIndexIndicator")
        for e in root.iterfind(".//smcdo:DiscrepancyOfQualityIndexDetails", ns)
    ]
    assert flags == ["true", "false", "true", "false"]
    parsed = b.DiscrepancyOfQualityIndexDetails.from_element(
        etree.fromstring(
            f'<smcdo:DiscrepancyOfQualityIndexDetails xmlns:smcdo="{PREFIXES["smcdo"]}" '
            'normativeDiscrepancyOfQualityIndexIndicator="1"/>'
        )
    )
    assert parsed.is_normative


# ================================================================================================
# The whole model tree against the EEC dictionary
# ================================================================================================
DICTIONARY_FILE = {
    "R.SM.SS.08.001": "SS08",
    "R.SM.SS.08.002": "SS08",
    "R.SM.SS.08.003": "SS08",
    "R.006": "SS08",
    "R.SM.SS.09.001": "SS09",
    "R.SM.SS.09.002": "SS09",
    "R.SM.SS.09.003": "SS09",
}


def _model_rows(cls: type[XmlModel], path: str, tightened: dict[str, str]) -> list[tuple[str, str]]:
    """(path, multiplicity) of every element below ``cls``; a tightened field reports its XSD multiplicity."""
    rows: list[tuple[str, str]] = []
    for spec in cls.xml_fields():
        if spec.kind == "any":
            rows.append((f"{path}/xs:any", "1..*"))
            continue
        if spec.kind != "element":
            continue
        here = f"{path}/{spec.qname}"
        owner = next(k for k in cls.__mro__ if spec.name in inspect.get_annotations(k))
        declared = tightened.get(f"{owner.__name__}.{spec.name}")
        if declared is not None:
            assert spec.min_occurs == 1, here
            rows.append((here, declared))
        else:
            rows.append((here, spec.multiplicity))
        if spec.model is not None:
            rows.extend(_model_rows(spec.model, here, tightened))
    return rows


@pytest.mark.parametrize("code", list(DICTIONARY_FILE))
def test_model_tree_equals_the_eec_dictionary(code: str) -> None:
    """Every element of the dictionary is a field, same order, same multiplicity (except the tightenings)."""
    from tests.support.eec_dictionary import Dictionary
    from tests.support.shared import shared_file

    module = SAMPLES[code][0]
    structure = module.STRUCTURE
    tightened = {d.where: d.field_wire for d in DIFFERENCES if d.kind == "tightened"}
    dictionary = Dictionary(shared_file(f"eec/{DICTIONARY_FILE[code]}_structures.md"))
    root_label = f"doc:{structure.root_element}"
    expected = [(path, node.multiplicity) for path, node in dictionary.tree(root_label).walk()]
    ours = [(f"/{root_label}", "1"), *_model_rows(structure.root, f"/{root_label}", tightened)]
    missing = [row for row in expected if row not in ours]
    extra = [row for row in ours if row not in expected]
    assert not missing and not extra, f"missing: {missing[:10]}\nextra: {extra[:10]}"
    assert ours == expected
