"""Subscribing (Rules §31в, §31а): the form, the JSON API's checks, and what each subscriber may see."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from lxml import html

from sanmeasures.portal import i18n
from sanmeasures.portal.notify import NotifyConfig
from sanmeasures.storage.migrate import upgrade
from tests.portal.test_subscriptions_support import Node, config, eventually, running, smtp_server

PORTAL = Path(__file__).resolve().parents[2] / "src" / "sanmeasures" / "portal"


@pytest.fixture(scope="module")
def shared_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One migrated SQLite database for the module (migrating runs its own event loop: outside the tests')."""
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('subscriptions')}/node.sqlite3"
    upgrade(url)
    return url


@pytest.fixture
def fresh_url(sqlite_url: str) -> str:
    upgrade(sqlite_url)
    return sqlite_url


@pytest.fixture
async def node(shared_url: str) -> AsyncIterator[Node]:
    async with running(shared_url, smtp="smtp://127.0.0.1:9") as node:
        yield node


def _errors(answer) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {".".join(map(str, e["loc"][1:])): e["msg"] for e in answer.json()["detail"]}


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        (
            {"channel": "webhook", "resource": "measures", "address": "ftp://example.org/x"},
            "address",
            "https://",
        ),
        (
            {"channel": "webhook", "resource": "measures", "address": "https://user:pw@example.org/"},
            "address",
            "credentials",
        ),
        ({"channel": "webhook", "resource": "measures"}, "address", "URL"),
        (
            {"channel": "email", "resource": "measures", "address": "not an address"},
            "address",
            "e-mail address",
        ),
        ({"channel": "email", "resource": "measures", "address": "reader@localhost"}, "address", "domain"),
        (
            {"channel": "atom", "resource": "measures", "address": "reader@example.org"},
            "address",
            "no address",
        ),
        ({"channel": "atom", "resource": "measures", "risks_of": "KZ"}, "resource", "either"),
        ({"channel": "atom"}, "resource", "either"),
        ({"channel": "atom", "risks_of": "KZ", "filters": {"state": "introduced"}}, "filters", "no filters"),
        (
            {"channel": "atom", "resource": "registry", "filters": {"country": "Kazakhstan"}},
            "filters.country",
            "pattern",
        ),
        (
            {"channel": "atom", "resource": "morbidity", "filters": {"colour": "red"}},
            "filters.colour",
            "not permitted",
        ),
        (
            {"channel": "atom", "resource": "morbidity", "filters": {"kind": "dangerous_product"}},
            "filters",
            "kind",
        ),
        (
            {
                "channel": "atom",
                "resource": "measures",
                "filters": {"start_from": "2026-05-01", "start_to": "2026-01-01"},
            },
            "filters",
            "before its start",
        ),
    ],
)
async def test_the_api_refuses_a_wrong_request_naming_the_field(
    node: Node, body: dict, field: str, says: str
) -> None:
    answer = await node.client.post("/api/v1/subscriptions", json=body)
    assert answer.status_code == 422, answer.text
    errors = _errors(answer)
    assert field in errors, errors
    assert says in errors[field]


async def test_webhooks_go_only_to_public_addresses_unless_the_node_allows_private_ones(
    shared_url: str,
) -> None:
    """A public portal must not be made to post into its own network."""
    async with running(shared_url, notify=NotifyConfig(poll_interval=0.05)) as node:
        for address in (
            "http://127.0.0.1:8080/x",
            "http://10.1.2.3/x",
            "http://[::1]/x",
            "https://intranet.local/x",
        ):
            answer = await node.client.post(
                "/api/v1/subscriptions",
                json={"channel": "webhook", "resource": "measures", "address": address},
            )
            assert answer.status_code == 422, address
            assert "private" in _errors(answer)["address"]
        fine = await node.client.post(
            "/api/v1/subscriptions",
            json={
                "channel": "webhook",
                "resource": "measures",
                "address": "https://hooks.example.org/sanitary",
            },
        )
        assert fine.status_code == 201


async def test_e_mail_is_not_offered_without_an_smtp_server(shared_url: str) -> None:
    async with running(shared_url) as node:
        answer = await node.client.post(
            "/api/v1/subscriptions",
            json={"channel": "email", "risks_of": "KZ", "address": "reader@example.org"},
        )
        assert answer.status_code == 422
        assert "SMTP" in _errors(answer)["address"]
        page = await node.client.get("/subscriptions")
        assert 'value="email"' not in page.text


async def test_confirmation_requests_to_one_address_are_limited(node: Node) -> None:
    body = {"channel": "email", "risks_of": "RU", "address": "Reader@EXAMPLE.org"}
    for _ in range(3):
        assert (await node.client.post("/api/v1/subscriptions", json=body)).status_code == 202
    again = await node.client.post("/api/v1/subscriptions", json={**body, "address": "Reader@example.org"})
    assert again.status_code == 429
    assert "last hour" in again.json()["detail"]
    other = await node.client.post("/api/v1/subscriptions", json={**body, "address": "other@example.org"})
    assert other.status_code == 202


