"""Rendering the portal's HTML pages: one Jinja2 environment, the reader's language, the viewer.

Every page handler ends with ``render(request, "page.html", {...})``. A template extends
``base.html`` and fills its blocks ``title``, ``content`` (and ``scripts`` for page scripts); it
translates with ``{{ _("English text") }}`` and formats with ``format_date`` / ``format_number``.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.contract.classifiers import CODE_LISTS
from sanmeasures.portal import i18n
from sanmeasures.portal.access import csrf_token, viewer
from sanmeasures.settings import Settings

templates = Jinja2Templates(directory=str(files("sanmeasures.portal").joinpath("templates")))

#: The main menu: path, label (translated in the template).
MENU: tuple[tuple[str, str], ...] = (
    ("/registry", "Registry of certificates"),
    ("/morbidity", "Morbidity"),
    ("/dangerous-products", "Dangerous products"),
    ("/measures", "Temporary measures"),
    ("/check", "Certificate check"),
    ("/statistics", "Statistics"),
    ("/subscriptions", "Subscriptions"),
    ("/classifiers", "Classifiers"),
    ("/services", "Services"),
)


def language(request: Request) -> str:
    return i18n.choose(
        request.query_params.get("lang"),
        request.cookies.get(i18n.COOKIE),
        request.headers.get("accept-language"),
    )


def query_with(request: Request, **changes: Any) -> str:
    """The current query string with ``changes`` applied (None removes a parameter)."""
    params = dict(request.query_params)
    for name, value in changes.items():
        if value is None:
            params.pop(name, None)
        else:
            params[name] = str(value)
    return urlencode(params)


def code_name(code_list: str, code: object, language: str) -> str:
    """The name of ``code`` in a code list (``contract/classifiers.py``) in the reader's language."""
    entry = CODE_LISTS[code_list].get(str(code)) if code not in (None, "") else None
    return entry.name(language) if entry is not None else ("—" if code in (None, "") else str(code))


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    lang = language(request)
    page = {
        "request": request,
        "lang": lang,
        "languages": i18n.LANGUAGES,
        "menu": MENU,
        "viewer": viewer(request),
        "query_with": lambda **changes: query_with(request, **changes),
        "code_name": lambda code_list, code: code_name(code_list, code, lang),
        "csrf_token": lambda: csrf_token(request),
        **i18n.formatters(lang),
        **(context or {}),
    }
    response = templates.TemplateResponse(request, template, page, status_code=status_code)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(i18n.COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response


def engine_of(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings
