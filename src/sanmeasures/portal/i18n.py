"""The portal's languages: Russian first (the Union portal's language), English and Kazakh.

Texts are written in English in the templates (``{{ _("Registry") }}``) and translated by the
gettext catalogues ``locales/<lang>/*.po`` (one file per part of the portal, merged), read with
Babel at start-up (no compile step). Dates and
numbers are formatted for the reader's locale by Babel's CLDR data.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import cache
from importlib.resources import files
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

#: code → the language's own name, in the order of the switcher.
LANGUAGES: dict[str, str] = {"ru": "Русский", "en": "English", "kk": "Қазақша"}
DEFAULT = "ru"
COOKIE = "lang"


@cache
def translations(language: str) -> NullTranslations:
    """The catalogue of ``language``; English (the source texts) needs none."""
    if language == "en":
        return NullTranslations()
    catalog = Catalog(locale=language)
    folder = files("sanmeasures.portal").joinpath(f"locales/{language}")
    for source in sorted(folder.iterdir(), key=lambda f: f.name):
        if source.name.endswith(".po"):
            with source.open("rb") as po:
                for message in read_po(po, locale=language):
                    if message.id and message.string:
                        catalog[message.id] = message
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def choose(requested: str | None, cookie: str | None, accept_language: str | None) -> str:
    """``?lang=`` first, then the reader's earlier choice, then the browser's preference, else Russian."""
    for choice in (requested, cookie):
        if choice in LANGUAGES:
            return choice
    if accept_language:
        wanted = [part.split(";")[0].strip().replace("-", "_") for part in accept_language.split(",")]
        try:
            found = Locale.negotiate([w for w in wanted if w], list(LANGUAGES))
        except (ValueError, UnknownLocaleError):
            found = None
        if found is not None:
            return str(found.language)
    return DEFAULT


def formatters(language: str) -> dict[str, Any]:
    """Template helpers that format for ``language``."""

    def date(value: dt.date | dt.datetime | str | None, form: str = "medium") -> str:
        if value in (None, ""):
            return "—"
        if isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        if isinstance(value, dt.datetime):
            return format_datetime(value, form, locale=language)
        return format_date(value, form, locale=language)

    def number(value: float | int | None) -> str:
        return "—" if value is None else format_decimal(value, locale=language)

    translation = translations(language)
    return {
        "_": translation.gettext,
        "ngettext": translation.ngettext,
        "format_date": date,
        "format_number": number,
    }
