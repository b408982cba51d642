"""The shared complex types (ccdo, smcdo) of the seven published EEC structures, one model per type.

Each class mirrors one ``xs:complexType`` of ``../shared/eec/SS08_structures.md`` §6 and
``SS09_structures.md`` §5 and is named after the type without its ``Type`` suffix
(``smcdo:ProductDetailsType`` -> :class:`ProductDetails`). Fields follow the XSD sequence,
one field per child element, with the XSD multiplicity; type extension is Python
subclassing (the base type's children come first, as in the instance).

These classes are exactly as permissive as the published XSD. Where Appendix 2 of the
Rules makes an item mandatory that the XSD leaves optional, the structure module that
implements the table tightens it in a context subclass (listed in ``conformance.py``),
never here: most of these types serve several tables and contexts.

Item ids (``T3/7.6.4.3``) sit on the particles named in ``docs/item-map.md``; a type
shared by several tables carries all of its items, a checker filters by the structure's table.
"""

from __future__ import annotations

from typing import ClassVar

from sanmeasures.contract import rules
from sanmeasures.contract import simple_types as st
from sanmeasures.contract.simple_content import (
    AnyDetails,
    BinaryText,
    BusinessEntityId,
    IdentityDocKindCode,
    OptionalQualifiedCode,
    PathogenKindCode,
    PhysicalMeasure,
    QualifiedCode,
    SanitaryProductTypeCode,
    UnifiedPhysicalMeasure,
)
from sanmeasures.contract.xmlmodel import XmlModel, attr, el

__all__ = [
    "BatchDetails",
    "BorderCheckpointDetails",
    "BusinessEntityDetails",
    "CommunicationDetails",
    "ConformityDocDetails",
    "DangerousProductAlertDetails",
    "DiscrepancyOfQualityIndexDetails",
    "DiseaseHealthProblemDetails",
    "DocContentDetails",
    "DocReferenceDetails",
    "DocStructuralElementDetails",
    "GeoCoordinateDetails",
    "IdentityDocDetailsV3",
    "ImplementingEntityDetails",
    "IncidentAlertDetails",
    "IncidentAlertIdDetails",
    "LocationDetails",
    "MeasureImplementationDetails",
    "NonCompliantSanitaryProductBatchDetails",
    "NonCompliantSanitaryProductDetails",
    "ObjectAddressDetails",
    "PathogenDetails",
    "PatientGroupDetails",
    "PeriodDetails",
    "ProductDetails",
    "PublicHealthAlertDetails",
    "PublicHealthIncidentDetails",
    "RequirementViolationDetails",
    "RequirementsDocDetails",
    "ResourceItemStatusDetails",
    "SamplingActDocDetails",
    "SanitaryMeasureBaseDetails",
    "SanitaryMeasureDetails",
    "ShippingDocumentDetails",
    "SubjectAddressDetails",
    "SubjectDetails",
    "SupplyChainPartyDetails",
    "TemporaryMeasureDetails",
    "UnifiedAuthorityDetails",
]


# =================================================================================================
# ccdo — urn:EEC:M:ComplexDataObjects:v0.4.12
# =================================================================================================
class UnifiedAuthorityDetails(XmlModel):
    """ccdo:UnifiedAuthorityDetailsType (M.CDT.00054): authority of a member state (or organisation it authorised)."""

    unified_country_code: rules.IsoCountryCode | None = el("csdo:UnifiedCountryCode", default=None)
    authority_id: st.Id20 | None = el("csdo:AuthorityId", default=None)
    authority_name: st.Name300 | None = el("csdo:AuthorityName", default=None)
    authority_brief_name: st.Name120 | None = el("csdo:AuthorityBriefName", default=None)


class DocContentDetails(rules.DatePairs):
    """ccdo:DocContentDetailsType (M.CDT.00105): a document with its content (PDF and/or XML).

    Serves ccdo:DocContentDetails, smcdo:MeasureDocDetails and smcdo:InitialMeasureDocDetails.
    """

    date_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("doc_start_date", "doc_validity_date"),)

    unified_country_code: rules.IsoCountryCode | None = el("csdo:UnifiedCountryCode", default=None)
    language_code: rules.IsoLanguageCode | None = el("csdo:LanguageCode", default=None)
    doc_kind_code: QualifiedCode | None = el("csdo:DocKindCode", default=None)
    doc_kind_name: st.Name500 | None = el("csdo:DocKindName", default=None)
    doc_name: st.Name500 | None = el("csdo:DocName", default=None)
    doc_series_id: st.Id20 | None = el("csdo:DocSeriesId", default=None)
    doc_id: st.Id50 | None = el("csdo:DocId", default=None)
    doc_creation_date: st.Date | None = el("csdo:DocCreationDate", default=None)
    doc_start_date: st.Date | None = el("csdo:DocStartDate", default=None)
    doc_validity_date: st.Date | None = el("csdo:DocValidityDate", default=None)
    doc_validity_duration: st.Duration | None = el("csdo:DocValidityDuration", default=None)
    authority_id: st.Id20 | None = el("csdo:AuthorityId", default=None)
    authority_name: st.Name300 | None = el("csdo:AuthorityName", default=None)
    description_text: st.Text4000 | None = el("csdo:DescriptionText", default=None)
    page_quantity: st.Quantity4 | None = el("csdo:PageQuantity", default=None)
    any_details: AnyDetails | None = el("ccdo:AnyDetails", default=None)
    doc_binary_text: BinaryText | None = el("csdo:DocBinaryText", default=None)


