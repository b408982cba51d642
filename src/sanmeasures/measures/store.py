"""Storage of temporary sanitary measures (Table 4) and of their reviews (Table 5), Rules §26–30.

A measure is identified by the document that introduced it: country, number and date of
smcdo:MeasureDocDetails (Table 4 item 2; Table 5 items 2–4 name a measure the same way). Each
notice about it — introduction, change or cancellation (Rules §6в, §27) — is an immutable row of
``measure_versions``; the row of ``measures`` is the current view, derived in the same transaction.

How the action of a notice is recognised (R.SM.SS.09.001 has no element for it):

1. an explicit ``action`` given by the caller (e.g. the exchange layer knows the message kind) wins;
2. otherwise the first notice of a measure held here is "introduced";
3. a later notice whose end date (Table 4 item 7, csdo:EndDate) falls on or before the date of the
   document carrying it (csdo:EDocDateTime) is "cancelled" — the measure no longer applies from the
   day it is notified;
4. any other later notice is "changed".

Response measures (Table 4 item 3, smcdo:InitialMeasureDocDetails) point to the original measure
(``measures.original_measure_id``), resolved when it is held here — at once, or when the original
arrives later. Rules §30: the cases that justify a measure (its smcdo:IncidentAlertIdDetails) are
kept per version in ``measure_case_links``; Table 4 items 12 and 13 describe the situation and the
products but carry no registration number of a case, so they give no link. Reviews (Table 5, §28)
are kept even when the reviewed measure is not held here; links and reviews recorded before their
target arrived are resolved when read (those tables are append-only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as _postgresql  # noqa: F401  (storage.tables needs it loaded)
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.cases.store import CaseRef, find_case_id, measure_case_preference
from sanmeasures.contract import blocks as b
from sanmeasures.storage.tables import cases, measure_case_links, measure_reviews, measure_versions, measures

MeasureAction = Literal["introduced", "changed", "cancelled"]
ACTIONS: tuple[MeasureAction, ...] = ("introduced", "changed", "cancelled")

_NAME_MAX = 300


class MeasureIdentityError(ValueError):
    """The document of a measure lacks the country, number or date that identify the measure."""


@dataclass(frozen=True, order=True)
class MeasureKey:
    """Country, number and date of the document that introduced a measure (Table 4 item 2, Table 5 items 2–4)."""

    country: str
    document_number: str
    document_date: dt.date


def measure_key(doc: b.DocContentDetails, *, item: str = "Table 4 item 2") -> MeasureKey:
    """The key of the measure a document names; :class:`MeasureIdentityError` when incomplete."""
    key = _optional_key(doc)
    if key is None:
        missing = [
            name
            for name, value in (
                ("csdo:UnifiedCountryCode", doc.unified_country_code),
                ("csdo:DocId", doc.doc_id),
                ("csdo:DocCreationDate", doc.doc_creation_date),
            )
            if value is None
        ]
        raise MeasureIdentityError(
            f"the measure document ({item}) lacks {', '.join(missing)}: a measure is identified by the "
            "country, number and date of the document that introduced it"
        )
    return key


def _optional_key(doc: b.DocContentDetails | None) -> MeasureKey | None:
    if doc is None or doc.unified_country_code is None or doc.doc_id is None or doc.doc_creation_date is None:
        return None
    return MeasureKey(doc.unified_country_code.value, doc.doc_id, doc.doc_creation_date)


# ================================================================================================
# Records returned
# ================================================================================================
@dataclass(frozen=True)
class MeasureVersionRecord:
    measure_id: int
    version_id: int
    version: int
    action: MeasureAction
    key: MeasureKey
    original_measure_id: int | None  # Table 4 item 3 resolved (a response measure)
    created: bool  # False: the same notice (same document, same content) was already recorded


@dataclass(frozen=True)
class MeasureRef:
    id: int
    key: MeasureKey
    name: str
    state: str


@dataclass(frozen=True)
class MeasureVersion:
    id: int
    version: int
    action: MeasureAction
    document_id: int | None
    source: str
    data: dict[str, Any]
    recorded_at: dt.datetime


@dataclass(frozen=True)
class MeasureCaseLink:
    """Rules §30: a case named as the justification of the measure; ``case`` when held here."""

    case_country: str
    case_registration_number: str
    stated_in_version: int
    case: CaseRef | None


@dataclass(frozen=True)
class ReviewRecord:
    """Table 5: another authority's review of a measure (Rules §28), linked when the measure is held."""

    id: int
    measure_id: int | None
    measure_key: MeasureKey
    reviewer_country: str | None
    document_id: int
    data: dict[str, Any]
    recorded_at: dt.datetime
    created: bool = True  # False: this review document was already recorded


