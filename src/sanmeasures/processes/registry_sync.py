"""Rules §35: a change to a certificate in a national part of the registry (new, changed, suspended,
annulled) is sent to the Commission automatically, in the same transaction as the change, as an
R.SM.SS.07.001 document; the Commission merges it into the unified registry with its history."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncConnection

from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.structures.certificate import (
    RegistrationCertificateDetails,
    StateRegistrationCertificateDetails,
)
from sanmeasures.exchange.outbox import new_header, send_document
from sanmeasures.exchange.participants import Participant, authority
from sanmeasures.exchange.routing import BY_NAME

FLOW = BY_NAME["registry.certificate"]


async def send_to_commission(
    connection: AsyncConnection,
    certificates: Iterable[RegistrationCertificateDetails],
    *,
    hosted: Iterable[str],
    known: tuple[Participant, ...],
) -> list[str]:
    """Queue one R.SM.SS.07.001 per member state whose authority this node hosts; returns their EDocIds.

    A certificate of a state whose authority is not hosted here is not this node's to send."""
    by_state: dict[str, list[RegistrationCertificateDetails]] = {}
    for certificate in certificates:
        by_state.setdefault(certificate.unified_country_code.value, []).append(certificate)
    hosted_ids = set(hosted)
    sent = []
    for state, own in sorted(by_state.items()):
        sender = authority(state)
        if sender not in hosted_ids:
            continue
        header = new_header(EDocHeader, FLOW.message_code, FLOW.structure)
        document = StateRegistrationCertificateDetails(
            e_doc_header=header, registration_certificate_details=own
        )
        await send_document(connection, document, flow=FLOW, sender=Participant.parse(sender), known=known)
        sent.append(header.e_doc_id)
    return sent
