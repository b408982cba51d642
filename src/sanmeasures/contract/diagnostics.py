"""Turn lxml schema errors and pydantic errors into :class:`Issue` s with item, XPath and line.

Both kinds of error are mapped back onto the document: the element chain is
walked alongside the model's fields, which carry the table item ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree
from pydantic import ValidationError

from sanmeasures.contract import tables
from sanmeasures.contract.errors import RULES, Issue
from sanmeasures.contract.namespaces import clark, prefixed
from sanmeasures.contract.xmlmodel import XmlField, XmlModel


@dataclass
class Place:
    """Where in the document: canonical XPath, line, and the model field (with its items) if known."""

    xpath: str
    line: int | None
    field: XmlField | None


def item_facts(field: XmlField | None, table: int | None) -> tuple[str | None, str | None, str | None]:
    """-> (item id, Russian item name, paragraph) of a field, preferring the structure's own table."""
    if field is None or not field.items:
        return None, None, None
    chosen = field.items[0]
    if table is not None:
        chosen = next((i for i in field.items if i.startswith(f"T{table}/")), chosen)
    try:
        entry = tables.item(chosen)
    except KeyError:
        return chosen, None, None
    return chosen, entry.name_ru, f"Приложение 2, таблица {entry.table}, п. {entry.number}"


def _named_item(item_id: str) -> tuple[str, str | None, str | None]:
    try:
        entry = tables.item(item_id)
    except KeyError:
        return item_id, None, None
    return item_id, entry.name_ru, f"Приложение 2, таблица {entry.table}, п. {entry.number}"


# --- element paths ------------------------------------------------------------------------------
def _step(element: etree._Element, field: XmlField | None, root_ns: str) -> str:
    name = prefixed(element.tag, root_ns)
    if field is not None and field.max_occurs == 1:
        return name
    parent = element.getparent()
    if parent is None:
        return name
    index = 1 + sum(1 for sibling in element.itersiblings(preceding=True) if sibling.tag == element.tag)
    return f"{name}[{index}]"


def place_of_element(root_cls: type[XmlModel], element: etree._Element) -> Place:
    """The canonical place of an element of a document whose root model is ``root_cls``."""
    chain = [element, *element.iterancestors()][::-1]
    root_ns = root_cls.root_namespace()
    parts = [_step(chain[0], None, root_ns)]
    cls: type[XmlModel] | None = root_cls
    field: XmlField | None = None
    for node in chain[1:]:
        field = cls.xml_field_for_tag(node.tag) if cls is not None else None
        parts.append(_step(node, field, root_ns))
        cls = field.model if field is not None else None
    return Place("/" + "/".join(parts), element.sourceline, field)


def place_of_loc(root_cls: type[XmlModel], root: etree._Element | None, loc: tuple[Any, ...]) -> Place:
    """The place a pydantic error ``loc`` points at (the parent, plus the missing name, if absent)."""
    root_ns = root_cls.root_namespace()
    xpath = "/" + prefixed(clark(root_cls.xml_root or ""), root_ns)
    cls: type[XmlModel] | None = root_cls
    element = root
    field: XmlField | None = None
    steps = list(loc)
    while steps:
        step = steps.pop(0)
        if not isinstance(step, str) or cls is None:
            continue
        field = next((f for f in cls.xml_fields() if f.name == step), None)
        if field is None:
            break
        if field.kind == "attribute":
            xpath += f"/@{field.qname}"
            break
        if field.kind in ("text", "any"):
            break
        index = steps.pop(0) if steps and isinstance(steps[0], int) else 0
        name = prefixed(field.tag, root_ns)
        found = None
        if element is not None:
            matches = [child for child in element if child.tag == field.tag]
            found = matches[index] if index < len(matches) else None
        xpath += f"/{name}" if field.max_occurs == 1 else f"/{name}[{index + 1}]"
        if found is None:
            break
        element = found
        cls = field.model
    line = element.sourceline if element is not None else None
    return Place(xpath, line, field)


_MISSING = (
    "Отсутствует обязательный элемент {name}{item_text}",
    "Required element {name} is missing{item_text_en}",
)


# --- XSD errors ------------------------------------------------------------------------------------
_EXPECTED = re.compile(r"\{([^}]*)\}([A-Za-z_][\w.-]*)")
_ELEMENT = re.compile(r"^Element '([^']*)'(?:, attribute '([^']*)')?: ")

