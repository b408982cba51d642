"""Hostile XML is refused before it reaches the schema: no DTD, no entities, no network, bounded size and depth."""

from __future__ import annotations

import pytest

from sanmeasures.contract.pipeline import validate_document
from sanmeasures.contract.safe_xml import MAX_DEPTH, parse_document

XXE_FILE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<r>&secret;</r>"""

XXE_PARAMETER = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd"> %remote;]>
<r/>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<lolz>&lol9;</lolz>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE r SYSTEM "http://127.0.0.1:9/r.dtd">
<r/>"""


@pytest.mark.parametrize(
    "document",
    [XXE_FILE, XXE_PARAMETER, BILLION_LAUGHS, EXTERNAL_DTD],
    ids=["xxe", "xxe-param", "laughs", "dtd"],
)
def test_doctype_documents_are_refused_without_expansion(document: bytes) -> None:
    report = validate_document(document)
    assert not report.ok
    assert [issue.rule for issue in report.issues] == ["xml.doctype"]
    text = " ".join(f"{i.message_en} {i.message_ru}" for i in report.issues)
    assert "root:" not in text and "lollol" not in text  # nothing of the entity's content leaks


def test_xxe_file_content_never_appears_in_a_parsed_tree() -> None:
    parsed = parse_document(XXE_FILE)
    assert parsed.root is None


def test_size_limit_is_enforced_before_parsing() -> None:
    report = validate_document(b"<r>" + b"x" * 2048 + b"</r>", max_bytes=1024)
    assert [issue.rule for issue in report.issues] == ["xml.size"]
    assert "1024" in report.issues[0].message_en


def test_depth_limit() -> None:
    deep = b"<a>" * (MAX_DEPTH + 1) + b"</a>" * (MAX_DEPTH + 1)
    assert [i.rule for i in parse_document(deep).issues] == ["xml.depth"]
    shallow = b"<a>" * MAX_DEPTH + b"</a>" * MAX_DEPTH
    assert parse_document(shallow).issues == []


@pytest.mark.parametrize(
    "document", [b"", b"   ", b"<r><a></r>", b"not xml"], ids=["empty", "blank", "mismatch", "text"]
)
def test_malformed_input_is_reported_with_a_reason(document: bytes) -> None:
    report = validate_document(document)
    assert not report.ok
    assert report.issues and report.issues[0].rule in {"xml.empty", "xml.syntax"}
    assert report.issues[0].message_ru and report.issues[0].message_en


def test_unknown_root_names_the_supported_structures() -> None:
    report = validate_document(b'<x:Foo xmlns:x="urn:example"/>')
    assert [i.rule for i in report.issues] == ["structure.unknown"]
    assert "DangerousProductAlertDetails" in report.issues[0].message_en
