"""What the node knows about one XML structure: its code, root model, namespace, schema file and table."""

from __future__ import annotations

from dataclasses import dataclass

from sanmeasures.contract.xmlmodel import XmlModel


@dataclass(frozen=True)
class Structure:
    code: str  # "R.SM.SS.08.002"
    root: type[XmlModel]
    xsd_file: str  # file name under schemas/xsd/
    title_ru: str
    title_en: str
    table: int | None = None  # the Appendix 2 table it implements, if any
    published: bool = True  # False: designed by us in the EEC style (docs/conformance.md)
    paragraphs: str = ""  # Rules paragraphs it serves, e.g. "§6б, §16–19"

    @property
    def namespace(self) -> str:
        return self.root.root_namespace()

    @property
    def root_element(self) -> str:
        assert self.root.xml_root
        return self.root.xml_root.partition(":")[2]
