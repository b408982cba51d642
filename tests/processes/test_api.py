"""POST /api/v1/messages (issue 5): an authenticated participant submits one document; 202 with its
EDocId and delivery record, 422 with every error, the same answer for a repeat, 401/403 when the key
or the right is missing (Rules §5–8, §14). On the embedded default: SQLite and the embedded broker."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sanmeasures.app import create_app
from sanmeasures.exchange.participants import Participant
from sanmeasures.processes.credentials import issue_key, revoke_keys
from sanmeasures.settings import Settings
from sanmeasures.storage.engine import create_engine
from sanmeasures.storage.migrate import upgrade
from tests.support.flows import fresh, kz_certificates

PARTICIPANTS = ("authority:KZ", "authority:RU", "authority:BY", "commission", "supervisory:KZ:01")


def keys_for(url: str, *participants: str) -> dict[str, str]:
    async def work() -> dict[str, str]:
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                return {p: (await issue_key(connection, Participant.parse(p))).key for p in participants}
        finally:
            await engine.dispose()

    return asyncio.run(work())


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'node.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture
def keys(url: str) -> dict[str, str]:
    return keys_for(url, *PARTICIPANTS)


@pytest.fixture
def client(url: str) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(database_url=url, participants=PARTICIPANTS))) as client:
        yield client


def post(client: TestClient, data: bytes, key: str | None, content_type: str = "application/xml"):  # type: ignore[no-untyped-def]
    headers = {"Content-Type": content_type}
    if key is not None:
        headers["Authorization"] = f"Bearer {key}"
    return client.post("/api/v1/messages", content=data, headers=headers)


def test_an_accepted_document_is_queued_for_its_recipients_and_its_record_is_shown(
    client: TestClient, keys: dict[str, str]
) -> None:
    document = fresh("R.SM.SS.08.001")
    response = post(client, encode_(document), keys["authority:KZ"])
    assert response.status_code == 202, response.text
    answer = response.json()
    edoc_id = document.e_doc_header.e_doc_id
    assert answer["edoc_id"] == edoc_id and answer["flow"] == "morbidity.notice"
    assert answer["recipients"] == ["authority:BY", "authority:RU", "commission"]  # §6б: others + the EEC
    assert answer["delivery"] == f"/api/v1/messages/{edoc_id}"

    # The embedded exchange delivers it: every recipient's processing result comes back.
    deadline = time.monotonic() + 20
    while True:
        view = client.get(
            answer["delivery"], headers={"Authorization": f"Bearer {keys['authority:KZ']}"}
        ).json()
        states = {d["recipient"]: d["state"] for d in view["deliveries"]}
        if set(states.values()) == {"accepted"} or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert states == dict.fromkeys(answer["recipients"], "accepted")
    # A recipient may see the record too; a participant not involved is told nothing.
    assert (
        client.get(answer["delivery"], headers={"Authorization": f"Bearer {keys['commission']}"}).status_code
        == 200
    )
    uninvolved = client.get(
        answer["delivery"], headers={"Authorization": f"Bearer {keys['supervisory:KZ:01']}"}
    )
    assert uninvolved.status_code == 404


def test_a_repeated_edoc_id_gets_the_same_answer_and_changes_nothing(
    client: TestClient, keys: dict[str, str]
) -> None:
    data = encode_(fresh("R.SM.SS.08.001"))
    first = post(client, data, keys["authority:KZ"])
    again = post(client, data, keys["authority:KZ"])
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json()
    view = client.get(
        first.json()["delivery"], headers={"Authorization": f"Bearer {keys['authority:KZ']}"}
    ).json()
    assert len(view["deliveries"]) == 3  # not queued twice


def test_an_invalid_document_gets_every_error_with_item_xpath_rule_and_paragraph(
    client: TestClient, keys: dict[str, str]
) -> None:
    data = encode_(fresh("R.SM.SS.08.001"))
    data = data.replace(b"<csdo:DocCreationDate>2026-03-04<", b"<csdo:DocCreationDate>2026-02-30<")  # item 4
    data = data.replace(b"KZ-2026-00045", b"")  # Table 2 item 3 empty as well
    response = post(client, data, keys["authority:KZ"])
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert len(errors) >= 2
    assert all(error.get("xpath") and error.get("rule") for error in errors)
    assert {error["item"] for error in errors} == {"T2/3", "T2/4"}
    assert all("таблица 2" in error["paragraph"] for error in errors)


def test_missing_unknown_or_revoked_keys_are_refused_with_401(
    client: TestClient, keys: dict[str, str], url: str
) -> None:
    data = encode_(fresh("R.SM.SS.08.001"))
    assert post(client, data, None).status_code == 401
    assert post(client, data, None).headers["WWW-Authenticate"] == "Bearer"
    assert post(client, data, "smk_0123456789.not-a-key").status_code == 401

    async def revoke() -> None:
        engine = create_engine(url)
        async with engine.begin() as connection:
            await revoke_keys(connection, Participant.parse("authority:KZ"))
        await engine.dispose()

    asyncio.run(revoke())
    refused = post(client, data, keys["authority:KZ"])
    assert refused.status_code == 401 and "revoked" in refused.json()["detail"]


def test_an_authority_sends_only_in_its_own_states_name(client: TestClient, keys: dict[str, str]) -> None:
    """Rules §5–6: RU may not send KZ's morbidity notice (Table 2 item 1 says KZ)."""
    response = post(client, encode_(fresh("R.SM.SS.08.001")), keys["authority:RU"])
    assert response.status_code == 403
    [error] = response.json()["errors"]
    assert error["rule"] == "own-state" and error["item"] == "T2/1"