@dataclass(frozen=True)
class MeasureView:
    id: int
    key: MeasureKey
    name: str
    ground_code: str | None
    start_date: dt.date
    end_date: dt.date | None
    state: str
    summary: str
    current_version: int
    updated_at: dt.datetime
    original: MeasureRef | None  # the measure this one responds to, when held
    original_key: MeasureKey | None  # Table 4 item 3 as the latest version states it
    versions: list[MeasureVersion] = field(default_factory=list)
    cases: list[MeasureCaseLink] = field(default_factory=list)
    responses: list[MeasureRef] = field(default_factory=list)
    reviews: list[ReviewRecord] = field(default_factory=list)


# ================================================================================================
# Write side: measures
# ================================================================================================
def recognise_action(
    measure_model: b.TemporaryMeasureDetails,
    *,
    held: bool,
    document_date: dt.date | None,
    explicit: MeasureAction | None = None,
) -> MeasureAction:
    """The action of a notice (see the module docstring: explicit, first, end date reached, otherwise changed)."""
    if explicit is not None:
        if explicit not in ACTIONS:
            raise ValueError(f"unknown measure action {explicit!r}; one of {', '.join(ACTIONS)}")
        return explicit
    if not held:
        return "introduced"
    end = measure_model.end_date
    if end is not None and document_date is not None and end <= document_date:
        return "cancelled"
    return "changed"


async def record_measure_document(
    connection: AsyncConnection,
    document_model: Any,
    document_id: int | None,
    *,
    action: MeasureAction | None = None,
    source: str = "message",
) -> list[MeasureVersionRecord]:
    """Record every measure (smcdo:SanitaryMeasureDetails) of an R.SM.SS.09.001 document, in order.

    ``action`` applies to every measure of the document; None lets it be recognised per measure.
    """
    document_date = document_model.e_doc_header.e_doc_date_time.date()
    return [
        await record_measure(
            connection,
            element,
            document_id=document_id,
            document_date=document_date,
            action=action,
            source=source,
        )
        for element in document_model.sanitary_measure_details
    ]


