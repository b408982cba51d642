"""Rules §36: the authority that issued a certificate answers a request for its laboratory protocol.

When the request names a certificate its national part does not hold — no such number, or not of
that date — the node answers at once with a clear refusal (SM.CLS.015 code 1, "certificate
unknown"), queued in the transaction that records the request. Otherwise the request waits for the
authority's answer: the protocol (a scanned PDF or an electronic protocol) or another refusal
(2: cannot be provided, 3: confidential, §39). Protocols are exchanged, never put in the registry.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.contract.simple_content import QualifiedCode
from sanmeasures.contract.structures import laboratory_protocol as lab
from sanmeasures.contract.structures.receipt import AnswerEDocHeader
from sanmeasures.exchange.outbox import new_header, send_document
from sanmeasures.exchange.participants import AUTHORITY_NAMES, Participant
from sanmeasures.exchange.routing import BY_NAME
from sanmeasures.registry.store import history

FLOW = BY_NAME["laboratory_protocol.answer"]
CERTIFICATE_UNKNOWN = "1"


async def refuse_if_unknown(
    connection: AsyncConnection,
    request: lab.LaboratoryProtocolRequestDetails,
    *,
    me: Participant,
    known: tuple[Participant, ...],
) -> str | None:
    """Queue the refusal when the certificate is not in this authority's national part; its EDocId."""
    versions = await history(connection, request.certificate_number, registry="national")
    if any(v.certificate.doc_creation_date == request.doc_creation_date for v in versions):
        return None
    issued = request.doc_creation_date.strftime("%d.%m.%Y")
    header = new_header(
        AnswerEDocHeader, FLOW.message_code, FLOW.structure, answers=request.e_doc_header.e_doc_id
    )
    assert me.country is not None
    answer = lab.LaboratoryProtocolDetails.model_validate(
        {
            "e_doc_header": header,
            "unified_authority_details": {
                "unified_country_code": {"value": me.country, "code_list_id": "P.CLS.019"},
                "authority_name": AUTHORITY_NAMES[me.country],
            },
            "certificate_number_as_written": request.certificate_number_as_written,
            "doc_creation_date": request.doc_creation_date,
            "laboratory_test_kind_code": request.laboratory_test_kind_code,
            "refusal_reason_code": QualifiedCode(value=CERTIFICATE_UNKNOWN, code_list_id="SM.CLS.015"),
            "description_text": f"Свидетельство № {request.certificate_number_as_written} от {issued} "
            "в национальной части единого реестра не найдено.",
        }
    )
    await send_document(connection, answer, flow=FLOW, sender=me, known=known)
    return header.e_doc_id
