"""A visitor subscribes to a search as an Atom feed, in a real browser.

Rules §31в: subscription to the updates of the information published on the portal. The "Subscribe
to this search" link of a list opens the form with the search's filters; the Atom channel gives a
feed address at once (no e-mail, no confirmation), which a feed reader then polls.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from playwright.sync_api import Page, expect

from tests.portal.browser.conftest import Shoot

ATOM = "{http://www.w3.org/2005/Atom}"


def test_subscribe_to_dangerous_products_of_russia_as_an_atom_feed(page: Page, screenshot: Shoot) -> None:
    """Rules §31в: from the filtered list to a working Atom feed of RU dangerous products."""
    page.goto("/dangerous-products?country=RU")
    page.locator("p.exports a[href^='/subscriptions?']").click()
    page.wait_for_url("**/subscriptions?resource=dangerous-products&country=RU")
    form = page.locator("form#subscribe")
    expect(form).to_be_visible()
    form.locator("input[name=channel][value=atom]").check()
    screenshot(page, "subscriptions")
    form.locator("button[type=submit]").click()

    address = page.locator("#feed")
    expect(address).to_have_text(re.compile(r"^http://127\.0\.0\.1:\d+/subscriptions/[^/]+/feed\.atom$"))
    manage = page.locator("a#page")
    expect(manage).to_be_visible()

    feed = page.request.get(address.inner_text().strip())
    assert feed.status == 200, feed.text()
    assert feed.headers["content-type"].startswith("application/atom+xml"), feed.headers["content-type"]
    root = ET.fromstring(feed.body())
    assert root.tag == f"{ATOM}feed", root.tag
    assert (root.findtext(f"{ATOM}title") or "").strip(), "the feed has no title"
    # The feed lists the versions recorded from the subscription on; any there are RU dangerous products.
    links = [entry.find(f"{ATOM}link").get("href") for entry in root.findall(f"{ATOM}entry")]
    assert all("/dangerous-products/RU/" in link for link in links), links

    manage.click()
    expect(page.locator("main")).to_contain_text("RU")
