"""Classifiers and reference data for people and information systems (Rules §31г).

Rules §31г: the portal gives "участникам общих процессов справочников и классификаторов в сфере
применения санитарных мер, входящих в состав единой системы нормативно-справочной информации Союза,
в том числе по запросу информационных систем заинтересованных лиц для автоматизированной обработки".

Every code list of ``sanmeasures.contract.classifiers`` is published here, exactly as the node uses
it to check and write documents (the codes travel with their ``codeListId``):

    /classifiers                              every code list (HTML)
    /classifiers/{id}                         one code list with a text filter (HTML)
    /api/v1/classifiers                       every code list (JSON)
    /api/v1/classifiers/{id}                  one code list with its entries (JSON, ``?text=`` filters)
    /api/v1/classifiers/{id}.xml              one code list (XML, ``schemas/xsd/sanmeasures-classifier.xsd``)

``{id}`` is the code-list id (``SM.CLS.002``). Two lists share the id ``P.CLS.019``: the classifier of
the countries of the world answers to the id, its restriction to the member states to its name
``member_states``; every list also answers to its name (``sanitary_measure_kinds``).

Code lists change only with a release of the node, so the API answers carry a strong ``ETag`` (a hash
of the body) and ``Cache-Control``; a client polling with ``If-None-Match`` gets ``304 Not Modified``.

The Appendix 2 items that use a list are read from the regulation's own words (an item whose note
says "в соответствии с классификатором стран мира" uses P.CLS.019) and from the list's stated source
("Table 2 item 8.1, Table 3 item 9.2").
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from lxml import etree
from pydantic import BaseModel, Field

from sanmeasures.contract.classifiers import CODE_LISTS, Code, CodeList
from sanmeasures.contract.tables import ITEMS, TableItem
from sanmeasures.portal.web import render, settings_of

router = APIRouter()
api = APIRouter(prefix="/api/v1/classifiers", tags=["classifiers (Rules §31г)"])

#: Namespace of the XML form of a code list (``schemas/xsd/sanmeasures-classifier.xsd``).
NAMESPACE = "urn:sanmeasures:Classifier:v1.0.0"
XSD_FILE = "sanmeasures-classifier.xsd"
#: Code lists change with a release only: an hour of freshness, then a cheap revalidation by ETag.
CACHE_CONTROL = "public, max-age=3600"

#: Words of the regulation that name a classifier in a table item's description or note.
_NAMED_IN_ITEMS: dict[str, str] = {
    "классификатором стран мира": "P.CLS.019",
    "классификатором языков": "P.CLS.021",
    "классификатором санитарных мер": "SM.CLS.002",
}
#: Items the module ``contract/classifiers.py`` names in its comments but not in a list's ``source``:
#: SM.CLS.008 is the value set of smsdo:TechnicalRegulationId (Table 1 item 10, Table 3 item 7.6.4.5.1).
_NAMED_IN_COMMENTS: dict[str, tuple[str, ...]] = {"SM.CLS.008": ("T1/10", "T3/7.6.4.5.1")}
#: "Table 2 item 8.1", "Table 5 items 2 and 5.1" in a list's ``source``.
_TABLE_ITEMS = re.compile(r"Table (\d) items? (\d+(?:\.\d+)*(?:(?:, | and )\d+(?:\.\d+)*)*)")


@dataclass(frozen=True)
class Classifier:
    """A published code list: where it is found (``slug``), its name in the code, the list, its items."""

    slug: str
    key: str
    code_list: CodeList
    items: tuple[TableItem, ...]

    @property
    def id(self) -> str:
        return self.code_list.id

    def name(self, lang: str) -> str:
        return self.code_list.name_en if lang == "en" else self.code_list.name_ru


def items_of(code_list: CodeList) -> tuple[TableItem, ...]:
    """The Appendix 2 items that take their values from ``code_list``, in table order."""
    found: set[str] = set(_NAMED_IN_COMMENTS.get(code_list.id, ()))
    for match in _TABLE_ITEMS.finditer(code_list.source):
        table = match.group(1)
        for number in re.split(r", | and ", match.group(2)):
            found.add(f"T{table}/{number}")
    for item in ITEMS.values():
        text = f"{item.description_ru} {item.note_ru}"
        if any(words in text and list_id == code_list.id for words, list_id in _NAMED_IN_ITEMS.items()):
            found.add(item.id)
    order = {item_id: position for position, item_id in enumerate(ITEMS)}
    return tuple(ITEMS[i] for i in sorted((i for i in found if i in ITEMS), key=order.__getitem__))


@cache
def catalogue() -> dict[str, Classifier]:
    """slug → classifier, in the order of ``CODE_LISTS``.

    The slug is the code-list id; when lists share an id, the longest list keeps it and the others
    are found by their name.
    """
    holder: dict[str, str] = {}
    for key, code_list in CODE_LISTS.items():
        current = holder.get(code_list.id)
        if current is None or len(code_list) > len(CODE_LISTS[current]):
            holder[code_list.id] = key
    return {
        (cl.id if holder[cl.id] == key else key): Classifier(
            cl.id if holder[cl.id] == key else key, key, cl, items_of(cl)
        )
        for key, cl in CODE_LISTS.items()
    }


def find(ident: str) -> Classifier | None:
    """The classifier at ``ident``: its slug (the code-list id) or its name (``member_states``)."""
    found = catalogue().get(ident)
    if found is not None:
        return found
    return next((c for c in catalogue().values() if c.key == ident), None)


def unknown(ident: str) -> str:
    known = ", ".join(catalogue())
    return f"no classifier {ident!r}; known: {known} (GET /api/v1/classifiers lists them)"


def matching(entries: Iterable[Code], text: str | None) -> list[Code]:
    """The entries whose code or any name contains ``text`` (letter case ignored)."""
    wanted = (text or "").strip().casefold()
    if not wanted:
        return list(entries)
    return [
        e
        for e in entries
        if any(wanted in (value or "").casefold() for value in (e.code, e.name_ru, e.name_en, e.name_kk))
    ]


# --- JSON and XML forms -----------------------------------------------------------------------------
class TableItemRef(BaseModel):
    id: str = Field(description='Appendix 2 item, e.g. "T2/8.1"')
    name_ru: str


class ClassifierSummary(BaseModel):
    id: str = Field(description="code-list id, sent as codeListId")
    name: str = Field(description="the list's name in the code (member_states, countries, …)")
    name_ru: str
    name_en: str
    source: str = Field(description="where the values come from")
    count: int = Field(description="number of entries")
    items: list[TableItemRef] = Field(description="Appendix 2 items that use the list, where known")
    url: str
    xml_url: str
    page_url: str


class Entry(BaseModel):
    code: str
    name_ru: str
    name_en: str
    name_kk: str | None = Field(description="Kazakh name where the list carries one")


class ClassifierDetail(ClassifierSummary):
    entries: list[Entry]
    text: str | None = Field(description="the filter applied (null: every entry)")


def summary(classifier: Classifier) -> dict[str, Any]:
    cl = classifier.code_list
    return {
        "id": cl.id,
        "name": classifier.key,
        "name_ru": cl.name_ru,
        "name_en": cl.name_en,
        "source": cl.source,
        "count": len(cl),
        "items": [{"id": i.id, "name_ru": i.name_ru} for i in classifier.items],
        "url": f"/api/v1/classifiers/{classifier.slug}",
        "xml_url": f"/api/v1/classifiers/{classifier.slug}.xml",
        "page_url": f"/classifiers/{classifier.slug}",
    }


def detail(classifier: Classifier, text: str | None = None) -> dict[str, Any]:
    entries = matching(classifier.code_list, text)
    return {
        **summary(classifier),
        "text": text or None,
        "entries": [
            {"code": e.code, "name_ru": e.name_ru, "name_en": e.name_en, "name_kk": e.name_kk}
            for e in entries
        ],
    }


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def as_xml(classifier: Classifier) -> bytes:
    """The code list as ``clf:ReferenceDataDetails`` (``schemas/xsd/sanmeasures-classifier.xsd``)."""
    cl = classifier.code_list
    root = etree.Element(_q("ReferenceDataDetails"), nsmap={"clf": NAMESPACE})
    etree.SubElement(root, _q("ReferenceDataId")).text = cl.id
    etree.SubElement(root, _q("ReferenceDataKey")).text = classifier.key
    for lang, name in (("ru", cl.name_ru), ("en", cl.name_en)):
        etree.SubElement(root, _q("ReferenceDataName"), languageCode=lang).text = name
    etree.SubElement(root, _q("SourceText")).text = cl.source
    for item in classifier.items:
        etree.SubElement(root, _q("TableItemId")).text = item.id
    etree.SubElement(root, _q("ElementQuantity")).text = str(len(cl))
    for entry in cl:
        element = etree.SubElement(root, _q("ReferenceDataElementDetails"))
        etree.SubElement(element, _q("Code")).text = entry.code
        for lang, name in (("ru", entry.name_ru), ("en", entry.name_en), ("kk", entry.name_kk)):
            if name:
                etree.SubElement(element, _q("Name"), languageCode=lang).text = name
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def cached(request: Request, body: bytes, media_type: str) -> Response:
    """``body`` with a strong ETag and Cache-Control; 304 when the client already holds it."""
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": CACHE_CONTROL, "Vary": "Accept-Encoding"}
    held = request.headers.get("if-none-match")
    if held is not None:
        tags = {tag.strip().removeprefix("W/") for tag in held.split(",")}
        if "*" in tags or etag in tags:
            return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _found(classifier_id: str) -> Classifier:
    classifier = find(classifier_id)
    if classifier is None:
        raise HTTPException(404, unknown(classifier_id))
    return classifier


_NOT_FOUND = {404: {"description": "No code list with this id or name; the answer names the known ids"}}
_CACHING = (
    "Answers carry a strong ETag and Cache-Control: send If-None-Match to get 304 Not Modified "
    "while the code lists stay the same (they change only with a release of the node)."
)


# --- API --------------------------------------------------------------------------------------------
@api.get(
    "",
    summary="Every code list the node uses (Rules §31г)",
    description=_CACHING,
    response_model=list[ClassifierSummary],
)
def list_classifiers(request: Request) -> Response:
    return cached(request, _listing_body(), "application/json")


@cache
def _listing_body() -> bytes:
    return _json([summary(c) for c in catalogue().values()])


@api.get(
    "/{classifier_id}.xml",
    summary="A code list as XML (schema /schemas/sanmeasures-classifier.xsd)",
    description="Root clf:ReferenceDataDetails in namespace urn:sanmeasures:Classifier:v1.0.0: the id, "
    "the names in Russian and English, the source, the Appendix 2 items that use the list, the number of "
    "entries, then one clf:ReferenceDataElementDetails per entry with its clf:Code and clf:Name per "
    "language. " + _CACHING,
    response_class=Response,
    responses={
        200: {
            "content": {"application/xml": {"schema": {"type": "string"}}},
            "description": "Valid against /schemas/sanmeasures-classifier.xsd",
        },
        **_NOT_FOUND,
    },
)
def classifier_xml(request: Request, classifier_id: str) -> Response:
    return cached(request, _xml_body(_found(classifier_id).slug), "application/xml")


@cache
def _xml_body(slug: str) -> bytes:
    return as_xml(catalogue()[slug])


@api.get(
    "/{classifier_id}",
    summary="A code list with its entries (Rules §31г)",
    description="classifier_id is the code-list id (SM.CLS.002) or the list's name (member_states). "
    + _CACHING,
    response_model=ClassifierDetail,
    responses=_NOT_FOUND,
)
def classifier_json(
    request: Request,
    classifier_id: str,
    text: Annotated[
        str | None, Query(max_length=200, description="only entries whose code or a name contains it")
    ] = None,
) -> Response:
    classifier = _found(classifier_id)
    return cached(request, _json(detail(classifier, text)), "application/json")


# --- pages ------------------------------------------------------------------------------------------
@router.get("/classifiers", response_class=HTMLResponse, include_in_schema=False)
def classifiers_page(request: Request) -> Response:
    return render(
        request,
        "classifiers.html",
        {
            "classifiers": list(catalogue().values()),
            "xsd": XSD_FILE,
            "public_url": settings_of(request).public_url,
        },
    )


@router.get("/classifiers/{classifier_id}", response_class=HTMLResponse, include_in_schema=False)
def classifier_page(
    request: Request, classifier_id: str, text: Annotated[str | None, Query(max_length=200)] = None
) -> Response:
    classifier = find(classifier_id)
    if classifier is None:
        return render(
            request,
            "classifiers_unknown.html",
            {"asked": classifier_id, "classifiers": list(catalogue().values())},
            status_code=404,
        )
    entries = matching(classifier.code_list, text)
    return render(
        request,
        "classifiers_detail.html",
        {"classifier": classifier, "entries": entries, "text": text or "", "xsd": XSD_FILE},
    )


router.include_router(api)
