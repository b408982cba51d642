"""Requests and answers threaded by the document answered: Table 6, §36, §14, §38 (both engines)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.contract import examples
from sanmeasures.contract.examples import QUERY_ID, REQUEST_ID, example_document
from sanmeasures.contract.structures.laboratory_protocol import LaboratoryProtocolDetails
from sanmeasures.requests.store import (
    AnswerMismatch,
    UnknownRequest,
    additional_info_request,
    answer_fields,
    information_request,
    laboratory_protocol_request,
    open_requests,
    production_violation_notice,
    record_answer,
    record_request,
    thread,
)
from sanmeasures.storage.tables import answers, requests
from tests.cases.documents import resent, rows, store


def lab_refusal() -> LaboratoryProtocolDetails:
    """The KZ authority refuses: the protocol is confidential (Rules §39), in a document of its own."""
    data = examples.lab_refusal()
    data["e_doc_header"]["e_doc_id"] = str(uuid.uuid4())
    return LaboratoryProtocolDetails.model_validate(data)


async def test_a_laboratory_protocol_request_is_threaded_with_its_answers(engine: AsyncEngine) -> None:
    # Rules §36: certificate number and date, kind of test -> the protocol; §39: or a refusal.
    request, answer = example_document("R.SM.SS.08.004"), example_document("R.SM.SS.08.005")
    refusal = lab_refusal()
    async with engine.begin() as connection:
        fields = laboratory_protocol_request(request)
        assert (fields.requester, fields.responder) == ("authority:RU", "authority:KZ")
        assert fields.subject == "certificate KZ.16.01.78.003.R.000541.05.24 of 2024-05-17, test 03"
        recorded = await record_request(
            connection, document_id=await store(connection, request), **fields.as_kwargs()
        )
        assert recorded.edoc_id == REQUEST_ID and recorded.kind == "laboratory_protocol"
        assert [r.id for r in await open_requests(connection, responder="authority:KZ")] == [recorded.id]

        first = await record_answer(
            connection, document_id=await store(connection, answer), **answer_fields(answer).as_kwargs()
        )
        assert answer_fields(refusal).refused is True
        second = await record_answer(
            connection, request_edoc_id=REQUEST_ID, document_id=await store(connection, refusal), refused=True
        )
        chain = await thread(connection, REQUEST_ID.upper())
        assert chain is not None and chain.request.id == recorded.id
        assert [(a.id, a.refused) for a in chain.answers] == [(first.id, False), (second.id, True)]
        assert chain.answers[0].edoc_id == answer.e_doc_header.e_doc_id
        assert await open_requests(connection) == []


async def test_additional_information_request_and_answer(engine: AsyncEngine) -> None:
    # Table 6, Rules §37: BY asks about the RU alert and the KZ measure; the answer names the request.
    request = example_document("R.SM.SS.09.002")
    answer = resent(
        request,
        ref=request.e_doc_header.e_doc_id,
        description_text="Протокол № 1187-М прилагается",
        unified_authority_details=None,
    )
    async with engine.begin() as connection:
        fields = additional_info_request(request)
        assert (fields.requester, fields.responder) == ("authority:BY", "authority:RU")
        assert fields.subject == "case RU/RU-2026-000123; measure KZ/112"
        assert additional_info_request(request, recipient="authority:KZ").responder == "authority:KZ"
        recorded = await record_request(
            connection, document_id=await store(connection, request), **fields.as_kwargs()
        )
        again = await record_request(connection, document_id=recorded.document_id, **fields.as_kwargs())
        assert again.created is False and again.id == recorded.id
        reply = await record_answer(
            connection, document_id=await store(connection, answer), **answer_fields(answer).as_kwargs()
        )
        chain = await thread(connection, request.e_doc_header.e_doc_id)
        assert chain is not None and [a.id for a in chain.answers] == [reply.id] and chain.answered


async def test_information_on_request_from_the_commission(engine: AsyncEngine) -> None:
    # Rules §8, §14: a supervisory body asks the dangerous-products database.
    query, response = example_document("R.SM.SS.00.002"), example_document("R.SM.SS.00.003")
    async with engine.begin() as connection:
        fields = information_request(query, sender="supervisory:KZ:ALMATY")
        assert (fields.kind, fields.requester, fields.responder) == (
            "information",
            "supervisory:KZ:ALMATY",
            "commission",
        )
        assert fields.subject.startswith("resource 3; countries RU; period 2026-01-01–2026-03-20")
        await record_request(connection, document_id=await store(connection, query), **fields.as_kwargs())
        await record_answer(
            connection, document_id=await store(connection, response), **answer_fields(response).as_kwargs()
        )
        chain = await thread(connection, QUERY_ID)
        assert chain is not None and len(chain.answers) == 1 and chain.answers[0].refused is False


async def test_a_production_violation_notice_is_answered_with_the_measures_taken(engine: AsyncEngine) -> None:
    # Rules §38: RU notifies the authority of the manufacturer's state (KZ), which answers (R.SM.SS.08.003).
    alert, response = example_document("R.SM.SS.08.002"), example_document("R.SM.SS.08.003")
    async with engine.begin() as connection:
        fields = production_violation_notice(alert)
        assert (fields.requester, fields.responder, fields.subject) == (
            "authority:RU",
            "authority:KZ",
            "case RU/RU-2026-000123",
        )
        await record_request(connection, document_id=await store(connection, alert), **fields.as_kwargs())
        await record_answer(
            connection, document_id=await store(connection, response), **answer_fields(response).as_kwargs()
        )
        chain = await thread(connection, alert.e_doc_header.e_doc_id)
        assert chain is not None and chain.request.kind == "production_violation" and len(chain.answers) == 1


async def test_an_answer_to_an_unknown_request_is_refused(engine: AsyncEngine) -> None:
    response = example_document("R.SM.SS.00.003")  # answers QUERY_ID, never recorded here
    async with engine.begin() as connection:
        with pytest.raises(UnknownRequest, match="no document with this EDocId"):
            await record_answer(
                connection,
                document_id=await store(connection, response),
                **answer_fields(response).as_kwargs(),
            )
        # A stored document that is not a request cannot be answered either.
        alert = example_document("R.SM.SS.08.002")
        await store(connection, alert)
        answer = example_document("R.SM.SS.08.003")
        with pytest.raises(UnknownRequest, match=r"R\.SM\.SS\.08\.002 document, not a request"):
            await record_answer(
                connection, document_id=await store(connection, answer), **answer_fields(answer).as_kwargs()
            )
        assert await rows(connection, answers) == []


async def test_an_answer_must_name_the_request_it_answers(engine: AsyncEngine) -> None:
    request, answer = example_document("R.SM.SS.08.004"), example_document("R.SM.SS.08.005")
    async with engine.begin() as connection:
        fields = laboratory_protocol_request(request)
        await record_request(connection, document_id=await store(connection, request), **fields.as_kwargs())
        with pytest.raises(AnswerMismatch, match="refers"):
            await record_answer(
                connection,
                request_edoc_id=str(uuid.uuid4()),
                document_id=await store(connection, answer),
                refused=False,
            )
        with pytest.raises(ValueError, match="unknown request kind"):
            await record_request(
                connection, kind="gossip", document_id=1, requester="a", responder="b", subject="c"
            )  # type: ignore[arg-type]


async def test_requests_and_answers_are_never_altered(engine: AsyncEngine) -> None:
    request, answer = example_document("R.SM.SS.08.004"), example_document("R.SM.SS.08.005")
    refusal = lab_refusal()
    async with engine.begin() as connection:
        fields = laboratory_protocol_request(request)
        await record_request(connection, document_id=await store(connection, request), **fields.as_kwargs())
        await record_answer(
            connection, document_id=await store(connection, answer), **answer_fields(answer).as_kwargs()
        )
        before = (await rows(connection, requests), await rows(connection, answers))
        await record_answer(
            connection, document_id=await store(connection, refusal), **answer_fields(refusal).as_kwargs()
        )
        after = (await rows(connection, requests), await rows(connection, answers))
        assert after[0] == before[0]
        assert after[1][:1] == before[1] and len(after[1]) == 2
