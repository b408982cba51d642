"""R.SM.SS.00.002 / R.SM.SS.00.003 — information on request from the common resources (Rules §7е–ж, §8, §14).

Rules §14: at the request of the authorized bodies and of the supervisory bodies, the Commission
sends them information from the common resources that is subject to publication. §7е: the
authorities may ask for the unified registry of certificates, the morbidity database, the
dangerous-products database and the temporary sanitary measures; §7ж and §8: the supervisory
bodies ask the dangerous-products database (which requester may ask which resource is checked
where the participant is known, by the exchange layer, not in the document).

The answer carries the records in their published form: smcdo:PublicHealthAlertDetails (Table 2),
smcdo:DangerousProductAlertDetails (Table 3), smcdo:SanitaryMeasureDetails (Table 4) and the
certificate element of R.SM.SS.07.001 (Table 1) — each as the structure that implements the table
reads it, and only of the resource asked for.

Not published by the EEC: designed here in the EEC style (docs/conformance.md).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from lxml import etree
from pydantic import AfterValidator, Field, model_validator

from sanmeasures.contract import blocks as b
from sanmeasures.contract import rules
from sanmeasures.contract import simple_types as st
from sanmeasures.contract.classifiers import code_list
from sanmeasures.contract.errors import rule, violation
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.namespaces import MODULE_PREFIXES, clark, register_prefix
from sanmeasures.contract.simple_content import QualifiedCode, SanitaryProductTypeCode
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.structures import certificate
from sanmeasures.contract.structures.certificate import (
    MemberStateAuthority,
    RegistrationCertificateDetails,
    RegistrationNumberText,
    normalise_registration_number,
    raise_all,
)
from sanmeasures.contract.structures.dangerous_product_alert import AlertDangerousProductDetails
from sanmeasures.contract.structures.public_health_alert import AlertPublicHealthDetails
from sanmeasures.contract.structures.receipt import AnswerEDocHeader
from sanmeasures.contract.structures.sanitary_measure import TemporarySanitaryMeasureDetails
from sanmeasures.contract.xmlmodel import XmlModel, el

REQUEST_NAMESPACE = "urn:EEC:R:SM:SS:00:InformationRequest:v1.0.0"
RESPONSE_NAMESPACE = "urn:EEC:R:SM:SS:00:InformationResponse:v1.0.0"
register_prefix("irq", REQUEST_NAMESPACE)
register_prefix("irs", RESPONSE_NAMESPACE)

#: Codes of the four common resources (Rules §4а, §7е).
CERTIFICATE_REGISTRY = "1"
MORBIDITY_DB = "2"
DANGEROUS_PRODUCTS_DB = "3"
TEMPORARY_MEASURES = "4"

#: SM.CLS.016 Common information resource (Rules §4а). The node's own list, kept here until it
#: moves to ``classifiers.CODE_LISTS`` (as "information_resources").
INFORMATION_RESOURCES = code_list("information_resources")

RESOURCE = rule(
    "information.resource",
    "Код информационного ресурса {value} отсутствует в классификаторе (1 – единый реестр свидетельств, "
    "2 – база данных о заболеваемости, 3 – база данных об опасной продукции, 4 – временные санитарные меры)",
    "Resource code {value} is not in the code list (1 certificate registry, 2 morbidity database, "
    "3 dangerous-products database, 4 temporary sanitary measures)",
    "Правила, п. 4а, п. 7е–ж, п. 14",
)
RECORDS_KIND = rule(
    "information.records_kind",
    "Ответ на запрос сведений из ресурса {resource} («{resource_ru}») содержит записи другого ресурса: {element}",
    "The answer about resource {resource} ({resource_en}) carries records of another resource: {element}",
    "Правила, п. 14",
)
RECORD_COUNT = rule(
    "information.record_count",
    "Количество найденных записей {total} меньше количества записей в ответе {returned}",
    "The number of records found {total} is smaller than the number of records in the answer {returned}",
    "Правила, п. 14",
)

_RECORD_QUANTITY_MAX = 999_999_999  # irq:/irs:RecordQuantityType: xs:nonNegativeInteger, totalDigits 9


def _resource(code: QualifiedCode) -> QualifiedCode:
    if code.value not in INFORMATION_RESOURCES:
        raise violation(RESOURCE, value=code.value)
    return code


#: irq:/irs:InformationResourceCode — SM.CLS.016 (:data:`INFORMATION_RESOURCES`).
InformationResourceCode = Annotated[QualifiedCode, AfterValidator(_resource)]
#: irs:RecordQuantity (RecordQuantityType).
RecordQuantity = Annotated[int, Field(ge=0, le=_RECORD_QUANTITY_MAX)]
#: irq:MaxRecordQuantity (RecordQuantityType; asking for at most 0 records makes no sense).
MaxRecordQuantity = Annotated[int, Field(ge=1, le=_RECORD_QUANTITY_MAX)]


# --- R.SM.SS.00.002 request ------------------------------------------------------------------------
class SearchCriteriaDetails(rules.DatePairs):
    """irq:SearchCriteriaDetailsType: optional search parameters, combined with "and".

    The period is the date of the record: the date of the alert (Tables 2 and 3 item 4), the date of
    issue of the certificate (Table 1 item 4) or the start of the measure (Table 4 item 6).
    """

    date_pairs: ClassVar[tuple[tuple[str, str], ...]] = (("start_date", "end_date"),)

    unified_country_code: list[rules.MemberStateCode] = el("csdo:UnifiedCountryCode", default_factory=list)
    start_date: st.Date | None = el("csdo:StartDate", default=None)
    end_date: st.Date | None = el("csdo:EndDate", default=None)
    search_text: st.Text1000 | None = el("irq:SearchText", default=None)
    incident_id: st.Id40 | None = el("smsdo:IncidentId", default=None)
    # A certificate registration number as written; look-alike letters are tolerated.
    certificate_number_as_written: RegistrationNumberText | None = el("csdo:DocId", default=None)
    commodity_code: rules.HsCode | None = el("csdo:CommodityCode", default=None)
    sanitary_product_type_code: SanitaryProductTypeCode | None = el(
        "smsdo:SanitaryProductTypeCode", default=None
    )

    @property
    def certificate_number(self) -> str | None:
        """The certificate number criterion in its normal form (compare with stored normal forms)."""
        if self.certificate_number_as_written is None:
            return None
        return normalise_registration_number(self.certificate_number_as_written)


class InformationRequestDetails(XmlModel):
    """doc:InformationRequestDetailsType (R.SM.SS.00.002.CDT): request for information from a common resource."""

    xml_root = "irq:InformationRequestDetails"

    e_doc_header: EDocHeader = el("ccdo:EDocHeader")
    # The authority or supervisory body of a member state that asks (Rules §7е–ж, §8, §14).
    unified_authority_details: MemberStateAuthority = el("ccdo:UnifiedAuthorityDetails")
    information_resource_code: InformationResourceCode = el("irq:InformationResourceCode")
    search_criteria_details: SearchCriteriaDetails | None = el("irq:SearchCriteriaDetails", default=None)
    max_record_quantity: MaxRecordQuantity | None = el("irq:MaxRecordQuantity", default=None)

    @property
    def resource(self) -> str:
        return self.information_resource_code.value


# --- R.SM.SS.00.003 response -----------------------------------------------------------------------
class ResponderDetails(b.UnifiedAuthorityDetails):
    """ccdo:UnifiedAuthorityDetailsType for the body that answers (the Commission): its name is mandatory,
    it has no country of its own."""

    authority_name: st.Name300 = el("csdo:AuthorityName")


class InformationResponseDetails(XmlModel):
    """doc:InformationResponseDetailsType (R.SM.SS.00.003.CDT): records of the resource asked for."""

    xml_root = "irs:InformationResponseDetails"

    #: field -> the resource whose records it carries.
    RECORD_FIELDS: ClassVar[dict[str, str]] = {
        "public_health_alert_details": MORBIDITY_DB,
        "dangerous_product_alert_details": DANGEROUS_PRODUCTS_DB,
        "sanitary_measure_details": TEMPORARY_MEASURES,
        "registration_certificate_details": CERTIFICATE_REGISTRY,
    }

    # csdo:EDocRefId = csdo:EDocId of the R.SM.SS.00.002 request answered.
    e_doc_header: AnswerEDocHeader = el("ccdo:EDocHeader")
    unified_authority_details: ResponderDetails = el("ccdo:UnifiedAuthorityDetails")
    information_resource_code: InformationResourceCode = el("irs:InformationResourceCode")
    # All records found; the answer may carry fewer (irq:MaxRecordQuantity of the request).
    record_quantity: RecordQuantity = el("irs:RecordQuantity")
    public_health_alert_details: list[AlertPublicHealthDetails] = el(
        "smcdo:PublicHealthAlertDetails", default_factory=list
    )
    dangerous_product_alert_details: list[AlertDangerousProductDetails] = el(
        "smcdo:DangerousProductAlertDetails", default_factory=list
    )
    sanitary_measure_details: list[TemporarySanitaryMeasureDetails] = el(
        "smcdo:SanitaryMeasureDetails", default_factory=list
    )
    registration_certificate_details: list[RegistrationCertificateDetails] = el(
        "cert:RegistrationCertificateDetails", default_factory=list
    )
    description_text: st.Text4000 | None = el("csdo:DescriptionText", default=None)

    @property
    def resource(self) -> str:
        return self.information_resource_code.value

    @property
    def records(self) -> list[XmlModel]:
        """The records of the resource asked for."""
        return list(getattr(self, self._field_of(self.resource)))

    @classmethod
    def _field_of(cls, resource: str) -> str:
        return next(name for name, kind in cls.RECORD_FIELDS.items() if kind == resource)

    @model_validator(mode="after")
    def _records_of_the_resource(self) -> Any:
        resource = self.resource
        entry = INFORMATION_RESOURCES[resource]
        fields = type(self).model_fields
        problems = []
        returned = 0
        for name, kind in self.RECORD_FIELDS.items():
            found = getattr(self, name)
            returned += len(found)
            if found and kind != resource:
                element = str((fields[name].json_schema_extra or {}).get("xml", name))  # type: ignore[union-attr]
                problems.append(
                    (
                        violation(
                            RECORDS_KIND,
                            resource=resource,
                            resource_ru=entry.name_ru,
                            resource_en=entry.name_en,
                            element=element,
                        ),
                        (name, 0),
                        None,
                    )
                )
        if returned > self.record_quantity:
            problems.append(
                (
                    violation(RECORD_COUNT, total=self.record_quantity, returned=returned),
                    ("record_quantity",),
                    self.record_quantity,
                )
            )
        raise_all(type(self).__name__, problems)
        return self

    def to_element(self) -> etree._Element:
        # The certificate namespace is declared on the root too (not once per record as ns0:).
        root = etree.Element(
            clark(self.xml_root or ""),
            nsmap={"doc": RESPONSE_NAMESPACE, **MODULE_PREFIXES, "cert": certificate.NAMESPACE},
        )
        return self.write_element(root)


REQUEST = Structure(
    code="R.SM.SS.00.002",
    root=InformationRequestDetails,
    xsd_file="EEC_R_SM_SS_00_InformationRequest_v1.0.0.xsd",
    title_ru="Запрос сведений из общих информационных ресурсов",
    title_en="Request for information from the common resources",
    table=None,
    published=False,
    paragraphs="§7е–ж, §8, §14",
)
RESPONSE = Structure(
    code="R.SM.SS.00.003",
    root=InformationResponseDetails,
    xsd_file="EEC_R_SM_SS_00_InformationResponse_v1.0.0.xsd",
    title_ru="Сведения из общих информационных ресурсов по запросу",
    title_en="Information from the common resources on request",
    table=None,
    published=False,
    paragraphs="§7е–ж, §8, §14",
)
STRUCTURES = (REQUEST, RESPONSE)
