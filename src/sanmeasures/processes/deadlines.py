"""Rules §17: information on a case of infectious or mass non-infectious disease is submitted within
3 working days of the authority's decision — working days of that member state, its public holidays,
substituted days off and weekend working days included (the ``holidays`` library).

A late notice is kept, never refused: it is recorded as late and shown in the statistics. The sending
authority states its decision date with the submission; a recipient, who does not see it, measures
from the date of the notice (Table 2 item 4).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any, Literal

import holidays
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.cases.store import FIRST
from sanmeasures.storage.tables import notice_timeliness

WORKING_DAYS = 3
Basis = Literal["decision", "notice"]


@cache
def _calendar(country: str, year: int) -> holidays.HolidayBase:
    return holidays.country_holidays(country, years=(year, year + 1))


def due_on(country: str, decision: dt.date, working_days: int = WORKING_DAYS) -> dt.date:
    """The last day the notice is on time: the ``working_days``-th working day after the decision."""
    return _calendar(country, decision.year).get_nth_working_day(decision, working_days)


async def record_timeliness(
    connection: AsyncConnection,
    case_model: Any,
    *,
    document_id: int,
    decision: dt.date | None,
    submitted_on: dt.date,
) -> bool | None:
    """Record whether a first morbidity notice came in time; None when §17 does not apply to it."""
    if case_model.incident_kind_code != FIRST or not hasattr(case_model, "public_health_incident_details"):
        return None
    basis: Basis = "decision" if decision is not None else "notice"
    decided = decision or case_model.doc_creation_date
    country = case_model.unified_country_code.value
    due = due_on(country, decided)
    late = submitted_on > due
    await connection.execute(
        notice_timeliness.insert().values(
            document_id=document_id,
            country=country,
            registration_number=case_model.incident_id,
            decision_date=decided,
            basis=basis,
            due_on=due,
            submitted_on=submitted_on,
            late=late,
        )
    )
    return late
