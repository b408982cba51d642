"""The dangerous-products database in a real browser: filter, download, follow a case to its measure.

Rules §25 (the database published on the portal, Table 3), §31б (search and download of the
published information in formats for automatic processing), §30 (a temporary measure names the
cases that justify it).
"""

from __future__ import annotations

import io
import re

import httpx
import openpyxl
from playwright.sync_api import Page, expect

from tests.portal.browser.conftest import Node, Shoot

#: The demo story's case and the KZ measure it justifies (demo/story.py).
STORY_CASE = "/dangerous-products/RU/RU-2026-000123"
STORY_MEASURE = "/measures/KZ/2026-03-10/112"


def _xlsx_rows(content: bytes) -> list[tuple[str, str]]:
    """(country, registration number) of every data row of the downloaded workbook."""
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if "registration_number" in row)
    names = list(rows[header])
    country, number = names.index("country"), names.index("registration_number")
    return [(row[country], row[number]) for row in rows[header + 1 :] if any(v is not None for v in row)]


def test_filter_by_country_and_download_exactly_those_rows_as_xlsx(
    page: Page, node: Node, screenshot: Shoot
) -> None:
    """Rules §31б: the XLSX download of a filtered list holds exactly the rows the page shows."""
    page.goto("/dangerous-products")
    page.locator("select[name=country]").select_option("RU")
    page.locator("#filters button[type=submit]").click()
    page.wait_for_url(re.compile(r"/dangerous-products\?.*country=RU"))
    rows = page.locator("#results tbody tr")
    expect(rows.first.locator("td:nth-child(2) a")).to_be_visible()
    shown = [
        (
            row.locator("td:nth-child(1)").inner_text().strip(),
            row.locator("td:nth-child(2)").inner_text().strip(),
        )
        for row in rows.all()
    ]
    assert shown and all(country == "RU" for country, _ in shown), shown
    assert page.locator("nav.pager a[rel=next]").count() == 0, "the RU list should fit on one page"
    screenshot(page, "dangerous-products")

    link = page.locator("a[data-format=xlsx]")
    # The export keeps the list's current filters (the sort order the form sends, and the country).
    expect(link).to_have_attribute(
        "href", re.compile(r"^/api/v1/export/dangerous-products\.xlsx\?(.*&)?country=RU(&|$)")
    )
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.failure() is None, download.failure()
    assert download.suggested_filename.endswith(".xlsx"), download.suggested_filename
    path = download.path()
    exported = _xlsx_rows(path.read_bytes())

    api = httpx.get(f"{node.url}/api/v1/dangerous-products", params={"country": "RU", "limit": 200})
    assert api.status_code == 200, api.text
    published = [(item["country"], item["registration_number"]) for item in api.json()["items"]]
    assert exported == shown == published


def test_case_links_to_the_measure_it_justifies_and_back(page: Page, screenshot: Shoot) -> None:
    """Rules §30: the KZ restriction names RU-2026-000123 as its justifying case; both pages link."""
    page.goto(STORY_CASE)
    expect(page.locator("#archive-flag")).not_to_be_empty()
    measure = page.locator(f"#links a[href='{STORY_MEASURE}']")
    expect(measure).to_be_visible()
    latest = page.locator("details.version").first
    expect(latest).to_have_attribute("open", "")
    latest.locator("summary").click()  # the version's 200 items folded: the page fits a screenshot
    expect(latest.locator("dl.fields")).to_be_hidden()
    screenshot(page, "case")
    measure.click()
    page.wait_for_url(f"**{STORY_MEASURE}")
    expect(page.locator("#state")).not_to_be_empty()
    expect(page.locator(f"#links a[href='{STORY_CASE}']")).to_be_visible()
    screenshot(page, "measure")
