"""The registry store on both engines: versions and the current row, status history, the status check.

Table 1 item 3 (the registration number, looked up in its normal form), item 5 (validity), item 6
(status with its dates); Rules §31з (the status check service), §35 (national and unified registries).
Append-only versions are covered by tests/storage (raw SQL cannot alter a stored version).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.contract.examples import code_data, header, kz_certificate, ru_certificate
from sanmeasures.contract.structures.certificate import RegistrationCertificateDetails
from sanmeasures.registry.store import (
    history,
    record_certificate,
    record_certificates,
    status_of,
)
from sanmeasures.storage.documents import record_document
from sanmeasures.storage.tables import certificate_versions, certificates

KZ = "KZ.16.01.78.003.R.000541.05.24"
KZ_E = "KZ.16.01.78.003.E.000541.05.24"


def certificate(data: dict[str, Any] | None = None, **changes: Any) -> RegistrationCertificateDetails:
    data = data or kz_certificate()
    data.update(changes)
    return RegistrationCertificateDetails.model_validate(data)


def with_status(
    code: str, start: str, end: str | None = None, **changes: Any
) -> RegistrationCertificateDetails:
    status: dict[str, Any] = {"certificate_status_code": code_data(code, "SM.CLS.006"), "start_date": start}
    if end is not None:
        status["end_date"] = end
    return certificate(certificate_status_details=status, **changes)


def kz_letter_e() -> RegistrationCertificateDetails:
    """A KZ certificate under the Unified Sanitary Requirements (letter E, Table 1 items 3 and 10)."""
    return certificate(
        registration_number_as_written=KZ_E,
        union_act_details={"sanitary_requirements_section_text": ["Глава II, раздел 3"]},
    )


async def count(engine: AsyncEngine, table: sa.Table) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(sa.select(sa.func.count()).select_from(table))).scalar_one()


async def test_a_certificate_becomes_version_one_and_its_current_row(engine: AsyncEngine) -> None:
    kz = certificate()
    async with engine.begin() as connection:
        record = await record_certificate(connection, kz, registry="unified", source="message")
    assert (record.registration_number, record.version, record.created) == (KZ, 1, True)
    async with engine.connect() as connection:
        row = (await connection.execute(sa.select(certificates))).one()
        version = (await connection.execute(sa.select(certificate_versions))).one()
    assert row.id == record.id and row.registry == "unified" and row.current_version == 1
    assert (row.registration_number, row.registration_number_as_written, row.country) == (KZ, KZ, "KZ")
    assert (row.issued_on, row.valid_from, row.valid_until, row.validity_unlimited) == (
        dt.date(2024, 5, 17),
        dt.date(2024, 5, 17),
        None,
        True,
    )
    assert (row.status_code, row.status_start, row.status_end) == ("1", dt.date(2024, 5, 17), None)
    assert row.product_name.startswith("Смесь сухая молочная") and row.hs_codes == "1901100000"
    assert row.technical_regulations == "ТР ТС 021/2011; ТР ТС 033/2013"
    assert (
        row.applicant_name
        == row.manufacturer_name
        == "Товарищество с ограниченной ответственностью «Балдәурен Нутришн»"
    )
    assert row.authority_name.startswith("Комитет санитарно-эпидемиологического контроля")
    assert (version.certificate_id, version.version, version.source, version.document_id) == (
        record.id,
        1,
        "message",
        None,
    )
    assert version.data == kz.model_dump(mode="json")


async def test_a_change_appends_a_version_and_moves_the_current_row(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        first = await record_certificate(connection, certificate(), registry="unified", source="message")
        second = await record_certificate(
            connection, with_status("2", "2025-01-10", "2025-03-10"), registry="unified", source="message"
        )
    assert second.id == first.id and (second.version, second.created) == (2, True)
    async with engine.connect() as connection:
        row = (await connection.execute(sa.select(certificates))).one()
    assert (row.current_version, row.status_code, row.status_end) == (2, "2", dt.date(2025, 3, 10))
    assert await count(engine, certificate_versions) == 2


async def test_re_recording_an_identical_certificate_appends_nothing(engine: AsyncEngine) -> None:
    at = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    async with engine.begin() as connection:
        first = await record_certificate(
            connection, certificate(), registry="unified", source="message", at=at
        )
    async with engine.begin() as connection:
        again = await record_certificate(connection, certificate(), registry="unified", source="import")
    assert (again.id, again.version, again.created) == (first.id, 1, False)
    assert await count(engine, certificate_versions) == 1
    async with engine.connect() as connection:
        updated_at = (await connection.execute(sa.select(certificates.c.updated_at))).scalar_one()
    # SQLite gives the moment back naive (UTC), PostgreSQL aware: the current row was not touched either.
    assert (updated_at if updated_at.tzinfo else updated_at.replace(tzinfo=dt.UTC)) == at


async def test_the_version_keeps_the_document_it_came_in(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        stored = await record_document(
            connection,
            data=b"<doc/>",
            header=header("P.SS.07.MSG.001", "R.SM.SS.07.001"),
            structure_code="R.SM.SS.07.001",
            direction="in",
            sender="authority:KZ",
            recipients=["commission"],
        )
        await record_certificate(
            connection, certificate(), registry="unified", source="message", document_id=stored.id
        )
        versions = await history(connection, KZ, registry="unified")
    assert [(v.version, v.source, v.document_id) for v in versions] == [(1, "message", stored.id)]
    assert versions[0].certificate == certificate()


async def test_status_changes_are_kept_as_history_with_their_dates(engine: AsyncEngine) -> None:
    """Table 1 item 6: in force → suspended → in force again → annulled, each with its dates."""
    steps = [
        with_status("1", "2024-05-17"),
        with_status("2", "2025-01-10", "2025-03-10"),
        with_status("1", "2025-03-11"),
        with_status("3", "2025-09-01"),
    ]
    for step in steps:
        async with engine.begin() as connection:
            await record_certificate(connection, step, registry="unified", source="message")
    async with engine.connect() as connection:
        status = await status_of(connection, KZ, today=dt.date(2025, 10, 1))
        versions = await history(connection, KZ, registry="unified")
    assert status is not None
    assert (status.state, status.status_code, status.status_start, status.version) == (
        "annulled",
        "3",
        dt.date(2025, 9, 1),
        4,
    )
    assert [(h.version, h.state, h.start, h.end) for h in status.history] == [
        (1, "in_force", dt.date(2024, 5, 17), None),
        (2, "suspended", dt.date(2025, 1, 10), dt.date(2025, 3, 10)),
        (3, "in_force", dt.date(2025, 3, 11), None),
        (4, "annulled", dt.date(2025, 9, 1), None),
    ]
    assert [v.version for v in versions] == [1, 2, 3, 4]
    assert [v.certificate.certificate_status_details.certificate_status_code.value for v in versions] == [
        "1",
        "2",
        "1",
        "3",
    ]


async def test_a_change_outside_the_status_is_not_a_status_change(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await record_certificate(connection, certificate(), registry="unified", source="message")
        await record_certificate(
            connection, certificate(form_number_id="0099999"), registry="unified", source="message"
        )
        status = await status_of(connection, KZ)
    assert status is not None and status.version == 2
    assert [(h.version, h.state) for h in status.history] == [(1, "in_force")]


async def test_in_force_past_the_end_of_validity_is_expired(engine: AsyncEngine) -> None:
    """Table 1 item 5: in force by its status, but the validity ended on 27.05.2029."""
    ru = ru_certificate()
    ru["certificate_status_details"] = {
        "certificate_status_code": code_data("1", "SM.CLS.006"),
        "start_date": "2024-05-28",
    }
    async with engine.begin() as connection:
        await record_certificate(connection, certificate(ru), registry="unified", source="import")
        last_day = await status_of(connection, "RU.77.99.88.003.E.001234.05.24", today=dt.date(2029, 5, 27))
        after = await status_of(connection, "RU.77.99.88.003.E.001234.05.24", today=dt.date(2029, 5, 28))
    assert last_day is not None and last_day.state == "in_force"
    assert after is not None and after.state == "expired" and after.state_en == "expired"
    assert (after.valid_from, after.valid_until, after.validity_unlimited) == (
        dt.date(2024, 5, 28),
        dt.date(2029, 5, 27),
        False,
    )
    # The number as the authority wrote it (Cyrillic Е) is kept next to the normal form.
    assert after.registration_number_as_written == "RU.77.99.88.003.Е.001234.05.24"
    assert after.registration_number == "RU.77.99.88.003.E.001234.05.24"


async def test_a_suspended_certificate_is_reported_with_its_suspension_dates(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await record_certificate(
            connection, certificate(ru_certificate()), registry="unified", source="import"
        )
        status = await status_of(connection, "RU.77.99.88.003.E.001234.05.24")
    assert status is not None and status.state == "suspended" and status.state_ru == "действие приостановлено"
    assert (status.status_start, status.status_end) == (dt.date(2025, 2, 10), dt.date(2025, 8, 10))


@pytest.mark.parametrize(
    "number",
    [
        "KZ.16.01.78.003.R.999999.05.24",  # well formed, not held
        "XX.16.01.78.003.R.000541.05.24",  # not a member state
        "not a certificate number",
        "",
    ],
)
async def test_an_unknown_or_unreadable_number_is_unknown(engine: AsyncEngine, number: str) -> None:
    async with engine.begin() as connection:
        await record_certificate(connection, certificate(), registry="unified", source="message")
        assert await status_of(connection, number) is None
        assert await history(connection, number, registry="unified") == []


@pytest.mark.parametrize(
    "written",
    [
        "КZ.16.01.78.003.Е.000541.05.24",  # Cyrillic К and Е
        "kz.16.01.78.003.e.000541.05.24",  # lower case
        "  KZ. 16.01.78.003. E .000541.05.24 ",  # stray spaces
        "кz.16.01.78.003.е.000541 .05.24",  # all of it
    ],
)
async def test_the_status_check_tolerates_look_alike_letters_case_and_spacing(
    engine: AsyncEngine, written: str
) -> None:
    async with engine.begin() as connection:
        await record_certificate(connection, kz_letter_e(), registry="unified", source="message")
        status = await status_of(connection, written)
    assert status is not None and status.registration_number == KZ_E and status.state == "in_force"


async def test_a_look_alike_spelling_records_the_same_certificate(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        first = await record_certificate(connection, kz_letter_e(), registry="unified", source="message")
        cyrillic = kz_letter_e().model_copy(
            update={"registration_number_as_written": "КZ.16.01.78.003.Е.000541.05.24"}
        )
        second = await record_certificate(connection, cyrillic, registry="unified", source="message")
    assert second.id == first.id and second.version == 2  # the number as written changed, nothing else
    assert await count(engine, certificates) == 1


async def test_the_national_part_and_the_unified_registry_are_separate(engine: AsyncEngine) -> None:
    """Rules §6а, §7а, §35: one record_certificate serves both; each registry has its own rows."""
    async with engine.begin() as connection:
        national = await record_certificate(connection, certificate(), registry="national", source="message")
        assert await status_of(connection, KZ, registry="unified") is None
        unified = await record_certificate(
            connection, with_status("2", "2025-01-10"), registry="unified", source="message"
        )
        in_national = await status_of(connection, KZ, registry="national")
        in_unified = await status_of(connection, KZ, registry="unified")
    assert national.id != unified.id and national.version == unified.version == 1
    assert in_national is not None and in_national.state == "in_force" and in_national.registry == "national"
    assert in_unified is not None and in_unified.state == "suspended" and in_unified.registry == "unified"


async def test_many_at_once_including_repeats_of_one_certificate(engine: AsyncEngine) -> None:
    """A dump carrying a certificate's history: its occurrences are recorded in order."""
    batch = [
        certificate(),
        certificate(ru_certificate()),
        with_status("2", "2025-01-10"),
        with_status("2", "2025-01-10"),  # a repeat of the previous one: nothing new
        with_status("3", "2025-02-01"),
    ]
    async with engine.begin() as connection:
        records = await record_certificates(connection, batch, registry="unified", source="import")
        status = await status_of(connection, KZ)
    assert [(r.version, r.created) for r in records] == [
        (1, True),
        (1, True),
        (2, True),
        (2, False),
        (3, True),
    ]
    assert status is not None and [h.state for h in status.history] == ["in_force", "suspended", "annulled"]
    assert await count(engine, certificate_versions) == 4


async def test_registry_and_source_are_checked(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        with pytest.raises(ValueError, match="registry"):
            await record_certificate(connection, certificate(), registry="regional", source="message")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="source"):
            await record_certificate(connection, certificate(), registry="unified", source="fax")  # type: ignore[arg-type]