class DocReferenceDetails(XmlModel):
    """ccdo:DocReferenceDetailsType (M.CDT.00088): reference to a document (kind, name, number, dates)."""

    doc_kind_code: QualifiedCode | None = el("csdo:DocKindCode", default=None)
    doc_name: st.Name500 | None = el("csdo:DocName", default=None)
    doc_id: st.Id50 | None = el("csdo:DocId", default=None)
    doc_creation_date: st.Date | None = el("csdo:DocCreationDate", default=None)
    doc_start_date: st.Date | None = el("csdo:DocStartDate", default=None)


class SubjectAddressDetails(XmlModel):
    """ccdo:SubjectAddressDetailsType (M.CDT.00064): address of a business entity or person."""

    address_kind_code: st.AddressKindCode | None = el("csdo:AddressKindCode", default=None)
    unified_country_code: rules.IsoCountryCode | None = el("csdo:UnifiedCountryCode", default=None)
    territory_code: st.TerritoryCode | None = el("csdo:TerritoryCode", default=None)
    region_name: st.Name120 | None = el("csdo:RegionName", default=None)
    district_name: st.Name120 | None = el("csdo:DistrictName", default=None)
    city_name: st.Name120 | None = el("csdo:CityName", default=None)
    settlement_name: st.Name120 | None = el("csdo:SettlementName", default=None)
    street_name: st.Name120 | None = el("csdo:StreetName", default=None)
    building_number_id: st.Id50 | None = el("csdo:BuildingNumberId", default=None)
    room_number_id: st.Id20 | None = el("csdo:RoomNumberId", default=None)
    post_code: st.PostCode | None = el("csdo:PostCode", default=None)
    post_office_box_id: st.Id20 | None = el("csdo:PostOfficeBoxId", default=None)


class CommunicationDetails(XmlModel):
    """ccdo:CommunicationDetailsType (M.CDT.00003): one contact channel (phone, e-mail …) with its ids."""

    communication_channel_code: st.CommunicationChannelCode | None = el(
        "csdo:CommunicationChannelCode", default=None
    )
    communication_channel_name: st.Name120 | None = el("csdo:CommunicationChannelName", default=None)
    communication_channel_id: list[st.CommunicationChannelId] = el(
        "csdo:CommunicationChannelId", min_length=1
    )


class BusinessEntityDetails(XmlModel):
    """ccdo:BusinessEntityDetailsType (M.CDT.00061): a business entity (or entrepreneur).

    Also the type of smcdo:OrganizationDetails (Table 3 item 8.1, the organisation where the
    dangerous product was found).
    """

    unified_country_code: rules.IsoCountryCode | None = el("csdo:UnifiedCountryCode", default=None)
    business_entity_name: st.Name300 | None = el("csdo:BusinessEntityName", default=None)
    business_entity_brief_name: st.Name120 | None = el("csdo:BusinessEntityBriefName", default=None)
    business_entity_type_code: QualifiedCode | None = el("csdo:BusinessEntityTypeCode", default=None)
    business_entity_type_name: st.Name300 | None = el("csdo:BusinessEntityTypeName", default=None)
    business_entity_id: BusinessEntityId | None = el("csdo:BusinessEntityId", default=None)
    unique_customs_number_id: st.UniqueCustomsNumberId | None = el("csdo:UniqueCustomsNumberId", default=None)
    taxpayer_id: st.TaxpayerId | None = el("csdo:TaxpayerId", default=None)
    tax_registration_reason_code: st.TaxRegistrationReasonCode | None = el(
        "csdo:TaxRegistrationReasonCode", default=None
    )
    subject_address_details: list[SubjectAddressDetails] = el(
        "ccdo:SubjectAddressDetails", default_factory=list
    )
    communication_details: list[CommunicationDetails] = el("ccdo:CommunicationDetails", default_factory=list)


class SupplyChainPartyDetails(BusinessEntityDetails):
    """ccdo:SupplyChainPartyDetailsType (M.CDT.00310), extends BusinessEntityDetailsType: a supply-chain party.

    Table 3 item 7.5 «Сведения об изготовителе продукции» when it is the product's manufacturer.
    """

    supply_chain_party_kind_code: st.Code2 = el("csdo:SupplyChainPartyKindCode")


class IdentityDocDetailsV3(rules.DatePairs):
    """ccdo:IdentityDocDetailsV3Type (M.CDT.00062): identity document of an individual."""

    date_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("doc_creation_date", "doc_validity_date"),)

    unified_country_code: rules.IsoCountryCode = el("csdo:UnifiedCountryCode")
    identity_doc_kind_code: IdentityDocKindCode | None = el("csdo:IdentityDocKindCode", default=None)
    doc_kind_name: st.Name500 | None = el("csdo:DocKindName", default=None)
    doc_series_id: st.Id20 | None = el("csdo:DocSeriesId", default=None)
    doc_id: st.Id50 = el("csdo:DocId")
    doc_creation_date: st.Date | None = el("csdo:DocCreationDate", default=None)
    doc_validity_date: st.Date | None = el("csdo:DocValidityDate", default=None)
    authority_id: st.Id20 | None = el("csdo:AuthorityId", default=None)
    authority_name: st.Name300 | None = el("csdo:AuthorityName", default=None)


