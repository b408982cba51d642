"""Rules §35: a certificate entered or changed in a national part is sent to the Commission by itself
and merged into the unified registry with its history. The operator imports into the national part
(`registry import --registry national`); the embedded exchange carries it to the Commission."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanmeasures.cli import app as cli
from sanmeasures.contract.examples import KZ_NUMBER
from sanmeasures.contract.pipeline import encode
from sanmeasures.exchange.runtime import Exchange
from sanmeasures.processes.effects import store
from sanmeasures.registry.store import history, status_of
from sanmeasures.settings import Settings
from sanmeasures.storage.engine import create_engine
from sanmeasures.storage.migrate import upgrade
from tests.support.flows import kz_certificates


def dump(path: Path, status: str = "1") -> Path:
    document = kz_certificates()
    [certificate] = document.registration_certificate_details
    changed = certificate.certificate_status_details.model_copy(
        update={
            "certificate_status_code": certificate.certificate_status_details.certificate_status_code.model_copy(
                update={"value": status}
            ),
            "start_date": dt.date(2026, 4, 1),
        }
    )
    suspended = certificate.model_copy(update={"certificate_status_details": changed})
    path.write_bytes(
        encode(document.model_copy(update={"registration_certificate_details": [suspended]}))
        if status != "1"
        else encode(document)
    )
    return path


async def unified_versions(url: str, wanted: int) -> list:
    """Run the embedded exchange until the Commission's unified part holds ``wanted`` versions."""
    engine = create_engine(url)
    exchange = Exchange(Settings(database_url=url), engine, effect=store, relay_idle_seconds=0.05)
    await exchange.start()
    try:
        async with asyncio.timeout(30):
            while True:
                async with engine.connect() as connection:
                    versions = await history(connection, KZ_NUMBER, registry="unified")
                    if len(versions) >= wanted:
                        return versions
                await asyncio.sleep(0.1)
    finally:
        await exchange.stop()
        await engine.dispose()


def test_a_national_change_reaches_the_unified_registry_with_its_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'node.sqlite3'}"
    upgrade(url)
    monkeypatch.setenv("SANMEASURES_DATABASE_URL", url)
    runner = CliRunner()

    entered = runner.invoke(
        cli, ["registry", "import", str(dump(tmp_path / "new.xml")), "--registry", "national"]
    )
    assert entered.exit_code == 0, entered.output
    [first] = asyncio.run(unified_versions(url, 1))
    assert first.certificate.registration_number == KZ_NUMBER

    suspended = runner.invoke(
        cli, ["registry", "import", str(dump(tmp_path / "suspended.xml", "2")), "--registry", "national"]
    )
    assert suspended.exit_code == 0, suspended.output
    versions = asyncio.run(unified_versions(url, 2))
    assert [v.certificate.certificate_status_details.certificate_status_code.value for v in versions] == [
        "1",
        "2",
    ]

    async def unified_status():  # type: ignore[no-untyped-def]
        engine = create_engine(url)
        async with engine.connect() as connection:
            status = await status_of(connection, KZ_NUMBER, registry="unified")
        await engine.dispose()
        return status

    assert asyncio.run(unified_status()).state == "suspended"  # §31з answers from the unified registry
