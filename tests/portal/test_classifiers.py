"""Classifiers and reference data on the portal (Rules §31г).

Rules §31г: the portal gives "справочников и классификаторов в сфере применения санитарных мер …
в том числе по запросу информационных систем заинтересованных лиц для автоматизированной
обработки". Every code list of ``contract/classifiers.py`` must be browsable and fetchable as JSON
and as XML valid against ``schemas/xsd/sanmeasures-classifier.xsd``, exactly as the node uses it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from lxml import etree, html

from sanmeasures.app import create_app
from sanmeasures.contract.classifiers import CODE_LISTS
from sanmeasures.contract.schemas import schema_dir
from sanmeasures.contract.tables import ITEMS
from sanmeasures.portal.classifiers import NAMESPACE, XSD_FILE, catalogue
from sanmeasures.settings import Settings
from sanmeasures.storage.migrate import upgrade

CLF = f"{{{NAMESPACE}}}"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('classifiers')}/node.sqlite3"
    upgrade(url)
    with TestClient(create_app(Settings(database_url=url, exchange=False))) as client:
        yield client


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(Path(schema_dir()) / XSD_FILE)))


def _entries(key: str) -> list[dict[str, str | None]]:
    return [
        {"code": e.code, "name_ru": e.name_ru, "name_en": e.name_en, "name_kk": e.name_kk}
        for e in CODE_LISTS[key]
    ]


def _main_text(response_text: str) -> str:
    main = html.fromstring(response_text).find(".//main")
    assert main is not None
    return main.text_content()


# --- the JSON list and each list --------------------------------------------------------------------
def test_every_code_list_of_the_node_is_listed_with_its_id_names_and_size(client: TestClient) -> None:
    listed = client.get("/api/v1/classifiers")
    assert listed.status_code == 200
    by_name = {entry["name"]: entry for entry in listed.json()}
    assert set(by_name) == set(CODE_LISTS)
    for key, code_list in CODE_LISTS.items():
        entry = by_name[key]
        assert (entry["id"], entry["name_ru"], entry["name_en"]) == (
            code_list.id,
            code_list.name_ru,
            code_list.name_en,
        )
        assert entry["count"] == len(code_list)
        assert entry["source"] == code_list.source


@pytest.mark.parametrize("key", list(CODE_LISTS))
def test_json_of_each_code_list_is_the_modules_entries(client: TestClient, key: str) -> None:
    """Fetched at the URL the listing gives and by the list's name: the same entries, in order."""
    url = next(e["url"] for e in client.get("/api/v1/classifiers").json() if e["name"] == key)
    for address in (url, f"/api/v1/classifiers/{key}"):
        answer = client.get(address)
        assert answer.status_code == 200, address
        body = answer.json()
        assert body["id"] == CODE_LISTS[key].id and body["name"] == key
        assert body["entries"] == _entries(key)
        assert body["count"] == len(CODE_LISTS[key]) and body["text"] is None


def test_the_id_shared_by_two_lists_answers_with_the_whole_classifier(client: TestClient) -> None:
    """P.CLS.019 is the countries of the world; its restriction to the member states has its own address."""
    countries = client.get("/api/v1/classifiers/P.CLS.019").json()
    assert countries["name"] == "countries" and countries["count"] == len(CODE_LISTS["countries"]) > 200
    members = client.get("/api/v1/classifiers/member_states").json()
    assert [e["code"] for e in members["entries"]] == ["AM", "BY", "KZ", "KG", "RU"]
    assert members["id"] == "P.CLS.019" and members["url"] == "/api/v1/classifiers/member_states"


def test_the_text_filter_matches_codes_and_names_in_any_language_and_case(client: TestClient) -> None:
    found = client.get("/api/v1/classifiers/P.CLS.019", params={"text": "КАЗ"}).json()
    assert [e["code"] for e in found["entries"]] == ["KZ"] and found["text"] == "КАЗ"
    assert [
        e["code"]
        for e in client.get("/api/v1/classifiers/SM.CLS.003", params={"text": "Ban"}).json()["entries"]
    ] == ["1"]
    by_code = client.get("/api/v1/classifiers/SM.CLS.008", params={"text": "021/2011"}).json()
    assert [e["code"] for e in by_code["entries"]] == ["ТР ТС 021/2011"]


def test_appendix_2_items_come_from_the_regulation_and_the_lists_sources(client: TestClient) -> None:
    """Table 1 item 1 says «в соответствии с классификатором стран мира»; SM.CLS.002 names T2/8.1, T3/9.2."""
    by_name = {e["name"]: e for e in client.get("/api/v1/classifiers").json()}
    assert {"T1/1", "T5/2", "T5/5.1"} <= {i["id"] for i in by_name["countries"]["items"]}
    assert [i["id"] for i in by_name["sanitary_measure_kinds"]["items"]] == ["T2/8.1", "T3/9.2"]
    assert [i["id"] for i in by_name["languages"]["items"]] == ["T4/1"]
    for entry in by_name.values():
        for item in entry["items"]:
            assert ITEMS[item["id"]].name_ru == item["name_ru"]


