"""The real RabbitMQ on 127.0.0.1:5672 for tests: each module gets its own virtual host, deleted with
everything in it at the end, so tests never see each other's queues."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, urlsplit

import pytest

RABBITMQ = os.environ.get("SANMEASURES_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672")


def rabbitmqctl(*args: str) -> str:
    return subprocess.run(
        ["rabbitmqctl", *args], check=True, capture_output=True, text=True, timeout=60
    ).stdout


@contextmanager
def fresh_vhost() -> Iterator[str]:
    """A new virtual host for guest, deleted (with everything in it) on the way out."""
    address = urlsplit(RABBITMQ)
    try:
        socket.create_connection((address.hostname or "127.0.0.1", address.port or 5672), timeout=5).close()
    except OSError as exc:
        pytest.fail(
            f"RabbitMQ is not reachable at {address.hostname}:{address.port} ({exc}); "
            "start it with `rabbitmq-server -detached`",
            pytrace=False,
        )
    if shutil.which("rabbitmqctl") is None:
        pytest.fail("rabbitmqctl is needed to create the test virtual host", pytrace=False)
    name = f"sanmeasures-test-{uuid.uuid4().hex[:10]}"
    rabbitmqctl("add_vhost", name)
    rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
    try:
        yield name
    finally:
        rabbitmqctl("delete_vhost", name)


def vhost_url(vhost: str) -> str:
    return f"{RABBITMQ}/{quote(vhost, safe='')}"
