"""The portal speaks Russian first, with English and Kazakh switchable (issue 6), in the reader's locale."""

from __future__ import annotations

import datetime as dt
import re
from importlib.resources import files

import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from sanmeasures.portal import i18n
from sanmeasures.portal.lists import FILTER_CHOICES, FILTER_LABELS
from sanmeasures.portal.resources import RESOURCES
from sanmeasures.portal.web import MENU

_MSGID = re.compile(r"""_\(\s*(["'])(.+?)\1\s*\)""")


def _template_msgids() -> set[str]:
    folder = files("sanmeasures.portal").joinpath("templates")
    return {
        m.group(2)
        for f in folder.iterdir()
        if f.name.endswith(".html")
        for m in _MSGID.finditer(f.read_text())
    }


def _catalogue(language: str) -> set[str]:
    ids: set[str] = set()
    for source in files("sanmeasures.portal").joinpath(f"locales/{language}").iterdir():
        with source.open("rb") as po:
            ids |= {m.id for m in read_po(po) if m.id and m.string}
    return ids


def test_every_text_of_the_portal_has_its_russian_translation() -> None:
    used = _template_msgids()
    used |= {label for _, label in MENU} | set(FILTER_LABELS.values()) | {r.title for r in RESOURCES.values()}
    used |= {label for choices in FILTER_CHOICES.values() for _, label in choices if not label.isupper()}
    used -= {label for choices in FILTER_CHOICES.values() for label, _ in choices}  # codes shown as they are
    missing = sorted(used - _catalogue("ru"))
    assert len(used) > 100 and missing == []


def test_the_main_menu_is_kazakh_in_kazakh() -> None:
    assert {label for _, label in MENU} <= _catalogue("kk")


@pytest.mark.parametrize(
    ("requested", "cookie", "accept", "chosen"),
    [
        (None, None, None, "ru"),
        (None, None, "en-GB,en;q=0.9", "en"),
        (None, None, "kk-KZ, ru;q=0.5", "kk"),
        (None, None, "de-DE", "ru"),
        (None, "en", "kk", "en"),
        ("kk", "en", "en", "kk"),
        ("xx", None, None, "ru"),
    ],
)
def test_the_language_is_the_asked_then_the_remembered_then_the_browsers(
    requested: str | None, cookie: str | None, accept: str | None, chosen: str
) -> None:
    assert i18n.choose(requested, cookie, accept) == chosen


def test_dates_and_numbers_follow_the_readers_locale() -> None:
    day = dt.date(2026, 6, 8)
    assert "июн" in i18n.formatters("ru")["format_date"](day)
    assert "Jun" in i18n.formatters("en")["format_date"](day)
    assert i18n.formatters("en")["format_number"](1234567) == "1,234,567"
    assert i18n.formatters("ru")["format_number"](1234567).replace("\xa0", " ") == "1 234 567"


def test_switching_language_is_remembered(portal: TestClient) -> None:
    assert "Registry of certificates" in portal.get("/registry?lang=en").text
    assert "Registry of certificates" in portal.get("/registry").text  # the cookie keeps English
    assert "Реестр свидетельств" in portal.get("/registry?lang=ru").text
    portal.cookies.clear()  # a new reader: the browser's preference decides
    assert 'lang="kk"' in portal.get("/", headers={"accept-language": "kk"}).text
