"""Where the published EEC structures and the regulation's tables disagree, and what the node does.

Interoperability first: the wire follows the published structure. Where the
structure makes optional what a table requires, the model enforces the table
with an error quoting the item; where the structure allows more than the
table, the node accepts what the structure allows; where the structure has no
element for an item, the model derives it. Every difference is listed here
once — ``docs/conformance.md`` is generated from this list
(``python -m sanmeasures.contract.conformance``) and the tests prove each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal[
    "tightened",  # table requires, wire optional: the model requires it
    "tightened_when",  # required only once its optional parent item (without element) is given
    "wire_wider",  # the wire allows more occurrences than the table: accepted
    "wire_stricter",  # the wire requires what the table leaves optional: required
    "wire_narrower",  # the wire allows fewer occurrences than the table: the wire wins
    "derived",  # no element: derived from what the document carries
    "by_construction",  # no container element; the rule holds by how the elements are read
]


@dataclass(frozen=True)
class Difference:
    item: str
    structure: str
    kind: Kind
    table: str  # multiplicity in the table
    wire: str | None  # multiplicity in the published structure (None: no element)
    model: str | None  # multiplicity of the model field (None: derived, no field)
    where: str  # model class and field or property that carries the decision
    decision: str
    #: XPath (prefixes of the EEC dictionaries, ``doc`` for the root) of the element(s) a test
    #: removes or repeats in the structure's example document to prove the decision.
    probe: str | None = None
    #: XSD multiplicity of the element behind ``where`` when the item sits inside another element.
    element_wire: str | None = None

    @property
    def field_wire(self) -> str | None:
        """What the published structure allows for the element of the model field ``where``."""
        return self.element_wire or self.wire


def _tightened(
    item: str, structure: str, table: str, wire: str, model: str, where: str, probe: str, why: str = ""
):
    decision = f"Required by the model ({model}); the published structure has {wire}. " + why
    return Difference(item, structure, "tightened", table, wire, model, where, decision.strip(), probe)


PHA, DPA, DPAR, TSM, TSMC, ADDI = (
    "R.SM.SS.08.001",
    "R.SM.SS.08.002",
    "R.SM.SS.08.003",
    "R.SM.SS.09.001",
    "R.SM.SS.09.003",
    "R.SM.SS.09.002",
)
_CASE2 = "/doc:PublicHealthAlertDetails/smcdo:PublicHealthAlertDetails"
_CASE3 = "/doc:DangerousProductAlertDetails/smcdo:DangerousProductAlertDetails"
_PRODUCT3 = f"{_CASE3}/smcdo:NonCompliantSanitaryProductDetails"
_BATCH3 = f"{_PRODUCT3}/smcdo:NonCompliantSanitaryProductBatchDetails"

DIFFERENCES: tuple[Difference, ...] = (
    # --- Table 2, R.SM.SS.08.001 ---------------------------------------------------------------
    _tightened(
        "T2/5",
        PHA,
        "1",
        "0..1",
        "1",
        "AlertPublicHealthDetails.unified_authority_details",
        f"{_CASE2}/ccdo:UnifiedAuthorityDetails",
    ),
    _tightened(
        "T2/6.3",
        PHA,
        "1",
        "0..*",
        "1..*",
        "AlertPublicHealthIncidentDetails.patient_group_details",
        f"{_CASE2}/smcdo:PublicHealthIncidentDetails/smcdo:PatientGroupDetails",
        "Upper bound: the wire's; one group per age group and outcome.",
    ),
    _tightened(
        "T2/7",
        PHA,
        "1",
        "0..1",
        "1",
        "AlertPublicHealthIncidentDetails.detection_place_details",
        f"{_CASE2}/smcdo:PublicHealthIncidentDetails/smcdo:DetectionPlaceDetails",
        "The element sits inside smcdo:PublicHealthIncidentDetails (item 6, 0..1), so it is required "
        "whenever the case details are given.",
    ),
    Difference(
        "T2/8.1",
        PHA,
        "by_construction",
        "1",
        "0..*",
        "0..*",
        "AlertPublicHealthDetails.measure_code",
        "R.SM.SS.08.001 has no measure container: each smsdo:MeasureCode is one measure (item 8) and "
        "its kind (item 8.1), so 8.1's '1' holds per measure. smsdo:MeasureName names the measures in "
        "the same order and may not outnumber the codes (a name without a kind is refused).",
        f"{_CASE2}/smsdo:MeasureCode",
    ),
    Difference(
        "T2/9",
        PHA,
        "derived",
        "0..1",
        None,
        None,
        "AlertPublicHealthDetails.causes",
        "No element for the causes: they are the case's links to other cases (items 9.1, 9.2, "
        "smcdo:IncidentAlertIdDetails); `causes` is that tuple, empty when none is known.",
    ),
    # --- Table 3, R.SM.SS.08.002 ---------------------------------------------------------------
    _tightened(
        "T3/5",
        DPA,
        "1",
        "0..1",
        "1",
        "AlertDangerousProductDetails.unified_authority_details",
        f"{_CASE3}/ccdo:UnifiedAuthorityDetails",
    ),
    Difference(
        "T3/6",
        DPA,
        "derived",
        "1",
        None,
        None,
        "DangerousProductAlertDetails.archive_flag",
        "No element for the archive flag. It is derived from csdo:EndDate of the case ('date the "
        "situation was closed (archived)'): present -> 0 archived, absent -> 1 current.",
    ),
    _tightened(
        "T3/7.2",
        DPA,
        "1",
        "0..1",
        "1",
        "AlertProductDetails.description_text",
        f"{_PRODUCT3}/smcdo:ProductDetails/csdo:DescriptionText",
        "Only for the dangerous product itself, not for products listed in shipping documents.",
    ),
    _tightened(
        "T3/7.3",
        DPA,
        "1",
        "0..1",
        "1",
        "AlertNonCompliantProductDetails.sanitary_product_type_code",
        f"{_PRODUCT3}/smsdo:SanitaryProductTypeCode",
    ),
    _tightened(
        "T3/7.5",
        DPA,
        "1",
        "0..1",
        "1",
        "AlertNonCompliantProductDetails.supply_chain_party_details",
        f"{_PRODUCT3}/ccdo:SupplyChainPartyDetails",
    ),
    _tightened(
        "T3/7.6",
        DPA,
        "1..*",
        "0..*",
        "1..*",
        "AlertNonCompliantProductDetails.non_compliant_sanitary_product_batch_details",
        f"{_PRODUCT3}/smcdo:NonCompliantSanitaryProductBatchDetails",
    ),
    Difference(
        "T3/7.6.4",
        DPA,
        "derived",
        "0..1",
        None,
        None,
        "NonCompliantSanitaryProductBatchDetails.has_consignment",
        "No consignment container: its items sit directly in the batch. The consignment is 'given' "
        "when the batch carries any of them (ConsignmentId, CommodityMeasure, shipping or conformity "
        "documents, violations).",
    ),
    Difference(
        "T3/7.6.4.3",
        DPA,
        "tightened_when",
        "1..*",
        "0..*",
        "0..*",
        "AlertBatchDetails.shipping_document_details",
        "Required (at least one) once the batch carries consignment data (item 7.6.4, 0..1); rule "
        "table3.consignment_item.",
        f"{_BATCH3}/smcdo:ShippingDocumentDetails",
    ),
    Difference(
        "T3/7.6.4.4",
        DPA,
        "tightened_when",
        "1",
        "0..*",
        "0..*",
        "AlertBatchDetails.conformity_doc_details",
        "Required once the batch carries consignment data; upper bound: the wire's (several conformity "
        "documents are accepted).",
        f"{_BATCH3}/smcdo:ConformityDocDetails",
    ),
    Difference(
        "T3/7.6.4.5",
        DPA,
        "tightened_when",
        "1..*",
        "0..*",
        "0..*",
        "AlertBatchDetails.requirement_violation_details",
        "Required (at least one) once the batch carries consignment data.",
        f"{_BATCH3}/smcdo:RequirementViolationDetails",
    ),
    Difference(
        "T3/7.6.4.5.1",
        DPA,
        "wire_wider",
        "1",
        "1..*",
        "1..*",
        "RequirementViolationDetails.requirements_doc_details",
        "Several acts of Union law per violation are accepted, as the wire allows.",
        f"{_BATCH3}/smcdo:RequirementViolationDetails/smcdo:RequirementsDocDetails",
    ),
    Difference(
        "T3/7.6.4.5.2",
        DPA,
        "derived",
        "1..*",
        None,
        None,
        "RequirementViolationDetails.violation",
        "No container for 'the violation': each smcdo:RequirementViolationDetails is one violation "
        "with its indicators (2.1, 2.2) and description (2.3).",
    ),
    Difference(
        "T3/7.6.4.5.2.1",
        DPA,
        "wire_wider",
        "0..1",
        "0..*",
        "0..*",
        "RequirementViolationDetails.discrepancy_of_quality_index_details",
        "Normative and actual values share one list, told apart by "
        "@normativeDiscrepancyOfQualityIndexIndicator (true: normative, item 2.1); several indicators "
        "per violation are accepted.",
        f"{_BATCH3}/smcdo:RequirementViolationDetails/smcdo:DiscrepancyOfQualityIndexDetails",
    ),
    Difference(
        "T3/7.6.4.5.2.2",
        DPA,
        "wire_wider",
        "0..1",
        "0..*",
        "0..*",
        "RequirementViolationDetails.discrepancy_of_quality_index_details",
        "Actual values: the entries whose @normativeDiscrepancyOfQualityIndexIndicator is false or "
        "absent (item 2.2); several are accepted.",
        f"{_BATCH3}/smcdo:RequirementViolationDetails/smcdo:DiscrepancyOfQualityIndexDetails",
    ),
    _tightened(
        "T3/8",
        DPA,
        "1",
        "0..1",
        "1",
        "AlertDangerousProductDetails.detection_place_details",
        f"{_CASE3}/smcdo:DetectionPlaceDetails",
    ),
    _tightened(
        "T3/9.1",
        DPA,
        "1",
        "0..*",
        "1..*",
        "AlertMeasureDetails.measure_affected_object_kind_code",
        f"{_CASE3}/smcdo:SanitaryMeasureBaseDetails/smsdo:MeasureAffectedObjectKindCode",
        "Upper bound: the wire's (a measure may concern citizens and goods alike).",
    ),
    _tightened(
        "T3/9.2",
        DPA,
        "1",
        "0..1",
        "1",
        "AlertMeasureDetails.measure_code",
        f"{_CASE3}/smcdo:SanitaryMeasureBaseDetails/smsdo:MeasureCode",
    ),
    Difference(
        "T3/9.7",
        DPA,
        "wire_stricter",
        "0..1",
        "1",
        "1",
        "SanitaryMeasureBaseDetails.measure_doc_details",
        "The published structure requires the document introducing the measure; the node requires it too.",
        f"{_CASE3}/smcdo:SanitaryMeasureBaseDetails/smcdo:MeasureDocDetails",
    ),
    # --- Table 4, R.SM.SS.09.001 ---------------------------------------------------------------
    _tightened(
        "T4/1",
        TSM,
        "1",
        "0..1",
        "1",
        "TemporarySanitaryMeasureDetails.language_code",
        "/doc:SanitaryMeasureDetails/smcdo:SanitaryMeasureDetails/csdo:LanguageCode",
        "It is the measure's own csdo:LanguageCode, not the header's.",
    ),
    Difference(
        "T4/9",
        TSM,
        "wire_narrower",
        "0..*",
        "0..1",
        "0..1",
        "TemporaryMeasureDetails.measure_justification_text",
        "One smsdo:MeasureJustificationText (4000 characters) on the wire: several justifications "
        "concerning transit are written into that one text.",
        "/doc:SanitaryMeasureDetails/smcdo:SanitaryMeasureDetails/smsdo:MeasureJustificationText",
    ),
    # --- Table 5, R.SM.SS.09.003 ---------------------------------------------------------------
    *(
        Difference(
            item,
            TSMC,
            "tightened",
            "1",
            "1",
            "1",
            f"ReviewedMeasureDocDetails.{field}",
            f"Carried by smcdo:MeasureDocDetails (1) as its {element}, which ccdo:DocContentDetailsType "
            "makes 0..1; the model requires it"
            + (" and it must be a member state." if item == "T5/2" else "."),
            f"/doc:SanitaryMeasureConsiderationDetails/smcdo:MeasureDocDetails/{element}",
            element_wire="0..1",
        )
        for item, field, element in (
            ("T5/2", "unified_country_code", "csdo:UnifiedCountryCode"),
            ("T5/3", "doc_id", "csdo:DocId"),
            ("T5/4", "doc_creation_date", "csdo:DocCreationDate"),
        )
    ),
    # --- Table 6, R.SM.SS.09.002 ---------------------------------------------------------------
    *(
        Difference(
            item,
            ADDI,
            "wire_wider",
            "0..1",
            "0..*",
            "0..*",
            "AdditionalInfoDetails.doc_content_details",
            "One ccdo:DocContentDetails list carries the requested document (item 5) and the documents "
            "attached to the answer (item 8); several are accepted.",
            "/doc:AdditionalInfoDetails/ccdo:DocContentDetails",
        )
        for item in ("T6/5", "T6/8")
    ),
)

#: Decisions that are not about one item's multiplicity.
NOTES: tuple[tuple[str, str], ...] = (
    (
        "xs:date with a timezone",
        "A date such as 2026-03-01+03:00 is accepted (the XSD allows it); the model keeps the calendar "
        "date and drops the timezone. The original bytes are kept with the document.",
    ),
    (
        "Patterns libxml2 mis-checks",
        "libxml2 (lxml 6.1.3) accepts 5, 7 and 11+ digit csdo:CommodityCode and 5+ character "
        "measurementUnitCode values against the published alternation patterns; the model re-checks "
        "every facet with anchored patterns, so such documents are still refused (stage 'model').",
    ),
    (
        "base64",
        "libxml2 skips characters outside the base64 alphabet; the model decodes strictly and refuses them.",
    ),
    (
        "Header structure code",
        "csdo:EDocCode must name the structure of the document (rule header.edoc_code).",
    ),
    (
        "Structures of our own design",
        "R.SM.SS.07.001 (certificate, Table 1), R.SM.SS.08.004/.005 (laboratory protocol request/answer, "
        "Rules §36), R.SM.SS.00.002/.003 (information request/answer, §7е–ж, §8, §14) and "
        "R.SM.SS.00.001 (receipt signal) are not published by the EEC here. They follow the same "
        "conventions (global elements referenced from sequences, csdo/ccdo/smsdo/smcdo base types, "
        "EDocHeader first, codes with codeListId); the certificate follows Table 1's multiplicities "
        "exactly (item 5's blank multiplicity read as 1).",
    ),
)


def render_markdown() -> str:
    """The generated part of docs/conformance.md."""
    lines = [
        "| item | structure | table | wire | model | decision |",
        "|---|---|---|---|---|---|",
    ]
    for d in DIFFERENCES:
        wire = d.wire or "no element"
        if d.element_wire:
            wire += f" (its element: {d.element_wire})"
        model = d.model or f"derived: `{d.where}`"
        lines.append(f"| {d.item} | {d.structure} | {d.table} | {wire} | {model} | {d.decision} |")
    lines += ["", "Other decisions:", ""]
    lines += [f"- **{title}.** {text}" for title, text in NOTES]
    return "\n".join(lines) + "\n"


BEGIN = "<!-- generated by python -m sanmeasures.contract.conformance: begin -->"
END = "<!-- generated: end -->"


def update_document(text: str) -> str:
    """Replace the generated block of docs/conformance.md with the current list."""
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    return f"{head}{BEGIN}\n{render_markdown()}{END}{tail}"


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    import sys
    from pathlib import Path

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/conformance.md")
    target.write_text(update_document(target.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"updated {target}")