class SubjectDetails(XmlModel):
    """ccdo:SubjectDetailsType (M.CDT.00084): business entity or individual (smcdo:SubjectDetails)."""

    unified_country_code: rules.IsoCountryCode | None = el("csdo:UnifiedCountryCode", default=None)
    subject_name: st.Name300 | None = el("csdo:SubjectName", default=None)
    subject_brief_name: st.Name120 | None = el("csdo:SubjectBriefName", default=None)
    business_entity_type_code: QualifiedCode | None = el("csdo:BusinessEntityTypeCode", default=None)
    business_entity_type_name: st.Name300 | None = el("csdo:BusinessEntityTypeName", default=None)
    business_entity_id: BusinessEntityId | None = el("csdo:BusinessEntityId", default=None)
    unique_customs_number_id: st.UniqueCustomsNumberId | None = el("csdo:UniqueCustomsNumberId", default=None)
    taxpayer_id: st.TaxpayerId | None = el("csdo:TaxpayerId", default=None)
    tax_registration_reason_code: st.TaxRegistrationReasonCode | None = el(
        "csdo:TaxRegistrationReasonCode", default=None
    )
    identity_doc_v3_details: IdentityDocDetailsV3 | None = el("ccdo:IdentityDocV3Details", default=None)
    subject_address_details: list[SubjectAddressDetails] = el(
        "ccdo:SubjectAddressDetails", default_factory=list
    )
    communication_details: list[CommunicationDetails] = el("ccdo:CommunicationDetails", default_factory=list)


class ObjectAddressDetails(XmlModel):
    """ccdo:ObjectAddressDetailsType (M.CDT.00082): a place (zone) given by its address."""

    unified_country_code: rules.IsoCountryCode | None = el("csdo:UnifiedCountryCode", default=None)
    territory_code: st.TerritoryCode | None = el("csdo:TerritoryCode", default=None)
    region_name: st.Name120 | None = el("csdo:RegionName", default=None)
    district_name: st.Name120 | None = el("csdo:DistrictName", default=None)
    city_name: st.Name120 | None = el("csdo:CityName", default=None)
    settlement_name: st.Name120 | None = el("csdo:SettlementName", default=None)
    street_name: st.Name120 | None = el("csdo:StreetName", default=None)
    building_number_id: st.Id50 | None = el("csdo:BuildingNumberId", default=None)
    room_number_id: st.Id20 | None = el("csdo:RoomNumberId", default=None)


class GeoCoordinateDetails(XmlModel):
    """ccdo:GeoCoordinateDetailsType (M.CDT.00037): one point; longitude comes FIRST in the sequence."""

    longitude_measure: rules.Longitude = el("csdo:LongitudeMeasure")
    latitude_measure: rules.Latitude = el("csdo:LatitudeMeasure")


class PeriodDetails(rules.DatePairs):
    """ccdo:PeriodDetailsType (M.CDT.00026): a period (element ccdo:ValidityPeriodDetails)."""

    date_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("start_date_time", "end_date_time"),)

    start_date_time: st.DateTime | None = el("csdo:StartDateTime", default=None)
    end_date_time: st.DateTime | None = el("csdo:EndDateTime", default=None)


class ResourceItemStatusDetails(XmlModel):
    """ccdo:ResourceItemStatusDetailsType (M.CDT.00033): technical attributes of a common-resource record."""

    validity_period_details: PeriodDetails | None = el("ccdo:ValidityPeriodDetails", default=None)
    update_date_time: st.DateTime | None = el("csdo:UpdateDateTime", default=None)


# =================================================================================================
# smcdo — urn:EEC:M:SM:ComplexDataObjects:v0.3.9
# =================================================================================================
class BorderCheckpointDetails(XmlModel):
    """smcdo:BorderCheckpointDetailsType (M.SM.CDT.00380): checkpoint on the customs border of the Union.

    «Пункт пропуска» — Table 2 item 7.2, Table 3 item 8.2.
    """

    border_checkpoint_code: st.BorderCheckpointCode | None = el("csdo:BorderCheckpointCode", default=None)
    border_checkpoint_name: st.Name250 | None = el("csdo:BorderCheckpointName", default=None)


class LocationDetails(XmlModel):
    """smcdo:LocationDetailsType (M.SM.CDT.00958): a place or zone.

    Type of smcdo:DetectionPlaceDetails (Table 2 item 7, Table 3 item 8) and smcdo:SpreadingZoneDetails.
    """

    # Table 3 item 8.1 «Сведения об организации, в которой выявлена продукция…»
    organization_details: BusinessEntityDetails | None = el(
        "smcdo:OrganizationDetails", item="T3/8.1", default=None
    )
    # Table 2 item 7.2, Table 3 item 8.2 «Пункт пропуска»
    border_checkpoint_details: BorderCheckpointDetails | None = el(
        "smcdo:BorderCheckpointDetails", item="T2/7.2 T3/8.2", default=None
    )
    object_address_details: ObjectAddressDetails | None = el("ccdo:ObjectAddressDetails", default=None)
    # Table 2 item 7.1 «Координаты местности»
    geo_coordinate_details: list[GeoCoordinateDetails] = el(
        "ccdo:GeoCoordinateDetails", item="T2/7.1", default_factory=list
    )
    description_text: st.Text4000 | None = el("csdo:DescriptionText", default=None)


