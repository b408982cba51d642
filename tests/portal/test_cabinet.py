"""The authorities' personal cabinet for form 1KT (Rules §7з, §31ж, §33, §44), through HTTP.

An authority's staff log in with its key, fill in the form, save drafts and submit; another authority
sees nothing of it; the Commission reads every submitted report and the summary table. The same over
the JSON API with the session cookie or the participant's Bearer key. Real databases (SQLite, and
PostgreSQL for the flows that write), real HTTP requests through the application.
"""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
import json
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.app import create_app
from sanmeasures.exchange.participants import Participant
from sanmeasures.form1kt import store
from sanmeasures.portal import cabinet, i18n
from sanmeasures.processes.credentials import issue_key
from sanmeasures.settings import Settings
from sanmeasures.storage.migrate import upgrade
from sanmeasures.storage.tables import form_1kt_revisions

PARTICIPANTS = (
    "authority:KZ",
    "authority:BY",
    "authority:KG",
    "authority:RU",
    "commission",
    "supervisory:KZ:01",
)
TEMPLATES = Path(cabinet.__file__).parent / "templates"
THIS_YEAR = dt.datetime.now(dt.UTC).year
PAST = THIS_YEAR - 1  # a year that is over: its report can be submitted


@dataclass
class Site:
    app: Any
    engine: AsyncEngine
    keys: dict[str, str]

    def client(self, **headers: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app), base_url="http://testserver", headers=headers
        )

    @asynccontextmanager
    async def logged_in(self, participant: str) -> AsyncIterator[httpx.AsyncClient]:
        """A browser of ``participant``'s staff, logged in with its key (POST /login)."""
        async with self.client() as client:
            answer = await client.post("/login", data={"key": self.keys[participant], "next": "/cabinet"})
            assert answer.status_code == 303 and answer.headers["location"] == "/cabinet"
            yield client

    def bearer(self, participant: str) -> httpx.AsyncClient:
        return self.client(Authorization=f"Bearer {self.keys[participant]}")


async def _site(url: str) -> AsyncIterator[Site]:
    app = create_app(Settings(database_url=url, exchange=False, database_pool=2, secret_key="test-secret"))
    async with app.router.lifespan_context(app):
        engine: AsyncEngine = app.state.engine
        async with engine.begin() as connection:
            keys = {p: (await issue_key(connection, Participant.parse(p))).key for p in PARTICIPANTS}
        yield Site(app, engine, keys)


@pytest.fixture
async def site(database_url: str, engine: AsyncEngine) -> AsyncIterator[Site]:
    """The node on each engine (``engine`` empties PostgreSQL after the test)."""
    async for found in _site(database_url):
        yield found


@pytest.fixture(scope="module")
def _migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cabinet") / "migrated.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture
async def sqlite_site(_migrated_sqlite: Path, tmp_path: Path) -> AsyncIterator[Site]:
    """The node on a fresh copy of a migrated SQLite file (the checks that need no second engine)."""
    path = tmp_path / "node.sqlite3"
    shutil.copy(_migrated_sqlite, path)
    async for found in _site(f"sqlite+aiosqlite:///{path}"):
        yield found


def report(
    name: str = "Комитет санитарно-эпидемиологического контроля МЗ РК", scale: int = 1
) -> dict[str, Any]:
    return {
        "authority_name": name,
        "postal_address": "010000, г. Астана, ул. Мангилик Ел, 8",
        "lines": [
            {
                "line_number": 1,
                "indicator": "Досмотрено транспортных средств",
                "arrival": {"air": 120 * scale, "water": 0, "rail": 40 * scale, "road": 900 * scale},
                "departure": {"air": 118 * scale, "water": 0, "rail": 38 * scale, "road": 870 * scale},
            },
            {
                "line_number": 2,
                "indicator": "Выявлено лиц с подозрением на инфекционное заболевание",
                "arrival": {"air": 3 * scale, "water": 0, "rail": 0, "road": 1 * scale},
                "departure": {"air": 0, "water": 0, "rail": 0, "road": 0},
            },
        ],
        "note": None,
    }


async def token_of(client: httpx.AsyncClient, year: int) -> str:
    page = await client.get(f"/cabinet/1kt/{year}")
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, "the form carries its CSRF token"
    return found.group(1)


