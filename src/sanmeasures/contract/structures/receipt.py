"""R.SM.SS.00.001 EDocReceipt — receipt signal "Получено" (no Appendix 2 table; Rules §34, §40).

"Уведомление о получении электронного документа": the receiving participant tells the sender
that a document arrived (the delivery receipt of the notification and request/response
transaction templates), before the processing result R.006 says whether it was accepted.
csdo:EDocRefId of the header is the csdo:EDocId of the document received.

Not published by the EEC: designed here in the EEC style (docs/conformance.md). This module also
holds :class:`AnswerEDocHeader`, the header of every answer the node designs (R.SM.SS.00.001,
R.SM.SS.08.005, R.SM.SS.00.003), which must name the document it answers.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, model_validator

from sanmeasures.contract import simple_types as st
from sanmeasures.contract.classifiers import MEMBER_STATE_CODES
from sanmeasures.contract.errors import rule, violation
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.namespaces import register_prefix
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.xmlmodel import XmlModel, el

NAMESPACE = "urn:EEC:R:SM:SS:00:EDocReceipt:v1.0.0"
register_prefix("rcp", NAMESPACE)

ANSWER_REF = rule(
    "header.ref_id_required",
    "В заголовке ответного документа не указан csdo:EDocRefId – идентификатор (csdo:EDocId) документа, "
    "на который дается ответ",
    "The header of an answer lacks csdo:EDocRefId, the id (csdo:EDocId) of the document it answers",
    "ccdo:EDocHeader (M.CDT.90001), csdo:EDocRefId; шаблоны транзакций «оповещение» и «запрос/ответ»",
)
ANSWER_REF_SELF = rule(
    "header.ref_id_self",
    "csdo:EDocRefId {value} совпадает с csdo:EDocId самого документа: ответ должен ссылаться на другой документ",
    "csdo:EDocRefId {value} equals the document's own csdo:EDocId: an answer refers to another document",
    "ccdo:EDocHeader (M.CDT.90001), csdo:EDocRefId",
)
PARTICIPANT = rule(
    "receipt.participant",
    "Идентификатор участника «{value}» должен иметь вид authority:<код государства-члена>, commission или "
    "supervisory:<код государства-члена>:<код органа>",
    "Participant id '{value}' must be authority:<member state>, commission or "
    "supervisory:<member state>:<body code>",
    "Правила, п. 5",
)


class AnswerEDocHeader(EDocHeader):
    """ccdo:EDocHeaderType of an answer: csdo:EDocRefId (0..1 in the XSD) is mandatory and names the
    csdo:EDocId of the document answered (the correlation layer checks that it is that document)."""

    @model_validator(mode="after")
    def _refers(self) -> Any:
        if self.e_doc_ref_id is None:
            raise violation(ANSWER_REF, field="e_doc_ref_id")
        if self.e_doc_ref_id.lower() == self.e_doc_id.lower():
            raise violation(ANSWER_REF_SELF, field="e_doc_ref_id", value=self.e_doc_ref_id)
        return self


_MEMBERS = "|".join(MEMBER_STATE_CODES)
_PARTICIPANT = re.compile(
    rf"^(?:authority:(?:{_MEMBERS})|commission|supervisory:(?:{_MEMBERS}):[A-Za-z0-9_.-]{{1,80}})$"
)


def _participant(value: str) -> str:
    if not _PARTICIPANT.match(value):
        raise violation(PARTICIPANT, value=value)
    return value


#: rcp:ParticipantIdType (token 1..100) holding a participant id of DESIGN.md ("authority:KZ" …).
ParticipantId = Annotated[st.token(min_length=1, max_length=100), AfterValidator(_participant)]


class EDocReceiptDetails(XmlModel):
    """doc:EDocReceiptDetailsType (R.SM.SS.00.001.CDT): the document csdo:EDocRefId names was received."""

    xml_root = "rcp:EDocReceiptDetails"

    e_doc_header: AnswerEDocHeader = el("ccdo:EDocHeader")
    event_date_time: st.DateTime = el("csdo:EventDateTime")
    receiving_participant_id: ParticipantId = el("rcp:ReceivingParticipantId")
    description_text: st.Text4000 | None = el("csdo:DescriptionText", default=None)


STRUCTURE = Structure(
    code="R.SM.SS.00.001",
    root=EDocReceiptDetails,
    xsd_file="EEC_R_SM_SS_00_EDocReceipt_v1.0.0.xsd",
    title_ru="Уведомление о получении электронного документа",
    title_en="Receipt of an electronic document (delivery receipt)",
    table=None,
    published=False,
    paragraphs="§34, §40",
)