class IncidentAlertIdDetails(XmlModel):
    """smcdo:IncidentAlertIdDetailsType (M.SM.CDT.01004): identification of an alert (Tables 2 and 3, items 1–4).

    Used on its own for a linked alert (Table 2 items 9.1, 9.2; Table 6 item 2; the alert an
    R.SM.SS.08.003 answer refers to) and as the base of IncidentAlertDetailsType.
    """

    # «Страна, предоставляющая сведения»: the alert is sent by the authority of a member state (Rules §5, §17, §21).
    unified_country_code: rules.MemberStateCode = el("csdo:UnifiedCountryCode", item="T2/1 T3/1")
    incident_id: st.Id40 = el("smsdo:IncidentId", item="T2/3 T3/3")
    incident_kind_code: rules.IncidentKindCode = el("smsdo:IncidentKindCode", item="T2/2 T3/2")
    doc_creation_date: st.Date = el("csdo:DocCreationDate", item="T2/4 T3/4")


class IncidentAlertDetails(IncidentAlertIdDetails, rules.DatePairs):
    """smcdo:IncidentAlertDetailsType, extends IncidentAlertIdDetailsType: an alert with closure date and authority.

    csdo:EndDate is the date the situation was closed (archived); it may not precede the alert date.
    """

    date_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("doc_creation_date", "end_date"),)

    end_date: st.Date | None = el("csdo:EndDate", default=None)
    # «Уполномоченный орган, направляющий сообщение» (Table 2/3 item 5: multiplicity 1, XSD 0..1;
    # tightened by the structure modules).
    unified_authority_details: UnifiedAuthorityDetails | None = el(
        "ccdo:UnifiedAuthorityDetails", item="T2/5 T3/5", default=None
    )


# --- morbidity ------------------------------------------------------------------------------------
class PathogenDetails(XmlModel):
    """smcdo:PathogenDetailsType (M.SM.CDT.00070): infectious-disease pathogen («сведения о возбудителе»)."""

    pathogen_kind_code: PathogenKindCode | None = el("smsdo:PathogenKindCode", default=None)
    pathogen_kind_name: st.Name40 | None = el("smsdo:PathogenKindName", default=None)
    pathogen_name: st.Name120 | None = el("smsdo:PathogenName", default=None)


class DiseaseHealthProblemDetails(XmlModel):
    """smcdo:DiseaseHealthProblemDetailsType (M.SM.CDT.00668): disease (Table 2 item 6.1 «Сведения о болезни»).

    Table 2 item 6.1 note: "код согласно МКБ 10 либо словесное описание" — the code is checked
    for the ICD-10 shape when its codeListId names ICD-10.
    """

    disease_health_problem_code: rules.DiseaseCode | None = el("smsdo:DiseaseHealthProblemCode", default=None)
    disease_health_problem_name: st.Name250 | None = el("smsdo:DiseaseHealthProblemName", default=None)
    pathogen_details: list[PathogenDetails] = el("smcdo:PathogenDetails", default_factory=list)


class PatientGroupDetails(XmlModel):
    """smcdo:PatientGroupDetailsType (M.SM.CDT.00135): group of patients (Table 2 item 6.3 «Сведения о пациенте»)."""

    person_quantity: st.Quantity4 = el("smsdo:PersonQuantity")
    age_group_code: st.Code10 | None = el("smsdo:AgeGroupCode", default=None)
    disease_outcome_code: st.Code10 | None = el("smsdo:DiseaseOutcomeCode", default=None)
    laboratory_confirmed_indicator: st.Indicator | None = el(
        "smsdo:LaboratoryConfirmedIndicator", default=None
    )


class PublicHealthIncidentDetails(rules.DatePairs):
    """smcdo:PublicHealthIncidentDetailsType (M.SM.CDT.00114): case of infectious / mass non-infectious disease.

    Table 2 item 6 «Сведения о случае болезни»; Table 4 item 12 (deterioration of the situation).
    EventDate = first case detected, EndDate = last case detected.
    """

    date_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("event_date", "end_date"),)

    disease_health_problem_details: DiseaseHealthProblemDetails = el(
        "smcdo:DiseaseHealthProblemDetails", item="T2/6.1"
    )
    event_date: st.Date = el("csdo:EventDate", item="T2/6.2")
    end_date: st.Date | None = el("csdo:EndDate", default=None)
    patient_group_details: list[PatientGroupDetails] = el(
        "smcdo:PatientGroupDetails", item="T2/6.3", default_factory=list
    )
    detection_place_details: LocationDetails | None = el(
        "smcdo:DetectionPlaceDetails", item="T2/7", default=None
    )
    # Table 2 item 7.3 sits here, a sibling of DetectionPlaceDetails (not inside it).
    crossborder_spread_risk_indicator: st.Indicator | None = el(
        "smsdo:CrossborderSpreadRiskIndicator", item="T2/7.3", default=None
    )
    spreading_zone_details: list[LocationDetails] = el("smcdo:SpreadingZoneDetails", default_factory=list)


# --- measures -------------------------------------------------------------------------------------
class ImplementingEntityDetails(XmlModel):
    """smcdo:ImplementingEntityDetailsType (M.SM.CDT.01006): who is ordered to carry out an activity.

    Table 5 item 5.5 «Наименование исполнителя».
    """

    unified_authority_details: UnifiedAuthorityDetails | None = el(
        "ccdo:UnifiedAuthorityDetails", default=None
    )
    subject_details: SubjectDetails | None = el("smcdo:SubjectDetails", default=None)