def posted(token: str | None, data: dict[str, Any], action: str, **extra: str) -> dict[str, str]:
    """The HTML form's fields for ``data`` (a report as JSON), as a browser posts them."""
    fields = {
        "authority_name": data["authority_name"],
        "postal_address": data["postal_address"],
        "note": data.get("note") or "",
        "action": action,
        **extra,
    }
    if token is not None:
        fields["csrf_token"] = token
    for i, line in enumerate(data["lines"]):
        fields[f"lines-{i}-line_number"] = str(line["line_number"])
        fields[f"lines-{i}-indicator"] = line["indicator"]
        for direction in ("arrival", "departure"):
            for kind in ("air", "water", "rail", "road"):
                fields[f"lines-{i}-{direction}-{kind}"] = str(line[direction].get(kind, ""))
    # an unused row, as the page offers them (its line number pre-filled)
    fields[f"lines-{len(data['lines'])}-line_number"] = str(len(data["lines"]) + 1)
    return fields


async def history(site: Site, country: str, year: int) -> list[store.Form1KTRevision]:
    async with site.engine.connect() as connection:
        return await store.revisions(connection, country, year)


# ================================================================================================
# An authority fills in, saves, sees again, submits (both engines)
# ================================================================================================
async def test_an_authority_saves_a_draft_sees_it_again_and_submits(site: Site) -> None:
    """Rules §31ж, §44: the authority's staff fill in form 1KT in their cabinet, save drafts, submit."""
    async with site.logged_in("authority:KZ") as kz:
        overview = await kz.get("/cabinet")
        assert overview.status_code == 200
        assert f'href="/cabinet/1kt/{PAST}"' in overview.text and "Не начат" in overview.text

        empty = await kz.get(f"/cabinet/1kt/{PAST}")
        assert "Комитет санитарно-эпидемиологического контроля" in empty.text  # pre-filled name
        token = await token_of(kz, PAST)
        saved = await kz.post(
            f"/cabinet/1kt/{PAST}",
            data=posted(token, report(), "save", author_name="Иванов И.И., гл. специалист"),
        )
        assert saved.status_code == 303 and saved.headers["location"] == f"/cabinet/1kt/{PAST}"
        again = await kz.get(f"/cabinet/1kt/{PAST}")
        assert "Черновик сохранён как редакция 1." in again.text
        assert (
            'value="Досмотрено транспортных средств"' in again.text
            or ">Досмотрено транспортных средств<" in again.text
        )
        assert 'name="lines-0-arrival-road" value="900"' in again.text
        assert "authority:KZ — Иванов И.И., гл. специалист" in again.text  # the revisions say who saved

        (draft,) = await history(site, "KZ", PAST)
        assert draft.state == "draft" and draft.data.lines[0].arrival.road == 900

        token = await token_of(kz, PAST)
        sent = await kz.post(f"/cabinet/1kt/{PAST}", data=posted(token, report(scale=2), "submit"))
        assert sent.status_code == 303
        page = await kz.get(f"/cabinet/1kt/{PAST}")
        assert "Представлено в Комиссию как редакция 2." in page.text
        revisions = await history(site, "KZ", PAST)
        assert [r.state for r in revisions] == ["draft", "submitted"]
        assert revisions[1].data.lines[0].arrival.road == 1800
        listed = await kz.get("/cabinet")
        assert "Представлен" in listed.text

        # The revision pages read back what was saved, read-only.
        first = await kz.get(f"/cabinet/1kt/{PAST}/KZ?revision=1")
        assert first.status_code == 200 and "900" in first.text and "Черновик" in first.text

        # The cabinet speaks Kazakh and English too.
        assert "Жобаны сақтау" in (await kz.get(f"/cabinet/1kt/{PAST}?lang=kk")).text
        assert "Save draft" in (await kz.get(f"/cabinet/1kt/{PAST}?lang=en")).text


