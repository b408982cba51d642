"""The published resources on the portal: search lists, details with versions, the status check.

Rules §15 (registry), §20 (morbidity), §25 (dangerous products), §29 (measures and reviews), §31б
(search), §31з (certificate status check), §39 (confidential items never published). Both engines.
"""

from __future__ import annotations

import io
from urllib.parse import quote, urlencode

import pytest
import segno
from fastapi.testclient import TestClient

from sanmeasures.app import create_app
from sanmeasures.contract.examples import retailer
from sanmeasures.portal.resources import RESOURCES
from sanmeasures.settings import Settings
from tests.portal.published import CASES, CERTIFICATES

RETAILER = retailer().business_entity_name  # Table 3 item 8.1 of RU-2026-000123, confidential by default


def everything(portal: TestClient, resource: str, **filters: str) -> list[dict]:
    rows, cursor = [], None
    while True:
        params = {**filters, "limit": "7", **({"cursor": cursor} if cursor else {})}
        page = portal.get(f"/api/v1/{resource}?{urlencode(params)}")
        assert page.status_code == 200, page.text
        rows += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return rows


def test_each_list_pages_through_everything_newest_first_without_repeats(portal: TestClient) -> None:
    counts = {}
    for name, resource in RESOURCES.items():
        rows = everything(portal, name)
        date = {"registry": "issued_on", "measures": "start_date"}.get(name, "first_reported_on")
        assert [r[date] for r in rows] == sorted((r[date] for r in rows), reverse=True), name
        assert len({r["url"] for r in rows}) == len(rows), name
        assert all(set(resource.columns) <= set(r) for r in rows), name
        one_page = portal.get(f"/api/v1/{name}?limit=200").json()["items"]
        assert [r["url"] for r in one_page] == [r["url"] for r in rows], name
        counts[name] = len(rows)
    assert counts["registry"] == CERTIFICATES
    assert counts["morbidity"] + counts["dangerous-products"] == CASES + 1  # + the story's RU alert
    assert counts["measures"] == 2  # the KZ restriction and the RU response measure


@pytest.mark.parametrize(
    ("resource", "name", "value"),
    [
        ("registry", "country", "KZ"),
        ("registry", "status_code", "2"),
        ("dangerous-products", "country", "RU"),
        ("morbidity", "closed", "false"),
        ("measures", "state", "changed"),
    ],
)
def test_a_filter_keeps_exactly_the_rows_that_satisfy_it(
    portal: TestClient, resource: str, name: str, value: str
) -> None:
    kept = everything(portal, resource, **{name: value})
    rest = [r for r in everything(portal, resource) if r["url"] not in {k["url"] for k in kept}]
    column = {"closed": "closed_on"}.get(name, name)

    def satisfies(row: dict) -> bool:
        return (row[column] is None) if name == "closed" else row[column] == value

    assert kept and all(satisfies(r) for r in kept)
    assert not any(satisfies(r) for r in rest)


