"""R.SM.SS.08.001 PublicHealthAlert — morbidity alert (Appendix 2, Table 2; Rules §6б, §16–20).

"Сведения об обнаружении болезней и принятых санитарных мерах": one document carries one or
more cases (smcdo:PublicHealthAlertDetails), each with the alert identification (items 1–4),
the sending authority (5), the case (6, 7) and the measures (8) and linked alerts (9).
"""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from sanmeasures.contract import blocks as b
from sanmeasures.contract.errors import rule, violation
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.namespaces import register_prefix
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.xmlmodel import XmlModel, el

NAMESPACE = "urn:EEC:R:SM:SS:08:PublicHealthAlert:v1.0.0"
register_prefix("pha", NAMESPACE)


# --- Table 2 in this structure (context subclasses; the shared blocks stay as the XSD) -------------
class AlertPublicHealthIncidentDetails(b.PublicHealthIncidentDetails):
    """smcdo:PublicHealthIncidentDetailsType as Table 2 item 6 fills it.

    Table 2 item 6.3 «Сведения о пациенте» and item 7 «Сведения о месте выявления случая болезни»
    are mandatory (1); the XSD has 0..* and 0..1. The type is shared with Table 4 item 12.

    The XSD nests item 7 inside item 6 (0..1); a case message without item 6 therefore cannot
    carry item 7 at all, and the model enforces item 7 whenever item 6 is present.
    """

    patient_group_details: list[b.PatientGroupDetails] = el(
        "smcdo:PatientGroupDetails", item="T2/6.3", min_length=1
    )
    detection_place_details: b.LocationDetails = el("smcdo:DetectionPlaceDetails", item="T2/7")


class AlertPublicHealthDetails(b.PublicHealthAlertDetails):
    """smcdo:PublicHealthAlertDetailsType as Table 2 fills it: the sending authority (item 5) is mandatory."""

    unified_authority_details: b.UnifiedAuthorityDetails = el(
        "ccdo:UnifiedAuthorityDetails", item="T2/5 T3/5"
    )
    public_health_incident_details: AlertPublicHealthIncidentDetails | None = el(
        "smcdo:PublicHealthIncidentDetails", item="T2/6", default=None
    )

    @model_validator(mode="after")
    def _every_measure_has_its_kind(self) -> Any:
        # No measure container on the wire: each smsdo:MeasureCode is one measure (item 8) and its
        # kind (item 8.1); the names follow in the same order, so a name needs its code.
        if len(self.measure_name) > len(self.measure_code):
            raise violation(
                MEASURE_WITHOUT_KIND,
                field="measure_code",
                table_item="T2/8.1",
                names=len(self.measure_name),
                codes=len(self.measure_code),
            )
        return self


MEASURE_WITHOUT_KIND = rule(
    "table2.measure_kind",
    "Указано мер {names}, а кодов вида санитарной меры {codes}: у каждой меры должен быть вид (smsdo:MeasureCode)",
    "{names} measure name(s) but {codes} measure kind code(s): every measure needs its kind (smsdo:MeasureCode)",
    "Приложение 2, таблица 2, п. 8.1",
)


# --- root ----------------------------------------------------------------------------------------
class PublicHealthAlertDetails(XmlModel):
    """doc:PublicHealthAlertDetailsType (R.SM.SS.08.001.CDT): disease (poisoning) cases and measures taken."""

    xml_root = "pha:PublicHealthAlertDetails"

    e_doc_header: EDocHeader = el("ccdo:EDocHeader")
    public_health_alert_details: list[AlertPublicHealthDetails] = el(
        "smcdo:PublicHealthAlertDetails", min_length=1
    )


STRUCTURE = Structure(
    code="R.SM.SS.08.001",
    root=PublicHealthAlertDetails,
    xsd_file="EEC_R_SM_SS_08_PublicHealthAlert_v1.0.0.xsd",
    title_ru="Сведения об обнаружении болезней и принятых санитарных мерах",
    title_en="Disease (poisoning) cases detected and sanitary measures taken",
    table=2,
    paragraphs="§6б, §16–20",
)
