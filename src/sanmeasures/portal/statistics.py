"""Statistics of the common resources, Rules §31е: charts, a dashboard and a map of the member states.

Rules §31е lists among the portal's electronic services the "формирование статистических данных":
cases reported to the morbidity database (Table 2) and to the dangerous-products database (Table 3)
by month, by member state, by disease and by kind of product; the temporary sanitary measures in
force (Table 4) month by month; and the first morbidity notices submitted after the three working
days of Rules §17 (``notice_timeliness``). Each chart's figures are downloadable as CSV.

Pre-aggregation. Nothing is aggregated while a page or an API answer is made: every figure comes from
a :class:`Statistics` snapshot held per application (``app.state.statistics``), computed by a few
GROUP BY queries over the current-view tables (well under a second on 100,000 cases, on SQLite and
PostgreSQL) into small cubes — per kind, country and month, per disease, per kind of product — that
an answer only filters and sums. The :func:`worker` checks every :data:`CHECK_SECONDS` whether the
data changed — the largest key of every table the figures read: all of them only ever grow, and
the current views change only with a new version row — or the day changed (measures in force
"today"), and then computes a new snapshot; the first request after start computes it if the
worker has not yet.

Measures in force: a measure counts in a month when it is in force on the last day of that month
(today, for the current month): started on or before that day and not ended before it (Table 4
items 6–7). A cancelled measure (Rules §27) no longer applies from the day its cancellation was
recorded here: the current view keeps no other date of cancellation, so that day is the day of the
measure's last change (``updated_at``); it is never in force today, as in the measures search.
"""

import asyncio
import bisect
import csv
import datetime as dt
import io
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    create_model,
    model_validator,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

from sanmeasures.contract.classifiers import MEMBER_STATE_CODES, code_list
from sanmeasures.portal.web import language, render
from sanmeasures.storage import tables

log = logging.getLogger(__name__)

PARAGRAPH = "§31е"
#: How often the worker looks whether the data changed, seconds.
CHECK_SECONDS = 5.0
#: The longest period a chart covers: 50 years of months.
MAX_MONTHS = 600
#: How far after the current month the snapshot's months reach (measures planned to start later).
FUTURE_MONTHS = 24
#: How many of the latest cases of a product type are read for the type's name.
NAME_SAMPLE = 20
#: The tables the figures read; the largest key of each tells whether anything changed.
WATCHED: tuple[sa.Table, ...] = (
    tables.cases,
    tables.case_versions,
    tables.measures,
    tables.measure_versions,
    tables.notice_timeliness,
    tables.certificates,
    tables.certificate_versions,
)
#: A month, YYYY-MM, of the years 1900–2099.
MONTH_PATTERN = r"^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$"

Kind = Literal["morbidity", "dangerous_product"]
MemberState = Literal["AM", "BY", "KZ", "KG", "RU"]
Figure = Literal["cases", "morbidity", "dangerous_products", "measures_in_force", "late_notices"]
KINDS: tuple[Kind, ...] = ("morbidity", "dangerous_product")
FIGURES: tuple[Figure, ...] = (
    "cases",
    "morbidity",
    "dangerous_products",
    "measures_in_force",
    "late_notices",
)


