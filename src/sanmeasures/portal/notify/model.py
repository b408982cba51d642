"""Subscriptions (Rules §31в, §31а): what is subscribed to, where it goes, and its life.

A subscription's *scope* is a saved search of one published resource (the resource's filters, as on
its list page; none: every change of the resource) or the risks of one member state (Rules §31а: the
morbidity cases it reports, its dangerous-product cases and its temporary measures). Its *channel*
is an Atom feed, a webhook (a signed POST) or an e-mail address.

Life: an e-mail subscription starts ``pending`` and a confirmation request goes to the address; it is
``active`` once the link in that message is followed (double opt-in: nobody subscribes someone
else's inbox). A feed or a webhook is ``active`` at once — a webhook's first delivery is a signed
``ping``, so its receiver can check its set-up. ``unsubscribed`` is final. The token identifies a
subscription everywhere (feed, links in e-mails, the API) and is its holder's only key to it; for an
e-mail subscription it is only ever sent to the address.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.portal.notify.config import NotifyConfig
from sanmeasures.portal.resources import RESOURCES, ConflictingFilter, Resource
from sanmeasures.storage.tables import (
    case_versions,
    cases,
    certificate_versions,
    certificates,
    measure_versions,
    measures,
    subscription_deliveries,
    subscriptions,
)

Channel = Literal["atom", "webhook", "email"]
CHANNELS: tuple[str, ...] = ("atom", "webhook", "email")
LANGUAGES: tuple[str, ...] = ("ru", "en", "kk")
#: Rules §31а: the risks to life and health in a member state — diseases (morbidity), dangerous
#: products found there, and the temporary measures it introduces.
RISK_RESOURCES: tuple[str, ...] = ("morbidity", "dangerous-products", "measures")
#: Query parameters of a list that say how to show it, not what to select.
NOT_FILTERS = frozenset({"cursor", "limit", "order", "lang"})
#: Filters a subscription may carry, at most (a list page has fewer).
MAX_FILTERS = 20

TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")


def N_(message: str) -> str:
    """Marks a message for translation; the page showing it translates it for its reader."""
    return message


# --- where versions come from ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Source:
    """A version table: every row is a new version of a certificate, case or measure."""

    name: str
    versions: sa.Table
    parent: str  # the column naming the current-view row
    current: sa.Table
    since: str  # the subscriptions column: the highest id there when the subscription became active
    resources: tuple[str, ...]


SOURCES: tuple[Source, ...] = (
    Source(
        "certificate_versions",
        certificate_versions,
        "certificate_id",
        certificates,
        "since_certificate_version",
        ("registry",),
    ),
    Source(
        "case_versions",
        case_versions,
        "case_id",
        cases,
        "since_case_version",
        ("morbidity", "dangerous-products"),
    ),
    Source(
        "measure_versions", measure_versions, "measure_id", measures, "since_measure_version", ("measures",)
    ),
)
SOURCE_OF: dict[str, Source] = {resource: source for source in SOURCES for resource in source.resources}


async def latest_versions(connection: AsyncConnection) -> dict[str, int]:
    """The highest version id of each version table now (0 when empty)."""
    found = {}
    for source in SOURCES:
        top = await connection.scalar(sa.select(sa.func.max(source.versions.c.id)))
        found[source.since] = int(top or 0)
    return found


# --- scope ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scope:
    """A saved search of one resource, or the risks of one member state."""

    resource: str | None
    risks_of: str | None
    filters: Mapping[str, Any]

    @property
    def resources(self) -> tuple[str, ...]:
        return (self.resource,) if self.resource else RISK_RESOURCES

    def query(self, resource: str) -> Any:
        """The search query this scope asks of ``resource`` (the resource's own filters added)."""
        r = RESOURCES[resource]
        if self.risks_of:
            return r.query_of(r.query(country=self.risks_of))
        return r.query_of(r.query.model_validate(dict(self.filters)))

    def list_path(self, resource: str) -> str:
        """The list page showing what this scope selects of ``resource``."""
        params = {"country": self.risks_of} if self.risks_of else dict(self.filters)
        return f"/{resource}" + (f"?{urlencode(params)}" if params else "")


def normal_filters(resource: Resource, given: Mapping[str, Any]) -> dict[str, Any]:
    """The filters of a list query as a subscription keeps them: validated, without order and paging.

    Raises ``FieldErrors`` naming the filter at fault.
    """
    wanted = {
        name: value for name, value in given.items() if name not in NOT_FILTERS and value not in ("", None)
    }
    if len(wanted) > MAX_FILTERS:
        raise FieldErrors([(("filters",), N_("too many filters"))])
    try:
        query = resource.query_of(resource.query.model_validate(wanted))
    except ValidationError as error:
        raise FieldErrors(
            [(("filters", *map(str, e["loc"])), e["msg"]) for e in error.errors(include_url=False)]
        ) from None
    except ConflictingFilter as error:
        raise FieldErrors([(("filters",), str(error))]) from None
    return query.model_dump(mode="json", exclude_none=True, exclude=set(NOT_FILTERS) | set(resource.fixed))


# --- what a subscriber asks for -------------------------------------------------------------------------
class SubscriptionIn(BaseModel):
    """A new subscription (Rules §31в): a resource with filters, or the risks of a member state (§31а)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "channel": "webhook",
                    "resource": "dangerous-products",
                    "filters": {"country": "RU", "hs_code": "1601"},
                    "address": "https://example.org/sanitary-hook",
                },
                {"channel": "email", "risks_of": "KZ", "address": "reader@example.org", "language": "kk"},
                {"channel": "atom", "resource": "measures"},
            ]
        },
    )

    channel: Channel = Field(description="atom: a feed; webhook: signed POSTs to address; email: address")
    resource: Literal["registry", "morbidity", "dangerous-products", "measures"] | None = Field(
        None, description="the published resource; give this or risks_of"
    )
    filters: dict[str, Any] = Field(
        default_factory=dict,
        description="the resource's list filters (as its search API takes them); empty: the whole resource",
    )
    risks_of: Literal["AM", "BY", "KZ", "KG", "RU"] | None = Field(
        None, description="Rules §31а: a member state's morbidity, dangerous-product cases and measures"
    )
    address: str | None = Field(
        None, max_length=2048, description="the e-mail address, or the webhook's http(s) URL; none for atom"
    )
    language: Literal["ru", "en", "kk"] = Field("ru", description="language of e-mails and feed titles")


class FieldErrors(ValueError):
    """What is wrong with a subscription request, field by field."""

    def __init__(self, errors: list[tuple[tuple[str, ...], str]]) -> None:
        super().__init__("; ".join(f"{'.'.join(loc)}: {msg}" for loc, msg in errors))
        self.errors = errors

    def detail(self, prefix: str = "body") -> list[dict[str, Any]]:
        """FastAPI's 422 shape: ``loc``, ``msg``, ``type``."""
        return [{"loc": [prefix, *loc], "msg": msg, "type": "value_error"} for loc, msg in self.errors]


class TooManyRequests(ValueError):
    """Confirmation requests to one address are limited per hour."""


@dataclass(frozen=True)
class Spec:
    """A checked request: what to store."""

    scope: Scope
    channel: str
    address: str | None
    language: str


def check(request: SubscriptionIn, *, config: NotifyConfig, email_offered: bool) -> Spec:
    """Every rule a subscription request must meet, all errors at once (``FieldErrors``)."""
    errors: list[tuple[tuple[str, ...], str]] = []
    scope: Scope | None = None
    if (request.resource is None) == (request.risks_of is None):
        errors.append(
            (("resource",), N_("give either resource (a published list) or risks_of (a member state)"))
        )
    elif request.risks_of is not None:
        if request.filters:
            errors.append((("filters",), N_("the risks of a member state take no filters")))
        else:
            scope = Scope(None, request.risks_of, {})
    else:
        assert request.resource is not None
        try:
            scope = Scope(
                request.resource, None, normal_filters(RESOURCES[request.resource], request.filters)
            )
        except FieldErrors as error:
            errors += error.errors

    address: str | None = None
    if request.channel == "atom":
        if request.address:
            errors.append((("address",), N_("a feed has no address: leave it out")))
    elif not request.address or not request.address.strip():
        needed = (
            N_("e-mail needs an e-mail address")
            if request.channel == "email"
            else N_("a webhook needs the http(s) URL of the receiver")
        )
        errors.append((("address",), needed))
    else:
        try:
            if request.channel == "email":
                if not email_offered:
                    raise ValueError(
                        N_("this node sends no e-mail (no SMTP server is configured); use atom or webhook")
                    )
                address = normal_email(request.address)
            else:
                address = normal_webhook_url(request.address, allow_private=config.allow_private_webhooks)
        except ValueError as error:
            errors.append((("address",), str(error)))
    if errors:
        raise FieldErrors(errors)
    assert scope is not None
    return Spec(scope, request.channel, address, request.language)


# --- addresses ------------------------------------------------------------------------------------------
_ATOM_CHARS = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"^{_ATOM_CHARS}(\.{_ATOM_CHARS})*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def _domain(host: str) -> str:
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise ValueError(N_("the domain is not a valid internationalised domain name")) from None
    labels = ascii_host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) or len(ascii_host) > 253:
        raise ValueError(N_("the domain is not a domain name (like example.org)"))
    if labels[-1].isdigit():
        raise ValueError(N_("the domain is not a domain name (like example.org)"))
    return ascii_host


