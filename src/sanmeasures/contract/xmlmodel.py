"""Pydantic models that carry their own XML mapping.

A model field says which XML element (or attribute, or text) it stands for and
which table item of Appendix 2 it carries::

    product_name: Name300 = el("csdo:ProductName", item="T3/7.1")

From those declarations each model class compiles, once, a reader (lxml
element -> plain dict, validated by pydantic-core in one call) and a writer
(model -> lxml element, children in declaration order = the XSD sequence).

Why not pydantic-xml: on a 200-element Table 3 document it parsed ~1,200
documents/s before any XSD validation; this compiled mapping does ~7,000/s,
which is what the 2,000 documents/s pipeline target needs (bench/contract.py).
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar, Literal, Self

import annotated_types
from lxml import etree
from pydantic import BaseModel, ConfigDict, Field
from pydantic.fields import FieldInfo

from sanmeasures.contract.namespaces import MODULE_PREFIXES, PREFIXES, clark, prefixed

FieldKind = Literal["element", "attribute", "text", "any"]


def el(qname: str, *, item: str | None = None, **field_kwargs: Any) -> Any:
    """A child element ``prefix:Name``; ``item`` names the Appendix 2 table item(s) it carries.

    Several items (a shared EEC type serving several tables) are separated by spaces.
    """
    return _field("element", qname, item, field_kwargs)


def attr(name: str, **field_kwargs: Any) -> Any:
    """An (unqualified) attribute."""
    return _field("attribute", name, None, field_kwargs)


def text(**field_kwargs: Any) -> Any:
    """The text content of a simple-content element (a code with its ``codeListId``, a measure…)."""
    return _field("text", "", None, field_kwargs)


def any_elements(**field_kwargs: Any) -> Any:
    """``xs:any`` children, kept as exclusive-C14N XML fragments."""
    return _field("any", "", None, field_kwargs)


def _field(kind: FieldKind, name: str, item: str | None, field_kwargs: dict[str, Any]) -> Any:
    extra: dict[str, Any] = {"xml_kind": kind}
    if name:
        extra["xml"] = name
    if item:
        extra["item"] = item
    extra.update(field_kwargs.pop("json_schema_extra", None) or {})
    return Field(json_schema_extra=extra, **field_kwargs)


@dataclass(frozen=True)
class XmlField:
    """One field of a model as the XML sees it."""

    name: str
    kind: FieldKind
    qname: str  # "csdo:ProductName", attribute name, or "" for text / any
    tag: str  # Clark name of an element, attribute name otherwise
    items: tuple[str, ...]
    min_occurs: int
    max_occurs: int | None  # None = unbounded
    model: type[XmlModel] | None  # the model of a complex child, None for simple content
    info: FieldInfo

    @property
    def multiplicity(self) -> str:
        upper = "*" if self.max_occurs is None else str(self.max_occurs)
        return str(self.min_occurs) if str(self.min_occurs) == upper else f"{self.min_occurs}..{upper}"


def _unwrap(annotation: Any) -> tuple[Any, bool, bool]:
    """-> (inner type, is_list, is_optional) for ``T``, ``T | None``, ``list[T]``, ``Annotated[...]``."""
    is_list = is_optional = False
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            is_optional = True
            annotation = args[0]
        elif origin is list:
            is_list = True
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation, is_list, is_optional


def _occurs(info: FieldInfo, is_list: bool, is_optional: bool) -> tuple[int, int | None]:
    if not is_list:
        return (0 if (is_optional or not info.is_required()) else 1), 1
    low, high = 0, None
    for meta in info.metadata:
        if isinstance(meta, annotated_types.MinLen):
            low = meta.min_length
        elif isinstance(meta, annotated_types.MaxLen):
            high = meta.max_length
    return low, high


def _lexical(value: Any) -> str:
    """Python value -> XSD lexical form."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode("ascii")
    return str(value)


def _c14n(element: etree._Element) -> str:
    return etree.tostring(element, method="c14n", exclusive=True, with_comments=False).decode("utf-8")


class _Plan:
    """The compiled mapping of one model class."""

    __slots__ = ("any_field", "attributes", "by_tag", "children", "fields", "text_field")

    def __init__(self, cls: type[XmlModel]) -> None:
        self.fields: list[XmlField] = []
        self.children: list[XmlField] = []
        self.attributes: list[XmlField] = []
        self.text_field: str | None = None
        self.any_field: str | None = None
        for name, info in cls.model_fields.items():
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            kind = extra.get("xml_kind")
            if kind is None:
                raise TypeError(f"{cls.__name__}.{name} has no XML mapping (use el/attr/text)")
            inner, is_list, is_optional = _unwrap(info.annotation)
            low, high = _occurs(info, is_list, is_optional)
            model = inner if isinstance(inner, type) and issubclass(inner, XmlModel) else None
            qname = str(extra.get("xml", ""))
            tag = clark(qname) if kind == "element" else qname
            items = tuple(str(extra.get("item", "")).split())
            spec = XmlField(name, kind, qname, tag, items, low, high, model, info)
            self.fields.append(spec)
            if kind == "element":
                self.children.append(spec)
            elif kind == "attribute":
                self.attributes.append(spec)
            elif kind == "text":
                self.text_field = name
            else:
                self.any_field = name
        self.by_tag = {f.tag: f for f in self.children}


