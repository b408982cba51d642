"""Code lists of ``sanmeasures.contract.classifiers``.

Values that come from the regulation (Table 4 item 8 grounds) and from the list of EAEU
technical regulations are compared with the shared seeds (``$SANMEASURES_SHARED`` or
``../shared`` next to the repository); a missing seed is a failure, never a skip.
"""

from __future__ import annotations

import re

import pycountry
import pytest

from sanmeasures.contract import tables
from sanmeasures.contract.classifiers import (
    CODE_LISTS,
    COUNTRY_CODE_LIST_ID,
    MEMBER_STATE_CODES,
    Code,
    CodeList,
    code_list,
)
from tests.support.shared import CONFORMITY_BODY_SEED, REGULATION_SEED, shared_file

# smsdo:TechnicalRegulationIdType – Cyrillic Т, Р, С, Е, А, Э.
TR_PATTERN = re.compile(r"ТР (ТС|ЕАЭС) \d{3}/\d{4}")


def read_seed(relative: str) -> str:
    return shared_file(relative).read_text(encoding="utf-8")


def seed_measure_grounds() -> dict[str, str]:
    """Table 4 item 8 of the Russian text: "1 – …" … "4 – …"."""
    russian = read_seed(REGULATION_SEED).split("Санитариялық шараларды", 1)[0]
    table_4 = russian.split("Таблица 4", 1)[1].split("Таблица 5", 1)[0]
    block = table_4.split("8. Основание для введения временной санитарной меры", 1)[1]
    block = block.split("9. Обоснование для введения временной санитарной меры", 1)[0]
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"(?m)^\s*(\d)\s+–\s+(.+)$", block)}


def seed_technical_regulations() -> list[tuple[str, str]]:
    """(code, title) of the bulleted list of technical regulations in seed 000."""
    found: list[tuple[str, str]] = []
    for line in read_seed(CONFORMITY_BODY_SEED).splitlines():
        m = re.match(r"^\s*·\s*(ТР (?:ТС|ЕАЭС) \d{3}/\d{4})\s+[«\"](.+?)[»\"]?[\s.]*$", line)
        if m:
            found.append((m.group(1), m.group(2).strip()))
    return found


# --- structure of the registry -------------------------------------------------------------------


def test_registry_names_and_lookup() -> None:
    expected = {
        "member_states",
        "countries",
        "languages",
        "incident_kinds",
        "sanitary_measure_kinds",
        "temporary_measure_forms",
        "measure_objects",
        "measure_grounds",
        "certificate_statuses",
        "archive_flags",
        "technical_regulations",
        "border_checkpoint_kinds",
        "processing_results",
        "pathogen_kinds",
        "age_groups",
        "disease_outcomes",
        "laboratory_test_kinds",
        "protocol_refusal_reasons",
        "information_resources",
    }
    assert set(CODE_LISTS) == expected
    for name in expected:
        assert code_list(name) is CODE_LISTS[name]
    with pytest.raises(KeyError, match="no code list 'nope'"):
        code_list("nope")


def test_code_list_ids_are_non_empty_and_unique() -> None:
    ids: dict[str, list[str]] = {}
    for name, cl in CODE_LISTS.items():
        assert cl.id.strip(), name
        assert len(cl.id) <= 20, name  # csdo:ReferenceDataIdType maxLength 20
        ids.setdefault(cl.id, []).append(name)
    shared = {i: names for i, names in ids.items() if len(names) > 1}
    assert shared == {COUNTRY_CODE_LIST_ID: ["member_states", "countries"]}
    assert COUNTRY_CODE_LIST_ID == "P.CLS.019"
    assert code_list("languages").id == "P.CLS.021"


def test_every_list_documents_its_source_and_names() -> None:
    for name, cl in CODE_LISTS.items():
        assert cl.source.strip(), name
        assert cl.name_ru.strip() and cl.name_en.strip(), name
        assert len(cl) > 0, name
        for entry in cl:
            assert entry.code.strip() and entry.code == entry.code.strip(), (name, entry)
            assert entry.name_ru.strip() and entry.name_en.strip(), (name, entry)


def test_codes_are_unique_within_each_list() -> None:
    for name, cl in CODE_LISTS.items():
        codes = cl.codes()
        assert len(codes) == len(set(codes)), name


