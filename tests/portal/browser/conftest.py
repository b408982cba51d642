"""The portal in a real browser: a running node and headless Chromium driven by Playwright.

``node`` is ``sanmeasures node`` exactly as an operator starts it (Rules §31: the portal's electronic
services), on a fresh SQLite file: it migrates, loads the demo data (certificates, cases and the
measures story), builds the front-end assets and prints the demo participants' API keys, which the
cabinet tests log in with. The exchange is off (the portal is what is tested).

The browser is Debian's ``chromium`` (Playwright cannot download its own build here). When it is
missing the set-up installs it with apt-get; under ``CI=true`` a browser that cannot be installed
fails the run instead of skipping it.

Every page a test opens is watched: a console error or an uncaught script error on any page fails
the test at its end, and every request the page makes is recorded (the portal works offline: no
CDN, no other host). With ``SANMEASURES_SCREENSHOTS=1`` the tests also write full-page screenshots
(1280×900 viewport) of the main pages to ``docs/screenshots/``, made from the node's demo data:

    SANMEASURES_SCREENSHOTS=1 .venv/bin/python -m pytest tests/portal/browser
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, Request, sync_playwright

ROOT = Path(__file__).resolve().parents[3]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = Path(os.environ.get("SANMEASURES_CHROMIUM", "/usr/bin/chromium"))
VIEWPORT = {"width": 1280, "height": 900}
#: How long the node may take to migrate, load the demo data and answer /health.
START_SECONDS = 90.0
#: Playwright's default wait for one action or assertion, milliseconds.
TIMEOUT_MS = 10_000


def _under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _install_chromium() -> str:
    """Try ``apt-get install chromium``; returns what went wrong ("" when it worked)."""
    apt = shutil.which("apt-get")
    if apt is None:
        return "apt-get is not available on this machine"
    command = f"{apt} update && {apt} install -y chromium"
    if os.geteuid() != 0:
        sudo = shutil.which("sudo")
        if sudo is None:
            return "installing packages needs root and sudo is not available"
        command = f"{sudo} -n sh -c '{command}'"
    done = subprocess.run(
        ["sh", "-c", command],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    if done.returncode != 0:
        return f"`{command}` exited with {done.returncode}:\n{(done.stderr or done.stdout)[-2000:]}"
    return ""


@pytest.fixture(scope="package")
def chromium() -> Path:
    """Debian's Chromium, installed with apt-get when missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    problem = _install_chromium()
    if CHROMIUM.exists():
        return CHROMIUM
    message = (
        f"the browser tests need Debian's chromium at {CHROMIUM} and it could not be installed "
        f"({problem or 'apt-get succeeded but the file is still missing'}); "
        "install it with `apt-get install -y chromium` or set SANMEASURES_CHROMIUM to a Chromium binary"
    )
    if _under_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@dataclass(frozen=True)
class Node:
    """A running ``sanmeasures node``: where it listens and the API keys it printed at its first start."""

    url: str
    keys: dict[str, str]
    log: Path

    def host(self) -> str:
        return urlsplit(self.url).netloc


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _node_environment(folder: Path, port: int) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("SANMEASURES_")}
    url = f"http://127.0.0.1:{port}"
    env.update(
        {
            "SANMEASURES_DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'node.sqlite3'}",
            "SANMEASURES_EXCHANGE": "off",
            "SANMEASURES_HOST": "127.0.0.1",
            "SANMEASURES_PORT": str(port),
            "SANMEASURES_PUBLIC_URL": url,
            "SANMEASURES_DATA_DIR": str(folder / "var"),
            "SANMEASURES_SECRET_KEY": "browser-tests-" + os.urandom(8).hex(),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


KEY_LINE = re.compile(r"^\s+(?P<participant>(?:authority|supervisory):\S+|commission)\s+(?P<key>smk_\S+)\s*$")


def _printed_keys(text: str) -> dict[str, str]:
    return {m["participant"]: m["key"] for m in map(KEY_LINE.match, text.splitlines()) if m}


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:] if log.exists() else "(no output)"


@pytest.fixture(scope="package")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """``sanmeasures node`` on a fresh SQLite file with the demo data, as the README starts it."""
    folder = tmp_path_factory.mktemp("browser-node")
    port = _free_port()
    log = folder / "node.log"
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "sanmeasures.cli", "node"],
            cwd=folder,
            env=_node_environment(folder, port),
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"sanmeasures node exited with {process.returncode}:\n{_tail(log)}", pytrace=False
                )
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"sanmeasures node did not answer {url}/health:\n{_tail(log)}", pytrace=False)
            time.sleep(0.2)
        keys = _printed_keys(log.read_text(errors="replace"))
        if "authority:KZ" not in keys:
            pytest.fail(f"the node did not print the demo key of authority:KZ:\n{_tail(log)}", pytrace=False)
        yield Node(url=url, keys=keys, log=log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright, chromium: Path) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=str(chromium), headless=True)
    yield launched
    launched.close()


@dataclass
class Watch:
    """What happened on the pages of one test: console errors, script errors, requests."""

    node: Node
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    allowed: list[re.Pattern[str]] = field(default_factory=list)

    def allow(self, pattern: str) -> None:
        """An error the test provokes on purpose (e.g. the browser logs a page answered with 401)."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [e for e in self.errors if not any(p.search(e) for p in self.allowed)]

    def console(self, page: Page, message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url") or page.url
            self.errors.append(f"console error on {page.url}: {message.text} ({where})")

    def page_error(self, page: Page, error: Exception) -> None:
        self.errors.append(f"uncaught script error on {page.url}: {error}")

    def request(self, request: Request) -> None:
        self.requests.append(request.url)

    def foreign_requests(self) -> list[str]:
        """Requests that left the node (the portal must work without any other host)."""
        return [
            url
            for url in self.requests
            if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != self.node.host()
        ]


@pytest.fixture
def watch(node: Node) -> Watch:
    return Watch(node)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keeps each phase's report on the test, so ``page`` knows whether the test itself failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Browser, node: Node, watch: Watch) -> Iterator[Page]:
    """A fresh browser context (Russian, the portal's default language; 1280×900) on the node.

    At the end of a passing test every page it opened must have been free of console and script
    errors (a failing test shows them in its own report instead).
    """
    context = browser.new_context(base_url=node.url, viewport=VIEWPORT, locale="ru-RU", accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)

    def watched(opened: Page) -> None:
        opened.on("console", lambda message: watch.console(opened, message))
        opened.on("pageerror", lambda error: watch.page_error(opened, error))
        opened.on("request", watch.request)

    context.on("page", watched)
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()
    call = getattr(request.node, "report_call", None)
    if call is not None and call.failed:
        for error in watch.unexpected():
            call.sections.append(("browser errors", error))
        return
    if watch.unexpected():
        pytest.fail("errors in the browser:\n" + "\n".join(watch.unexpected()), pytrace=False)


Shoot = Callable[[Page, str], None]


@pytest.fixture
def screenshot() -> Shoot:
    """``screenshot(page, "registry")`` writes docs/screenshots/registry.png (full page), only when
    SANMEASURES_SCREENSHOTS=1, so an ordinary run never rewrites the tracked images."""

    def shoot(page: Page, name: str) -> None:
        if os.environ.get("SANMEASURES_SCREENSHOTS") != "1":
            return
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.wait_for_load_state("networkidle")
        page.mouse.move(0, 0)  # no hover highlight in the picture
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True, animations="disabled")

    return shoot
