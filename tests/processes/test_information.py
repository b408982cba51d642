"""Rules §8, §14: a supervisory body queries the Commission's dangerous-products database by message
and gets an answer built from the records the Commission holds, with how many were found."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa

from sanmeasures.contract.pipeline import encode, validate_document
from sanmeasures.contract.structures import information_request as irq
from sanmeasures.exchange.participants import REFERENCE_DEPLOYMENT, Participant
from sanmeasures.exchange.runtime import Exchange
from sanmeasures.processes.effects import store
from sanmeasures.processes.submission import submit
from sanmeasures.settings import Settings
from sanmeasures.storage.engine import create_engine
from sanmeasures.storage.migrate import upgrade
from sanmeasures.storage.tables import documents
from tests.support.flows import fresh

KNOWN = tuple(Participant.parse(p) for p in REFERENCE_DEPLOYMENT)


def query(countries: list[str], max_records: int | None = None) -> irq.InformationRequestDetails:
    request = fresh("R.SM.SS.00.002")
    criteria = irq.SearchCriteriaDetails.model_validate(
        {"unified_country_code": [{"value": c, "code_list_id": "P.CLS.019"} for c in countries]}
    )
    return request.model_copy(
        update={"search_criteria_details": criteria, "max_record_quantity": max_records}
    )


async def ask(
    url: str, requests: list[irq.InformationRequestDetails]
) -> list[irq.InformationResponseDetails]:
    engine = create_engine(url)
    exchange = Exchange(Settings(database_url=url), engine, effect=store, relay_idle_seconds=0.05)
    await exchange.start()
    try:
        ru = Participant.parse("authority:RU")
        for n in range(3):  # three RU dangerous-product cases held by the Commission
            alert = fresh("R.SM.SS.08.002")
            case = alert.dangerous_product_alert_details[0].model_copy(update={"incident_id": f"RU-DP-{n}"})
            document = alert.model_copy(update={"dangerous_product_alert_details": [case]})
            assert (await submit(engine, ru, KNOWN, encode(document))).outcome == "accepted"
        await asyncio.sleep(1.0)  # the Commission receives them
        supervisory = Participant.parse("supervisory:KZ:01")
        for request in requests:
            assert (await submit(engine, supervisory, KNOWN, encode(request))).outcome == "accepted"
        wanted = {r.e_doc_header.e_doc_id for r in requests}
        async with asyncio.timeout(30):
            while True:
                async with engine.connect() as connection:
                    rows = (
                        await connection.execute(
                            sa.select(documents.c.edoc_ref_id, documents.c.xml).where(
                                documents.c.structure_code == "R.SM.SS.00.003",
                                documents.c.edoc_ref_id.in_(wanted),
                            )
                        )
                    ).all()
                if len(rows) == len(wanted):
                    break
                await asyncio.sleep(0.1)
    finally:
        await exchange.stop()
        await engine.dispose()
    answers = {ref: validate_document(bytes(xml)) for ref, xml in rows}
    assert all(report.ok for report in answers.values())
    return [answers[r.e_doc_header.e_doc_id].document for r in requests]  # type: ignore[misc]


def test_the_commission_answers_a_query_from_what_it_holds(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'node.sqlite3'}"
    upgrade(url)
    everything, at_most_two, none = asyncio.run(ask(url, [query(["RU"]), query(["RU"], 2), query(["AM"])]))

    assert everything.resource == "3" and everything.record_quantity == 3
    assert sorted(case.incident_id for case in everything.dangerous_product_alert_details) == [
        "RU-DP-0",
        "RU-DP-1",
        "RU-DP-2",
    ]
    assert at_most_two.record_quantity == 3 and len(at_most_two.dangerous_product_alert_details) == 2
    assert none.record_quantity == 0 and none.dangerous_product_alert_details == []
