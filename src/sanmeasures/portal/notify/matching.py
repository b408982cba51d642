"""Matching new versions to subscriptions (Rules §31в): a version reaches every subscriber once.

Each version table (``certificate_versions``, ``case_versions``, ``measure_versions``) is read in id
order from a cursor. For every version above the cursor, every active subscription covering its
resource is asked whether the record's *current* row matches its saved search (the same filters and
text as the list, ``storage.search.matching_ids``); each match becomes one ``subscription_deliveries``
row. The rows and the cursor's advance are one transaction, and the rows are unique per
(subscription, resource, version): a worker that stops half-way, or two workers at once, neither
skip a version nor deliver it twice.

Ids are handed out when a row is inserted but seen when its transaction commits, so on PostgreSQL a
version with a lower id can become visible after one with a higher id. The ids skipped over are kept
as *gaps* on the cursor and looked at again on each round; a gap that stays empty for
``gap_grace`` was a rolled-back transaction and is forgotten. SQLite writes one transaction at a time,
so its ids become visible in order.

On PostgreSQL the cursor row is locked ``FOR UPDATE SKIP LOCKED``: one worker reads a table at a
time, another one goes on to the next table or to sending.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.portal.notify.config import NotifyConfig
from sanmeasures.portal.notify.model import Source, Subscription, aware
from sanmeasures.storage.search import matching_ids
from sanmeasures.storage.tables import cases, subscription_cursors, subscription_deliveries, subscriptions

log = logging.getLogger(__name__)

#: Delivery rows per INSERT statement.
INSERT_CHUNK = 500


@dataclass(frozen=True)
class Gap:
    first: int
    last: int
    noticed: dt.datetime

    def dump(self) -> list[Any]:
        return [self.first, self.last, self.noticed.isoformat()]

    @classmethod
    def load(cls, value: list[Any]) -> Gap:
        return cls(int(value[0]), int(value[1]), aware(dt.datetime.fromisoformat(value[2])))


@dataclass(frozen=True)
class Scanned:
    #: delivery rows written (to send, or published in a feed)
    delivered: int
    #: a full batch was read: there may be more at once
    more: bool


@dataclass(frozen=True)
class _Version:
    id: int
    parent: int
    resource: str


async def scan(connection: AsyncConnection, source: Source, *, config: NotifyConfig) -> Scanned:
    """One round over ``source``: match the next batch of versions, write deliveries, advance the cursor.

    Runs in the caller's transaction, which must commit it as a whole.
    """
    now = config.clock()
    cursor = await _lock_cursor(connection, source, now)
    if cursor is None:  # another worker is reading this table right now
        return Scanned(0, False)
    last_id, gaps = cursor
    # The top first, subscriptions second: one activated in between starts above the top anyway.
    top = int(await connection.scalar(sa.select(sa.func.max(source.versions.c.id))) or 0)
    if top <= last_id and not gaps:
        return Scanned(0, False)  # nothing new: the usual round
    covering = await _covering(connection, source)
    if not covering:
        await _save(connection, source, max(last_id, top), [], now)
        return Scanned(0, False)
    # Versions at or below every subscriber's start are nobody's.
    floor = min(s.since[source.since] for s in covering)
    if floor > last_id:
        last_id = floor
    gaps = [g for g in gaps if g.last > floor and now - g.noticed <= config.gap_grace]
    gaps = [Gap(max(g.first, floor + 1), g.last, g.noticed) for g in gaps]

    fresh = await _versions(connection, source, source.versions.c.id > last_id, limit=config.batch)
    late: list[_Version] = []
    if gaps:
        within = sa.or_(*(source.versions.c.id.between(g.first, g.last) for g in gaps))
        late = await _versions(connection, source, within, limit=None)
        if late:
            log.info("subscriptions: %d late versions of %s matched", len(late), source.name)
        gaps = _without(gaps, {v.id for v in late})
    expected = last_id + 1
    for version in fresh:
        if version.id > expected:
            gaps.append(Gap(expected, version.id - 1, now))
        expected = version.id + 1
    new_last = fresh[-1].id if fresh else last_id

    delivered = await _deliver(connection, covering, source, fresh + late, config=config, now=now)
    await _save(connection, source, new_last, gaps, now)
    return Scanned(delivered, more=len(fresh) >= config.batch)


async def _lock_cursor(
    connection: AsyncConnection, source: Source, now: dt.datetime
) -> tuple[int, list[Gap]] | None:
    c = subscription_cursors
    locked = sa.select(c.c.last_id, c.c.gaps).where(c.c.name == source.name).with_for_update(skip_locked=True)
    row = (await connection.execute(locked)).first()
    if row is None:
        if await connection.scalar(sa.select(sa.func.count()).where(c.c.name == source.name)):
            return None  # there, and locked by another worker
        insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(c)
        await connection.execute(
            insert.values(name=source.name, last_id=0, gaps=[], updated_at=now).on_conflict_do_nothing(
                index_elements=[c.c.name]
            )
        )
        row = (await connection.execute(locked)).first()
        if row is None:
            return None
    gaps = json.loads(row.gaps) if isinstance(row.gaps, str) else row.gaps
    return int(row.last_id), [Gap.load(g) for g in gaps]


async def _save(
    connection: AsyncConnection, source: Source, last_id: int, gaps: list[Gap], now: dt.datetime
) -> None:
    await connection.execute(
        subscription_cursors.update()
        .where(subscription_cursors.c.name == source.name)
        .values(last_id=last_id, gaps=[g.dump() for g in sorted(gaps, key=lambda g: g.first)], updated_at=now)
    )


async def _covering(connection: AsyncConnection, source: Source) -> list[Subscription]:
    s = subscriptions
    covers = sa.or_(s.c.resource.in_(source.resources), s.c.risks_of.is_not(None))
    rows = await connection.execute(sa.select(s).where(s.c.state == "active", covers).order_by(s.c.id))
    found = [Subscription.of(row) for row in rows]
    return [sub for sub in found if any(r in source.resources for r in sub.scope.resources)]


async def _versions(
    connection: AsyncConnection, source: Source, where: sa.ColumnElement[bool], *, limit: int | None
) -> list[_Version]:
    v = source.versions
    parent = v.c[source.parent]
    if source.name == "case_versions":
        kind = sa.case((cases.c.kind == "morbidity", "morbidity"), else_="dangerous-products")
        statement = sa.select(v.c.id, parent, kind).join(cases, cases.c.id == parent)
    else:
        statement = sa.select(v.c.id, parent, sa.literal(source.resources[0]))
    statement = statement.where(where).order_by(v.c.id)
    if limit is not None:
        statement = statement.limit(limit)
    return [_Version(int(i), int(p), str(r)) for i, p, r in await connection.execute(statement)]


def _without(gaps: list[Gap], found: set[int]) -> list[Gap]:
    """The gaps with the ids now found taken out (a gap may split in two)."""
    out = []
    for gap in gaps:
        start = gap.first
        for key in sorted(i for i in found if gap.first <= i <= gap.last):
            if key > start:
                out.append(Gap(start, key - 1, gap.noticed))
            start = key + 1
        if start <= gap.last:
            out.append(Gap(start, gap.last, gap.noticed))
    return out


async def _deliver(
    connection: AsyncConnection,
    covering: list[Subscription],
    source: Source,
    versions: list[_Version],
    *,
    config: NotifyConfig,
    now: dt.datetime,
) -> int:
    if not versions:
        return 0
    by_resource: dict[str, list[_Version]] = defaultdict(list)
    for version in versions:
        by_resource[version.resource].append(version)
    # Many subscribers share a search: each distinct search is asked once per round.
    answers: dict[tuple[str, str], set[int]] = {}
    rows: list[dict[str, Any]] = []
    for sub in covering:
        since = sub.since[source.since]
        for resource in sub.scope.resources:
            candidates = [v for v in by_resource.get(resource, ()) if v.id > since]
            if not candidates:
                continue
            key = (resource, json.dumps([sub.scope.risks_of, dict(sub.scope.filters)], sort_keys=True))
            if key not in answers:
                try:
                    query = sub.scope.query(resource)
                except ValueError as error:  # stored filters the resource no longer takes
                    log.warning(
                        "subscriptions: subscription %d matches nothing of %s: %s", sub.id, resource, error
                    )
                    answers[key] = set()
                    continue
                parents = {v.parent for v in by_resource[resource]}
                answers[key] = await matching_ids(connection, query, parents)
            matched = answers[key]
            for version in candidates:
                if version.parent in matched:
                    rows.append(_row(sub, resource, version.id, now))
    for start in range(0, len(rows), INSERT_CHUNK):
        await _insert(connection, rows[start : start + INSERT_CHUNK])
    return len(rows)


def _row(sub: Subscription, resource: str, version_id: int, now: dt.datetime) -> dict[str, Any]:
    # A feed has nothing to send: the version is in it from now on.
    feed = sub.channel == "atom"
    return {
        "subscription_id": sub.id,
        "kind": "version",
        "resource": resource,
        "version_id": version_id,
        "state": "sent" if feed else "queued",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "sent_at": now if feed else None,
    }


async def _insert(connection: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    d = subscription_deliveries
    insert = (postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert)(d)
    # A version already delivered to a subscriber (a late gap, a racing worker) is not added again.
    await connection.execute(
        insert.values(rows).on_conflict_do_nothing(
            index_elements=[d.c.subscription_id, d.c.resource, d.c.version_id]
        )
    )
