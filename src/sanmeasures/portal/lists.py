"""The four published resources: search lists, detail pages with every version, the status check.

Pages and the JSON API answer from the same functions (``_list``, ``_certificate``, ``_case``,
``_measure``), read through the one authorization layer (``access.published``): the public sees what
Rules §15, §20, §25 and §29 publish, without the §39 confidential items.

    /registry, /morbidity, /dangerous-products, /measures           lists (HTML)
    /api/v1/registry, /api/v1/morbidity, …                          lists (JSON)
    /registry/{number}, /morbidity/{country}/{number},
    /measures/{country}/{date}/{number}                             detail (HTML; JSON under /api/v1)
    /check, /api/v1/registry/{number}/status                        certificate status (§31з)
    /registry/{number}/qr.svg                                       QR code opening the check
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from typing import Annotated, Any
from urllib.parse import quote, urlencode

import segno
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ValidationError

from sanmeasures.cases import store as case_store
from sanmeasures.contract.classifiers import CODE_LISTS
from sanmeasures.contract.structures.certificate import RegistrationCertificateDetails
from sanmeasures.contract.structures.measure_consideration import SanitaryMeasureConsiderationDetails
from sanmeasures.measures import store as measure_store
from sanmeasures.portal import access
from sanmeasures.portal.resources import (
    DANGEROUS_PRODUCTS,
    MEASURES,
    MORBIDITY,
    REGISTRY,
    RESOURCES,
    ConflictingFilter,
    Resource,
)
from sanmeasures.portal.versions import changes, fields
from sanmeasures.portal.web import engine_of, language, render, settings_of
from sanmeasures.registry import store as registry_store
from sanmeasures.storage.search import InvalidCursor

router = APIRouter()
api = APIRouter(prefix="/api/v1", tags=["published resources (Rules §15, §20, §25, §29, §31)"])

#: Formats of the export links under every list (``portal/export.py``).
EXPORT_FORMATS = ("csv", "xlsx", "json", "xml")
#: The reader's filters that a list page keeps in its links (everything but the position).
_NOT_FILTERS = {"cursor", "lang"}


# --- lists ----------------------------------------------------------------------------------------
def detail_path(resource: Resource, row: dict[str, Any]) -> str:
    """Where a list row's detail page is."""
    if resource is REGISTRY:
        return f"/registry/{quote(row['registration_number_as_written'], safe='')}"
    if resource is MEASURES:
        return f"/measures/{row['country']}/{_iso(row['document_date'])}/{quote(row['document_number'], safe='')}"
    return f"/{resource.name}/{row['country']}/{quote(row['registration_number'], safe='')}"


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


async def _list(request: Request, resource: Resource, params: BaseModel) -> dict[str, Any]:
    try:
        query = resource.query_of(params)
    except ConflictingFilter as error:
        raise HTTPException(422, detail=error.detail()) from None
    async with engine_of(request).connect() as connection:
        try:
            page = await resource.search(connection, query)
        except InvalidCursor as error:
            raise HTTPException(422, detail=[{"loc": ["query", "cursor"], "msg": str(error)}]) from None
    items = [
        {
            **{name: row[name] for name in resource.columns},
            "url": detail_path(resource, row),
            "api_url": f"/api/v1{detail_path(resource, row)}",
        }
        for row in page.items
    ]
    return {"items": items, "next_cursor": page.next_cursor, "fuzzy": page.fuzzy}