# ================================================================================================
# Months
# ================================================================================================
def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def months(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` (YYYY-MM), both included."""
    return [_month(i) for i in range(_index(first), _index(last) + 1)]


def shift(month: str, by: int) -> str:
    return _month(_index(month) + by)


def month_end(month: str) -> dt.date:
    following = _index(month) + 1
    return dt.date(following // 12, following % 12 + 1, 1) - dt.timedelta(days=1)


def check_day(month: str, today: dt.date) -> dt.date:
    """The day a month's "measures in force" is counted on: its last day, or today in the current month."""
    return today if month == month_of(today) else month_end(month)


# ================================================================================================
# The snapshot
# ================================================================================================
@dataclass(frozen=True)
class Interval:
    """Measures of one country in force from ``first`` to ``last`` (None: no end) — ``count`` of them."""

    country: str
    first: dt.date
    last: dt.date | None
    count: int


@dataclass(frozen=True)
class Statistics:
    """Every figure the statistics pages and API show, aggregated at ``computed_at`` (Rules §31е).

    Cubes map their dimensions to counts; months are "YYYY-MM" of the case's first report (Table
    2/3 item 4), of a §17 notice's submission.
    """

    token: tuple[Any, ...]
    today: dt.date
    computed_at: dt.datetime
    seconds: float
    first_month: str
    last_month: str
    #: (kind, country, month) → (cases, of them open)
    cases: dict[tuple[str, str, str], tuple[int, int]]
    #: morbidity: (country, month, disease code or None) → (cases, open)
    diseases: dict[tuple[str, str, str | None], tuple[int, int]]
    #: disease code → the name the notices give it most often (Table 2 item 6.1)
    disease_names: dict[str, str]
    #: dangerous products: (country, month, product type code or None) → (cases, open)
    hazards: dict[tuple[str, str, str | None], tuple[int, int]]
    #: product type code (Table 3 item 7.3) → its name as notified
    hazard_names: dict[str, str]
    #: measures grouped by country and the days they are in force
    intervals: tuple[Interval, ...]
    #: months of ``measures_in_force``: first_month … last_month
    measure_months: tuple[str, ...]
    #: country → measures in force per month of ``measure_months``
    measures_in_force: dict[str, tuple[int, ...]]
    #: (country, state) → measures
    measures: dict[tuple[str, str], int]
    #: (country, month) → (on time, late) first morbidity notices (Rules §17)
    notices: dict[tuple[str, str], tuple[int, int]]
    #: the registry counted: the unified one when held here (Rules §7а), else the national part
    certificate_registry: str | None
    #: (country, status code SM.CLS.006) → certificates of that registry
    certificates: dict[tuple[str, str], int]
    _month_positions: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        positions = {month: i for i, month in enumerate(self.measure_months)}
        object.__setattr__(self, "_month_positions", positions)

    def in_force(self, country: str, month: str) -> int:
        """Measures of ``country`` in force at the end of ``month`` (today, for the current month)."""
        return self.in_force_by_month([month]).get(country, [0])[0]

    def in_force_by_month(self, wanted: list[str]) -> dict[str, list[int]]:
        """Per country, the measures in force in each of the ``wanted`` months (in order): the
        precomputed series, and for months outside them a sweep over the stored intervals."""
        outside = [month for month in wanted if month not in self._month_positions]
        swept = _in_force_series(self.intervals, tuple(outside), self.today) if outside else {}
        at = {month: i for i, month in enumerate(outside)}
        found: dict[str, list[int]] = {}
        for country in {*self.measures_in_force, *swept}:
            series, extra = self.measures_in_force.get(country), swept.get(country)
            found[country] = [
                (extra[at[month]] if extra else 0)
                if month in at
                else (series[self._month_positions[month]] if series else 0)
                for month in wanted
            ]
        return found


def _month_expression(connection: AsyncConnection, column: sa.Column) -> ColumnElement[str]:
    # The format is a literal: PostgreSQL matches GROUP BY expressions by their text, parameters included.
    if connection.dialect.name == "postgresql":
        return sa.func.to_char(column, sa.literal_column("'YYYY-MM'"))
    return sa.func.strftime(sa.literal_column("'%Y-%m'"), column)


async def fingerprint(connection: AsyncConnection) -> tuple[Any, ...]:
    """The largest key of every watched table: each read is one step down a primary-key index."""
    row = (
        await connection.execute(
            sa.select(*(sa.select(sa.func.max(table.c.id)).scalar_subquery() for table in WATCHED))
        )
    ).one()
    return tuple(row)


def _day(moment: dt.datetime) -> dt.date:
    if moment.tzinfo is None:  # SQLite keeps the UTC moment without its offset
        return moment.date()
    return moment.astimezone(dt.UTC).date()


def _most_common(pairs: Iterable[tuple[str | None, str | None, int]]) -> dict[str, str]:
    """code → the name counted most often with it (ties: the first name in alphabetical order)."""
    best: dict[str, tuple[int, str]] = {}
    for code, name, count in pairs:
        if code is None or not name:
            continue
        known = best.get(code)
        if known is None or count > known[0] or (count == known[0] and name < known[1]):
            best[code] = (count, name)
    return {code: name for code, (_count, name) in best.items()}


async def compute(
    connection: AsyncConnection, *, today: dt.date | None = None, token: tuple[Any, ...] | None = None
) -> Statistics:
    """Aggregate every figure of the statistics (Rules §31е) in one read of the database.

    ``token`` is the :func:`fingerprint` (and day) the caller read in the same transaction.
    """
    started = time.perf_counter()
    today = today or dt.datetime.now(dt.UTC).date()
    token = token or (*await fingerprint(connection), today)
    c, v, m, n = tables.cases, tables.case_versions, tables.measures, tables.notice_timeliness
    is_open = sa.func.sum(sa.case((c.c.closed_on.is_(None), 1), else_=0))

    # One pass over the cases: per kind, country, month and code (disease for Table 2, product type
    # for Table 3); the three cubes are summed from it.
    reported = _month_expression(connection, c.c.first_reported_on)
    code = sa.case((c.c.kind == "morbidity", c.c.disease_code), else_=c.c.product_type_code)
    case_cube: dict[tuple[str, str, str], tuple[int, int]] = {}
    diseases: dict[tuple[str, str, str | None], tuple[int, int]] = {}
    hazards: dict[tuple[str, str, str | None], tuple[int, int]] = {}
    for kind, country, month, coded, count, still_open in await connection.execute(
        sa.select(c.c.kind, c.c.country, reported, code, sa.func.count(), is_open).group_by(
            c.c.kind, c.c.country, reported, code
        )
    ):
        still_open = int(still_open or 0)
        total, total_open = case_cube.get((kind, country, month), (0, 0))
        case_cube[(kind, country, month)] = (total + count, total_open + still_open)
        by_code = diseases if kind == "morbidity" else hazards
        by_code[(country, month, coded)] = (count, still_open)

    disease_names = _most_common(
        (row.disease_code, row.title, row.cases)
        for row in await connection.execute(
            sa.select(c.c.disease_code, c.c.title, sa.func.count().label("cases"))
            .where(c.c.kind == "morbidity", c.c.disease_code.is_not(None))
            .group_by(c.c.disease_code, c.c.title)
        )
    )
    # Product type names travel only in the notices (Table 3 item 7.3, smsdo:SanitaryProductTypeName):
    # the name given most often in the current versions of the latest NAME_SAMPLE cases of each type,
    # a bounded number of small JSON reads whatever the size of the database.
    ranked = (
        sa.select(
            c.c.id,
            c.c.product_type_code,
            c.c.current_version,
            sa.func.row_number()
            .over(partition_by=c.c.product_type_code, order_by=c.c.id.desc())
            .label("rank"),
        )
        .where(c.c.kind == "dangerous_product", c.c.product_type_code.is_not(None))
        .subquery()
    )
    type_name = v.c.data[("non_compliant_sanitary_product_details", "sanitary_product_type_name")].as_string()
    named: Counter[tuple[str, str]] = Counter()
    for type_code, name in await connection.execute(
        sa.select(ranked.c.product_type_code, type_name)
        .select_from(ranked)
        .join(v, sa.and_(v.c.case_id == ranked.c.id, v.c.version == ranked.c.current_version))
        .where(ranked.c.rank <= NAME_SAMPLE)
    ):
        if name:
            named[(type_code, name)] += 1
    hazard_names = _most_common((type_code, name, count) for (type_code, name), count in named.items())

    intervals: list[Interval] = []
    measure_states: Counter[tuple[str, str]] = Counter()
    for row in await connection.execute(
        sa.select(m.c.country, m.c.state, m.c.start_date, m.c.end_date, sa.func.count().label("measures"))
        .where(m.c.state != "cancelled")
        .group_by(m.c.country, m.c.state, m.c.start_date, m.c.end_date)
    ):
        measure_states[(row.country, row.state)] += row.measures
        intervals.append(Interval(row.country, row.start_date, row.end_date, row.measures))
    for row in await connection.execute(
        sa.select(
            m.c.country, m.c.start_date, m.c.end_date, m.c.updated_at, sa.func.count().label("measures")
        )
        .where(m.c.state == "cancelled")
        .group_by(m.c.country, m.c.start_date, m.c.end_date, m.c.updated_at)
    ):
        measure_states[(row.country, "cancelled")] += row.measures
        stopped = _day(row.updated_at) - dt.timedelta(days=1)  # no longer applies from that day
        last = stopped if row.end_date is None else min(row.end_date, stopped)
        intervals.append(Interval(row.country, row.start_date, last, row.measures))

    submitted = _month_expression(connection, n.c.submitted_on)
    notices: dict[tuple[str, str], tuple[int, int]] = {}
    for row in await connection.execute(
        sa.select(n.c.country, submitted.label("month"), n.c.late, sa.func.count().label("notices")).group_by(
            n.c.country, submitted, n.c.late
        )
    ):
        on_time, late = notices.get((row.country, row.month), (0, 0))
        notices[(row.country, row.month)] = (
            (on_time, late + row.notices) if row.late else (on_time + row.notices, late)
        )

    k = tables.certificates
    by_registry: dict[str, dict[tuple[str, str], int]] = {}
    for row in await connection.execute(
        sa.select(k.c.registry, k.c.country, k.c.status_code, sa.func.count().label("certificates")).group_by(
            k.c.registry, k.c.country, k.c.status_code
        )
    ):
        by_registry.setdefault(row.registry, {})[(row.country, row.status_code)] = row.certificates
    registry = "unified" if "unified" in by_registry else ("national" if "national" in by_registry else None)

    # The months the series cover: from the first month of any figure to the current month (or a
    # later one when measures are planned to start then), at most MAX_MONTHS of them.
    current = month_of(today)
    seen = (
        [key[2] for key in case_cube] + [key[1] for key in notices] + [month_of(i.first) for i in intervals]
    )
    last = max([current, *(s for s in seen if s <= shift(current, FUTURE_MONTHS))])
    first = max(min([last, *seen]), shift(last, -(MAX_MONTHS - 1)))
    measure_months = tuple(months(first, last))
    series = _in_force_series(intervals, measure_months, today)

    return Statistics(
        token=token,
        today=today,
        computed_at=dt.datetime.now(dt.UTC),
        seconds=time.perf_counter() - started,
        first_month=first,
        last_month=last,
        cases=case_cube,
        diseases=diseases,
        disease_names=disease_names,
        hazards=hazards,
        hazard_names=hazard_names,
        intervals=tuple(intervals),
        measure_months=measure_months,
        measures_in_force=series,
        measures=dict(measure_states),
        notices=notices,
        certificate_registry=registry,
        certificates=by_registry.get(registry, {}) if registry else {},
    )


def _in_force_series(
    intervals: Iterable[Interval], month_list: tuple[str, ...], today: dt.date
) -> dict[str, tuple[int, ...]]:
    """Per country, the measures in force on each month's check day (a sweep over the intervals)."""
    days = [check_day(month, today) for month in month_list]  # increasing
    changes: dict[str, list[int]] = {}
    for interval in intervals:
        begin = bisect.bisect_left(days, interval.first)
        end = len(days) if interval.last is None else bisect.bisect_right(days, interval.last)
        if begin < end:
            delta = changes.setdefault(interval.country, [0] * (len(days) + 1))
            delta[begin] += interval.count
            delta[end] -= interval.count
    series: dict[str, tuple[int, ...]] = {}
    for country, delta in changes.items():
        running, values = 0, []
        for step in delta[:-1]:
            running += step
            values.append(running)
        series[country] = tuple(values)
    return series


class Keeper:
    """The statistics of one application: the current snapshot, refreshed when the data changed."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.snapshot: Statistics | None = None
        self._lock = asyncio.Lock()

    async def current(self) -> Statistics:
        """The snapshot; the first call computes it when the worker has not yet."""
        if self.snapshot is None:
            await self.refresh()
        assert self.snapshot is not None
        return self.snapshot

    async def refresh(self, *, force: bool = False) -> bool:
        """Compute a new snapshot when the data (or the day) changed; True when it did."""
        async with self._lock, self.engine.connect() as connection:
            if connection.dialect.name == "postgresql":  # every query sees the same data
                await connection.execution_options(isolation_level="REPEATABLE READ")
            today = dt.datetime.now(dt.UTC).date()
            token = (*await fingerprint(connection), today)
            if not force and self.snapshot is not None and token == self.snapshot.token:
                return False
            self.snapshot = await compute(connection, today=today, token=token)
        log.info("statistics (Rules §31е) aggregated in %.3f s", self.snapshot.seconds)
        return True


def keeper_of(app: FastAPI) -> Keeper:
    keeper: Keeper | None = getattr(app.state, "statistics", None)
    if keeper is None:
        keeper = app.state.statistics = Keeper(app.state.engine)
    return keeper


async def worker(app: FastAPI) -> None:
    """Keep the statistics current: look for changes every CHECK_SECONDS (a portal worker)."""
    keeper = keeper_of(app)
    while True:
        try:
            await keeper.refresh()
        except asyncio.CancelledError:
            raise
        except Exception:  # the database may be away for a while: the last figures stay
            log.exception("statistics (Rules §31е): refresh failed, the previous figures stay")
        await asyncio.sleep(CHECK_SECONDS)


async def snapshot_of(request: Request) -> Statistics:
    return await keeper_of(request.app).current()


# ================================================================================================
# Filters
# ================================================================================================
Month = Annotated[str, StringConstraints(pattern=MONTH_PATTERN)]


class Period(BaseModel):
    """The months a chart covers; by default every month with data up to the current one."""

    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")

    from_: Month | None = Field(None, alias="from", description="first month, YYYY-MM (1900–2099)")
    to: Month | None = Field(None, description="last month, YYYY-MM (1900–2099)")

    @model_validator(mode="after")
    def _order(self) -> "Period":
        if self.from_ is not None and self.to is not None:
            if self.to < self.from_:
                raise ValueError(
                    f"the period ends ({self.to}) before it starts ({self.from_}): 'to' < 'from'"
                )
            if _index(self.to) - _index(self.from_) >= MAX_MONTHS:
                raise ValueError(
                    f"the period from {self.from_} to {self.to} is longer than {MAX_MONTHS} months"
                )
        return self

    def range(self, snapshot: Statistics) -> tuple[str, str]:
        """First and last month: the reader's, or the snapshot's; at most MAX_MONTHS of them."""
        last = self.to or max(snapshot.last_month, self.from_ or snapshot.last_month)
        first = self.from_ or min(snapshot.first_month, last)
        return max(first, shift(last, -(MAX_MONTHS - 1))), last

    def params(self) -> dict[str, str]:
        """The filters as query parameters (by their public names)."""
        return {
            name: value
            for name, value in self.model_dump(by_alias=True, exclude_none=True).items()
            if value != ""
        }


class CountryPeriod(Period):
    country: MemberState | None = Field(None, description="one member state (Rules §5), ISO 3166-1 alpha-2")


class KindPeriod(Period):
    kind: Kind | None = Field(None, description="morbidity (Table 2) or dangerous_product (Table 3)")


class CasePeriod(KindPeriod):
    country: MemberState | None = Field(None, description="one member state (Rules §5), ISO 3166-1 alpha-2")


class MapFilters(Period):
    figure: Figure = Field("cases", description="the figure the member states are coloured by")


class PageFilters(CasePeriod):
    """What the statistics page can be narrowed to (each chart takes the filters that apply to it)."""


# ================================================================================================
# Chart data
# ================================================================================================
def _within(month: str, first: str, last: str) -> bool:
    return first <= month <= last


def country_name(code: str, lang: str) -> str:
    entry = code_list("countries").get(code)
    return entry.name(lang) if entry is not None else code


def _countries(chosen: str | None) -> tuple[str, ...]:
    return (chosen,) if chosen else MEMBER_STATE_CODES


class CasesByMonthRow(BaseModel):
    month: str
    morbidity: int | None = Field(description="cases first reported that month (Table 2); null: not counted")
    dangerous_product: int | None = Field(
        description="cases first reported that month (Table 3); null: not counted"
    )
    total: int


class CasesByCountryRow(BaseModel):
    country: str
    country_name: str
    morbidity: int | None
    dangerous_product: int | None
    total: int


class CasesByDiseaseRow(BaseModel):
    disease_code: str | None = Field(description="as notified (Table 2 item 6.1, ICD-10); null: not stated")
    disease_name: str | None
    cases: int
    open: int = Field(description="not closed (Rules §19)")


class CasesByHazardRow(BaseModel):
    product_type_code: str | None = Field(description="Table 3 item 7.3; null: not stated")
    product_type_name: str | None
    cases: int
    open: int = Field(description="not archived (Rules §24, Table 3 item 6)")


class MeasuresInForceRow(BaseModel):
    month: str
    AM: int | None
    BY: int | None
    KZ: int | None
    KG: int | None
    RU: int | None
    total: int


class LateNoticesRow(BaseModel):
    month: str
    country: str
    on_time: int
    late: int


class MapRow(BaseModel):
    country: str
    country_name: str
    value: int


def cases_by_month(s: Statistics, f: CasePeriod, lang: str) -> list[CasesByMonthRow]:
    first, last = f.range(s)
    counted = (f.kind,) if f.kind else KINDS
    sums: Counter[tuple[str, str]] = Counter()
    for (kind, country, month), (count, _open) in s.cases.items():
        if kind in counted and (f.country is None or country == f.country) and _within(month, first, last):
            sums[(kind, month)] += count
    rows = []
    for month in months(first, last):
        values = {kind: (sums[(kind, month)] if kind in counted else None) for kind in KINDS}
        rows.append(CasesByMonthRow(month=month, **values, total=sum(v or 0 for v in values.values())))
    return rows


def cases_by_country(s: Statistics, f: KindPeriod, lang: str) -> list[CasesByCountryRow]:
    first, last = f.range(s)
    counted = (f.kind,) if f.kind else KINDS
    sums: Counter[tuple[str, str]] = Counter()
    for (kind, country, month), (count, _open) in s.cases.items():
        if kind in counted and _within(month, first, last):
            sums[(kind, country)] += count
    others = sorted({country for _kind, country in sums} - set(MEMBER_STATE_CODES))
    rows = []
    for country in (*MEMBER_STATE_CODES, *others):
        values = {kind: (sums[(kind, country)] if kind in counted else None) for kind in KINDS}
        total = sum(v or 0 for v in values.values())
        rows.append(
            CasesByCountryRow(
                country=country, country_name=country_name(country, lang), **values, total=total
            )
        )
    return rows


def _by_code(
    cube: dict[tuple[str, str, str | None], tuple[int, int]], f: CountryPeriod, s: Statistics
) -> list[tuple[str | None, int, int]]:
    first, last = f.range(s)
    cases: Counter[str | None] = Counter()
    open_: Counter[str | None] = Counter()
    for (country, month, code), (count, still_open) in cube.items():
        if (f.country is None or country == f.country) and _within(month, first, last):
            cases[code] += count
            open_[code] += still_open
    # Most cases first; codes in order among equals; "not stated" last among equals.
    ordered = sorted(cases, key=lambda code: (-cases[code], code is None, code or ""))
    return [(code, cases[code], open_[code]) for code in ordered]


def cases_by_disease(s: Statistics, f: CountryPeriod, lang: str) -> list[CasesByDiseaseRow]:
    return [
        CasesByDiseaseRow(
            disease_code=code,
            disease_name=s.disease_names.get(code) if code else None,
            cases=count,
            open=still_open,
        )
        for code, count, still_open in _by_code(s.diseases, f, s)
    ]


def cases_by_hazard(s: Statistics, f: CountryPeriod, lang: str) -> list[CasesByHazardRow]:
    return [
        CasesByHazardRow(
            product_type_code=code,
            product_type_name=s.hazard_names.get(code) if code else None,
            cases=count,
            open=still_open,
        )
        for code, count, still_open in _by_code(s.hazards, f, s)
    ]


def measures_in_force(s: Statistics, f: CountryPeriod, lang: str) -> list[MeasuresInForceRow]:
    first, last = f.range(s)
    wanted = months(first, last)
    series = s.in_force_by_month(wanted)
    rows = []
    for position, month in enumerate(wanted):
        values: dict[str, int | None] = {
            country: (series[country][position] if country in series else 0)
            if f.country in (None, country)
            else None
            for country in MEMBER_STATE_CODES
        }
        rows.append(MeasuresInForceRow(month=month, **values, total=sum(v or 0 for v in values.values())))
    return rows


def late_notices(s: Statistics, f: CountryPeriod, lang: str) -> list[LateNoticesRow]:
    first, last = f.range(s)
    return [
        LateNoticesRow(month=month, country=country, on_time=pair[0], late=pair[1])
        for month in months(first, last)
        for country in _countries(f.country)
        for pair in [s.notices.get((country, month), (0, 0))]
    ]


def map_figures(s: Statistics, f: MapFilters, lang: str) -> list[MapRow]:
    first, last = f.range(s)
    values: Counter[str] = Counter()
    if f.figure == "measures_in_force":  # at the end of the period (today, when it ends this month)
        for country in MEMBER_STATE_CODES:
            values[country] = s.in_force(country, last)
    elif f.figure == "late_notices":
        for (country, month), (_on_time, late) in s.notices.items():
            if _within(month, first, last):
                values[country] += late
    else:
        counted = {"cases": KINDS, "morbidity": ("morbidity",), "dangerous_products": ("dangerous_product",)}
        for (kind, country, month), (count, _open) in s.cases.items():
            if kind in counted[f.figure] and _within(month, first, last):
                values[country] += count
    return [
        MapRow(country=country, country_name=country_name(country, lang), value=values[country])
        for country in MEMBER_STATE_CODES
    ]


class ChartData(BaseModel):
    """One chart's figures as a table: ``rows`` in order, each with the fields of ``columns``."""

    chart: str
    title: str
    paragraph: str = PARAGRAPH
    computed_at: dt.datetime = Field(description="when the figures were aggregated")
    period_from: str = Field(description="first month covered, YYYY-MM")
    period_to: str = Field(description="last month covered, YYYY-MM")
    filters: dict[str, str] = Field(description="the filters applied")
    columns: list[str]
    csv_url: str = Field(description="the same figures as CSV")


@dataclass(frozen=True)
class Chart:
    name: str
    #: English title, translated on the page
    title: str
    summary: str
    filters: type[Period]
    row: type[BaseModel]
    build: Callable[[Statistics, Any, str], list[Any]]
    response: type[ChartData] = field(init=False)

    def __post_init__(self) -> None:
        model_name = "".join(part.title() for part in self.name.split("-")) + "Chart"
        response = create_model(model_name, __base__=ChartData, rows=(list[self.row], ...))  # type: ignore[name-defined]
        object.__setattr__(self, "response", response)

    @property
    def columns(self) -> list[str]:
        return list(self.row.model_fields)

    def path(self, suffix: str = "") -> str:
        return f"/api/v1/statistics/{self.name}{suffix}"

    def data(self, snapshot: Statistics, filters: Period, lang: str) -> ChartData:
        first, last = filters.range(snapshot)
        params = filters.params()
        return self.response(
            chart=self.name,
            title=self.title,
            computed_at=snapshot.computed_at,
            period_from=first,
            period_to=last,
            filters=params,
            columns=self.columns,
            csv_url=self.path(".csv") + _query(params),
            rows=self.build(snapshot, filters, lang),
        )


def _query(params: dict[str, str]) -> str:
    return "?" + urlencode(params) if params else ""


CHARTS: dict[str, Chart] = {
    chart.name: chart
    for chart in (
        Chart(
            "cases-by-month",
            "Cases by month",
            "Cases first reported each month, per database (Tables 2 and 3)",
            CasePeriod,
            CasesByMonthRow,
            cases_by_month,
        ),
        Chart(
            "cases-by-country",
            "Cases by member state",
            "Cases per reporting member state, per database (Tables 2 and 3)",
            KindPeriod,
            CasesByCountryRow,
            cases_by_country,
        ),
        Chart(
            "cases-by-disease",
            "Morbidity cases by disease",
            "Morbidity cases per disease code as notified (Table 2 item 6.1), most cases first",
            CountryPeriod,
            CasesByDiseaseRow,
            cases_by_disease,
        ),
        Chart(
            "cases-by-hazard",
            "Dangerous products by kind of product",
            "Dangerous-product cases per product type (Table 3 item 7.3), most cases first",
            CountryPeriod,
            CasesByHazardRow,
            cases_by_hazard,
        ),
        Chart(
            "measures-in-force",
            "Temporary measures in force",
            "Temporary sanitary measures in force at the end of each month, today for the current "
            "month (Table 4 items 6–7), per member state",
            CountryPeriod,
            MeasuresInForceRow,
            measures_in_force,
        ),
        Chart(
            "late-notices",
            "Late morbidity notices (§17)",
            "First morbidity notices per month of submission and member state: on time or later than "
            "three working days after the decision (Rules §17)",
            CountryPeriod,
            LateNoticesRow,
            late_notices,
        ),
        Chart(
            "map",
            "Member states",
            "One figure per member state over the period: cases (both databases), morbidity cases, "
            "dangerous-product cases, late §17 notices, or temporary measures in force at the end of the "
            "period (today when it ends in the current month)",
            MapFilters,
            MapRow,
            map_figures,
        ),
    )
}


def to_csv(chart: Chart, rows: list[BaseModel]) -> bytes:
    """The rows as CSV: UTF-8 with a byte order mark (spreadsheets read Cyrillic right), a header row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(chart.columns)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row.model_dump().values()])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# ================================================================================================
# The dashboard
# ================================================================================================
class CaseTotals(BaseModel):
    total: int
    open: int
    closed: int


class MeasureTotals(BaseModel):
    total: int
    in_force: int = Field(description="in force today (Table 4 items 6–7)")
    cancelled: int


class NoticeTotals(BaseModel):
    total: int = Field(description="first morbidity notices whose timeliness was recorded (Rules §17)")
    on_time: int
    late: int
    late_share: float | None = Field(description="late / total; null without notices")


class CertificateTotals(BaseModel):
    registry: Literal["unified", "national"] | None = Field(
        description="the unified registry when held here (Rules §7а), otherwise the node's national part"
    )
    total: int
    in_force: int
    suspended: int
    annulled: int


class CountryFigures(BaseModel):
    country: str
    country_name: str
    morbidity: int
    dangerous_product: int
    open_cases: int
    measures_in_force: int
    late_notices: int
    notices: int
    certificates_in_force: int


class Dashboard(BaseModel):
    """The statistics' totals (Rules §31е), for the dashboard tiles."""

    paragraph: str = PARAGRAPH
    computed_at: dt.datetime
    as_of: dt.date = Field(description="the day 'today' figures refer to")
    period_from: str
    period_to: str
    morbidity: CaseTotals
    dangerous_products: CaseTotals
    measures: MeasureTotals
    late_notices: NoticeTotals
    certificates: CertificateTotals
    countries: list[CountryFigures]
    charts: dict[str, str] = Field(description="chart name → its data (JSON; add .csv for CSV)")


def dashboard(s: Statistics, lang: str) -> Dashboard:
    cases: Counter[tuple[str, str]] = Counter()
    open_: Counter[tuple[str, str]] = Counter()
    for (kind, country, _month), (count, still_open) in s.cases.items():
        cases[(kind, country)] += count
        open_[(kind, country)] += still_open

    def case_totals(kind: str) -> CaseTotals:
        total = sum(v for (k, _c), v in cases.items() if k == kind)
        still_open = sum(v for (k, _c), v in open_.items() if k == kind)
        return CaseTotals(total=total, open=still_open, closed=total - still_open)

    current = month_of(s.today)
    on_time = sum(pair[0] for pair in s.notices.values())
    late = sum(pair[1] for pair in s.notices.values())
    statuses: Counter[str] = Counter()
    for (_country, status), count in s.certificates.items():
        statuses[status] += count
    countries = [
        CountryFigures(
            country=country,
            country_name=country_name(country, lang),
            morbidity=cases[("morbidity", country)],
            dangerous_product=cases[("dangerous_product", country)],
            open_cases=open_[("morbidity", country)] + open_[("dangerous_product", country)],
            measures_in_force=s.in_force(country, current),
            late_notices=sum(p[1] for (c, _m), p in s.notices.items() if c == country),
            notices=sum(p[0] + p[1] for (c, _m), p in s.notices.items() if c == country),
            certificates_in_force=s.certificates.get((country, "1"), 0),
        )
        for country in MEMBER_STATE_CODES
    ]
    all_countries = {country for (country, _state) in s.measures} | set(MEMBER_STATE_CODES)
    return Dashboard(
        computed_at=s.computed_at,
        as_of=s.today,
        period_from=s.first_month,
        period_to=s.last_month,
        morbidity=case_totals("morbidity"),
        dangerous_products=case_totals("dangerous_product"),
        measures=MeasureTotals(
            total=sum(s.measures.values()),
            in_force=sum(s.in_force(country, current) for country in all_countries),
            cancelled=sum(v for (_c, state), v in s.measures.items() if state == "cancelled"),
        ),
        late_notices=NoticeTotals(
            total=on_time + late,
            on_time=on_time,
            late=late,
            late_share=round(late / (on_time + late), 4) if on_time + late else None,
        ),
        certificates=CertificateTotals(
            registry=s.certificate_registry,  # type: ignore[arg-type]
            total=sum(statuses.values()),
            in_force=statuses["1"],
            suspended=statuses["2"],
            annulled=statuses["3"],
        ),
        countries=countries,
        charts={name: chart.path() for name, chart in CHARTS.items()},
    )


# ================================================================================================
# Routes
# ================================================================================================
router = APIRouter()


@router.get(
    "/api/v1/statistics",
    tags=["statistics"],
    summary="Statistics dashboard: totals of the common resources (Rules §31е)",
    response_model=Dashboard,
)
async def statistics_dashboard(request: Request) -> Dashboard:
    """Totals of morbidity and dangerous-product cases, temporary measures in force today, late §17
    notices and certificates by status, overall and per member state, from the pre-aggregated
    statistics (refreshed within seconds of a change). Names follow ``?lang=`` (ru, en, kk)."""
    return dashboard(await snapshot_of(request), language(request))


def _add_chart_routes(chart: Chart) -> None:
    filters_model = chart.filters

    async def chart_json(request: Request, filters: Annotated[filters_model, Query()]) -> ChartData:  # type: ignore[valid-type]
        return chart.data(await snapshot_of(request), filters, language(request))

    async def chart_csv(request: Request, filters: Annotated[filters_model, Query()]) -> Response:  # type: ignore[valid-type]
        data = chart.data(await snapshot_of(request), filters, language(request))
        chosen = [data.filters[key] for key in ("country", "kind", "figure") if key in data.filters]
        name = "_".join([chart.name, data.period_from, data.period_to, *chosen])
        return Response(
            to_csv(chart, data.rows),  # type: ignore[attr-defined]
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )

    description = (
        f"{chart.summary}. Rules {PARAGRAPH}. Columns: {', '.join(chart.columns)}. "
        "Without a period, every month with data up to the current one. Names follow ?lang= (ru, en, kk)."
    )
    router.add_api_route(
        chart.path(".csv"),
        chart_csv,
        methods=["GET"],
        tags=["statistics"],
        summary=f"{chart.title}: CSV",
        description=description + " CSV: UTF-8 with a byte order mark, a header row of the column names.",
        response_class=Response,
        responses={200: {"content": {"text/csv": {}}, "description": "the chart's rows as CSV"}},
        name=f"statistics_{chart.name}_csv",
    )
    router.add_api_route(
        chart.path(),
        chart_json,
        methods=["GET"],
        tags=["statistics"],
        summary=chart.title,
        description=description,
        response_model=chart.response,
        name=f"statistics_{chart.name}",
    )


for _chart in CHARTS.values():
    _add_chart_routes(_chart)


def _page_errors(error: ValidationError) -> list[tuple[str, str]]:
    """(field, problem) of each refused filter; the page words them in the reader's language."""
    found = []
    for item in error.errors():
        name = str(item["loc"][0]) if item["loc"] else "period"
        problem = {"from": "month", "to": "month"}.get(name, name)
        if (name, problem) not in found:
            found.append((name, problem))
    return found


@router.get("/statistics", response_class=HTMLResponse, include_in_schema=False)
async def statistics_page(request: Request) -> Response:
    """The statistics page (Rules §31е): tiles, charts with their CSV, and the map of the member states."""
    errors: list[str] = []
    try:
        filters = PageFilters.model_validate(dict(request.query_params))
    except ValidationError as exc:
        errors = _page_errors(exc)
        filters = PageFilters()
    lang = language(request)
    snapshot = await snapshot_of(request)
    sources = {}
    for name, chart in CHARTS.items():
        applicable = chart.filters.model_validate(filters.model_dump(by_alias=True))
        sources[name] = {
            "json": chart.path() + _query(applicable.params()),
            "csv": chart.path(".csv") + _query(applicable.params()),
        }
    first, last = filters.range(snapshot)
    return render(
        request,
        "statistics.html",
        {
            "summary": dashboard(snapshot, lang),
            "filters": filters,
            "period": (first, last),
            "errors": errors,
            "charts": CHARTS,
            "sources": sources,
            "figures": FIGURES,
            "member_states": [(code, country_name(code, lang)) for code in MEMBER_STATE_CODES],
        },
        status_code=422 if errors else 200,
    )
