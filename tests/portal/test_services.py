"""Information and reference services on the application of sanitary measures (Rules §31д).

One page per common process and electronic service. The facts on a page come from the code that
does the work: the flows from the routing table (``exchange/routing.py`` FLOWS), the structures from
the catalogue, the §39 items from the node's confidentiality policy, the time limits from
``processes/deadlines.py`` (Rules §17) and ``form1kt/store.py``. The tests compare the pages with
those sources, not with copied strings.

Internal links: a link must resolve to a route of the application, or start with one of
``PLANNED`` — pages of the portal that other parts of issue 6 add (subscriptions). Every link that
falls back to ``PLANNED`` is reported by ``test_links_to_planned_pages_are_only_the_documented_ones``
so nothing is skipped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from lxml import html
from starlette.routing import Match

from sanmeasures.app import create_app
from sanmeasures.contract.catalogue import structures
from sanmeasures.contract.tables import ITEMS
from sanmeasures.exchange.routing import FLOWS, SIGNALS
from sanmeasures.portal import services
from sanmeasures.portal.i18n import translations
from sanmeasures.portal.services import BY_SLUG, RECIPIENTS, SERVICES, paragraph_numbers
from sanmeasures.processes.deadlines import WORKING_DAYS
from sanmeasures.settings import Settings
from sanmeasures.storage.migrate import upgrade

TEMPLATES = Path(services.__file__).parent / "templates"

#: Pages of the portal that other parts of issue 6 are adding; a link here may not resolve yet.
PLANNED: tuple[str, ...] = ("/subscriptions", "/api/v1/subscriptions")


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('services')}/node.sqlite3"
    upgrade(url)
    return url


@pytest.fixture(scope="module")
def client(database: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=database, exchange=False))) as client:
        yield client


def _main(text: str) -> html.HtmlElement:
    main = html.fromstring(text).find(".//main")
    assert main is not None
    return main


def _page(client: TestClient, path: str, lang: str = "ru") -> html.HtmlElement:
    answer = client.get(path, params={"lang": lang})
    assert answer.status_code == 200, (path, lang, answer.text[:500])
    return _main(answer.text)


def _expected_flows(slug: str) -> list[str]:
    own = paragraph_numbers(" ".join(BY_SLUG[slug].paragraphs))
    return [f.name for f in FLOWS if paragraph_numbers(f.paragraphs) & own]


def test_paragraph_references_are_read_with_their_ranges() -> None:
    assert paragraph_numbers("§6б, §16–19") == {"6б", "16", "17", "18", "19"}
    assert paragraph_numbers("§7е–ж, §8, §14") == {"7е", "7ж", "8", "14"}
    assert paragraph_numbers("§36, §39") == {"36", "39"}
    assert paragraph_numbers("§31з") == {"31з"}


# --- the index ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_index_links_every_process_and_names_its_paragraphs(client: TestClient, lang: str) -> None:
    main = _page(client, "/services", lang)
    links = {a.get("href") for a in main.iter("a")}
    text = main.text_content()
    for service in SERVICES:
        assert f"/services/{service.slug}" in links
        assert all(p in text for p in service.paragraphs)
        assert translations(lang).gettext(service.title) in text
    assert "/classifiers" in links


def test_the_processes_of_the_brief_each_have_a_page() -> None:
    """Registry §15, morbidity §16–20, dangerous products §21–25/§38, measures §26–30, §37, §36, §14 and
    the electronic services §31б, §31в, §31е, §31ж, §31з."""
    covered = set().union(*(s.numbers for s in SERVICES))
    wanted = {"15", "35", "16", "17", "20", "21", "25", "38", "26", "30", "37", "36", "14"}
    wanted |= {"31б", "31в", "31е", "31ж", "31з"}
    assert wanted <= covered


# --- one page per process -----------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("slug", list(BY_SLUG))
def test_each_page_names_its_paragraphs_and_the_codes_of_its_flows(
    client: TestClient, slug: str, lang: str
) -> None:
    main = _page(client, f"/services/{slug}", lang)
    text = main.text_content()
    service = BY_SLUG[slug]
    assert translations(lang).gettext(service.title) in text
    for paragraph in service.paragraphs:
        assert paragraph in text
    flows = {f.name: f for f in FLOWS}
    for name in _expected_flows(slug):
        flow = flows[name]
        row = main.get_element_by_id(name)
        cells = row.text_content()
        assert flow.message_code in cells and flow.structure in cells and flow.paragraphs in cells
    shown = {row.get("id") for row in main.iter("tr") if row.get("id")}
    assert shown == set(_expected_flows(slug))
    if shown:  # every document of a flow gets its signals back
        for code, structure in SIGNALS.values():
            assert code in text and structure in text


def test_every_flow_of_the_routing_table_is_explained_on_some_page() -> None:
    explained = {name for slug in BY_SLUG for name in _expected_flows(slug)}
    assert explained == {f.name for f in FLOWS}


@pytest.mark.parametrize("slug", [s for s in BY_SLUG if _expected_flows(s)])
def test_senders_and_recipients_of_each_flow_are_spelled_out(client: TestClient, slug: str) -> None:
    main = _page(client, f"/services/{slug}", "en")
    for flow in (f for f in FLOWS if f.name in _expected_flows(slug)):
        cells = main.get_element_by_id(flow.name).text_content()
        for role in flow.senders:
            assert services.ROLES[role] in cells
        for rule in flow.recipients:
            assert RECIPIENTS[rule.__name__] in cells
        assert ("§39" in cells) is flow.confidential_exchange


def test_every_recipient_rule_of_the_routing_table_has_a_label() -> None:
    rules = {rule.__name__ for flow in FLOWS for rule in flow.recipients}
    assert rules <= set(RECIPIENTS)


@pytest.mark.parametrize("slug", list(BY_SLUG))
def test_each_page_shows_the_schemas_of_its_structures(client: TestClient, slug: str) -> None:
    main = _page(client, f"/services/{slug}", "en")
    links = {a.get("href") for a in main.iter("a")}
    codes = {f.structure for f in FLOWS if f.name in _expected_flows(slug)}
    codes |= {
        s.code for s in structures().values() if s.table is not None and s.table in BY_SLUG[slug].tables
    }
    for code in codes:
        structure = structures()[code]
        assert f"/schemas/{structure.xsd_file}" in links
        assert f"/api/v1/structures/{code}/example" in links


def test_the_morbidity_page_gives_the_time_limit_of_rules_17(client: TestClient) -> None:
    english = _page(client, "/services/morbidity", "en").text_content()
    assert f"within {WORKING_DAYS} working days of the authorized body's decision (Rules §17)" in english
    russian = _page(client, "/services/morbidity", "ru").text_content()
    assert f"в течение {WORKING_DAYS} рабочих дней" in russian


def test_the_cabinet_page_gives_the_due_date_of_form_1kt(client: TestClient) -> None:
    assert "15 February of the following year" in _page(client, "/services/cabinet", "en").text_content()
    assert "15 февраля следующего года" in _page(client, "/services/cabinet", "ru").text_content()


def test_the_withheld_items_are_those_of_the_nodes_section_39_policy(
    client: TestClient, database: str
) -> None:
    """Rules §39: the default policy withholds T3/8.1 and T3/9.8; a member state may name others."""
    default = Settings(database_url=database).confidentiality().items
    text = _page(client, "/services/dangerous-products", "en").text_content()
    for item_id in sorted(i for i in default if i.startswith("T3/")):
        assert item_id in text and ITEMS[item_id].name_ru in text
    assert "Items this node withholds" not in _page(client, "/services/registry", "en").text_content()
    other = Settings(database_url=database, exchange=False, confidential_items=frozenset({"T3/9.8"}))
    with TestClient(create_app(other)) as own:
        text = _page(own, "/services/dangerous-products", "en").text_content()
    assert "T3/9.8" in text and "T3/8.1" not in text


def test_the_api_section_lists_the_nodes_own_endpoints(client: TestClient) -> None:
    """The endpoints come from the application's OpenAPI description, so a page lists what exists."""
    paths = client.get("/openapi.json").json()["paths"]
    for slug, service in BY_SLUG.items():
        text = _page(client, f"/services/{slug}", "en").text_content()
        for path in paths:
            if service.api_prefixes and path.startswith(service.api_prefixes):
                assert path in text, (slug, path)


