"""R.SM.SS.09.001 SanitaryMeasureDetails — temporary sanitary measure (Appendix 2, Table 4; Rules §6в, §26–27, §29–30).

"Сведения о временной санитарной мере": introduction, change or cancellation of one or more
temporary sanitary measures (smcdo:SanitaryMeasureDetails; a ban, a restriction or a
suspension, EEC Council Decision No. 149 of 16.05.2016).

The root doc:SanitaryMeasureDetails and its child smcdo:SanitaryMeasureDetails share the local
name; the child's type is :class:`blocks.SanitaryMeasureDetails`.
"""

from __future__ import annotations

from sanmeasures.contract import blocks as b
from sanmeasures.contract import rules
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.namespaces import register_prefix
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.xmlmodel import XmlModel, el

NAMESPACE = "urn:EEC:R:SM:SS:09:SanitaryMeasureDetails:v1.0.0"
register_prefix("tsm", NAMESPACE)


# --- Table 4 in this structure ---------------------------------------------------------------------
class TemporarySanitaryMeasureDetails(b.SanitaryMeasureDetails):
    """smcdo:SanitaryMeasureDetailsType as Table 4 fills it: Table 4 item 1 «Код языка» is mandatory
    ("приводится значение кода языка в соответствии с классификатором языков"; XSD 0..1)."""

    language_code: rules.IsoLanguageCode = el("csdo:LanguageCode", item="T4/1")


# --- root ----------------------------------------------------------------------------------------
class SanitaryMeasureDetails(XmlModel):
    """doc:SanitaryMeasureDetailsType (R.SM.SS.09.001.CDT): introduction, change or cancellation of measures."""

    xml_root = "tsm:SanitaryMeasureDetails"

    e_doc_header: EDocHeader = el("ccdo:EDocHeader")
    sanitary_measure_details: list[TemporarySanitaryMeasureDetails] = el(
        "smcdo:SanitaryMeasureDetails", min_length=1
    )


STRUCTURE = Structure(
    code="R.SM.SS.09.001",
    root=SanitaryMeasureDetails,
    xsd_file="EEC_R_SM_SS_09_SanitaryMeasureDetails_v1.0.0.xsd",
    title_ru="Сведения о временной санитарной мере",
    title_en="Temporary sanitary measure (introduction, change, cancellation)",
    table=4,
    paragraphs="§6в, §26–27, §29–30",
)
