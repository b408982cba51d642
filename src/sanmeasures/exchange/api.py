"""HTTP API of the exchange: what became of a message."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request

from sanmeasures.exchange.records import message_view

router = APIRouter(prefix="/api/v1", tags=["exchange"])


@router.get("/messages/{edoc_id}", summary="A message and its delivery record per recipient")
async def get_message(edoc_id: str, request: Request) -> dict[str, Any]:
    async with request.app.state.engine.connect() as connection:
        view = await message_view(connection, edoc_id)
    if view is None:
        raise HTTPException(404, f"no message {edoc_id}")
    return view