def test_the_registry_page_shows_how_to_search_fetch_export_and_check(client: TestClient) -> None:
    text = _page(client, "/services/registry", "en").text_content()
    for expected in (
        "curl -G http://127.0.0.1:8000/api/v1/registry --data-urlencode 'text=…'",
        "/api/v1/registry/<number>/status",
        "/api/v1/export/registry.<csv|xlsx|json|xml>",
        "POST /api/v1/messages",
        "Authorization: Bearer",
        "status_code",  # a filter of CertificateQuery
    ):
        assert expected in text, expected


def test_an_unknown_process_is_a_404_listing_the_pages(client: TestClient) -> None:
    answer = client.get("/services/veterinary?lang=en")
    assert answer.status_code == 404
    links = {a.get("href") for a in _main(answer.text).iter("a")}
    assert {f"/services/{slug}" for slug in BY_SLUG} <= links


# --- links --------------------------------------------------------------------------------------------
def _resolves(app: FastAPI, path: str) -> bool:
    scope = {
        "type": "http",
        "path": path,
        "method": "GET",
        "root_path": "",
        "query_string": b"",
        "headers": [],
    }
    return any(route.matches(scope)[0] is not Match.NONE for route in app.router.routes)


def _internal_links(client: TestClient) -> dict[str, set[str]]:
    """path → the pages linking to it, for the index and every process page in both languages."""
    found: dict[str, set[str]] = {}
    for page in ["/services", *(f"/services/{slug}" for slug in BY_SLUG)]:
        for lang in ("ru", "en"):
            for anchor in _page(client, page, lang).iter("a"):
                href = anchor.get("href") or ""
                if href.startswith("/") and not href.startswith("//"):
                    found.setdefault(urlsplit(href).path, set()).add(page)
    return found


