"""R.SM.SS.09.002 AdditionalInfoDetails — additional information, request and answer (Appendix 2, Table 6; Rules §6в, §37, §39).

"Дополнительные сведения о временных санитарных мерах": the same structure carries the
request (items 1–6) and the answer (items 7–8; csdo:DescriptionText and ccdo:DocContentDetails
serve both). Every child of the root is optional, the header included. Information that is
confidential under national law is never forwarded (Rules §39).

Table 6 makes no item mandatory (all 0.1); where the XSD allows more (ccdo:DocContentDetails
0..* for items 5 and 8) the wire wins.
"""

from __future__ import annotations

from sanmeasures.contract import blocks as b
from sanmeasures.contract import rules
from sanmeasures.contract import simple_types as st
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.namespaces import register_prefix
from sanmeasures.contract.simple_content import SanitaryProductTypeCode
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.xmlmodel import XmlModel, el

NAMESPACE = "urn:EEC:R:SM:SS:09:AdditionalInfoDetails:v1.0.0"
register_prefix("addi", NAMESPACE)


class AdditionalInfoDetails(XmlModel):
    """doc:AdditionalInfoDetailsType (R.SM.SS.09.002.CDT): additional information on temporary measures."""

    xml_root = "addi:AdditionalInfoDetails"

    e_doc_header: EDocHeader | None = el("ccdo:EDocHeader", default=None)
    # «Уполномоченный орган» that requested the information.
    unified_authority_details: b.UnifiedAuthorityDetails | None = el(
        "ccdo:UnifiedAuthorityDetails", item="T6/1", default=None
    )
    # «Сведения о случае обнаружения продукции, опасной…»: the R.SM.SS.08.002 alert concerned.
    incident_alert_id_details: b.IncidentAlertIdDetails | None = el(
        "smcdo:IncidentAlertIdDetails", item="T6/2", default=None
    )
    # «Сведения о временной санитарной мере»: the country that introduced it and its document.
    unified_country_code: rules.IsoCountryCode | None = el(
        "csdo:UnifiedCountryCode", item="T6/3", default=None
    )
    measure_doc_reference_details: b.DocReferenceDetails | None = el(
        "smcdo:MeasureDocReferenceDetails", item="T6/3", default=None
    )
    # Request text (item 4) or answer text (item 7).
    description_text: st.Text4000 | None = el("csdo:DescriptionText", item="T6/4 T6/7", default=None)
    # «Сведения о продукции»: name, code in the list of products under supervision, kind of test.
    sanitary_product_type_code: SanitaryProductTypeCode | None = el(
        "smsdo:SanitaryProductTypeCode", item="T6/6", default=None
    )
    product_name: st.Name300 | None = el("csdo:ProductName", item="T6/6", default=None)
    laboratory_test_method_name: st.Name500 | None = el(
        "smsdo:LaboratoryTestMethodName", item="T6/6", default=None
    )
    # Requested document (item 5) or document attached to the answer (item 8).
    doc_content_details: list[b.DocContentDetails] = el(
        "ccdo:DocContentDetails", item="T6/5 T6/8", default_factory=list
    )


STRUCTURE = Structure(
    code="R.SM.SS.09.002",
    root=AdditionalInfoDetails,
    xsd_file="EEC_R_SM_SS_09_AdditionalInfoDetails_v1.0.0.xsd",
    title_ru="Дополнительные сведения о временных санитарных мерах",
    title_en="Additional information on temporary sanitary measures (request and answer)",
    table=6,
    paragraphs="§6в, §37, §39",
)
