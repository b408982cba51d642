"""An index on certificates (registry, issued_on, id): the portal lists and exports the unified
registry newest first (Rules §15, §31б); without it SQLite sorts the whole table for every page.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificates_registry_issued_on_id"), ["registry", "issued_on", "id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificates_registry_issued_on_id"))
