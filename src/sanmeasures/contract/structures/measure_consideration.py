"""R.SM.SS.09.003 SanitaryMeasureConsideration — review of a temporary measure (Appendix 2, Table 5; Rules §6в, §28–29).

"Сведения о результатах рассмотрения временной санитарной меры": an authority's result of
reviewing another member state's temporary measure, with the activities (or response
measures) it introduces. The file says "SanitaryMeasureConsideration", the root element is
doc:SanitaryMeasureConsiderationDetails.
"""

from __future__ import annotations

from sanmeasures.contract import blocks as b
from sanmeasures.contract import rules
from sanmeasures.contract import simple_types as st
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.namespaces import register_prefix
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.xmlmodel import XmlModel, el

NAMESPACE = "urn:EEC:R:SM:SS:09:SanitaryMeasureConsideration:v1.0.0"
register_prefix("tsmc", NAMESPACE)


# --- Table 5 in this structure ---------------------------------------------------------------------
class ReviewedMeasureDocDetails(b.DocContentDetails):
    """ccdo:DocContentDetailsType as smcdo:MeasureDocDetails of Table 5: the document of the reviewed measure.

    Table 5 items 2 «Код страны» (the state that introduced the measure: a member state),
    3 «Номер документа» and 4 «Дата документа» are mandatory (1); the XSD has 0..1 for all three.
    """

    unified_country_code: rules.MemberStateCode = el("csdo:UnifiedCountryCode", item="T5/2")
    doc_id: st.Id50 = el("csdo:DocId", item="T5/3")
    doc_creation_date: st.Date = el("csdo:DocCreationDate", item="T5/4")


# --- root ----------------------------------------------------------------------------------------
class SanitaryMeasureConsiderationDetails(XmlModel):
    """doc:SanitaryMeasureConsiderationDetailsType (R.SM.SS.09.003.CDT): results of reviewing a measure."""

    xml_root = "tsmc:SanitaryMeasureConsiderationDetails"

    e_doc_header: EDocHeader = el("ccdo:EDocHeader")
    unified_authority_details: b.UnifiedAuthorityDetails | None = el(
        "ccdo:UnifiedAuthorityDetails", item="T5/1", default=None
    )
    # Items 2–4 are children of the shared ccdo:DocContentDetailsType, so the items are named on this
    # particle (docs/item-map.md) as well as on the fields of ReviewedMeasureDocDetails.
    measure_doc_details: ReviewedMeasureDocDetails = el("smcdo:MeasureDocDetails", item="T5/2 T5/3 T5/4")
    measure_implementation_details: list[b.MeasureImplementationDetails] = el(
        "smcdo:MeasureImplementationDetails", item="T5/5", default_factory=list
    )
    description_text: st.Text4000 | None = el("csdo:DescriptionText", item="T5/6", default=None)
    doc_content_details: list[b.DocContentDetails] = el(
        "ccdo:DocContentDetails", item="T5/7", default_factory=list
    )


STRUCTURE = Structure(
    code="R.SM.SS.09.003",
    root=SanitaryMeasureConsiderationDetails,
    xsd_file="EEC_R_SM_SS_09_SanitaryMeasureConsideration_v1.0.0.xsd",
    title_ru="Сведения о результатах рассмотрения временной санитарной меры",
    title_en="Result of reviewing a temporary sanitary measure",
    table=5,
    paragraphs="§6в, §28–29",
)
