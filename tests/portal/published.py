"""A node database holding published content: demo certificates and cases and the measures story.

``published_url`` is one fresh database per test module and engine (SQLite file, PostgreSQL
database), filled once; ``portal`` is a TestClient of the node's app on it (lifespan run, no
exchange). Tests only read it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from fastapi.testclient import TestClient

from sanmeasures.app import create_app
from sanmeasures.demo.load import generate
from sanmeasures.settings import Settings
from sanmeasures.storage.engine import create_engine
from sanmeasures.storage.migrate import upgrade
from tests.conftest import POSTGRES_SERVER, _admin, _create_postgres_database

TODAY = dt.date(2026, 11, 20)
CERTIFICATES, CASES = 80, 30


async def _fill(url: str) -> None:
    engine = create_engine(url)
    try:
        await generate(engine, certificate_count=CERTIFICATES, case_count=CASES, today=TODAY)
    finally:
        await engine.dispose()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def published_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('published') / 'node.sqlite3'}"
        upgrade(url)
        asyncio.run(_fill(url))
        yield url
        return
    name = _create_postgres_database()
    url = f"{POSTGRES_SERVER}/{name}"
    try:
        upgrade(url)
        asyncio.run(_fill(url))
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module")
def portal(published_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=published_url, exchange=False, database_pool=2)
    with TestClient(create_app(settings)) as client:
        yield client


@contextmanager
def live_node(settings: Settings) -> Iterator[str]:
    """The node's app served by uvicorn on a free local port, in a thread with its own event loop."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the node did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