#: lxml/libxml2 error types -> (rule code, Russian template, English template).
_XSD_RULES: dict[str, tuple[str, str, str]] = {
    "SCHEMAV_ELEMENT_CONTENT": (
        "xsd.content",
        "Нарушен состав или порядок дочерних элементов {element}: {what}",
        "Children of {element} are missing or out of order: {what}",
    ),
    "SCHEMAV_CVC_PATTERN_VALID": (
        "xsd.pattern",
        "Значение «{value}» элемента {element} не соответствует шаблону {pattern}",
        "Value '{value}' of {element} does not match the pattern {pattern}",
    ),
    "SCHEMAV_CVC_MINLENGTH_VALID": (
        "xsd.min_length",
        "Значение элемента {element} короче допустимого",
        "The value of {element} is shorter than allowed",
    ),
    "SCHEMAV_CVC_MAXLENGTH_VALID": (
        "xsd.max_length",
        "Значение элемента {element} длиннее допустимого",
        "The value of {element} is longer than allowed",
    ),
    "SCHEMAV_CVC_LENGTH_VALID": (
        "xsd.length",
        "Длина значения элемента {element} не равна требуемой",
        "The value of {element} does not have the required length",
    ),
    "SCHEMAV_CVC_DATATYPE_VALID_1_2_1": (
        "xsd.datatype",
        "Значение «{value}» элемента {element} недопустимо для его типа данных",
        "Value '{value}' of {element} is not valid for its data type",
    ),
    "SCHEMAV_CVC_TOTALDIGITS_VALID": (
        "xsd.total_digits",
        "В значении элемента {element} больше цифр, чем допустимо",
        "The value of {element} has more digits than allowed",
    ),
    "SCHEMAV_CVC_FRACTIONDIGITS_VALID": (
        "xsd.fraction_digits",
        "В значении элемента {element} больше знаков после запятой, чем допустимо",
        "The value of {element} has more fraction digits than allowed",
    ),
    "SCHEMAV_CVC_COMPLEX_TYPE_4": (
        "xsd.attribute_missing",
        "У элемента {element} отсутствует обязательный атрибут {attribute}",
        "Element {element} lacks the required attribute {attribute}",
    ),
    "SCHEMAV_CVC_COMPLEX_TYPE_3_2_1": (
        "xsd.attribute_unexpected",
        "Атрибут {attribute} не допускается у элемента {element}",
        "Attribute {attribute} is not allowed on {element}",
    ),
    "SCHEMAV_CVC_COMPLEX_TYPE_3_2_2": (
        "xsd.attribute_unexpected",
        "Атрибут {attribute} не допускается у элемента {element}",
        "Attribute {attribute} is not allowed on {element}",
    ),
    "SCHEMAV_CVC_ELT_1": (
        "xsd.root",
        "Корневой элемент {element} не объявлен в схеме",
        "Root element {element} is not declared by the schema",
    ),
    "SCHEMAV_CVC_ENUMERATION_VALID": (
        "xsd.enumeration",
        "Значение «{value}» элемента {element} не входит в перечень допустимых",
        "Value '{value}' of {element} is not one of the allowed values",
    ),
    "SCHEMAV_CVC_TYPE_3_1_2": (
        "xsd.simple_content",
        "Элемент {element} должен содержать только текст, без дочерних элементов",
        "Element {element} must hold text only, no child elements",
    ),
}
_GENERIC = (
    "xsd.invalid",
    "Документ не соответствует схеме: {message}",
    "The document does not match the schema: {message}",
)


def _content_problem(message: str, root_ns: str) -> tuple[str, str, list[str]]:
    """Russian and English summaries of a content-model error and the tags it names as expected."""
    expected = [f"{{{ns}}}{local}" for ns, local in _EXPECTED.findall(message.partition("Expected is")[2])]
    names = ", ".join(prefixed(tag, root_ns) for tag in expected)
    if "Missing child element" in message:
        return (
            f"отсутствует обязательный элемент ({names})",
            f"a required element is missing ({names})",
            expected,
        )
    if "not expected" in message:
        tail_ru = f"; ожидается ({names})" if names else ""
        tail_en = f"; expected ({names})" if names else ""
        return f"элемент здесь не ожидается{tail_ru}", f"this element is not expected here{tail_en}", expected
    return message, message, expected


def _find_element(root: etree._Element, entry: Any) -> etree._Element | None:
    namespaces: dict[str, str] = {}
    for node in root.iter():
        if isinstance(node.tag, str):
            for prefix, uri in node.nsmap.items():
                if prefix:
                    namespaces.setdefault(prefix, uri)
    try:
        found = root.getroottree().xpath(entry.path, namespaces=namespaces)
        if found and isinstance(found[0], etree._Element):
            return found[0]
    except (etree.XPathError, TypeError):
        pass
    return next((n for n in root.iter() if isinstance(n.tag, str) and n.sourceline == entry.line), None)


def _missing_required(
    root_cls: type[XmlModel], place: Place, element: etree._Element | None, message: str, expected: list[str]
) -> tuple[XmlField, str] | None:
    """The required child an XSD content error really complains about, with its XPath, if any.

    libxml2 reports a missing element either on the parent ("Missing child element(s)") or on the
    next sibling ("This element is not expected. Expected is ( X )").
    """
    if element is None or not expected:
        return None
    if "Missing child" in message:
        parent, parent_place = element, place
    elif "not expected" in message and element.getparent() is not None:
        parent = element.getparent()
        parent_place = place_of_element(root_cls, parent)
    else:
        return None
    if parent.getparent() is None:
        owner: type[XmlModel] | None = root_cls
    else:
        owner = parent_place.field.model if parent_place.field is not None else None
    if owner is None:
        return None
    present = {child.tag for child in parent}
    for tag in expected:
        spec = owner.xml_field_for_tag(tag)
        if spec is not None and spec.min_occurs >= 1 and tag not in present:
            return spec, f"{parent_place.xpath}/{prefixed(tag, root_cls.root_namespace())}"
    return None


