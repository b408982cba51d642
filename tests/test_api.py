"""The HTTP API and the portal home page of what exists so far."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree

from sanmeasures.app import create_app
from sanmeasures.contract.catalogue import structures
from sanmeasures.contract.pipeline import validate_document
from sanmeasures.settings import Settings
from sanmeasures.storage.migrate import upgrade

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('api')}/node.sqlite3"
    upgrade(url)
    with TestClient(
        create_app(Settings(database_url=url, max_document_bytes=200_000, exchange=False))
    ) as client:
        yield client


def test_validate_accepts_a_valid_document(client: TestClient) -> None:
    body = (DATA / "R.SM.SS.09.001" / "valid.xml").read_bytes()
    response = client.post("/api/v1/validate", content=body, headers={"Content-Type": "application/xml"})
    assert response.status_code == 200
    report = response.json()
    assert report["valid"] is True and report["structure"] == "R.SM.SS.09.001" and report["errors"] == []


def test_validate_lists_every_error_with_item_xpath_line_and_both_languages(client: TestClient) -> None:
    body = (DATA / "R.SM.SS.09.001" / "valid.xml").read_text(encoding="utf-8")
    broken = body.replace('codeListId="P.CLS.019">', 'codeListId="P.CLS.019">X', 1).replace(
        "<csdo:LanguageCode>ru</csdo:LanguageCode>", "<csdo:LanguageCode>RU</csdo:LanguageCode>", 1
    )
    response = client.post(
        "/api/v1/validate", content=broken.encode(), headers={"Content-Type": "application/xml"}
    )
    report = response.json()
    assert report["valid"] is False
    assert len(report["errors"]) >= 2  # every error, not the first only
    for error in report["errors"]:
        assert error["xpath"].startswith("/doc:SanitaryMeasureDetails/")
        assert error["line"] > 0 and error["message_ru"] and error["message_en"] and error["rule"]


def test_validate_refuses_an_oversized_body(client: TestClient) -> None:
    response = client.post("/api/v1/validate", content=b"<a/>" * 60_000)
    assert response.status_code == 413


def test_structures_and_examples(client: TestClient) -> None:
    listed = client.get("/api/v1/structures").json()
    assert {entry["code"] for entry in listed} == set(structures())
    for entry in listed:
        example = client.get(entry["example"])
        assert example.status_code == 200 and example.headers["content-type"].startswith("application/xml")
        assert validate_document(example.content).ok
        schema = client.get(entry["schema"])
        assert schema.status_code == 200
        etree.fromstring(schema.content)  # a well-formed XSD


def test_unknown_structure_and_schema_paths_are_404(client: TestClient) -> None:
    assert client.get("/api/v1/structures/R.XX/example").status_code == 404
    assert client.get("/schemas/..%2Fpyproject.toml").status_code == 404
    assert client.get("/schemas/nothing.xsd").status_code == 404


def test_home_page_lists_the_structures_in_russian(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "Проверка документа" in page.text
    for code in structures():
        assert code in page.text


def test_openapi_documents_the_xml_body(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/api/v1/validate"]["post"]["requestBody"]
    assert "application/xml" in body["content"]
