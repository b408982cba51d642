"""Fill a database with synthetic certificates and cases (``sanmeasures demo generate``).

Certificates go to the unified registry through the registry store; alerts are stored as
documents received from their country's authority and recorded as cases, exactly as real
notifications would be.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.cases.store import record_alert_document
from sanmeasures.contract.catalogue import by_root_tag
from sanmeasures.contract.namespaces import clark
from sanmeasures.contract.pipeline import encode
from sanmeasures.demo.story import record_story
from sanmeasures.demo.synthetic import alerts, certificates
from sanmeasures.registry.store import record_certificates
from sanmeasures.storage.documents import record_document
from sanmeasures.storage.tables import cases as cases_table
from sanmeasures.storage.tables import certificates as certificates_table

Progress = Callable[[str, int], None]  # (what, how many more done)

#: What the embedded node loads into an empty database.
EMBEDDED_CERTIFICATES = 300
EMBEDDED_CASES = 80
BATCH = 1000


@dataclass(frozen=True)
class Loaded:
    certificates: int
    cases: int


async def generate(
    engine: AsyncEngine,
    *,
    certificate_count: int,
    case_count: int,
    seed: int = 2020,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> Loaded:
    """Write ``certificate_count`` certificates and ``case_count`` alerts; returns what was new."""
    report = progress or (lambda _what, _done: None)
    new_certificates = 0
    stream = certificates(certificate_count, seed=seed, today=today)
    while batch := list(islice(stream, BATCH)):
        async with engine.begin() as connection:
            records = await record_certificates(connection, batch, registry="unified", source="demo")
        new_certificates += sum(1 for record in records if record.created)
        report("certificates", len(batch))
    new_cases = 0
    for document in alerts(case_count, seed=seed, today=today):
        data = encode(document, pretty=False)
        structure = by_root_tag()[clark(document.xml_root or "")]
        cases = (
            getattr(document, "public_health_alert_details", None) or document.dangerous_product_alert_details
        )
        sender = f"authority:{cases[0].unified_country_code.value}"
        async with engine.begin() as connection:
            stored = await record_document(
                connection,
                data=data,
                header=document.e_doc_header,
                structure_code=structure.code,
                direction="in",
                sender=sender,
                recipients=["commission"],
            )
            if stored.created:
                await record_alert_document(connection, document, stored.id, source="demo")
                new_cases += 1
        report("cases", 1)
    await record_story(engine, today=today)
    return Loaded(new_certificates, new_cases)


async def is_empty(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        held = await connection.execute(
            sa.select(sa.exists().select_from(certificates_table)).add_columns(
                sa.exists().select_from(cases_table)
            )
        )
        return not any(held.one())
