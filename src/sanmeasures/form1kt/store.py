"""Storage of form 1KT: one report per authorized body (member state) and year, with its revisions.

Rules §33 and §44: the authorized bodies provide the annual report through their personal accounts
on the Union portal; §7з: the Commission publishes it. The form is due by 15 February of the year
after the one reported (Order of sanitary control, Appendix 4: «Ежегодно, до 15 февраля»).

Every save is a new row of ``form_1kt_revisions`` (append-only), numbered 1, 2, … per country and
year: a draft (``save_draft``) or a submission (``submit``). Submitting again after a submission
adds a revision; the earlier one is never changed. The report of a country is its latest submitted
revision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as _postgresql  # noqa: F401  (storage.tables needs it loaded)
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.contract.classifiers import MEMBER_STATE_CODES
from sanmeasures.form1kt.model import Form1KT, TransportCounts
from sanmeasures.storage.tables import form_1kt_revisions

State = Literal["draft", "submitted"]
DRAFT: State = "draft"
SUBMITTED: State = "submitted"

#: «Ежегодно, до 15 февраля» of the following year.
DUE_MONTH, DUE_DAY = 2, 15


@dataclass(frozen=True)
class Form1KTRevision:
    id: int
    country: str
    year: int
    revision: int
    state: State
    author: str
    data: Form1KT
    recorded_at: dt.datetime

    @property
    def late(self) -> bool:
        """A submission recorded after the due date (always False for a draft)."""
        return self.state == SUBMITTED and is_late(self.year, self.recorded_at)


@dataclass(frozen=True)
class LineTotal:
    """One line number summed over the member states' reports, by kind of transport."""

    line_number: int
    indicator: str  # as the first report (by country code) words it
    arrival: TransportCounts
    departure: TransportCounts
    countries: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Form1KTSummary:
    """All member states' reports for a year: the latest submitted revision of each, and the totals."""

    year: int
    reports: dict[str, Form1KTRevision]
    first_submitted_at: dict[str, dt.datetime]
    lines: list[LineTotal]
    missing: list[str]  # member states without a submitted report

    @property
    def late(self) -> list[str]:
        """Countries whose first submission came after 15 February (a later correction does not count)."""
        return sorted(c for c, at in self.first_submitted_at.items() if is_late(self.year, at))

    @property
    def arrival(self) -> TransportCounts:
        return sum((line.arrival for line in self.lines), TransportCounts())

    @property
    def departure(self) -> TransportCounts:
        return sum((line.departure for line in self.lines), TransportCounts())


# ================================================================================================
# Deadline
# ================================================================================================
def due_date(year: int) -> dt.date:
    """The last day to submit the report for ``year``: 15 February of the next year."""
    return dt.date(year + 1, DUE_MONTH, DUE_DAY)


def is_late(year: int, submitted_at: dt.datetime | dt.date) -> bool:
    """True when a report for ``year`` submitted at ``submitted_at`` missed 15 February of the next year.

    15 February itself is on time. A datetime counts by its calendar date in its own time zone (a
    naive datetime as given), so pass the authority's local time when that matters.
    """
    day = submitted_at.date() if isinstance(submitted_at, dt.datetime) else submitted_at
    return day > due_date(year)


# ================================================================================================
# Write side
# ================================================================================================
async def save_draft(
    connection: AsyncConnection, country: str, year: int, data: Form1KT | dict[str, Any], author: str
) -> Form1KTRevision:
    """Add a draft revision of the report of ``country`` for ``year``."""
    return await _append(connection, country, year, data, author, DRAFT)


async def submit(
    connection: AsyncConnection, country: str, year: int, data: Form1KT | dict[str, Any], author: str
) -> Form1KTRevision:
    """Add a submitted revision (Rules §44: the report provided to the Commission)."""
    return await _append(connection, country, year, data, author, SUBMITTED)


async def _append(
    connection: AsyncConnection,
    country: str,
    year: int,
    data: Form1KT | dict[str, Any],
    author: str,
    state: State,
) -> Form1KTRevision:
    _check(country, year)
    if not author:
        raise ValueError("the author of a form 1KT revision is required")
    form = data if isinstance(data, Form1KT) else Form1KT.model_validate(data)
    last = (
        await connection.execute(
            sa.select(sa.func.max(form_1kt_revisions.c.revision)).where(
                form_1kt_revisions.c.country == country, form_1kt_revisions.c.year == year
            )
        )
    ).scalar_one()
    row = (
        await connection.execute(
            form_1kt_revisions.insert()
            .values(
                country=country,
                year=year,
                revision=(last or 0) + 1,
                state=state,
                author=author[:100],
                data=form.model_dump(mode="json"),
            )
            .returning(*form_1kt_revisions.c)
        )
    ).one()
    return _revision(row)


def _check(country: str, year: int) -> None:
    if country not in MEMBER_STATE_CODES:
        raise ValueError(
            f"{country!r} is not a member state: form 1KT is sent by the authorized bodies (Rules §44)"
        )
    if not 1000 <= year <= 9999:
        raise ValueError(f"{year!r} is not a year")


