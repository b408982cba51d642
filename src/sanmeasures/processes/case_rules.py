"""The life of a morbidity or dangerous-product case (Rules §17–19, §23–24; SM.CLS.001 kinds).

- A case opens with a first notice (1); a second first notice for the same country and
  registration number (Table 2/3 items 1 and 3) is refused: it would be an update.
- An update (2), a closure (3), a safety confirmation (4, dangerous products only, §24) or a
  correction (5) must name a case held here of the same country.
- After a closure (§19, §24) only corrections are accepted: the case's history is never rewritten,
  only put right.
The same notice applied again (a redelivery, or a node hosting several participants on one database)
is not checked twice: the store recognises it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.cases.store import CORRECTION, FIRST, SAFETY_CONFIRMED, CaseKind, kind_of
from sanmeasures.exchange.inbox import Refusal
from sanmeasures.storage.tables import case_versions, cases

_TABLE = {"morbidity": "2", "dangerous_product": "3"}
_PARAGRAPHS = {"morbidity": "§17–19", "dangerous_product": "§21–24"}


async def check_notice(connection: AsyncConnection, case_model: Any, document_id: int | None) -> None:
    kind: CaseKind = kind_of(case_model)
    table, paragraphs = _TABLE[kind], _PARAGRAPHS[kind]
    country, number, notice = (
        case_model.unified_country_code.value,
        case_model.incident_id,
        case_model.incident_kind_code,
    )
    held = (
        await connection.execute(
            sa.select(cases.c.id, cases.c.closed_on).where(
                cases.c.kind == kind, cases.c.country == country, cases.c.registration_number == number
            )
        )
    ).first()
    if held is not None and document_id is not None:
        already = await connection.execute(
            sa.select(case_versions.c.id).where(
                case_versions.c.case_id == held.id, case_versions.c.document_id == document_id
            )
        )
        if already.first() is not None:
            return  # this very notice is recorded: nothing to check again
    where = f"{country} {number}"
    if notice == FIRST and held is not None:
        raise Refusal(
            "case-opened-once",
            f"случай {where} уже открыт первичным сообщением; направьте дополнительное (2) или исправление (5)",
            f"case {where} is already open; send an update (2) or a correction (5), not another first notice",
            item=f"T{table}/2",
            paragraph=paragraphs,
        )
    if notice != FIRST and held is None:
        raise Refusal(
            "case-unknown",
            f"сообщение вида {notice} должно относиться к открытому случаю того же государства; случай {where} "
            "не найден",
            f"a notice of kind {notice} must refer to an existing case of the same country; no case {where}",
            item=f"T{table}/3",
            paragraph=paragraphs,
        )
    if notice == SAFETY_CONFIRMED and kind == "morbidity":
        raise Refusal(
            "safety-confirmed-products-only",
            "подтверждение безопасности (4) относится только к продукции (п. 24 Правил)",
            "a safety confirmation (4) applies to dangerous products only (Rules §24)",
            item="T2/2",
            paragraph="§24",
        )
    if held is not None and held.closed_on is not None and notice != CORRECTION:
        raise Refusal(
            "case-closed",
            f"случай {where} закрыт {held.closed_on:%d.%m.%Y}; принимаются только исправления (5)",
            f"case {where} was closed on {held.closed_on.isoformat()}; only corrections (5) are accepted",
            item=f"T{table}/2",
            paragraph=paragraphs,
        )