def test_a_supervisory_body_sends_no_notification_and_queries_only_dangerous_products(
    client: TestClient, keys: dict[str, str]
) -> None:
    """Rules §8."""
    notification = post(client, encode_(kz_certificates()), keys["supervisory:KZ:01"])
    assert notification.status_code == 403 and notification.json()["errors"][0]["rule"] == "sender-role"
    query = fresh("R.SM.SS.00.002")
    assert post(client, encode_(query), keys["supervisory:KZ:01"]).status_code == 202
    morbidity_query = fresh("R.SM.SS.00.002")
    morbidity_query = morbidity_query.model_copy(
        update={
            "information_resource_code": morbidity_query.information_resource_code.model_copy(
                update={"value": "2"}
            )
        }
    )
    refused = post(client, encode_(morbidity_query), keys["supervisory:KZ:01"])
    assert refused.status_code == 403 and refused.json()["errors"][0]["paragraph"] == "§8"


def test_only_the_commission_answers_information_requests(client: TestClient, keys: dict[str, str]) -> None:
    """Rules §14."""
    query = fresh("R.SM.SS.00.002")
    assert post(client, encode_(query), keys["supervisory:KZ:01"]).status_code == 202
    answer = encode_(fresh("R.SM.SS.00.003", answers=query.e_doc_header.e_doc_id))
    assert post(client, answer, keys["authority:KZ"]).status_code == 403
    assert post(client, answer, keys["commission"]).status_code == 202


def test_a_node_answers_only_for_the_participants_it_hosts(url: str) -> None:
    keys = keys_for(url, "authority:RU")
    settings = Settings(
        database_url=url, participants=PARTICIPANTS, participant="authority:KZ", exchange=False
    )
    with TestClient(create_app(settings)) as client:
        response = post(client, encode_(fresh("R.SM.SS.08.001")), keys["authority:RU"])
    assert response.status_code == 403 and "hosts authority:KZ" in response.json()["detail"]


def test_the_document_travels_as_xml(client: TestClient, keys: dict[str, str]) -> None:
    response = post(
        client, encode_(fresh("R.SM.SS.08.001")), keys["authority:KZ"], content_type="application/json"
    )
    assert response.status_code == 415


def encode_(document) -> bytes:  # type: ignore[no-untyped-def]
    from sanmeasures.contract.pipeline import encode

    return encode(document)