async def test_another_authority_can_neither_read_nor_change_the_report(site: Site) -> None:
    """Rules §44: each authorized body provides its own state's report; it sees no one else's."""
    async with site.bearer("authority:KZ") as kz:
        assert (await kz.put(f"/api/v1/cabinet/1kt/{PAST}", json=report())).status_code == 200
    async with site.logged_in("authority:BY") as by:
        assert (await by.get(f"/cabinet/1kt/{PAST}/KZ")).status_code == 403
        assert (await by.get(f"/cabinet/1kt/{PAST}/KZ?revision=1")).status_code == 403
        own = await by.get(f"/cabinet/1kt/{PAST}")
        assert "Досмотрено транспортных средств" not in own.text  # its own, empty form
        assert "Министерство здравоохранения Республики Беларусь" in own.text
        api = await by.get(f"/api/v1/cabinet/1kt/{PAST}/reports/KZ")
        assert api.status_code == 403
        mine = await by.get(f"/api/v1/cabinet/1kt/{PAST}")
        assert mine.status_code == 200 and mine.json()["country"] == "BY" and mine.json()["state"] == "none"
        # What BY saves is BY's report: KZ's stays as it was.
        token = await token_of(by, PAST)
        data = report("Министерство здравоохранения Республики Беларусь", scale=5)
        assert (await by.post(f"/cabinet/1kt/{PAST}", data=posted(token, data, "save"))).status_code == 303
    async with site.bearer("authority:BY") as by_api:
        assert (await by_api.get(f"/api/v1/cabinet/1kt/{PAST}/reports/KZ")).status_code == 403
        assert (await by_api.get(f"/api/v1/cabinet/1kt/{PAST}/summary")).status_code == 403
    kz_history = await history(site, "KZ", PAST)
    assert len(kz_history) == 1 and kz_history[0].data.lines[0].arrival.road == 900
    assert (await history(site, "BY", PAST))[0].data.lines[0].arrival.road == 4500


async def test_the_commission_reads_every_submitted_report_and_the_summary(site: Site) -> None:
    """Rules §7з, §33: the Commission reads the member states' submitted reports and their totals."""
    async with (
        site.bearer("authority:KZ") as kz,
        site.bearer("authority:BY") as by,
        site.bearer("authority:RU") as ru,
    ):
        assert (await kz.put(f"/api/v1/cabinet/1kt/{PAST}", json=report())).status_code == 200
        assert (await kz.post(f"/api/v1/cabinet/1kt/{PAST}/submit")).status_code == 200  # the draft submitted
        by_report = report("Министерство здравоохранения Республики Беларусь", scale=2)
        by_report["lines"].append(
            {"line_number": 3, "indicator": "Проведено дезинфекций", "arrival": {"rail": 7}, "departure": {}}
        )
        assert (await by.post(f"/api/v1/cabinet/1kt/{PAST}/submit", json=by_report)).status_code == 200
        assert (
            await ru.put(f"/api/v1/cabinet/1kt/{PAST}", json=report("Роспотребнадзор", 100))
        ).status_code == 200

    async with site.logged_in("commission") as eec:
        overview = await eec.get("/cabinet")
        assert (
            f'href="/cabinet/1kt/{PAST}/KZ"' in overview.text
            and f'href="/cabinet/1kt/{PAST}/BY"' in overview.text
        )
        assert f'href="/cabinet/1kt/{PAST}/RU"' not in overview.text  # a draft is not the Commission's
        go = await eec.get(f"/cabinet/1kt/{PAST}")
        assert go.status_code == 303 and go.headers["location"] == f"/cabinet/1kt/{PAST}/summary"
        page = await eec.get(f"/cabinet/1kt/{PAST}/summary")
        assert page.status_code == 200
        assert "Министерство здравоохранения Республики Беларусь" in page.text
        assert "Итого по строке" in page.text
        assert ">360<" in page.text  # line 1, arrival by air: 120 + 240
        assert (await eec.get(f"/cabinet/1kt/{PAST}/KZ")).status_code == 200
        assert (await eec.get(f"/cabinet/1kt/{PAST}/RU")).status_code == 404  # only a draft
        # Read-only: the Commission has no form of its own to save.
        refused = await eec.post(f"/cabinet/1kt/{PAST}", data=posted("any", report(), "save"))
        assert refused.status_code == 403 and "заполняет только уполномоченный орган" in refused.text

        summary = (await eec.get(f"/api/v1/cabinet/1kt/{PAST}/summary")).json()
        assert [r["country"] for r in summary["reports"]] == ["BY", "KZ"]
        assert summary["missing"] == ["AM", "KG", "RU"]
        line1, line2, line3 = summary["lines"]
        assert line1["arrival"] == {"air": 360, "water": 0, "rail": 120, "road": 2700}
        assert line1["departure"] == {"air": 354, "water": 0, "rail": 114, "road": 2610}
        assert line1["by_country"]["KZ"]["arrival"]["air"] == 120
        assert line2["arrival"]["air"] == 9 and line3["countries"] == ["BY"] and line3["arrival"]["rail"] == 7
        assert summary["arrival"]["rail"] == 127
        assert (await eec.put(f"/api/v1/cabinet/1kt/{PAST}", json=report())).status_code == 403

        exported = await eec.get(f"/cabinet/1kt/{PAST}/summary.csv")
        table = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
        totals = [row for row in table if row["row"] == "line"]
        assert [(row["line_number"], row["arrival_air"], row["arrival_road"]) for row in totals] == [
            ("1", "360", "2700"),
            ("2", "9", "3"),
            ("3", "0", "0"),
        ]
        assert table[-1]["row"] == "total" and table[-1]["arrival_rail"] == "127"
        workbook = load_workbook(io.BytesIO((await eec.get(f"/cabinet/1kt/{PAST}/summary.xlsx")).content))
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
        assert next(row for row in rows if row[1] == "Всего")[3:7] == (369, 0, 127, 2703)
        assert next(row for row in rows if row[1] == "KZ")[2] == "Досмотрено транспортных средств"

    async with site.bearer("commission") as eec_api:
        assert (await eec_api.get(f"/api/v1/cabinet/1kt/{PAST}/reports/KZ")).json()["state"] == "submitted"
        ru_seen = (await eec_api.get(f"/api/v1/cabinet/1kt/{PAST}/reports/RU")).json()
        assert ru_seen["state"] == "none" and ru_seen["latest"] is None  # RU's draft stays RU's
        assert (await eec_api.get(f"/api/v1/cabinet/1kt/{PAST}")).status_code == 403


