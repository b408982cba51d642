"""`sanmeasures demo generate`: realistic data through the real stores, on both engines."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from sanmeasures.demo import story
from sanmeasures.demo.load import generate, is_empty
from sanmeasures.registry.store import status_of
from sanmeasures.storage.tables import cases, certificates, documents

TODAY = dt.date(2026, 11, 21)


async def test_generate_fills_registry_and_cases_and_repeats_add_nothing(engine) -> None:  # type: ignore[no-untyped-def]
    assert await is_empty(engine)
    loaded = await generate(engine, certificate_count=120, case_count=15, today=TODAY)
    assert (loaded.certificates, loaded.cases) == (120, 15)
    assert not await is_empty(engine)
    async with engine.connect() as connection:
        countries = {row[0] for row in await connection.execute(sa.select(certificates.c.country).distinct())}
        kinds = {row[0] for row in await connection.execute(sa.select(cases.c.kind).distinct())}
        held = (await connection.execute(sa.select(sa.func.count()).select_from(documents))).scalar_one()
        number = (
            await connection.execute(sa.select(certificates.c.registration_number).limit(1))
        ).scalar_one()
        status = await status_of(connection, number.lower().replace(".", ". "), today=TODAY)
    assert countries == {"AM", "BY", "KZ", "KG", "RU"}
    assert kinds == {"morbidity", "dangerous_product"}
    # every alert is kept as the document it arrived in, and so is every document of the measures story
    assert held == 15 + len(story.documents(TODAY))
    assert status is not None
    again = await generate(engine, certificate_count=120, case_count=15, today=TODAY)
    assert (again.certificates, again.cases) == (0, 0)
