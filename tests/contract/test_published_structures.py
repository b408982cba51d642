"""Our XSDs reproduce the published EEC structures element by element.

The oracle is the EEC data dictionary in ``../shared/eec/`` (the published
XSDs restated line by line). For each of the seven published structures the
tree expanded from our schema files must equal the tree expanded from the
dictionary: same names and namespaces (prefixes), same order, same
multiplicity, at every level.
"""

from __future__ import annotations

from functools import cache

import pytest
import xmlschema
from lxml import etree

from sanmeasures.contract.catalogue import structures
from sanmeasures.contract.namespaces import clark
from sanmeasures.contract.schemas import schema_dir, schema_path
from tests.support.eec_dictionary import Dictionary
from tests.support.shared import shared_file
from tests.support.xsd_tree import schema_set

PUBLISHED = {
    "R.SM.SS.08.001": "SS08",
    "R.SM.SS.08.002": "SS08",
    "R.SM.SS.08.003": "SS08",
    "R.006": "SS08",
    "R.SM.SS.09.001": "SS09",
    "R.SM.SS.09.002": "SS09",
    "R.SM.SS.09.003": "SS09",
}

#: The dictionaries' own "Counts" sections: element occurrences (root included), distinct names.
DICTIONARY_COUNTS = {
    "R.SM.SS.08.001": (137, 76),
    "R.SM.SS.08.002": (318, 122),
    "R.SM.SS.08.003": (146, 73),
    "R.006": (11, 11),
    "R.SM.SS.09.001": (375, 140),
    "R.SM.SS.09.003": (109, 64),
    "R.SM.SS.09.002": (47, 34),
}


@cache
def dictionary(name: str) -> Dictionary:
    return Dictionary(shared_file(f"eec/{name}_structures.md"))


def flatten(tree) -> list[tuple[str, str]]:
    return [(path, node.multiplicity) for path, node in tree.walk()]


def test_every_published_structure_is_in_the_catalogue() -> None:
    published = {code for code, s in structures().items() if s.published}
    assert published == set(PUBLISHED)


@pytest.mark.parametrize("code", sorted(PUBLISHED))
def test_xsd_tree_equals_the_eec_dictionary(code: str) -> None:
    structure = structures()[code]
    root_label = f"doc:{structure.root_element}"
    expected = flatten(dictionary(PUBLISHED[code]).tree(root_label))
    ours = flatten(schema_set(schema_dir()).tree(clark(structure.root.xml_root), structure.namespace))
    missing = [row for row in expected if row not in ours]
    extra = [row for row in ours if row not in expected]
    assert not missing and not extra, f"missing: {missing[:10]}\nextra: {extra[:10]}"
    assert ours == expected, "same elements, but in a different order"


@pytest.mark.parametrize("code", sorted(PUBLISHED))
def test_counts_match_the_dictionary_summary(code: str) -> None:
    structure = structures()[code]
    tree = schema_set(schema_dir()).tree(clark(structure.root.xml_root), structure.namespace)
    nodes = [node for _, node in tree.walk() if node.name != "xs:any"]
    assert (len(nodes), len({n.name for n in nodes})) == DICTIONARY_COUNTS[code]


@pytest.mark.parametrize("code", sorted(PUBLISHED))
def test_schema_compiles_with_both_validators_and_targets_the_published_namespace(code: str) -> None:
    structure = structures()[code]
    etree.XMLSchema(file=str(schema_path(structure)))
    compiled = xmlschema.XMLSchema10(str(schema_path(structure)))
    assert compiled.target_namespace == structure.namespace
    assert structure.root_element in {e.local_name for e in compiled.elements.values()}
