"""A visitor searches the unified registry and checks a certificate, in a real browser.

Rules §31б (search of the published registry, §15, Table 1) and §31з (the service that checks
whether a state registration certificate is in force; its QR code opens that check).
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.portal.browser.conftest import Shoot

#: A word of a product name the demo registry always holds (demo/synthetic.py PRODUCTS).
PRODUCT_WORD = "молочная"


def _first_column(page: Page) -> list[str]:
    return page.locator("#results tbody tr td:first-child a").all_inner_texts()


def test_search_by_product_word_open_certificate_and_check_its_status(page: Page, screenshot: Shoot) -> None:
    """Rules §31б, §31з: search by a product word, open a certificate with its status and QR code,
    then the status check answers the same state for the number typed in lower case."""
    page.goto("/registry")
    page.locator("input[name=text]").fill(PRODUCT_WORD)
    page.locator("#filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"/registry\?.*text="))
    rows = page.locator("#results tbody tr")
    expect(rows.first.locator("td:first-child a")).to_be_visible()
    products = page.locator("#results tbody tr td:nth-child(5)").all_inner_texts()
    assert products, "the search found nothing"
    assert all(PRODUCT_WORD in product.lower() for product in products), products
    screenshot(page, "registry")

    first = rows.first.locator("td:first-child a")
    number = first.inner_text().strip()
    first.click()
    expect(page.locator("h1")).to_contain_text(number)
    state = page.locator("#state strong")
    expect(state).not_to_be_empty()
    qr = page.locator("#qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0"), "the QR code did not load"
    state_name = state.inner_text().strip()
    screenshot(page, "certificate")

    page.goto("/check")
    page.locator("input[name=number]").fill(number.lower())
    page.locator("form[action='/check'] button[type=submit]").click()
    answer = page.locator("#answer")
    expect(answer).to_be_visible()
    assert answer.get_attribute("data-state") in {"in_force", "suspended", "annulled", "expired"}
    expect(answer.locator("header strong")).to_have_text(state_name)
    expect(answer.locator("a[href^='/registry/']")).to_have_text(number)
    screenshot(page, "check")


def test_search_by_part_of_a_number_finds_that_certificate(page: Page) -> None:
    """Rules §31б: part of a registration number, as printed, finds the certificate."""
    page.goto("/registry")
    number = _first_column(page)[0].strip()
    part = ".".join(number.split(".")[-3:])  # e.g. R.000112.10.26 → "000112.10.26"
    page.locator("input[name=text]").fill(part)
    page.locator("#filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"/registry\?.*text="))
    assert number in [n.strip() for n in _first_column(page)]


def test_check_of_an_unknown_number_says_unknown(page: Page) -> None:
    """Rules §31з: a number that is not in the unified registry is answered "unknown", not an error."""
    page.goto("/check?number=KZ.00.00.00.000.X.999999.01.99")
    expect(page.locator("#answer")).to_have_attribute("data-state", "unknown")
