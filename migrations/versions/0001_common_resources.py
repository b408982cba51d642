"""Common resources: documents, registry, cases, measures, requests, form 1KT; append-only triggers.

Rules §19 and §24: case records are never deleted. The database itself refuses UPDATE and
DELETE (and TRUNCATE on PostgreSQL) on the documents and every version table.

Revision ID: 0001
Revises:
Create Date: 2026-11-21 15:26:06.239572
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("registration_number", sa.String(length=40), nullable=False),
        sa.Column("first_reported_on", sa.Date(), nullable=False),
        sa.Column("last_reported_on", sa.Date(), nullable=False),
        sa.Column("last_incident_kind", sa.String(length=2), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("disease_code", sa.String(length=20), nullable=True),
        sa.Column("hs_code", sa.String(length=10), nullable=True),
        sa.Column("product_type_code", sa.String(length=3), nullable=True),
        sa.Column("manufacturer_name", sa.String(length=300), nullable=True),
        sa.Column("manufacturer_country", sa.String(length=2), nullable=True),
        sa.Column("summary", sa.Text(), server_default="", nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind in ('morbidity', 'dangerous_product')", name=op.f("ck_cases_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint(
            "kind", "country", "registration_number", name=op.f("uq_cases_kind_country_registration_number")
        ),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cases_kind_country_first_reported_on"),
            ["kind", "country", "first_reported_on"],
            unique=False,
        )

    op.create_table(
        "certificates",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("registry", sa.String(length=8), nullable=False),
        sa.Column("registration_number", sa.String(length=50), nullable=False),
        sa.Column("registration_number_as_written", sa.String(length=50), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("status_code", sa.String(length=1), nullable=False),
        sa.Column("status_start", sa.Date(), nullable=False),
        sa.Column("status_end", sa.Date(), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("validity_unlimited", sa.Boolean(), nullable=False),
        sa.Column("product_name", sa.String(length=300), nullable=False),
        sa.Column("applicant_name", sa.String(length=300), nullable=False),
        sa.Column("manufacturer_name", sa.String(length=300), nullable=False),
        sa.Column("hs_codes", sa.String(length=200), server_default="", nullable=False),
        sa.Column("technical_regulations", sa.String(length=400), server_default="", nullable=False),
        sa.Column("authority_name", sa.String(length=300), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("registry in ('national', 'unified')", name=op.f("ck_certificates_registry")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint(
            "registry", "registration_number", name=op.f("uq_certificates_registry_registration_number")
        ),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificates_country_status_code"), ["country", "status_code"], unique=False
        )

    op.create_table(
        "documents",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("edoc_id", sa.String(length=36), nullable=False),
        sa.Column("edoc_ref_id", sa.String(length=36), nullable=True),
        sa.Column("structure_code", sa.String(length=20), nullable=False),
        sa.Column("inf_envelope_code", sa.String(length=20), nullable=True),
        sa.Column("edoc_date_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("language_code", sa.String(length=2), nullable=True),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("sender", sa.String(length=100), nullable=False),
        sa.Column(
            "recipients",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("xml", sa.LargeBinary(), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("direction in ('in', 'out')", name=op.f("ck_documents_direction")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("edoc_id", name=op.f("uq_documents_edoc_id")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_edoc_ref_id"), ["edoc_ref_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_documents_structure_code"), ["structure_code"], unique=False)

    op.create_table(
        "form_1kt_revisions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint("state in ('draft', 'submitted')", name=op.f("ck_form_1kt_revisions_state")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_1kt_revisions")),
        sa.UniqueConstraint(
            "country", "year", "revision", name=op.f("uq_form_1kt_revisions_country_year_revision")
        ),
    )
    op.create_table(
        "measures",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("document_number", sa.String(length=50), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=300), server_default="", nullable=False),
        sa.Column("ground_code", sa.String(length=1), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("original_measure_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("summary", sa.Text(), server_default="", nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("state in ('introduced', 'changed', 'cancelled')", name=op.f("ck_measures_state")),
        sa.ForeignKeyConstraint(
            ["original_measure_id"], ["measures.id"], name=op.f("fk_measures_original_measure_id_measures")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measures")),
        sa.UniqueConstraint(
            "country",
            "document_number",
            "document_date",
            name=op.f("uq_measures_country_document_number_document_date"),
        ),
    )
    op.create_table(
        "case_versions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("incident_kind", sa.String(length=2), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("document_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_versions_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_case_versions_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_versions")),
        sa.UniqueConstraint("case_id", "version", name=op.f("uq_case_versions_case_id_version")),
    )
    op.create_table(
        "certificate_versions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("certificate_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("status_code", sa.String(length=1), nullable=False),
        sa.Column("status_start", sa.Date(), nullable=False),
        sa.Column("status_end", sa.Date(), nullable=True),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_certificate_versions_certificate_id_certificates"),
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_certificate_versions_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificate_versions")),
        sa.UniqueConstraint(
            "certificate_id", "version", name=op.f("uq_certificate_versions_certificate_id_version")
        ),
    )
    op.create_table(
        "measure_reviews",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("measure_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("measure_country", sa.String(length=2), nullable=False),
        sa.Column("measure_document_number", sa.String(length=50), nullable=False),
        sa.Column("measure_document_date", sa.Date(), nullable=False),
        sa.Column("reviewer_country", sa.String(length=2), nullable=True),
        sa.Column("document_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_measure_reviews_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measures.id"], name=op.f("fk_measure_reviews_measure_id_measures")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_reviews")),
    )
    with op.batch_alter_table("measure_reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measure_reviews_measure_id"), ["measure_id"], unique=False)

    op.create_table(
        "measure_versions",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("measure_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("document_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "action in ('introduced', 'changed', 'cancelled')", name=op.f("ck_measure_versions_action")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_measure_versions_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measures.id"], name=op.f("fk_measure_versions_measure_id_measures")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_versions")),
        sa.UniqueConstraint("measure_id", "version", name=op.f("uq_measure_versions_measure_id_version")),
    )
    op.create_table(
        "requests",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("document_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("requester", sa.String(length=100), nullable=False),
        sa.Column("responder", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_requests_document_id_documents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
        sa.UniqueConstraint("document_id", name=op.f("uq_requests_document_id")),
    )
    op.create_table(
        "answers",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("document_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("refused", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_answers_document_id_documents")
        ),
        sa.ForeignKeyConstraint(["request_id"], ["requests.id"], name=op.f("fk_answers_request_id_requests")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answers")),
        sa.UniqueConstraint("document_id", name=op.f("uq_answers_document_id")),
    )
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answers_request_id"), ["request_id"], unique=False)

    op.create_table(
        "case_links",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("case_version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("linked_case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("linked_country", sa.String(length=2), nullable=False),
        sa.Column("linked_registration_number", sa.String(length=40), nullable=False),
        sa.Column("linked_incident_kind", sa.String(length=2), nullable=False),
        sa.Column("linked_reported_on", sa.Date(), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_links_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["case_version_id"],
            ["case_versions.id"],
            name=op.f("fk_case_links_case_version_id_case_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["linked_case_id"], ["cases.id"], name=op.f("fk_case_links_linked_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_links")),
    )
    with op.batch_alter_table("case_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_links_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_links_linked_case_id"), ["linked_case_id"], unique=False)

    op.create_table(
        "measure_case_links",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("measure_version_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("measure_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("case_country", sa.String(length=2), nullable=False),
        sa.Column("case_registration_number", sa.String(length=40), nullable=False),
        sa.Column(
            "recorded_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_measure_case_links_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["measures.id"], name=op.f("fk_measure_case_links_measure_id_measures")
        ),
        sa.ForeignKeyConstraint(
            ["measure_version_id"],
            ["measure_versions.id"],
            name=op.f("fk_measure_case_links_measure_version_id_measure_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_case_links")),
    )
    with op.batch_alter_table("measure_case_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measure_case_links_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_measure_case_links_measure_id"), ["measure_id"], unique=False)

    # Read-side lookups of links by the identity of a record that may arrive later.
    op.create_index(
        "ix_case_links_linked_case",
        "case_links",
        ["linked_country", "linked_registration_number"],
    )
    op.create_index(
        "ix_measure_case_links_case",
        "measure_case_links",
        ["case_country", "case_registration_number"],
    )
    op.create_index(
        "ix_measure_reviews_measure",
        "measure_reviews",
        ["measure_country", "measure_document_number", "measure_document_date"],
    )
    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    op.drop_index("ix_measure_reviews_measure", "measure_reviews")
    op.drop_index("ix_measure_case_links_case", "measure_case_links")
    op.drop_index("ix_case_links_linked_case", "case_links")
    with op.batch_alter_table("measure_case_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_case_links_measure_id"))
        batch_op.drop_index(batch_op.f("ix_measure_case_links_case_id"))

    op.drop_table("measure_case_links")
    with op.batch_alter_table("case_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_links_linked_case_id"))
        batch_op.drop_index(batch_op.f("ix_case_links_case_id"))

    op.drop_table("case_links")
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_answers_request_id"))

    op.drop_table("answers")
    op.drop_table("requests")
    op.drop_table("measure_versions")
    with op.batch_alter_table("measure_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measure_reviews_measure_id"))

    op.drop_table("measure_reviews")
    op.drop_table("certificate_versions")
    op.drop_table("case_versions")
    op.drop_table("measures")
    op.drop_table("form_1kt_revisions")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_structure_code"))
        batch_op.drop_index(batch_op.f("ix_documents_edoc_ref_id"))

    op.drop_table("documents")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificates_country_status_code"))

    op.drop_table("certificates")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_kind_country_first_reported_on"))

    op.drop_table("cases")


#: Written out here, not imported: a migration must keep meaning what it meant when it was written.
APPEND_ONLY = (
    "documents",
    "certificate_versions",
    "case_versions",
    "case_links",
    "measure_versions",
    "measure_case_links",
    "measure_reviews",
    "requests",
    "answers",
    "form_1kt_revisions",
)
REFUSAL = "is append-only: records of the common resources are never changed or deleted (Rules §19, §24)"


def _create_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION sanmeasures_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% {REFUSAL}: % refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'restrict_violation';
            END $$
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION sanmeasures_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION sanmeasures_refuse_change()"
            )
    else:
        for table in APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} {REFUSAL}: {action} refused'); END"
                )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION sanmeasures_refuse_change()")
    else:
        for table in APPEND_ONLY:
            for action in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{action}")
