"""A stored version's data as labelled fields, and what changed from one version to the next.

Labels come from the model declarations: a field that carries an Appendix 2 item is shown with the
item's number and name (Table 2 item 7.3 «…»), so a reader sees the regulation's own wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sanmeasures.contract.tables import ITEMS
from sanmeasures.contract.xmlmodel import XmlModel


@dataclass(frozen=True)
class Field:
    path: str  # "disease_details.disease_name", list positions as "[2]"
    label: str  # "T2/7.1 Наименование болезни" or the XML element name
    value: str


@dataclass(frozen=True)
class Change:
    path: str
    label: str
    before: str | None  # None: not there in the previous version
    after: str | None  # None: gone in this version


def _label(spec_items: tuple[str, ...], table: int, qname: str) -> str:
    for item_id in spec_items:
        if item_id.startswith(f"T{table}/") and item_id in ITEMS:
            item = ITEMS[item_id]
            return f"{item.number}. {item.name_ru}"
    return qname.partition(":")[2] or qname


def _simple(model: type[XmlModel], data: dict[str, Any]) -> str | None:
    """A code or value with attributes (``AM`` with codeListId P.CLS.019) as one text: "AM (P.CLS.019)"."""
    specs = model.xml_fields()
    text = next((s for s in specs if s.kind == "text"), None)
    if text is None or data.get(text.name) in (None, ""):
        return None
    extras = [
        str(data[s.name]) for s in specs if s.kind == "attribute" and data.get(s.name) not in (None, "")
    ]
    return _text(data[text.name]) + (f" ({', '.join(extras)})" if extras else "")


def fields(model: type[XmlModel], table: int, data: Any, path: str = "", label: str = "") -> list[Field]:
    """The leaves of ``data`` (a model dump) in declaration order, each with its item label."""
    if isinstance(data, list):
        out: list[Field] = []
        for index, value in enumerate(data, 1):
            out += fields(
                model, table, value, f"{path}[{index}]", f"{label} [{index}]" if len(data) > 1 else label
            )
        return out
    if not isinstance(data, dict):
        return [] if data in (None, "") else [Field(path, label, _text(data))]
    if (simple := _simple(model, data)) is not None:
        return [Field(path, label, simple)]
    out = []
    by_name = {spec.name: spec for spec in model.xml_fields()}
    for name, value in data.items():
        if value in (None, "", []):
            continue
        spec = by_name.get(name)
        here = f"{path}.{name}" if path else name
        if spec is None:
            out += _plain(here, f"{label} / {name}" if label else name, value)
            continue
        if spec.qname.endswith("BinaryText"):
            # A scanned document travels as base64 (Rules §36): its size is what a reader can use here.
            out.append(
                Field(here, _label(spec.items, table, spec.qname), f"[{len(str(value)) * 3 // 4:,} bytes]")
            )
            continue
        own = _label(spec.items, table, spec.qname)
        child_label = own if spec.items and own != spec.qname else (f"{label} / {own}" if label else own)
        if spec.model is not None:
            out += fields(spec.model, table, value, here, child_label)
        else:
            out += _plain(here, child_label, value)
    return out


def _plain(path: str, label: str, value: Any) -> list[Field]:
    if isinstance(value, dict):
        return [f for name, v in value.items() for f in _plain(f"{path}.{name}", label, v)]
    if isinstance(value, list):
        return [f for i, v in enumerate(value, 1) for f in _plain(f"{path}[{i}]", label, v)]
    return [] if value in (None, "") else [Field(path, label, _text(value))]


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "да" if value else "нет"
    return str(value)


def changes(model: type[XmlModel], table: int, before: Any, after: Any) -> list[Change]:
    """What differs between two versions' data, field by field, in the order of the newer one."""
    old = {f.path: f for f in fields(model, table, before)}
    new = {f.path: f for f in fields(model, table, after)}
    out = [
        Change(path, f.label, old[path].value if path in old else None, f.value)
        for path, f in new.items()
        if path not in old or old[path].value != f.value
    ]
    out += [Change(path, f.label, f.value, None) for path, f in old.items() if path not in new]
    return out