async def test_a_token_shows_its_own_subscription_and_nothing_else(node: Node) -> None:
    made = await node.client.post(
        "/api/v1/subscriptions",
        json={
            "channel": "webhook",
            "resource": "dangerous-products",
            "filters": {"country": "RU"},
            "address": "https://a.example.org/h",
        },
    )
    assert made.status_code == 201
    mine = made.json()
    assert mine["filters"] == {"country": "RU"} and mine["secret"].startswith("whsec_")
    assert made.headers["cache-control"] == "no-store"
    shown = await node.client.get(f"/api/v1/subscriptions/{mine['token']}")
    assert shown.status_code == 200
    assert shown.json()["address"] == "https://a.example.org/h"
    assert shown.json()["secret"] is None  # the secret is shown once, at creation
    for wrong in ("x" * 43, mine["token"][:-1], "../../etc/passwd"):
        assert (await node.client.get(f"/api/v1/subscriptions/{wrong}")).status_code == 404
        assert (await node.client.delete(f"/api/v1/subscriptions/{wrong}")).status_code == 404
        assert (await node.client.get(f"/subscriptions/{wrong}")).status_code == 404
    assert (await node.client.delete(f"/api/v1/subscriptions/{mine['token']}")).status_code == 204
    assert (await node.client.delete(f"/api/v1/subscriptions/{mine['token']}")).status_code == 204
    assert (await node.client.get(f"/api/v1/subscriptions/{mine['token']}")).json()["state"] == "unsubscribed"


async def test_the_form_takes_the_search_of_a_list_page(node: Node) -> None:
    """The list's link "Subscribe to this search" carries its filters; order and paging are dropped."""
    page = await node.client.get(
        "/subscriptions",
        params={"resource": "dangerous-products", "country": "RU", "order": "oldest", "lang": "en"},
    )
    assert page.status_code == 200
    doc = html.fromstring(page.text)
    assert doc.xpath("//input[@name='filter.country']/@value") == ["RU"]
    assert doc.xpath("//input[@name='resource']/@value") == ["dangerous-products"]
    assert not doc.xpath("//input[@name='filter.order']")
    assert "Dangerous products: Country = RU" in page.text

    bad = await node.client.get("/subscriptions", params={"resource": "measures", "state": "dreaming"})
    assert bad.status_code == 422 and "state" in bad.text

    made = await node.client.post(
        "/subscriptions",
        data={
            "scope": "resource",
            "resource": "dangerous-products",
            "filter.country": "RU",
            "channel": "atom",
            "language": "en",
        },
    )
    assert made.status_code == 201
    feed = html.fromstring(made.text).xpath("//pre[@id='feed']/text()")[0]
    assert re.fullmatch(r"http://portal\.test/subscriptions/[A-Za-z0-9_-]{43}/feed\.atom", feed)
    manage = await node.client.get(feed.removeprefix("http://portal.test").removesuffix("/feed.atom"))
    assert manage.status_code == 200 and "Country = RU" in manage.text
    assert manage.headers["referrer-policy"] == "no-referrer"


async def test_the_form_shows_what_is_wrong_in_the_readers_language(node: Node) -> None:
    answer = await node.client.post(
        "/subscriptions",
        data={"scope": "risks", "risks_of": "KZ", "channel": "webhook", "address": "mailto:x@y.org"},
    )
    assert answer.status_code == 422
    alert = html.fromstring(answer.text).xpath("//article[@role='alert']//li/text()")
    assert any(line.startswith("Адрес") and "https://" in line for line in alert), alert


async def test_an_e_mail_subscription_gives_its_maker_no_key(fresh_url: str) -> None:
    """Whoever types an address cannot confirm it: the token goes only to the mailbox (double opt-in)."""
    async with smtp_server() as mailbox, running(fresh_url, smtp=mailbox.url, notify=config()) as node:
        made = await node.client.post(
            "/subscriptions",
            data={"scope": "risks", "risks_of": "KG", "channel": "email", "address": "someone@example.org"},
        )
        assert made.status_code == 201
        assert "s…e@example.org" in made.text and "someone@example.org" not in made.text
        (request,) = await eventually(lambda: mailbox.to("someone@example.org"))
        token = re.search(r"/subscriptions/confirm/([A-Za-z0-9_-]{43})", request.get_content()).group(1)
        assert token not in made.text
        assert "Кыргызстан" in request.get_content()  # the page was in Russian: so is the e-mail
        assert request["List-Unsubscribe"] == f"<http://portal.test/subscriptions/unsubscribe/{token}>"


def test_every_text_of_the_subscription_pages_and_messages_has_a_russian_translation() -> None:
    """The portal is Russian first (i18n.DEFAULT): no English may show through on these pages or e-mails."""
    sources = [
        *(("jinja2", p) for p in sorted((PORTAL / "templates").glob("subscriptions*.html"))),
        *(("python", p) for p in sorted((PORTAL / "notify").glob("*.py"))),
        ("python", PORTAL / "subscriptions.py"),
    ]
    msgids = set()
    for method, path in sources:
        for _line, message, _comments, _context in extract_from_file(method, str(path)):
            msgids.add(message if isinstance(message, str) else message[0])
    assert len(msgids) > 60
    russian = i18n.translations("ru")
    missing = sorted(m for m in msgids if russian.gettext(m) == m)
    assert missing == []
