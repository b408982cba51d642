"""The four common resources the portal publishes, described once for lists, exports and subscriptions.

Rules §15 (unified registry of certificates, Table 1), §20 (morbidity database, Table 2), §25
(dangerous-products database, Table 3) and §29 (temporary measures, Table 4, with their reviews,
Table 5). Each is searched by ``storage/search.py`` with its typed query; the morbidity and the
dangerous-products databases are the one case table, told apart by ``kind``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.storage.search import (
    CaseQuery,
    CertificateQuery,
    MeasureQuery,
    Page,
    search_cases,
    search_certificates,
    search_measures,
)


class ConflictingFilter(ValueError):
    """A filter that contradicts the resource itself (``kind=dangerous_product`` on the morbidity list)."""

    def __init__(self, field: str, given: Any, resource: str, value: Any) -> None:
        super().__init__(f"{field}={given} does not belong to {resource} ({field} is {value})")
        self.field, self.given = field, given

    def detail(self) -> list[dict[str, Any]]:
        """The 422 answer's ``detail``, shaped as FastAPI's own validation errors."""
        return [{"type": "conflict", "loc": ["query", self.field], "msg": str(self), "input": self.given}]


@dataclass(frozen=True)
class Resource:
    #: URL segment: /registry, /api/v1/registry, /api/v1/export/registry.csv
    name: str
    #: English title (translated on the pages)
    title: str
    #: Appendix 2 table of the published content
    table: int
    #: Rules paragraph that publishes it
    paragraph: str
    query: type[BaseModel]
    search: Callable[[AsyncConnection, Any], Awaitable[Page]]
    #: the current-view columns shown in lists and exports, in order
    columns: tuple[str, ...]
    #: filters the resource itself sets
    fixed: dict[str, Any] = field(default_factory=dict)

    def query_of(self, params: BaseModel) -> Any:
        """The reader's filters with the resource's own; a contradicting filter is refused."""
        for name, value in self.fixed.items():
            given = getattr(params, name, None)
            if given is not None and given != value:
                raise ConflictingFilter(name, given, self.name, value)
        return params.model_copy(update=self.fixed)

    async def pages(self, connection: AsyncConnection, query: Any) -> AsyncIterator[Page]:
        """Every page of the query in order, following the cursors (exports, snapshots)."""
        while True:
            page = await self.search(connection, query)
            yield page
            if page.next_cursor is None:
                return
            query = query.model_copy(update={"cursor": page.next_cursor})


CASE_COLUMNS = (
    "country",
    "registration_number",
    "first_reported_on",
    "last_reported_on",
    "last_incident_kind",
    "closed_on",
    "title",
    "disease_code",
    "hs_code",
    "product_type_code",
    "manufacturer_name",
    "manufacturer_country",
    "summary",
    "current_version",
)

REGISTRY = Resource(
    "registry",
    "Registry of certificates",
    1,
    "§15",
    CertificateQuery,
    search_certificates,
    (
        "registration_number_as_written",
        "registry",
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
        "current_version",
    ),
    # §15 publishes the unified registry the Commission keeps; national registries stay national.
    {"registry": "unified"},
)
MORBIDITY = Resource(
    "morbidity", "Morbidity", 2, "§20", CaseQuery, search_cases, CASE_COLUMNS, {"kind": "morbidity"}
)
DANGEROUS_PRODUCTS = Resource(
    "dangerous-products",
    "Dangerous products",
    3,
    "§25",
    CaseQuery,
    search_cases,
    CASE_COLUMNS,
    {"kind": "dangerous_product"},
)
MEASURES = Resource(
    "measures",
    "Temporary measures",
    4,
    "§29",
    MeasureQuery,
    search_measures,
    (
        "country",
        "document_number",
        "document_date",
        "name",
        "ground_code",
        "start_date",
        "end_date",
        "state",
        "summary",
        "current_version",
    ),
)

RESOURCES: dict[str, Resource] = {r.name: r for r in (REGISTRY, MORBIDITY, DANGEROUS_PRODUCTS, MEASURES)}
