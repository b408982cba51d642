"""Node settings, read from ``SANMEASURES_*`` environment variables with embedded defaults.

The embedded default is one process that hosts every participant of the demo deployment, on a SQLite
file and the embedded broker. A production node hosts one participant (``SANMEASURES_PARTICIPANT``,
or ``sanmeasures node --participant``) on PostgreSQL and RabbitMQ.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from sanmeasures.contract.safe_xml import MAX_DOCUMENT_BYTES
from sanmeasures.exchange.confidentiality import ConfidentialityPolicy, parse_items, policy
from sanmeasures.exchange.participants import REFERENCE_DEPLOYMENT, Participant

EMBEDDED_BROKER = "embedded"


def _listed(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    #: Largest document the API accepts, bytes (a scanned protocol travels as base64, Rules §36).
    max_document_bytes: int = MAX_DOCUMENT_BYTES
    #: The embedded default is a SQLite file; production uses postgresql+asyncpg://…
    database_url: str = "sqlite+aiosqlite:///var/sanmeasures.sqlite3"
    #: PostgreSQL connections a node keeps (and as many more at peaks): several nodes share a server.
    database_pool: int = 5
    #: ``embedded`` (queues in the node's database) or an AMQP URL (amqp://user:pass@host:5672/vhost).
    broker_url: str = EMBEDDED_BROKER
    #: Prefix of every RabbitMQ exchange and queue name ("" in production; tests keep apart with it).
    broker_namespace: str = ""
    #: Every participant of the deployment: routing needs to know who exists (Rules §5–8).
    participants: tuple[str, ...] = REFERENCE_DEPLOYMENT
    #: The participant this node hosts; None hosts every participant (the embedded demo).
    participant: str | None = None
    #: Run the exchange (relay and receivers) inside the HTTP process.
    exchange: bool = True
    #: Table items the hosted authority's law keeps confidential, withheld in §36–38 exchanges
    #: (Rules §39); None: the default policy of ``exchange/confidentiality.py``.
    confidential_items: frozenset[str] | None = None
    #: Address the portal is reached at from outside: QR codes, e-mails and feeds link to it.
    public_url: str = "http://127.0.0.1:8000"
    #: Signs the portal's session cookies; None: a random key per process (sessions end on restart).
    secret_key: str | None = None
    #: Where the node keeps files: daily export snapshots (Rules §31б).
    data_dir: str = "var"
    #: SMTP server for subscription e-mails (Rules §31в): smtp://host:port or smtps://user:pass@host:port;
    #: None: e-mail subscriptions are not offered.
    smtp_url: str | None = None
    mail_from: str = "sanmeasures@localhost"

    @property
    def hosted(self) -> tuple[str, ...]:
        return (self.participant,) if self.participant else self.participants

    @property
    def known(self) -> tuple[Participant, ...]:
        """Every participant of the deployment, parsed (routing needs them)."""
        return tuple(Participant.parse(p) for p in self.participants)

    @property
    def embedded_broker(self) -> bool:
        return self.broker_url == EMBEDDED_BROKER

    def engine_options(self) -> dict[str, int]:
        if not self.database_url.startswith("postgresql"):
            return {}
        return {"pool_size": self.database_pool, "max_overflow": self.database_pool}

    def confidentiality(self) -> ConfidentialityPolicy:
        """The §39 policy; a mandatory or unknown item is refused here, at start-up."""
        return policy() if self.confidential_items is None else policy(self.confidential_items)

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            host=env.get("SANMEASURES_HOST", cls.host),
            port=int(env.get("SANMEASURES_PORT", cls.port)),
            max_document_bytes=int(env.get("SANMEASURES_MAX_DOCUMENT_BYTES", cls.max_document_bytes)),
            database_url=env.get("SANMEASURES_DATABASE_URL", cls.database_url),
            database_pool=int(env.get("SANMEASURES_DATABASE_POOL", cls.database_pool)),
            broker_url=env.get("SANMEASURES_BROKER_URL", cls.broker_url),
            broker_namespace=env.get("SANMEASURES_BROKER_NAMESPACE", cls.broker_namespace),
            participants=_listed(env["SANMEASURES_PARTICIPANTS"])
            if env.get("SANMEASURES_PARTICIPANTS")
            else cls.participants,
            participant=env.get("SANMEASURES_PARTICIPANT") or None,
            exchange=env.get("SANMEASURES_EXCHANGE", "on") != "off",
            confidential_items=parse_items(env["SANMEASURES_CONFIDENTIAL_ITEMS"])
            if "SANMEASURES_CONFIDENTIAL_ITEMS" in env
            else None,
            public_url=env.get("SANMEASURES_PUBLIC_URL", cls.public_url).rstrip("/"),
            secret_key=env.get("SANMEASURES_SECRET_KEY") or None,
            data_dir=env.get("SANMEASURES_DATA_DIR", cls.data_dir),
            smtp_url=env.get("SANMEASURES_SMTP_URL") or None,
            mail_from=env.get("SANMEASURES_MAIL_FROM", cls.mail_from),
        )
