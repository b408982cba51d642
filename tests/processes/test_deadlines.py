"""Rules §17: a case is reported within 3 working days of the authority's decision, on that member
state's calendar; a late notice is kept and flagged, never refused."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.contract.pipeline import encode
from sanmeasures.exchange.participants import REFERENCE_DEPLOYMENT, Participant
from sanmeasures.processes.deadlines import due_on
from sanmeasures.processes.submission import submit
from sanmeasures.storage.tables import notice_timeliness
from tests.support.flows import fresh

KNOWN = tuple(Participant.parse(p) for p in REFERENCE_DEPLOYMENT)
KZ = Participant.parse("authority:KZ")


def test_the_deadline_counts_the_member_states_working_days() -> None:
    # Friday 6 March 2026; Monday 9 March is a day off in Russia (8 March fell on a Sunday).
    assert due_on("RU", dt.date(2026, 3, 6)) == dt.date(2026, 3, 12)
    # Tuesday 30 December 2025: 31 December and 1–9 January are days off in Russia.
    assert due_on("RU", dt.date(2025, 12, 30)) == dt.date(2026, 1, 14)
    # An ordinary week: Monday + 3 working days is Thursday.
    assert due_on("BY", dt.date(2026, 6, 15)) == dt.date(2026, 6, 18)


def notice(number: str) -> bytes:
    document = fresh("R.SM.SS.08.001")
    case = document.public_health_alert_details[0].model_copy(update={"incident_id": number})
    return encode(document.model_copy(update={"public_health_alert_details": [case]}))


async def test_a_late_notice_is_kept_and_flagged(engine: AsyncEngine) -> None:
    today = dt.datetime.now(dt.UTC).date()
    late = await submit(engine, KZ, KNOWN, notice("KZ-LATE-1"), decision_date=today - dt.timedelta(days=30))
    on_time = await submit(engine, KZ, KNOWN, notice("KZ-ON-TIME-1"), decision_date=today)
    unstated = await submit(engine, KZ, KNOWN, notice("KZ-UNSTATED-1"))  # item 4: 4 March 2026
    assert late.outcome == on_time.outcome == unstated.outcome == "accepted"  # kept, never refused

    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                sa.select(
                    notice_timeliness.c.registration_number,
                    notice_timeliness.c.basis,
                    notice_timeliness.c.decision_date,
                    notice_timeliness.c.late,
                )
            )
        ).all()
    recorded = {row.registration_number: (row.basis, row.decision_date, row.late) for row in rows}
    assert recorded["KZ-LATE-1"] == ("decision", today - dt.timedelta(days=30), True)
    assert recorded["KZ-ON-TIME-1"] == ("decision", today, False)
    assert recorded["KZ-UNSTATED-1"] == ("notice", dt.date(2026, 3, 4), True)


async def test_a_decision_in_the_future_is_refused(engine: AsyncEngine) -> None:
    tomorrow = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)
    submission = await submit(engine, KZ, KNOWN, notice("KZ-FUTURE-1"), decision_date=tomorrow)
    assert submission.outcome == "invalid" and submission.issues[0].paragraph == "§17"
