"""Rules §36: a protocol request for a certificate the issuing authority never issued is refused at
once with a clear reason (SM.CLS.015 code 1); a request for one it holds waits for its answer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa

from sanmeasures.contract.examples import KZ_NUMBER
from sanmeasures.contract.pipeline import encode, validate_document
from sanmeasures.exchange.participants import REFERENCE_DEPLOYMENT, Participant
from sanmeasures.exchange.runtime import Exchange
from sanmeasures.processes.effects import store
from sanmeasures.processes.submission import submit
from sanmeasures.settings import Settings
from sanmeasures.storage.engine import create_engine
from sanmeasures.storage.migrate import upgrade
from sanmeasures.storage.tables import documents
from tests.support.flows import fresh, kz_certificates

KNOWN = tuple(Participant.parse(p) for p in REFERENCE_DEPLOYMENT)
KZ, RU = Participant.parse("authority:KZ"), Participant.parse("authority:RU")


async def answers_to(url: str, certificate_held: bool) -> list[bytes]:
    """RU asks KZ for the protocol of KZ_NUMBER; the answers RU holds after a while."""
    engine = create_engine(url)
    exchange = Exchange(Settings(database_url=url), engine, effect=store, relay_idle_seconds=0.05)
    await exchange.start()
    try:
        if certificate_held:  # KZ enters it in its national part (it also goes to the Commission)
            assert (await submit(engine, KZ, KNOWN, encode(kz_certificates()))).outcome == "accepted"
        request = fresh("R.SM.SS.08.004")
        assert (await submit(engine, RU, KNOWN, encode(request))).outcome == "accepted"
        await asyncio.sleep(2.0)  # long enough for a refusal to come back
        async with engine.connect() as connection:
            rows = await connection.execute(
                sa.select(documents.c.xml)
                .where(documents.c.edoc_ref_id == request.e_doc_header.e_doc_id)
                .where(documents.c.structure_code == "R.SM.SS.08.005")
            )
            return [bytes(row.xml) for row in rows]
    finally:
        await exchange.stop()
        await engine.dispose()


def test_a_request_for_a_certificate_never_issued_is_refused_at_once(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'node.sqlite3'}"
    upgrade(url)
    [answer] = asyncio.run(answers_to(url, certificate_held=False))
    report = validate_document(answer)
    assert report.ok
    refusal = report.document
    assert refusal.refused and refusal.refusal_reason_code.value == "1"
    assert (
        KZ_NUMBER in refusal.description_text
        and refusal.unified_authority_details.unified_country_code.value == "KZ"
    )


def test_a_request_for_a_certificate_held_waits_for_the_authoritys_answer(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'node.sqlite3'}"
    upgrade(url)
    assert asyncio.run(answers_to(url, certificate_held=True)) == []
