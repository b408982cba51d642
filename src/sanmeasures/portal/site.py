"""Pages of the portal as a whole: the home page, logging in and out."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sanmeasures.contract.catalogue import structures
from sanmeasures.portal.access import CSRF_REFUSED, csrf_valid, log_in, log_out
from sanmeasures.portal.web import engine_of, render, settings_of
from sanmeasures.storage import tables

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    async with engine_of(request).connect() as connection:
        counts = {
            "certificates": await connection.scalar(
                sa.select(sa.func.count()).select_from(tables.certificates)
            ),
            "morbidity": await connection.scalar(
                sa.select(sa.func.count()).where(tables.cases.c.kind == "morbidity")
            ),
            "dangerous_products": await connection.scalar(
                sa.select(sa.func.count()).where(tables.cases.c.kind == "dangerous_product")
            ),
            "measures": await connection.scalar(sa.select(sa.func.count()).select_from(tables.measures)),
        }
    return render(request, "home.html", {"counts": counts, "structures": structures().values()})


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, next: str = "/cabinet") -> Response:
    return render(request, "login.html", {"next": _local(next), "failed": False})


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request, key: Annotated[str, Form()], next: Annotated[str, Form()] = "/cabinet"
) -> Response:
    if await log_in(request, engine_of(request), key, settings_of(request).hosted) is None:
        return render(request, "login.html", {"next": _local(next), "failed": True}, status_code=401)
    return RedirectResponse(_local(next), status_code=303)


@router.post("/logout")
async def logout(request: Request, csrf_token: Annotated[str, Form()] = "") -> Response:
    if not csrf_valid(request, csrf_token):  # another site cannot log a reader out
        return Response(CSRF_REFUSED, status_code=403, media_type="text/plain")
    log_out(request)
    return RedirectResponse("/", status_code=303)


def _local(path: str) -> str:
    """Only a path of this site to go back to after logging in (never another site)."""
    return path if path.startswith("/") and not path.startswith("//") else "/cabinet"