def test_duplicate_codes_are_rejected() -> None:
    with pytest.raises(ValueError, match="duplicate code '1'"):
        CodeList("X.1", "x", "x", "test", (Code("1", "a", "a"), Code("1", "b", "b")))


def test_helpers() -> None:
    states = code_list("member_states")
    assert "KZ" in states
    assert "XX" not in states
    assert states.get("XX") is None
    assert states.get("KZ") == states["KZ"]
    assert states["KZ"].name("kk") == "Қазақстан"
    assert states["KZ"].name("en") == "Kazakhstan"
    assert code_list("archive_flags")["1"].name("kk") == "актуальный"  # falls back to Russian
    with pytest.raises(KeyError, match=r"'XX' is not in code list P\.CLS\.019"):
        states["XX"]


# --- countries, member states, languages ----------------------------------------------------------


def test_member_states_are_exactly_the_five() -> None:
    states = code_list("member_states")
    assert states.codes() == ("AM", "BY", "KZ", "KG", "RU")
    assert states.codes() == MEMBER_STATE_CODES
    assert states.id == "P.CLS.019"
    for entry in states:
        assert entry.name_ru and entry.name_en and entry.name_kk, entry
    assert states["RU"].name_ru == "Россия"
    assert states["KG"].name_ru == "Кыргызстан"


def test_countries_cover_iso_3166_and_agree_with_member_states() -> None:
    countries = code_list("countries")
    assert countries.id == "P.CLS.019"
    assert set(countries.codes()) == {c.alpha_2 for c in pycountry.countries}
    assert "DE" in countries and "CN" in countries
    assert countries["DE"].name_en == "Germany"
    for entry in code_list("member_states"):
        assert countries[entry.code] == entry
    assert all(re.fullmatch(r"[A-Z]{2}", c) for c in countries.codes())  # csdo:UnifiedCountryCodeType


def test_languages() -> None:
    languages = code_list("languages")
    for code in ("ru", "kk", "en", "hy", "be", "ky"):
        assert code in languages, code
    assert languages["ru"].name_ru == "русский"
    assert languages["kk"].name_en == "Kazakh"
    assert all(re.fullmatch(r"[a-z]{2}", c) for c in languages.codes())  # csdo:LanguageCodeType
    assert len(languages) > 150


# --- lists from the regulation -------------------------------------------------------------------


def test_measure_grounds_equal_the_regulation() -> None:
    grounds = code_list("measure_grounds")
    seed = seed_measure_grounds()
    assert sorted(seed) == ["1", "2", "3", "4"], "could not read Table 4 item 8 from the seed"
    assert grounds.codes() == ("1", "2", "3", "4")
    assert {e.code: e.name_ru for e in grounds} == seed
    # and with the table module, which carries the same note (Table 4 item 8)
    note = tables.item("T4/8").note_ru
    for entry in grounds:
        assert f"{entry.code} – {entry.name_ru}" in note
    assert all(len(c) == 1 for c in grounds.codes())  # smsdo:MeasureReasonCode, csdo:Code1Type


def test_technical_regulations_equal_the_seed_list() -> None:
    seed = seed_technical_regulations()
    assert len(seed) == 29, "could not read the list of technical regulations from seed 000"
    assert seed[0] == ("ТР ТС 004/2011", "О безопасности низковольтного оборудования")
    assert seed[-1][0] == "ТР ЕАЭС 044/2017"
    regulations = code_list("technical_regulations")
    assert [(e.code, e.name_ru) for e in regulations] == seed


def test_technical_regulation_codes_match_the_xsd_pattern_in_cyrillic() -> None:
    for code in code_list("technical_regulations").codes():
        assert TR_PATTERN.fullmatch(code), code
        assert not re.search(r"[A-Za-z]", code), f"{code}: Latin look-alike letters"
    assert "ТР ТС 021/2011" in code_list("technical_regulations")
    assert "TP TC 021/2011" not in code_list("technical_regulations")  # Latin letters


