"""Full-text and filtered search over the current-view tables, one behaviour on both engines.

``search_certificates``, ``search_cases`` and ``search_measures`` take a typed query and return a
``Page``: at most ``limit`` rows, newest first (or oldest first) by the resource's date with ``id`` as
tie-breaker, and an opaque ``next_cursor`` (keyset: the last row's date and id — never OFFSET).
The same query with that cursor continues exactly after the last row, whatever was inserted
meanwhile before that position.

Free text — the contract
  * *Words* are runs of letters and digits; every other character separates them, so quotes,
    ``*``, ``-``, ``NEAR``, ``OR``, ``:`` … are never operators. Words joined only by the glue
    characters ``. / \\ - _ ~ @ +`` form one *compact word* with the glue dropped: a number or a
    code ("KZ.16.01.78.003.R.000541.05.24", "021/2011", "A32.9", "RU-DP-2024-000101"), or
    "Тянь-Шань". The rows are indexed both ways (split at every mark, and compacted), so "000541"
    finds the number by its part and "KZ.16.01.7" by its beginning.
  * Every word must match (AND), in any searchable column. The last word is a prefix (the user is
    still typing). Text without any letter or digit is ignored; beyond the 16th word the rest of
    the text is ignored.
  * PostgreSQL also matches Russian word forms ("колбаса" finds "колбасы"): a plain word matches
    either its ``russian`` stem or the exact ``simple`` token; compact words match exactly. SQLite
    (FTS5, ``unicode61 remove_diacritics 2``) has no morphology: only exact words and the prefix of
    the last one; it also ignores Latin diacritics ("e" finds "é"); neither engine folds "ё"/"е".
  * Fallback, only on the first page and only when the text found nothing: every word of three or
    more characters (the parts of compact words taken apart) must occur, in any letter case, as a
    substring of the names or the number (SQLite: FTS5 ``trigram`` tables; PostgreSQL: ``ILIKE`` on
    trigram GIN indexes). PostgreSQL also accepts, for a word of five or more letters, a row
    containing one of the ``SIMILAR_WORDS`` indexed words most *similar* to it (``pg_trgm``
    similarity ≥ ``SIMILARITY``, looked up in ``search_words``, the vocabulary of the indexed
    text), so it tolerates typos ("калбаса" finds "Колбаса"); SQLite does not. A fallback page
    says ``fuzzy=True`` and its cursor keeps the fallback mode.

How PostgreSQL runs it (same results, planned for ~1M rows): every search sets a few planner
settings for its transaction (``POSTGRES_SETTINGS``: custom plans, SSD/in-memory page costs); a word
is asked as its stem alone whenever that says the same as stem-or-word; and where the planner's
estimate is poor (several words, words and filters, the fallback) the newest ``WINDOW`` rows passing
the filters are searched first, the plain query only when they hold no full page.

Searchable columns (the migration ``0002`` indexes exactly these): certificates — registration
numbers, product, applicant, manufacturer, technical regulations, HS codes, authority; cases —
registration number, title, summary, disease code, manufacturer, HS code; measures — document
number, name, summary.

The search structures live outside the SQLAlchemy metadata; ``include_object`` and ``include_name``
keep them out of Alembic's autogenerate and drift checks. On SQLite they are kept by triggers: write
the current tables with INSERT, UPDATE (upserts included) and DELETE, never ``INSERT OR REPLACE``
(its implicit delete fires no trigger, and the FTS5 index would keep the old row).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from sanmeasures.storage import tables

# --- what the migrations create outside the metadata ------------------------------------------------
SEARCH_COLUMN = "search_vector"
SEARCH_TABLES = frozenset({"search_words"})
_FTS_TABLE = re.compile(r".+_fts(_(data|idx|content|docsize|config))?")  # FTS5 tables and their shadows
_SEARCH_INDEX = re.compile(r".*(^|_)(search|trgm)(_.*|$)")


def is_search_object(name: str | None, type_: str) -> bool:
    """Whether a database object is one of the engine-specific search structures (migration 0002)."""
    if name is None:
        return False
    if type_ == "table":
        return name in SEARCH_TABLES or _FTS_TABLE.fullmatch(name) is not None
    if type_ == "column":
        return name == SEARCH_COLUMN
    if type_ == "index":
        return _SEARCH_INDEX.fullmatch(name) is not None
    return False


def include_name(name: str | None, type_: str, parent_names: Any) -> bool:
    """Alembic ``include_name``: do not even reflect the search structures."""
    return not is_search_object(name, type_)


def include_object(object_: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic ``include_object``: the search structures are not part of the metadata."""
    return not is_search_object(name, type_)


