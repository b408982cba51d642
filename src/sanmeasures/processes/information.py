"""Information on request (Rules §7е–ж, §8, §14): the Commission answers a query of its common
resources (R.SM.SS.00.002) with the records found (R.SM.SS.00.003), queued in the transaction that
records the query, so a query received is a query answered.

The criteria are those of irq:SearchCriteriaDetails, combined with "and"; the records are the
current versions the Commission holds (the unified registry for certificates). The answer carries
at most irq:MaxRecordQuantity records (default 100) and says how many were found.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.contract.simple_content import QualifiedCode
from sanmeasures.contract.structures import information_request as irq
from sanmeasures.contract.structures.receipt import AnswerEDocHeader
from sanmeasures.exchange.outbox import new_header, send_document
from sanmeasures.exchange.participants import Participant
from sanmeasures.exchange.routing import BY_NAME
from sanmeasures.storage import search
from sanmeasures.storage.tables import case_versions, certificate_versions, measure_versions

FLOW = BY_NAME["information.answer"]
DEFAULT_RECORDS = 100
#: Counting stops here: "more than" is said instead (a query of everything must stay cheap).
COUNT_LIMIT = 10_000
_PAGE = 200

#: The resources that are cases, and their kind.
_CASE_KINDS = {irq.MORBIDITY_DB: "morbidity", irq.DANGEROUS_PRODUCTS_DB: "dangerous_product"}


def _queries(resource: str, criteria: irq.SearchCriteriaDetails | None) -> list[Any]:
    """One query per country asked (the search filters one country at a time)."""
    c = criteria or irq.SearchCriteriaDetails()
    countries = [code.value for code in c.unified_country_code] or [None]
    common = {"text": c.search_text, "limit": _PAGE}
    queries: list[Any] = []
    for country in countries:
        if resource == irq.CERTIFICATE_REGISTRY:
            queries.append(
                search.CertificateQuery(
                    registry="unified",
                    country=country,
                    issued_from=c.start_date,
                    issued_to=c.end_date,
                    hs_code=c.commodity_code,
                    **common,
                )
            )
        elif resource in _CASE_KINDS:
            queries.append(
                search.CaseQuery(
                    kind=_CASE_KINDS[resource],
                    country=country,
                    reported_from=c.start_date,
                    reported_to=c.end_date,
                    hs_code=c.commodity_code,
                    product_type_code=c.sanitary_product_type_code.value
                    if c.sanitary_product_type_code
                    else None,
                    **common,
                )
            )
        else:
            queries.append(
                search.MeasureQuery(country=country, start_from=c.start_date, start_to=c.end_date, **common)
            )
    return queries


def _wanted(resource: str, criteria: irq.SearchCriteriaDetails | None) -> Callable[[dict[str, Any]], bool]:
    """Criteria the search has no filter for: a case's registration number, a certificate's number."""
    if criteria is None:
        return lambda _row: True
    if resource == irq.CERTIFICATE_REGISTRY and criteria.certificate_number:
        return lambda row: row["registration_number"] == criteria.certificate_number
    if resource in _CASE_KINDS and criteria.incident_id:
        return lambda row: row["registration_number"] == criteria.incident_id
    return lambda _row: True


async def _found(
    connection: AsyncConnection, request: irq.InformationRequestDetails, limit: int
) -> tuple[list[int], int]:
    """The ids of the first ``limit`` records matching, and how many match (up to COUNT_LIMIT)."""
    run: Callable[..., Awaitable[search.Page]] = {
        irq.CERTIFICATE_REGISTRY: search.search_certificates,
        irq.TEMPORARY_MEASURES: search.search_measures,
    }.get(request.resource, search.search_cases)
    wanted = _wanted(request.resource, request.search_criteria_details)
    ids: list[int] = []
    total = 0
    for query in _queries(request.resource, request.search_criteria_details):
        while total < COUNT_LIMIT:
            page = await run(connection, query)
            for row in page.items:
                if wanted(row):
                    total += 1
                    if len(ids) < limit:
                        ids.append(row["id"])
            if page.next_cursor is None:
                break
            query = query.model_copy(update={"cursor": page.next_cursor})
    return ids, total


async def _records(connection: AsyncConnection, resource: str, ids: list[int]) -> list[dict[str, Any]]:
    """The current version's data of each record, in the order found."""
    table, key = {
        irq.CERTIFICATE_REGISTRY: (certificate_versions, certificate_versions.c.certificate_id),
        irq.TEMPORARY_MEASURES: (measure_versions, measure_versions.c.measure_id),
    }.get(resource, (case_versions, case_versions.c.case_id))
    latest = (
        sa.select(key.label("owner"), sa.func.max(table.c.version).label("version"))
        .where(key.in_(ids))
        .group_by(key)
        .subquery()
    )
    rows = await connection.execute(
        sa.select(key, table.c.data).join(
            latest, sa.and_(key == latest.c.owner, table.c.version == latest.c.version)
        )
    )
    data = {owner: value for owner, value in rows}
    return [data[i] for i in ids if i in data]


async def answer(
    connection: AsyncConnection,
    request: irq.InformationRequestDetails,
    *,
    commission: Participant,
    known: tuple[Participant, ...],
) -> str:
    """Build the answer to ``request`` from the resources held and queue it; returns its EDocId."""
    limit = request.max_record_quantity or DEFAULT_RECORDS
    ids, total = await _found(connection, request, limit)
    records = await _records(connection, request.resource, ids)
    field = irq.InformationResponseDetails._field_of(request.resource)
    more = f"найдено более {COUNT_LIMIT} записей" if total >= COUNT_LIMIT else None
    header = new_header(
        AnswerEDocHeader, FLOW.message_code, FLOW.structure, answers=request.e_doc_header.e_doc_id
    )
    document = irq.InformationResponseDetails.model_validate(
        {
            "e_doc_header": header,
            "unified_authority_details": {
                "authority_name": "Евразийская экономическая комиссия",
                "authority_brief_name": "ЕЭК",
            },
            "information_resource_code": QualifiedCode(value=request.resource, code_list_id="SM.CLS.016"),
            "record_quantity": total,
            field: records,
            "description_text": more,
        }
    )
    await send_document(connection, document, flow=FLOW, sender=commission, known=known)
    return header.e_doc_id
