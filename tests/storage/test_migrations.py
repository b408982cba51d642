"""One Alembic chain for both engines: upgrade from empty, downgrade and up again, no drift, append-only."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from sanmeasures.storage import tables
from sanmeasures.storage.engine import create_engine, metadata
from sanmeasures.storage.search import include_name, include_object
from tests.conftest import alembic_config


async def _table_names(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: set(sync.dialect.get_table_names(sync)))
    await engine.dispose()
    return names


async def _drift(url: str) -> list:
    engine = create_engine(url)
    async with engine.connect() as connection:
        differences = await connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(
                    sync,
                    # The same filter as migrations/env.py: search structures are not in the metadata.
                    opts={
                        "compare_type": True,
                        "include_name": include_name,
                        "include_object": include_object,
                    },
                ),
                metadata,
            )
        )
    await engine.dispose()
    return differences


def test_upgrade_from_empty_on_sqlite_creates_every_table_without_drift(sqlite_url: str) -> None:
    command.upgrade(alembic_config(sqlite_url), "head")
    assert {t.name for t in metadata.sorted_tables} <= asyncio.run(_table_names(sqlite_url))
    assert asyncio.run(_drift(sqlite_url)) == []


def test_upgrade_downgrade_and_upgrade_again_on_postgresql_without_drift(postgres_url: str) -> None:
    config = alembic_config(postgres_url)
    command.upgrade(config, "head")
    assert {t.name for t in metadata.sorted_tables} <= asyncio.run(_table_names(postgres_url))
    command.downgrade(config, "base")
    assert asyncio.run(_table_names(postgres_url)) <= {"alembic_version"}
    command.upgrade(config, "head")
    assert asyncio.run(_drift(postgres_url)) == []


async def _one_row_in_every_table(connection) -> None:  # type: ignore[no-untyped-def]
    """The smallest consistent content: one row in each table, parents first."""
    today = dt.date(2026, 3, 2)
    now = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    rows = {
        tables.documents: {
            "edoc_id": "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
            "structure_code": "R.SM.SS.08.002",
            "direction": "in",
            "sender": "authority:RU",
            "recipients": ["commission"],
            "sha256": "0" * 64,
            "size": 10,
            "xml": b"<original/>",
        },
        tables.certificates: {
            "registry": "unified",
            "registration_number": "KZ.16.01.78.003.R.000541.05.24",
            "registration_number_as_written": "KZ.16.01.78.003.R.000541.05.24",
            "country": "KZ",
            "issued_on": today,
            "status_code": "1",
            "status_start": today,
            "valid_from": today,
            "validity_unlimited": True,
            "product_name": "Каша",
            "applicant_name": "ТОО",
            "manufacturer_name": "ТОО",
            "authority_name": "Комитет",
            "current_version": 1,
            "updated_at": now,
        },
        tables.certificate_versions: {
            "certificate_id": 1,
            "version": 1,
            "document_id": 1,
            "source": "message",
            "status_code": "1",
            "status_start": today,
            "data": {},
        },
        tables.cases: {
            "kind": "dangerous_product",
            "country": "RU",
            "registration_number": "RU-2026-1",
            "first_reported_on": today,
            "last_reported_on": today,
            "last_incident_kind": "1",
            "title": "Колбаса",
            "current_version": 1,
            "updated_at": now,
        },
        tables.case_versions: {
            "case_id": 1,
            "version": 1,
            "incident_kind": "1",
            "reported_on": today,
            "document_id": 1,
            "source": "message",
            "data": {},
        },
        tables.case_links: {
            "case_version_id": 1,
            "case_id": 1,
            "linked_country": "KZ",
            "linked_registration_number": "KZ-7",
            "linked_incident_kind": "1",
            "linked_reported_on": today,
        },
        tables.measures: {
            "country": "RU",
            "document_number": "12",
            "document_date": today,
            "start_date": today,
            "state": "introduced",
            "current_version": 1,
            "updated_at": now,
        },
        tables.measure_versions: {
            "measure_id": 1,
            "version": 1,
            "action": "introduced",
            "document_id": 1,
            "source": "message",
            "data": {},
        },
        tables.measure_case_links: {
            "measure_version_id": 1,
            "measure_id": 1,
            "case_id": 1,
            "case_country": "RU",
            "case_registration_number": "RU-2026-1",
        },
        tables.measure_reviews: {
            "measure_id": 1,
            "measure_country": "RU",
            "measure_document_number": "12",
            "measure_document_date": today,
            "reviewer_country": "BY",
            "document_id": 1,
            "data": {},
        },
        tables.requests: {
            "kind": "additional_info",
            "document_id": 1,
            "requester": "authority:KZ",
            "responder": "authority:RU",
            "subject": "RU-2026-1",
        },
        tables.answers: {"request_id": 1, "document_id": 1},
        tables.deliveries: {
            "edoc_id": "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
            "recipient": "authority:KZ",
            "flow": "dangerous_product.notice",
            "message_code": "P.SS.08.MSG.017",
            "document_id": 1,
            "state": "queued",
            "next_attempt_at": now,
        },
        tables.delivery_events: {"delivery_id": 1, "state": "queued", "detail": {}},
        tables.inbox: {
            "receiver": "authority:KZ",
            "edoc_id": "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
            "document_id": 1,
            "sender": "authority:RU",
            "outcome": "accepted",
            "receipt_document_id": 1,
            "result_document_id": 1,
        },
        tables.broker_messages: {
            "queue": "authority:KZ",
            "routing_key": "P.SS.08.MSG.017.authority:KZ",
            "headers": {},
            "body": b"<x/>",
            "state": "ready",
        },
        tables.audit_log: {"actor": "operator", "action": "replay", "subject": "x", "detail": {}},
        tables.notice_timeliness: {
            "document_id": 1,
            "country": "KZ",
            "registration_number": "KZ-2026-1",
            "decision_date": today,
            "basis": "decision",
            "due_on": today,
            "submitted_on": today,
            "late": False,
        },
        tables.api_keys: {"participant": "authority:KZ", "prefix": "smk_0123456789", "key_sha256": "0" * 64},
        tables.subscriptions: {
            "token": "t" * 43,
            "resource": "morbidity",
            "filters": {},
            "channel": "atom",
            "language": "ru",
            "state": "active",
            "since_certificate_version": 0,
            "since_case_version": 0,
            "since_measure_version": 0,
            "created_at": now,
        },
        tables.subscription_deliveries: {
            "subscription_id": 1,
            "kind": "version",
            "resource": "morbidity",
            "version_id": 1,
            "state": "sent",
            "next_attempt_at": now,
            "created_at": now,
        },
        tables.subscription_cursors: {"name": "case_versions", "last_id": 0, "gaps": [], "updated_at": now},
        tables.form_1kt_revisions: {
            "country": "KZ",
            "year": 2025,
            "revision": 1,
            "state": "draft",
            "author": "authority:KZ",
            "data": {},
        },
    }
    for table in metadata.sorted_tables:
        await connection.execute(table.insert().values(**rows[table]))


@pytest.mark.parametrize("table", [t.name for t in tables.APPEND_ONLY])
@pytest.mark.parametrize("statement", ["DELETE FROM {table}", "UPDATE {table} SET id = id"])
async def test_raw_sql_cannot_change_an_append_only_table(engine, table: str, statement: str) -> None:  # type: ignore[no-untyped-def]
    async with engine.begin() as connection:
        await _one_row_in_every_table(connection)
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as connection:
            await connection.execute(text(statement.format(table=table)))
    async with engine.connect() as connection:
        assert (await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one() == 1


async def test_documents_keep_their_original_bytes(engine) -> None:  # type: ignore[no-untyped-def]
    async with engine.begin() as connection:
        await _one_row_in_every_table(connection)
    with pytest.raises(DBAPIError):
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE documents SET xml = :xml"), {"xml": b"<forged/>"})
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT xml FROM documents"))).scalar_one() == b"<original/>"


async def test_current_view_tables_stay_updatable(engine) -> None:  # type: ignore[no-untyped-def]
    # The derived current rows are rewritten with every new version; only versions are frozen.
    async with engine.begin() as connection:
        await _one_row_in_every_table(connection)
        await connection.execute(text("UPDATE cases SET current_version = 2"))
