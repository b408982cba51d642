"""Storage of morbidity cases (Table 2) and dangerous-product cases (Table 3), Rules §16–25.

A case is identified by the reporting country and the authority's registration number (items 1
and 3: csdo:UnifiedCountryCode, smsdo:IncidentId); both databases share one storage shape,
told apart by ``cases.kind``. Every notice about a case — first (SM.CLS.001 "1"), update ("2",
Rules §18, §23), closure ("3", §19, §24), safety confirmed ("4", §24), correction ("5") — is an
immutable row of ``case_versions``: Rules §19 and §24, "не подлежат исключению". The row of
``cases`` is the current view, derived from the versions in the same transaction.

Links between cases (Table 2 items 9.1/9.2, Rules §18, §23: the confirmed relation between a
morbidity case and a dangerous-product case) are kept as stated by each version
(``case_links``, append-only). A link names the other case by country and registration
number; ``linked_case_id`` is filled when that case is already held here, and a link to a case
that arrives later is resolved when read (:func:`links_to`, :func:`case_view`), since the
append-only rows are never updated.

Everything runs on the caller's :class:`AsyncConnection`, inside the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as _postgresql  # noqa: F401  (storage.tables needs it loaded)
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.contract import blocks as b
from sanmeasures.storage.tables import case_links, case_versions, cases, measure_case_links, measures

CaseKind = Literal["morbidity", "dangerous_product"]
KINDS: tuple[CaseKind, ...] = ("morbidity", "dangerous_product")

#: SM.CLS.001 kinds of notice (Table 2/3 item 2).
FIRST, UPDATE, CLOSURE, SAFETY_CONFIRMED, CORRECTION = "1", "2", "3", "4", "5"
#: Notices that end a case: Rules §19 (measures of localisation and elimination completed) and §24
#: (measures completed, or the safety of the product confirmed).
CLOSING_KINDS = frozenset({CLOSURE, SAFETY_CONFIRMED})

AlertCase = b.PublicHealthAlertDetails | b.DangerousProductAlertDetails

_TITLE_MAX = 300
_NAME_MAX = 300


# ================================================================================================
# Records returned
# ================================================================================================
@dataclass(frozen=True)
class CaseVersionRecord:
    """One notice as recorded: the case it belongs to and its version number."""

    case_id: int
    version_id: int
    version: int
    kind: CaseKind
    country: str
    registration_number: str
    incident_kind: str
    reported_on: dt.date
    created: bool  # False: the same notice (same document, same content) was already recorded


@dataclass(frozen=True)
class CaseRef:
    """A case held here, by its identity."""

    id: int
    kind: CaseKind
    country: str
    registration_number: str
    title: str


@dataclass(frozen=True)
class CaseVersion:
    """A row of ``case_versions``: one notice as it was received (``data`` is the case element dumped)."""

    id: int
    version: int
    incident_kind: str
    reported_on: dt.date
    document_id: int | None
    source: str
    data: dict[str, Any]
    recorded_at: dt.datetime


@dataclass(frozen=True)
class CaseLink:
    """Table 2 items 9.1/9.2: ``case`` states a link to the case named by ``linked_country`` and
    ``linked_registration_number`` (its item 2 and item 4 as stated); ``linked`` is that case when held
    here — resolved at recording or, if it arrived later, when read."""

    case: CaseRef
    stated_in_version: int
    linked_country: str
    linked_registration_number: str
    linked_incident_kind: str
    linked_reported_on: dt.date
    linked: CaseRef | None


@dataclass(frozen=True)
class JustifiedMeasure:
    """Rules §30: a temporary measure that names this case as its justification."""

    measure_id: int
    country: str
    document_number: str
    document_date: dt.date
    name: str
    state: str


@dataclass(frozen=True)
class CaseView:
    """The current view of a case with its whole history (oldest first) and links both ways."""

    id: int
    kind: CaseKind
    country: str
    registration_number: str
    first_reported_on: dt.date
    last_reported_on: dt.date
    last_incident_kind: str
    closed_on: dt.date | None
    title: str
    disease_code: str | None
    hs_code: str | None
    product_type_code: str | None
    manufacturer_name: str | None
    manufacturer_country: str | None
    summary: str
    current_version: int
    updated_at: dt.datetime
    versions: list[CaseVersion] = field(default_factory=list)
    links: list[CaseLink] = field(default_factory=list)  # stated by this case
    linked_from: list[CaseLink] = field(default_factory=list)  # stated by other cases about this one
    measures: list[JustifiedMeasure] = field(default_factory=list)

    @property
    def archive_flag(self) -> int:
        """Table 3 item 6 «Признак архивации сообщения»: 0 archived (closed), 1 current (SM.CLS.007)."""
        return 0 if self.closed_on is not None else 1

    @property
    def ref(self) -> CaseRef:
        return CaseRef(self.id, self.kind, self.country, self.registration_number, self.title)


# ================================================================================================
# Write side
# ================================================================================================
def kind_of(case_model: AlertCase) -> CaseKind:
    """The database a case element belongs to: Table 2 (morbidity) or Table 3 (dangerous product)."""
    if isinstance(case_model, b.PublicHealthAlertDetails):
        return "morbidity"
    if isinstance(case_model, b.DangerousProductAlertDetails):
        return "dangerous_product"
    raise TypeError(f"not a case element: {type(case_model).__name__}")


async def record_alert_document(
    connection: AsyncConnection, document_model: Any, document_id: int | None, *, source: str = "message"
) -> list[CaseVersionRecord]:
    """Record every case an R.SM.SS.08.001 or R.SM.SS.08.002 document carries, in document order."""
    if hasattr(document_model, "public_health_alert_details"):
        elements: Sequence[AlertCase] = document_model.public_health_alert_details
    elif hasattr(document_model, "dangerous_product_alert_details"):
        elements = document_model.dangerous_product_alert_details
    else:
        raise TypeError(f"not an alert document (R.SM.SS.08.001/002): {type(document_model).__name__}")
    return [
        await record_case_notice(
            connection, element, kind=kind_of(element), document_id=document_id, source=source
        )
        for element in elements
    ]


async def record_case_notice(
    connection: AsyncConnection,
    case_model: AlertCase,
    *,
    kind: CaseKind,
    document_id: int | None,
    source: str = "message",
) -> CaseVersionRecord:
    """Append one notice (one smcdo:PublicHealthAlertDetails or smcdo:DangerousProductAlertDetails) to its case.

    The case is found or created by (kind, country, registration number); the notice becomes version
    n+1 and the current row is derived from it and the previous versions. A repeat of a notice already
    recorded from the same document (or, without a document, identical to the latest version) is not
    recorded twice: the stored version is returned with ``created=False``.
    """
    if kind != kind_of(case_model):
        raise ValueError(f"a {type(case_model).__name__} element is not a {kind} case")
    country = case_model.unified_country_code.value
    number = case_model.incident_id
    data = case_model.model_dump(mode="json")
    facts = notice_facts(case_model)

    current = (
        await connection.execute(
            sa.select(cases)
            .where(cases.c.kind == kind, cases.c.country == country, cases.c.registration_number == number)
            .with_for_update()
        )
    ).first()

    now = dt.datetime.now(dt.UTC)
    if current is None:
        values = derive_current(None, facts)
        case_id = (
            await connection.execute(
                cases.insert()
                .values(
                    kind=kind,
                    country=country,
                    registration_number=number,
                    current_version=1,
                    updated_at=now,
                    **values,
                )
                .returning(cases.c.id)
            )
        ).scalar_one()
        version = 1
    else:
        case_id = current.id
        repeat = await _repeat_of(connection, case_id, document_id, data)
        if repeat is not None:
            return CaseVersionRecord(
                case_id,
                repeat.id,
                repeat.version,
                kind,
                country,
                number,
                repeat.incident_kind,
                repeat.reported_on,
                created=False,
            )
        version = current.current_version + 1
        values = derive_current(dict(current._mapping), facts)
        await connection.execute(
            cases.update()
            .where(cases.c.id == case_id)
            .values(current_version=version, updated_at=now, **values)
        )

    version_id = (
        await connection.execute(
            case_versions.insert()
            .values(
                case_id=case_id,
                version=version,
                incident_kind=facts.incident_kind,
                reported_on=facts.reported_on,
                document_id=document_id,
                source=source,
                data=data,
            )
            .returning(case_versions.c.id)
        )
    ).scalar_one()

    # Table 2 items 9.1/9.2 (only the morbidity structure carries them on the wire).
    for link in getattr(case_model, "incident_alert_id_details", []):
        linked = await find_case_id(
            connection, link.unified_country_code.value, link.incident_id, prefer=_link_preference(kind)
        )
        await connection.execute(
            case_links.insert().values(
                case_version_id=version_id,
                case_id=case_id,
                linked_case_id=linked,
                linked_country=link.unified_country_code.value,
                linked_registration_number=link.incident_id,
                linked_incident_kind=link.incident_kind_code,
                linked_reported_on=link.doc_creation_date,
            )
        )
    return CaseVersionRecord(
        case_id, version_id, version, kind, country, number, facts.incident_kind, facts.reported_on, True
    )


async def _repeat_of(
    connection: AsyncConnection, case_id: int, document_id: int | None, data: dict[str, Any]
) -> Any:
    """The version already recorded for this notice, if any."""
    query = sa.select(
        case_versions.c.id,
        case_versions.c.version,
        case_versions.c.incident_kind,
        case_versions.c.reported_on,
        case_versions.c.data,
    ).where(case_versions.c.case_id == case_id)
    if document_id is not None:
        query = query.where(case_versions.c.document_id == document_id)
    else:
        query = query.order_by(case_versions.c.version.desc()).limit(1)
    for row in (await connection.execute(query)).all():
        if row.data == data:
            return row
    return None


# --- what one notice says, and how the current view follows from the notices -----------------------
@dataclass(frozen=True)
class NoticeFacts:
    """The current-view fields one notice states (None: not stated by this notice)."""

    incident_kind: str
    reported_on: dt.date
    end_date: dt.date | None
    has_body: bool  # carries the case itself (Table 2 item 6 / Table 3 item 7)
    title: str | None
    disease_code: str | None
    hs_code: str | None
    product_type_code: str | None
    manufacturer_name: str | None
    manufacturer_country: str | None
    fallback_title: str
    summary: str


def notice_facts(case_model: AlertCase) -> NoticeFacts:
    """Read the fields of the current view from one case element."""
    parts: list[str | None] = []
    title = disease_code = hs_code = product_type_code = maker = maker_country = None
    if isinstance(case_model, b.PublicHealthAlertDetails):
        fallback = f"Случай болезни (отравления) {case_model.incident_id}"
        incident = case_model.public_health_incident_details
        if incident is not None:
            disease = incident.disease_health_problem_details
            code = disease.disease_health_problem_code
            disease_code = code.value[:20] if code is not None else None  # cases.disease_code is 20 long
            title = disease.disease_health_problem_name or disease_code
            parts += [disease.disease_health_problem_name, disease_code]
            for pathogen in disease.pathogen_details:
                parts += [pathogen.pathogen_kind_name, pathogen.pathogen_name]
            parts += _place_text(incident.detection_place_details)
            for zone in incident.spreading_zone_details:
                parts += _place_text(zone)
        parts += list(case_model.measure_name)
        for link in case_model.incident_alert_id_details:
            parts.append(f"{link.unified_country_code.value} {link.incident_id}")
    else:
        fallback = f"Опасная продукция {case_model.incident_id}"
        product = case_model.non_compliant_sanitary_product_details
        if product is not None:
            details = product.product_details
            title = details.product_name
            hs_code = details.commodity_code
            if product.sanitary_product_type_code is not None:
                product_type_code = product.sanitary_product_type_code.value
            parts += [details.product_name, *details.product_trade_name, details.description_text, hs_code]
            parts.append(product.sanitary_product_type_name)
            party = product.supply_chain_party_details
            if party is not None:
                maker = party.business_entity_name or party.business_entity_brief_name
                if party.unified_country_code is not None:
                    maker_country = party.unified_country_code.value
                parts += [party.business_entity_name, party.business_entity_brief_name, maker_country]
            for batch in product.non_compliant_sanitary_product_batch_details:
                if batch.batch_details is not None:
                    parts.append(batch.batch_details.batch_id)
                for violation in batch.requirement_violation_details:
                    parts.append(violation.description_text)
                    for doc in violation.requirements_doc_details:
                        parts += [doc.technical_regulation_id, doc.doc_name]
        # Not the organization where the product was found (Table 3 item 8.1): the current view is
        # published and searched by the public, and that item is confidential by default (Rules §39).
        parts += _place_text(case_model.detection_place_details, organization=False)
        for measure in case_model.sanitary_measure_base_details:
            parts += [measure.measure_name, measure.description_text]
    authority = case_model.unified_authority_details
    if authority is not None:
        parts += [authority.authority_name, authority.authority_brief_name]
    parts += [case_model.unified_country_code.value, case_model.incident_id]
    return NoticeFacts(
        incident_kind=case_model.incident_kind_code,
        reported_on=case_model.doc_creation_date,
        end_date=case_model.end_date,
        has_body=title is not None,
        title=_clip(title, _TITLE_MAX),
        disease_code=disease_code,
        hs_code=hs_code,
        product_type_code=product_type_code,
        manufacturer_name=_clip(maker, _NAME_MAX),
        manufacturer_country=maker_country,
        fallback_title=fallback,
        summary=_join(parts),
    )


def derive_current(previous: dict[str, Any] | None, facts: NoticeFacts) -> dict[str, Any]:
    """The current-view columns after one more notice (a fold over the versions, oldest first).

    - first/last reported: the earliest and latest item 4 dates of all notices;
    - last incident kind: the latest notice's item 2;
    - closed_on: the latest notice's csdo:EndDate (Table 3 item 6: the archive flag is 0 when it is
      present); a closure ("3", §19/§24) or safety-confirmed ("4", §24) notice without it closes the case
      on its own date; a correction ("5") without it leaves the case as it was; a first notice or an
      update without it means the case is current;
    - title, codes, manufacturer: from the latest notice that states them (an update that does not
      repeat Table 2 item 6 / Table 3 item 7 keeps what was known);
    - summary: the latest notice's text, after the known one when the notice does not restate the case.
    """
    previous_closed = previous["closed_on"] if previous else None
    if facts.end_date is not None:
        closed_on = facts.end_date
    elif facts.incident_kind in CLOSING_KINDS:
        closed_on = facts.reported_on
    elif facts.incident_kind == CORRECTION:
        closed_on = previous_closed
    else:
        closed_on = None

    def latest(name: str) -> Any:
        value = getattr(facts, name)
        return value if value is not None else (previous or {}).get(name)

    title = latest("title") or facts.fallback_title
    summary = facts.summary
    if previous and not facts.has_body:
        summary = _join([previous.get("summary"), summary])
    return {
        "first_reported_on": min(previous["first_reported_on"], facts.reported_on)
        if previous
        else facts.reported_on,
        "last_reported_on": max(previous["last_reported_on"], facts.reported_on)
        if previous
        else facts.reported_on,
        "last_incident_kind": facts.incident_kind,
        "closed_on": closed_on,
        "title": title,
        "disease_code": latest("disease_code"),
        "hs_code": latest("hs_code"),
        "product_type_code": latest("product_type_code"),
        "manufacturer_name": latest("manufacturer_name"),
        "manufacturer_country": latest("manufacturer_country"),
        "summary": summary,
    }


def _place_text(place: b.LocationDetails | None, *, organization: bool = True) -> list[str | None]:
    if place is None:
        return []
    parts: list[str | None] = [place.description_text]
    if organization and place.organization_details is not None:
        parts.append(place.organization_details.business_entity_name)
    if place.border_checkpoint_details is not None:
        parts.append(place.border_checkpoint_details.border_checkpoint_name)
    address = place.object_address_details
    if address is not None:
        parts += [address.region_name, address.district_name, address.city_name, address.settlement_name]
        parts += [address.street_name]
    return parts


def _join(parts: Iterable[str | None]) -> str:
    """Non-empty parts, each once, in order."""
    seen: dict[str, None] = {}
    for part in parts:
        text = (part or "").strip()
        if text and text not in seen:
            seen[text] = None
    return " · ".join(seen)


def _clip(text: str | None, limit: int) -> str | None:
    return text if text is None or len(text) <= limit else text[: limit - 1] + "…"


# --- finding a case named by country and registration number ----------------------------------------
def _link_preference(kind: CaseKind) -> tuple[CaseKind, ...]:
    # Table 2 item 9.1: a morbidity case links to a dangerous-product case; a link stated by a
    # dangerous-product case (not on the wire today) would name a morbidity case (Rules §18, §23).
    return ("dangerous_product", "morbidity") if kind == "morbidity" else ("morbidity", "dangerous_product")


def measure_case_preference(ground_code: str | None) -> tuple[CaseKind, ...]:
    """Which database a case named by a measure (Rules §30) is looked up in first: Table 4 item 8 ground
    "4" (deterioration of the situation, item 12) names a morbidity case; ground "1" (non-compliant
    products, item 13) and every other ground name a dangerous-product case first."""
    return ("morbidity", "dangerous_product") if ground_code == "4" else ("dangerous_product", "morbidity")


async def find_case_id(
    connection: AsyncConnection, country: str, registration_number: str, *, prefer: Sequence[CaseKind] = KINDS
) -> int | None:
    """The id of the case held here under (country, registration number); when both databases hold
    one, the first kind of ``prefer`` wins. None when no such case is held."""
    rows = (
        await connection.execute(
            sa.select(cases.c.id, cases.c.kind).where(
                cases.c.kind.in_(prefer),  # the unique (kind, country, number) index leads with the kind
                cases.c.country == country,
                cases.c.registration_number == registration_number,
            )
        )
    ).all()
    by_kind = {row.kind: row.id for row in rows}
    return next((by_kind[k] for k in prefer if k in by_kind), None)


# ================================================================================================
# Read side
# ================================================================================================
async def case_view(
    connection: AsyncConnection, kind: CaseKind, country: str, registration_number: str
) -> CaseView | None:
    """The current row of a case, every version oldest first, and its links both ways (None: not held)."""
    row = (
        await connection.execute(
            sa.select(cases).where(
                cases.c.kind == kind,
                cases.c.country == country,
                cases.c.registration_number == registration_number,
            )
        )
    ).first()
    if row is None:
        return None
    me = CaseRef(row.id, row.kind, row.country, row.registration_number, row.title)
    return CaseView(
        id=row.id,
        kind=row.kind,
        country=row.country,
        registration_number=row.registration_number,
        first_reported_on=row.first_reported_on,
        last_reported_on=row.last_reported_on,
        last_incident_kind=row.last_incident_kind,
        closed_on=row.closed_on,
        title=row.title,
        disease_code=row.disease_code,
        hs_code=row.hs_code,
        product_type_code=row.product_type_code,
        manufacturer_name=row.manufacturer_name,
        manufacturer_country=row.manufacturer_country,
        summary=row.summary,
        current_version=row.current_version,
        updated_at=row.updated_at,
        versions=await _versions(connection, row.id),
        links=await _links_stated_by(connection, me),
        linked_from=[
            link for link in await links_to(connection, country, registration_number) if _is(link, me)
        ],
        measures=await _justified_measures(connection, me),
    )


async def history(
    connection: AsyncConnection, kind: CaseKind, country: str, registration_number: str
) -> list[CaseVersion]:
    """Every notice about a case, oldest first (Rules §19, §24: none is ever removed); [] when not held."""
    case_id = (
        await connection.execute(
            sa.select(cases.c.id).where(
                cases.c.kind == kind,
                cases.c.country == country,
                cases.c.registration_number == registration_number,
            )
        )
    ).scalar_one_or_none()
    return [] if case_id is None else await _versions(connection, case_id)


async def links_to(connection: AsyncConnection, country: str, registration_number: str) -> list[CaseLink]:
    """Links stated by held cases that name (country, registration number), whether that case is held here
    or not — the other direction of Table 2 item 9.1, found by the linked case's identity. One per stating
    case (its latest statement)."""
    stating = cases.alias("stating")
    rows = (
        await connection.execute(
            sa.select(
                case_links,
                case_versions.c.version,
                stating.c.kind,
                stating.c.country,
                stating.c.registration_number,
                stating.c.title,
            )
            .join(case_versions, case_versions.c.id == case_links.c.case_version_id)
            .join(stating, stating.c.id == case_links.c.case_id)
            .where(
                case_links.c.linked_country == country,
                case_links.c.linked_registration_number == registration_number,
            )
            .order_by(case_links.c.case_id, case_versions.c.version)
        )
    ).all()
    latest: dict[int, Any] = {}
    for row in rows:
        latest[row.case_id] = row
    return [
        await _link(
            connection,
            CaseRef(row.case_id, row.kind, row.country, row.registration_number, row.title),
            row,
        )
        for row in latest.values()
    ]


async def _versions(connection: AsyncConnection, case_id: int) -> list[CaseVersion]:
    rows = (
        await connection.execute(
            sa.select(case_versions)
            .where(case_versions.c.case_id == case_id)
            .order_by(case_versions.c.version)
        )
    ).all()
    return [
        CaseVersion(
            row.id,
            row.version,
            row.incident_kind,
            row.reported_on,
            row.document_id,
            row.source,
            row.data,
            row.recorded_at,
        )
        for row in rows
    ]


async def _links_stated_by(connection: AsyncConnection, me: CaseRef) -> list[CaseLink]:
    """The links this case states, one per linked case (its latest statement), resolved now."""
    rows = (
        await connection.execute(
            sa.select(case_links, case_versions.c.version)
            .join(case_versions, case_versions.c.id == case_links.c.case_version_id)
            .where(case_links.c.case_id == me.id)
            .order_by(case_versions.c.version, case_links.c.id)
        )
    ).all()
    latest: dict[tuple[str, str], Any] = {}
    for row in rows:
        key = (row.linked_country, row.linked_registration_number)
        latest.pop(key, None)  # keep the order of the latest statement
        latest[key] = row
    return [await _link(connection, me, row) for row in latest.values()]


async def _link(connection: AsyncConnection, stating: CaseRef, row: Any) -> CaseLink:
    linked_id = row.linked_case_id
    if linked_id is None:  # the linked case may have arrived after the link was recorded
        linked_id = await find_case_id(
            connection,
            row.linked_country,
            row.linked_registration_number,
            prefer=_link_preference(stating.kind),
        )
    linked = None
    if linked_id is not None:
        target = (
            await connection.execute(
                sa.select(
                    cases.c.id, cases.c.kind, cases.c.country, cases.c.registration_number, cases.c.title
                ).where(cases.c.id == linked_id)
            )
        ).one()
        linked = CaseRef(target.id, target.kind, target.country, target.registration_number, target.title)
    return CaseLink(
        case=stating,
        stated_in_version=row.version,
        linked_country=row.linked_country,
        linked_registration_number=row.linked_registration_number,
        linked_incident_kind=row.linked_incident_kind,
        linked_reported_on=row.linked_reported_on,
        linked=linked,
    )


def _is(link: CaseLink, me: CaseRef) -> bool:
    return link.linked is not None and link.linked.id == me.id


async def _justified_measures(connection: AsyncConnection, me: CaseRef) -> list[JustifiedMeasure]:
    """Rules §30: measures whose justification names this case (resolved by id or, for a measure recorded
    before the case arrived, by country and registration number)."""
    rows = (
        await connection.execute(
            sa.select(
                measures.c.id,
                measures.c.country,
                measures.c.document_number,
                measures.c.document_date,
                measures.c.name,
                measures.c.state,
                measures.c.ground_code,
                measure_case_links.c.case_id,
            )
            .join(measures, measures.c.id == measure_case_links.c.measure_id)
            .where(
                sa.or_(
                    measure_case_links.c.case_id == me.id,
                    sa.and_(
                        measure_case_links.c.case_id.is_(None),
                        measure_case_links.c.case_country == me.country,
                        measure_case_links.c.case_registration_number == me.registration_number,
                    ),
                )
            )
            .order_by(measures.c.id)
        )
    ).all()
    found: dict[int, JustifiedMeasure] = {}
    for row in rows:
        if row.case_id is None:
            # Unresolved at recording: it names this case only if this is the case it resolves to now.
            resolved = await find_case_id(
                connection,
                me.country,
                me.registration_number,
                prefer=measure_case_preference(row.ground_code),
            )
            if resolved != me.id:
                continue
        found.setdefault(
            row.id,
            JustifiedMeasure(
                row.id, row.country, row.document_number, row.document_date, row.name, row.state
            ),
        )
    return list(found.values())
