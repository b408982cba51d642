"""R.SM.SS.08.002 DangerousProductAlert — dangerous-product alert (Appendix 2, Table 3; Rules §6б, §8, §21–25).

"Сведения об обнаружении опасной продукции и принятых санитарных мерах": one document carries
one or more cases (smcdo:DangerousProductAlertDetails): the alert identification (items 1–4),
the sending authority (5), the product with its series and consignments (7), the place where
it was found (8) and the measures taken (9). Item 6, the archive flag, is derived
(:attr:`blocks.DangerousProductAlertDetails.archive_flag`).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError, model_validator
from pydantic_core import InitErrorDetails

from sanmeasures.contract import blocks as b
from sanmeasures.contract import rules
from sanmeasures.contract import simple_types as st
from sanmeasures.contract.errors import rule, violation
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.namespaces import register_prefix
from sanmeasures.contract.simple_content import OptionalQualifiedCode, SanitaryProductTypeCode
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.xmlmodel import XmlModel, el

NAMESPACE = "urn:EEC:R:SM:SS:08:DangerousProductAlert:v1.0.0"
register_prefix("dpa", NAMESPACE)

CONSIGNMENT_ITEM = rule(
    "table3.consignment_item",
    "Сведения о партии продукции (п. 7.6.4) переданы без обязательного элемента {element} (п. {item})",
    "Consignment data (Table 3 item 7.6.4) are given without the mandatory {element} (item {item})",
    "Приложение 2, таблица 3, п. 7.6.4",
)


# --- Table 3 in this structure (context subclasses; the shared blocks stay as the XSD) -------------
class AlertProductDetails(b.ProductDetails):
    """smcdo:ProductDetailsType as Table 3 item 7 fills it: «Описание продукции» (7.2) is mandatory.

    ProductDetails is also used for the products listed in a shipping document, where it is not.
    """

    description_text: st.Text4000 = el("csdo:DescriptionText", item="T3/7.2")


class AlertBatchDetails(b.NonCompliantSanitaryProductBatchDetails):
    """smcdo:NonCompliantSanitaryProductBatchDetailsType as Table 3 item 7.6 fills it.

    Table 3 item 7.6.4 «Сведения о партии продукции» is 0.1 and has no element: its items sit
    directly in the batch. When the batch carries consignment data (:attr:`has_consignment`),
    7.6.4.3 shipping documents (1.*), 7.6.4.4 the conformity document (1) and 7.6.4.5 the
    violations (1.*) are mandatory; the XSD has 0..* for all three. The upper bound of 7.6.4.4
    stays the XSD's (several documents are accepted).
    """

    @model_validator(mode="after")
    def _consignment_complete(self) -> Any:
        if not self.has_consignment:
            return self
        problems = [
            InitErrorDetails(
                type=violation(CONSIGNMENT_ITEM, element=qname, item=item),
                loc=(name,),
                input=[],
            )
            for name, qname, item in _CONSIGNMENT_REQUIRED
            if not getattr(self, name)
        ]
        if problems:
            # A ValidationError (not a single custom error) so that every missing item is reported,
            # each with a loc ending at its own field, like a plain "missing" error.
            raise ValidationError.from_exception_data(type(self).__name__, problems)
        return self


#: Table 3 items under 7.6.4 that are mandatory once the consignment (7.6.4) is given.
_CONSIGNMENT_REQUIRED: tuple[tuple[str, str, str], ...] = (
    ("shipping_document_details", "smcdo:ShippingDocumentDetails", "7.6.4.3"),
    ("conformity_doc_details", "smcdo:ConformityDocDetails", "7.6.4.4"),
    ("requirement_violation_details", "smcdo:RequirementViolationDetails", "7.6.4.5"),
)


class AlertNonCompliantProductDetails(b.NonCompliantSanitaryProductDetails):
    """smcdo:NonCompliantSanitaryProductDetailsType as Table 3 item 7 «Сведения о продукции» fills it.

    Mandatory here (shared with Table 4 item 13, where they are not): 7.3 the code in the list of
    products under supervision, 7.5 the manufacturer, 7.6 at least one series or batch.
    """

    sanitary_product_type_code: SanitaryProductTypeCode = el("smsdo:SanitaryProductTypeCode", item="T3/7.3")
    product_details: AlertProductDetails = el("smcdo:ProductDetails")
    supply_chain_party_details: b.SupplyChainPartyDetails = el("ccdo:SupplyChainPartyDetails", item="T3/7.5")
    non_compliant_sanitary_product_batch_details: list[AlertBatchDetails] = el(
        "smcdo:NonCompliantSanitaryProductBatchDetails", item="T3/7.6", min_length=1
    )


class AlertMeasureDetails(b.SanitaryMeasureBaseDetails):
    """smcdo:SanitaryMeasureBaseDetailsType as Table 3 item 9 «Сведения о санитарной мере» fills it.

    9.1 «Вид объекта действия меры» and 9.2 «Вид санитарной меры» are mandatory (1); the XSD has
    0..* and 0..1. Also used by R.SM.SS.08.003 (Rules §38 answers with the measures taken).
    """

    measure_code: OptionalQualifiedCode = el("smsdo:MeasureCode", item="T3/9.2")
    measure_affected_object_kind_code: list[rules.MeasureObjectKindCode] = el(
        "smsdo:MeasureAffectedObjectKindCode", item="T3/9.1", min_length=1
    )


class AlertDangerousProductDetails(b.DangerousProductAlertDetails):
    """smcdo:DangerousProductAlertDetailsType as Table 3 fills it: the sending authority (item 5) and the
    place of detection (item 8) are mandatory."""

    unified_authority_details: b.UnifiedAuthorityDetails = el(
        "ccdo:UnifiedAuthorityDetails", item="T2/5 T3/5"
    )
    non_compliant_sanitary_product_details: AlertNonCompliantProductDetails | None = el(
        "smcdo:NonCompliantSanitaryProductDetails", item="T3/7", default=None
    )
    detection_place_details: b.LocationDetails = el("smcdo:DetectionPlaceDetails", item="T3/8")
    sanitary_measure_base_details: list[AlertMeasureDetails] = el(
        "smcdo:SanitaryMeasureBaseDetails", item="T3/9", default_factory=list
    )


# --- root ----------------------------------------------------------------------------------------
class DangerousProductAlertDetails(XmlModel):
    """doc:DangerousProductAlertDetailsType (R.SM.SS.08.002.CDT): dangerous-product cases and measures taken."""

    xml_root = "dpa:DangerousProductAlertDetails"

    e_doc_header: EDocHeader = el("ccdo:EDocHeader")
    dangerous_product_alert_details: list[AlertDangerousProductDetails] = el(
        "smcdo:DangerousProductAlertDetails", min_length=1
    )


STRUCTURE = Structure(
    code="R.SM.SS.08.002",
    root=DangerousProductAlertDetails,
    xsd_file="EEC_R_SM_SS_08_DangerousProductAlert_v1.0.0.xsd",
    title_ru="Сведения об обнаружении опасной продукции и принятых санитарных мерах",
    title_en="Dangerous products detected and sanitary measures taken",
    table=3,
    paragraphs="§6б, §8, §21–25",
)