async def record_measure(
    connection: AsyncConnection,
    measure_model: b.SanitaryMeasureDetails,
    *,
    document_id: int | None,
    document_date: dt.date | None,
    action: MeasureAction | None = None,
    source: str = "message",
) -> MeasureVersionRecord:
    """Append one notice about a measure, derive the current row, link its original and its cases."""
    key = measure_key(measure_model.measure_doc_details)
    data = measure_model.model_dump(mode="json")
    current = (
        await connection.execute(sa.select(measures).where(*_key_filter(key)).with_for_update())
    ).first()
    action = recognise_action(
        measure_model, held=current is not None, document_date=document_date, explicit=action
    )

    original_key = _optional_key(measure_model.initial_measure_doc_details)
    original_id: int | None = None
    if original_key is not None and original_key != key:
        original_id = await find_measure_id(connection, original_key)
    values = {
        "name": _clip(
            measure_model.measure_name or measure_model.measure_doc_details.doc_name or "", _NAME_MAX
        ),
        "ground_code": measure_model.measure_reason_code,
        "start_date": measure_model.start_date,
        "end_date": measure_model.end_date,
        "state": action,
        "summary": measure_summary(measure_model),
        "updated_at": dt.datetime.now(dt.UTC),
    }

    if current is None:
        measure_id = (
            await connection.execute(
                measures.insert()
                .values(
                    country=key.country,
                    document_number=key.document_number,
                    document_date=key.document_date,
                    original_measure_id=original_id,
                    current_version=1,
                    **values,
                )
                .returning(measures.c.id)
            )
        ).scalar_one()
        version = 1
        await _adopt_responses(connection, measure_id, key)
    else:
        measure_id = current.id
        repeat = await _repeat_of(connection, measure_id, document_id, data)
        if repeat is not None:
            return MeasureVersionRecord(
                measure_id, repeat.id, repeat.version, repeat.action, key, current.original_measure_id, False
            )
        version = current.current_version + 1
        if original_key is None:
            original_id = current.original_measure_id  # not restated: the link stays as it was
        await connection.execute(
            measures.update()
            .where(measures.c.id == measure_id)
            .values(current_version=version, original_measure_id=original_id, **values)
        )

    version_id = (
        await connection.execute(
            measure_versions.insert()
            .values(
                measure_id=measure_id,
                version=version,
                action=action,
                document_id=document_id,
                source=source,
                data=data,
            )
            .returning(measure_versions.c.id)
        )
    ).scalar_one()

    # Rules §30: the cases named as the justification of the measure.
    prefer = measure_case_preference(measure_model.measure_reason_code)
    for alert in measure_model.incident_alert_id_details:
        country, number = alert.unified_country_code.value, alert.incident_id
        await connection.execute(
            measure_case_links.insert().values(
                measure_version_id=version_id,
                measure_id=measure_id,
                case_id=await find_case_id(connection, country, number, prefer=prefer),
                case_country=country,
                case_registration_number=number,
            )
        )
    return MeasureVersionRecord(measure_id, version_id, version, action, key, original_id, True)


async def _adopt_responses(connection: AsyncConnection, measure_id: int, key: MeasureKey) -> None:
    """A measure arriving after its response measures: link the responses whose current version names it
    in Table 4 item 3 (smcdo:InitialMeasureDocDetails)."""
    initial = measure_versions.c.data
    responses = (
        sa.select(measure_versions.c.measure_id)
        .join(
            measures,
            sa.and_(
                measures.c.id == measure_versions.c.measure_id,
                measures.c.current_version == measure_versions.c.version,
            ),
        )
        .where(
            measures.c.original_measure_id.is_(None),
            measures.c.id != measure_id,
            initial[("initial_measure_doc_details", "unified_country_code", "value")].as_string()
            == key.country,
            initial[("initial_measure_doc_details", "doc_id")].as_string() == key.document_number,
            initial[("initial_measure_doc_details", "doc_creation_date")].as_string()
            == key.document_date.isoformat(),
        )
    )
    ids = (await connection.execute(responses)).scalars().all()
    if ids:
        await connection.execute(
            measures.update().where(measures.c.id.in_(ids)).values(original_measure_id=measure_id)
        )


async def _repeat_of(
    connection: AsyncConnection, measure_id: int, document_id: int | None, data: dict[str, Any]
) -> Any:
    query = sa.select(
        measure_versions.c.id, measure_versions.c.version, measure_versions.c.action, measure_versions.c.data
    ).where(measure_versions.c.measure_id == measure_id)
    if document_id is not None:
        query = query.where(measure_versions.c.document_id == document_id)
    else:
        query = query.order_by(measure_versions.c.version.desc()).limit(1)
    for row in (await connection.execute(query)).all():
        if row.data == data:
            return row
    return None


def measure_summary(measure_model: b.SanitaryMeasureDetails) -> str:
    """Readable text of a measure for search: name, description, grounds, activities, situation, products."""
    doc = measure_model.measure_doc_details
    parts: list[str | None] = [
        measure_model.measure_name,
        measure_model.description_text,
        measure_model.measure_justification_text,
        measure_model.measure_repeal_condition_text,
        doc.doc_name,
        doc.authority_name,
    ]
    for activity in measure_model.measure_implementation_details:
        parts += [activity.description_text, activity.region_name]
        if activity.border_checkpoint_details is not None:
            parts.append(activity.border_checkpoint_details.border_checkpoint_name)
    incident = measure_model.public_health_incident_details
    if incident is not None:
        disease = incident.disease_health_problem_details
        parts.append(disease.disease_health_problem_name)
        if disease.disease_health_problem_code is not None:
            parts.append(disease.disease_health_problem_code.value)
    for product in measure_model.non_compliant_sanitary_product_details:
        parts += [product.product_details.product_name, product.product_details.commodity_code]
        parts.append(product.sanitary_product_type_name)
    for alert in measure_model.incident_alert_id_details:
        parts.append(f"{alert.unified_country_code.value} {alert.incident_id}")
    if doc.unified_country_code is not None:
        parts.append(doc.unified_country_code.value)
    parts.append(doc.doc_id)
    return _join(parts)