# ================================================================================================
# Read side
# ================================================================================================
async def revisions(connection: AsyncConnection, country: str, year: int) -> list[Form1KTRevision]:
    """Every revision of the report of ``country`` for ``year``, oldest first."""
    rows = (
        await connection.execute(
            sa.select(form_1kt_revisions)
            .where(form_1kt_revisions.c.country == country, form_1kt_revisions.c.year == year)
            .order_by(form_1kt_revisions.c.revision)
        )
    ).all()
    return [_revision(row) for row in rows]


async def latest(
    connection: AsyncConnection, country: str, year: int, *, state: State | None = None
) -> Form1KTRevision | None:
    """The latest revision (of ``state``, when given) of the report of ``country`` for ``year``."""
    query = sa.select(form_1kt_revisions).where(
        form_1kt_revisions.c.country == country, form_1kt_revisions.c.year == year
    )
    if state is not None:
        query = query.where(form_1kt_revisions.c.state == state)
    row = (await connection.execute(query.order_by(form_1kt_revisions.c.revision.desc()).limit(1))).first()
    return None if row is None else _revision(row)


async def summary(connection: AsyncConnection, year: int) -> Form1KTSummary:
    """The latest submitted report of every member state for ``year`` and the totals per line number,
    by kind of transport, on arrival and on departure (Rules §7з: what the Commission publishes)."""
    rows = (
        await connection.execute(
            sa.select(form_1kt_revisions)
            .where(form_1kt_revisions.c.year == year, form_1kt_revisions.c.state == SUBMITTED)
            .order_by(form_1kt_revisions.c.country, form_1kt_revisions.c.revision)
        )
    ).all()
    reports: dict[str, Form1KTRevision] = {}
    first: dict[str, dt.datetime] = {}
    for row in rows:
        revision = _revision(row)
        reports[revision.country] = revision  # ordered by revision: the last one wins
        first.setdefault(revision.country, revision.recorded_at)
    totals: dict[int, LineTotal] = {}
    for country in sorted(reports):
        for line in reports[country].data.lines:
            known = totals.get(line.line_number)
            if known is None:
                totals[line.line_number] = LineTotal(
                    line.line_number, line.indicator, line.arrival, line.departure, [country]
                )
            else:
                totals[line.line_number] = LineTotal(
                    line.line_number,
                    known.indicator,
                    known.arrival + line.arrival,
                    known.departure + line.departure,
                    [*known.countries, country],
                )
    return Form1KTSummary(
        year=year,
        reports=reports,
        first_submitted_at=first,
        lines=[totals[n] for n in sorted(totals)],
        missing=[c for c in MEMBER_STATE_CODES if c not in reports],
    )


@dataclass(frozen=True)
class ReportStatus:
    """Where the report of one member state for one year stands (the cabinet's list, Rules §44)."""

    country: str
    year: int
    revisions: int  # how many revisions were recorded
    state: State  # of the latest revision
    updated_at: dt.datetime  # when the latest revision was recorded
    first_submitted_at: dt.datetime | None  # None until the report is first submitted
    submitted_revision: int | None  # the latest submitted revision: the report the Commission reads

    @property
    def late(self) -> bool:
        """The first submission came after 15 February of the next year (as ``Form1KTSummary.late``)."""
        return self.first_submitted_at is not None and is_late(self.year, self.first_submitted_at)

    @property
    def changed_since_submission(self) -> bool:
        """A draft was saved after the latest submission and is not submitted yet."""
        return self.submitted_revision is not None and self.state == DRAFT


async def statuses(
    connection: AsyncConnection, *, country: str | None = None, year: int | None = None
) -> list[ReportStatus]:
    """The status of every report (of ``country`` / for ``year`` when given), newest year first, then
    by country code; the revisions' contents are not read."""
    c = form_1kt_revisions.c
    query = sa.select(c.country, c.year, c.revision, c.state, c.recorded_at)
    if country is not None:
        query = query.where(c.country == country)
    if year is not None:
        query = query.where(c.year == year)
    rows = (await connection.execute(query.order_by(c.country, c.year, c.revision))).all()
    grouped: dict[tuple[str, int], list[Any]] = {}
    for row in rows:
        grouped.setdefault((row.country, row.year), []).append(row)
    found = []
    for (code, reported), group in grouped.items():
        submitted = [row for row in group if row.state == SUBMITTED]
        found.append(
            ReportStatus(
                country=code,
                year=reported,
                revisions=len(group),
                state=group[-1].state,
                updated_at=_aware(group[-1].recorded_at),
                first_submitted_at=_aware(submitted[0].recorded_at) if submitted else None,
                submitted_revision=submitted[-1].revision if submitted else None,
            )
        )
    return sorted(found, key=lambda status: (-status.year, status.country))


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite keeps CURRENT_TIMESTAMP (UTC) without its zone."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def _revision(row: Any) -> Form1KTRevision:
    recorded_at = _aware(row.recorded_at)
    return Form1KTRevision(
        id=row.id,
        country=row.country,
        year=row.year,
        revision=row.revision,
        state=row.state,
        author=row.author,
        data=Form1KT.model_validate(row.data),
        recorded_at=recorded_at,
    )
