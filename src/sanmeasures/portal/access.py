"""Who reads what: one authorization layer for the portal's pages and its JSON API.

The public reads the four common resources, which the Rules publish on the Union portal: the unified
registry of certificates (§15, Table 1), the morbidity database (§20, Table 2), the dangerous-products
database (§25, Table 3) and the temporary measures with their reviews (§29, Tables 4–5), and the
submitted 1KT reports (§7з). It never reads the exchanges between the authorities (additional
information, Table 6, §37; laboratory protocols, §36; production-violation notices, §38), the
delivery records, drafts, or the items the member states keep confidential (the §39 policy items,
withheld from every published version).

An authority's staff log in with their participant's API key (``sanmeasures participants add``) to
use the personal cabinet (§31ж, §33); the Commission's staff see every authority's 1KT reports.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.contract import blocks as b
from sanmeasures.contract.structures.certificate import RegistrationCertificateDetails
from sanmeasures.exchange.confidentiality import strip_items
from sanmeasures.exchange.participants import Participant
from sanmeasures.processes.credentials import participant_of

SESSION_KEY = "participant"

#: Appendix 2 table → (the model of one element of it, the Rules paragraph publishing it).
PUBLISHED: dict[int, tuple[type[Any], str]] = {
    1: (RegistrationCertificateDetails, "§15"),
    2: (b.PublicHealthAlertDetails, "§20"),
    3: (b.DangerousProductAlertDetails, "§25"),
    4: (b.SanitaryMeasureDetails, "§29"),
}


@dataclass(frozen=True)
class Viewer:
    """The reader of a page or an API answer: the public, or a logged-in participant's staff."""

    participant: Participant | None = None

    @property
    def public(self) -> bool:
        return self.participant is None

    @property
    def commission(self) -> bool:
        return self.participant is not None and self.participant.role == "commission"

    @property
    def authority_country(self) -> str | None:
        """The member state of a logged-in authorized body (its 1KT reports are its own)."""
        p = self.participant
        return p.country if p is not None and p.role == "authority" else None


def viewer(request: Request) -> Viewer:
    text = request.session.get(SESSION_KEY) if "session" in request.scope else None
    return Viewer(Participant.parse(text)) if text else Viewer()


CurrentViewer = Annotated[Viewer, Depends(viewer)]


def require_staff(who: CurrentViewer) -> Viewer:
    """Only an authorized body's or the Commission's logged-in staff (the 1KT cabinet, §31ж, §33)."""
    if who.authority_country is None and not who.commission:
        raise HTTPException(status_code=401, detail="log in with your authorized body's key (/login)")
    return who


Staff = Annotated[Viewer, Depends(require_staff)]


async def log_in(request: Request, engine: AsyncEngine, key: str, hosted: tuple[str, ...]) -> Viewer | None:
    """Start a session for the participant the key belongs to; None for an unknown or revoked key, or
    a participant this node does not host (as the API's Bearer check)."""
    async with engine.connect() as connection:
        participant = await participant_of(connection, key.strip())
    if participant is None or participant.id not in hosted:
        return None
    request.session[SESSION_KEY] = participant.id
    return Viewer(participant)


def log_out(request: Request) -> None:
    request.session.pop(SESSION_KEY, None)


def published(table: int, data: dict[str, Any], confidential: frozenset[str]) -> dict[str, Any]:
    """A stored version's data as the public may read it: the confidential items of ``table`` removed."""
    model, _paragraph = PUBLISHED[table]
    if not any(item.startswith(f"T{table}/") for item in confidential):
        return data
    element = model.model_validate(data)
    return strip_items(element, table, confidential).model_dump(mode="json")


# --- protection against cross-site request forgery (staff forms and the session-cookie API) -----
CSRF_SESSION_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def csrf_token(request: Request) -> str:
    """The session's token for its forms (made on first use)."""
    token = request.session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_SESSION_KEY] = token
    return token


def csrf_valid(request: Request, sent: object) -> bool:
    expected = request.session.get(CSRF_SESSION_KEY)
    return (
        isinstance(expected, str)
        and isinstance(sent, str)
        and bool(sent)
        and hmac.compare_digest(expected.encode(), sent.encode())
    )


CSRF_REFUSED = (
    "the form's security token is missing or out of date: reload the page and send it again "
    "(protection against cross-site request forgery)"
)
