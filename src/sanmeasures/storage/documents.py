"""The evidence: every document received or sent, as its original bytes with a SHA-256.

Stored in the same transaction as its effect, before anything is derived from it. The table is
append-only (see the migrations); a document is found again by its EDocId.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.contract.header import EDocHeader
from sanmeasures.storage.tables import documents

Direction = Literal["in", "out"]


@dataclass(frozen=True)
class StoredDocument:
    id: int
    edoc_id: str
    sha256: str
    created: bool  # False: the same EDocId was already stored (a repeat)


async def record_document(
    connection: AsyncConnection,
    *,
    data: bytes,
    header: EDocHeader,
    structure_code: str,
    direction: Direction,
    sender: str,
    recipients: list[str],
) -> StoredDocument:
    """Store ``data`` once per EDocId; a repeat with the same bytes returns the stored row.

    A different document under an EDocId already stored is refused: EDocIds are unique (UUID).
    """
    digest = hashlib.sha256(data).hexdigest()
    existing = (
        await connection.execute(
            sa.select(documents.c.id, documents.c.sha256).where(documents.c.edoc_id == header.e_doc_id)
        )
    ).first()
    if existing is not None:
        if existing.sha256 != digest:
            raise DocumentConflict(header.e_doc_id)
        return StoredDocument(existing.id, header.e_doc_id, digest, created=False)
    inserted = await connection.execute(
        documents.insert()
        .values(
            edoc_id=header.e_doc_id,
            edoc_ref_id=header.e_doc_ref_id,
            structure_code=structure_code,
            inf_envelope_code=header.inf_envelope_code,
            edoc_date_time=header.e_doc_date_time,
            language_code=header.language_code,
            direction=direction,
            sender=sender,
            recipients=recipients,
            sha256=digest,
            size=len(data),
            xml=data,
        )
        .returning(documents.c.id)
    )
    return StoredDocument(inserted.scalar_one(), header.e_doc_id, digest, created=True)


class DocumentConflict(Exception):
    """Two different documents under one EDocId."""

    def __init__(self, edoc_id: str) -> None:
        super().__init__(f"another document with EDocId {edoc_id} is already stored; EDocIds must be unique")
        self.edoc_id = edoc_id


async def original_bytes(connection: AsyncConnection, edoc_id: str) -> bytes | None:
    row = (await connection.execute(sa.select(documents.c.xml).where(documents.c.edoc_id == edoc_id))).first()
    return None if row is None else row.xml
