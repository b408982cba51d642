"""Appendix 2 Tables 1–6 in ``sanmeasures.contract.tables`` against the text of the regulation.

The regulation (EEC Board Decision No. 24 of 11.02.2020) is read from the shared seed
``seeds/003_7d23e833d17ad35e.txt``: ``$SANMEASURES_SHARED`` or ``../shared`` next to the
repository. The seed is the independent source: a missing seed is a failure, never a skip.
"""

from __future__ import annotations

import re
from dataclasses import FrozenInstanceError, dataclass
from functools import cache

import pytest

from sanmeasures.contract import tables
from sanmeasures.contract.tables import TABLE_PARAGRAPH, TABLES, item, normalise_multiplicity
from tests.support.shared import REGULATION_SEED, shared_file

PRINTED_MULTIPLICITIES = ("1", "0.1", "0..1", "1.*", "0.*")


@cache
def regulation_text() -> str:
    return shared_file(REGULATION_SEED).read_text(encoding="utf-8")


# --- an independent reading of the seed -------------------------------------------------------------


@dataclass(frozen=True)
class SeedItem:
    table: int
    number: str  # with "*" resolved
    name: str
    description: str
    note: str
    multiplicity: str  # as printed, "" when blank
    parent: str | None


_TABLE_HEADING = re.compile(r"^Таблица\s+(\d+)$")
# "7.6.4.5. Name" or Table 3's shorthand "*.2.1. Name"
_ITEM_HEADING = re.compile(r"^(\*|\d+)((?:\.\d+)*)\.\s+(\S.*)$")
_COLUMN_HEADINGS = {"Наименование элемента", "Описание элемента", "Примечание", "Мн."}


def _russian_appendix_2(text: str) -> list[str]:
    """Lines of Appendix 2 Tables 1–6 of the Russian text (before the Kazakh translation)."""
    russian = text.split("Санитариялық шараларды", 1)[0]
    appendix = russian.split("ПРИЛОЖЕНИЕ № 2", 1)[1]
    lines = [line.strip() for line in appendix.splitlines()]  # str.strip() also drops U+00A0
    first = next(i for i, line in enumerate(lines) if line == "Таблица 1")
    return lines[first:]


def parse_seed_tables(text: str) -> tuple[dict[int, str], dict[int, list[SeedItem]]]:
    """Table titles and items (printed order) of Appendix 2, read from the seed."""
    titles: dict[int, str] = {}
    raw: dict[int, list[tuple[str, str, list[str]]]] = {}
    table: int | None = None
    expect_title = False
    for line in _russian_appendix_2(text):
        if m := _TABLE_HEADING.match(line):
            table = int(m.group(1))
            raw[table] = []
            expect_title = True
            continue
        if not line or line in _COLUMN_HEADINGS:
            continue
        assert table is not None
        if expect_title:
            titles[table] = line
            expect_title = False
            continue
        if m := _ITEM_HEADING.match(line):
            raw[table].append((m.group(1) + m.group(2), m.group(3), []))
        else:
            raw[table][-1][2].append(line)

    parsed: dict[int, list[SeedItem]] = {}
    for number, rows in raw.items():
        items: list[SeedItem] = []
        stack: list[str] = []  # numbers of the open ancestors
        star = ""  # what "*" stands for: the full-numbered item just before the first "*" row
        for printed_number, name, body in rows:
            if printed_number.startswith("*"):
                if not star:
                    star = items[-1].number
                full = star + printed_number[1:]
            else:
                full = printed_number
            while stack and not full.startswith(stack[-1] + "."):
                stack.pop()
            parent = f"T{number}/{stack[-1]}" if stack else None
            stack.append(full)
            mult = body[-1] if body and body[-1] in PRINTED_MULTIPLICITIES else ""
            cells = body[:-1] if mult else body
            items.append(
                SeedItem(
                    table=number,
                    number=full,
                    name=name,
                    description=cells[0] if cells else "",
                    note="\n".join(cells[1:]),
                    multiplicity=mult,
                    parent=parent,
                )
            )
        parsed[number] = items
    return titles, parsed


@pytest.fixture(scope="module")
def seed() -> tuple[dict[int, str], dict[int, list[SeedItem]]]:
    return parse_seed_tables(regulation_text())


EXPECTED_NORMALISED = {"1": "1", "0.1": "0..1", "0..1": "0..1", "1.*": "1..*", "0.*": "0..*"}


