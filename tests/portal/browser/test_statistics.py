"""The statistics page in a real browser: the charts and the map are drawn, from the node alone.

Rules §31е: statistical information in graphic form (charts, dashboards, maps) and in tables. The
pages draw with ECharts' SVG renderer from the node's own files (/static/vendor): nothing is fetched
from any other host.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.portal.browser.conftest import Shoot, Watch

CHARTS = (
    "cases-by-month",
    "cases-by-country",
    "cases-by-disease",
    "cases-by-hazard",
    "measures-in-force",
    "late-notices",
)
#: The five member states are five country shapes at least; a chart has axes, grid and series.
MIN_PATHS = {"map": 5, "chart": 5}


def _drawn_paths(page: Page, selector: str) -> int:
    container = page.locator(selector)
    expect(container).to_have_attribute("data-ready", "true")
    return container.locator("svg path").count()


def test_charts_and_map_are_drawn_offline(page: Page, watch: Watch, screenshot: Shoot) -> None:
    """Rules §31е: every chart and the map get drawn SVG paths; every request stays on the node."""
    page.goto("/statistics")
    for name in CHARTS:
        paths = _drawn_paths(page, f"#chart-{name}")
        assert paths >= MIN_PATHS["chart"], f"#chart-{name} drew {paths} path(s)"
    paths = _drawn_paths(page, "#map")
    assert paths >= MIN_PATHS["map"], f"#map drew {paths} path(s)"
    page.wait_for_load_state("networkidle")
    screenshot(page, "statistics")
    assert watch.foreign_requests() == [], "requests left the node: " + ", ".join(watch.foreign_requests())
    assert any(url.endswith("/static/vendor/echarts.min.js") for url in watch.requests)


def test_map_redraws_for_another_figure(page: Page) -> None:
    """Rules §31е: the map shows another figure (measures in force) when chosen; still drawn."""
    page.goto("/statistics")
    expect(page.locator("#map")).to_have_attribute("data-ready", "true")
    page.locator("#map-figure").select_option("measures_in_force")
    expect(page.locator("#map")).to_have_attribute("data-figure", "measures_in_force")
    expect(page.locator("#map")).to_have_attribute("data-ready", "true")
    expect(page.locator("#csv-map")).to_have_attribute("href", re.compile(r"figure=measures_in_force"))
    assert page.locator("#map svg path").count() >= MIN_PATHS["map"]
