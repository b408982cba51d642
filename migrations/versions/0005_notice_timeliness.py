"""Rules §17: when each first morbidity notice was due, and whether it was late.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notice_timeliness",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("document_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("registration_number", sa.String(length=40), nullable=False),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("basis", sa.String(length=8), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("basis in ('decision', 'notice')", name=op.f("ck_notice_timeliness_basis")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_notice_timeliness_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_timeliness")),
        sa.UniqueConstraint(
            "document_id", "registration_number", name=op.f("uq_notice_timeliness_document_id_registration_number")
        ),
    )


def downgrade() -> None:
    op.drop_table("notice_timeliness")