# ================================================================================================
# Deadline (15 February) and the year being over
# ================================================================================================
async def test_a_submission_after_15_february_is_accepted_and_flagged_late(sqlite_site: Site) -> None:
    """Order of sanitary control, App. 4: due by 15 February of the next year; Rules §44 keeps the
    information current, so a later report is accepted, and recorded as late."""
    year = 2020
    async with sqlite_site.logged_in("authority:KZ") as kz:
        page = await kz.get(f"/cabinet/1kt/{year}")
        assert "Срок представления истёк" in page.text
        token = await token_of(kz, year)
        assert (
            await kz.post(f"/cabinet/1kt/{year}", data=posted(token, report(), "submit"))
        ).status_code == 303
        page = await kz.get(f"/cabinet/1kt/{year}")
        assert "после срока и отмечен как опоздавший" in page.text
        listed = await kz.get("/cabinet")
        row = re.search(rf'href="/cabinet/1kt/{year}">{year}</a>.*?</tr>', listed.text, re.S)
        assert row and 'class="late"' in row.group(0)
    async with sqlite_site.bearer("authority:KG") as kg:
        answer = await kg.post(f"/api/v1/cabinet/1kt/{year}/submit", json=report("Департамент профилактики"))
        assert answer.status_code == 200 and answer.json()["late"] is True

    # An on-time submission (recorded on 15 February itself) is not flagged.
    async with sqlite_site.engine.begin() as connection:
        await connection.execute(
            form_1kt_revisions.insert().values(
                country="BY",
                year=year,
                revision=1,
                state="submitted",
                author="authority:BY",
                data=report("Министерство здравоохранения Республики Беларусь"),
                recorded_at=dt.datetime(year + 1, 2, 15, 17, 0, tzinfo=dt.UTC),
            )
        )
    async with sqlite_site.bearer("commission") as eec:
        summary = (await eec.get(f"/api/v1/cabinet/1kt/{year}/summary")).json()
        assert summary["late"] == ["KG", "KZ"]
        assert {r["country"]: r["late"] for r in summary["reports"]} == {"BY": False, "KG": True, "KZ": True}


async def test_the_year_must_be_over_to_submit_and_must_have_begun_to_open(sqlite_site: Site) -> None:
    async with sqlite_site.logged_in("authority:KZ") as kz:
        token = await token_of(kz, THIS_YEAR)  # drafts of the running year are welcome
        assert (
            await kz.post(f"/cabinet/1kt/{THIS_YEAR}", data=posted(token, report(), "save"))
        ).status_code == 303
        refused = await kz.post(f"/cabinet/1kt/{THIS_YEAR}", data=posted(token, report(), "submit"))
        assert refused.status_code == 422
        assert f"можно представить с 1 января {THIS_YEAR + 1}" in refused.text
        assert [r.state for r in await history(sqlite_site, "KZ", THIS_YEAR)] == ["draft"]
        assert (await kz.get(f"/cabinet/1kt/{THIS_YEAR + 1}")).status_code == 404
        api = await kz.post(f"/api/v1/cabinet/1kt/{THIS_YEAR}/submit", headers={"X-CSRF-Token": token})
        assert api.status_code == 409 and f"1 January {THIS_YEAR + 1}" in api.json()["detail"]
        assert (await kz.get(f"/api/v1/cabinet/1kt/{THIS_YEAR + 1}")).status_code == 404


