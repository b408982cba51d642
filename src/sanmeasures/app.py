"""The node's ASGI application: HTTP API and portal pages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from sanmeasures.contract.api import router as contract_router
from sanmeasures.contract.api import schemas_router
from sanmeasures.exchange.api import router as exchange_router
from sanmeasures.portal.home import router as portal_router
from sanmeasures.settings import Settings
from sanmeasures.storage.engine import create_engine


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = create_engine(settings.database_url)
        try:
            yield
        finally:
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
    app.include_router(exchange_router)
    app.include_router(schemas_router)
    app.include_router(portal_router)

    @app.get("/health", tags=["node"], summary="Liveness")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
