"""Subscriptions, pages and JSON API (Rules §31в; the risks of a member state, §31а).

    /subscriptions                            the form (prefilled from a list's query string:
                                              /subscriptions?resource=dangerous-products&country=RU,
                                              /subscriptions?risks_of=KZ)
    /subscriptions/confirm/{token}            e-mail double opt-in: GET shows, POST confirms
    /subscriptions/unsubscribe/{token}        GET shows, POST unsubscribes (also RFC 8058 one-click)
    /subscriptions/{token}                    the subscription, for its holder
    /subscriptions/{token}/feed.atom          an Atom subscription's feed
    POST /api/v1/subscriptions                201 (feed, webhook) or 202 (e-mail: confirmation sent)
    GET, DELETE /api/v1/subscriptions/{token}

The token is the only key to a subscription: nothing lists subscriptions, and an e-mail
subscription's token is sent only to its address (whoever typed the address cannot confirm it).
A webhook is active at once; its first delivery is a signed ``ping`` (see ``notify/channels.py`` for
the signature). Delivery itself is the worker's (``notify/worker.py``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Header, HTTPException, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError

from sanmeasures.contract.classifiers import MEMBER_STATE_CODES, code_list
from sanmeasures.portal import i18n
from sanmeasures.portal.notify import atom, channels
from sanmeasures.portal.notify.content import Entry, describe, scope_text
from sanmeasures.portal.notify.mail import links
from sanmeasures.portal.notify.model import (
    NOT_FILTERS,
    FieldErrors,
    Scope,
    Subscription,
    SubscriptionIn,
    TooManyRequests,
    check,
    confirm,
    create,
    delivery_counts,
    find,
    normal_filters,
    unsubscribe,
)
from sanmeasures.portal.notify.worker import config_of, wake
from sanmeasures.portal.resources import RESOURCES
from sanmeasures.portal.web import engine_of, language, render, settings_of
from sanmeasures.storage.tables import subscription_deliveries

router = APIRouter()
pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/subscriptions", tags=["subscriptions (Rules §31в, §31а)"])

#: Headers of every page or answer that carries a token: not cached, not passed on, not indexed.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex"}
#: Form fields carrying a list's filters: ``filter.country`` …
FILTER_FIELD = "filter."


# --- answers ------------------------------------------------------------------------------------------
class SubscriptionLinks(BaseModel):
    page: str = Field(description="the subscription's page")
    unsubscribe: str = Field(description="one-click unsubscribe (GET shows, POST ends it)")
    api: str
    feed: str | None = Field(None, description="the Atom feed (atom subscriptions)")


class SubscriptionOut(BaseModel):
    token: str = Field(description="the subscription's only key: keep it private")
    state: Literal["pending", "active", "unsubscribed"]
    channel: Literal["atom", "webhook", "email"]
    resource: str | None
    risks_of: str | None
    filters: dict[str, Any]
    address: str | None
    language: str
    created_at: dt.datetime
    confirmed_at: dt.datetime | None
    unsubscribed_at: dt.datetime | None
    links: SubscriptionLinks
    deliveries: dict[str, int] = Field(description="deliveries by state: queued, sent, failed, dropped")
    secret: str | None = Field(
        None, description="webhook only, shown once at creation: verify X-Sanmeasures-Signature with it"
    )
    signature: str | None = Field(None, description="how deliveries are signed (webhooks)")


class PendingOut(BaseModel):
    state: Literal["pending"]
    channel: Literal["email"]
    address: str
    message: str


SIGNATURE_HELP = (
    f"{channels.SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 under the secret of "
    f"'<{channels.TIMESTAMP_HEADER}>.<body bytes>'>; refuse timestamps older than "
    f"{channels.SIGNATURE_TOLERANCE} s; {channels.DELIVERY_HEADER} is the same on every retry; "
    "answer 2xx to acknowledge, 410 to end the subscription"
)


def _out(
    request: Request, sub: Subscription, counts: dict[str, int], *, secret: bool = False
) -> SubscriptionOut:
    settings = settings_of(request)
    link = links(settings, sub.token)
    base = settings.public_url.rstrip("/")
    return SubscriptionOut(
        token=sub.token,
        state=sub.state,  # type: ignore[arg-type]
        channel=sub.channel,  # type: ignore[arg-type]
        resource=sub.scope.resource,
        risks_of=sub.scope.risks_of,
        filters=dict(sub.scope.filters),
        address=sub.address,
        language=sub.language,
        created_at=sub.created_at,
        confirmed_at=sub.confirmed_at,
        unsubscribed_at=sub.unsubscribed_at,
        links=SubscriptionLinks(
            page=link["page"],
            unsubscribe=link["unsubscribe"],
            api=f"{base}/api/v1/subscriptions/{sub.token}",
            feed=link["feed"] if sub.channel == "atom" else None,
        ),
        deliveries=counts,
        secret=sub.secret if secret else None,
        signature=SIGNATURE_HELP if sub.channel == "webhook" else None,
    )


def _masked(address: str) -> str:
    """r…r@example.org: enough for its owner to recognise, not to read it off a shared screen."""
    local, _, domain = address.partition("@")
    return f"{local[0]}…{local[-1]}@{domain}" if len(local) > 2 else f"{local[0]}…@{domain}"


async def _subscribe(request: Request, body: SubscriptionIn) -> tuple[Subscription, dict[str, int]]:
    """Check and store; raises FieldErrors or TooManyRequests."""
    config = config_of(request.app)
    spec = check(body, config=config, email_offered=settings_of(request).smtp_url is not None)
    async with engine_of(request).begin() as connection:
        sub = await create(connection, spec, config=config)
        counts = await delivery_counts(connection, sub.id)
    wake(request.app)
    return sub, counts


# --- JSON API -------------------------------------------------------------------------------------------
@api.post(
    "",
    status_code=201,
    response_model=SubscriptionOut,
    summary="Subscribe a saved search, a whole resource or a member state's risks",
    responses={
        202: {"model": PendingOut, "description": "e-mail: a confirmation request was sent to the address"},
        422: {"description": "which field is wrong, and why"},
        429: {"description": "too many confirmation requests to this address in the last hour"},
    },
)
async def subscribe_api(request: Request, body: SubscriptionIn) -> Any:
    """Rules §31в: a subscription to the updates of a published resource (``resource`` with the
    ``filters`` its search API takes; none: every change) or, Rules §31а, to the risks of a member state
    (``risks_of``: its morbidity cases, dangerous-product cases and temporary measures).

    ``atom`` and ``webhook`` are active at once (201; a webhook's ``secret`` is shown only here). An
    ``email`` subscription is pending until the link in the confirmation e-mail is followed (202; its
    token is only ever sent to the address).
    """
    try:
        sub, counts = await _subscribe(request, body)
    except FieldErrors as errors:
        raise HTTPException(status_code=422, detail=errors.detail()) from None
    except TooManyRequests as error:
        raise HTTPException(status_code=429, detail=str(error)) from None
    if sub.channel == "email":
        assert sub.address is not None
        pending = PendingOut(
            state="pending",
            channel="email",
            address=sub.address,
            message="a confirmation request was sent to the address; the subscription starts when its link is followed",
        )
        return JSONResponse(pending.model_dump(), status_code=202, headers=PRIVATE)
    out = _out(request, sub, counts, secret=True)
    return JSONResponse(out.model_dump(mode="json"), status_code=201, headers=PRIVATE)


async def _found(request: Request, token: str) -> tuple[Subscription, dict[str, int]]:
    async with engine_of(request).connect() as connection:
        sub = await find(connection, token)
        if sub is None:
            raise HTTPException(status_code=404, detail="no subscription has this token")
        return sub, await delivery_counts(connection, sub.id)


@api.get("/{token}", response_model=SubscriptionOut, summary="A subscription, by its token")
async def subscription_api(request: Request, token: str) -> Any:
    sub, counts = await _found(request, token)
    return JSONResponse(_out(request, sub, counts).model_dump(mode="json"), headers=PRIVATE)


@api.delete("/{token}", status_code=204, summary="Unsubscribe (final; repeating it changes nothing)")
async def unsubscribe_api(request: Request, token: str) -> Response:
    async with engine_of(request).begin() as connection:
        sub = await unsubscribe(connection, token, config=config_of(request.app))
    if sub is None:
        raise HTTPException(status_code=404, detail="no subscription has this token")
    return Response(status_code=204, headers=PRIVATE)


# --- pages ----------------------------------------------------------------------------------------------
def _countries(lang: str) -> list[tuple[str, str]]:
    states = code_list("member_states")
    return [(code, states[code].name(lang)) for code in MEMBER_STATE_CODES]


def _form(
    request: Request,
    values: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
    *,
    status_code: int = 200,
) -> Response:
    lang = language(request)
    _ = i18n.translations(lang).gettext
    filters: dict[str, Any] = values.get("filters") or {}
    resource = values.get("resource")
    # A saved search arrives from a list with its resource: both are kept as they are.
    fixed = resource in RESOURCES and bool(filters)
    scope = Scope(resource, None, filters) if fixed else None
    return render(
        request,
        "subscriptions.html",
        {
            "values": values,
            "filters": filters,
            "fixed": fixed,
            "filter_summary": scope_text(scope, _, lang) if scope else "",
            "list_link": scope.list_path(resource) if scope else "",
            "errors": errors or {},
            "resources": list(RESOURCES.values()),
            "countries": _countries(lang),
            "email_offered": settings_of(request).smtp_url is not None,
        },
        status_code=status_code,
    )


def _private(response: Response) -> Response:
    response.headers.update(PRIVATE)
    return response


@pages.get("/subscriptions", response_class=HTMLResponse)
async def subscribe_page(request: Request) -> Response:
    """The form, prefilled from a list page's query string (its filters) or ``?risks_of=KZ``."""
    params = request.query_params
    resource = params.get("resource", "")
    risks_of = params.get("risks_of", "")
    values: dict[str, Any] = {
        "scope": "risks" if risks_of and not resource else "resource",
        "resource": resource,
        "risks_of": risks_of,
        "channel": "atom",
        "address": "",
    }
    errors: dict[str, list[str]] = {}
    if resource in RESOURCES:
        given = {
            k: v for k, v in params.items() if k not in NOT_FILTERS and k not in ("resource", "risks_of")
        }
        try:
            values["filters"] = normal_filters(RESOURCES[resource], given)
        except FieldErrors as error:
            values["filters"] = {}
            errors = _by_field(request, error)
    elif resource:
        errors = {
            "resource": [i18n.translations(language(request)).gettext("there is no such published list")]
        }
    return _form(request, values, errors, status_code=422 if errors else 200)


def _by_field(request: Request, error: FieldErrors) -> dict[str, list[str]]:
    """The errors by form field, in the reader's language (the messages model.py marks with N_)."""
    _ = i18n.translations(language(request)).gettext
    found: dict[str, list[str]] = {}
    for loc, msg in error.errors:
        field = loc[0] if loc else "form"
        found.setdefault(field, []).append(".".join(loc[1:]) + (": " if len(loc) > 1 else "") + _(msg))
    return found


@pages.post("/subscriptions", response_class=HTMLResponse)
async def subscribe_form(request: Request) -> Response:
    form = await request.form()
    scope = str(form.get("scope", "resource"))
    filters = {
        key[len(FILTER_FIELD) :]: str(value)
        for key, value in form.multi_items()
        if key.startswith(FILTER_FIELD) and str(value) != ""
    }
    values: dict[str, Any] = {
        "scope": scope,
        "resource": str(form.get("resource", "")),
        "risks_of": str(form.get("risks_of", "")),
        "channel": str(form.get("channel", "")),
        "address": str(form.get("address", "")).strip(),
        "filters": filters,
    }
    raw = {
        "channel": values["channel"],
        "resource": (values["resource"] or None) if scope == "resource" else None,
        "filters": filters if scope == "resource" else {},
        "risks_of": (values["risks_of"] or None) if scope == "risks" else None,
        "address": values["address"] or None,
        "language": str(form.get("language", "")) or language(request),
    }
    try:
        body = SubscriptionIn.model_validate(raw)
        sub, _counts = await _subscribe(request, body)
    except ValidationError as error:
        errors: dict[str, list[str]] = {}
        for e in error.errors(include_url=False):
            errors.setdefault(str(e["loc"][0]) if e["loc"] else "form", []).append(e["msg"])
        return _form(request, values, errors, status_code=422)
    except FieldErrors as error:
        return _form(request, values, _by_field(request, error), status_code=422)
    except TooManyRequests as error:
        message = i18n.translations(language(request)).gettext(str(error))
        return _form(request, values, {"address": [message]}, status_code=429)
    email = sub.channel == "email"
    context = {
        "sub": sub,
        "scope_text": _scope_text(request, sub),
        # Whoever typed an e-mail address gets no link to the subscription: its owner confirms it.
        "link": {} if email else links(settings_of(request), sub.token),
        "masked": _masked(sub.address) if email and sub.address else "",
    }
    return _private(render(request, "subscriptions_created.html", context, status_code=201))


def _scope_text(request: Request, sub: Subscription) -> str:
    lang = language(request)
    return scope_text(sub.scope, i18n.translations(lang).gettext, lang)


def _action_page(
    request: Request, what: str, sub: Subscription | None, outcome: str, *, status_code: int = 200
) -> Response:
    context = {
        "what": what,
        "sub": sub,
        "outcome": outcome,
        "scope_text": _scope_text(request, sub) if sub is not None else "",
        "link": links(settings_of(request), sub.token) if sub is not None else {},
    }
    code = 404 if sub is None else status_code
    return _private(render(request, "subscriptions_action.html", context, status_code=code))


@pages.get("/subscriptions/confirm/{token}", response_class=HTMLResponse)
async def confirm_page(request: Request, token: str) -> Response:
    """Rules §31в, double opt-in: the link of the confirmation e-mail shows a button (a mail scanner
    opening links confirms nothing)."""
    async with engine_of(request).connect() as connection:
        sub = await find(connection, token)
    config = config_of(request.app)
    outcome = "ask"
    if sub is not None and sub.state != "pending":
        outcome = "already" if sub.state == "active" else "unsubscribed"
    elif sub is not None and config.clock() - sub.created_at > config.confirm_within:
        outcome = "expired"
    return _action_page(request, "confirm", sub, outcome)


@pages.post("/subscriptions/confirm/{token}", response_class=HTMLResponse)
async def confirm_post(request: Request, token: str) -> Response:
    async with engine_of(request).begin() as connection:
        sub, outcome = await confirm(connection, token, config=config_of(request.app))
    if outcome == "confirmed":
        wake(request.app)
    return _action_page(
        request, "confirm", sub, outcome or "unknown", status_code=410 if outcome == "expired" else 200
    )


@pages.get("/subscriptions/unsubscribe/{token}", response_class=HTMLResponse)
async def unsubscribe_page(request: Request, token: str) -> Response:
    async with engine_of(request).connect() as connection:
        sub = await find(connection, token)
    outcome = "done" if sub is not None and sub.state == "unsubscribed" else "ask"
    return _action_page(request, "unsubscribe", sub, outcome)


@pages.post("/subscriptions/unsubscribe/{token}", response_class=HTMLResponse)
async def unsubscribe_post(request: Request, token: str) -> Response:
    """The page's button, and RFC 8058 one-click (``List-Unsubscribe=One-Click`` posted by a mail program)."""
    async with engine_of(request).begin() as connection:
        sub = await unsubscribe(connection, token, config=config_of(request.app))
    return _action_page(request, "unsubscribe", sub, "done")


@pages.get("/subscriptions/{token}", response_class=HTMLResponse)
async def manage_page(request: Request, token: str) -> Response:
    d = subscription_deliveries
    async with engine_of(request).connect() as connection:
        sub = await find(connection, token)
        if sub is None:
            return _action_page(request, "manage", None, "unknown")
        counts = await delivery_counts(connection, sub.id)
        recent = (
            await connection.execute(
                sa.select(
                    d.c.id, d.c.kind, d.c.resource, d.c.version_id, d.c.state, d.c.attempts, d.c.last_error
                )
                .add_columns(d.c.created_at, d.c.sent_at, d.c.next_attempt_at)
                .where(d.c.subscription_id == sub.id)
                .order_by(d.c.id.desc())
                .limit(20)
            )
        ).all()
        entries = await _entries(
            connection, [(r.resource, r.version_id) for r in recent if r.kind == "version"]
        )
    lang = language(request)
    _ = i18n.translations(lang).gettext
    rows = [
        {
            "row": r,
            "title": entries[(r.resource, r.version_id)].title(_, lang)
            if (r.resource, r.version_id) in entries
            else _("confirmation request")
            if r.kind == "confirmation"
            else _("ping"),
            "path": entries[(r.resource, r.version_id)].path
            if (r.resource, r.version_id) in entries
            else None,
        }
        for r in recent
    ]
    context = {
        "sub": sub,
        "scope_text": _scope_text(request, sub),
        "link": links(settings_of(request), sub.token),
        "list_paths": [(RESOURCES[name], sub.scope.list_path(name)) for name in sub.scope.resources],
        "counts": counts,
        "rows": rows,
    }
    return _private(render(request, "subscriptions_manage.html", context))


async def _entries(connection: Any, wanted: list[tuple[str, int]]) -> dict[tuple[str, int], Entry]:
    by_resource: dict[str, set[int]] = {}
    for resource, version_id in wanted:
        by_resource.setdefault(resource, set()).add(version_id)
    found: dict[tuple[str, int], Entry] = {}
    for resource, ids in by_resource.items():
        for version_id, entry in (await describe(connection, resource, ids)).items():
            found[(resource, version_id)] = entry
    return found


@pages.get("/subscriptions/{token}/feed.atom")
async def feed(
    request: Request, token: str, if_none_match: Annotated[str | None, Header()] = None
) -> Response:
    """Rules §31в: an Atom subscription's feed, the latest versions matched to it, newest first."""
    d = subscription_deliveries
    async with engine_of(request).connect() as connection:
        sub = await find(connection, token)
        if sub is None or sub.channel != "atom":
            return Response("no Atom subscription has this token\n", status_code=404, media_type="text/plain")
        if sub.state == "unsubscribed":
            return Response("this subscription has ended\n", status_code=410, media_type="text/plain")
        delivered = (
            await connection.execute(
                sa.select(d.c.id, d.c.resource, d.c.version_id)
                .where(d.c.subscription_id == sub.id, d.c.kind == "version", d.c.state == "sent")
                .order_by(d.c.id.desc())
                .limit(atom.FEED_SIZE)
            )
        ).all()
        etag = f'W/"{sub.id}-{delivered[0].id if delivered else 0}-{sub.language}"'
        if if_none_match == etag:
            return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        entries = await _entries(connection, [(r.resource, r.version_id) for r in delivered])
    ordered = [
        entries[(r.resource, r.version_id)] for r in delivered if (r.resource, r.version_id) in entries
    ]
    settings = settings_of(request)
    document = atom.feed(sub, ordered, settings, self_url=links(settings, sub.token)["feed"])
    headers = {"ETag": etag, "Cache-Control": "private, max-age=60", "Referrer-Policy": "no-referrer"}
    return Response(document, media_type=atom.MEDIA_TYPE, headers=headers)


router.include_router(api)
router.include_router(pages)