# ================================================================================================
# Validation errors, next to their fields
# ================================================================================================
async def test_validation_errors_are_shown_next_to_their_fields_and_nothing_is_saved(
    sqlite_site: Site,
) -> None:
    data = report()
    async with sqlite_site.logged_in("authority:KZ") as kz:
        token = await token_of(kz, PAST)
        fields = posted(token, data, "save")
        fields["postal_address"] = ""
        fields["lines-0-arrival-water"] = "много"
        fields["lines-0-departure-road"] = "-5"
        fields["lines-1-line_number"] = "1"  # the same number twice
        fields["lines-2-arrival-rail"] = "12"  # a count without its indicator
        fields["lines-0-arrival-road"] = "1 200"  # a thousands separator is fine
        answer = await kz.post(f"/cabinet/1kt/{PAST}", data=fields)
        assert answer.status_code == 422
        page = answer.text
        assert "Ничего не сохранено" in page

        def error_of(name: str) -> str:
            found = re.search(rf'<small id="{name}-error" class="field-error">(.*?)</small>', page, re.S)
            assert found, f"no error shown next to {name}"
            assert re.search(rf'id="{name}"[^>]*aria-invalid="true"', page), f"{name} is not marked invalid"
            return found.group(1).strip()

        assert "Обязательное поле" in error_of("postal_address")
        assert "Введите целое число" in error_of("lines-0-arrival-water")
        assert "не меньше 0" in error_of("lines-0-departure-road")
        assert "Номер строки 1 указан более одного раза" in error_of("lines-0-line_number")
        assert "Номер строки 1 указан более одного раза" in error_of("lines-1-line_number")
        assert "Обязательное поле" in error_of("lines-2-indicator")
        assert "lines-0-arrival-road-error" not in page
        # What was typed comes back as typed, and the list above the form links to each field.
        assert 'name="lines-0-arrival-water" value="много"' in page
        assert (
            'href="#lines-0-arrival-water"' in page and "Строка 1 таблицы, Прибытие, водный транспорт" in page
        )
        assert await history(sqlite_site, "KZ", PAST) == []

        # Removing the bad line and correcting the rest saves.
        fixed = posted(token, data, "save", **{"lines-2-remove": "1", "lines-2-arrival-rail": "12"})
        fixed["lines-0-arrival-road"] = "1 200"
        assert (await kz.post(f"/cabinet/1kt/{PAST}", data=fixed)).status_code == 303
        (saved,) = await history(sqlite_site, "KZ", PAST)
        assert len(saved.data.lines) == 2 and saved.data.lines[0].arrival.road == 1200

        # Submitting an empty report is refused; a draft of it is fine.
        empty = {"csrf_token": token, "authority_name": "X", "postal_address": "Y", "action": "submit"}
        refused = await kz.post(f"/cabinet/1kt/{PAST}", data=empty)
        assert refused.status_code == 422 and "хотя бы одну строку" in refused.text


async def test_a_long_form_is_saved_whole(sqlite_site: Site) -> None:
    """A report of a few hundred lines goes through the HTML form (thousands of fields in one post)."""
    data = report()
    data["lines"] = [
        {"line_number": n, "indicator": f"Мероприятие {n}", "arrival": {"road": n}, "departure": {"air": 1}}
        for n in range(1, 301)
    ]
    async with sqlite_site.logged_in("authority:KZ") as kz:
        token = await token_of(kz, PAST)
        assert (await kz.post(f"/cabinet/1kt/{PAST}", data=posted(token, data, "save"))).status_code == 303
    (saved,) = await history(sqlite_site, "KZ", PAST)
    assert len(saved.data.lines) == 300 and saved.data.lines[-1].arrival.road == 300


async def test_add_lines_without_javascript(sqlite_site: Site) -> None:
    async with sqlite_site.logged_in("authority:KZ") as kz:
        token = await token_of(kz, PAST)
        page = (await kz.get(f"/cabinet/1kt/{PAST}")).text
        assert page.count('name="lines-') // 11 == cabinet.NEW_ROWS  # empty rows to fill in
        more = await kz.post(f"/cabinet/1kt/{PAST}", data=posted(token, report(), "add_rows"))
        assert more.status_code == 200
        # the two filled lines, the posted empty one, and five more, numbered on; nothing saved
        assert 'name="lines-7-line_number" value="8"' in more.text and 'name="lines-8-' not in more.text
        assert 'name="lines-1-arrival-road" value="1"' in more.text
        assert await history(sqlite_site, "KZ", PAST) == []