# --- the module agrees with the seed, item by item ---------------------------------------------------


def test_seed_is_present() -> None:
    assert "Таблица 6" in regulation_text()


def test_seed_parser_sanity(seed) -> None:
    # Counts and spot values read by eye from the regulation, so a broken parser cannot
    # make the comparison below pass vacuously.
    titles, parsed = seed
    assert sorted(parsed) == [1, 2, 3, 4, 5, 6]
    assert {n: len(items) for n, items in parsed.items()} == {1: 17, 2: 18, 3: 39, 4: 13, 5: 14, 6: 8}
    t3 = {i.number: i for i in parsed[3]}
    assert t3["7.6.4.3"].name == "Товаросопроводительный документ"
    assert t3["7.6.4.5.2.3"].name == "Описание нарушения"
    assert t3["7.6.4.5.2.3"].parent == "T3/7.6.4.5.2"
    assert {i.number: i.multiplicity for i in parsed[1]}["5"] == ""
    assert {i.number: i.multiplicity for i in parsed[2]}["6.1"] == ""
    assert (
        titles[2]
        == "Состав сведений, передаваемых при формировании, ведении и использовании базы данных о заболеваемости"
    )


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6])
def test_table_matches_seed(seed, number: int) -> None:
    titles, parsed = seed
    table = TABLES[number]
    assert table.number == number
    assert table.title_ru == titles[number]
    expected = parsed[number]
    assert [i.number for i in table.items] == [e.number for e in expected], "numbers / order differ"
    for got, want in zip(table.items, expected, strict=True):
        where = f"{got.id}"
        assert got.table == number, where
        assert got.id == f"T{number}/{want.number}", where
        assert got.name_ru == want.name, where
        assert got.description_ru == want.description, where
        assert got.note_ru == want.note, where
        assert got.multiplicity_as_printed == want.multiplicity, where
        expected_mult = EXPECTED_NORMALISED.get(want.multiplicity, "1")  # blank cells: "1"
        assert got.multiplicity == expected_mult, where
        assert got.parent == want.parent, where


def test_tables_are_exactly_one_to_six() -> None:
    assert sorted(TABLES) == [1, 2, 3, 4, 5, 6]
    assert sum(len(t.items) for t in TABLES.values()) == len(tables.ITEMS) == 109


# --- multiplicities ------------------------------------------------------------------------------------


def test_normalisation_of_printed_multiplicities() -> None:
    # Appendix 2 §5: "0.1" = 0..1, "1.*" = 1..*, "0.*" = 0..*; some rows print "0..1".
    for printed, normalised in EXPECTED_NORMALISED.items():
        assert normalise_multiplicity(printed) == normalised
    with pytest.raises(ValueError):
        normalise_multiplicity("")
    with pytest.raises(ValueError):
        normalise_multiplicity("2")


def test_every_multiplicity_is_normalised() -> None:
    for i in tables.ITEMS.values():
        assert i.multiplicity in tables.MULTIPLICITIES, i.id
        assert i.multiplicity_as_printed in (*PRINTED_MULTIPLICITIES, ""), i.id
        if i.multiplicity_as_printed:
            assert i.multiplicity == EXPECTED_NORMALISED[i.multiplicity_as_printed], i.id


def test_blank_multiplicities_are_the_two_known_rows_and_mean_one() -> None:
    blank = sorted(i.id for i in tables.ITEMS.values() if i.multiplicity_as_printed == "")
    assert blank == ["T1/5", "T2/6.1"]
    for item_id in blank:
        assert item(item_id).multiplicity == "1"
        assert item(item_id).required and not item(item_id).repeatable


def test_printed_double_dot_rows_are_kept_as_printed() -> None:
    assert item("T1/13").multiplicity_as_printed == "0..1"
    assert item("T1/13").multiplicity == "0..1"
    assert item("T3/8.1").multiplicity_as_printed == "0..1"
    assert item("T2/6").multiplicity_as_printed == "0..1"


@pytest.mark.parametrize(
    ("item_id", "min_occurs", "max_occurs", "required", "repeatable"),
    [
        ("T3/7.6.4.3", 1, None, True, True),  # 1.*
        ("T3/7.6.4.4", 1, 1, True, False),  # 1
        ("T3/7.6.4.1", 0, 1, False, False),  # 0.1
        ("T3/9", 0, None, False, True),  # 0.*
        ("T1/13", 0, 1, False, False),  # 0..1
    ],
)
def test_occurs_properties(
    item_id: str, min_occurs: int, max_occurs: int | None, required: bool, repeatable: bool
) -> None:
    i = item(item_id)
    assert (i.min_occurs, i.max_occurs, i.required, i.repeatable) == (
        min_occurs,
        max_occurs,
        required,
        repeatable,
    )


