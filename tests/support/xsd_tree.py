"""Expand our XSD files into element trees (name, multiplicity, items), for tests that compare them.

Read with lxml straight from the schema documents so the walk sees exactly
what is written: global elements referenced from sequences, complexContent
extensions (base children first), and the item annotations on particles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

XS = "http://www.w3.org/2001/XMLSchema"
ITEM_SOURCE = "urn:sanmeasures:item"
PREFIX_OF = {
    "urn:EEC:M:SimpleDataObjects:v0.4.12": "csdo",
    "urn:EEC:M:ComplexDataObjects:v0.4.12": "ccdo",
    "urn:EEC:M:SM:SimpleDataObjects:v0.3.9": "smsdo",
    "urn:EEC:M:SM:ComplexDataObjects:v0.3.9": "smcdo",
    "urn:EEC:M:BaseDataTypes:v0.4.12": "bdt",
}


@dataclass
class Node:
    name: str  # "csdo:ProductName" ("doc:" for a structure's own namespace), "xs:any" for a wildcard
    min_occurs: int
    max_occurs: int | None
    items: tuple[str, ...] = ()
    children: list[Node] = field(default_factory=list)

    @property
    def multiplicity(self) -> str:
        upper = "*" if self.max_occurs is None else str(self.max_occurs)
        return str(self.min_occurs) if str(self.min_occurs) == upper else f"{self.min_occurs}..{upper}"

    def walk(self, path: str = ""):
        here = f"{path}/{self.name}"
        yield here, self
        for child in self.children:
            yield from child.walk(here)


class SchemaSet:
    """All XSD files of a folder: global elements and complex types by Clark name."""

    def __init__(self, folder: Path) -> None:
        self.elements: dict[str, etree._Element] = {}
        self.types: dict[str, etree._Element] = {}
        self.namespace_of: dict[etree._Element, str] = {}
        for path in sorted(folder.glob("*.xsd")):
            doc = etree.parse(str(path)).getroot()
            tns = doc.get("targetNamespace")
            for child in doc:
                if child.tag == f"{{{XS}}}element":
                    self.elements[f"{{{tns}}}{child.get('name')}"] = child
                elif child.tag == f"{{{XS}}}complexType":
                    self.types[f"{{{tns}}}{child.get('name')}"] = child

    @staticmethod
    def resolve(node: etree._Element, qname: str) -> str:
        prefix, _, local = qname.rpartition(":")
        return f"{{{node.nsmap[prefix or None]}}}{local}"

    def tree(self, root_clark: str, root_namespace: str) -> Node:
        declaration = self.elements[root_clark]
        return Node(
            self.label(root_clark, root_namespace), 1, 1, (), self._children(declaration, root_namespace)
        )

    def label(self, clark: str, root_namespace: str) -> str:
        uri, _, local = clark[1:].partition("}")
        prefix = "doc" if uri == root_namespace else PREFIX_OF.get(uri, uri)
        return f"{prefix}:{local}"

    def _children(self, declaration: etree._Element, root_ns: str) -> list[Node]:
        type_name = declaration.get("type")
        if type_name is None:
            inline = declaration.find(f"{{{XS}}}complexType")
            return self._content(inline, root_ns) if inline is not None else []
        clark = self.resolve(declaration, type_name)
        definition = self.types.get(clark)
        return self._content(definition, root_ns) if definition is not None else []

    def _content(self, complex_type: etree._Element, root_ns: str) -> list[Node]:
        nodes: list[Node] = []
        extension = complex_type.find(f"{{{XS}}}complexContent/{{{XS}}}extension")
        holder = complex_type
        if extension is not None:
            base = self.types.get(self.resolve(extension, extension.get("base")))
            if base is not None:
                nodes.extend(self._content(base, root_ns))
            holder = extension
        sequence = holder.find(f"{{{XS}}}sequence")
        if sequence is None:
            return nodes
        for particle in sequence:
            if not isinstance(particle.tag, str):
                continue
            low = int(particle.get("minOccurs", "1"))
            high_text = particle.get("maxOccurs", "1")
            high = None if high_text == "unbounded" else int(high_text)
            if particle.tag == f"{{{XS}}}any":
                nodes.append(Node("xs:any", low, high))
                continue
            if particle.tag != f"{{{XS}}}element":
                raise AssertionError(f"unexpected particle {particle.tag} (only xs:sequence of elements)")
            items = tuple(
                (info.text or "").strip()
                for info in particle.iterfind(f"{{{XS}}}annotation/{{{XS}}}appinfo")
                if info.get("source") == ITEM_SOURCE
            )
            if particle.get("ref"):
                clark = self.resolve(particle, particle.get("ref"))
                target = self.elements[clark]
            else:
                clark = (
                    f"{{{complex_type.getroottree().getroot().get('targetNamespace')}}}{particle.get('name')}"
                )
                target = particle
            nodes.append(Node(self.label(clark, root_ns), low, high, items, self._children(target, root_ns)))
        return nodes


@cache
def schema_set(folder: Path) -> SchemaSet:
    return SchemaSet(folder)