#: Filter labels of the list forms (English msgids, translated on the page).
FILTER_LABELS: dict[str, str] = {
    "text": "Search",
    "order": "Order",
    "country": "Country",
    "status_code": "Status",
    "issued_from": "Issued from",
    "issued_to": "Issued to",
    "hs_code": "HS code",
    "technical_regulation": "Technical regulation",
    "disease_code": "Disease code",
    "product_type_code": "Product type",
    "reported_from": "Reported from",
    "reported_to": "Reported to",
    "closed": "Archive flag",
    "incident_kind": "Message kind",
    "state": "State",
    "ground_code": "Grounds",
    "in_force_on": "In force on",
    "start_from": "Start from",
    "start_to": "Start to",
}
#: Choices shown for the coded filters (value, English label).
FILTER_CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "order": (("newest", "Newest first"), ("oldest", "Oldest first")),
    "country": tuple((c, c) for c in ("AM", "BY", "KZ", "KG", "RU")),
    "closed": (("false", "current (1)"), ("true", "archived, closed (0)")),
    "state": (("introduced", "introduced"), ("changed", "changed"), ("cancelled", "cancelled")),
}
#: Filters whose choices are a code list's entries, named in the reader's language.
FILTER_CODE_LISTS: dict[str, str] = {
    "status_code": "certificate_statuses",  # SM.CLS.006
    "incident_kind": "incident_kinds",  # SM.CLS.001
    "ground_code": "measure_grounds",  # SM.CLS.005
}


def filter_fields(resource: Resource, language: str) -> list[dict[str, Any]]:
    """The list form's inputs, made from the resource's query model (one place for the filters)."""
    out = []
    for name, info in resource.query.model_fields.items():
        if name in {"limit", "cursor", "text"} or name in resource.fixed:
            continue
        coded = FILTER_CODE_LISTS.get(name)
        choices = (
            tuple((e.code, e.name(language)) for e in CODE_LISTS[coded].entries)
            if coded
            else FILTER_CHOICES.get(name, ())
        )
        annotation = str(info.annotation)
        kind = "date" if "date" in annotation else "select" if choices else "text"
        out.append(
            {
                "name": name,
                "label": FILTER_LABELS.get(name, name),
                "kind": kind,
                "choices": choices,
                "named": coded is not None,  # choices already in the reader's language
                "required": info.default is not None,  # a select with a default has no "any"
                "hint": info.description or "",
            }
        )
    return out


def _filters_of(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k not in _NOT_FILTERS and v != ""}


def _list_routes(resource: Resource) -> None:
    async def list_api(request: Request, params: BaseModel) -> dict[str, Any]:
        return await _list(request, resource, params)

    # Each resource has its own filter model: the annotation is set per route, not in the source.
    list_api.__annotations__ = {
        "request": Request,
        "params": Annotated[resource.query, Query()],
        "return": dict[str, Any],
    }

    list_api.__doc__ = (
        f"Search the {resource.title.lower()} (Rules {resource.paragraph}, Table {resource.table}): free text, "
        "filters, newest or oldest first, cursor pagination (pass next_cursor back as cursor)."
    )
    api.add_api_route(f"/{resource.name}", list_api, methods=["GET"], summary=f"{resource.title}: search")

    async def list_page(request: Request) -> Response:
        filters = _filters_of(request)
        errors: list[str] = []
        result: dict[str, Any] = {"items": [], "next_cursor": None, "fuzzy": False}
        try:
            result = await _list(request, resource, resource.query.model_validate(filters))
        except ValidationError as error:
            errors = [f"{'.'.join(map(str, e['loc'])) or 'query'}: {e['msg']}" for e in error.errors()]
        except HTTPException as error:
            errors = [str(d.get("msg")) for d in error.detail]
        plain = {k: v for k, v in filters.items() if k not in {"limit"}}
        return render(
            request,
            "list.html",
            {
                "resource": resource,
                "inputs": filter_fields(resource, language(request)),
                "filters": filters,
                "errors": errors,
                "result": result,
                "exports": [
                    (f, f"/api/v1/export/{resource.name}.{f}?{urlencode(plain)}") for f in EXPORT_FORMATS
                ],
                "subscribe": f"/subscriptions?{urlencode({'resource': resource.name, **plain})}",
            },
            status_code=422 if errors else 200,
        )

    router.add_api_route(
        f"/{resource.name}", list_page, methods=["GET"], response_class=HTMLResponse, include_in_schema=False
    )


for _resource in RESOURCES.values():
    _list_routes(_resource)