def test_lists_quoted_by_table_items() -> None:
    # Table 3 item 9.1: "граждане государств-членов; товары и продукция; транспортные средства"
    note = tables.item("T3/9.1").note_ru
    assert [e.name_ru for e in code_list("measure_objects")] == [
        "граждане государств-членов",
        "товары и продукция",
        "транспортные средства",
    ]
    for entry in code_list("measure_objects"):
        assert entry.name_ru in note
    # Table 1 item 6: "действует, действие приостановлено, аннулировано (отозвано)"
    for entry in code_list("certificate_statuses"):
        assert entry.name_ru in tables.item("T1/6").note_ru
    assert code_list("certificate_statuses").codes() == ("1", "2", "3")
    # Table 3 item 6: "0 – архивный 1 – актуальный"
    description = tables.item("T3/6").description_ru
    for entry in code_list("archive_flags"):
        assert f"{entry.code} – {entry.name_ru}" in description
    assert code_list("archive_flags").codes() == ("0", "1")


def test_incident_kinds() -> None:
    kinds = code_list("incident_kinds")
    assert kinds.id == "SM.CLS.001"
    assert kinds.codes() == ("1", "2", "3", "4", "5")
    assert kinds["1"].name_ru == "первичное сообщение"
    assert kinds["3"].name_ru == "заключительное сообщение"
    assert kinds["4"].name_ru == "подтверждение безопасности продукции"
    assert all(1 <= len(c) <= 2 for c in kinds.codes())  # smsdo:IncidentKindCode, csdo:Code1to2Type


def test_temporary_measure_forms() -> None:
    forms = code_list("temporary_measure_forms")
    assert [(e.code, e.name_ru) for e in forms] == [
        ("1", "запрет"),
        ("2", "ограничение"),
        ("3", "приостановление"),
    ]
    assert "149" in forms.source


def test_own_lists_have_their_ids_and_sizes() -> None:
    expected_ids = {
        "incident_kinds": "SM.CLS.001",
        "sanitary_measure_kinds": "SM.CLS.002",
        "temporary_measure_forms": "SM.CLS.003",
        "measure_objects": "SM.CLS.004",
        "measure_grounds": "SM.CLS.005",
        "certificate_statuses": "SM.CLS.006",
        "archive_flags": "SM.CLS.007",
        "technical_regulations": "SM.CLS.008",
        "border_checkpoint_kinds": "SM.CLS.009",
        "processing_results": "SM.CLS.010",
        "pathogen_kinds": "SM.CLS.011",
        "age_groups": "SM.CLS.012",
        "disease_outcomes": "SM.CLS.013",
        "laboratory_test_kinds": "SM.CLS.014",
        "protocol_refusal_reasons": "SM.CLS.015",
        "information_resources": "SM.CLS.016",
    }
    assert {n: code_list(n).id for n in expected_ids} == expected_ids
    assert len(code_list("sanitary_measure_kinds")) >= 12
    assert [e.name_ru for e in code_list("border_checkpoint_kinds")] == [
        "автомобильный",
        "железнодорожный",
        "воздушный",
        "морской",
        "речной",
        "пешеходный",
        "смешанный",
    ]
    assert [e.name_en for e in code_list("processing_results")] == [
        "received",
        "accepted (processed successfully)",
        "rejected (errors)",
    ]
    assert [e.name_en for e in code_list("disease_outcomes")] == [
        "recovered",
        "hospitalised",
        "died",
        "unknown",
    ]
    assert [e.name_en for e in code_list("pathogen_kinds")] == [
        "bacterium",
        "virus",
        "parasite",
        "fungus",
        "prion",
        "toxin",
    ]


def test_code_lengths_fit_the_xsd_types() -> None:
    assert all(1 <= len(c) <= 2 for c in code_list("pathogen_kinds").codes())  # smsdo:PathogenKindCodeType
    assert all(len(e.name_ru) <= 40 for e in code_list("pathogen_kinds"))  # smsdo:PathogenKindName Name40
    # smsdo:MeasureAffectedObjectKindCode, csdo:Code1to2Type
    assert all(1 <= len(c) <= 2 for c in code_list("measure_objects").codes())
    assert all(1 <= len(c) <= 10 for c in code_list("age_groups").codes())  # csdo:Code10Type
    assert all(1 <= len(c) <= 10 for c in code_list("disease_outcomes").codes())  # csdo:Code10Type
    assert all(1 <= len(c) <= 20 for c in code_list("sanitary_measure_kinds").codes())  # smsdo:MeasureCode