# ================================================================================================
# The XLSX template and uploads
# ================================================================================================
async def test_the_xlsx_template_filled_in_is_uploaded_and_bad_cells_are_named(sqlite_site: Site) -> None:
    async with sqlite_site.logged_in("authority:KZ") as kz:
        token = await token_of(kz, PAST)
        template = await kz.get(f"/cabinet/1kt/{PAST}/template.xlsx")
        assert template.status_code == 200 and "spreadsheetml" in template.headers["content-type"]
        book = load_workbook(io.BytesIO(template.content))
        sheet = book["1KT"]
        assert sheet["B2"].value == PAST and "Комитет санитарно" in sheet["B3"].value
        sheet["B4"] = "010000, г. Астана, ул. Мангилик Ел, 8"
        sheet.append([1, "Досмотрено транспортных средств", 120, 0, 40, 900, 118, None, 38, 870])
        sheet.append([2, "Выявлено лиц с подозрением на инфекционное заболевание", 3.0, None, None, "1"])
        good = _xlsx(book)

        async def upload(content: bytes, name: str = "1kt.xlsx", with_token: bool = True) -> httpx.Response:
            return await kz.post(
                f"/cabinet/1kt/{PAST}/upload",
                data={"csrf_token": token} if with_token else {},
                files={"file": (name, content, "application/octet-stream")},
            )

        answer = await upload(good)
        assert answer.status_code == 303
        page = await kz.get(f"/cabinet/1kt/{PAST}")
        assert "Файл прочитан и сохранён как черновик, редакция 1" in page.text
        (saved,) = await history(sqlite_site, "KZ", PAST)
        assert (
            saved.state == "draft"
            and saved.data.lines[1].arrival.air == 3
            and saved.data.lines[1].arrival.road == 1
        )
        assert saved.data.postal_address.startswith("010000")

        # The template of a year with a report carries that report.
        again = load_workbook(io.BytesIO((await kz.get(f"/cabinet/1kt/{PAST}/template.xlsx")).content))["1KT"]
        assert again["F9"].value == 900 and again["B10"].value.startswith("Выявлено")

        sheet["D9"] = "много"
        sheet["C10"] = -3
        sheet["B11"] = None
        sheet["A11"] = 2
        sheet["E11"] = 5
        sheet["B4"] = None
        bad = await upload(_xlsx(book))
        assert bad.status_code == 422
        problems = re.findall(r"<li>(.*?)</li>", bad.text.split('class="errors"')[1].split("</ul>")[0])
        assert (
            "Строка 9, столбец D (Прибытие, водный транспорт): Введите целое число (только цифры)."
            in problems
        )
        assert "Строка 10, столбец C (Прибытие, воздушный транспорт): Должно быть не меньше 0." in problems
        assert (
            "Строка 11, столбец B (Наименование показателя (мероприятие по санитарной охране)): "
            "Обязательное поле: заполните его." in problems
        )
        assert any(p.startswith("Строки 10, 11, столбец A: номер строки 2") for p in problems)
        assert "Ячейка B4 (Почтовый адрес): Обязательное поле: заполните его." in problems
        assert len(await history(sqlite_site, "KZ", PAST)) == 1  # nothing saved

        other_year = load_workbook(io.BytesIO(good))
        other_year["1KT"]["B2"] = PAST - 1
        wrong = await upload(_xlsx(other_year))
        assert wrong.status_code == 422 and f"год {PAST - 1}" in wrong.text
        foreign = await upload(_xlsx(load_workbook(io.BytesIO(_blank_workbook()))))
        assert foreign.status_code == 422 and "не шаблон формы 1КТ" in foreign.text
        garbage = await upload(b"PK\x03\x04 not really a zip")
        assert garbage.status_code == 422 and "не книга XLSX" in garbage.text
        assert (await upload(good, with_token=False)).status_code == 403

        # JSON: the same document the API takes.
        as_json = await upload(json.dumps(report(scale=3), ensure_ascii=False).encode(), "1kt.json")
        assert as_json.status_code == 303
        assert (await history(sqlite_site, "KZ", PAST))[-1].data.lines[0].arrival.air == 360
        broken = report()
        broken["lines"][1]["arrival"]["rail"] = "x"
        bad_json = await upload(json.dumps(broken).encode(), "1kt.json")
        assert bad_json.status_code == 422 and "lines[1].arrival.rail: Введите целое число" in bad_json.text


