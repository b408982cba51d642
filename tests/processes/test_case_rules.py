"""The life of a case through submissions (Rules §17–19, §23–24): opened once by a first notice,
updated and closed only when held, after the closure only corrected. Refusals name the rule, the
Table item and the paragraph, and change nothing. On both database engines."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.contract.pipeline import encode
from sanmeasures.exchange.participants import REFERENCE_DEPLOYMENT, Participant
from sanmeasures.processes.submission import Submission, submit
from sanmeasures.storage.tables import case_versions, deliveries, documents
from tests.support.flows import fresh

KZ = Participant.parse("authority:KZ")
KNOWN = tuple(Participant.parse(p) for p in REFERENCE_DEPLOYMENT)


def notice(kind: str, number: str = "KZ-2026-00777", structure: str = "R.SM.SS.08.001") -> bytes:
    document = fresh(structure)
    field = (
        "public_health_alert_details" if structure == "R.SM.SS.08.001" else "dangerous_product_alert_details"
    )
    case = getattr(document, field)[0].model_copy(update={"incident_kind_code": kind, "incident_id": number})
    return encode(document.model_copy(update={field: [case]}))


async def send(engine: AsyncEngine, data: bytes, sender: Participant = KZ) -> Submission:
    return await submit(engine, sender, KNOWN, data)


async def counts(engine: AsyncEngine) -> tuple[int, ...]:
    """How many documents, deliveries and case versions the node holds."""
    found = []
    async with engine.connect() as connection:
        for table in (documents, deliveries, case_versions):
            found.append(
                (await connection.execute(sa.select(sa.func.count()).select_from(table))).scalar_one()
            )
    return tuple(found)


def refused(submission: Submission, rule: str, item: str) -> bool:
    [issue] = submission.issues
    return (
        submission.outcome == "invalid"
        and issue.rule == rule
        and issue.item == item
        and bool(issue.paragraph)
    )


async def test_a_case_opens_once_and_is_updated_closed_and_then_only_corrected(engine: AsyncEngine) -> None:
    assert (await send(engine, notice("1"))).outcome == "accepted"
    assert refused(await send(engine, notice("1")), "case-opened-once", "T2/2")
    assert (await send(engine, notice("2"))).outcome == "accepted"  # §18: investigation results
    assert (await send(engine, notice("3"))).outcome == "accepted"  # §19: closure
    before = await counts(engine)
    late_update = await send(engine, notice("2"))
    assert refused(late_update, "case-closed", "T2/2")
    assert await counts(engine) == before  # a refusal changes nothing
    assert (await send(engine, notice("5"))).outcome == "accepted"  # a correction is still accepted


async def test_an_update_or_closure_must_name_a_case_held_here(engine: AsyncEngine) -> None:
    for kind in ("2", "3", "5"):
        assert refused(await send(engine, notice(kind, "KZ-2026-NOPE")), "case-unknown", "T2/3")
    assert await counts(engine) == (0, 0, 0)


async def test_a_safety_confirmation_is_for_dangerous_products_only(engine: AsyncEngine) -> None:
    """Rules §24."""
    assert (await send(engine, notice("1"))).outcome == "accepted"
    assert refused(await send(engine, notice("4")), "safety-confirmed-products-only", "T2/2")
    ru = Participant.parse("authority:RU")
    product = "R.SM.SS.08.002"
    assert (await send(engine, notice("1", "RU-DP-1", product), ru)).outcome == "accepted"
    assert (await send(engine, notice("4", "RU-DP-1", product), ru)).outcome == "accepted"
    assert refused(await send(engine, notice("2", "RU-DP-1", product), ru), "case-closed", "T3/2")