class MeasureImplementationDetails(rules.DatePairs):
    """smcdo:MeasureImplementationDetailsType (M.SM.CDT.00077): activity ensuring a measure is applied.

    Table 3 item 9.8, Table 4 item 10, Table 5 item 5 (its sub-items 5.1–5.7 are on the fields).
    """

    date_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("start_date", "end_date"),)

    # Table 5 item 5.1 note: "в соответствии с классификатором стран мира".
    unified_country_code: rules.IsoCountryCode = el("csdo:UnifiedCountryCode", item="T5/5.1")
    start_date: st.Date = el("csdo:StartDate", item="T5/5.2")
    end_date: st.Date | None = el("csdo:EndDate", item="T5/5.3", default=None)
    description_text: st.Text4000 = el("csdo:DescriptionText", item="T5/5.4")
    implementing_entity_details: list[ImplementingEntityDetails] = el(
        "smcdo:ImplementingEntityDetails", item="T5/5.5", default_factory=list
    )
    measure_affected_object_kind_code: list[rules.MeasureObjectKindCode] = el(
        "smsdo:MeasureAffectedObjectKindCode", item="T5/5.6", default_factory=list
    )
    doc_reference_details: DocReferenceDetails | None = el(
        "ccdo:DocReferenceDetails", item="T5/5.7", default=None
    )
    region_name: st.Name120 | None = el("csdo:RegionName", default=None)
    border_checkpoint_details: BorderCheckpointDetails | None = el(
        "smcdo:BorderCheckpointDetails", default=None
    )


class SamplingActDocDetails(XmlModel):
    """smcdo:SamplingActDocDetailsType (M.SM.CDT.00115): a legal act (type of smcdo:MeasureInitiationBasisDetails).

    Not the element smcdo:SamplingActDocDetails, which has another type.
    """

    doc_kind_name: st.Name500 | None = el("csdo:DocKindName", default=None)
    doc_name: st.Name500 = el("csdo:DocName")
    doc_id: st.Id50 | None = el("csdo:DocId", default=None)
    doc_creation_date: st.Date | None = el("csdo:DocCreationDate", default=None)


class SanitaryMeasureBaseDetails(rules.DatePairs):
    """smcdo:SanitaryMeasureBaseDetailsType (M.SM.CDT.00119): a sanitary measure taken (Table 3 item 9)."""

    date_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("start_date", "end_date"),)

    language_code: rules.IsoLanguageCode | None = el("csdo:LanguageCode", default=None)
    # «Вид санитарной меры» in the classifier of sanitary measures.
    measure_code: OptionalQualifiedCode | None = el("smsdo:MeasureCode", item="T3/9.2", default=None)
    measure_name: st.Name300 | None = el("smsdo:MeasureName", default=None)
    # Table 3 item 9.7 is 0.1, the XSD makes the element mandatory: the wire wins.
    measure_doc_details: DocContentDetails = el("smcdo:MeasureDocDetails", item="T3/9.7")
    initial_measure_doc_details: DocContentDetails | None = el("smcdo:InitialMeasureDocDetails", default=None)
    start_date: st.Date = el("csdo:StartDate", item="T3/9.5")
    end_date: st.Date | None = el("csdo:EndDate", item="T3/9.6", default=None)
    measure_initiation_basis_details: list[SamplingActDocDetails] = el(
        "smcdo:MeasureInitiationBasisDetails", default_factory=list
    )
    measure_justification_text: st.Text4000 | None = el(
        "smsdo:MeasureJustificationText", item="T3/9.4", default=None
    )
    description_text: st.Text4000 | None = el("csdo:DescriptionText", item="T3/9.3", default=None)
    # «Вид объекта действия меры»: граждане государств-членов; товары и продукция; транспортные средства.
    measure_affected_object_kind_code: list[rules.MeasureObjectKindCode] = el(
        "smsdo:MeasureAffectedObjectKindCode", item="T3/9.1", default_factory=list
    )
    measure_implementation_details: list[MeasureImplementationDetails] = el(
        "smcdo:MeasureImplementationDetails", item="T3/9.8", default_factory=list
    )


# --- products -------------------------------------------------------------------------------------
class ProductDetails(XmlModel):
    """smcdo:ProductDetailsType (M.SM.CDT.00038): a product.

    The product of a dangerous-product case (Table 3 items 7.1, 7.2, 7.4) and also the products
    listed in a shipping document, where Table 3 does not apply.
    """

    product_id: st.Id50 | None = el("csdo:ProductId", default=None)
    product_name: st.Name300 = el("csdo:ProductName", item="T3/7.1")
    product_trade_name: list[st.Name300] = el("smsdo:ProductTradeName", default_factory=list)
    description_text: st.Text4000 | None = el("csdo:DescriptionText", item="T3/7.2", default=None)
    commodity_code: rules.HsCode | None = el("csdo:CommodityCode", item="T3/7.4", default=None)
    product_purpose_text: st.Text1000 | None = el("smsdo:ProductPurposeText", default=None)
    product_application_method_text: st.Text1000 | None = el(
        "smsdo:ProductApplicationMethodText", default=None
    )
    release_form_text: st.Text1000 | None = el("smsdo:ReleaseFormText", default=None)
    storage_condition_text: st.Text1000 | None = el("smsdo:StorageConditionText", default=None)
    product_label_text: st.Text4000 | None = el("smsdo:ProductLabelText", default=None)
    doc_reference_details: list[DocReferenceDetails] = el("ccdo:DocReferenceDetails", default_factory=list)


