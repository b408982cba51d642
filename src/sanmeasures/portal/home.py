"""The portal's home page: what the node speaks, and a form to check a document against it."""

from __future__ import annotations

from html import escape
from importlib.resources import files
from string import Template

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from sanmeasures.contract.catalogue import structures

router = APIRouter(tags=["portal"])

_PAGE = Template(files("sanmeasures.portal").joinpath("templates/home.html").read_text(encoding="utf-8"))


def _rows() -> str:
    rows = []
    for s in structures().values():
        table = f"Таблица {s.table}" if s.table else "—"
        origin = "ЕЭК" if s.published else "узел (по образцу ЕЭК)"
        rows.append(
            "<tr>"
            f"<td><code>{escape(s.code)}</code></td>"
            f"<td>{escape(s.title_ru)}<br><small>{escape(s.title_en)}</small></td>"
            f"<td>{table}</td><td>{escape(s.paragraphs)}</td><td>{origin}</td>"
            f'<td><a href="/schemas/{escape(s.xsd_file)}">XSD</a> · '
            f'<a href="/api/v1/structures/{escape(s.code)}/example">пример</a></td>'
            "</tr>"
        )
    return "\n".join(rows)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home() -> str:
    return _PAGE.substitute(rows=_rows())
