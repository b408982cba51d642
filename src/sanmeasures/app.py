"""The node's ASGI application: HTTP API and portal pages."""

from __future__ import annotations

from fastapi import FastAPI

from sanmeasures.contract.api import router as contract_router
from sanmeasures.contract.api import schemas_router
from sanmeasures.portal.home import router as portal_router
from sanmeasures.settings import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    app = FastAPI(
        title="sanmeasures",
        summary="EAEU integrated-system node: information support of sanitary measures",
        description="EEC Board Decision No. 24 of 11 February 2020. Documents are exchanged as EEC XML structures.",
        version="0.1.0",
    )
    app.state.settings = settings or Settings.from_env()
    app.include_router(contract_router)
    app.include_router(schemas_router)
    app.include_router(portal_router)

    @app.get("/health", tags=["node"], summary="Liveness")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    return app
