"""Rules §39: information confidential under national law never leaves in the §36–38 exchanges.

"Передача уполномоченными органами информации, являющейся конфиденциальной в соответствии с
законодательством государств-членов, при обмене между ними ... дополнительными сведениями,
указанными в пунктах 36 – 38 настоящих Правил, не осуществляется."

The exchanges are the laboratory protocol on request (§36: R.SM.SS.08.004 / R.SM.SS.08.005), the
additional information on request (§37, Table 6: R.SM.SS.09.002) and the production-violation notice
and its answer (§38, Table 3: R.SM.SS.08.002 sent as that notice, R.SM.SS.08.003). The structures
have no confidentiality marker, so the node applies a policy of the sending member state: the
Appendix 2 table items (``"T3/8.1"``) its law makes confidential. Before an outgoing document of one
of these exchanges leaves, :func:`withhold` removes the elements that carry those items.

What an item means inside a structure follows the model declarations (``el(..., item=...)``) and
``docs/item-map.md``: only the items of the table the structure implements count (a shared type also
names the items of other tables), and an element that carries several items (Table 6 items 5 and 8
share ccdo:DocContentDetails, Table 3 items 7.6.4.5.2.1 and 7.6.4.5.2.2 smcdo:DiscrepancyOfQualityIndexDetails)
goes as a whole when any of them is withheld — there is nothing finer to remove. R.SM.SS.08.004/005 implement no table, so there is nothing to withhold there: a protocol
that cannot be given is refused (lpa:RefusalReasonCode 3, "конфиденциальные сведения").

A policy can only name items the documents can lose and stay valid: an item that is mandatory
(Appendix 2 multiplicity 1 or 1..*, or an element the XSD requires) everywhere it occurs is refused
when the policy is built, at start-up, not when a document is about to be sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from pydantic import ValidationError

from sanmeasures.contract.catalogue import structures
from sanmeasures.contract.structure import Structure
from sanmeasures.contract.tables import ITEMS
from sanmeasures.contract.xmlmodel import XmlField, XmlModel

__all__ = [
    "DEFAULT_ITEMS",
    "STRUCTURES",
    "ConfidentialityError",
    "ConfidentialityPolicy",
    "Withheld",
    "parse_items",
    "policy",
    "strip_items",
    "withhold",
]

#: The structures of the §36–38 exchanges. R.SM.SS.08.002 is one only when sent as the §38
#: production-violation notice (routing: ``confidential_exchange``); as a §22 database alert it is not.
STRUCTURES: tuple[str, ...] = (
    "R.SM.SS.08.002",
    "R.SM.SS.08.003",
    "R.SM.SS.08.004",
    "R.SM.SS.08.005",
    "R.SM.SS.09.002",
)

#: Items withheld when the member state configures nothing else: the optional items that are records
#: of a particular business entity or person (name, registration and taxpayer ids, addresses, phone and
#: e-mail; for an individual entrepreneur or a citizen, personal data), which personal-data and
#: commercial-secret laws protect and which the other authority does not need to act on the notice.
#: The items are coarse: there is no item for a phone number or a taxpayer id alone.
DEFAULT_ITEMS: frozenset[str] = frozenset(
    {
        # Table 3 item 8.1 «Сведения об организации, в которой выявлена продукция…» (0..1): the shop or
        # warehouse where the product was found (smcdo:OrganizationDetails: BusinessEntityDetailsType,
        # often an individual entrepreneur). §38 is about the manufacturer's production; the place of
        # detection itself (item 8: address, checkpoint, description) still goes.
        "T3/8.1",
        # Table 3 item 9.8 «Сведения о мероприятии по обеспечению применения санитарной меры» (0..*):
        # it names who must carry the activity out (smcdo:ImplementingEntityDetails/SubjectDetails, which
        # may be a citizen with an identity document, taxpayer id, address, phone). The measure itself
        # (items 9.1–9.7: kind, description, grounds, dates, document) still goes.
        "T3/9.8",
    }
)


class ConfidentialityError(ValueError):
    """A confidentiality policy that cannot be applied, or a document it cannot be applied to."""


# --- where each item occurs in the §36–38 structures ------------------------------------------------
@dataclass(frozen=True)
class _Occurrence:
    structure: str  # "R.SM.SS.08.002"
    path: str  # "smcdo:DangerousProductAlertDetails/smcdo:DetectionPlaceDetails/smcdo:OrganizationDetails"
    multiplicity: str  # of the element in the model (= XSD, tightened where the table requires)
    clearable: bool


def _table_of(item_id: str) -> int | None:
    known = ITEMS.get(item_id)
    return known.table if known else None


def _items_here(spec: XmlField, table: int | None) -> tuple[str, ...]:
    """The items an element carries that belong to the table the structure implements."""
    return tuple(i for i in spec.items if table is not None and _table_of(i) == table)


def _clearable(spec: XmlField) -> bool:
    """Optional in the model: a single that may be None, or a list that may be empty."""
    if spec.min_occurs != 0:
        return False
    return spec.max_occurs != 1 or spec.info.default is None


@cache
def _occurrences() -> dict[str, tuple[_Occurrence, ...]]:
    """Item id -> every element that carries it in the §36–38 structures (walked once, by class)."""
    found: dict[str, list[_Occurrence]] = {}

    def walk(code: str, table: int | None, cls: type[XmlModel], path: str, seen: tuple[type, ...]) -> None:
        for spec in cls.xml_fields():
            if spec.kind != "element":
                continue
            where = f"{path}/{spec.qname}" if path else spec.qname
            for item_id in _items_here(spec, table):
                found.setdefault(item_id, []).append(
                    _Occurrence(code, where, spec.multiplicity, _clearable(spec))
                )
            if spec.model is not None and spec.model not in seen:  # the EEC types are not recursive
                walk(code, table, spec.model, where, (*seen, spec.model))

    for code in STRUCTURES:
        structure = structures()[code]
        walk(code, structure.table, structure.root, "", (structure.root,))
    return {item_id: tuple(places) for item_id, places in found.items()}


def _problem(item_id: str) -> str | None:
    """Why ``item_id`` cannot be in a policy, or None when it can."""
    known = ITEMS.get(item_id)
    if known is None:
        return f"{item_id!r}: unknown item (an id is 'T<table>/<number>' of Appendix 2 Tables 1–6)"
    places = _occurrences().get(item_id, ())
    label = f"{item_id} «{known.name_ru}»"
    if not places:
        return (
            f"{label}: carried by no element of the §36–38 structures ({', '.join(STRUCTURES)}), "
            "so withholding it would do nothing"
        )
    # The table's multiplicity binds even where the XSD is looser (Table 3 items 7.6.4.3–7.6.4.5 are
    # required by a model rule once a consignment is given), and it is the same in every structure.
    if known.required:
        return (
            f"{label}: mandatory ({known.multiplicity}) in Appendix 2 Table {known.table}; "
            "withholding it would make the document invalid"
        )
    if not any(place.clearable for place in places):
        where = "; ".join(f"{p.structure} {p.path} [{p.multiplicity}]" for p in places)
        return (
            f"{label}: the element is mandatory wherever it occurs ({where}); "
            "withholding it would make the document invalid"
        )
    return None


# --- the policy -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConfidentialityPolicy:
    """The table items the sending member state's law makes confidential (checked when built)."""

    items: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if isinstance(self.items, str):
            raise TypeError("items is a collection of item ids; parse a setting with parse_items()")
        object.__setattr__(self, "items", frozenset(self.items))
        problems = [p for p in (_problem(i) for i in sorted(self.items)) if p is not None]
        if problems:
            raise ConfidentialityError("confidentiality policy refused (Rules §39): " + " | ".join(problems))


