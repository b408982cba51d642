"""Rules §31в, §31а: subscriptions, what was sent to each subscriber, and how far the matcher has read.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21 20:51:05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "subscription_cursors",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_id", KEY, nullable=False),
        sa.Column("gaps", JSON, nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_subscription_cursors")),
    )
    op.create_table(
        "subscriptions",
        sa.Column("id", KEY, autoincrement=True, nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("resource", sa.String(length=20), nullable=True),
        sa.Column("risks_of", sa.String(length=2), nullable=True),
        sa.Column("filters", JSON, nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=2048), nullable=True),
        sa.Column("secret", sa.String(length=64), nullable=True),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("since_certificate_version", KEY, nullable=False),
        sa.Column("since_case_version", KEY, nullable=False),
        sa.Column("since_measure_version", KEY, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("confirmed_at", MOMENT, nullable=True),
        sa.Column("unsubscribed_at", MOMENT, nullable=True),
        sa.CheckConstraint("channel in ('atom', 'webhook', 'email')", name=op.f("ck_subscriptions_channel")),
        sa.CheckConstraint(
            "state in ('pending', 'active', 'unsubscribed')", name=op.f("ck_subscriptions_state")
        ),
        sa.CheckConstraint("(resource IS NULL) <> (risks_of IS NULL)", name=op.f("ck_subscriptions_scope")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscriptions")),
        sa.UniqueConstraint("token", name=op.f("uq_subscriptions_token")),
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subscriptions_address_created_at"), ["address", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_subscriptions_state_channel"), ["state", "channel"], unique=False
        )

    op.create_table(
        "subscription_deliveries",
        sa.Column("id", KEY, autoincrement=True, nullable=False),
        sa.Column("subscription_id", KEY, nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("resource", sa.String(length=20), nullable=True),
        sa.Column("version_id", KEY, nullable=True),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", MOMENT, nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("sent_at", MOMENT, nullable=True),
        sa.CheckConstraint(
            "kind in ('confirmation', 'ping', 'version')", name=op.f("ck_subscription_deliveries_kind")
        ),
        sa.CheckConstraint(
            "state in ('queued', 'sent', 'failed', 'dropped')", name=op.f("ck_subscription_deliveries_state")
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["subscriptions.id"],
            name=op.f("fk_subscription_deliveries_subscription_id_subscriptions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subscription_deliveries")),
        # A version reaches a subscriber once, whichever worker matched it (Rules §31в).
        sa.UniqueConstraint(
            "subscription_id",
            "resource",
            "version_id",
            name=op.f("uq_subscription_deliveries_subscription_id_resource_version_id"),
        ),
    )
    with op.batch_alter_table("subscription_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_subscription_deliveries_state_next_attempt_at"),
            ["state", "next_attempt_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("subscription_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscription_deliveries_state_next_attempt_at"))
    op.drop_table("subscription_deliveries")
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_subscriptions_state_channel"))
        batch_op.drop_index(batch_op.f("ix_subscriptions_address_created_at"))
    op.drop_table("subscriptions")
    op.drop_table("subscription_cursors")
