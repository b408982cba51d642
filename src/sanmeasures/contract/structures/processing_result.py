"""R.006 ProcessingResultDetails — processing-result signal (no Appendix 2 table).

"Уведомление о результате обработки": the respondent's answer to every business message
(DESIGN.md: a delivery receipt, then a processing result — accepted or rejected with reasons).
csdo:ProcessingResultV2Code has no enumeration in the XSD; its values are the node's code list.
"""

from __future__ import annotations

from sanmeasures.contract import simple_types as st
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.namespaces import register_prefix
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.xmlmodel import XmlModel, el

NAMESPACE = "urn:EEC:R:ProcessingResultDetails:v1.0.7"
register_prefix("prd", NAMESPACE)


class ProcessingResultDetails(XmlModel):
    """doc:ProcessingResultDetailsType (R.006.CDT): result of the respondent's processing of a document."""

    xml_root = "prd:ProcessingResultDetails"

    e_doc_header: EDocHeader = el("ccdo:EDocHeader")
    event_date_time: st.DateTime = el("csdo:EventDateTime")
    processing_result_v2_code: st.PlainCode = el("csdo:ProcessingResultV2Code")
    description_text: st.Text4000 | None = el("csdo:DescriptionText", default=None)


STRUCTURE = Structure(
    code="R.006",
    root=ProcessingResultDetails,
    xsd_file="EEC_R_ProcessingResultDetails_v1.0.7.xsd",
    title_ru="Уведомление о результате обработки",
    title_en="Processing result notification",
    table=None,
    paragraphs="",
)
