"""What a delivered version says: one description for the webhook body, the e-mail and the feed entry.

A version is described by its own row (number, kind of notice / action / status, when recorded) and
by the published columns of the current view it belongs to — exactly what the lists and exports of
the portal show (``Resource.columns``), so nothing the public may not read ever leaves by a
subscription (Rules §39 confidential items live only in the stored versions' data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.contract.classifiers import code_list
from sanmeasures.portal.lists import FILTER_LABELS, detail_path
from sanmeasures.portal.notify.model import SOURCE_OF, Scope, aware
from sanmeasures.portal.resources import RESOURCES, Resource

Gettext = Callable[[str], str]

#: Table 4 notices: what a new version of a measure did (Rules §27).
MEASURE_ACTIONS = {"introduced": "introduced", "changed": "changed", "cancelled": "cancelled"}


@dataclass(frozen=True)
class Entry:
    """One new version of a published record."""

    resource: Resource
    version_id: int
    version: int
    #: SM.CLS.001 kind of notice (cases), the action (measures) or SM.CLS.006 status (certificates)
    change: str
    #: item 4 date of the notice (cases) or the start of the status (certificates)
    changed_on: dt.date | None
    recorded_at: dt.datetime
    #: the published current-view columns, JSON-ready
    item: dict[str, Any]
    path: str

    @property
    def country(self) -> str:
        return str(self.item.get("country") or "")

    @property
    def headline(self) -> str:
        """The record's number and name, as a reader recognises it."""
        item = self.item
        if self.resource.name == "registry":
            return f"{item['registration_number_as_written']} — {item['product_name']}"
        if self.resource.name == "measures":
            return f"{item['document_number']} ({item['document_date']}) — {item['name'] or item['summary'][:120]}"
        return f"{item['registration_number']} — {item['title']}"

    def change_name(self, _: Gettext, lang: str) -> str:
        if self.resource.name == "measures":
            return _(MEASURE_ACTIONS.get(self.change, self.change))
        codes = code_list("certificate_statuses" if self.resource.name == "registry" else "incident_kinds")
        known = codes.get(self.change)
        return known.name(lang) if known is not None else self.change

    def title(self, _: Gettext, lang: str) -> str:
        """E.g. «Morbidity · KZ · KZ-2026-00045 — Listeriosis: update (version 2)»."""
        resource, version = _(self.resource.title), _("version")
        change = self.change_name(_, lang)
        return f"{resource} · {self.country} · {self.headline}: {change} ({version} {self.version})"

    def summary(self, _: Gettext, lang: str) -> str:
        item = self.item
        if self.resource.name == "registry":
            return ", ".join(
                part
                for part in (
                    _("Applicant") + f": {item['applicant_name']}",
                    _("Manufacturer") + f": {item['manufacturer_name']}",
                    item.get("technical_regulations") or "",
                )
                if part
            )
        return str(item.get("summary") or "")

    def payload(self, public_url: str) -> dict[str, Any]:
        """The webhook body's description of the version (English names, codes as stored)."""
        return {
            "resource": self.resource.name,
            "rules": f"Rules {self.resource.paragraph}",
            "table": self.resource.table,
            "version": {
                "id": self.version_id,
                "number": self.version,
                "change": self.change,
                "change_name": self.change_name(_english, "en"),
                "changed_on": self.changed_on.isoformat() if self.changed_on else None,
                "recorded_at": self.recorded_at.isoformat(),
            },
            "item": self.item,
            "link": public_url + self.path,
            "api": f"{public_url}/api/v1{self.path}",
        }


def _english(text: str) -> str:
    return text


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return aware(value).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


async def describe(
    connection: AsyncConnection, resource_name: str, version_ids: Iterable[int]
) -> dict[int, Entry]:
    """The entries of these versions of ``resource_name`` (ids of its version table), by id."""
    ids = sorted(set(version_ids))
    if not ids:
        return {}
    resource = RESOURCES[resource_name]
    source = SOURCE_OF[resource_name]
    v, current = source.versions, source.current
    if resource_name == "registry":
        change, changed_on = v.c.status_code, v.c.status_start
    elif resource_name == "measures":
        change, changed_on = v.c.action, sa.null()
    else:
        change, changed_on = v.c.incident_kind, v.c.reported_on
    statement = (
        sa.select(
            v.c.id.label("v_id"),
            v.c.version.label("v_number"),
            change.label("v_change"),
            changed_on.label("v_changed_on"),
            v.c.recorded_at.label("v_recorded_at"),
            *current.c,
        )
        .join(current, current.c.id == v.c[source.parent])
        .where(v.c.id.in_(ids))
    )
    entries = {}
    for row in (await connection.execute(statement)).mappings():
        item = {name: _plain(row[name]) for name in resource.columns}
        entries[row["v_id"]] = Entry(
            resource=resource,
            version_id=row["v_id"],
            version=row["v_number"],
            change=str(row["v_change"]),
            changed_on=row["v_changed_on"],
            recorded_at=aware(row["v_recorded_at"]),
            item=item,
            path=detail_path(resource, dict(row)),
        )
    return entries


def scope_text(scope: Scope, _: Gettext, lang: str) -> str:
    """What a subscription covers, in words: «Dangerous products: Country = RU, HS code = 1601»."""
    if scope.risks_of:
        country = code_list("member_states").get(scope.risks_of)
        name = country.name(lang) if country is not None else scope.risks_of
        risks, what = _("Risks to life and health"), _("morbidity, dangerous products, temporary measures")
        return f"{risks}: {name} ({what})"
    assert scope.resource is not None
    title = _(RESOURCES[scope.resource].title)
    if not scope.filters:
        return title + ": " + _("every change")
    conditions = ", ".join(_(FILTER_LABELS.get(k, k)) + f" = {value}" for k, value in scope.filters.items())
    return f"{title}: {conditions}"