def _xlsx(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _blank_workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "something else"  # type: ignore[index]
    return _xlsx(book)


# ================================================================================================
# Access: login, CSRF, the API's two ways in
# ================================================================================================
async def test_without_login_pages_redirect_and_the_api_answers_401(sqlite_site: Site) -> None:
    async with sqlite_site.client() as anyone:
        for path in (
            "/cabinet",
            f"/cabinet/1kt/{PAST}",
            f"/cabinet/1kt/{PAST}/summary",
            f"/cabinet/1kt/{PAST}/KZ",
        ):
            answer = await anyone.get(path)
            assert answer.status_code == 303 and answer.headers["location"] == f"/login?next={path}", path
        posted_form = await anyone.post(f"/cabinet/1kt/{PAST}", data=posted("x", report(), "save"))
        assert posted_form.status_code == 303 and posted_form.headers["location"].startswith("/login")
        for method, path in (
            ("GET", f"/api/v1/cabinet/1kt/{PAST}"),
            ("PUT", f"/api/v1/cabinet/1kt/{PAST}"),
            ("POST", f"/api/v1/cabinet/1kt/{PAST}/submit"),
            ("GET", f"/api/v1/cabinet/1kt/{PAST}/summary"),
        ):
            answer = await anyone.request(method, path, json=report() if method == "PUT" else None)
            assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer", path
        wrong_key = await anyone.get(
            f"/api/v1/cabinet/1kt/{PAST}", headers={"Authorization": "Bearer smk_nope.x"}
        )
        assert wrong_key.status_code == 401
    # A supervisory body is a participant, but the cabinet is the authorities' and the Commission's.
    async with sqlite_site.logged_in("supervisory:KZ:01") as supervisory:
        assert (await supervisory.get("/cabinet")).status_code == 403
    async with sqlite_site.bearer("supervisory:KZ:01") as supervisory_api:
        assert (await supervisory_api.get(f"/api/v1/cabinet/1kt/{PAST}")).status_code == 401
    assert await history(sqlite_site, "KZ", PAST) == []


async def test_a_post_without_the_csrf_token_is_refused(sqlite_site: Site) -> None:
    async with sqlite_site.logged_in("authority:KZ") as kz:
        token = await token_of(kz, PAST)
        assert (await kz.post(f"/cabinet/1kt/{PAST}", data=posted(None, report(), "save"))).status_code == 403
        forged = await kz.post(f"/cabinet/1kt/{PAST}", data=posted("forged" + token, report(), "submit"))
        assert forged.status_code == 403 and "обновите страницу" in forged.text
        # The JSON API with the session cookie wants the token in a header; the GET gives it.
        assert (await kz.put(f"/api/v1/cabinet/1kt/{PAST}", json=report())).status_code == 403
        read = await kz.get(f"/api/v1/cabinet/1kt/{PAST}")
        assert read.headers["x-csrf-token"] == token
        saved = await kz.put(f"/api/v1/cabinet/1kt/{PAST}", json=report(), headers={"X-CSRF-Token": token})
        assert saved.status_code == 200 and saved.json()["author"] == "authority:KZ"
    async with sqlite_site.bearer("authority:KZ") as kz_api:  # a Bearer key needs no token
        sent = await kz_api.post(f"/api/v1/cabinet/1kt/{PAST}/submit")
        assert sent.status_code == 200 and sent.json()["author"] == "authority:KZ (API)"
    assert [r.state for r in await history(sqlite_site, "KZ", PAST)] == ["draft", "submitted"]


async def test_the_api_reports_the_drafts_submissions_and_errors(sqlite_site: Site) -> None:
    async with sqlite_site.bearer("authority:KZ") as kz:
        assert (await kz.post(f"/api/v1/cabinet/1kt/{PAST}/submit")).status_code == 409  # nothing yet
        invalid = report()
        invalid["lines"][0]["arrival"]["air"] = -1
        refused = await kz.put(f"/api/v1/cabinet/1kt/{PAST}", json=invalid)
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["body", "lines", 0, "arrival", "air"]
        assert (await kz.put(f"/api/v1/cabinet/1kt/{PAST}", json=report())).json()["revision"] == 1
        assert (await kz.post(f"/api/v1/cabinet/1kt/{PAST}/submit", json=report(scale=2))).json()[
            "state"
        ] == ("submitted")
        assert (await kz.put(f"/api/v1/cabinet/1kt/{PAST}", json=report(scale=3))).status_code == 200
        mine = (await kz.get(f"/api/v1/cabinet/1kt/{PAST}")).json()
        assert mine["state"] == "draft" and mine["latest"]["revision"] == 3
        assert (
            mine["submitted"]["revision"] == 2
            and mine["submitted"]["data"]["lines"][0]["arrival"]["air"] == 240
        )
        assert [r["state"] for r in mine["revisions"]] == ["draft", "submitted", "draft"]
        assert mine["due_date"] == f"{PAST + 1}-02-15" and mine["late"] is (
            dt.date.today() > dt.date(PAST + 1, 2, 15)
        )
        assert (await kz.get(f"/api/v1/cabinet/1kt/{PAST}/reports/KZ")).json()["latest"]["revision"] == 3
    async with sqlite_site.bearer("commission") as eec:
        seen = (await eec.get(f"/api/v1/cabinet/1kt/{PAST}/reports/KZ")).json()
        assert seen["latest"]["revision"] == 2 and [r["revision"] for r in seen["revisions"]] == [2]
        assert (await eec.get(f"/api/v1/cabinet/1kt/{PAST}/reports/XX")).status_code == 404


# ================================================================================================
# The store's statuses (both engines) and the texts
# ================================================================================================
async def test_statuses_of_the_reports(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await store.save_draft(connection, "KZ", 2024, report(), "kz")
        await store.submit(connection, "KZ", 2024, report(), "kz")
        await store.save_draft(connection, "KZ", 2024, report(scale=2), "kz")
        await store.save_draft(connection, "BY", 2024, report(), "by")
        await store.submit(connection, "KZ", 2023, report(), "kz")
        found = await store.statuses(connection)
        assert [(s.country, s.year) for s in found] == [("BY", 2024), ("KZ", 2024), ("KZ", 2023)]
        kz = found[1]
        assert (kz.revisions, kz.state, kz.submitted_revision, kz.changed_since_submission) == (
            3,
            "draft",
            2,
            True,
        )
        assert kz.late and kz.first_submitted_at is not None and kz.first_submitted_at.tzinfo is not None
        assert not found[0].late and found[0].submitted_revision is None
        assert [s.year for s in await store.statuses(connection, country="KZ")] == [2024, 2023]
        assert [s.country for s in await store.statuses(connection, year=2024)] == ["BY", "KZ"]


def _msgids() -> set[str]:
    """Every text of the cabinet: the templates' ``_("…")`` and the module's Messages and labels."""
    found: set[str] = set()
    for template in TEMPLATES.glob("cabinet*.html"):
        found |= set(re.findall(r'_\(\s*"([^"]+)"\s*\)', template.read_text()))
        found |= set(re.findall(r"_\(\s*'([^']+)'\s*\)", template.read_text()))
    tree = ast.parse(Path(cabinet.__file__).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Message" and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value:
                found.add(first.value)
    found |= {cabinet.CSRF_REFUSED, *cabinet.LABELS.values(), *cabinet.KIND_LABELS.values()}
    return found


def test_every_text_of_the_cabinet_has_its_russian_translation() -> None:
    russian = i18n.translations("ru")
    neutral = {"%(detail)s", "%(field)s: %(problem)s", "%(where)s: %(problem)s"}  # the same in every language
    missing = sorted(m for m in _msgids() - neutral if russian.gettext(m) == m)
    assert missing == []
    kazakh = i18n.translations("kk")
    for label in ("Personal cabinet", "Save draft", "Submit to the Commission", "Line number"):
        assert kazakh.gettext(label) != label


async def test_logging_out_needs_the_pages_token_so_another_site_cannot_do_it(sqlite_site: Site) -> None:
    async with sqlite_site.logged_in("authority:KZ") as kz:
        page = await kz.get("/cabinet")
        token = re.search(r'action="/logout".*?name="csrf_token" value="([^"]+)"', page.text, re.S)
        assert token is not None
        assert (await kz.post("/logout")).status_code == 403  # a forged form: still logged in
        assert (await kz.get("/cabinet")).status_code == 200
        assert (await kz.post("/logout", data={"csrf_token": token.group(1)})).status_code == 303
        assert (await kz.get("/cabinet")).headers["location"] == "/login?next=/cabinet"
