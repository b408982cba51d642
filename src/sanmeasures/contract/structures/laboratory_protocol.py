"""R.SM.SS.08.004 / R.SM.SS.08.005 — laboratory protocol request and answer (Rules §6б, §36, §39).

Rules §36: protocols of laboratory tests are not part of the unified registry; the authority that
issued a certificate gives them, in electronic form, at the request of an interested authority.
The request names the number and date of issue of the certificate and the kind of test; the
answer carries a scanned copy of the protocol or the protocol in electronic form. Rules §39:
information confidential under national law is not passed on — the answer is then a refusal.

Not published by the EEC: designed here in the EEC style (docs/conformance.md). No table applies.
Only xs:sequence (as in all EEC structures): "protocols or a refusal, exactly one" is a model rule.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import AfterValidator, model_validator

from sanmeasures.contract import blocks as b
from sanmeasures.contract import simple_types as st
from sanmeasures.contract.classifiers import code_list
from sanmeasures.contract.errors import rule, violation
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.namespaces import register_prefix
from sanmeasures.contract.simple_content import QualifiedCode
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.structures.certificate import (
    MemberStateAuthority,
    RegistrationNumberText,
    issue_date_problem,
    normalise_registration_number,
    parse_registration_number,
    raise_all,
)
from sanmeasures.contract.structures.receipt import AnswerEDocHeader
from sanmeasures.contract.xmlmodel import XmlModel, el

REQUEST_NAMESPACE = "urn:EEC:R:SM:SS:08:LaboratoryProtocolRequest:v1.0.0"
ANSWER_NAMESPACE = "urn:EEC:R:SM:SS:08:LaboratoryProtocol:v1.0.0"
register_prefix("lpr", REQUEST_NAMESPACE)
register_prefix("lpa", ANSWER_NAMESPACE)

#: Media type of a scanned protocol (Rules §36: "отсканированная копия протокола").
PDF_MEDIA_TYPE = "application/pdf"

#: SM.CLS.015 Reason for refusing a protocol (Rules §36, §39). The node's own list, kept here until
#: it moves to ``classifiers.CODE_LISTS`` (as "protocol_refusal_reasons").
REFUSAL_REASONS = code_list("protocol_refusal_reasons")

TEST_KIND = rule(
    "laboratory.test_kind",
    "Вид испытаний {value} отсутствует в классификаторе видов испытаний ({allowed})",
    "Kind of test {value} is not in the code list of kinds of tests ({allowed})",
    "Правила, п. 36",
)
REFUSAL_REASON = rule(
    "laboratory.refusal_reason",
    "Причина отказа {value} отсутствует в классификаторе (1 – свидетельство не найдено, 2 – протокол не может "
    "быть представлен, 3 – конфиденциальные сведения)",
    "Refusal reason {value} is not in the code list (1 certificate unknown, 2 protocol not provided, "
    "3 confidential)",
    "Правила, пп. 36, 39",
)
PROTOCOL_OR_REFUSAL = rule(
    "laboratory.answer.protocol_or_refusal",
    "Ответ на запрос протокола содержит {problem_ru}: указывается либо протокол (протоколы), либо причина отказа",
    "The answer to a protocol request carries {problem_en}: give either the protocol(s) or a refusal reason",
    "Правила, пп. 36, 39",
)
PROTOCOL_CONTENT = rule(
    "laboratory.protocol.content",
    "Протокол {doc} должен содержать либо отсканированную копию (csdo:DocBinaryText), либо протокол в "
    "электронном виде (ccdo:AnyDetails) – {problem_ru}",
    "Protocol {doc} must carry either a scanned copy (csdo:DocBinaryText) or an electronic protocol "
    "(ccdo:AnyDetails) – {problem_en}",
    "Правила, п. 36",
)
PROTOCOL_MEDIA_TYPE = rule(
    "laboratory.protocol.media_type",
    'Отсканированная копия протокола {doc} должна иметь mediaTypeCode="application/pdf", а не «{value}»',
    "The scanned copy of protocol {doc} must have mediaTypeCode=\"application/pdf\", not '{value}'",
    "Правила, п. 36",
)
PROTOCOL_PDF = rule(
    "laboratory.protocol.pdf",
    "Содержимое csdo:DocBinaryText протокола {doc} не является PDF-документом (нет сигнатуры %PDF-)",
    "The csdo:DocBinaryText of protocol {doc} is not a PDF document (no %PDF- signature)",
    "Правила, п. 36",
)


def _test_kind(code: QualifiedCode) -> QualifiedCode:
    kinds = code_list("laboratory_test_kinds")
    if code.value not in kinds:
        raise violation(TEST_KIND, value=code.value, allowed=", ".join(kinds.codes()))
    return code


def _refusal_reason(code: QualifiedCode) -> QualifiedCode:
    if code.value not in REFUSAL_REASONS:
        raise violation(REFUSAL_REASON, value=code.value)
    return code


#: lpr:/lpa:LaboratoryTestKindCode — SM.CLS.014 (classifiers "laboratory_test_kinds").
LaboratoryTestKindCode = Annotated[QualifiedCode, AfterValidator(_test_kind)]
#: lpa:RefusalReasonCode — SM.CLS.015 (:data:`REFUSAL_REASONS`).
RefusalReasonCode = Annotated[QualifiedCode, AfterValidator(_refusal_reason)]


class _CertificateReference(XmlModel):
    """The certificate both structures name: csdo:DocId, its registration number as written (field
    ``certificate_number_as_written``), and csdo:DocCreationDate, its date of issue (``doc_creation_date``).
    The subclasses declare both fields in their XSD position; this base declares none, it checks them."""

    if TYPE_CHECKING:
        certificate_number_as_written: str
        doc_creation_date: dt.date

    @property
    def certificate_number(self) -> str:
        """The registration number in its normal form (:func:`normalise_registration_number`)."""
        return normalise_registration_number(self.certificate_number_as_written)

    @model_validator(mode="after")
    def _number_matches_issue_date(self) -> Any:
        number = parse_registration_number(self.certificate_number_as_written)
        mismatch = issue_date_problem(number, self.doc_creation_date)
        if mismatch is not None:
            raise_all(
                type(self).__name__,
                [(mismatch, ("certificate_number_as_written",), self.certificate_number_as_written)],
            )
        return self


# --- R.SM.SS.08.004 request ------------------------------------------------------------------------
class LaboratoryProtocolRequestDetails(_CertificateReference):
    """doc:LaboratoryProtocolRequestDetailsType (R.SM.SS.08.004.CDT): request for a laboratory protocol."""

    xml_root = "lpr:LaboratoryProtocolRequestDetails"

    e_doc_header: EDocHeader = el("ccdo:EDocHeader")
    # The requesting authority of a member state (Rules §36 "заинтересованный уполномоченный орган").
    unified_authority_details: MemberStateAuthority = el("ccdo:UnifiedAuthorityDetails")
    certificate_number_as_written: RegistrationNumberText = el("csdo:DocId")
    doc_creation_date: st.Date = el("csdo:DocCreationDate")
    laboratory_test_kind_code: LaboratoryTestKindCode = el("lpr:LaboratoryTestKindCode")
    laboratory_test_method_name: st.Name500 | None = el("smsdo:LaboratoryTestMethodName", default=None)
    description_text: st.Text4000 | None = el("csdo:DescriptionText", default=None)


# --- R.SM.SS.08.005 answer -------------------------------------------------------------------------
class ProtocolDocDetails(b.DocContentDetails):
    """ccdo:DocContentDetailsType as a protocol: its number and date are mandatory, and it carries exactly
    one of a scanned copy (csdo:DocBinaryText, application/pdf) or an electronic protocol (ccdo:AnyDetails;
    Rules §36: "при наличии утвержденных Комиссией требований к электронному виду такого протокола")."""

    doc_id: st.Id50 = el("csdo:DocId")
    doc_creation_date: st.Date = el("csdo:DocCreationDate")

    @model_validator(mode="after")
    def _content(self) -> Any:
        doc = f"№ {self.doc_id}"
        binary, xml = self.doc_binary_text, self.any_details
        problems = []
        if binary is None and xml is None:
            problems.append(
                (
                    violation(
                        PROTOCOL_CONTENT,
                        doc=doc,
                        problem_ru="нет ни того, ни другого",
                        problem_en="neither is given",
                    ),
                    ("doc_binary_text",),
                    None,
                )
            )
        elif binary is not None and xml is not None:
            problems.append(
                (
                    violation(
                        PROTOCOL_CONTENT, doc=doc, problem_ru="указаны оба", problem_en="both are given"
                    ),
                    ("any_details",),
                    None,
                )
            )
        if binary is not None:
            if binary.media_type_code != PDF_MEDIA_TYPE:
                problems.append(
                    (
                        violation(PROTOCOL_MEDIA_TYPE, doc=doc, value=binary.media_type_code or ""),
                        ("doc_binary_text", "media_type_code"),
                        binary.media_type_code,
                    )
                )
            elif not binary.value.startswith(b"%PDF-"):
                problems.append((violation(PROTOCOL_PDF, doc=doc), ("doc_binary_text",), None))
        raise_all(type(self).__name__, problems)
        return self


class LaboratoryProtocolDetails(_CertificateReference):
    """doc:LaboratoryProtocolDetailsType (R.SM.SS.08.005.CDT): the protocol(s), or a refusal (Rules §36, §39)."""

    xml_root = "lpa:LaboratoryProtocolDetails"

    # csdo:EDocRefId = csdo:EDocId of the R.SM.SS.08.004 request answered.
    e_doc_header: AnswerEDocHeader = el("ccdo:EDocHeader")
    # The answering authority: the one that issued the certificate.
    unified_authority_details: MemberStateAuthority = el("ccdo:UnifiedAuthorityDetails")
    certificate_number_as_written: RegistrationNumberText = el("csdo:DocId")
    doc_creation_date: st.Date = el("csdo:DocCreationDate")
    laboratory_test_kind_code: LaboratoryTestKindCode | None = el("lpa:LaboratoryTestKindCode", default=None)
    doc_content_details: list[ProtocolDocDetails] = el("ccdo:DocContentDetails", default_factory=list)
    refusal_reason_code: RefusalReasonCode | None = el("lpa:RefusalReasonCode", default=None)
    description_text: st.Text4000 | None = el("csdo:DescriptionText", default=None)

    @property
    def refused(self) -> bool:
        return self.refusal_reason_code is not None

    @model_validator(mode="after")
    def _protocol_or_refusal(self) -> Any:
        if self.doc_content_details and self.refusal_reason_code is not None:
            problem = (
                "и протокол, и причину отказа",
                "both protocol(s) and a refusal reason",
                "refusal_reason_code",
            )
        elif not self.doc_content_details and self.refusal_reason_code is None:
            problem = (
                "ни протокола, ни причины отказа",
                "neither a protocol nor a refusal reason",
                "doc_content_details",
            )
        else:
            return self
        ru, en, where = problem
        raise_all(
            type(self).__name__,
            [(violation(PROTOCOL_OR_REFUSAL, problem_ru=ru, problem_en=en), (where,), None)],
        )
        return self


REQUEST = Structure(
    code="R.SM.SS.08.004",
    root=LaboratoryProtocolRequestDetails,
    xsd_file="EEC_R_SM_SS_08_LaboratoryProtocolRequest_v1.0.0.xsd",
    title_ru="Запрос протокола лабораторных исследований (испытаний)",
    title_en="Request for a laboratory test protocol",
    table=None,
    published=False,
    paragraphs="§6б, §36",
)
ANSWER = Structure(
    code="R.SM.SS.08.005",
    root=LaboratoryProtocolDetails,
    xsd_file="EEC_R_SM_SS_08_LaboratoryProtocol_v1.0.0.xsd",
    title_ru="Протокол лабораторных исследований (испытаний) по запросу",
    title_en="Laboratory test protocol on request (or refusal)",
    table=None,
    published=False,
    paragraphs="§6б, §36, §39",
)
STRUCTURES = (REQUEST, ANSWER)
