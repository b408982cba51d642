"""Hand-written documents under ``tests/data/<structure>/`` through the whole pipeline.

Each folder holds a realistic ``valid.xml`` and copies with one thing wrong, listed with the
element concerned in the folder's README. Valid ones must pass every stage; each invalid one
must be rejected with an issue that points at the element the README names, in both languages.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sanmeasures.contract.pipeline import encode, validate_document

DATA = Path(__file__).resolve().parents[1] / "data"
FOLDERS = sorted(p for p in DATA.iterdir() if p.is_dir() and (p / "valid.xml").exists())
_ROW = re.compile(r"^\| `(?P<file>[^`]+\.xml)` \| (?P<reason>.+) \|$")


def invalid_cases() -> list[tuple[Path, str]]:
    cases = []
    for folder in FOLDERS:
        readme = (folder / "README.md").read_text(encoding="utf-8")
        for line in readme.splitlines():
            match = _ROW.match(line.strip())
            if match:
                cases.append((folder / match.group("file"), match.group("reason")))
    return cases


def test_every_invalid_file_is_documented() -> None:
    documented = {path for path, _ in invalid_cases()}
    on_disk = {p for folder in FOLDERS for p in folder.glob("*.xml") if p.name != "valid.xml"}
    assert on_disk == documented
    assert len(FOLDERS) >= 7


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_valid_document_passes_every_stage_and_survives_a_round_trip(folder: Path) -> None:
    report = validate_document((folder / "valid.xml").read_bytes())
    assert report.ok, [issue.one_line() for issue in report.issues]
    assert report.structure is not None and report.structure.code == folder.name
    again = validate_document(encode(report.document))
    assert again.ok and again.document == report.document


@pytest.mark.parametrize(
    ("path", "reason"), invalid_cases(), ids=lambda v: v.name if isinstance(v, Path) else ""
)
def test_invalid_document_is_rejected_at_the_named_element(path: Path, reason: str) -> None:
    report = validate_document(path.read_bytes())
    assert not report.ok
    quoted = " ".join(re.findall(r"`([^`]+)`", reason))
    named = re.findall(r"(?:[a-z]+:|@)([A-Za-z][A-Za-z0-9]+)", quoted)
    assert named, f"README gives no element for {path.name}"
    places = " ".join(f"{i.xpath} {i.message_en}" for i in report.issues)
    assert any(name in places for name in named), (named, [i.one_line() for i in report.issues])
    for issue in report.issues:
        assert issue.message_ru and issue.message_en and issue.rule
        assert issue.line is not None or issue.stage == "xml"


def _mutated(code: str, old: str, new: str) -> bytes:
    text = (DATA / code / "valid.xml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1).encode("utf-8")


def test_hs_code_of_five_digits_is_rejected_although_libxml2_lets_it_through() -> None:
    # libxml2 mis-compiles the published pattern \d{2}|\d{4}|\d{6}|\d{8,10}; the model re-checks it.
    source = (DATA / "R.SM.SS.08.002" / "valid.xml").read_text(encoding="utf-8")
    code = re.search(r"<csdo:CommodityCode>(\d+)</csdo:CommodityCode>", source).group(1)
    report = validate_document(_mutated("R.SM.SS.08.002", f">{code}<", ">16010<"))
    assert not report.ok
    issue = report.issues[0]
    assert issue.stage == "model" and issue.xpath.endswith("csdo:CommodityCode")
    assert issue.item == "T3/7.4"


def test_measurement_unit_code_of_five_characters_is_rejected() -> None:
    source = (DATA / "R.SM.SS.08.002" / "valid.xml").read_text(encoding="utf-8")
    unit = re.search(r'measurementUnitCode="([^"]+)"', source).group(1)
    report = validate_document(
        _mutated("R.SM.SS.08.002", f'measurementUnitCode="{unit}"', 'measurementUnitCode="KGMXX"')
    )
    assert not report.ok
    assert any(i.xpath.endswith("@measurementUnitCode") or "measurement" in i.xpath for i in report.issues)


def test_base64_with_foreign_characters_is_rejected() -> None:
    source = (DATA / "R.SM.SS.08.003" / "valid.xml").read_text(encoding="utf-8")
    match = re.search(r"(<csdo:DocBinaryText[^>]*>)([^<]+)<", source)
    report = validate_document(
        _mutated("R.SM.SS.08.003", match.group(1) + match.group(2), match.group(1) + "@@@@")
    )
    assert not report.ok
    assert report.issues[0].xpath.endswith("csdo:DocBinaryText")