# --- detail: what every version said, and what changed -------------------------------------------
def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _versions(
    model: Any, table: int, stored: list[Any], confidential: frozenset[str]
) -> list[dict[str, Any]]:
    """Each version as published, newest first, with its labelled fields and its changes."""
    out: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for version in stored:
        data = access.published(table, version.data, confidential)
        out.append(
            {
                "version": version.version,
                "recorded_at": version.recorded_at,
                "source": version.source,
                **{
                    k: getattr(version, k)
                    for k in ("incident_kind", "reported_on", "action")
                    if hasattr(version, k)
                },
                "fields": [asdict(f) for f in fields(model, table, data)],
                "changes": [asdict(c) for c in changes(model, table, previous, data)]
                if previous is not None
                else [],
                "data": data,
            }
        )
        previous = data
    return out[::-1]


def _confidential(request: Request) -> frozenset[str]:
    return settings_of(request).confidentiality().items


async def _certificate(request: Request, number: str) -> dict[str, Any] | None:
    async with engine_of(request).connect() as connection:
        status = await registry_store.status_of(connection, number, registry="unified")
        if status is None:
            return None
        stored = await registry_store.history(connection, number, registry="unified")
    return {
        "status": _status(status),
        "versions": _versions(RegistrationCertificateDetails, 1, stored, _confidential(request)),
        "links": {"check": f"/check?{urlencode({'number': status.registration_number_as_written})}"},
    }


def _status(status: registry_store.CertificateStatus | None, number: str = "") -> dict[str, Any]:
    """The §31з answer: the state with its dates and the history of statuses."""
    if status is None:
        return {"number": number, "state": "unknown"}
    plain = _plain(status)
    plain["number"] = status.registration_number_as_written
    plain["state_ru"], plain["state_en"] = status.state_ru, status.state_en
    return plain


async def _case(request: Request, resource: Resource, country: str, number: str) -> dict[str, Any] | None:
    kind = resource.fixed["kind"]
    async with engine_of(request).connect() as connection:
        view = await case_store.case_view(connection, kind, country.upper(), number)
    if view is None:
        return None
    model = access.PUBLISHED[resource.table][0]
    plain = _plain(view)
    plain["versions"] = _versions(model, resource.table, view.versions, _confidential(request))
    plain["archive_flag"] = view.archive_flag
    for link in (*plain["links"], *plain["linked_from"]):
        for side in ("case", "linked"):
            if link.get(side):
                link[side]["url"] = _case_url(link[side])
    for measure in plain["measures"]:
        measure["url"] = detail_path(MEASURES, measure)
    return plain


def _case_url(ref: dict[str, Any]) -> str:
    resource = MORBIDITY if ref["kind"] == "morbidity" else DANGEROUS_PRODUCTS
    return detail_path(resource, ref)


async def _measure(request: Request, country: str, date: dt.date, number: str) -> dict[str, Any] | None:
    async with engine_of(request).connect() as connection:
        view = await measure_store.measure_view(connection, country.upper(), number, date)
    if view is None:
        return None
    plain = _plain(view)
    plain["versions"] = _versions(access.PUBLISHED[4][0], 4, view.versions, _confidential(request))
    plain["reviews"] = [
        {
            **_plain(review),
            "fields": [asdict(f) for f in fields(SanitaryMeasureConsiderationDetails, 5, review.data)],
        }
        for review in view.reviews
    ]
    for ref in (plain["original"], *plain["responses"]):
        if ref:
            ref["url"] = detail_path(MEASURES, {**ref["key"], "document_date": ref["key"]["document_date"]})
    for link in plain["cases"]:
        if link["case"]:
            link["case"]["url"] = _case_url(link["case"])
    return plain


def _found(value: dict[str, Any] | None, what: str) -> dict[str, Any]:
    if value is None:
        raise HTTPException(404, detail=f"{what} is not published here")
    return value