def test_every_internal_link_resolves_to_a_route_of_the_app_or_a_planned_page(client: TestClient) -> None:
    broken = {
        path: pages
        for path, pages in _internal_links(client).items()
        if not _resolves(client.app, path) and not path.startswith(PLANNED)  # type: ignore[arg-type]
    }
    assert not broken, broken


def test_links_to_planned_pages_are_only_the_documented_ones(client: TestClient) -> None:
    """Reports, rather than skips, the links whose page does not exist yet."""
    pending = sorted(p for p in _internal_links(client) if not _resolves(client.app, p))  # type: ignore[arg-type]
    assert all(p.startswith(PLANNED) for p in pending), pending
    if pending:
        print(f"links to pages not mounted yet: {pending}")


def test_links_to_schemas_classifiers_and_structures_answer_200(client: TestClient) -> None:
    for path in _internal_links(client):
        if path.startswith(("/schemas/", "/classifiers", "/services", "/api/v1/structures")):
            assert client.get(path).status_code == 200, path


# --- translations -------------------------------------------------------------------------------------
def _texts() -> list[str]:
    found: list[str] = []
    for service in SERVICES:
        found += [service.title, service.summary, *service.published, *service.withheld, *service.time_limits]
        found += [label for _, label in service.pages] + [call.purpose for call in service.calls]
        found += [service.participants] if service.participants else []
    found += [call.purpose for call in services._MESSAGES_CALLS]
    found += list(services.ROLES.values()) + list(RECIPIENTS.values()) + list(services.TEMPLATES.values())
    found += [flow.description for flow in FLOWS]
    return found


_MSGID = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")


def _template_texts() -> list[str]:
    found = []
    for template in sorted(TEMPLATES.glob("services*.html")) + sorted(TEMPLATES.glob("classifiers*.html")):
        found += [a or b for a, b in _MSGID.findall(template.read_text(encoding="utf-8"))]
    return found


def test_every_text_of_the_pages_has_a_russian_translation() -> None:
    """Russian is the portal's first language: the services' texts, the flows' descriptions (read from
    the routing table) and every text of the templates."""
    russian = translations("ru")
    missing = [text for text in _texts() + _template_texts() if russian.gettext(text) == text]
    assert not missing, missing


def test_placeholders_survive_translation() -> None:
    russian = translations("ru")
    for text in _texts() + _template_texts():
        assert set(re.findall(r"%\(\w+\)s", text)) == set(re.findall(r"%\(\w+\)s", russian.gettext(text))), (
            text
        )