def _reader_of(cls: type[XmlModel]) -> Any:
    reader = cls.__dict__.get("_xml_reader_cache")
    if reader is None:
        reader = cls._xml_reader_cache = _compile_reader(cls)  # type: ignore[attr-defined]
    return reader


def _compile_reader(cls: type[XmlModel]) -> Any:
    """A closure reading one element of ``cls`` into a dict; built once per class (the hot path)."""
    plan = cls.xml_plan()
    text_field, any_field = plan.text_field, plan.any_field
    attributes = tuple((spec.tag, spec.name) for spec in plan.attributes)
    # tag -> (field name, repeatable, qname, reader of the nested model or None); the EEC
    # structures are not recursive, so nested readers are bound now, not looked up per element.
    children = {
        spec.tag: (
            spec.name,
            spec.max_occurs != 1,
            spec.qname,
            _reader_of(spec.model) if spec.model else None,
        )
        for spec in plan.children
    }
    element_only = etree.Element

    def read(element: etree._Element) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if text_field is not None:
            data[text_field] = element.text or ""
        for tag, name in attributes:
            value = element.get(tag)
            if value is not None:
                data[name] = value
        if any_field is not None:
            data[any_field] = [_c14n(child) for child in element.iterchildren(element_only)]
            return data
        # Elements only: comments and processing instructions carry no data.
        for child in element.iterchildren(element_only):
            entry = children.get(child.tag)
            if entry is None:
                # Never drop data silently: an element the model does not know fails validation.
                data[f"unexpected element {prefixed(child.tag)}"] = child.text
                continue
            name, repeatable, qname, nested = entry
            value = nested(child) if nested is not None else (child.text or "")
            if repeatable:
                bucket = data.get(name)
                if bucket is None:
                    data[name] = [value]
                else:
                    bucket.append(value)
            elif name in data:
                data[f"repeated element {qname}"] = child.text
            else:
                data[name] = value
        return data

    return read


class XmlModel(BaseModel):
    """Base of every contract model: strict about unknown fields, mapped to XML by its fields."""

    model_config = ConfigDict(extra="forbid", validate_default=False, populate_by_name=True)

    #: Root models only: the root element (``prefix:Name``) and its namespace.
    xml_root: ClassVar[str | None] = None

    # --- compiled mapping --------------------------------------------------------------------
    @classmethod
    def xml_plan(cls) -> _Plan:
        plan = cls.__dict__.get("_xml_plan_cache")
        if plan is None:
            plan = _Plan(cls)
            cls._xml_plan_cache = plan  # type: ignore[attr-defined]
        return plan

    @classmethod
    def xml_fields(cls) -> list[XmlField]:
        return cls.xml_plan().fields

    @classmethod
    def xml_field_for_tag(cls, tag: str) -> XmlField | None:
        return cls.xml_plan().by_tag.get(tag)

    # --- XML -> model ---------------------------------------------------------------------------
    @classmethod
    def read_element(cls, element: etree._Element) -> dict[str, Any]:
        """An lxml element -> the plain dict this model validates (no validation yet)."""
        return _reader_of(cls)(element)

    @classmethod
    def from_element(cls, element: etree._Element) -> Self:
        return cls.model_validate(cls.read_element(element))

    # --- model -> XML ---------------------------------------------------------------------------
    def write_element(self, element: etree._Element) -> etree._Element:
        plan = self.xml_plan()
        if plan.text_field is not None:
            element.text = _lexical(getattr(self, plan.text_field))
        for spec in plan.attributes:
            value = getattr(self, spec.name)
            if value is not None:
                element.set(spec.tag, _lexical(value))
        if plan.any_field is not None:
            for fragment in getattr(self, plan.any_field):
                element.append(etree.fromstring(fragment.encode("utf-8")))
        for spec in plan.children:
            value = getattr(self, spec.name)
            if value is None:
                continue
            for one in value if spec.max_occurs != 1 else (value,):
                child = etree.SubElement(element, spec.tag)
                if spec.model is not None:
                    one.write_element(child)
                else:
                    child.text = _lexical(one)
        return element

    def to_element(self) -> etree._Element:
        if not self.xml_root:
            raise TypeError(f"{type(self).__name__} is not a document root")
        root_tag = clark(self.xml_root)
        namespace = root_tag[1:].partition("}")[0]
        nsmap = {"doc": namespace, **{p: u for p, u in MODULE_PREFIXES.items() if u != namespace}}
        return self.write_element(etree.Element(root_tag, nsmap=nsmap))

    def to_xml(self, *, pretty: bool = True) -> bytes:
        return etree.tostring(self.to_element(), xml_declaration=True, encoding="UTF-8", pretty_print=pretty)

    @classmethod
    def root_namespace(cls) -> str:
        if not cls.xml_root:
            raise TypeError(f"{cls.__name__} is not a document root")
        return PREFIXES[cls.xml_root.partition(":")[0]]
