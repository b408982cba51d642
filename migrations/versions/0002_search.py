"""Search structures of the current-view tables: certificates, cases, measures (issue 3).

Both engines index the searchable text twice: split into words at every punctuation mark, and
*compacted* — the glue characters ``. / \\ - _ ~ @ +`` removed, so that a number or code
("KZ.16.01.78…", "021/2011", "A32.9", "RU-DP-2024-000101") is also one word and a partial number is
a single-word prefix (see ``sanmeasures.storage.search``).

PostgreSQL: ``pg_trgm``; a stored generated ``search_vector`` = ``russian`` stems + ``simple`` words
+ ``simple`` compact words, stripped of positions, with a GIN index and a larger statistics target;
GIN trigram indexes on names and numbers (substring fallback); an expression trigram index for HS
code prefixes; ``search_words``, the vocabulary of the vectors with a trigram index (typo fallback). SQLite: ``<table>_fts``, a contentless FTS5 table (``unicode61
remove_diacritics 2``) of the same text, and ``<table>_trgm_fts``, an external-content FTS5
``trigram`` table of names and numbers; triggers keep both in sync. Both: btree (sort date, id)
indexes for keyset pagination, and (country, status, issued_on, id) for the usual certificate filters.

Everything here lives outside the SQLAlchemy metadata; ``sanmeasures.storage.search.include_object``
hides it from autogenerate (``search_vector``, ``search_words``, ``*_fts*`` tables, ``_search``/``_trgm``
indexes).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out here, not imported: a migration keeps meaning what it meant when it was written.
#: table -> columns indexed for words (PostgreSQL search_vector, SQLite <table>_fts).
WORDS: dict[str, tuple[str, ...]] = {
    "certificates": (
        "registration_number",
        "registration_number_as_written",
        "product_name",
        "applicant_name",
        "manufacturer_name",
        "technical_regulations",
        "hs_codes",
        "authority_name",
    ),
    "cases": ("registration_number", "title", "summary", "disease_code", "manufacturer_name", "hs_code"),
    "measures": ("document_number", "name", "summary"),
}
#: table -> names and numbers indexed for substrings and similarity (trigrams).
TRIGRAMS: dict[str, tuple[str, ...]] = {
    "certificates": ("registration_number", "product_name", "applicant_name", "manufacturer_name"),
    "cases": ("registration_number", "title", "manufacturer_name"),
    "measures": ("document_number", "name"),
}
#: table -> the date of the keyset sort (newest first, id as tie-breaker).
SORT_DATE = {"certificates": "issued_on", "cases": "first_reported_on", "measures": "start_date"}

#: Characters that glue words into one number or code ("KZ.16.01", "021/2011", "RU-2026-1"); also the
#: ones the PostgreSQL parser would otherwise keep inside a token ("-2026" as a signed integer, e-mails,
#: paths). The split text has them as spaces, the compact text not at all.
GLUE = "./\\-_~@+"


def _text(table: str, row: str = "") -> str:
    return " || ' ' || ".join(f"coalesce({row}{column}, '')" for column in WORDS[table])


def _compact_sqlite(text: str) -> str:
    for character in GLUE:
        text = f"replace({text}, '{character}', '')"
    return text


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
    else:
        _upgrade_sqlite()
    for table, column in SORT_DATE.items():
        op.create_index(f"ix_{table}_search_{column}_id", table, [column, "id"])
    # The portal's usual pair of filters, read in date order.
    op.create_index(
        "ix_certificates_search_country_status", "certificates", ["country", "status_code", "issued_on", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_certificates_search_country_status", table_name="certificates")
    for table, column in SORT_DATE.items():
        op.drop_index(f"ix_{table}_search_{column}_id", table_name=table)
    if op.get_bind().dialect.name == "postgresql":
        _downgrade_postgresql()
    else:
        _downgrade_sqlite()


# --- PostgreSQL ------------------------------------------------------------------------------------
def _upgrade_postgresql() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table in WORDS:
        text = _text(table)
        split = f"translate({text}, '{GLUE}', '{' ' * len(GLUE)}')"
        compact = f"translate({text}, '{GLUE}', '')"
        # strip(): no positions (no phrase search, no ranking), a third smaller, so more rows a page.
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (strip("
            f"to_tsvector('russian'::regconfig, {split}) || to_tsvector('simple'::regconfig, {split}) "
            f"|| to_tsvector('simple'::regconfig, {compact}))) STORED"
        )
        # Rare words must look rare to the planner (else it walks the date index through the table):
        # a longer most-common-lexeme list lowers the frequency assumed for the words not in it.
        op.execute(f"ALTER TABLE {table} ALTER COLUMN search_vector SET STATISTICS 1000")
        op.execute(f"CREATE INDEX ix_{table}_search_vector ON {table} USING gin (search_vector)")
        for column in TRIGRAMS[table]:
            op.execute(f"CREATE INDEX ix_{table}_{column}_trgm ON {table} USING gin ({column} gin_trgm_ops)")
    # HS codes: "any code of the space-separated list starts with" -> LIKE '% 0401%' on ' ' || hs_codes.
    op.execute(
        "CREATE INDEX ix_certificates_hs_codes_trgm ON certificates USING gin ((' ' || hs_codes) gin_trgm_ops)"
    )
    op.execute("CREATE INDEX ix_cases_search_hs_code ON cases (hs_code varchar_pattern_ops)")
    _create_vocabulary()


def _downgrade_postgresql() -> None:
    _drop_vocabulary()
    op.execute("DROP INDEX ix_cases_search_hs_code")
    op.execute("DROP INDEX ix_certificates_hs_codes_trgm")
    for table in WORDS:
        for column in TRIGRAMS[table]:
            op.execute(f"DROP INDEX ix_{table}_{column}_trgm")
        op.execute(f"DROP INDEX ix_{table}_search_vector")
        op.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")
    op.execute("DROP EXTENSION IF EXISTS pg_trgm")


#: Vocabulary words: at least four characters, no digits (numbers are found by their parts instead).
VOCABULARY_WORD = "length(lexeme) >= 4 AND lexeme !~ '[0-9]'"


def _create_vocabulary() -> None:
    """``search_words``: every word of the search vectors, for the typo fallback (pg_trgm similarity).

    Filled from the rows already there, then by statement triggers; words are never removed (a
    stale word only makes a suggestion that finds nothing).
    """
    op.execute("CREATE TABLE search_words (word text PRIMARY KEY)")
    op.execute("CREATE INDEX ix_search_words_trgm ON search_words USING gin (word gin_trgm_ops)")
    op.execute(
        f"""
        CREATE FUNCTION sanmeasures_search_words() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO search_words (word)
            SELECT DISTINCT lexeme FROM new_rows, unnest(new_rows.search_vector)
            WHERE {VOCABULARY_WORD}
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$
        """
    )
    for table in WORDS:
        op.execute(
            f"INSERT INTO search_words (word) SELECT DISTINCT lexeme FROM {table}, unnest({table}.search_vector) "
            f"WHERE {VOCABULARY_WORD} ON CONFLICT DO NOTHING"
        )
        for event in ("insert", "update"):
            op.execute(
                f"CREATE TRIGGER {table}_search_words_{event} AFTER {event.upper()} ON {table} "
                "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION sanmeasures_search_words()"
            )


def _drop_vocabulary() -> None:
    for table in WORDS:
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER {table}_search_words_{event} ON {table}")
    op.execute("DROP FUNCTION sanmeasures_search_words()")
    op.execute("DROP TABLE search_words")


# --- SQLite ----------------------------------------------------------------------------------------
def _document_sqlite(table: str, row: str) -> str:
    # unicode61 splits at every punctuation mark by itself; the compact copy follows.
    text = _text(table, row)
    return f"{text} || ' ' || {_compact_sqlite(text)}"


def _upgrade_sqlite() -> None:
    for table in WORDS:
        words, trigrams = f"{table}_fts", f"{table}_trgm_fts"
        columns = ", ".join(TRIGRAMS[table])
        # Words: contentless (the indexed text is computed), so deleting needs the old text again.
        op.execute(
            f"CREATE VIRTUAL TABLE {words} USING fts5(document, content='', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        op.execute(
            f"INSERT INTO {words}(rowid, document) SELECT id, {_document_sqlite(table, '')} FROM {table}"
        )
        # Substrings: external content, the columns themselves.
        op.execute(
            f"CREATE VIRTUAL TABLE {trigrams} USING fts5({columns}, content='{table}', content_rowid='id', "
            "tokenize='trigram')"
        )
        op.execute(f"INSERT INTO {trigrams}({trigrams}) VALUES ('rebuild')")
        new = ", ".join(f"new.{c}" for c in TRIGRAMS[table])
        old = ", ".join(f"old.{c}" for c in TRIGRAMS[table])
        insert = (
            f"INSERT INTO {words}(rowid, document) VALUES (new.id, {_document_sqlite(table, 'new.')}); "
            f"INSERT INTO {trigrams}(rowid, {columns}) VALUES (new.id, {new});"
        )
        # An FTS5 index must be told the old values to forget (contentless and external content).
        delete = (
            f"INSERT INTO {words}({words}, rowid, document) "
            f"VALUES ('delete', old.id, {_document_sqlite(table, 'old.')}); "
            f"INSERT INTO {trigrams}({trigrams}, rowid, {columns}) VALUES ('delete', old.id, {old});"
        )
        op.execute(f"CREATE TRIGGER {table}_fts_insert AFTER INSERT ON {table} BEGIN {insert} END")
        op.execute(f"CREATE TRIGGER {table}_fts_delete AFTER DELETE ON {table} BEGIN {delete} END")
        op.execute(
            f"CREATE TRIGGER {table}_fts_update AFTER UPDATE OF {', '.join(WORDS[table])} ON {table} "
            f"BEGIN {delete} {insert} END"
        )


def _downgrade_sqlite() -> None:
    for table in WORDS:
        for action in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER {table}_fts_{action}")
        op.execute(f"DROP TABLE {table}_fts")
        op.execute(f"DROP TABLE {table}_trgm_fts")
