"""The public portal of the node (Rules §9, §31): HTML pages for people and a JSON API for machines.

``mount`` adds every part to the application; ``WORKERS`` are the portal's background loops
(subscription deliveries, statistics, daily snapshots), started and stopped with the node.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from importlib import import_module

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from sanmeasures.portal.assets import PORTAL
from sanmeasures.settings import Settings

#: Modules with a ``router``, in the order their routes are matched.
ROUTERS: tuple[str, ...] = (
    "site",
    "lists",
    "export",
    "snapshots",
    "classifiers",
    "services",
    "cabinet",
    "statistics",
    "subscriptions",
)

#: Background loops: ``module:function``, each ``async def worker(app: FastAPI) -> None`` running
#: until cancelled.
WORKERS: tuple[str, ...] = ("snapshots:snapshot_worker", "statistics:worker", "notify:worker")

Worker = Callable[[FastAPI], Awaitable[None]]


def mount(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key or secrets.token_urlsafe(32),
        session_cookie="sanmeasures_session",
        same_site="lax",  # a form posted from another site carries no session
        https_only=settings.public_url.startswith("https://"),
    )
    app.mount("/static", StaticFiles(directory=PORTAL / "static", check_dir=False), name="static")
    for name in ROUTERS:
        app.include_router(import_module(f"sanmeasures.portal.{name}").router)


def workers() -> list[Worker]:
    found = []
    for entry in WORKERS:
        module, _, function = entry.partition(":")
        found.append(getattr(import_module(f"sanmeasures.portal.{module}"), function))
    return found
