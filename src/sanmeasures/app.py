"""The node's ASGI application: HTTP API and portal pages."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Response

from sanmeasures import portal
from sanmeasures.contract.api import router as contract_router
from sanmeasures.contract.api import schemas_router
from sanmeasures.exchange.runtime import Exchange
from sanmeasures.processes.api import router as messages_router
from sanmeasures.processes.effects import store
from sanmeasures.settings import Settings
from sanmeasures.storage.engine import create_engine


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = create_engine(settings.database_url, **settings.engine_options())
        app.state.exchange = None
        background: list[asyncio.Task[None]] = []
        try:
            if settings.exchange:
                app.state.exchange = Exchange(settings, app.state.engine, effect=store)
                await app.state.exchange.start()
            background = [asyncio.create_task(worker(app)) for worker in portal.workers()]
            yield
        finally:
            for task in background:
                task.cancel()
            # Awaited before the engine goes: a worker may be inside a transaction.
            await asyncio.gather(*background, return_exceptions=True)
            if app.state.exchange is not None:
                await app.state.exchange.stop()
            await app.state.engine.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="sanmeasures",
        summary="EAEU integrated-system node: information support of sanitary measures",
        description="EEC Board Decision No. 24 of 11 February 2020. Documents are exchanged as EEC XML structures.",
        version="0.1.0",
    )
    app.state.settings = settings
    app.include_router(contract_router)
    app.include_router(messages_router)
    app.include_router(schemas_router)
    portal.mount(app, settings)

    @app.get("/health", tags=["node"], summary="Liveness and the exchange's health")
    async def health(response: Response) -> dict[str, str]:
        exchange = app.state.exchange
        if exchange is None:
            return {"status": "ok", "exchange": "off"}
        if await exchange.healthy():
            return {"status": "ok", "exchange": "ok", "hosts": ",".join(settings.hosted)}
        response.status_code = 503
        return {"status": "degraded", "exchange": "not consuming or not connected"}

    return app
