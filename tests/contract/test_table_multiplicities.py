"""XSDs and models agree with the Appendix 2 tables item by item, except where conformance says otherwise.

For every item of Tables 1–6, the multiplicity of the XSD particle(s) annotated with it and of
the model field(s) carrying it must equal the table's — or the difference must be listed in
``sanmeasures.contract.conformance`` (and so in docs/conformance.md), where each listed
difference is then proved by its own test on the structure's example document.
"""

from __future__ import annotations

import copy
import importlib
from collections import defaultdict
from pathlib import Path

import pytest
from lxml import etree

from sanmeasures.contract import blocks
from sanmeasures.contract.catalogue import structures
from sanmeasures.contract.conformance import DIFFERENCES, Difference, update_document
from sanmeasures.contract.examples import example_document
from sanmeasures.contract.namespaces import PREFIXES, clark
from sanmeasures.contract.pipeline import encode, validate_document
from sanmeasures.contract.schemas import schema_dir
from sanmeasures.contract.tables import TABLES
from sanmeasures.contract.xmlmodel import XmlModel
from tests.support.xsd_tree import schema_set

#: The structure that implements each table.
IMPLEMENTS = {
    1: "R.SM.SS.07.001",
    2: "R.SM.SS.08.001",
    3: "R.SM.SS.08.002",
    4: "R.SM.SS.09.001",
    5: "R.SM.SS.09.003",
    6: "R.SM.SS.09.002",
}
BY_ITEM = {d.item: d for d in DIFFERENCES}


def xsd_multiplicities(table: int) -> dict[str, set[str]]:
    structure = structures()[IMPLEMENTS[table]]
    tree = schema_set(schema_dir()).tree(clark(structure.root.xml_root), structure.namespace)
    found: dict[str, set[str]] = defaultdict(set)
    for _, node in tree.walk():
        for item in node.items:
            if item.startswith(f"T{table}/"):
                found[item].add(node.multiplicity)
    return found