# --- XML --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", list(CODE_LISTS))
def test_xml_of_each_code_list_is_valid_against_the_published_xsd(
    client: TestClient, schema: etree.XMLSchema, key: str
) -> None:
    slug = next(c.slug for c in catalogue().values() if c.key == key)
    answer = client.get(f"/api/v1/classifiers/{slug}.xml")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/xml")
    document = etree.fromstring(answer.content)
    assert schema.validate(document), schema.error_log
    assert document.findtext(f"{CLF}ReferenceDataId") == CODE_LISTS[key].id
    assert document.findtext(f"{CLF}ReferenceDataKey") == key
    assert int(document.findtext(f"{CLF}ElementQuantity") or -1) == len(CODE_LISTS[key])
    entries = document.findall(f"{CLF}ReferenceDataElementDetails")
    assert [e.findtext(f"{CLF}Code") for e in entries] == list(CODE_LISTS[key].codes())
    first = entries[0]
    names = {n.get("languageCode"): n.text for n in first.findall(f"{CLF}Name")}
    assert (
        names["ru"] == CODE_LISTS[key].entries[0].name_ru
        and names["en"] == CODE_LISTS[key].entries[0].name_en
    )


def test_the_xsd_is_served_next_to_the_contracts_schemas(client: TestClient) -> None:
    answer = client.get(f"/schemas/{XSD_FILE}")
    assert answer.status_code == 200
    assert etree.fromstring(answer.content).get("targetNamespace") == NAMESPACE


def test_the_member_states_carry_their_kazakh_names_in_the_xml(client: TestClient) -> None:
    document = etree.fromstring(client.get("/api/v1/classifiers/member_states.xml").content)
    kazakh = [n.text for n in document.iter(f"{CLF}Name") if n.get("languageCode") == "kk"]
    assert "Қазақстан" in kazakh and len(kazakh) == 5


# --- unknown ids --------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/v1/classifiers/SM.CLS.999", "/api/v1/classifiers/SM.CLS.999.xml"])
def test_an_unknown_id_is_a_404_naming_the_known_ids(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404
    message = answer.json()["detail"]
    assert "'SM.CLS.999'" in message and "SM.CLS.002" in message and "/api/v1/classifiers" in message


def test_an_unknown_id_page_is_a_404_listing_the_code_lists(client: TestClient) -> None:
    answer = client.get("/classifiers/SM.CLS.999?lang=en")
    assert answer.status_code == 404
    text = _main_text(answer.text)
    assert "SM.CLS.999" in text and "Classifier not found" in text
    assert all(c.code_list.name_en in text for c in catalogue().values())


# --- caching for machine clients ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/api/v1/classifiers", "/api/v1/classifiers/SM.CLS.002", "/api/v1/classifiers/SM.CLS.002.xml"]
)
def test_a_client_holding_the_current_etag_gets_304_without_a_body(client: TestClient, path: str) -> None:
    first = client.get(path)
    etag = first.headers["etag"]
    assert etag.startswith('"') and "max-age" in first.headers["cache-control"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    weak = client.get(path, headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    stale = client.get(path, headers={"If-None-Match": '"0123"'})
    assert stale.status_code == 200 and stale.content == first.content


def test_a_filtered_answer_has_its_own_etag(client: TestClient) -> None:
    whole = client.get("/api/v1/classifiers/P.CLS.019").headers["etag"]
    filtered = client.get("/api/v1/classifiers/P.CLS.019", params={"text": "kaz"}).headers["etag"]
    assert whole != filtered


# --- pages --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", ["ru", "en", "kk"])
def test_the_index_page_shows_every_list_with_its_size_and_formats(client: TestClient, lang: str) -> None:
    answer = client.get(f"/classifiers?lang={lang}")
    assert answer.status_code == 200
    page = html.fromstring(answer.text)
    links = {a.get("href") for a in page.iter("a")}
    text = _main_text(answer.text)
    for c in catalogue().values():
        assert {
            f"/classifiers/{c.slug}",
            f"/api/v1/classifiers/{c.slug}",
            f"/api/v1/classifiers/{c.slug}.xml",
        } <= links
        assert (c.code_list.name_en if lang == "en" else c.code_list.name_ru) in text
    assert f"/schemas/{XSD_FILE}" in links
    assert "31г" in text  # Rules §31г ("п. 31г" in Russian)


def test_a_list_page_filters_its_entries_and_names_them_in_the_pages_language(client: TestClient) -> None:
    russian = _main_text(client.get("/classifiers/member_states", params={"text": "каз", "lang": "ru"}).text)
    assert "Казахстан" in russian and "Армения" not in russian
    kazakh = _main_text(client.get("/classifiers/member_states?lang=kk").text)
    assert "Қазақстан" in kazakh and "Қырғызстан" in kazakh
    english = _main_text(client.get("/classifiers/SM.CLS.002?lang=en").text)
    assert "temporary ban on import of products" in english and "Table 2 item 8.1" in english
    nothing = _main_text(client.get("/classifiers/SM.CLS.003", params={"text": "zzz", "lang": "en"}).text)
    assert "No entry matches the filter." in nothing


def test_the_api_is_described_in_openapi(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {
        "/api/v1/classifiers",
        "/api/v1/classifiers/{classifier_id}",
        "/api/v1/classifiers/{classifier_id}.xml",
    } <= set(paths)
    assert "/classifiers" not in paths