# --- lookups, ids, structure -------------------------------------------------------------------------


def test_item_lookup() -> None:
    assert item("T3/7.6.4.3").name_ru == "Товаросопроводительный документ"
    assert (
        item("T3/7.6.4.3").note_ru
        == "сведения о виде, номере и дате оформления товаросопроводительного документа"
    )
    assert item("T1/6").name_ru == "Статус действия свидетельства"
    assert item("T4/1").name_ru == "Код языка"
    assert item("T6/8").name_ru == "Приложенный к ответу документ"
    assert item("T2/7.2").note_ru == "наименование пункта пропуска, классификация"
    assert (
        item("T3/6").description_ru
        == "Признак, указывающий на актуальность случая: 0 – архивный 1 – актуальный"
    )


def test_unknown_item_raises_a_clear_key_error() -> None:
    with pytest.raises(KeyError, match=r"T3/99.*Tables 1–6"):
        item("T3/99")
    with pytest.raises(KeyError):
        item("7.6.4.3")  # the table prefix is part of the id


def test_table_3_star_numbers_are_written_out() -> None:
    # Table 3 prints the children of 7.6.4.5 as "*.1", "*.2", "*.2.1", "*.2.2", "*.2.3".
    children = [i.id for i in TABLES[3].items if i.id.startswith("T3/7.6.4.5.")]
    assert children == [
        "T3/7.6.4.5.1",
        "T3/7.6.4.5.2",
        "T3/7.6.4.5.2.1",
        "T3/7.6.4.5.2.2",
        "T3/7.6.4.5.2.3",
    ]
    assert not any("*" in i.number for i in tables.ITEMS.values())
    assert item("T3/7.6.4.5.1").parent == "T3/7.6.4.5"
    assert item("T3/7.6.4.5.2.1").parent == "T3/7.6.4.5.2"
    assert item("T3/7.6.4.5.2.1").name_ru == "Сведения о нормативе показателя безопасности продукции"


def test_ids_numbers_and_parents_are_consistent() -> None:
    for table in TABLES.values():
        seen: set[str] = set()
        for i in table.items:
            assert i.id == f"T{table.number}/{i.number}"
            assert re.fullmatch(r"\d+(\.\d+)*", i.number), i.id
            if "." in i.number:
                assert i.parent == f"T{table.number}/{i.number.rsplit('.', 1)[0]}"
                assert i.parent in seen, f"{i.id}: parent printed later"
            else:
                assert i.parent is None
            assert i.description_ru, f"{i.id}: every row has a description"
            seen.add(i.id)
    assert [c.id for c in TABLES[1].children("T1/8")] == ["T1/8.1", "T1/8.2", "T1/8.3", "T1/8.4"]
    assert [c.number for c in TABLES[6].children(None)] == [str(n) for n in range(1, 9)]


def test_items_are_frozen() -> None:
    with pytest.raises(FrozenInstanceError):
        item("T1/1").name_ru = "x"  # type: ignore[misc]


def test_table_4_item_8_keeps_its_four_grounds() -> None:
    note = item("T4/8").note_ru.splitlines()
    assert note[0] == "значение реквизита должно соответствовать одному из следующих значений:"
    assert [line.split(" – ", 1)[0] for line in note[1:]] == ["1", "2", "3", "4"]


# --- which Rules paragraph introduces which table -----------------------------------------------------


def _rules_paragraphs(text: str) -> dict[int, str]:
    rules = text.split("Приложение № 1", 1)[0]
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"(?m)^\s*(\d+)\.\s+(.*)$", rules)}


def test_table_paragraphs() -> None:
    assert TABLE_PARAGRAPH == {1: "§15", 2: "§16", 3: "§22, §38", 4: "§27", 5: "§28", 6: "§37"}
    paragraphs = _rules_paragraphs(regulation_text())
    for number, refs in TABLE_PARAGRAPH.items():
        assert TABLES[number].paragraph == refs
        for ref in refs.split(", "):
            text = paragraphs[int(ref.removeprefix("§"))]
            assert re.search(rf"(?i)таблиц\w*\s+{number}\b", text), (
                f"Rules {ref} does not cite Table {number}"
            )