def test_free_text_finds_a_certificate_by_part_of_its_number(portal: TestClient) -> None:
    some = portal.get("/api/v1/registry?limit=1&order=oldest").json()["items"][0]
    serial = some["registration_number_as_written"].split(".")[-3]
    found = portal.get(f"/api/v1/registry?{urlencode({'text': serial})}").json()["items"]
    assert some["url"] in [r["url"] for r in found]


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/morbidity?kind=dangerous_product", "kind"),
        ("/api/v1/registry?issued_from=yesterday", "issued_from"),
        ("/api/v1/measures?state=suspended", "state"),
        ("/api/v1/dangerous-products?cursor=not-a-cursor", "cursor"),
        ("/api/v1/registry?issued_from=2026-05-01&issued_to=2026-01-01", "query"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(portal: TestClient, path: str, field: str) -> None:
    answer = portal.get(path)
    assert answer.status_code == 422
    assert any(field in map(str, error["loc"]) for error in answer.json()["detail"]), answer.text


def test_a_certificate_shows_its_status_history_and_every_version(portal: TestClient) -> None:
    row = portal.get("/api/v1/registry?limit=1").json()["items"][0]
    detail = portal.get(row["api_url"]).json()
    assert detail["status"]["number"] == row["registration_number_as_written"]
    assert detail["status"]["state"] in {"in_force", "suspended", "annulled", "expired"}
    assert [v["version"] for v in detail["versions"]] == list(range(row["current_version"], 0, -1))
    labels = {f["label"] for f in detail["versions"][0]["fields"]}
    assert any(label.startswith("3. ") for label in labels)  # Table 1 item 3, the registration number
    page = portal.get(row["url"])
    assert page.status_code == 200 and row["product_name"] in page.text and 'id="qr"' in page.text


def test_the_status_check_tolerates_look_alike_letters_and_answers_unknown(portal: TestClient) -> None:
    # Rules §31з. Cyrillic letters of the number typed as their Latin look-alikes, lower case, spaces.
    rows = everything(portal, "registry")
    row = next(r for r in rows if any(ch in "АВЕКМНОРСТХ" for ch in r["registration_number_as_written"]))
    latin = row["registration_number_as_written"].translate(str.maketrans("АВЕКМНОРСТХ", "ABEKMHOPCTX"))
    typed = latin.lower().replace(".", ". ", 2)
    answer = portal.get(f"/api/v1/registry/{quote(typed, safe='')}/status").json()
    assert answer["number"] == row["registration_number_as_written"]
    assert answer["status_code"] == row["status_code"] and answer["history"]
    assert portal.get("/api/v1/registry/KZ.00.00.00.000.R.999999.01.20/status").json()["state"] == "unknown"
    page = portal.get(f"/check?{urlencode({'number': typed})}")
    assert f'data-state="{answer["state"]}"' in page.text
    assert 'data-state="unknown"' in portal.get("/check?number=nothing-like-it").text


def test_the_qr_code_of_a_certificate_opens_its_check(portal: TestClient) -> None:
    row = portal.get("/api/v1/registry?limit=1").json()["items"][0]
    number = row["registration_number_as_written"]
    svg = portal.get(f"{row['url']}/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    # The same payload gives the same symbol: the code holds exactly the check's address.
    expected = io.BytesIO()
    target = f"{Settings().public_url}/check?{urlencode({'number': number})}"
    segno.make(target, error="m").save(expected, kind="svg", scale=4, border=2, title=number)
    assert svg.content == expected.getvalue()


def test_a_measure_shows_versions_with_changes_justifying_case_responses_and_reviews(
    portal: TestClient,
) -> None:
    # Rules §27–30 and the demo story: KZ restriction No. 112, extended; RU's response; two reviews.
    kz = portal.get("/api/v1/measures?country=KZ").json()["items"][0]
    detail = portal.get(kz["api_url"]).json()
    newest, first = detail["versions"]
    assert (newest["version"], newest["action"], first["action"]) == (2, "changed", "introduced")
    assert newest["changes"] and not first["changes"]
    assert any(c["before"] != c["after"] for c in newest["changes"])
    assert [c["case_registration_number"] for c in detail["cases"]] == ["RU-2026-000123"]
    assert [r["key"]["country"] for r in detail["responses"]] == ["RU"]
    assert sorted(r["reviewer_country"] for r in detail["reviews"]) == ["BY", "RU"]
    response = portal.get(f"/api/v1{detail['responses'][0]['url']}").json()
    assert response["original"]["url"] == kz["url"]
    case = portal.get(f"/api/v1{detail['cases'][0]['case']['url']}").json()
    assert [m["url"] for m in case["measures"]] == [kz["url"]]
    page = portal.get(kz["url"])
    assert page.status_code == 200 and "Что изменилось" in page.text and "RU-2026-000123" in page.text


def test_confidential_items_are_never_published(published_url: str, portal: TestClient) -> None:
    # Rules §39 items (default T3/8.1, the organization where the product was found) are stripped from
    # every published version and are not searchable; a node whose states keep nothing confidential
    # shows them, which proves it is the policy that hides them.
    case = "/dangerous-products/RU/RU-2026-000123"
    assert RETAILER not in portal.get(f"/api/v1{case}").text
    assert RETAILER not in portal.get(case).text
    assert portal.get(f"/api/v1/dangerous-products?{urlencode({'text': 'Северный'})}").json()["items"] == []
    open_settings = Settings(database_url=published_url, exchange=False, confidential_items=frozenset())
    with TestClient(create_app(open_settings)) as open_portal:
        assert RETAILER in open_portal.get(f"/api/v1{case}").text


def test_list_pages_keep_their_filters_in_links_and_speak_the_readers_language(portal: TestClient) -> None:
    page = portal.get("/dangerous-products?country=RU")
    assert page.status_code == 200 and "Опасная продукция" in page.text
    api_rows = portal.get("/api/v1/dangerous-products?country=RU").json()["items"]
    assert api_rows and all(r["registration_number"] in page.text for r in api_rows)
    assert "/api/v1/export/dangerous-products.xlsx?country=RU" in page.text
    assert "/subscriptions?resource=dangerous-products&amp;country=RU" in page.text
    english = portal.get("/dangerous-products?country=RU&lang=en")
    assert "Dangerous products" in english.text and "Search" in english.text
    bad = portal.get("/registry?issued_from=yesterday")
    assert bad.status_code == 422 and "issued_from" in bad.text


def test_unknown_details_are_404(portal: TestClient) -> None:
    assert portal.get("/api/v1/morbidity/KZ/NO-SUCH-CASE").status_code == 404
    assert portal.get("/api/v1/registry/KZ.00.00.00.000.R.999999.01.20").status_code == 404
    assert portal.get("/measures/KZ/2026-01-01/none").status_code == 404
    assert portal.get("/measures/KZ/not-a-date/none").status_code == 404