class BatchDetails(rules.DatePairs):
    """smcdo:BatchDetailsType (M.SM.CDT.00111): a series of the product (Table 3 items 7.6.1–7.6.3).

    The shelf life cannot end before the series was manufactured.
    """

    date_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("manufacture_date", "product_shelf_life_end_date"),)

    batch_id: st.Id50 | None = el("smsdo:BatchId", item="T3/7.6.1", default=None)
    manufacture_date: st.Date | None = el("csdo:ManufactureDate", item="T3/7.6.3", default=None)
    product_shelf_life_end_date: st.Date | None = el("csdo:ProductShelfLifeEndDate", default=None)
    unified_commodity_measure: UnifiedPhysicalMeasure | None = el(
        "csdo:UnifiedCommodityMeasure", item="T3/7.6.2", default=None
    )
    note_text: st.Text4000 | None = el("csdo:NoteText", default=None)


class ShippingDocumentDetails(XmlModel):
    """smcdo:ShippingDocumentDetailsType (M.SM.CDT.01005): shipping document (Table 3 item 7.6.4.3).

    "сведения о виде, номере и дате оформления товаросопроводительного документа". Note the
    XSD order: DocCreationDate comes before DocId here.
    """

    doc_kind_code: QualifiedCode | None = el("csdo:DocKindCode", default=None)
    doc_name: st.Name500 | None = el("csdo:DocName", default=None)
    doc_creation_date: st.Date | None = el("csdo:DocCreationDate", default=None)
    doc_id: st.Id50 | None = el("csdo:DocId", default=None)
    product_details: list[ProductDetails] = el("smcdo:ProductDetails", default_factory=list)
    supply_chain_party_details: list[SupplyChainPartyDetails] = el(
        "ccdo:SupplyChainPartyDetails", default_factory=list
    )


class ConformityDocDetails(DocReferenceDetails):
    """smcdo:ConformityDocDetailsType (M.SM.CDT.00999), extends DocReferenceDetailsType: conformity document.

    Table 3 item 7.6.4.4: registration number, date of issue and the authority that issued it.
    """

    unified_authority_details: UnifiedAuthorityDetails | None = el(
        "ccdo:UnifiedAuthorityDetails", default=None
    )


class DocStructuralElementDetails(XmlModel):
    """smcdo:DocStructuralElementDetailsType (M.SM.CDT.00054): a chapter, section or clause of a document."""

    doc_structural_element_name: st.Name120 = el("smsdo:DocStructuralElementName")
    doc_structural_element_id: st.Id20 = el("smsdo:DocStructuralElementId")


class RequirementsDocDetails(XmlModel):
    """smcdo:RequirementsDocDetailsType (M.SM.CDT.00064): act of Union law setting the requirements.

    Table 3 item 7.6.4.5.1 «Сведения об акте (актах), входящем в право Союза…».
    """

    # Cyrillic "ТР ТС 021/2011" / "ТР ЕАЭС 040/2016"; a Latin look-alike is rejected.
    technical_regulation_id: st.TechnicalRegulationId | None = el("smsdo:TechnicalRegulationId", default=None)
    doc_name: st.Name500 | None = el("csdo:DocName", default=None)
    doc_id: st.Id50 | None = el("csdo:DocId", default=None)
    doc_structural_element_details: list[DocStructuralElementDetails] = el(
        "smcdo:DocStructuralElementDetails", default_factory=list
    )
    doc_reference_details: DocReferenceDetails | None = el("ccdo:DocReferenceDetails", default=None)
    description_text: st.Text4000 | None = el("csdo:DescriptionText", default=None)


class DiscrepancyOfQualityIndexDetails(XmlModel):
    """smcdo:DiscrepancyOfQualityIndexDetailsType (M.SM.CDT.00092): a safety indicator found non-compliant.

    @normativeDiscrepancyOfQualityIndexIndicator tells the normative value (Table 3 item
    7.6.4.5.2.1, indicator true) from the actual value (item 7.6.4.5.2.2, indicator false or absent).
    """

    discrepancy_of_quality_index_code: OptionalQualifiedCode | None = el(
        "smsdo:DiscrepancyOfQualityIndexCode", default=None
    )
    discrepancy_of_quality_index_name: st.Name500 | None = el(
        "smsdo:DiscrepancyOfQualityIndexName", default=None
    )
    discrepancy_of_quality_index_value: st.Value100 | None = el(
        "smsdo:DiscrepancyOfQualityIndexValue", default=None
    )
    unified_measurement_unit_code: QualifiedCode | None = el("csdo:UnifiedMeasurementUnitCode", default=None)
    note_text: st.Text4000 | None = el("csdo:NoteText", default=None)
    normative_discrepancy_of_quality_index_indicator: st.Indicator | None = attr(
        "normativeDiscrepancyOfQualityIndexIndicator", default=None
    )

    @property
    def is_normative(self) -> bool:
        """Table 3 item 7.6.4.5.2.1 «Сведения о нормативе показателя безопасности продукции».

        True when @normativeDiscrepancyOfQualityIndexIndicator is true (1).
        """
        return self.normative_discrepancy_of_quality_index_indicator is True

    @property
    def is_actual(self) -> bool:
        """Table 3 item 7.6.4.5.2.2 «Сведения о значениях показателя безопасности продукции».

        True when @normativeDiscrepancyOfQualityIndexIndicator is false (0) or absent: the item map
        reads every indicator that is not declared normative as an actual (measured) value.
        """
        return not self.is_normative


