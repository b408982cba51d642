"""An index on deliveries.deadline_at: the relay looks for overdue signals and answers on every step,
and must not read every settled delivery to find them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 21:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deliveries_deadline_at"), ["deadline_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_deadline_at"))