def xsd_issues(root_cls: type[XmlModel], root: etree._Element, errors: Any, table: int | None) -> list[Issue]:
    issues: list[Issue] = []
    root_ns = root_cls.root_namespace()
    for entry in errors:
        message = entry.message or ""
        code, ru_t, en_t = _XSD_RULES.get(entry.type_name, _GENERIC)
        element = _find_element(root, entry)
        place = (
            place_of_element(root_cls, element)
            if element is not None
            else Place(entry.path or "/", entry.line, None)
        )
        head = _ELEMENT.match(message)
        required_attribute = re.search(r"The attribute '([^']+)' is required", message)
        attribute = (head.group(2) if head and head.group(2) else "") or (
            required_attribute.group(1) if required_attribute else ""
        )
        reported = place.xpath.rsplit("/", 1)
        # A content error on an unexpected child is about its parent's children.
        about_parent = entry.type_name == "SCHEMAV_ELEMENT_CONTENT" and "not expected" in message
        context: dict[str, Any] = {
            "element": reported[0].rsplit("/", 1)[-1] if about_parent and len(reported) > 1 else reported[-1],
            "attribute": attribute,
            "message": message,
            "value": "",
            "pattern": "",
        }
        value_match = re.search(r"'([^']*)' is not (?:accepted|a valid value|facet-valid)", message)
        if value_match:
            context["value"] = value_match.group(1)
        pattern_match = re.search(r"pattern '([^']*)'", message)
        if pattern_match:
            context["pattern"] = pattern_match.group(1)
        field = place.field
        xpath = place.xpath
        if entry.type_name == "SCHEMAV_ELEMENT_CONTENT":
            what_ru, what_en, expected = _content_problem(message, root_ns)
            missing = _missing_required(root_cls, place, element, message, expected)
            if missing is not None:
                # The item concerned is the required child that is absent, not the element reported.
                field, xpath = missing
                code = "xsd.missing"
                name = prefixed(field.tag, root_ns)
                ru, en = (
                    _MISSING[0].format(name=name, item_text=""),
                    _MISSING[1].format(name=name, item_text_en=""),
                )
            else:
                ru = ru_t.format(**{**context, "what": what_ru})
                en = en_t.format(**{**context, "what": what_en})
        else:
            ru, en = ru_t.format(**context), en_t.format(**context)
        if context["attribute"]:
            xpath = f"{xpath}/@{context['attribute']}"
        item, item_name, paragraph = item_facts(field, table)
        issues.append(
            Issue(
                stage="xsd",
                rule=code,
                message_ru=ru,
                message_en=en,
                xpath=xpath,
                line=entry.line or place.line,
                item=item,
                item_name_ru=item_name,
                paragraph=paragraph,
                value=context["value"] or None,
                details={"xsd_message": message},
            )
        )
    return issues


# --- model errors ---------------------------------------------------------------------------------


def model_issues(
    root_cls: type[XmlModel], root: etree._Element | None, error: ValidationError, table: int | None
) -> list[Issue]:
    issues: list[Issue] = []
    for problem in error.errors(include_url=False):
        loc = tuple(problem["loc"])
        context = dict(problem.get("ctx") or {})
        if "field" in context:
            loc = (*loc, context["field"])
        place = place_of_loc(root_cls, root, loc)
        item, item_name, paragraph = item_facts(place.field, table)
        if "table_item" in context:  # a rule that names its table item explicitly
            item, item_name, paragraph = _named_item(context["table_item"])
        kind = problem["type"]
        declared = RULES.get(kind)
        stage = "rule" if declared else "model"
        if declared is not None:
            ru, en = declared.render(context)
            paragraph = declared.paragraph or paragraph
        elif kind == "missing":
            name = place.field.qname if place.field is not None else str(loc[-1])
            item_text = f" ({item} «{item_name}»)" if item else ""
            ru = _MISSING[0].format(name=name, item_text=item_text)
            en = _MISSING[1].format(name=name, item_text_en=f" ({item})" if item else "")
        elif kind == "too_short" and place.field is not None:
            ru = f"Элемент {place.field.qname} должен присутствовать не менее {place.field.min_occurs} раз"
            en = f"Element {place.field.qname} must occur at least {place.field.min_occurs} time(s)"
        else:
            ru, en = f"Недопустимое значение: {problem['msg']}", problem["msg"]
        value = problem.get("input")
        issues.append(
            Issue(
                stage=stage,
                rule=kind,
                message_ru=ru,
                message_en=en,
                xpath=place.xpath,
                line=place.line,
                item=item,
                item_name_ru=item_name,
                paragraph=paragraph,
                value=value if isinstance(value, str) else None,
            )
        )
    return issues