class RequirementViolationDetails(XmlModel):
    """smcdo:RequirementViolationDetailsType (M.SM.CDT.00113): a violation found (Table 3 item 7.6.4.5).

    Table 3 item 7.6.4.5.2 «Сведения о нарушении» has no element of its own: it is this
    violation itself (see :attr:`violation`).
    """

    # Table 3 item 7.6.4.5.1 is 1, the XSD allows 1..*: the wire wins (upper bounds are never tightened).
    requirements_doc_details: list[RequirementsDocDetails] = el(
        "smcdo:RequirementsDocDetails", item="T3/7.6.4.5.1", min_length=1
    )
    discrepancy_of_quality_index_details: list[DiscrepancyOfQualityIndexDetails] = el(
        "smcdo:DiscrepancyOfQualityIndexDetails", item="T3/7.6.4.5.2.1 T3/7.6.4.5.2.2", default_factory=list
    )
    description_text: st.Text4000 | None = el("csdo:DescriptionText", item="T3/7.6.4.5.2.3", default=None)

    @property
    def violation(self) -> RequirementViolationDetails:
        """Table 3 item 7.6.4.5.2 «Сведения о нарушении»: no element in R.SM.SS.08.002, the violation is
        this smcdo:RequirementViolationDetails itself (its indicators and its csdo:DescriptionText)."""
        return self

    @property
    def normative_values(self) -> tuple[DiscrepancyOfQualityIndexDetails, ...]:
        """Table 3 item 7.6.4.5.2.1: the indicators flagged as normative values."""
        return tuple(d for d in self.discrepancy_of_quality_index_details if d.is_normative)

    @property
    def actual_values(self) -> tuple[DiscrepancyOfQualityIndexDetails, ...]:
        """Table 3 item 7.6.4.5.2.2: the indicators carrying actual (measured) values."""
        return tuple(d for d in self.discrepancy_of_quality_index_details if d.is_actual)


class NonCompliantSanitaryProductBatchDetails(XmlModel):
    """smcdo:NonCompliantSanitaryProductBatchDetailsType (M.SM.CDT.00118): series or batch (Table 3 item 7.6).

    Table 3 item 7.6.4 «Сведения о партии продукции» has no container element: the consignment
    items 7.6.4.1–7.6.4.5 are direct children here (see :attr:`has_consignment`).
    """

    batch_details: BatchDetails | None = el("smcdo:BatchDetails", default=None)
    consignment_id: st.Id20 | None = el("smsdo:ConsignmentId", item="T3/7.6.4.1", default=None)
    commodity_measure: PhysicalMeasure | None = el("csdo:CommodityMeasure", item="T3/7.6.4.2", default=None)
    shipping_document_details: list[ShippingDocumentDetails] = el(
        "smcdo:ShippingDocumentDetails", item="T3/7.6.4.3", default_factory=list
    )
    conformity_doc_details: list[ConformityDocDetails] = el(
        "smcdo:ConformityDocDetails", item="T3/7.6.4.4", default_factory=list
    )
    requirement_violation_details: list[RequirementViolationDetails] = el(
        "smcdo:RequirementViolationDetails", item="T3/7.6.4.5", default_factory=list
    )

    @property
    def has_consignment(self) -> bool:
        """Table 3 item 7.6.4 «Сведения о партии продукции» (0.1): present when the batch carries any
        consignment data — smsdo:ConsignmentId, csdo:CommodityMeasure, shipping documents,
        conformity documents or violations (items 7.6.4.1–7.6.4.5)."""
        return bool(
            self.consignment_id is not None
            or self.commodity_measure is not None
            or self.shipping_document_details
            or self.conformity_doc_details
            or self.requirement_violation_details
        )


class NonCompliantSanitaryProductDetails(XmlModel):
    """smcdo:NonCompliantSanitaryProductDetailsType (M.SM.CDT.00110): product under sanitary supervision
    found non-compliant (Table 3 item 7 «Сведения о продукции»; Table 4 item 13)."""

    # «Обозначение в перечне подконтрольной продукции»
    sanitary_product_type_code: SanitaryProductTypeCode | None = el(
        "smsdo:SanitaryProductTypeCode", item="T3/7.3", default=None
    )
    sanitary_product_type_name: st.Name300 | None = el("smsdo:SanitaryProductTypeName", default=None)
    product_details: ProductDetails = el("smcdo:ProductDetails")
    # «Сведения об изготовителе продукции»
    supply_chain_party_details: SupplyChainPartyDetails | None = el(
        "ccdo:SupplyChainPartyDetails", item="T3/7.5", default=None
    )
    non_compliant_sanitary_product_batch_details: list[NonCompliantSanitaryProductBatchDetails] = el(
        "smcdo:NonCompliantSanitaryProductBatchDetails", item="T3/7.6", default_factory=list
    )


# --- the alerts -----------------------------------------------------------------------------------
class PublicHealthAlertDetails(IncidentAlertDetails):
    """smcdo:PublicHealthAlertDetailsType, extends IncidentAlertDetailsType: a morbidity case (Table 2).

    "Случай инфекционной или массовой неинфекционной болезни (отравления) и принятые меры".
    """

    public_health_incident_details: PublicHealthIncidentDetails | None = el(
        "smcdo:PublicHealthIncidentDetails", item="T2/6", default=None
    )
    # Table 2 item 8 «Сведения о санитарной мере» (0.*) and 8.1 «Вид санитарной меры»: there is no
    # measure container in R.SM.SS.08.001, each smsdo:MeasureCode is one measure and its kind.
    measure_code: list[OptionalQualifiedCode] = el(
        "smsdo:MeasureCode", item="T2/8 T2/8.1", default_factory=list
    )
    measure_name: list[st.Name300] = el("smsdo:MeasureName", default_factory=list)
    # Table 2 items 9.1 (link to a dangerous-product case) and 9.2 (link to an animal-disease case).
    incident_alert_id_details: list[IncidentAlertIdDetails] = el(
        "smcdo:IncidentAlertIdDetails", item="T2/9.1 T2/9.2", default_factory=list
    )
    resource_item_status_details: ResourceItemStatusDetails | None = el(
        "ccdo:ResourceItemStatusDetails", default=None
    )

    @property
    def causes(self) -> tuple[IncidentAlertIdDetails, ...]:
        """Table 2 item 9 «Сведения о причинах возникновения случая…» (0.1): no element in R.SM.SS.08.001;
        the causes are the linked alerts (smcdo:IncidentAlertIdDetails, items 9.1 and 9.2) of the case,
        an empty tuple when none is linked."""
        return tuple(self.incident_alert_id_details)


