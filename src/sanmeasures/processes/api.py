"""The participants' HTTP API: submit a document, follow what became of it.

Authentication is an API key (``Authorization: Bearer smk_…``) issued by ``sanmeasures participants
add``. The node answers for the participants it hosts only.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from sanmeasures.contract.api import XML_REQUEST_BODY
from sanmeasures.exchange.participants import Participant
from sanmeasures.exchange.records import message_view
from sanmeasures.processes.credentials import participant_of
from sanmeasures.processes.submission import Submission, submit

router = APIRouter(prefix="/api/v1", tags=["messages"])
_bearer = HTTPBearer(auto_error=False, description="An API key issued by `sanmeasures participants add`")


async def authenticated(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Participant:
    """The participant whose key came with the request, hosted by this node; 401/403 otherwise."""
    challenge = {"WWW-Authenticate": "Bearer"}
    if credentials is None:
        raise HTTPException(401, "an API key is required: Authorization: Bearer <key>", headers=challenge)
    async with request.app.state.engine.connect() as connection:
        participant = await participant_of(connection, credentials.credentials)
    if participant is None:
        raise HTTPException(401, "unknown or revoked API key", headers=challenge)
    hosted = request.app.state.settings.hosted
    if participant.id not in hosted:
        raise HTTPException(403, f"this node hosts {', '.join(hosted)}, not {participant.id}")
    return participant


def _answer(submission: Submission) -> dict[str, Any]:
    return {
        "edoc_id": submission.edoc_id,
        "flow": submission.flow,
        "recipients": submission.recipients,
        "delivery": f"/api/v1/messages/{submission.edoc_id}",
    }


@router.post(
    "/messages",
    status_code=202,
    summary="Submit one document (EEC XML) to its recipients",
    description="202: accepted and queued (the same answer again for a repeated EDocId); 422: every error "
    "(item, XPath, rule, paragraph); 401: no or unknown key; 403: a document this participant may not send.",
    openapi_extra=XML_REQUEST_BODY,
)
async def post_message(
    request: Request,
    participant: Annotated[Participant, Depends(authenticated)],
    decision_date: Annotated[
        dt.date | None,
        Query(
            description="Rules §17: the date of the authority's decision to report the case (default: item 4)"
        ),
    ] = None,
) -> JSONResponse:
    settings = request.app.state.settings
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if content_type not in ("application/xml", "text/xml"):
        raise HTTPException(415, "send the document as application/xml")
    data = await request.body()
    if len(data) > settings.max_document_bytes:
        raise HTTPException(413, f"document larger than {settings.max_document_bytes} bytes")
    submission = await submit(
        request.app.state.engine,
        participant,
        settings.known,
        data,
        max_bytes=settings.max_document_bytes,
        confidentiality=settings.confidentiality(),
        decision_date=decision_date,
    )
    if submission.outcome == "accepted" and request.app.state.exchange is not None:
        request.app.state.exchange.wake()
    errors = [issue.as_dict() for issue in submission.issues]
    if submission.outcome == "forbidden":
        return JSONResponse({"edoc_id": submission.edoc_id, "errors": errors}, status_code=403)
    if submission.outcome == "invalid":
        return JSONResponse({"edoc_id": submission.edoc_id, "errors": errors}, status_code=422)
    return JSONResponse(_answer(submission), status_code=202)


@router.get("/messages/{edoc_id}", summary="A message and its delivery record per recipient")
async def get_message(
    edoc_id: str, request: Request, participant: Annotated[Participant, Depends(authenticated)]
) -> dict[str, Any]:
    """Shown to its sender and its recipients only."""
    async with request.app.state.engine.connect() as connection:
        view = await message_view(connection, edoc_id)
    if view is None:
        raise HTTPException(404, f"no message {edoc_id}")
    involved = {view["sender"], *(d["recipient"] for d in view["deliveries"]), *view.get("recipients", [])}
    if participant.id not in involved:
        raise HTTPException(404, f"no message {edoc_id}")  # not saying whether it exists
    return view
