"""The operator's commands: validate, example, structures, node."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from sanmeasures.cli import app
from sanmeasures.contract.catalogue import structures

DATA = Path(__file__).resolve().parent / "data"
VALID = DATA / "R.SM.SS.08.002" / "valid.xml"
INVALID = DATA / "R.SM.SS.08.002" / "missing-product-name.xml"
runner = CliRunner()


def test_validate_ok_exits_zero() -> None:
    result = runner.invoke(app, ["validate", str(VALID)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK") and "R.SM.SS.08.002" in result.output


def test_validate_reports_every_file_and_exits_one_when_any_is_invalid() -> None:
    result = runner.invoke(app, ["validate", str(VALID), str(INVALID)])
    assert result.exit_code == 1
    assert "OK" in result.output and "INVALID" in result.output
    assert "csdo:ProductName" in result.output and "T3/7.1" in result.output


def test_validate_json_is_machine_readable() -> None:
    result = runner.invoke(app, ["validate", "--json", str(VALID), str(INVALID)])
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert [entry["valid"] for entry in payload] == [True, False]
    error = payload[1]["errors"][0]
    assert error["item"] == "T3/7.1" and error["line"] > 0
    assert error["xpath"].endswith("csdo:ProductName")
    assert error["message_ru"] and error["message_en"] and error["paragraph"]


def test_validate_refuses_a_missing_file() -> None:
    result = runner.invoke(app, ["validate", "/nonexistent/file.xml"])
    assert result.exit_code == 2


@pytest.mark.parametrize("code", list(structures()))
def test_example_writes_a_valid_document(code: str, tmp_path: Path) -> None:
    target = tmp_path / f"{code}.xml"
    result = runner.invoke(app, ["example", code, "-o", str(target)])
    assert result.exit_code == 0, result.output
    checked = runner.invoke(app, ["validate", str(target)])
    assert checked.exit_code == 0, checked.output


def test_example_of_an_unknown_structure_names_the_known_ones() -> None:
    result = runner.invoke(app, ["example", "R.XX.YY.01.001"])
    assert result.exit_code == 2
    assert "R.SM.SS.08.002" in result.output


def test_structures_lists_every_structure() -> None:
    result = runner.invoke(app, ["structures"])
    assert result.exit_code == 0
    for code in structures():
        assert code in result.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_node_serves_the_api_and_portal(tmp_path: Path) -> None:
    port = _free_port()
    database = tmp_path / "var" / "node.sqlite3"
    env = {
        **os.environ,
        "SANMEASURES_PORT": str(port),
        "SANMEASURES_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "sanmeasures.cli", "node"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "node did not start"
                time.sleep(0.2)
        health = response.json()
        # The embedded default hosts every participant on its own broker, all consuming.
        assert health["status"] == "ok" and health["exchange"] == "ok"
        assert "authority:KZ" in health["hosts"].split(",") and "commission" in health["hosts"].split(",")
        checked = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/validate",
            content=VALID.read_bytes(),
            headers={"Content-Type": "application/xml"},
        )
        assert checked.json()["valid"] is True
        assert database.exists()  # the embedded default migrated its own database at start-up
    finally:
        process.terminate()
        process.wait(timeout=10)