def policy(items: Iterable[str] = DEFAULT_ITEMS) -> ConfidentialityPolicy:
    """The policy withholding ``items``; ConfidentialityError names every item that cannot be withheld."""
    if isinstance(items, str):
        raise TypeError("items is a collection of item ids; parse a setting with parse_items()")
    return _policy(frozenset(items))


@cache
def _policy(items: frozenset[str]) -> ConfidentialityPolicy:
    # Checked once per set of items: every submission and every published page asks for it.
    return ConfidentialityPolicy(items)


def parse_items(text: str) -> frozenset[str]:
    """A comma-separated setting (``SANMEASURES_CONFIDENTIAL_ITEMS="T3/8.1, T6/8"``) -> item ids."""
    return frozenset(part.strip() for part in text.split(",") if part.strip())


# --- withholding ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Withheld:
    """The document as it may leave, and the policy items removed from it (sorted, unique)."""

    document: XmlModel
    items: tuple[str, ...]


def _structure_of(document: XmlModel) -> Structure:
    for code in STRUCTURES:
        structure = structures()[code]
        if type(document) is structure.root:
            return structure
    raise ConfidentialityError(
        f"{type(document).__name__} is not a document of the §36–38 exchanges ({', '.join(STRUCTURES)}); "
        "Rules §39 does not apply to it"
    )


