"""Real receivers for the subscription tests: an SMTP server (aiosmtpd), a webhook HTTP server, a node.

Nothing here is a test; the module is named like the tests it serves so that it stays with them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.app import create_app
from sanmeasures.cases.store import record_alert_document
from sanmeasures.contract.examples import country, example_document
from sanmeasures.measures.store import record_measure_document
from sanmeasures.portal.notify import NotifyConfig
from sanmeasures.portal.notify.model import SOURCES
from sanmeasures.settings import Settings
from sanmeasures.storage.tables import subscription_cursors, subscription_deliveries
from tests.cases.documents import on, resent, store

PUBLIC = "http://portal.test"
MAIL_FROM = "notices@portal.test"
MORBIDITY, DANGEROUS, MEASURE = "R.SM.SS.08.001", "R.SM.SS.08.002", "R.SM.SS.09.001"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- SMTP ---------------------------------------------------------------------------------------------
class _Collector:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))  # type: ignore[arg-type]
        return "250 Message accepted"


@dataclass
class Mailbox:
    """The messages a real SMTP server on 127.0.0.1 accepted."""

    url: str
    collector: _Collector

    def to(self, address: str) -> list[EmailMessage]:
        with self.collector.lock:
            return [m for rcpt, m in self.collector.messages if address in rcpt]


@asynccontextmanager
async def smtp_server() -> AsyncIterator[Mailbox]:
    port = free_port()
    collector = _Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    await asyncio.to_thread(controller.start)
    try:
        yield Mailbox(f"smtp://127.0.0.1:{port}", collector)
    finally:
        await asyncio.to_thread(controller.stop)


# --- webhook receiver ----------------------------------------------------------------------------------
@dataclass
class Hook:
    """A real HTTP server receiving webhooks; ``script`` holds the status codes of the next answers."""

    url: str = ""
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    script: list[int] = field(default_factory=list)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def bodies(self, event: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            found = [json.loads(body) for _headers, body in self.requests]
        return [b for b in found if event is None or b["event"] == event]


@asynccontextmanager
async def webhook_server() -> AsyncIterator[Hook]:
    hook = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with hook.lock:
                hook.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = hook.script.pop(0) if hook.script else 200
            if hook.delay:
                time.sleep(hook.delay)
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hook.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()


# --- the node -----------------------------------------------------------------------------------------
class Clock:
    """The worker's clock, moved by the test (back-off without waiting minutes)."""

    def __init__(self) -> None:
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@dataclass
class Node:
    app: FastAPI
    client: httpx.AsyncClient
    engine: AsyncEngine


def config(clock: Callable[[], dt.datetime] | None = None, **changes: Any) -> NotifyConfig:
    base = NotifyConfig(poll_interval=0.02, allow_private_webhooks=True)
    if clock is not None:
        base = base.with_(clock=clock)
    return base.with_(**changes)


@asynccontextmanager
async def running(
    url: str, *, smtp: str | None = None, notify: NotifyConfig | None = None
) -> AsyncIterator[Node]:
    """The node's application with its workers running, and a client to its HTTP interface."""
    settings = Settings(
        database_url=url,
        exchange=False,
        public_url=PUBLIC,
        smtp_url=smtp,
        mail_from=MAIL_FROM,
        database_pool=3,
    )
    app = create_app(settings)
    app.state.notify = notify or config()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
            yield Node(app, client, app.state.engine)


async def eventually(condition: Callable[[], Any], *, timeout: float = 10.0, what: str = "") -> Any:
    """Wait for ``condition()`` (sync or async) to be truthy; its value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        await asyncio.sleep(0.02)


async def settled(engine: AsyncEngine, now: dt.datetime | None = None) -> None:
    """Wait until the worker has matched every version and sent everything due."""
    moment = now or dt.datetime.now(dt.UTC)

    async def done() -> bool:
        async with engine.connect() as connection:
            for source in SOURCES:
                top = await connection.scalar(sa.select(sa.func.max(source.versions.c.id))) or 0
                mark = await connection.scalar(
                    sa.select(subscription_cursors.c.last_id).where(
                        subscription_cursors.c.name == source.name
                    )
                )
                if top and (mark or 0) < top:
                    return False
            d = subscription_deliveries
            due = await connection.scalar(
                sa.select(sa.func.count()).where(d.c.state == "queued", d.c.next_attempt_at <= moment)
            )
            return due == 0

    await eventually(done, what="the worker to match and send everything")
    # One more round after the last: anything it would send is sent.
    await asyncio.sleep(0.1)


# --- versions -----------------------------------------------------------------------------------------
def morbidity_notice(
    kind: str = "1", day: dt.date = dt.date(2026, 3, 4), *, state: str = "KZ", number: str = ""
):  # type: ignore[no-untyped-def]
    """The KZ listeriosis case (KZ-2026-00045), or the same notice as another state's case."""
    doc = example_document(MORBIDITY)
    update: dict[str, Any] = {"incident_kind_code": kind, "doc_creation_date": day}
    if state != "KZ":
        update |= {"unified_country_code": country(state), "incident_id": number or f"{state}-2026-00001"}
    case = doc.public_health_alert_details[0].model_copy(update=update, deep=True)
    return resent(doc, at=on(day), public_health_alert_details=[case])


def product_notice(kind: str = "1", day: dt.date = dt.date(2026, 3, 2)):  # type: ignore[no-untyped-def]
    """The RU sausage case (RU-2026-000123)."""
    doc = example_document(DANGEROUS)
    case = doc.dangerous_product_alert_details[0].model_copy(
        update={"incident_kind_code": kind, "doc_creation_date": day}, deep=True
    )
    return resent(doc, at=on(day), dangerous_product_alert_details=[case])


def measure_notice(day: dt.date = dt.date(2026, 3, 10), **fields: Any):  # type: ignore[no-untyped-def]
    """The KZ restriction on smoked sausages (order No. 112 of 10.03.2026)."""
    doc = example_document(MEASURE)
    measure = doc.sanitary_measure_details[0].model_copy(update=fields, deep=True)
    return resent(doc, at=on(day), sanitary_measure_details=[measure])


async def record(engine: AsyncEngine, *documents: Any) -> None:
    """Record documents as the exchange does: each a new version of its case or measure."""
    for doc in documents:
        async with engine.begin() as connection:
            document_id = await store(connection, doc, sender="authority:KZ")
            if hasattr(doc, "sanitary_measure_details"):
                await record_measure_document(connection, doc, document_id)
            else:
                await record_alert_document(connection, doc, document_id)