# ================================================================================================
# Write side: reviews (Table 5)
# ================================================================================================
async def record_review(
    connection: AsyncConnection, consideration_model: Any, document_id: int
) -> ReviewRecord:
    """Record an R.SM.SS.09.003 review, linked to the measure it names (Table 5 items 2–4) when held here.

    The review is kept when the measure is not held (it is then found by the measure's key when read).
    A review document recorded twice is returned as stored (``created=False``).
    """
    stored = (
        await connection.execute(
            sa.select(measure_reviews).where(measure_reviews.c.document_id == document_id)
        )
    ).first()
    if stored is not None:
        return _review(stored, stored.measure_id, created=False)
    key = measure_key(consideration_model.measure_doc_details, item="Table 5 items 2–4")
    authority = consideration_model.unified_authority_details
    reviewer = None
    if authority is not None and authority.unified_country_code is not None:
        reviewer = authority.unified_country_code.value
    measure_id = await find_measure_id(connection, key)
    row = (
        await connection.execute(
            measure_reviews.insert()
            .values(
                measure_id=measure_id,
                measure_country=key.country,
                measure_document_number=key.document_number,
                measure_document_date=key.document_date,
                reviewer_country=reviewer,
                document_id=document_id,
                data=consideration_model.model_dump(mode="json"),
            )
            .returning(*measure_reviews.c)
        )
    ).one()
    return _review(row, measure_id)


def _review(row: Any, measure_id: int | None, *, created: bool = True) -> ReviewRecord:
    return ReviewRecord(
        id=row.id,
        measure_id=measure_id,
        measure_key=MeasureKey(row.measure_country, row.measure_document_number, row.measure_document_date),
        reviewer_country=row.reviewer_country,
        document_id=row.document_id,
        data=row.data,
        recorded_at=row.recorded_at,
        created=created,
    )


# ================================================================================================
# Read side
# ================================================================================================
def _key_filter(key: MeasureKey) -> tuple[Any, ...]:
    return (
        measures.c.country == key.country,
        measures.c.document_number == key.document_number,
        measures.c.document_date == key.document_date,
    )


async def find_measure_id(connection: AsyncConnection, key: MeasureKey) -> int | None:
    return (await connection.execute(sa.select(measures.c.id).where(*_key_filter(key)))).scalar_one_or_none()


async def measure_view(
    connection: AsyncConnection, country: str, document_number: str, document_date: dt.date
) -> MeasureView | None:
    """A measure with its versions (oldest first), the cases that justify it, its responses and reviews."""
    key = MeasureKey(country, document_number, document_date)
    row = (await connection.execute(sa.select(measures).where(*_key_filter(key)))).first()
    if row is None:
        return None
    versions = await _versions(connection, row.id)
    latest = versions[-1].data if versions else {}
    original = await _ref(connection, row.original_measure_id) if row.original_measure_id else None
    return MeasureView(
        id=row.id,
        key=key,
        name=row.name,
        ground_code=row.ground_code,
        start_date=row.start_date,
        end_date=row.end_date,
        state=row.state,
        summary=row.summary,
        current_version=row.current_version,
        updated_at=row.updated_at,
        original=original,
        original_key=_key_from_data(latest.get("initial_measure_doc_details")),
        versions=versions,
        cases=await _cases(connection, row.id, row.ground_code),
        responses=await _responses(connection, row.id),
        reviews=await reviews_of(connection, key),
    )