def _values(spec: XmlField, value: Any) -> list[XmlModel]:
    """The nested models of an element: its list, or the single value."""
    if value is None:
        return []
    return list(value) if spec.max_occurs != 1 else [value]


def _present(node: XmlModel, table: int | None, out: set[str]) -> set[str]:
    """Every item of ``table`` that an element of ``node`` (recursively) carries with a value."""
    for spec in node.xml_fields():
        if spec.kind != "element":
            continue
        value = getattr(node, spec.name)
        if value is None or value == []:
            continue
        out.update(_items_here(spec, table))
        if spec.model is not None:
            for child in _values(spec, value):
                _present(child, table, out)
    return out


def _strip(node: XmlModel, table: int | None, withheld: frozenset[str]) -> XmlModel:
    """``node`` without the optional elements carrying a withheld item; ``node`` itself if none."""
    changes: dict[str, object] = {}
    for spec in node.xml_fields():
        if spec.kind != "element":
            continue
        value = getattr(node, spec.name)
        if value is None or value == []:
            continue
        if _clearable(spec) and withheld.intersection(_items_here(spec, table)):
            changes[spec.name] = None if spec.max_occurs == 1 else []
        elif spec.model is not None:
            if spec.max_occurs == 1:
                stripped = _strip(value, table, withheld)
                if stripped is not value:
                    changes[spec.name] = stripped
            else:
                stripped_list = [_strip(child, table, withheld) for child in value]
                if any(new is not old for new, old in zip(stripped_list, value, strict=True)):
                    changes[spec.name] = stripped_list
    if not changes:
        return node
    # A new node, validated again: its model rules see the element gone (nested nodes are kept).
    data = {name: getattr(node, name) for name in type(node).model_fields}
    data.update(changes)
    return type(node).model_validate(data)


def strip_items(node: XmlModel, table: int, items: Iterable[str]) -> XmlModel:
    """``node`` (an element of Appendix 2 table ``table``) without the optional elements carrying ``items``.

    The portal publishes cases and measures with the same items withheld (``portal/access.py``).
    """
    relevant = frozenset(i for i in items if _table_of(i) == table)
    return _strip(node, table, relevant) if relevant else node


def withhold(document: XmlModel, policy: ConfidentialityPolicy) -> Withheld:
    """A new ``document`` without the elements whose items ``policy`` makes confidential (Rules §39).

    Only optional elements are removed (None / empty list); the input is never changed. ``items`` names
    the policy items that were in the document before and are gone after.
    """
    structure = _structure_of(document)
    table = structure.table
    # Items of other tables (Table 6 items when sending a Table 3 notice) do not apply to this structure.
    relevant = frozenset(i for i in policy.items if _table_of(i) == table)
    if not relevant:
        return Withheld(document.model_copy(deep=True), ())
    try:
        stripped = _strip(document, table, relevant)
    except ValidationError as error:
        raise ConfidentialityError(
            f"withholding {', '.join(sorted(relevant))} from {structure.code} "
            f"leaves an invalid document: {error}"
        ) from error
    before = _present(document, table, set()) & relevant
    after = _present(stripped, table, set()) & relevant
    # Deep copy: the result shares nothing with the input, so changing one never changes the other.
    return Withheld(stripped.model_copy(deep=True), tuple(sorted(before - after)))
