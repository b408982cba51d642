"""Hardened XML parsing for documents that come from outside.

No DTD is loaded or accepted, no entity is expanded, nothing is fetched from
the network, and size and nesting depth are capped. A document with a
DOCTYPE is refused outright: EEC structures never need one, and refusing it
closes XXE and "billion laughs" for good.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from lxml import etree

from sanmeasures.contract.errors import Issue, rule

#: 32 MiB: a scanned laboratory protocol (Rules §36) travels inside the document as base64.
MAX_DOCUMENT_BYTES = 32 * 1024 * 1024
#: The deepest EEC structure here nests 12 levels; 64 leaves room and stops pathological input early.
MAX_DEPTH = 64

XML_SYNTAX = rule(
    "xml.syntax",
    "Документ не является корректным XML: {detail}",
    "The document is not well-formed XML: {detail}",
)
XML_DOCTYPE = rule(
    "xml.doctype",
    "Объявление DOCTYPE/DTD не допускается (защита от XXE и раскрытия сущностей)",
    "A DOCTYPE/DTD declaration is not allowed (protection against XXE and entity expansion)",
)
XML_SIZE = rule(
    "xml.size",
    "Документ больше допустимого размера: {size} байт при пределе {limit}",
    "The document is larger than allowed: {size} bytes, the limit is {limit}",
)
XML_DEPTH = rule(
    "xml.depth",
    "Вложенность элементов больше допустимой ({limit} уровней)",
    "Elements are nested deeper than allowed ({limit} levels)",
)
XML_EMPTY = rule("xml.empty", "Документ пуст", "The document is empty")


_per_thread = threading.local()


def _parser() -> etree.XMLParser:
    """One hardened parser per thread (a parser object must not be shared between threads)."""
    parser = getattr(_per_thread, "parser", None)
    if parser is None:
        parser = _per_thread.parser = _new_parser()
    return parser


def _new_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
        remove_blank_text=False,
    )


_TOO_DEEP = etree.XPath("boolean(" + "/*" * (MAX_DEPTH + 1) + ")")


@dataclass
class Parsed:
    root: etree._Element | None
    issues: list[Issue]


def _issue(broken, line: int | None = None, **context) -> Issue:  # type: ignore[no-untyped-def]
    ru, en = broken.render(context)
    return Issue(stage="xml", rule=broken.code, message_ru=ru, message_en=en, line=line)


def parse_document(data: bytes, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> Parsed:
    """Parse untrusted bytes; on failure ``root`` is None and ``issues`` says why."""
    if not data or not data.strip():
        return Parsed(None, [_issue(XML_EMPTY)])
    if len(data) > max_bytes:
        return Parsed(None, [_issue(XML_SIZE, size=len(data), limit=max_bytes)])
    parser = _parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        detail = str(exc.msg or exc)
        lowered = detail.lower()
        if "doctype" in lowered or "entity" in lowered or "dtd" in lowered:
            return Parsed(None, [_issue(XML_DOCTYPE, line=exc.lineno)])
        return Parsed(None, [_issue(XML_SYNTAX, line=exc.lineno, detail=detail)])
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        return Parsed(None, [_issue(XML_DOCTYPE, line=1)])
    if _TOO_DEEP(root):
        return Parsed(None, [_issue(XML_DEPTH, limit=MAX_DEPTH)])
    return Parsed(root, [])
