"""Every table of the node, on one metadata (Alembic's target).

Two kinds of table:

- **append-only** — documents and every version table. Rules §19 and §24: records of the common
  resources are never deleted; every change is a new version. The database itself refuses UPDATE
  and DELETE on them (triggers, see ``APPEND_ONLY`` and the migrations).
- **current view** — one row per certificate, case or measure, derived from its versions in the
  same transaction as each new version: what search, filters and the status check read.

Search structures (PostgreSQL ``tsvector``/``pg_trgm`` indexes, SQLite FTS5 tables) differ per
engine and are created by the migrations, outside this metadata.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from sanmeasures.storage.engine import metadata

#: Integer keys that autoincrement on both engines (SQLite needs INTEGER PRIMARY KEY for rowid).
Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
#: JSON documents: JSONB on PostgreSQL.
Json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
Moment = sa.DateTime(timezone=True)


def _key() -> sa.Column:
    return sa.Column("id", Key, primary_key=True, autoincrement=True)


def _now() -> sa.Column:
    return sa.Column("recorded_at", Moment, nullable=False, server_default=sa.func.current_timestamp())


# --- the evidence: every document received or sent ---------------------------------------------------
documents = sa.Table(
    "documents",
    metadata,
    _key(),
    sa.Column("edoc_id", sa.String(36), nullable=False, unique=True),
    sa.Column("edoc_ref_id", sa.String(36), index=True),
    sa.Column("structure_code", sa.String(20), nullable=False, index=True),
    sa.Column("inf_envelope_code", sa.String(20)),
    sa.Column("edoc_date_time", Moment),
    sa.Column("language_code", sa.String(2)),
    sa.Column("direction", sa.String(3), nullable=False),  # "in" received, "out" sent
    sa.Column("sender", sa.String(100), nullable=False),
    sa.Column("recipients", Json, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("xml", sa.LargeBinary, nullable=False),
    _now(),
    sa.CheckConstraint("direction in ('in', 'out')", name="direction"),
)

# --- Table 1: the registry of state registration certificates (Rules §15, §35) ----------------------
certificates = sa.Table(
    "certificates",
    metadata,
    _key(),
    # "national": this node's part of the registry; "unified": the Commission's (§6а, §7а).
    sa.Column("registry", sa.String(8), nullable=False),
    sa.Column("registration_number", sa.String(50), nullable=False),  # normalised (T1/3)
    sa.Column("registration_number_as_written", sa.String(50), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("issued_on", sa.Date, nullable=False),
    sa.Column("status_code", sa.String(1), nullable=False),  # SM.CLS.006: 1 in force, 2 suspended, 3 annulled
    sa.Column("status_start", sa.Date, nullable=False),
    sa.Column("status_end", sa.Date),
    sa.Column("valid_from", sa.Date, nullable=False),
    sa.Column("valid_until", sa.Date),  # NULL with validity_unlimited: "не ограничен"
    sa.Column("validity_unlimited", sa.Boolean, nullable=False),
    sa.Column("product_name", sa.String(300), nullable=False),
    sa.Column("applicant_name", sa.String(300), nullable=False),
    sa.Column("manufacturer_name", sa.String(300), nullable=False),
    sa.Column("hs_codes", sa.String(200), nullable=False, server_default=""),  # space separated
    sa.Column("technical_regulations", sa.String(400), nullable=False, server_default=""),
    sa.Column("authority_name", sa.String(300), nullable=False),
    sa.Column("current_version", sa.Integer, nullable=False),
    sa.Column("updated_at", Moment, nullable=False),
    sa.UniqueConstraint("registry", "registration_number"),
    sa.CheckConstraint("registry in ('national', 'unified')", name="registry"),
    sa.Index(None, "country", "status_code"),
    # The published list is the unified registry, newest first (portal/resources.py): one index walk.
    sa.Index(None, "registry", "issued_on", "id"),
)
certificate_versions = sa.Table(
    "certificate_versions",
    metadata,
    _key(),
    sa.Column("certificate_id", Key, sa.ForeignKey("certificates.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("document_id", Key, sa.ForeignKey("documents.id")),  # NULL for a bulk import
    sa.Column("source", sa.String(20), nullable=False),  # "message", "import", "demo"
    sa.Column("status_code", sa.String(1), nullable=False),
    sa.Column("status_start", sa.Date, nullable=False),
    sa.Column("status_end", sa.Date),
    sa.Column("data", Json, nullable=False),  # the certificate as the model dumps it
    _now(),
    sa.UniqueConstraint("certificate_id", "version"),
)

# --- Tables 2 and 3: morbidity and dangerous-product cases (Rules §16–25) ----------------------------
cases = sa.Table(
    "cases",
    metadata,
    _key(),
    sa.Column("kind", sa.String(20), nullable=False),  # "morbidity" (T2) or "dangerous_product" (T3)
    # A case is identified by the reporting country and the authority's registration number (items 1, 3).
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("registration_number", sa.String(40), nullable=False),
    sa.Column("first_reported_on", sa.Date, nullable=False),
    sa.Column("last_reported_on", sa.Date, nullable=False),
    sa.Column("last_incident_kind", sa.String(2), nullable=False),  # SM.CLS.001
    sa.Column("closed_on", sa.Date),  # closure (§19) / archived (§24); T3/6 archive flag = 0
    sa.Column("title", sa.String(300), nullable=False),  # disease or product name
    sa.Column("disease_code", sa.String(20)),
    sa.Column("hs_code", sa.String(10)),
    sa.Column("product_type_code", sa.String(3)),
    sa.Column("manufacturer_name", sa.String(300)),
    sa.Column("manufacturer_country", sa.String(2)),
    sa.Column("summary", sa.Text, nullable=False, server_default=""),
    sa.Column("current_version", sa.Integer, nullable=False),
    sa.Column("updated_at", Moment, nullable=False),
    sa.UniqueConstraint("kind", "country", "registration_number"),
    sa.CheckConstraint("kind in ('morbidity', 'dangerous_product')", name="kind"),
    sa.Index(None, "kind", "country", "first_reported_on"),
)
case_versions = sa.Table(
    "case_versions",
    metadata,
    _key(),
    sa.Column("case_id", Key, sa.ForeignKey("cases.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("incident_kind", sa.String(2), nullable=False),  # first, update, closure, … (item 2)
    sa.Column("reported_on", sa.Date, nullable=False),  # item 4
    sa.Column("document_id", Key, sa.ForeignKey("documents.id")),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("data", Json, nullable=False),
    _now(),
    sa.UniqueConstraint("case_id", "version"),
)
#: Table 2 items 9.1/9.2, Rules §18, §23: a case linked to another (held here or not).
case_links = sa.Table(
    "case_links",
    metadata,
    _key(),
    sa.Column("case_version_id", Key, sa.ForeignKey("case_versions.id"), nullable=False),
    sa.Column("case_id", Key, sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("linked_case_id", Key, sa.ForeignKey("cases.id"), index=True),  # NULL: not held here
    sa.Column("linked_country", sa.String(2), nullable=False),
    sa.Column("linked_registration_number", sa.String(40), nullable=False),
    sa.Column("linked_incident_kind", sa.String(2), nullable=False),
    sa.Column("linked_reported_on", sa.Date, nullable=False),
    _now(),
    # Links are resolved when read, by the linked case's identity (it may arrive later).
    sa.Index("ix_case_links_linked_case", "linked_country", "linked_registration_number"),
)

# --- Tables 4 and 5: temporary sanitary measures and their reviews (Rules §26–30) -------------------
measures = sa.Table(
    "measures",
    metadata,
    _key(),
    # A measure is named by country, number and date of the document introducing it (T5 items 2–4).
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("document_number", sa.String(50), nullable=False),
    sa.Column("document_date", sa.Date, nullable=False),
    sa.Column("name", sa.String(300), nullable=False, server_default=""),
    sa.Column("ground_code", sa.String(1)),  # T4/8
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("end_date", sa.Date),
    sa.Column("state", sa.String(10), nullable=False),  # "introduced", "changed", "cancelled"
    sa.Column("original_measure_id", Key, sa.ForeignKey("measures.id")),  # a response measure (T4/3)
    sa.Column("summary", sa.Text, nullable=False, server_default=""),
    sa.Column("current_version", sa.Integer, nullable=False),
    sa.Column("updated_at", Moment, nullable=False),
    sa.UniqueConstraint("country", "document_number", "document_date"),
    sa.CheckConstraint("state in ('introduced', 'changed', 'cancelled')", name="state"),
)
measure_versions = sa.Table(
    "measure_versions",
    metadata,
    _key(),
    sa.Column("measure_id", Key, sa.ForeignKey("measures.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("action", sa.String(10), nullable=False),
    sa.Column("document_id", Key, sa.ForeignKey("documents.id")),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("data", Json, nullable=False),
    _now(),
    sa.UniqueConstraint("measure_id", "version"),
    sa.CheckConstraint("action in ('introduced', 'changed', 'cancelled')", name="action"),
)
#: Rules §30: the cases that justify a measure (T4 items 12–13, grounds 1 or 4).
measure_case_links = sa.Table(
    "measure_case_links",
    metadata,
    _key(),
    sa.Column("measure_version_id", Key, sa.ForeignKey("measure_versions.id"), nullable=False),
    sa.Column("measure_id", Key, sa.ForeignKey("measures.id"), nullable=False, index=True),
    sa.Column("case_id", Key, sa.ForeignKey("cases.id"), index=True),  # NULL: not held here
    sa.Column("case_country", sa.String(2), nullable=False),
    sa.Column("case_registration_number", sa.String(40), nullable=False),
    _now(),
    sa.Index("ix_measure_case_links_case", "case_country", "case_registration_number"),
)
#: Table 5, Rules §28: another state's review of a measure (or its response measure).
measure_reviews = sa.Table(
    "measure_reviews",
    metadata,
    _key(),
    sa.Column("measure_id", Key, sa.ForeignKey("measures.id"), index=True),  # NULL: measure not held
    sa.Column("measure_country", sa.String(2), nullable=False),
    sa.Column("measure_document_number", sa.String(50), nullable=False),
    sa.Column("measure_document_date", sa.Date, nullable=False),
    sa.Column("reviewer_country", sa.String(2)),
    sa.Column("document_id", Key, sa.ForeignKey("documents.id"), nullable=False),
    sa.Column("data", Json, nullable=False),
    _now(),
    sa.Index(
        "ix_measure_reviews_measure", "measure_country", "measure_document_number", "measure_document_date"
    ),
)

# --- Table 6, Rules §36, §14: requests and their answers, threaded by the document answered ----------
requests = sa.Table(
    "requests",
    metadata,
    _key(),
    # "additional_info" (T6), "laboratory_protocol" (§36), "information" (§14)
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("document_id", Key, sa.ForeignKey("documents.id"), nullable=False, unique=True),
    sa.Column("requester", sa.String(100), nullable=False),
    sa.Column("responder", sa.String(100), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),  # certificate number, case or measure named
    _now(),
)
answers = sa.Table(
    "answers",
    metadata,
    _key(),
    sa.Column("request_id", Key, sa.ForeignKey("requests.id"), nullable=False, index=True),
    sa.Column("document_id", Key, sa.ForeignKey("documents.id"), nullable=False, unique=True),
    sa.Column("refused", sa.Boolean, nullable=False, server_default=sa.false()),
    _now(),
)

# --- Form 1KT (Rules §7з, §31ж, §33, §44): one report per authority and year, with revisions --------
form_1kt_revisions = sa.Table(
    "form_1kt_revisions",
    metadata,
    _key(),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("state", sa.String(10), nullable=False),  # "draft" or "submitted"
    sa.Column("author", sa.String(100), nullable=False),
    sa.Column("data", Json, nullable=False),
    _now(),
    sa.UniqueConstraint("country", "year", "revision"),
    sa.CheckConstraint("state in ('draft', 'submitted')", name="state"),
)

#: Tables the database refuses to UPDATE or DELETE (Rules §19, §24; documents are evidence).
APPEND_ONLY: tuple[sa.Table, ...] = (
    documents,
    certificate_versions,
    case_versions,
    case_links,
    measure_versions,
    measure_case_links,
    measure_reviews,
    requests,
    answers,
    form_1kt_revisions,
)

# --- The exchange (Rules §34, DESIGN.md "signals") -----------------------------------------------------
#: One row per message and recipient: the transactional outbox and the delivery record at once.
#: Written in the same transaction as the business change; the relay publishes ``queued`` rows with
#: confirms and marks them ``sent``; signals move them on (received, accepted or rejected, answered);
#: past its transaction's time limits a row is re-sent with the same EDocId, then ``failed``.
deliveries = sa.Table(
    "deliveries",
    metadata,
    _key(),
    sa.Column("edoc_id", sa.String(36), nullable=False),
    sa.Column("recipient", sa.String(100), nullable=False),
    sa.Column("flow", sa.String(40), nullable=False),
    sa.Column("message_code", sa.String(20), nullable=False),
    sa.Column("document_id", Key, sa.ForeignKey("documents.id"), nullable=False),
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", Moment, nullable=False),  # when the relay (re)sends it
    sa.Column("deadline_at", Moment),  # when the next signal is due
    sa.Column("answer_edoc_id", sa.String(36)),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", Moment, nullable=False, server_default=sa.func.current_timestamp()),
    sa.Column("updated_at", Moment, nullable=False, server_default=sa.func.current_timestamp()),
    sa.UniqueConstraint("edoc_id", "recipient"),
    sa.CheckConstraint(
        "state in ('queued', 'sent', 'received', 'accepted', 'rejected', 'answered', 'failed')", name="state"
    ),
    sa.Index(None, "state", "next_attempt_at"),
    sa.Index(None, "deadline_at"),  # the relay's look for signals and answers overdue
)
#: Every state a delivery passed through, with what caused it: the timeline of a message.
delivery_events = sa.Table(
    "delivery_events",
    metadata,
    _key(),
    sa.Column("delivery_id", Key, sa.ForeignKey("deliveries.id"), nullable=False, index=True),
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("detail", Json, nullable=False),
    _now(),
)
#: Received documents by EDocId, stored in the same transaction as their effect; a repeat changes
#: nothing and gets the original signals back.
inbox = sa.Table(
    "inbox",
    metadata,
    _key(),
    sa.Column("receiver", sa.String(100), nullable=False),  # this node's participant id
    sa.Column("edoc_id", sa.String(36), nullable=False),
    sa.Column("document_id", Key, sa.ForeignKey("documents.id")),  # NULL: not even parseable
    sa.Column("sender", sa.String(100), nullable=False),
    sa.Column("outcome", sa.String(8), nullable=False),  # "accepted" or "rejected"
    sa.Column("receipt_document_id", Key, sa.ForeignKey("documents.id"), nullable=False),
    sa.Column("result_document_id", Key, sa.ForeignKey("documents.id"), nullable=False),
    _now(),
    sa.UniqueConstraint("receiver", "edoc_id"),
    sa.CheckConstraint("outcome in ('accepted', 'rejected')", name="outcome"),
)
#: The embedded broker's queues: undelivered messages survive a restart of the single process.
broker_messages = sa.Table(
    "broker_messages",
    metadata,
    _key(),
    sa.Column("queue", sa.String(100), nullable=False),
    sa.Column("routing_key", sa.String(140), nullable=False),
    sa.Column("headers", Json, nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("state", sa.String(8), nullable=False),  # "ready", "unacked", "dead"
    sa.Column("delivery_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("dead_reason", sa.Text),
    sa.Column("enqueued_at", Moment, nullable=False, server_default=sa.func.current_timestamp()),
    sa.CheckConstraint("state in ('ready', 'unacked', 'dead')", name="state"),
    sa.Index(None, "queue", "state", "id"),
)
#: Operator actions on messages (a dead letter replayed …): who, what, when.
audit_log = sa.Table(
    "audit_log",
    metadata,
    _key(),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("subject", sa.String(100), nullable=False),
    sa.Column("detail", Json, nullable=False),
    _now(),
)

APPEND_ONLY += (delivery_events, inbox, audit_log)

# --- participants' credentials (Rules §5–8: who may send what) ----------------------------------------
#: One API key per row; only its SHA-256 is kept (keys are long random tokens, found by their prefix).
api_keys = sa.Table(
    "api_keys",
    metadata,
    _key(),
    sa.Column("participant", sa.String(100), nullable=False, index=True),
    sa.Column("prefix", sa.String(16), nullable=False, unique=True),
    sa.Column("key_sha256", sa.String(64), nullable=False),
    sa.Column("revoked_at", Moment),
    _now(),
)

# --- Rules §17: a morbidity case is reported within 3 working days of the authority's decision ------
notice_timeliness = sa.Table(
    "notice_timeliness",
    metadata,
    _key(),
    sa.Column("document_id", Key, sa.ForeignKey("documents.id"), nullable=False),
    sa.Column("country", sa.String(2), nullable=False),
    sa.Column("registration_number", sa.String(40), nullable=False),
    sa.Column("decision_date", sa.Date, nullable=False),
    # "decision": stated by the sending authority; "notice": Table 2 item 4 (all a recipient knows)
    sa.Column("basis", sa.String(8), nullable=False),
    sa.Column("due_on", sa.Date, nullable=False),
    sa.Column("submitted_on", sa.Date, nullable=False),
    sa.Column("late", sa.Boolean, nullable=False),
    _now(),
    sa.UniqueConstraint("document_id", "registration_number"),
    sa.CheckConstraint("basis in ('decision', 'notice')", name="basis"),
)

# --- Rules §31в, §31а: subscriptions to updates of the published resources and to risk notices ------
#: One subscription: a saved search of one resource (``resource`` + ``filters``, empty: the whole
#: resource) or the risks of one member state (``risks_of``: its morbidity and dangerous-product cases
#: and its temporary measures), delivered to an Atom feed, a webhook or an e-mail address. The token is
#: the subscriber's only key to it (feed, confirmation, unsubscribing). ``since_*`` are the highest
#: version ids when it became active: older versions are never delivered to it.
subscriptions = sa.Table(
    "subscriptions",
    metadata,
    _key(),
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    sa.Column("resource", sa.String(20)),  # registry, morbidity, dangerous-products, measures
    sa.Column("risks_of", sa.String(2)),  # a member state (Rules §31а)
    sa.Column("filters", Json, nullable=False),
    sa.Column("channel", sa.String(8), nullable=False),
    sa.Column("address", sa.String(2048)),  # e-mail address or webhook URL; NULL for a feed
    sa.Column("secret", sa.String(64)),  # signs webhook bodies (HMAC-SHA256)
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("state", sa.String(12), nullable=False),  # pending (e-mail not confirmed), active, unsubscribed
    sa.Column("since_certificate_version", Key, nullable=False),
    sa.Column("since_case_version", Key, nullable=False),
    sa.Column("since_measure_version", Key, nullable=False),
    sa.Column("created_at", Moment, nullable=False),
    sa.Column("confirmed_at", Moment),
    sa.Column("unsubscribed_at", Moment),
    sa.CheckConstraint("channel in ('atom', 'webhook', 'email')", name="channel"),
    sa.CheckConstraint("state in ('pending', 'active', 'unsubscribed')", name="state"),
    sa.CheckConstraint("(resource IS NULL) <> (risks_of IS NULL)", name="scope"),
    sa.Index(None, "state", "channel"),
    sa.Index(None, "address", "created_at"),
)
#: What a subscription was sent: its confirmation request, a webhook's ping, and one row per matching
#: version (unique: a version reaches a subscriber once). Queued rows are sent, retried with back-off
#: (``next_attempt_at``), then ``sent`` or ``failed``; ``dropped`` when the subscriber left first.
subscription_deliveries = sa.Table(
    "subscription_deliveries",
    metadata,
    _key(),
    sa.Column("subscription_id", Key, sa.ForeignKey("subscriptions.id"), nullable=False),
    sa.Column("kind", sa.String(12), nullable=False),  # confirmation, ping, version
    sa.Column("resource", sa.String(20)),
    sa.Column("version_id", Key),  # an id of certificate_versions, case_versions or measure_versions
    sa.Column("state", sa.String(8), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", Moment, nullable=False),
    sa.Column("last_error", sa.Text),
    sa.Column("created_at", Moment, nullable=False),
    sa.Column("sent_at", Moment),
    sa.UniqueConstraint("subscription_id", "resource", "version_id"),
    sa.CheckConstraint("kind in ('confirmation', 'ping', 'version')", name="kind"),
    sa.CheckConstraint("state in ('queued', 'sent', 'failed', 'dropped')", name="state"),
    sa.Index(None, "state", "next_attempt_at"),
)
#: How far the matcher has read each version table: every id up to ``last_id`` is matched, except the
#: ``gaps`` ([first, last, noticed at] ranges of ids not yet visible: a transaction still open, or
#: rolled back), looked at again until they appear or are older than the grace period.
subscription_cursors = sa.Table(
    "subscription_cursors",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),  # the version table
    sa.Column("last_id", Key, nullable=False),
    sa.Column("gaps", Json, nullable=False),
    sa.Column("updated_at", Moment, nullable=False),
)