# --- queries ------------------------------------------------------------------------------------------
MAX_TEXT = 256
MAX_CHUNKS = 16
#: Shortest word the substring fallback looks for (trigrams need three characters).
MIN_FUZZY_WORD = 3
#: pg_trgm similarity of a vocabulary word to a word of the text, for the PostgreSQL fallback
#: (one wrong letter in a seven-letter word: 0.45; in a five-letter word: 0.33).
SIMILARITY = 0.3
#: How many of the most similar vocabulary words stand in for a word of the text.
SIMILAR_WORDS = 10
#: Shortest word the PostgreSQL fallback also looks up by similarity (shorter ones are too vague).
MIN_SIMILAR_WORD = 5

Country = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
HsPrefix = Annotated[str, StringConstraints(pattern=r"^[0-9]{2,10}$")]
#: A short code compared for equality: printable, no control characters.
Code = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]{1,20}$")]
Regulation = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x1f\x7f]{1,40}$")]


class _Query(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str | None = Field(None, max_length=MAX_TEXT, description="free text, see the module docs")
    order: Literal["newest", "oldest"] = "newest"
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=200, description="next_cursor of the previous page")


class CertificateQuery(_Query):
    """Registry of state registration certificates (Table 1), sorted by ``issued_on``."""

    registry: Literal["national", "unified"] | None = None
    country: Country | None = None
    status_code: Literal["1", "2", "3"] | None = None  # SM.CLS.006
    issued_from: dt.date | None = None
    issued_to: dt.date | None = None
    hs_code: HsPrefix | None = Field(None, description="any HS code of the certificate starts with it")
    technical_regulation: Regulation | None = Field(
        None, description="SM.CLS.008 code, e.g. 'ТР ТС 021/2011' (letter case and spacing ignored)"
    )

    @model_validator(mode="after")
    def _period(self) -> CertificateQuery:
        _check_period(self.issued_from, self.issued_to)
        return self


class CaseQuery(_Query):
    """Morbidity and dangerous-product cases (Tables 2, 3), sorted by ``first_reported_on``."""

    kind: Literal["morbidity", "dangerous_product"] | None = None
    country: Country | None = None
    disease_code: Code | None = None
    product_type_code: Code | None = None
    hs_code: HsPrefix | None = Field(None, description="the case's HS code starts with it")
    reported_from: dt.date | None = Field(None, description="first reported on or after")
    reported_to: dt.date | None = Field(None, description="first reported on or before")
    closed: bool | None = Field(
        None, description="True: closed/archived (§19, §24; archive flag 0); False: open"
    )
    incident_kind: Code | None = Field(None, description="SM.CLS.001 kind of the latest report")

    @model_validator(mode="after")
    def _period(self) -> CaseQuery:
        _check_period(self.reported_from, self.reported_to)
        return self


class MeasureQuery(_Query):
    """Temporary sanitary measures (Table 4), sorted by ``start_date``."""

    country: Country | None = None
    state: Literal["introduced", "changed", "cancelled"] | None = None
    ground_code: Code | None = None  # T4/8
    # The current view keeps no date of cancellation, so a cancelled measure is never "in force".
    in_force_on: dt.date | None = Field(
        None, description="not cancelled, started on or before and not ended before this date"
    )
    start_from: dt.date | None = None
    start_to: dt.date | None = None

    @model_validator(mode="after")
    def _period(self) -> MeasureQuery:
        _check_period(self.start_from, self.start_to)
        return self


