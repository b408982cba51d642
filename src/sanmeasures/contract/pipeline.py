"""The validation pipeline every incoming document goes through.

parse (hardened) -> which structure (root element) -> XSD (precompiled lxml)
-> model and business rules (pydantic). Each stage reports all of its issues;
a later stage runs only on what the earlier one accepted, so the model never
sees a document the published structure rejects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from pydantic import ValidationError

from sanmeasures.contract.catalogue import by_root_tag
from sanmeasures.contract.diagnostics import model_issues, xsd_issues
from sanmeasures.contract.errors import DocumentRejected, Issue, rule
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.namespaces import clark
from sanmeasures.contract.safe_xml import MAX_DOCUMENT_BYTES, parse_document
from sanmeasures.contract.schemas import compiled_schema
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.xmlmodel import XmlModel

UNKNOWN_STRUCTURE = rule(
    "structure.unknown",
    "Корневой элемент {root} не относится ни к одной из поддерживаемых структур ({known})",
    "Root element {root} is not one of the supported structures ({known})",
)
HEADER_CODE = rule(
    "header.edoc_code",
    "csdo:EDocCode = {declared}, а документ имеет структуру {actual}",
    "csdo:EDocCode says {declared} but the document is a {actual}",
)


@dataclass
class Report:
    """What the pipeline found: the structure, the model (when valid) and every issue."""

    structure: Structure | None = None
    document: XmlModel | None = None
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues and self.document is not None

    @property
    def header(self) -> EDocHeader | None:
        return getattr(self.document, "e_doc_header", None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.ok,
            "structure": self.structure.code if self.structure else None,
            "edoc_id": self.header.e_doc_id if self.header else None,
            "errors": [issue.as_dict() for issue in self.issues],
        }


def _issue(broken: Any, stage: str = "xsd", **context: Any) -> Issue:
    ru, en = broken.render(context)
    return Issue(stage=stage, rule=broken.code, message_ru=ru, message_en=en, xpath=context.get("xpath"))  # type: ignore[arg-type]


def validate_document(data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Report:
    """Run the whole pipeline on untrusted bytes."""
    parsed = parse_document(data, max_bytes=max_bytes)
    if parsed.root is None:
        return Report(issues=parsed.issues)
    return validate_element(parsed.root)


def validate_element(root: etree._Element) -> Report:
    structure = by_root_tag().get(root.tag) if isinstance(root.tag, str) else None
    if structure is None:
        known = ", ".join(sorted(s.root_element for s in by_root_tag().values()))
        return Report(issues=[_issue(UNKNOWN_STRUCTURE, root=str(root.tag), known=known, xpath="/")])
    report = Report(structure=structure)
    schema = compiled_schema(structure)
    if not schema.validate(root):
        report.issues = xsd_issues(structure.root, root, schema.error_log, structure.table)
        return report
    try:
        document = structure.root.model_validate(structure.root.read_element(root))
    except ValidationError as error:
        report.issues = model_issues(structure.root, root, error, structure.table)
        return report
    header = getattr(document, "e_doc_header", None)
    if header is not None and header.e_doc_code != structure.code:
        report.issues.append(
            _issue(
                HEADER_CODE,
                stage="rule",
                declared=header.e_doc_code,
                actual=structure.code,
                xpath=f"/doc:{structure.root_element}/ccdo:EDocHeader/csdo:EDocCode",
            )
        )
        return report
    report.document = document
    return report


def decode(data: bytes) -> XmlModel:
    """Bytes -> model, or :class:`DocumentRejected` with every issue."""
    report = validate_document(data)
    if not report.ok:
        raise DocumentRejected(report.issues)
    assert report.document is not None
    return report.document


def encode(document: XmlModel, *, pretty: bool = True) -> bytes:
    """Model -> bytes, checked against the structure's XSD: the node never sends an invalid document."""
    element = document.to_element()
    structure = by_root_tag()[clark(document.xml_root or "")]
    schema = compiled_schema(structure)
    if not schema.validate(element):
        issues = xsd_issues(structure.root, element, schema.error_log, structure.table)
        raise DocumentRejected(issues)
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=pretty)
