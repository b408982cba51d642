"""Rules §39: what national law makes confidential is removed before a §36–38 document leaves.

Every check runs on the encoded XML (what the other authority would receive) and on the pipeline
that other authority runs (``validate_document``): a withheld document must still be accepted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from lxml import etree

from sanmeasures.contract import blocks as b
from sanmeasures.contract.examples import country, example_document
from sanmeasures.contract.namespaces import MODULE_PREFIXES
from sanmeasures.contract.pipeline import encode, validate_document
from sanmeasures.contract.structures.dangerous_product_alert import DangerousProductAlertDetails
from sanmeasures.contract.structures.dangerous_product_alert_response import (
    DangerousProductAlertResponseDetails,
)
from sanmeasures.contract.tables import item
from sanmeasures.contract.xmlmodel import XmlModel
from sanmeasures.exchange.confidentiality import (
    DEFAULT_ITEMS,
    STRUCTURES,
    ConfidentialityError,
    ConfidentialityPolicy,
    Withheld,
    parse_items,
    policy,
    withhold,
)

NS = dict(MODULE_PREFIXES)


# --- documents that carry the items -------------------------------------------------------------------
def alert() -> DangerousProductAlertDetails:
    """The §38 notice: RU found Listeria in KZ sausage at a Moscow retailer (T3/8.1), two batches with
    consignment volumes (T3/7.6.4.2), a recall whose activity names the retailer with its phone (T3/9.8)."""
    document = example_document("R.SM.SS.08.002")
    assert isinstance(document, DangerousProductAlertDetails)
    return document


def answer_with_activity() -> DangerousProductAlertResponseDetails:
    """The §38 answer of KZ with an activity naming an individual entrepreneur and his phone (T3/9.8):
    the published example has no activity."""
    document = example_document("R.SM.SS.08.003")
    assert isinstance(document, DangerousProductAlertResponseDetails)
    activity = b.MeasureImplementationDetails(
        unified_country_code=country("KZ"),
        start_date=dt.date(2026, 3, 6),
        description_text="Внеплановая проверка соблюдения режима термической обработки на линии № 2",
        implementing_entity_details=[
            b.ImplementingEntityDetails(
                subject_details=b.SubjectDetails(
                    unified_country_code=country("KZ"),
                    subject_name="Индивидуальный предприниматель Сейткали Арман Болатович",
                    communication_details=[
                        b.CommunicationDetails(communication_channel_id=["+7 701 000 00 00"])
                    ],
                )
            )
        ],
    )
    measures = [
        m.model_copy(update={"measure_implementation_details": [activity]})
        for m in document.sanitary_measure_base_details
    ]
    return document.model_copy(update={"sanitary_measure_base_details": measures})


def additional_info() -> XmlModel:
    """§37: BY asks about the KZ measure (T6/3) for a protocol (T6/5 / T6/8 share ccdo:DocContentDetails)."""
    return example_document("R.SM.SS.09.002")


# (document, items withheld, XPaths of the elements that must be gone and nothing else)
CASES: dict[str, tuple[Callable[[], XmlModel], tuple[str, ...], tuple[str, ...]]] = {
    "08.002 organisation where found": (
        alert,
        ("T3/8.1",),
        ("//smcdo:DetectionPlaceDetails/smcdo:OrganizationDetails",),
    ),
    "08.002 consignment volume of every batch": (
        alert,
        ("T3/7.6.4.2",),
        ("//smcdo:NonCompliantSanitaryProductBatchDetails/csdo:CommodityMeasure",),
    ),
    "08.002 defaults": (
        alert,
        tuple(sorted(DEFAULT_ITEMS)),
        (
            "//smcdo:DetectionPlaceDetails/smcdo:OrganizationDetails",
            "//smcdo:SanitaryMeasureBaseDetails/smcdo:MeasureImplementationDetails",
        ),
    ),
    "08.003 measure activities": (
        answer_with_activity,
        ("T3/9.8",),
        ("//smcdo:SanitaryMeasureBaseDetails/smcdo:MeasureImplementationDetails",),
    ),
    "09.002 temporary measure": (
        additional_info,
        ("T6/3",),
        ("/*/csdo:UnifiedCountryCode", "/*/smcdo:MeasureDocReferenceDetails"),
    ),
    "09.002 attached document": (
        additional_info,
        ("T6/8",),
        ("/*/ccdo:DocContentDetails",),
    ),
}


def _without(data: bytes, xpaths: tuple[str, ...]) -> tuple[bytes, int]:
    """``data`` with the elements at ``xpaths`` removed (C14N), and how many were removed."""
    root = etree.fromstring(data)
    found = [element for xpath in xpaths for element in root.xpath(xpath, namespaces=NS)]
    for element in found:
        element.getparent().remove(element)
    return etree.tostring(root, method="c14n"), len(found)


def _c14n(data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data), method="c14n")


@pytest.mark.parametrize("case", CASES)
def test_withholding_removes_exactly_those_elements_and_the_document_stays_valid(case: str) -> None:
    make, items, xpaths = CASES[case]
    document = make()
    before = encode(document, pretty=False)

    result = withhold(document, policy(items))

    after = encode(result.document, pretty=False)
    expected, removed = _without(before, xpaths)
    assert removed >= len(xpaths), "the example must carry the withheld elements"
    assert _c14n(after) == expected
    report = validate_document(after)
    assert report.ok, report.issues
    assert result.items == items


def test_an_element_found_in_every_case_of_a_list_goes_from_each() -> None:
    document = alert()
    cases = document.dangerous_product_alert_details
    second = cases[0].model_copy(update={"incident_id": "RU-2026-00099"})
    document = document.model_copy(update={"dangerous_product_alert_details": [*cases, second]})
    before = encode(document, pretty=False)
    xpath = "//smcdo:DetectionPlaceDetails/smcdo:OrganizationDetails"

    after = encode(withhold(document, policy(["T3/8.1"])).document, pretty=False)

    expected, removed = _without(before, (xpath,))
    assert removed == 2
    assert _c14n(after) == expected


def test_the_input_is_unchanged_and_shares_nothing_with_the_result() -> None:
    document = alert()
    copy = document.model_copy(deep=True)
    before = encode(document)

    result = withhold(document, policy())

    assert document == copy
    assert encode(document) == before
    assert result.document != document
    # Changing what leaves must not change the record the node keeps.
    sent = result.document
    assert isinstance(sent, DangerousProductAlertDetails)
    sent.e_doc_header.e_doc_id = "CHANGED"
    product = sent.dangerous_product_alert_details[0].non_compliant_sanitary_product_details
    assert product is not None
    product.product_details.product_name = "CHANGED"
    assert document == copy


def test_items_names_only_what_was_there_and_is_gone() -> None:
    # The example recall has no end date (T3/9.6): configured, but nothing to remove.
    result = withhold(alert(), policy(["T3/8.1", "T3/9.6"]))
    assert result.items == ("T3/8.1",)
    assert isinstance(result, Withheld)


@pytest.mark.parametrize("code", STRUCTURES)
def test_nothing_configured_gives_identical_bytes(code: str) -> None:
    document = example_document(code)
    result = withhold(document, policy([]))
    assert result.items == ()
    assert result.document == document
    assert result.document is not document
    assert encode(result.document) == encode(document)


def test_items_absent_from_the_document_or_of_another_table_change_nothing() -> None:
    document = alert()
    # T3/9.6: no end date in the example; Table 6 items are not items of a Table 3 notice.
    result = withhold(document, policy(["T3/9.6", "T6/1", "T6/3", "T6/8"]))
    assert result.items == ()
    assert encode(result.document) == encode(document)


@pytest.mark.parametrize("code", ["R.SM.SS.08.004", "R.SM.SS.08.005"])
def test_laboratory_protocols_carry_no_table_item_so_nothing_is_withheld(code: str) -> None:
    # §36 protocols implement no table: their confidentiality is a refusal (reason 3), not a filter.
    document = example_document(code)
    result = withhold(document, policy([*DEFAULT_ITEMS, "T3/7.6.4.2", "T6/3", "T6/8"]))
    assert result.items == ()
    assert encode(result.document) == encode(document)


def test_a_document_outside_the_36_38_exchanges_is_refused() -> None:
    with pytest.raises(ConfidentialityError, match=r"R\.SM\.SS\.08\.001|§36–38"):
        withhold(example_document("R.SM.SS.08.001"), policy())


# --- the policy is checked when it is built -----------------------------------------------------------
@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("T3/7.5.3", "unknown item"),  # Table 3 item 7.5 has no sub-items
        ("T9/1", "unknown item"),
        ("8.1", "unknown item"),
        ("T3/5", "mandatory (1) in Appendix 2 Table 3"),  # the sending authority
        ("T3/7.6.4.3", "mandatory (1..*) in Appendix 2 Table 3"),  # XSD 0..*, a model rule requires it
        ("T3/9.7", "mandatory wherever it occurs"),  # Table 3 says 0..1, the XSD requires the element
        ("T2/7.1", "carried by no element of the §36–38 structures"),  # a Table 2 item
        ("T3/6", "carried by no element of the §36–38 structures"),  # derived archive flag, no element
    ],
)
def test_a_policy_naming_an_item_that_cannot_be_withheld_is_refused(bad: str, why: str) -> None:
    with pytest.raises(ConfidentialityError) as raised:
        policy(["T3/8.1", bad])
    message = str(raised.value)
    assert bad in message
    assert why in message
    assert "T3/8.1" not in message  # the acceptable item is not blamed


def test_every_refused_item_is_named_at_once_and_the_class_cannot_be_bypassed() -> None:
    with pytest.raises(ConfidentialityError) as raised:
        policy(parse_items("T3/7.5.3, T6/8, T3/5"))
    assert "T3/7.5.3" in str(raised.value)
    assert "T3/5" in str(raised.value)
    assert isinstance(raised.value, ValueError)
    with pytest.raises(ConfidentialityError, match=re.escape("T3/7.1")):
        ConfidentialityPolicy(frozenset({"T3/7.1"}))


def test_a_setting_string_is_not_taken_for_a_collection_of_ids() -> None:
    with pytest.raises(TypeError, match="parse_items"):
        policy("T3/8.1")  # would otherwise be the ids "T", "3", "/", …


# --- the defaults -------------------------------------------------------------------------------------
def test_the_default_policy_is_accepted_and_small() -> None:
    default = policy()
    assert default.items == DEFAULT_ITEMS
    assert 0 < len(DEFAULT_ITEMS) <= 5
    for item_id in DEFAULT_ITEMS:
        assert not item(item_id).required, item_id
        assert policy([item_id]).items == {item_id}


@pytest.mark.parametrize("code", STRUCTURES)
def test_withholding_the_defaults_leaves_a_valid_document(code: str) -> None:
    document = answer_with_activity() if code == "R.SM.SS.08.003" else example_document(code)
    result = withhold(document, policy())
    report = validate_document(encode(result.document))
    assert report.ok, report.issues
    if code in ("R.SM.SS.08.002", "R.SM.SS.08.003"):
        assert result.items, "the §38 examples carry default items"


# --- parse_items --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", frozenset()),
        ("   ", frozenset()),
        (" , ,", frozenset()),
        ("T3/8.1", frozenset({"T3/8.1"})),
        ("T3/8.1,T6/8", frozenset({"T3/8.1", "T6/8"})),
        ("  T3/8.1 ,\tT6/8 ,, ", frozenset({"T3/8.1", "T6/8"})),
        ("T3/8.1,T3/8.1", frozenset({"T3/8.1"})),
    ],
)
def test_parse_items(text: str, expected: frozenset[str]) -> None:
    assert parse_items(text) == expected


def test_an_empty_setting_gives_a_policy_that_withholds_nothing() -> None:
    document = alert()
    result = withhold(document, policy(parse_items("")))
    assert result.items == ()
    assert encode(result.document) == encode(document)