class DangerousProductAlertDetails(IncidentAlertDetails):
    """smcdo:DangerousProductAlertDetailsType, extends IncidentAlertDetailsType: a dangerous-product case (Table 3)."""

    non_compliant_sanitary_product_details: NonCompliantSanitaryProductDetails | None = el(
        "smcdo:NonCompliantSanitaryProductDetails", item="T3/7", default=None
    )
    detection_place_details: LocationDetails | None = el(
        "smcdo:DetectionPlaceDetails", item="T3/8", default=None
    )
    sanitary_measure_base_details: list[SanitaryMeasureBaseDetails] = el(
        "smcdo:SanitaryMeasureBaseDetails", item="T3/9", default_factory=list
    )
    resource_item_status_details: ResourceItemStatusDetails | None = el(
        "ccdo:ResourceItemStatusDetails", default=None
    )

    @property
    def archive_flag(self) -> int:
        """Table 3 item 6 «Признак архивации сообщения» (0 – архивный, 1 – актуальный; code list SM.CLS.007).

        No element in R.SM.SS.08.002: derived from csdo:EndDate of the case ("date the situation was
        closed (archived)") — 0 (archived) when it is present, 1 (current) otherwise.
        """
        return 0 if self.end_date is not None else 1


# --- temporary sanitary measures (R.SM.SS.09.001) --------------------------------------------------
class TemporaryMeasureDetails(rules.DatePairs):
    """smcdo:TemporaryMeasureDetailsType (M.SM.CDT.00950): a temporary sanitary measure (Table 4 items 1–7, 9)."""

    date_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("start_date", "end_date"),)

    # Table 4 item 1 «Код языка» (1; XSD 0..1, tightened by sanitary_measure.py).
    language_code: rules.IsoLanguageCode | None = el("csdo:LanguageCode", item="T4/1", default=None)
    measure_code: OptionalQualifiedCode | None = el("smsdo:MeasureCode", default=None)
    measure_name: st.Name300 | None = el("smsdo:MeasureName", item="T4/4", default=None)
    measure_doc_details: DocContentDetails = el("smcdo:MeasureDocDetails", item="T4/2")
    initial_measure_doc_details: DocContentDetails | None = el(
        "smcdo:InitialMeasureDocDetails", item="T4/3", default=None
    )
    start_date: st.Date = el("csdo:StartDate", item="T4/6")
    end_date: st.Date | None = el("csdo:EndDate", item="T4/7", default=None)
    measure_initiation_basis_details: list[SamplingActDocDetails] = el(
        "smcdo:MeasureInitiationBasisDetails", default_factory=list
    )
    # Table 4 item 9 is 0.*, the XSD allows one: the wire wins.
    measure_justification_text: st.Text4000 | None = el(
        "smsdo:MeasureJustificationText", item="T4/9", default=None
    )
    description_text: st.Text4000 | None = el("csdo:DescriptionText", item="T4/5", default=None)


class SanitaryMeasureDetails(TemporaryMeasureDetails):
    """smcdo:SanitaryMeasureDetailsType (M.SM.CDT.00109), extends TemporaryMeasureDetailsType.

    Not the root doc:SanitaryMeasureDetails of R.SM.SS.09.001 (same local name, other namespace and type).
    """

    incident_alert_id_details: list[IncidentAlertIdDetails] = el(
        "smcdo:IncidentAlertIdDetails", default_factory=list
    )
    measure_affected_object_kind_code: list[rules.MeasureObjectKindCode] = el(
        "smsdo:MeasureAffectedObjectKindCode", default_factory=list
    )
    # Table 4 item 8 «Основание для введения временной санитарной меры»: one of 1–4.
    measure_reason_code: rules.MeasureGroundCode | None = el(
        "smsdo:MeasureReasonCode", item="T4/8", default=None
    )
    measure_implementation_details: list[MeasureImplementationDetails] = el(
        "smcdo:MeasureImplementationDetails", item="T4/10", default_factory=list
    )
    measure_repeal_condition_text: st.Text4000 | None = el(
        "smsdo:MeasureRepealConditionText", item="T4/11", default=None
    )
    public_health_incident_details: PublicHealthIncidentDetails | None = el(
        "smcdo:PublicHealthIncidentDetails", item="T4/12", default=None
    )
    non_compliant_sanitary_product_details: list[NonCompliantSanitaryProductDetails] = el(
        "smcdo:NonCompliantSanitaryProductDetails", item="T4/13", default_factory=list
    )
    resource_item_status_details: ResourceItemStatusDetails | None = el(
        "ccdo:ResourceItemStatusDetails", default=None
    )
