"""An authorized body files its 1KT report in the personal cabinet, in a real browser.

Rules §31ж and §33: the personal cabinet of an authorized body on the portal, where its staff place
the yearly information on the sanitary protection of the customs territory (form 1KT, Rules §44),
save drafts and submit the report to the Commission. The staff log in with their body's key (the
node printed the demo keys when it first started).
"""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import Page, expect

from sanmeasures.portal.i18n import translations
from tests.portal.browser.conftest import Node, Shoot, Watch

_ = translations("ru").gettext
#: The last finished year: its report can be submitted (the current year's only saved as a draft).
YEAR = dt.date.today().year - 1


def _log_in(page: Page, key: str) -> None:
    page.goto("/login")
    page.locator("input[name=key]").fill(key)
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url("**/cabinet")


def test_wrong_key_is_refused(page: Page, watch: Watch) -> None:
    """Rules §33: only an authorized body's key opens the cabinet."""
    watch.allow(r"status of 401 .*/login\)$")  # the browser logs the refusal's status itself
    page.goto("/login")
    page.locator("input[name=key]").fill("smk_not.a-key")
    page.locator("form[action='/login'] button[type=submit]").click()
    expect(page.locator("[role=alert]")).to_have_text(_("The key is unknown or withdrawn."))
    page.goto("/")
    expect(page.locator("header a[href='/login']")).to_be_visible()


def test_authority_saves_a_draft_then_submits_its_1kt_report(
    page: Page, node: Node, screenshot: Shoot
) -> None:
    """Rules §31ж, §33, §44: KZ fills in the form, saves a draft, submits; the cabinet lists it submitted."""
    _log_in(page, node.keys["authority:KZ"])
    expect(page.locator("header a[href='/cabinet']")).to_have_text("authority:KZ")
    page.locator(f"a[href='/cabinet/1kt/{YEAR}']").click()
    page.wait_for_url(f"**/cabinet/1kt/{YEAR}")

    page.locator("#authority_name").fill("Комитет санитарно-эпидемиологического контроля МЗ РК")
    page.locator("#postal_address").fill("010000, г. Астана, ул. Мәңгілік Ел, 8")
    page.locator("[name='lines-0-indicator']").fill("Досмотрено транспортных средств")
    for name, count in {"arrival-air": "1520", "arrival-road": "48211", "departure-rail": "3307"}.items():
        page.locator(f"[name='lines-0-{name}']").fill(count)
    page.locator("[name='lines-1-indicator']").fill("Выявлено больных (подозрительных) лиц")
    page.locator("[name='lines-1-arrival-air']").fill("3")

    page.locator("button[name=action][value=save]").click()
    notice = page.locator("article.notice")
    expect(notice).to_contain_text(_("Draft saved as revision %(revision)s.") % {"revision": 1})
    expect(page.locator("#authority_name")).to_have_value(
        "Комитет санитарно-эпидемиологического контроля МЗ РК"
    )
    expect(page.locator("[name='lines-0-arrival-road']")).to_have_value("48211")

    page.locator("button[name=action][value=submit]").click()
    expect(notice).to_contain_text(
        _("Submitted to the Commission as revision %(revision)s.") % {"revision": 2}
    )
    expect(page.locator("[name='lines-1-indicator']")).to_have_value("Выявлено больных (подозрительных) лиц")
    screenshot(page, "cabinet-1kt")

    page.locator("nav[aria-label=breadcrumb] a[href='/cabinet']").click()
    page.wait_for_url("**/cabinet")
    row = page.locator("table.cabinet-years tr", has=page.locator(f"a[href='/cabinet/1kt/{YEAR}']"))
    expect(row).to_contain_text(_("Submitted"))
    expect(row.locator("td").nth(2)).to_have_text("2")