def normal_email(text: str) -> str:
    """An addr-spec as RFC 5322 dot-atoms (no comments, no quoted local part), its domain in IDNA."""
    address = text.strip()
    if any(c.isspace() or ord(c) < 32 for c in address) or "<" in address or ">" in address:
        raise ValueError(
            N_("an e-mail address is one word like reader@example.org, without spaces or a name")
        )
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain:
        raise ValueError(N_("this is not an e-mail address (like reader@example.org)"))
    if len(local) > 64 or not _LOCAL.match(local):
        raise ValueError(N_("the part before @ is not a valid mailbox name"))
    normal = f"{local}@{_domain(domain)}"
    if len(normal) > 254:
        raise ValueError(N_("an e-mail address is at most 254 characters"))
    return normal


_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa", ".lan", ".intranet")


def private_ip(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Loopback, private, link-local, shared, multicast, reserved or unspecified: not the Internet."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def normal_webhook_url(text: str, *, allow_private: bool) -> str:
    """An absolute http(s) URL without credentials or fragment; a private host only when allowed."""
    url = text.strip()
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise ValueError(N_("the webhook URL contains spaces or control characters"))
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(N_("the webhook URL must start with https:// (or http://)"))
    if not parts.hostname:
        raise ValueError(N_("the webhook URL names no host"))
    if parts.username is not None or parts.password is not None:
        raise ValueError(N_("put no credentials in the webhook URL: check our signature instead"))
    if parts.fragment:
        raise ValueError(N_("the webhook URL must have no #fragment"))
    try:
        port = parts.port
    except ValueError:
        raise ValueError(N_("the webhook URL's port is not a number from 1 to 65535")) from None
    if port == 0:
        raise ValueError(N_("the webhook URL's port is not a number from 1 to 65535"))
    if allow_private:
        return url
    host = parts.hostname
    private = N_(
        "the webhook host is a local or private address; this node posts only to public Internet addresses"
    )
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        if private_ip(literal):
            raise ValueError(private)
        return url
    if host == "localhost" or host.endswith(_LOCAL_SUFFIXES):
        raise ValueError(private)
    try:
        _domain(host)
    except ValueError:
        raise ValueError(N_("the webhook host is not a public domain name (like example.org)")) from None
    return url


# --- stored subscriptions -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Subscription:
    id: int
    token: str
    scope: Scope
    channel: str
    address: str | None
    secret: str | None
    language: str
    state: str
    since: Mapping[str, int]
    created_at: dt.datetime
    confirmed_at: dt.datetime | None
    unsubscribed_at: dt.datetime | None

    @classmethod
    def of(cls, row: Any) -> Subscription:
        return cls(
            id=row.id,
            token=row.token,
            scope=Scope(row.resource, row.risks_of, dict(row.filters or {})),
            channel=row.channel,
            address=row.address,
            secret=row.secret,
            language=row.language,
            state=row.state,
            since={source.since: int(getattr(row, source.since)) for source in SOURCES},
            created_at=aware(row.created_at),
            confirmed_at=aware(row.confirmed_at) if row.confirmed_at else None,
            unsubscribed_at=aware(row.unsubscribed_at) if row.unsubscribed_at else None,
        )


def aware(moment: dt.datetime) -> dt.datetime:
    """SQLite gives back naive datetimes; the node stores UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


async def create(connection: AsyncConnection, spec: Spec, *, config: NotifyConfig) -> Subscription:
    """Store a new subscription with its first delivery (an e-mail's confirmation request, a webhook's ping)."""
    now = config.clock()
    if spec.channel == "email":
        recent = await connection.scalar(
            sa.select(sa.func.count())
            .select_from(subscriptions)
            .where(
                subscriptions.c.address == spec.address,
                subscriptions.c.channel == "email",
                subscriptions.c.created_at > now - dt.timedelta(hours=1),
            )
        )
        if recent >= config.confirmations_per_hour:
            raise TooManyRequests(
                N_(
                    "too many confirmation requests were sent to this address in the last hour; "
                    "confirm one of them or try again later"
                )
            )
    active = spec.channel != "email"
    since = await latest_versions(connection) if active else {source.since: 0 for source in SOURCES}
    token = secrets.token_urlsafe(32)
    row = (
        await connection.execute(
            subscriptions.insert()
            .values(
                token=token,
                resource=spec.scope.resource,
                risks_of=spec.scope.risks_of,
                filters=dict(spec.scope.filters),
                channel=spec.channel,
                address=spec.address,
                secret=f"whsec_{secrets.token_urlsafe(32)}" if spec.channel == "webhook" else None,
                language=spec.language,
                state="active" if active else "pending",
                created_at=now,
                confirmed_at=now if active else None,
                **since,
            )
            .returning(*subscriptions.c)
        )
    ).one()
    first = {"email": "confirmation", "webhook": "ping"}.get(spec.channel)
    if first is not None:
        await connection.execute(
            subscription_deliveries.insert().values(
                subscription_id=row.id, kind=first, state="queued", next_attempt_at=now, created_at=now
            )
        )
    return Subscription.of(row)


async def find(connection: AsyncConnection, token: str) -> Subscription | None:
    if not TOKEN.match(token):
        return None
    row = (await connection.execute(sa.select(subscriptions).where(subscriptions.c.token == token))).first()
    return Subscription.of(row) if row is not None else None


Confirmation = Literal["confirmed", "already", "expired", "unsubscribed"]


async def confirm(
    connection: AsyncConnection, token: str, *, config: NotifyConfig
) -> tuple[Subscription | None, Confirmation | None]:
    """Make a pending e-mail subscription active: it receives versions recorded from now on."""
    subscription = await find(connection, token)
    if subscription is None:
        return None, None
    if subscription.state == "active":
        return subscription, "already"
    if subscription.state == "unsubscribed":
        return subscription, "unsubscribed"
    now = config.clock()
    if now - subscription.created_at > config.confirm_within:
        return subscription, "expired"
    changed = await connection.execute(
        subscriptions.update()
        .where(subscriptions.c.id == subscription.id, subscriptions.c.state == "pending")
        .values(state="active", confirmed_at=now, **await latest_versions(connection))
    )
    if changed.rowcount != 1:  # confirmed meanwhile by another click
        return await find(connection, token), "already"
    return await find(connection, token), "confirmed"


async def unsubscribe(
    connection: AsyncConnection, token: str, *, config: NotifyConfig
) -> Subscription | None:
    """End a subscription for good; what is still queued for it is dropped. Repeating it changes nothing."""
    subscription = await find(connection, token)
    if subscription is None or subscription.state == "unsubscribed":
        return subscription
    await end(connection, subscription.id, now=config.clock())
    return await find(connection, token)


async def end(connection: AsyncConnection, subscription_id: int, *, now: dt.datetime) -> None:
    await connection.execute(
        subscriptions.update()
        .where(subscriptions.c.id == subscription_id, subscriptions.c.state != "unsubscribed")
        .values(state="unsubscribed", unsubscribed_at=now)
    )
    await connection.execute(
        subscription_deliveries.update()
        .where(
            subscription_deliveries.c.subscription_id == subscription_id,
            subscription_deliveries.c.state == "queued",
        )
        .values(state="dropped")
    )


async def delivery_counts(connection: AsyncConnection, subscription_id: int) -> dict[str, int]:
    """How many deliveries of the subscription are queued, sent, failed, dropped."""
    d = subscription_deliveries
    rows = await connection.execute(
        sa.select(d.c.state, sa.func.count())
        .where(d.c.subscription_id == subscription_id)
        .group_by(d.c.state)
    )
    counts = {"queued": 0, "sent": 0, "failed": 0, "dropped": 0}
    counts.update({state: int(count) for state, count in rows})
    return counts
