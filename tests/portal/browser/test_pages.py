"""The portal as a whole in a real browser: the language switch, the home page, every main page clean.

Rules §31 lists the portal's electronic services; the portal speaks Russian first, and English and
Kazakh on request. Every page must load without a console or script error and without any other
host (the ``page`` fixture fails a test on either).
"""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from sanmeasures.portal.i18n import translations
from sanmeasures.portal.web import MENU
from tests.portal.browser.conftest import Node, Shoot, Watch

ru = translations("ru").gettext
kk = translations("kk").gettext

#: The main pages every visitor reaches from the menu or the home page.
PAGES = (
    "/",
    "/registry",
    "/morbidity",
    "/dangerous-products",
    "/measures",
    "/check",
    "/statistics",
    "/subscriptions",
    "/classifiers",
    "/services",
    "/login",
)


def _menu(page: Page) -> list[str]:
    return [text.strip() for text in page.locator("header nav.menu a").all_inner_texts()]


def test_language_switch_to_english_and_back_to_russian(page: Page) -> None:
    """The header's language links switch the labels, and the choice is kept on the next page."""
    page.goto("/registry")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    russian = [ru(label) for _, label in MENU]
    assert _menu(page) == russian
    assert russian != [label for _, label in MENU], "the Russian catalogue translates none of the menu"

    page.locator("header a[hreflang=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Registry of certificates")
    assert _menu(page) == [label for _, label in MENU]

    page.locator("header nav.menu a[href='/dangerous-products']").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Dangerous products")

    page.locator("header a[hreflang=kk]").click()
    expect(page.locator("html")).to_have_attribute("lang", "kk")
    expect(page.locator("h1")).to_have_text(kk("Dangerous products"))

    page.locator("header a[hreflang=ru]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("h1")).to_have_text(ru("Dangerous products"))
    assert _menu(page) == russian


@pytest.mark.parametrize("path", PAGES)
def test_main_page_loads_cleanly(page: Page, node: Node, watch: Watch, path: str) -> None:
    """Every main page answers 200 with a heading, in Russian, from the node alone, without errors."""
    answer = page.goto(path)
    assert answer is not None and answer.status == 200, f"{path}: {answer and answer.status}"
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.wait_for_load_state("networkidle")
    assert watch.foreign_requests() == [], f"{path} asked other hosts: {watch.foreign_requests()}"
    broken = page.evaluate(
        "() => [...document.images].filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)"
    )
    assert broken == [], f"{path}: images that did not load: {broken}"
    unstyled = page.evaluate(
        "() => [...document.styleSheets].filter(s => { try { return s.cssRules.length === 0 } "
        "catch (e) { return true } }).map(s => s.href)"
    )
    assert unstyled == [], f"{path}: style sheets that did not load: {unstyled}"


def test_home_page_checks_a_pasted_document(page: Page, node: Node, screenshot: Shoot) -> None:
    """The home page's document check (the contract of Appendix 2): a valid EEC example passes."""
    example = httpx.get(f"{node.url}/api/v1/structures/R.SM.SS.08.002/example")
    assert example.status_code == 200, example.text
    page.goto("/")
    expect(page.locator("main section.cards article")).to_have_count(4)
    screenshot(page, "home")
    page.locator("#xml").fill(example.text)
    page.locator("form#check button[type=submit]").click()
    expect(page.locator("#result p.ok")).to_contain_text("R.SM.SS.08.002")
    page.locator("#xml").fill("<broken")
    page.locator("form#check button[type=submit]").click()
    expect(page.locator("#result p.bad")).to_be_visible()
    expect(page.locator("#result li").first).to_be_visible()
