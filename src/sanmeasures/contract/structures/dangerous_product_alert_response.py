"""R.SM.SS.08.003 DangerousProductAlertResponse — answer to a production-violation notice (Rules §6б, §38).

"Сведения о результатах рассмотрения информации о нарушениях": the authority of the member
state where the manufacturer is answers the notice of the detecting authority (an
R.SM.SS.08.002 alert, identified by smcdo:IncidentAlertIdDetails) with the measures taken.
Rules §38 refers to the composition of Table 3: the answering authority plays item 5 and the
measures are item 9 (docs/item-map.md).
"""

from __future__ import annotations

from sanmeasures.contract import blocks as b
from sanmeasures.contract import simple_types as st
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.namespaces import register_prefix
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.structures.dangerous_product_alert import AlertMeasureDetails
from sanmeasures.contract.xmlmodel import XmlModel, el

NAMESPACE = "urn:EEC:R:SM:SS:08:DangerousProductAlertResponse:v1.0.0"
register_prefix("dpar", NAMESPACE)


class DangerousProductAlertResponseDetails(XmlModel):
    """doc:DangerousProductAlertResponseDetailsType (R.SM.SS.08.003.CDT): result of reviewing the notice."""

    xml_root = "dpar:DangerousProductAlertResponseDetails"

    e_doc_header: EDocHeader = el("ccdo:EDocHeader")
    # The answering authority (Table 3 item 5 for the answer, Rules §38).
    unified_authority_details: b.UnifiedAuthorityDetails = el("ccdo:UnifiedAuthorityDetails", item="T3/5")
    # The original R.SM.SS.08.002 alert (its Table 3 items 1–4).
    incident_alert_id_details: b.IncidentAlertIdDetails = el("smcdo:IncidentAlertIdDetails")
    sanitary_measure_base_details: list[AlertMeasureDetails] = el(
        "smcdo:SanitaryMeasureBaseDetails", item="T3/9", default_factory=list
    )
    description_text: st.Text4000 | None = el("csdo:DescriptionText", default=None)
    doc_content_details: list[b.DocContentDetails] = el("ccdo:DocContentDetails", default_factory=list)


STRUCTURE = Structure(
    code="R.SM.SS.08.003",
    root=DangerousProductAlertResponseDetails,
    xsd_file="EEC_R_SM_SS_08_DangerousProductAlertResponse_v1.0.0.xsd",
    title_ru="Сведения о результатах рассмотрения информации о нарушениях",
    title_en="Result of reviewing a notice of production violations",
    table=3,
    paragraphs="§6б, §38",
)