def _check_period(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValueError("the end of the period is before its start")


@dataclass(frozen=True)
class Page:
    """One page of results: current-view rows as dicts, and the cursor of the next page (None: last)."""

    items: list[dict[str, Any]]
    next_cursor: str | None
    #: True when the rows come from the substring/similarity fallback (see the module docs).
    fuzzy: bool = False


class InvalidCursor(ValueError):
    """The cursor was not produced by this search (or for another resource or order)."""


# --- text -------------------------------------------------------------------------------------------
#: Keep in step with migration 0002 (``GLUE``): what joins words into one compact word.
GLUE = "./\\-_~@+"
_WORD = re.compile(r"[^\W_]+")
_CHUNK = re.compile(rf"[^\W_]+(?:[{re.escape(GLUE)}]+[^\W_]+)*")


def parse_text(text: str | None) -> tuple[tuple[str, ...], ...]:
    """The words of the text, lower-cased; a compact word is the tuple of its parts.

    Nothing of the user's text but letters and digits survives.
    """
    if not text:
        return ()
    chunks = (tuple(word.lower() for word in _WORD.findall(chunk)) for chunk in _CHUNK.findall(text))
    return tuple(chunks)[:MAX_CHUNKS]


def _fuzzy_words(chunks: Sequence[Sequence[str]]) -> list[str]:
    return [word for chunk in chunks for word in chunk if len(word) >= MIN_FUZZY_WORD]


# --- resources ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Resource:
    table: sa.Table
    date: str
    #: names and numbers for the substring fallback (the trigram indexes / <table>_trgm_fts)
    substring_columns: tuple[str, ...]
    filters: Callable[[Any], list[ColumnElement[bool]]] = field(repr=False)

    @property
    def name(self) -> str:
        return self.table.name


def _certificate_filters(query: CertificateQuery) -> list[ColumnElement[bool]]:
    t = tables.certificates
    where: list[ColumnElement[bool]] = []
    if query.registry is not None:
        where.append(t.c.registry == query.registry)
    if query.country is not None:
        where.append(t.c.country == query.country)
    if query.status_code is not None:
        where.append(t.c.status_code == query.status_code)
    if query.issued_from is not None:
        where.append(t.c.issued_on >= query.issued_from)
    if query.issued_to is not None:
        where.append(t.c.issued_on <= query.issued_to)
    if query.hs_code is not None:
        # hs_codes is space separated; the expression matches the trigram index of migration 0002.
        where.append(sa.literal_column("' '").concat(t.c.hs_codes).like(f"% {query.hs_code}%"))
    if query.technical_regulation is not None:
        pattern = _escape_like(" ".join(query.technical_regulation.upper().split()))
        where.append(t.c.technical_regulations.like(f"%{pattern}%", escape="\\"))
    return where


def _case_filters(query: CaseQuery) -> list[ColumnElement[bool]]:
    t = tables.cases
    where: list[ColumnElement[bool]] = []
    for name in ("kind", "country", "disease_code", "product_type_code"):
        if (value := getattr(query, name)) is not None:
            where.append(t.c[name] == value)
    if query.incident_kind is not None:
        where.append(t.c.last_incident_kind == query.incident_kind)
    if query.hs_code is not None:
        where.append(t.c.hs_code.like(f"{query.hs_code}%"))
    if query.reported_from is not None:
        where.append(t.c.first_reported_on >= query.reported_from)
    if query.reported_to is not None:
        where.append(t.c.first_reported_on <= query.reported_to)
    if query.closed is not None:
        where.append(t.c.closed_on.is_not(None) if query.closed else t.c.closed_on.is_(None))
    return where


def _measure_filters(query: MeasureQuery) -> list[ColumnElement[bool]]:
    t = tables.measures
    where: list[ColumnElement[bool]] = []
    for name in ("country", "state", "ground_code"):
        if (value := getattr(query, name)) is not None:
            where.append(t.c[name] == value)
    if query.in_force_on is not None:
        day = query.in_force_on
        where += [
            t.c.state != "cancelled",
            t.c.start_date <= day,
            sa.or_(t.c.end_date.is_(None), t.c.end_date >= day),
        ]
    if query.start_from is not None:
        where.append(t.c.start_date >= query.start_from)
    if query.start_to is not None:
        where.append(t.c.start_date <= query.start_to)
    return where


CERTIFICATES = _Resource(
    tables.certificates,
    "issued_on",
    ("registration_number", "product_name", "applicant_name", "manufacturer_name"),
    _certificate_filters,
)
CASES = _Resource(
    tables.cases,
    "first_reported_on",
    ("registration_number", "title", "manufacturer_name"),
    _case_filters,
)
MEASURES = _Resource(tables.measures, "start_date", ("document_number", "name"), _measure_filters)


# --- public API ---------------------------------------------------------------------------------------
async def search_certificates(connection: AsyncConnection, query: CertificateQuery) -> Page:
    """Search the registry of certificates (current view), newest ``issued_on`` first by default."""
    return await _search(connection, CERTIFICATES, query)


async def search_cases(connection: AsyncConnection, query: CaseQuery) -> Page:
    """Search morbidity and dangerous-product cases, newest ``first_reported_on`` first by default."""
    return await _search(connection, CASES, query)


async def search_measures(connection: AsyncConnection, query: MeasureQuery) -> Page:
    """Search temporary measures, newest ``start_date`` first by default."""
    return await _search(connection, MEASURES, query)


# --- the one query ------------------------------------------------------------------------------------
EXACT, FUZZY = "exact", "fuzzy"


@dataclass(frozen=True)
class _Position:
    mode: str
    date: dt.date
    id: int


def _encode_cursor(resource: _Resource, order: str, position: _Position) -> str:
    payload = json.dumps(
        [resource.name, order, position.mode, position.date.isoformat(), position.id], separators=(",", ":")
    )
    return base64.urlsafe_b64encode(payload.encode()).rstrip(b"=").decode("ascii")


def _decode_cursor(cursor: str, resource: _Resource, order: str) -> _Position:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        name, cursor_order, mode, date, key = json.loads(raw)
        position = _Position(mode, dt.date.fromisoformat(date), key)
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise InvalidCursor("the cursor is not one this search produced") from exc
    if name != resource.name or cursor_order != order or mode not in (EXACT, FUZZY):
        raise InvalidCursor("the cursor belongs to another search (resource or order)")
    if type(key) is not int or not 0 < key < 2**63:
        raise InvalidCursor("the cursor is not one this search produced")
    return position


async def _search(connection: AsyncConnection, resource: _Resource, query: Any) -> Page:
    position = _decode_cursor(query.cursor, resource, query.order) if query.cursor else None
    chunks = parse_text(query.text)
    postgres = connection.dialect.name == "postgresql"
    where = resource.filters(query)
    mode = position.mode if position else EXACT
    if postgres:
        await connection.execute(_settings(tuple(POSTGRES_SETTINGS.items())))

    if not chunks:
        rows = await _fetch(connection, resource, query, where, position)
        return _page(resource, query, rows, EXACT)
    if mode == EXACT:
        match = partial(_pg_words, chunks) if postgres else partial(_sqlite_words, resource, chunks)
        # Estimates are good for one word or a number, poor for several words or words and filters.
        numbers = any(len(chunk) > 1 or not chunk[0].isalpha() for chunk in chunks)
        window = postgres and (len(chunks) > 1 or bool(where)) and not numbers
        rows = await _fetch(connection, resource, query, where, position, match, window=window)
        if rows or position is not None:
            return _page(resource, query, rows, EXACT)
    # Nothing found on the first page, or a fallback page asked for by its cursor.
    words = _fuzzy_words(chunks)
    if not words:
        return Page([], None, fuzzy=True)
    if postgres:
        match = partial(_pg_fuzzy, resource, words, await _similar_words(connection, words))
    else:
        match = partial(_sqlite_fuzzy, resource, words)
    rows = await _fetch(connection, resource, query, where, position, match, window=postgres)
    return _page(resource, query, rows, FUZZY)


#: Transaction-local planner settings of every PostgreSQL search (``SET LOCAL``).
POSTGRES_SETTINGS: dict[str, str] = {
    # A generic plan of a prepared statement cannot weigh the words: always plan with the values.
    "plan_cache_mode": "force_custom_plan",
    # Pages are in memory or on SSD, so a random read costs about a sequential one. At the default
    # (4) the planner prefers to walk the date index through a million rows for a rare word rather
    # than fetch its two thousand rows from the text index (50 ms instead of 4 ms).
    "random_page_cost": "1.1",
    # The pg_trgm similarity operator of the fallback reads its threshold from here.
    "pg_trgm.similarity_threshold": str(SIMILARITY),
}


@lru_cache(maxsize=4)
def _settings(settings: tuple[tuple[str, str], ...]) -> sa.Select[Any]:
    return sa.select(*(sa.func.set_config(name, value, True) for name, value in settings))


#: A column of the searched table (or of the window of its newest rows) by name, search vector included.
Columns = Callable[[str], ColumnElement[Any]]
#: The text condition, built on whichever columns it is asked to.
Match = Callable[[Columns], ColumnElement[bool]]

#: PostgreSQL first looks for a full page among this many newest rows passing the filters, when the
#: planner's estimate is not to be trusted (several words, words and filters, the fallback).
WINDOW = 2000


async def _fetch(
    connection: AsyncConnection,
    resource: _Resource,
    query: Any,
    where: list[ColumnElement[bool]],
    position: _Position | None,
    match: Match | None = None,
    *,
    window: bool = False,
) -> list[dict[str, Any]]:
    t = resource.table
    newest = query.order == "newest"
    if position is not None:
        # Keyset: (date, id) strictly after the last row of the previous page, in the page order.
        key = sa.tuple_(t.c[resource.date], t.c.id)
        after = sa.tuple_(sa.literal(position.date, sa.Date()), sa.literal(position.id, t.c.id.type))
        where = [*where, key < after if newest else key > after]

    def order(columns: Columns) -> tuple[Any, ...]:
        date, key = columns(resource.date), columns("id")
        return (date.desc(), key.desc()) if newest else (date.asc(), key.asc())

    def column(name: str) -> ColumnElement[Any]:
        return t.c[name] if name in t.c else sa.literal_column(f"{t.name}.{name}")

    if match is not None and window:
        # PostgreSQL weighs some text conditions badly (words of a name come together, it multiplies
        # their frequencies): it may fetch and sort every match of common words, or walk the date
        # index through the whole table for rare ones. So first the bounded walk: the newest rows
        # passing the filters, then the text. A full page there is the answer; else the plain query.
        size = max(WINDOW, 10 * (query.limit + 1))
        vector = column(SEARCH_COLUMN).label(SEARCH_COLUMN)
        recent = sa.select(t, vector).where(*where).order_by(*order(column)).limit(size).subquery("recent")
        statement = sa.select(*(recent.c[c.name] for c in t.c)).where(match(lambda name: recent.c[name]))
        rows = await _rows(connection, statement.order_by(*order(lambda name: recent.c[name])), query.limit)
        if len(rows) > query.limit:
            return rows
    if match is not None:
        where = [*where, match(column)]
    return await _rows(connection, sa.select(t).where(*where).order_by(*order(column)), query.limit)


async def _rows(connection: AsyncConnection, statement: sa.Select[Any], limit: int) -> list[dict[str, Any]]:
    result = await connection.execute(statement.limit(limit + 1))
    return [row._asdict() for row in result]


def _page(resource: _Resource, query: Any, rows: list[dict[str, Any]], mode: str) -> Page:
    items = rows[: query.limit]
    cursor = None
    if len(rows) > query.limit:
        last = items[-1]
        cursor = _encode_cursor(resource, query.order, _Position(mode, last[resource.date], last["id"]))
    return Page(items, cursor, fuzzy=mode == FUZZY)


# --- PostgreSQL: tsvector (russian + simple), pg_trgm --------------------------------------------------
_SIMPLE = sa.literal_column("'simple'::regconfig")


def _pg_words(chunks: Sequence[Sequence[str]], columns: Columns) -> ColumnElement[bool]:
    parts, values = [], {}
    for number, chunk in enumerate(chunks):
        last = number == len(chunks) - 1
        # Words are letters and digits only, so quoting them is all the escaping tsquery needs.
        name = f"search_word_{number}"
        values[name] = f"'{''.join(chunk)}'" + (":*" if last else "")
        shape = "compact" if len(chunk) > 1 else "prefix" if last else "word"
        parts.append(_TSQUERY[shape].format(word=f":{name}"))
    # SQL text with bound values: the same statement as with SQLAlchemy functions, built far faster.
    query = sa.text(f"({' && '.join(parts)})").bindparams(**values)
    return columns(SEARCH_COLUMN).op("@@", return_type=sa.Boolean)(query)


#: A word matches its stem or itself. The vector holds both stems and words, so the stem alone says
#: the same whenever it is not empty (a stopword) — and, as a prefix, whenever it is a prefix of the
#: word. Saying it once halves the planner's estimate and the index work; with custom plans these
#: CASEs fold into constants. A compact word is matched exactly.
_RU, _SI = "to_tsquery('russian'::regconfig, {word})", "to_tsquery('simple'::regconfig, {word})"
_TSQUERY = {
    "compact": f"({_SI})",
    "word": f"(CASE WHEN numnode({_RU}) > 0 THEN {_RU} ELSE {_SI} END)",
    "prefix": (
        f"(CASE WHEN numnode({_RU}) = 1 AND numnode({_SI}) = 1 AND starts_with({_SI}::text, left({_RU}::text, -3))"
        f" THEN {_RU} ELSE {_RU} || {_SI} END)"
    ),
}


#: The vocabulary of the indexed text (PostgreSQL only; migration 0002 keeps it filled by triggers).
_VOCABULARY = sa.table("search_words", sa.column("word", sa.Text()))


async def _similar_words(connection: AsyncConnection, words: list[str]) -> dict[str, list[str]]:
    """For each word of five or more letters, the vocabulary words most similar to it."""
    similar: dict[str, list[str]] = {}
    vocabulary = _VOCABULARY.c.word
    for word in words:
        if len(word) < MIN_SIMILAR_WORD or not word.isalpha() or word in similar:
            continue
        statement = (
            sa.select(vocabulary)
            .where(vocabulary.op("%", return_type=sa.Boolean)(word))
            .order_by(sa.func.similarity(vocabulary, word).desc(), vocabulary)
            .limit(SIMILAR_WORDS)
        )
        similar[word] = list((await connection.execute(statement)).scalars())
    return similar


def _pg_fuzzy(
    resource: _Resource, words: list[str], similar: dict[str, list[str]], columns: Columns
) -> ColumnElement[bool]:
    # Every word a substring of a name or number, or one of its similar words in the row's vector.
    vector = columns(SEARCH_COLUMN)
    conditions = []
    for word in words:
        alternatives = [columns(name).ilike(f"%{word}%") for name in resource.substring_columns]
        if similar.get(word):
            lexemes = " | ".join(_tsquery_lexeme(lexeme) for lexeme in similar[word])
            query = sa.func.to_tsquery(_SIMPLE, sa.literal(lexemes, sa.Text()))
            alternatives.append(vector.op("@@", return_type=sa.Boolean)(query))
        conditions.append(sa.or_(*alternatives))
    return sa.and_(*conditions)


def _tsquery_lexeme(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


# --- SQLite: FTS5 -----------------------------------------------------------------------------------
def _fts_match(columns: Columns, fts: str, expression: str) -> ColumnElement[bool]:
    rows = sa.select(sa.literal_column("rowid")).select_from(sa.table(fts))
    rows = rows.where(sa.literal_column(fts).op("MATCH", return_type=sa.Boolean)(expression))
    return columns("id").in_(rows)


def _sqlite_words(
    resource: _Resource, chunks: Sequence[Sequence[str]], columns: Columns
) -> ColumnElement[bool]:
    # Every word quoted (no FTS5 operator can get in), the last one a prefix.
    terms = [f'"{"".join(chunk)}"' for chunk in chunks]
    terms[-1] += "*"
    return _fts_match(columns, f"{resource.name}_fts", " ".join(terms))


def _sqlite_fuzzy(resource: _Resource, words: list[str], columns: Columns) -> ColumnElement[bool]:
    # A trigram phrase matches any substring of three or more characters, letter case folded.
    return _fts_match(columns, f"{resource.name}_trgm_fts", " ".join(f'"{word}"' for word in words))


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- which given rows a query selects (subscriptions, Rules §31в) --------------------------------------
_RESOURCE_OF_QUERY: dict[type[_Query], _Resource] = {
    CertificateQuery: CERTIFICATES,
    CaseQuery: CASES,
    MeasureQuery: MEASURES,
}


async def matching_ids(connection: AsyncConnection, query: _Query, ids: Collection[int]) -> set[int]:
    """Which of the current-view rows ``ids`` the query's filters and text select.

    The same filters as the search; the text in its exact form only (words, the last one a prefix,
    PostgreSQL word forms): the substring/similarity fallback is a property of a result page that found
    nothing, not of a row. ``order``, ``limit`` and ``cursor`` play no part.
    """
    if not ids:
        return set()
    resource = _RESOURCE_OF_QUERY[type(query)]
    t = resource.table

    def column(name: str) -> ColumnElement[Any]:
        return t.c[name] if name in t.c else sa.literal_column(f"{t.name}.{name}")

    where = [*resource.filters(query), t.c.id.in_(sorted(set(ids)))]
    chunks = parse_text(query.text)
    if chunks:
        if connection.dialect.name == "postgresql":
            where.append(_pg_words(chunks, column))
        else:
            where.append(_sqlite_words(resource, chunks, column))
    return set((await connection.execute(sa.select(t.c.id).where(*where))).scalars())
