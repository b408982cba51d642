"""Storage of the registry of state registration certificates (Appendix 2, Table 1).

A certificate is keyed by its registry and its *normalised* registration number (Table 1 item 3,
:func:`~sanmeasures.contract.structures.certificate.normalise_registration_number`): look-alike
letters, spacing and case never make two certificates of one. Every change is a new row of the
append-only ``certificate_versions`` (the whole certificate as JSON); the row of ``certificates`` is
derived from the newest version in the same transaction and is what the status check reads.

Two registries share the tables and the code: ``national`` — this node's part of the unified
registry — and ``unified`` — the Commission's (Rules §6а, §7а). Rules §35: a national node's change
to a certificate goes to the Commission automatically; the Commission records it with the same
:func:`record_certificate`, in the ``unified`` registry.

Every function takes an :class:`~sqlalchemy.ext.asyncio.AsyncConnection` and runs inside the
caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.contract.structures.certificate import (
    RegistrationCertificateDetails,
    RegistrationNumberError,
    normalise_registration_number,
)
from sanmeasures.storage.tables import certificate_versions, certificates

Registry = Literal["national", "unified"]
Source = Literal["message", "import", "demo"]
#: What the status check answers (Rules §31з): the status of Table 1 item 6, or "expired" — in force
#: by its status, but the end date of its validity (item 5) has passed.
State = Literal["in_force", "suspended", "annulled", "expired"]

REGISTRIES: tuple[str, ...] = get_args(Registry)
SOURCES: tuple[str, ...] = get_args(Source)
#: SM.CLS.006 (Table 1 item 6): 1 in force, 2 suspended, 3 annulled (revoked).
STATUS_STATES: dict[str, State] = {"1": "in_force", "2": "suspended", "3": "annulled"}
STATE_NAMES: dict[str, tuple[str, str]] = {
    "in_force": ("действует", "in force"),
    "suspended": ("действие приостановлено", "suspended"),
    "annulled": ("аннулировано (отозвано)", "annulled (revoked)"),
    "expired": ("срок действия истек", "expired"),
}

_HS_CODES_WIDTH = certificates.c.hs_codes.type.length or 200
_REGULATIONS_WIDTH = certificates.c.technical_regulations.type.length or 400


# =================================================================================================
# What the functions answer
# =================================================================================================
@dataclass(frozen=True, slots=True)
class CertificateRecord:
    """A certificate as recorded: its row, the version now current, and whether a version was added."""

    id: int  # certificates.id
    registry: str
    registration_number: str  # normalised
    version: int  # the current version after the call
    created: bool  # False: identical to the current version, nothing appended (a re-delivery)


@dataclass(frozen=True, slots=True)
class StatusChange:
    """One status of a certificate in its history (Table 1 item 6: status, start and end dates)."""

    version: int  # the first version that carried this status
    status_code: str
    state: State
    start: dt.date
    end: dt.date | None
    recorded_at: dt.datetime


@dataclass(frozen=True, slots=True)
class CertificateStatus:
    """The answer of the certificate status check (Rules §31з)."""

    registry: str
    registration_number: str  # normalised
    registration_number_as_written: str  # as the authority wrote it (newest version)
    country: str
    state: State
    status_code: str  # SM.CLS.006
    status_start: dt.date
    status_end: dt.date | None
    issued_on: dt.date
    valid_from: dt.date
    valid_until: dt.date | None  # None: "не ограничен" (Table 1 item 5)
    validity_unlimited: bool
    product_name: str
    applicant_name: str
    manufacturer_name: str
    authority_name: str
    version: int
    updated_at: dt.datetime
    history: tuple[StatusChange, ...]  # oldest first; consecutive repeats of a status collapsed

    @property
    def state_ru(self) -> str:
        return STATE_NAMES[self.state][0]

    @property
    def state_en(self) -> str:
        return STATE_NAMES[self.state][1]


@dataclass(frozen=True, slots=True)
class CertificateVersion:
    """One stored version of a certificate (append-only)."""

    version: int
    source: str
    document_id: int | None
    status_code: str
    status_start: dt.date
    status_end: dt.date | None
    recorded_at: dt.datetime
    data: dict[str, Any]

    @property
    def certificate(self) -> RegistrationCertificateDetails:
        return RegistrationCertificateDetails.model_validate(self.data)


# =================================================================================================
# Recording
# =================================================================================================
async def record_certificate(
    connection: AsyncConnection,
    certificate: RegistrationCertificateDetails,
    *,
    registry: Registry,
    source: Source,
    document_id: int | None = None,
    at: dt.datetime | None = None,
) -> CertificateRecord:
    """Append a version of ``certificate`` and bring its current row up to date.

    The version number is the previous one + 1; a certificate identical to its current version is
    not appended again (an idempotent re-delivery) and comes back with ``created=False``. ``at`` is
    the moment of recording (default: now).
    """
    (record,) = await record_certificates(
        connection, [certificate], registry=registry, source=source, document_id=document_id, at=at
    )
    return record


async def record_certificates(
    connection: AsyncConnection,
    certificates_: Sequence[RegistrationCertificateDetails],
    *,
    registry: Registry,
    source: Source,
    document_id: int | None = None,
    at: dt.datetime | None = None,
) -> list[CertificateRecord]:
    """:func:`record_certificate` for many at once, in order (the bulk import's path): one round trip
    reads the current versions, one writes the current rows, one appends the versions.

    The same certificate may appear several times (a dump carrying its history): its occurrences are
    recorded one after the other, in the order given.
    """
    _check(registry, source)
    moment = at if at is not None else dt.datetime.now(dt.UTC)
    prepared = [_Pending(certificate) for certificate in certificates_]
    results: list[CertificateRecord | None] = [None] * len(prepared)
    remaining = list(range(len(prepared)))
    while remaining:
        # One occurrence of a number per round: a multi-row upsert may touch a row only once.
        seen: set[str] = set()
        this_round: list[int] = []
        later: list[int] = []
        for index in remaining:
            number = prepared[index].number
            (later if number in seen else this_round).append(index)
            seen.add(number)
        await _record_round(
            connection, prepared, this_round, results, _Write(registry, source, document_id, at, moment)
        )
        remaining = later
    return [record for record in results if record is not None]


class _Pending:
    """A certificate to record, with its normal number and its JSON made once, when first needed."""

    __slots__ = ("_data", "_json", "certificate", "number")

    def __init__(self, certificate: RegistrationCertificateDetails) -> None:
        self.certificate = certificate
        self.number = certificate.registration_number
        self._data: dict[str, Any] | None = None
        self._json: str | None = None

    @property
    def data(self) -> dict[str, Any]:
        """The whole certificate as the model dumps it (``model_dump(mode="json")``): the version's data."""
        if self._data is None:
            self._data = self.certificate.model_dump(mode="json")
        return self._data

    @property
    def json(self) -> str:
        """The same, as JSON text (pydantic's serializer: the same content, much faster than json.dumps)."""
        if self._json is None:
            self._json = self.certificate.model_dump_json()
        return self._json


@dataclass(frozen=True, slots=True)
class _Write:
    registry: str
    source: str
    document_id: int | None
    at: dt.datetime | None
    moment: dt.datetime


@dataclass(frozen=True, slots=True)
class _Current:
    id: int
    version: int
    data: dict[str, Any]


def _check(registry: str, source: str) -> None:
    if registry not in REGISTRIES:
        raise ValueError(f"registry must be one of {', '.join(REGISTRIES)}, not {registry!r}")
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, not {source!r}")


async def _record_round(
    connection: AsyncConnection,
    prepared: list[_Pending],
    indexes: list[int],
    results: list[CertificateRecord | None],
    write: _Write,
) -> None:
    current = await _current_versions(connection, write.registry, [prepared[i].number for i in indexes])
    changed: list[_Pending] = []
    positions: list[int] = []
    for index in indexes:
        pending = prepared[index]
        existing = current.get(pending.number)
        if existing is not None and existing.data == pending.data:
            results[index] = CertificateRecord(
                existing.id, write.registry, pending.number, existing.version, False
            )
        else:
            changed.append(pending)
            positions.append(index)
    if not changed:
        return
    if connection.dialect.name == "postgresql":
        written = await _write_postgresql(connection, changed, write)
    else:
        written = await _write_portable(connection, changed, write)
    for index, pending in zip(positions, changed, strict=True):
        certificate_id, version = written[pending.number]
        results[index] = CertificateRecord(certificate_id, write.registry, pending.number, version, True)


async def _current_versions(
    connection: AsyncConnection, registry: str, numbers: list[str]
) -> dict[str, _Current]:
    """The current row and version of each number held (locked until the end of the transaction)."""
    query = sa.select(
        certificates.c.id,
        certificates.c.registration_number,
        certificates.c.current_version,
        certificate_versions.c.data,
    )
    if connection.dialect.name == "postgresql":
        # The numbers as an array joined row by row, so each is one probe of the unique index. Given
        # an IN list of 2,000, the planner may take the trigram index of the search instead (seconds
        # per batch) or, with the young statistics of a bulk load, scan the whole registry.
        wanted = (
            sa.func.unnest(sa.cast(sa.bindparam("numbers", numbers), ARRAY(sa.String)))
            .table_valued("number")
            .render_derived()
        )
        query = query.select_from(
            wanted.join(
                certificates,
                (certificates.c.registry == registry)
                & (certificates.c.registration_number == wanted.c.number),
            )
        )
    else:
        query = query.where(
            certificates.c.registry == registry, certificates.c.registration_number.in_(numbers)
        )
    query = query.join(
        certificate_versions,
        (certificate_versions.c.certificate_id == certificates.c.id)
        & (certificate_versions.c.version == certificates.c.current_version),
    ).with_for_update(of=certificates)  # PostgreSQL; SQLite serialises writers anyway
    rows = (await connection.execute(query)).all()
    return {row.registration_number: _Current(row.id, row.current_version, row.data) for row in rows}


# --- the current rows and the versions: the same rows on both engines ------------------------------
def _joined(values: Sequence[str], separator: str, width: int) -> str:
    """Whole values joined while they fit the column (the full list stays in the version's data)."""
    text = separator.join(values)
    if len(text) <= width:
        return text
    text = ""
    for value in values:
        candidate = f"{text}{separator}{value}" if text else value
        if len(candidate) > width:
            break
        text = candidate
    return text


def _current_row(pending: _Pending) -> dict[str, Any]:
    """The ``certificates`` columns derived from a version (Table 1 items 1, 3–10, 12)."""
    certificate = pending.certificate
    validity = certificate.certificate_validity_period_details
    status = certificate.certificate_status_details
    product = certificate.certificate_product_details
    return {
        "registration_number": pending.number,
        "registration_number_as_written": certificate.registration_number_as_written,
        "country": certificate.unified_country_code.value,
        "issued_on": certificate.doc_creation_date,
        "status_code": status.certificate_status_code.value,
        "status_start": status.start_date,
        "status_end": status.end_date,
        "valid_from": validity.start_date,
        "valid_until": validity.end_date,
        "validity_unlimited": validity.unlimited,
        "product_name": product.product_name,
        "applicant_name": certificate.applicant_details.business_entity_name,
        "manufacturer_name": certificate.manufacturer_details.business_entity_name,
        "hs_codes": _joined(product.commodity_code, " ", _HS_CODES_WIDTH),
        "technical_regulations": _joined(
            certificate.union_act_details.technical_regulation_id, "; ", _REGULATIONS_WIDTH
        ),
        "authority_name": certificate.unified_authority_details.authority_name,
    }


def _version_row(pending: _Pending) -> dict[str, Any]:
    status = pending.certificate.certificate_status_details
    return {
        "status_code": status.certificate_status_code.value,
        "status_start": status.start_date,
        "status_end": status.end_date,
    }


#: Columns of the current row that follow the version (all but the key and the version counter).
_DERIVED: tuple[str, ...] = (
    "registration_number_as_written",
    "country",
    "issued_on",
    "status_code",
    "status_start",
    "status_end",
    "valid_from",
    "valid_until",
    "validity_unlimited",
    "product_name",
    "applicant_name",
    "manufacturer_name",
    "hs_codes",
    "technical_regulations",
    "authority_name",
    "updated_at",
)


# --- portable (SQLite): executemany with INSERT … ON CONFLICT … RETURNING ---------------------------
def _upsert(dialect: str) -> Any:
    """INSERT … ON CONFLICT (registry, registration_number) DO UPDATE … RETURNING.

    The version is counted by the database (``current_version + 1`` under the row lock the upsert
    takes), so two writers of one certificate can never claim the same version number.
    """
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(certificates)
    update: dict[str, Any] = {name: statement.excluded[name] for name in _DERIVED}
    update["current_version"] = certificates.c.current_version + 1
    return statement.on_conflict_do_update(
        index_elements=[certificates.c.registry, certificates.c.registration_number], set_=update
    ).returning(certificates.c.id, certificates.c.registration_number, certificates.c.current_version)


async def _write_portable(
    connection: AsyncConnection, changed: list[_Pending], write: _Write
) -> dict[str, tuple[int, int]]:
    rows = [
        {**_current_row(p), "registry": write.registry, "current_version": 1, "updated_at": write.moment}
        for p in changed
    ]
    returned = await connection.execute(_upsert(connection.dialect.name), rows)
    # Keyed by number, not by position: the order RETURNING gives rows back is not relied on.
    written = {row.registration_number: (row.id, row.current_version) for row in returned}
    versions = []
    for pending in changed:
        certificate_id, version = written[pending.number]
        row = {
            **_version_row(pending),
            "certificate_id": certificate_id,
            "version": version,
            "document_id": write.document_id,
            "source": write.source,
            "data": pending.data,
        }
        if write.at is not None:
            row["recorded_at"] = write.at
        versions.append(row)
    await connection.execute(certificate_versions.insert(), versions)
    return written


# --- PostgreSQL: one statement per table and batch, the rows as arrays (unnest) ---------------------
# A multi-row INSERT … VALUES of 2,000 rows × 20 columns costs more to build, send and plan than to
# run; a dozen array parameters unnested server-side do the same work in one small statement.
_PG_ARRAY_TYPES: dict[str, str] = {
    "registration_number": "VARCHAR[]",
    "registration_number_as_written": "VARCHAR[]",
    "country": "VARCHAR[]",
    "issued_on": "DATE[]",
    "status_code": "VARCHAR[]",
    "status_start": "DATE[]",
    "status_end": "DATE[]",
    "valid_from": "DATE[]",
    "valid_until": "DATE[]",
    "validity_unlimited": "BOOLEAN[]",
    "product_name": "VARCHAR[]",
    "applicant_name": "VARCHAR[]",
    "manufacturer_name": "VARCHAR[]",
    "hs_codes": "VARCHAR[]",
    "technical_regulations": "VARCHAR[]",
    "authority_name": "VARCHAR[]",
}
_PG_COLUMNS = tuple(_PG_ARRAY_TYPES)
_PG_UPSERT = sa.text(
    f"INSERT INTO certificates (registry, {', '.join(_PG_COLUMNS)}, current_version, updated_at) "
    f"SELECT CAST(:registry AS VARCHAR), {', '.join(f't.{c}' for c in _PG_COLUMNS)}, 1, "
    "CAST(:updated_at AS TIMESTAMPTZ) "
    f"FROM unnest({', '.join(f'CAST(:{c} AS {t})' for c, t in _PG_ARRAY_TYPES.items())}) "
    f"AS t({', '.join(_PG_COLUMNS)}) "
    "ON CONFLICT (registry, registration_number) DO UPDATE SET "
    f"{', '.join(f'{c} = excluded.{c}' for c in _DERIVED)}, "
    "current_version = certificates.current_version + 1 "
    "RETURNING id, registration_number, current_version"
)
_PG_VERSIONS = sa.text(
    "INSERT INTO certificate_versions (certificate_id, version, document_id, source, status_code, "
    "status_start, status_end, data, recorded_at) "
    "SELECT t.certificate_id, t.version, CAST(:document_id AS BIGINT), CAST(:source AS VARCHAR), "
    "t.status_code, t.status_start, t.status_end, CAST(t.data AS JSONB), "
    "COALESCE(CAST(:recorded_at AS TIMESTAMPTZ), CURRENT_TIMESTAMP) "
    "FROM unnest(CAST(:certificate_id AS BIGINT[]), CAST(:version AS INTEGER[]), "
    "CAST(:status_code AS VARCHAR[]), CAST(:status_start AS DATE[]), CAST(:status_end AS DATE[]), "
    "CAST(:data AS TEXT[])) AS t(certificate_id, version, status_code, status_start, status_end, data)"
)


async def _write_postgresql(
    connection: AsyncConnection, changed: list[_Pending], write: _Write
) -> dict[str, tuple[int, int]]:
    rows = [_current_row(p) for p in changed]
    parameters: dict[str, Any] = {column: [row[column] for row in rows] for column in _PG_COLUMNS}
    parameters.update(registry=write.registry, updated_at=write.moment)
    returned = await connection.execute(_PG_UPSERT, parameters)
    written = {row.registration_number: (row.id, row.current_version) for row in returned}
    ids_versions = [written[p.number] for p in changed]
    statuses = [_version_row(p) for p in changed]
    await connection.execute(
        _PG_VERSIONS,
        {
            "certificate_id": [certificate_id for certificate_id, _ in ids_versions],
            "version": [version for _, version in ids_versions],
            "document_id": write.document_id,
            "source": write.source,
            "status_code": [s["status_code"] for s in statuses],
            "status_start": [s["status_start"] for s in statuses],
            "status_end": [s["status_end"] for s in statuses],
            "data": [p.json for p in changed],
            "recorded_at": write.at,
        },
    )
    return written


# =================================================================================================
# Reading
# =================================================================================================
def _normal(number: str) -> str | None:
    try:
        return normalise_registration_number(number)
    except (RegistrationNumberError, TypeError):
        return None


#: The status check: one exact lookup on the unique (registry, registration_number) index, joined
#: with the status of every version (indexed by (certificate_id, version)) — one round trip.
_STATUS_QUERY = (
    sa.select(
        certificates,
        certificate_versions.c.version.label("v_version"),
        certificate_versions.c.status_code.label("v_status_code"),
        certificate_versions.c.status_start.label("v_status_start"),
        certificate_versions.c.status_end.label("v_status_end"),
        certificate_versions.c.recorded_at.label("v_recorded_at"),
    )
    .join(certificate_versions, certificate_versions.c.certificate_id == certificates.c.id)
    .where(
        certificates.c.registry == sa.bindparam("registry"),
        certificates.c.registration_number == sa.bindparam("number"),
    )
    .order_by(certificate_versions.c.version)
)


def state_of(status_code: str, valid_until: dt.date | None, today: dt.date) -> State:
    """Table 1 items 5 and 6: the status, or "expired" when in force but its validity has ended."""
    state = STATUS_STATES.get(status_code, "in_force")
    if state == "in_force" and valid_until is not None and valid_until < today:
        return "expired"
    return state


async def status_of(
    connection: AsyncConnection,
    number: str,
    *,
    registry: Registry = "unified",
    today: dt.date | None = None,
) -> CertificateStatus | None:
    """The certificate status check (Rules §31з) by registration number as anyone writes it.

    The number is normalised (look-alike Latin/Cyrillic letters, spaces, case); None means "unknown":
    no such certificate in the registry, or a text that cannot be a registration number at all.
    """
    if registry not in REGISTRIES:
        raise ValueError(f"registry must be one of {', '.join(REGISTRIES)}, not {registry!r}")
    normal = _normal(number)
    if normal is None:
        return None
    rows = (await connection.execute(_STATUS_QUERY, {"registry": registry, "number": normal})).all()
    if not rows:
        return None
    row = rows[-1]
    history: list[StatusChange] = []
    for version in rows:
        key = (version.v_status_code, version.v_status_start, version.v_status_end)
        if history and (history[-1].status_code, history[-1].start, history[-1].end) == key:
            continue
        history.append(
            StatusChange(
                version=version.v_version,
                status_code=version.v_status_code,
                state=STATUS_STATES.get(version.v_status_code, "in_force"),
                start=version.v_status_start,
                end=version.v_status_end,
                recorded_at=version.v_recorded_at,
            )
        )
    return CertificateStatus(
        registry=row.registry,
        registration_number=row.registration_number,
        registration_number_as_written=row.registration_number_as_written,
        country=row.country,
        state=state_of(row.status_code, row.valid_until, today or dt.date.today()),
        status_code=row.status_code,
        status_start=row.status_start,
        status_end=row.status_end,
        issued_on=row.issued_on,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        validity_unlimited=row.validity_unlimited,
        product_name=row.product_name,
        applicant_name=row.applicant_name,
        manufacturer_name=row.manufacturer_name,
        authority_name=row.authority_name,
        version=row.current_version,
        updated_at=row.updated_at,
        history=tuple(history),
    )


async def history(
    connection: AsyncConnection, number: str, *, registry: Registry
) -> list[CertificateVersion]:
    """Every version of a certificate, oldest first (empty when the number is unknown)."""
    normal = _normal(number)
    if normal is None:
        return []
    query = (
        sa.select(certificate_versions)
        .join(certificates, certificate_versions.c.certificate_id == certificates.c.id)
        .where(certificates.c.registry == registry, certificates.c.registration_number == normal)
        .order_by(certificate_versions.c.version)
    )
    return [
        CertificateVersion(
            version=row.version,
            source=row.source,
            document_id=row.document_id,
            status_code=row.status_code,
            status_start=row.status_start,
            status_end=row.status_end,
            recorded_at=row.recorded_at,
            data=row.data,
        )
        for row in (await connection.execute(query)).all()
    ]