async def measure_history(
    connection: AsyncConnection, country: str, document_number: str, document_date: dt.date
) -> list[MeasureVersion]:
    """Every notice about a measure, oldest first; [] when not held."""
    measure_id = await find_measure_id(connection, MeasureKey(country, document_number, document_date))
    return [] if measure_id is None else await _versions(connection, measure_id)


async def reviews_of(connection: AsyncConnection, key: MeasureKey) -> list[ReviewRecord]:
    """Every review naming the measure ``key``, oldest first, whether or not the measure was held when it came."""
    measure_id = await find_measure_id(connection, key)
    rows = (
        await connection.execute(
            sa.select(measure_reviews)
            .where(
                measure_reviews.c.measure_country == key.country,
                measure_reviews.c.measure_document_number == key.document_number,
                measure_reviews.c.measure_document_date == key.document_date,
            )
            .order_by(measure_reviews.c.id)
        )
    ).all()
    return [_review(row, row.measure_id or measure_id) for row in rows]


async def _versions(connection: AsyncConnection, measure_id: int) -> list[MeasureVersion]:
    rows = (
        await connection.execute(
            sa.select(measure_versions)
            .where(measure_versions.c.measure_id == measure_id)
            .order_by(measure_versions.c.version)
        )
    ).all()
    return [
        MeasureVersion(
            row.id, row.version, row.action, row.document_id, row.source, row.data, row.recorded_at
        )
        for row in rows
    ]


async def _cases(
    connection: AsyncConnection, measure_id: int, ground_code: str | None
) -> list[MeasureCaseLink]:
    """The cases named by the measure's versions, one per case (its latest statement), resolved now."""
    rows = (
        await connection.execute(
            sa.select(measure_case_links, measure_versions.c.version)
            .join(measure_versions, measure_versions.c.id == measure_case_links.c.measure_version_id)
            .where(measure_case_links.c.measure_id == measure_id)
            .order_by(measure_versions.c.version, measure_case_links.c.id)
        )
    ).all()
    latest: dict[tuple[str, str], Any] = {}
    for row in rows:
        key = (row.case_country, row.case_registration_number)
        latest.pop(key, None)
        latest[key] = row
    found = []
    for row in latest.values():
        case_id = row.case_id
        if case_id is None:  # the case may have arrived after the measure
            case_id = await find_case_id(
                connection,
                row.case_country,
                row.case_registration_number,
                prefer=measure_case_preference(ground_code),
            )
        case = None
        if case_id is not None:
            target = (
                await connection.execute(
                    sa.select(
                        cases.c.id, cases.c.kind, cases.c.country, cases.c.registration_number, cases.c.title
                    ).where(cases.c.id == case_id)
                )
            ).one()
            case = CaseRef(target.id, target.kind, target.country, target.registration_number, target.title)
        found.append(MeasureCaseLink(row.case_country, row.case_registration_number, row.version, case))
    return found


async def _responses(connection: AsyncConnection, measure_id: int) -> list[MeasureRef]:
    rows = (
        await connection.execute(
            sa.select(measures).where(measures.c.original_measure_id == measure_id).order_by(measures.c.id)
        )
    ).all()
    return [_ref_of(row) for row in rows]


async def _ref(connection: AsyncConnection, measure_id: int) -> MeasureRef:
    row = (await connection.execute(sa.select(measures).where(measures.c.id == measure_id))).one()
    return _ref_of(row)


def _ref_of(row: Any) -> MeasureRef:
    return MeasureRef(
        row.id, MeasureKey(row.country, row.document_number, row.document_date), row.name, row.state
    )


def _key_from_data(doc: dict[str, Any] | None) -> MeasureKey | None:
    if not doc:
        return None
    country = (doc.get("unified_country_code") or {}).get("value")
    number, date = doc.get("doc_id"), doc.get("doc_creation_date")
    if not (country and number and date):
        return None
    return MeasureKey(country, number, dt.date.fromisoformat(date))


def _join(parts: Iterable[str | None]) -> str:
    seen: dict[str, None] = {}
    for part in parts:
        text = (part or "").strip()
        if text and text not in seen:
            seen[text] = None
    return " · ".join(seen)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