def model_multiplicities(table: int) -> dict[str, set[str]]:
    """Item -> multiplicities of the model fields carrying it in the structure's model tree.

    A shared class reached elsewhere (ProductDetails of a shipping document) does not count for an
    item when a context subclass in the same tree overrides the field (AlertProductDetails).
    """
    carriers: dict[str, list[tuple[type[XmlModel], str, str]]] = defaultdict(list)
    seen: set[type[XmlModel]] = set()

    def walk(model: type[XmlModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for spec in model.xml_fields():
            for item in spec.items:
                if item.startswith(f"T{table}/"):
                    carriers[item].append((model, spec.name, spec.multiplicity))
            if spec.model is not None:
                walk(spec.model)

    walk(structures()[IMPLEMENTS[table]].root)
    found: dict[str, set[str]] = {}
    for item, entries in carriers.items():
        overridden = {
            (base, name)
            for cls, name, _ in entries
            for base in cls.__mro__[1:]
            if any(other is base and other_name == name for other, other_name, _ in entries)
        }
        found[item] = {mult for cls, name, mult in entries if (cls, name) not in overridden}
    return found


@pytest.mark.parametrize("table", sorted(IMPLEMENTS))
def test_xsd_and_model_multiplicities_follow_the_table(table: int) -> None:
    in_xsd, in_model = xsd_multiplicities(table), model_multiplicities(table)
    problems = []
    for entry in TABLES[table].items:
        difference = BY_ITEM.get(entry.id)
        want_wire = {entry.multiplicity}
        want_model = {entry.multiplicity}
        if difference is not None:
            want_wire = {difference.wire.split()[0]} if difference.wire else set()
            want_model = {difference.model} if difference.model else set()
        got_wire, got_model = in_xsd.get(entry.id, set()), in_model.get(entry.id, set())
        if got_wire != want_wire:
            problems.append(f"{entry.id} «{entry.name_ru}»: XSD {sorted(got_wire)} != {sorted(want_wire)}")
        if got_model != want_model:
            problems.append(
                f"{entry.id} «{entry.name_ru}»: model {sorted(got_model)} != {sorted(want_model)}"
            )
    assert not problems, "\n".join(problems)


def test_every_listed_difference_names_a_table_item_and_a_real_field() -> None:
    for d in DIFFERENCES:
        table = int(d.item[1 : d.item.index("/")])
        assert d.item in {i.id for i in TABLES[table].items}
        assert d.structure in structures()
        class_name, attribute = d.where.split(".")
        cls = _model_class(d, class_name, attribute)
        assert attribute in cls.model_fields or isinstance(getattr(cls, attribute, None), property), d.where


def test_conformance_document_is_up_to_date() -> None:
    path = Path(__file__).resolve().parents[2] / "docs" / "conformance.md"
    text = path.read_text(encoding="utf-8")
    assert update_document(text) == text, "run: python -m sanmeasures.contract.conformance"


# --- each difference proved on the example document ----------------------------------------------
def _model_class(d: Difference, name: str, attribute: str) -> type[XmlModel]:
    """The class ``name`` of the structure's module, or of the shared blocks, that has ``attribute``."""
    module = importlib.import_module(structures()[d.structure].root.__module__)
    for candidate in (getattr(module, name, None), getattr(blocks, name, None)):
        if candidate is not None and (attribute in candidate.model_fields or hasattr(candidate, attribute)):
            return candidate
    raise AssertionError(f"no class {name} with {attribute} for {d.structure}")


def _example(d: Difference) -> etree._Element:
    return etree.fromstring(encode(example_document(d.structure)))


def _select(root: etree._Element, d: Difference) -> list[etree._Element]:
    namespaces = {**PREFIXES, "doc": structures()[d.structure].namespace}
    found = root.xpath(d.probe.replace(f"/{root.prefix}:", "/doc:", 1), namespaces=namespaces)
    assert found, f"the example of {d.structure} has no {d.probe}: it cannot prove {d.item}"
    return found


def _report(root: etree._Element):  # type: ignore[no-untyped-def]
    return validate_document(etree.tostring(root))


REMOVABLE = [
    d for d in DIFFERENCES if d.kind in {"tightened", "tightened_when", "by_construction", "wire_stricter"}
]
REPEATABLE = [d for d in DIFFERENCES if d.kind in {"wire_wider", "wire_narrower"}]


@pytest.mark.parametrize("d", REMOVABLE, ids=lambda d: d.item)
def test_removing_a_required_item_is_refused_quoting_the_item(d: Difference) -> None:
    root = _example(d)
    assert _report(root).ok
    for element in _select(root, d):
        element.getparent().remove(element)
    report = _report(root)
    assert not report.ok
    expected_stage = {"xsd"} if d.kind == "wire_stricter" else {"model", "rule"}
    quoting = [i for i in report.issues if i.item == d.item]
    assert quoting, [i.one_line() for i in report.issues]
    assert {i.stage for i in quoting} <= expected_stage
    assert all(i.message_ru and i.message_en and i.xpath and i.paragraph for i in quoting)


@pytest.mark.parametrize("d", REPEATABLE, ids=lambda d: d.item)
def test_repeating_an_item_follows_the_wire(d: Difference) -> None:
    root = _example(d)
    first = _select(root, d)[0]
    first.addnext(copy.deepcopy(first))
    report = _report(root)
    if d.kind == "wire_wider":
        assert report.ok, [i.one_line() for i in report.issues]
    else:
        assert not report.ok and report.issues[0].stage == "xsd"
        assert report.issues[0].item == d.item


@pytest.mark.parametrize("d", [d for d in DIFFERENCES if d.kind == "derived"], ids=lambda d: d.item)
def test_derived_item_is_computed_from_the_document(d: Difference) -> None:
    class_name, attribute = d.where.split(".")
    cls = _model_class(d, class_name, attribute)
    assert isinstance(getattr(cls, attribute), property), f"{d.where} must be a property"
    document = example_document(d.structure)
    instances = []

    def collect(model: XmlModel) -> None:
        if isinstance(model, cls):
            instances.append(model)
        for spec in model.xml_fields():
            value = getattr(model, spec.name)
            for one in value if isinstance(value, list) else [value]:
                if isinstance(one, XmlModel):
                    collect(one)

    collect(document)
    assert instances, f"the example of {d.structure} holds no {class_name}"
    for instance in instances:
        getattr(instance, attribute)  # computable on a real document