# --- JSON API: details and the status check -------------------------------------------------------
@api.get("/registry/{number}/status", summary="Certificate status check (Rules §31з)")
async def certificate_status(request: Request, number: str) -> dict[str, Any]:
    """In force, suspended, annulled, expired or unknown, with the dates and the history of statuses.

    The number may be written with look-alike Latin/Cyrillic letters, spaces or another letter case."""
    async with engine_of(request).connect() as connection:
        status = await registry_store.status_of(connection, number, registry="unified")
    return _status(status, number)


@api.get("/registry/{number}", summary="A certificate with every version (Rules §15, Table 1)")
async def certificate_api(request: Request, number: str) -> dict[str, Any]:
    return _found(await _certificate(request, number), f"certificate {number}")


def _case_api(resource: Resource) -> Callable[..., Any]:
    async def case_api(request: Request, country: str, number: str) -> dict[str, Any]:
        return _found(await _case(request, resource, country, number), f"case {country}/{number}")

    return case_api


for _resource in (MORBIDITY, DANGEROUS_PRODUCTS):
    api.add_api_route(
        f"/{_resource.name}/{{country}}/{{number}}",
        _case_api(_resource),
        methods=["GET"],
        summary=f"{_resource.title}: a case with every notice, its links and measures "
        f"(Rules {_resource.paragraph}, Table {_resource.table})",
    )


@api.get(
    "/measures/{country}/{date}/{number:path}",
    summary="A temporary measure with every version, its justifying cases, responses and reviews (Rules §29)",
)
async def measure_api(request: Request, country: str, date: dt.date, number: str) -> dict[str, Any]:
    return _found(await _measure(request, country, date, number), f"measure {country} {number} of {date}")


# --- pages ----------------------------------------------------------------------------------------
def _not_found(request: Request, what: str) -> Response:
    return render(request, "not_found.html", {"what": what}, status_code=404)


@router.get("/registry/{number}/qr.svg", include_in_schema=False)
async def certificate_qr(request: Request, number: str) -> Response:
    """A QR code that opens the status check of this certificate (Rules §31з)."""
    target = f"{settings_of(request).public_url}/check?{urlencode({'number': number})}"
    out = io.BytesIO()
    segno.make(target, error="m").save(out, kind="svg", scale=4, border=2, title=number)
    return Response(out.getvalue(), media_type="image/svg+xml", headers={"Cache-Control": "max-age=86400"})


@router.get("/registry/{number}", response_class=HTMLResponse, include_in_schema=False)
async def certificate_page(request: Request, number: str) -> Response:
    found = await _certificate(request, number)
    if found is None:
        return _not_found(request, number)
    return render(request, "certificate.html", {"resource": REGISTRY, "found": found, "number": number})


def _case_page(resource: Resource) -> Callable[..., Any]:
    async def case_page(request: Request, country: str, number: str) -> Response:
        found = await _case(request, resource, country, number)
        if found is None:
            return _not_found(request, f"{country}/{number}")
        return render(request, "case.html", {"resource": resource, "case": found})

    return case_page


for _resource in (MORBIDITY, DANGEROUS_PRODUCTS):
    router.add_api_route(
        f"/{_resource.name}/{{country}}/{{number}}",
        _case_page(_resource),
        methods=["GET"],
        response_class=HTMLResponse,
        include_in_schema=False,
    )


@router.get("/measures/{country}/{date}/{number:path}", response_class=HTMLResponse, include_in_schema=False)
async def measure_page(request: Request, country: str, date: str, number: str) -> Response:
    try:
        day = dt.date.fromisoformat(date)
    except ValueError:
        return _not_found(request, f"{country} {number} {date}")
    found = await _measure(request, country, day, number)
    if found is None:
        return _not_found(request, f"{country} {number} {date}")
    return render(request, "measure.html", {"resource": MEASURES, "measure": found})


@router.get("/check", response_class=HTMLResponse, include_in_schema=False)
async def check_page(request: Request, number: str = "") -> Response:
    """The certificate status check for people (Rules §31з); the QR code of a certificate opens it."""
    answer = None
    if number.strip():
        answer = await certificate_status(request, number)
    return render(request, "check.html", {"number": number, "answer": answer})


router.include_router(api)
