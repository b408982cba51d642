"""Store example documents as evidence rows, and build variations of them (shared by the store tests)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.contract.xmlmodel import XmlModel
from sanmeasures.storage.documents import record_document

M = TypeVar("M", bound=XmlModel)


async def store(
    connection: AsyncConnection,
    model: XmlModel,
    *,
    sender: str = "authority:RU",
    recipients: tuple[str, ...] = ("commission",),
) -> int:
    """Record ``model`` as a received document; its id."""
    header: Any = model.e_doc_header  # type: ignore[attr-defined]
    stored = await record_document(
        connection,
        data=model.to_xml(),
        header=header,
        structure_code=header.e_doc_code,
        direction="in",
        sender=sender,
        recipients=list(recipients),
    )
    return stored.id


def resent(model: M, *, at: dt.datetime | None = None, ref: str | None = None, **fields: Any) -> M:
    """A new document (fresh EDocId, optionally another date and EDocRefId) with ``fields`` replaced."""
    header: Any = model.e_doc_header  # type: ignore[attr-defined]
    changes: dict[str, Any] = {"e_doc_id": str(uuid.uuid4())}
    if at is not None:
        changes["e_doc_date_time"] = at
    if ref is not None:
        changes["e_doc_ref_id"] = ref
    return model.model_copy(update={"e_doc_header": header.model_copy(update=changes), **fields}, deep=True)


def on(day: dt.date) -> dt.datetime:
    """A document time on ``day`` (Moscow time, as in the examples)."""
    return dt.datetime.combine(day, dt.time(10, 15), tzinfo=dt.timezone(dt.timedelta(hours=3)))


async def rows(connection: AsyncConnection, table: sa.Table) -> list[tuple[Any, ...]]:
    """Every row of ``table`` by id, as plain tuples (to compare before and after)."""
    return [tuple(row) for row in (await connection.execute(sa.select(table).order_by(table.c.id))).all()]
