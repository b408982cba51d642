"""Form 1KT: one report per authority and year, numbered revisions, summary and deadline (both engines)."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.form1kt.model import Form1KT
from sanmeasures.form1kt.store import due_date, is_late, latest, revisions, save_draft, submit, summary
from sanmeasures.storage.tables import form_1kt_revisions
from tests.cases.documents import rows


def report(
    authority: str = "Комитет санитарно-эпидемиологического контроля МЗ РК", scale: int = 1
) -> Form1KT:
    return Form1KT.model_validate(
        {
            "authority_name": authority,
            "postal_address": "010000, г. Астана, ул. Мангилик Ел, 8",
            "lines": [
                {
                    "line_number": 1,
                    "indicator": "Досмотрено транспортных средств",
                    "arrival": {"air": 120 * scale, "water": 0, "rail": 40 * scale, "road": 900 * scale},
                    "departure": {"air": 118 * scale, "rail": 38 * scale, "road": 870 * scale},
                },
                {
                    "line_number": 2,
                    "indicator": "Выявлено лиц с подозрением на инфекционное заболевание",
                    "arrival": {"air": 3 * scale},
                },
            ],
        }
    )


async def test_drafts_and_submissions_are_numbered_revisions(engine: AsyncEngine) -> None:
    # Rules §44: the authority keeps its annual report current; every save is a new revision.
    async with engine.begin() as connection:
        first = await save_draft(connection, "KZ", 2025, report(), "kz.officer")
        second = await save_draft(connection, "KZ", 2025, report(scale=2).model_dump(), "kz.officer")
        sent = await submit(connection, "KZ", 2025, report(scale=2), "kz.head")
        corrected = await submit(connection, "KZ", 2025, report(scale=3), "kz.head")
        assert [r.revision for r in (first, second, sent, corrected)] == [1, 2, 3, 4]
        assert [r.state for r in await revisions(connection, "KZ", 2025)] == [
            "draft",
            "draft",
            "submitted",
            "submitted",
        ]

        newest = await latest(connection, "KZ", 2025)
        assert newest is not None and newest.revision == 4 and newest.data.lines[0].arrival.air == 360
        draft = await latest(connection, "KZ", 2025, state="draft")
        assert draft is not None and draft.revision == 2 and draft.author == "kz.officer"
        # The earlier submission is still there, unchanged.
        assert (await revisions(connection, "KZ", 2025))[2].data == report(scale=2)
        assert await latest(connection, "KZ", 2024) is None


async def test_one_report_per_authority_and_year(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await submit(connection, "KZ", 2025, report(), "kz")
        await submit(connection, "KZ", 2024, report(), "kz")
        await submit(connection, "BY", 2025, report("Министерство здравоохранения Республики Беларусь"), "by")
        assert [(r.country, r.year, r.revision) for r in await revisions(connection, "KZ", 2025)] == [
            ("KZ", 2025, 1)
        ]
        assert (await revisions(connection, "BY", 2025))[0].revision == 1
    with pytest.raises(IntegrityError):  # the database keeps (country, year, revision) unique
        async with engine.begin() as connection:
            await connection.execute(
                form_1kt_revisions.insert().values(
                    country="KZ", year=2025, revision=1, state="draft", author="x", data=report().model_dump()
                )
            )


async def test_summary_takes_each_country_s_latest_submission_and_totals_by_transport(
    engine: AsyncEngine,
) -> None:
    async with engine.begin() as connection:
        await submit(connection, "KZ", 2025, report(), "kz")
        await submit(connection, "KZ", 2025, report(scale=2), "kz")  # a correction replaces the first
        await save_draft(connection, "KZ", 2025, report(scale=10), "kz")  # drafts are not reported
        await submit(connection, "RU", 2025, report("Роспотребнадзор"), "ru")
        await save_draft(connection, "AM", 2025, report("Инспекционный орган здравоохранения"), "am")
        result = await summary(connection, 2025)
        assert sorted(result.reports) == ["KZ", "RU"] and result.reports["KZ"].revision == 2
        assert result.missing == ["AM", "BY", "KG"]
        line1, line2 = result.lines
        assert (line1.line_number, line1.countries) == (1, ["KZ", "RU"])
        assert (line1.arrival.air, line1.arrival.rail, line1.arrival.road, line1.arrival.water) == (
            360,
            120,
            2700,
            0,
        )
        assert (line1.departure.air, line1.departure.road) == (354, 2610)
        assert line2.arrival.air == 9 and line2.departure.total == 0
        assert result.arrival.air == 369
        # Reports for 2025 recorded in 2026 before or after 15 February, depending on today.
        assert result.late == (["KZ", "RU"] if dt.date.today() > dt.date(2026, 2, 15) else [])


def test_late_detection_against_15_february() -> None:
    assert due_date(2025) == dt.date(2026, 2, 15)
    assert not is_late(2025, dt.date(2026, 2, 15))
    assert is_late(2025, dt.date(2026, 2, 16))
    almaty = dt.timezone(dt.timedelta(hours=5))
    assert not is_late(2025, dt.datetime(2026, 2, 15, 23, 59, tzinfo=almaty))
    assert is_late(2025, dt.datetime(2026, 2, 16, 0, 1, tzinfo=almaty))
    assert not is_late(2025, dt.datetime(2025, 12, 30, 9, 0))


async def test_a_submission_records_its_lateness(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        old = await submit(connection, "KG", 2020, report(), "kg")  # submitted years after its due date
        draft = await save_draft(connection, "KG", 2020, report(), "kg")
        assert old.late is True and draft.late is False
        assert old.recorded_at.tzinfo is not None


def test_the_content_is_checked() -> None:
    data = report().model_dump()
    data["lines"][1]["line_number"] = 1
    with pytest.raises(ValidationError, match="repeated"):
        Form1KT.model_validate(data)
    with pytest.raises(ValidationError):
        Form1KT.model_validate(
            {**report().model_dump(), "lines": [{"line_number": 1, "indicator": "x", "arrival": {"air": -1}}]}
        )


async def test_unknown_authorities_are_refused(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        with pytest.raises(ValueError, match="not a member state"):
            await submit(connection, "UA", 2025, report(), "x")


async def test_earlier_revisions_are_never_altered(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await save_draft(connection, "RU", 2025, report(), "ru")
        await submit(connection, "RU", 2025, report(), "ru")
        before = await rows(connection, form_1kt_revisions)
        await submit(connection, "RU", 2025, report(scale=5), "ru")
        await save_draft(connection, "RU", 2025, report(scale=6), "ru")
        after = await rows(connection, form_1kt_revisions)
        assert after[: len(before)] == before and len(after) == 4
