"""The operator's commands of issue 5: `participants add|revoke`, `send FILE --as …`, `messages list`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sanmeasures.cli import app as cli
from sanmeasures.contract.pipeline import encode
from sanmeasures.storage.migrate import upgrade
from tests.support.flows import fresh


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'node.sqlite3'}"
    upgrade(url)
    monkeypatch.setenv("SANMEASURES_DATABASE_URL", url)
    return url


def test_an_operator_sends_a_file_as_a_hosted_participant_and_lists_what_the_node_holds(
    url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    document = fresh("R.SM.SS.08.001")
    notice = tmp_path / "notice.xml"
    notice.write_bytes(encode(document))
    edoc_id = document.e_doc_header.e_doc_id

    sent = runner.invoke(cli, ["send", str(notice), "--as", "authority:KZ"])
    assert sent.exit_code == 0, sent.output
    assert f"queued {edoc_id} (morbidity.notice)" in sent.output and "commission" in sent.output
    again = runner.invoke(cli, ["send", str(notice), "--as", "authority:KZ"])
    assert again.exit_code == 0 and "already submitted" in again.output

    listed = runner.invoke(cli, ["messages", "list"])
    assert (
        edoc_id in listed.output and "out" in listed.output and "[queued 5]" in listed.output
    )  # 4 other authorities and the Commission

    forbidden = runner.invoke(cli, ["send", str(notice), "--as", "authority:RU"])
    assert forbidden.exit_code == 1 and "FORBIDDEN" in forbidden.output and "T2/1" in forbidden.output

    broken = tmp_path / "broken.xml"
    broken.write_bytes(encode(fresh("R.SM.SS.08.001")).replace(b"KZ-2026-00045", b""))
    invalid = runner.invoke(cli, ["send", str(broken), "--as", "authority:KZ"])
    assert invalid.exit_code == 1 and "INVALID" in invalid.output and "T2/3" in invalid.output


def test_keys_are_issued_to_participants_of_the_deployment_and_revoked(url: str) -> None:
    runner = CliRunner()
    issued = runner.invoke(cli, ["participants", "add", "supervisory:KZ:01"])
    assert issued.exit_code == 0 and issued.output.split()[1].startswith("smk_")
    assert runner.invoke(cli, ["participants", "add", "authority:CN"]).exit_code == 2
    assert runner.invoke(cli, ["participants", "add", "supervisory:KZ:99"]).exit_code == 2  # not deployed
    revoked = runner.invoke(cli, ["participants", "revoke", "supervisory:KZ:01"])
    assert revoked.exit_code == 0 and "revoked 1 key(s)" in revoked.output
