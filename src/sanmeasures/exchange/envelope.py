"""The envelope around one document on the wire: AMQP properties and headers, the XML as body.

message id = the document's EDocId, correlation id = its EDocRefId (the document it answers);
headers name the process, message and structure codes, the sender, the recipient of this copy,
the time it was sent and the schema version. The body is the document's bytes, unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

SCHEMA_VERSION = "1.0.0"


class EnvelopeError(ValueError):
    """A message whose envelope is missing or contradicts itself: dead-lettered with this reason."""


@dataclass(frozen=True)
class Envelope:
    edoc_id: str
    correlation_id: str | None  # EDocRefId
    message_code: str  # csdo:InfEnvelopeCode, e.g. P.SS.08.MSG.017
    structure: str  # csdo:EDocCode
    sender: str  # participant id
    recipient: str  # participant id of this copy
    sent_at: dt.datetime
    schema_version: str = SCHEMA_VERSION

    @property
    def process(self) -> str:
        """P.SS.08 of P.SS.08.MSG.017."""
        return self.message_code.rsplit(".MSG.", 1)[0]

    def headers(self) -> dict[str, Any]:
        return {
            "process": self.process,
            "message-code": self.message_code,
            "structure": self.structure,
            "sender": self.sender,
            "recipient": self.recipient,
            "sent-at": self.sent_at.isoformat(),
            "schema-version": self.schema_version,
        }

    @classmethod
    def from_message(
        cls, message_id: str | None, correlation_id: str | None, headers: dict[str, Any]
    ) -> Envelope:
        missing = [
            name
            for name in ("message-code", "structure", "sender", "recipient", "sent-at")
            if not headers.get(name)
        ]
        if not message_id or missing:
            raise EnvelopeError(f"envelope incomplete: missing {', '.join(missing or ['message id'])}")
        try:
            sent_at = dt.datetime.fromisoformat(str(headers["sent-at"]))
        except ValueError as exc:
            raise EnvelopeError(f"envelope sent-at is not a date-time: {headers['sent-at']!r}") from exc
        return cls(
            edoc_id=message_id,
            correlation_id=correlation_id or None,
            message_code=str(headers["message-code"]),
            structure=str(headers["structure"]),
            sender=str(headers["sender"]),
            recipient=str(headers["recipient"]),
            sent_at=sent_at,
            schema_version=str(headers.get("schema-version", SCHEMA_VERSION)),
        )
