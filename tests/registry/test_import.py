"""Bulk import of registry dumps on both engines, and the ``sanmeasures registry`` commands.

Each certificate of a dump is checked on its own against Table 1 (XSD and model rules): the bad ones
are reported with their reasons and every good neighbour is imported; importing the same file twice
imports nothing new. The dumps are described in tests/data/registry/README.md.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.ext.asyncio import AsyncEngine
from typer.testing import CliRunner

from sanmeasures.registry.cli import registry_app
from sanmeasures.registry.importer import COLUMNS, ImportProgress, ImportSummary, import_file
from sanmeasures.registry.store import history, status_of
from sanmeasures.storage.tables import certificate_versions, certificates
from tests.conftest import alembic_config

DATA = Path(__file__).resolve().parents[1] / "data" / "registry"
XML_DUMP = DATA / "registry-dump.xml"
CSV_DUMP = DATA / "registry-dump.csv"

XML_GOOD = [
    "KZ.16.01.78.003.R.000541.05.24",
    "RU.77.99.88.003.E.001234.05.24",
    "BY.70.06.01.015.E.000087.03.23",
    "KZ.16.01.78.003.R.000542.05.24",
    "AM.01.01.01.002.R.000015.09.22",
]
CSV_GOOD = [
    "KZ.16.01.78.003.R.000541.05.24",
    "RU.77.99.88.003.E.001234.05.24",
    "BY.70.06.01.015.E.000087.03.23",
    "AM.01.01.01.002.R.000015.09.22",
    "KG.11.01.09.001.R.000310.11.23",
]


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


async def count(engine: AsyncEngine, table: sa.Table) -> int:
    async with engine.connect() as connection:
        return (await connection.execute(sa.select(sa.func.count()).select_from(table))).scalar_one()


async def known(engine: AsyncEngine, numbers: list[str], registry: str = "unified") -> list[str]:
    async with engine.connect() as connection:
        return [n for n in numbers if await status_of(connection, n, registry=registry) is not None]  # type: ignore[arg-type]


# =================================================================================================
# XML
# =================================================================================================
@pytest.mark.parametrize("batch_size", [2000, 2, 1])
async def test_xml_dump_imports_every_good_certificate_and_reports_the_bad_ones(
    engine: AsyncEngine, batch_size: int
) -> None:
    summary = await import_file(engine, XML_DUMP, batch_size=batch_size)
    assert (summary.format, summary.read, summary.imported, summary.unchanged, summary.rejected) == (
        "xml",
        7,
        5,
        0,
        2,
    )
    assert not summary.file_issues and not summary.ok
    month, authority = summary.rejections
    # Certificate 3: month 13 in the number (a model rule, Table 1 item 3).
    assert (month.position, month.registration_number) == (3, "KZ.16.01.78.003.R.000543.13.24")
    assert month.line == line_of(XML_DUMP, "<csdo:DocId>KZ.16.01.78.003.R.000543.13.24") - 3
    (issue,) = month.issues
    assert (issue.rule, issue.item) == ("certificate.number.template", "T1/3")
    assert (
        issue.xpath
        == "/doc:StateRegistrationCertificateDetails/doc:RegistrationCertificateDetails[3]/csdo:DocId"
    )
    assert "ЗЗ – месяц от 01 до 12" in issue.message_ru and "MM must be a month 01–12" in issue.message_en
    # Certificate 5: the issuing authority (item 12, multiplicity 1) is missing (the XSD).
    assert (authority.position, authority.registration_number) == (5, "KG.11.01.09.001.R.000311.11.23")
    (issue,) = authority.issues
    assert (issue.stage, issue.item) == (
        "xsd",
        "T1/12",
    ) and "ccdo:UnifiedAuthorityDetails" in issue.message_en
    assert "RegistrationCertificateDetails[5]" in (issue.xpath or "")
    assert await known(engine, XML_GOOD) == XML_GOOD
    assert await known(engine, ["KZ.16.01.78.003.R.000543.13.24", "KG.11.01.09.001.R.000311.11.23"]) == []
    assert await count(engine, certificate_versions) == 5


async def test_xml_values_reach_the_current_rows(engine: AsyncEngine) -> None:
    await import_file(engine, XML_DUMP)
    async with engine.connect() as connection:
        ru = await status_of(connection, "RU.77.99.88.003.Е.001234.05.24", today=dt.date(2026, 1, 1))
        am = await status_of(connection, "AM.01.01.01.002.R.000015.09.22")
        versions = await history(connection, "RU.77.99.88.003.E.001234.05.24", registry="unified")
    assert ru is not None and (ru.state, ru.status_start, ru.status_end) == (
        "suspended",
        dt.date(2025, 2, 10),
        dt.date(2025, 8, 10),
    )
    assert ru.registration_number_as_written == "RU.77.99.88.003.Е.001234.05.24"  # kept as written
    assert am is not None and am.state == "annulled" and am.valid_until == dt.date(2027, 9, 4)
    assert [(v.version, v.source, v.document_id) for v in versions] == [(1, "import", None)]


async def test_importing_the_same_xml_twice_imports_nothing_new(engine: AsyncEngine) -> None:
    await import_file(engine, XML_DUMP)
    again = await import_file(engine, XML_DUMP)
    assert (again.read, again.imported, again.unchanged, again.rejected) == (7, 0, 5, 2)
    assert await count(engine, certificate_versions) == 5


async def test_the_national_part_is_imported_apart_from_the_unified_registry(engine: AsyncEngine) -> None:
    summary = await import_file(engine, XML_DUMP, registry="national")
    assert summary.imported == 5
    assert await known(engine, XML_GOOD, "national") == XML_GOOD
    assert await known(engine, XML_GOOD, "unified") == []


async def test_a_truncated_xml_keeps_what_was_read_before_the_break(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    text = XML_DUMP.read_text()
    cut = text.index("<csdo:DocId>BY.70.06.01.015.E.000087.03.23")  # inside certificate 4
    broken = tmp_path / "broken.xml"
    broken.write_text(text[:cut])
    summary = await import_file(engine, broken)
    assert (summary.read, summary.imported, summary.rejected) == (3, 2, 1)
    (issue,) = summary.file_issues
    assert issue.rule == "import.xml.syntax" and issue.line is not None
    assert (
        "not well-formed" in issue.message_en
        and "Свидетельства, прочитанные до этого места" in issue.message_ru
    )


@pytest.mark.parametrize(
    ("content", "rule"),
    [
        (
            '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n'
            '<doc:StateRegistrationCertificateDetails xmlns:doc="urn:EEC:R:SM:SS:07:StateRegistrationCertificate:v1.0.0">'
            "&a;</doc:StateRegistrationCertificateDetails>",
            "import.xml.doctype",
        ),
        ('<?xml version="1.0"?>\n<other xmlns="urn:example"><item/></other>', "import.xml.root"),
        (
            '<?xml version="1.0"?>\n<doc:StateRegistrationCertificateDetails '
            'xmlns:doc="urn:EEC:R:SM:SS:07:StateRegistrationCertificate:v1.0.0"/>',
            "import.xml.empty",
        ),
        ("", "import.xml.syntax"),
    ],
)
async def test_a_file_that_is_not_a_registry_dump_is_refused_as_a_whole(
    engine: AsyncEngine, tmp_path: Path, content: str, rule: str
) -> None:
    path = tmp_path / "dump.xml"
    path.write_text(content)
    summary = await import_file(engine, path)
    assert [issue.rule for issue in summary.file_issues] == [rule]
    assert (summary.read, summary.imported) == (0, 0) and not summary.ok


async def test_a_header_of_another_structure_refuses_the_file(engine: AsyncEngine, tmp_path: Path) -> None:
    path = tmp_path / "dump.xml"
    path.write_text(
        XML_DUMP.read_text().replace("<csdo:EDocCode>R.SM.SS.07.001<", "<csdo:EDocCode>R.SM.SS.08.001<")
    )
    summary = await import_file(engine, path)
    (issue,) = summary.file_issues
    assert issue.rule == "import.xml.header" and "R.SM.SS.08.001" in issue.message_en
    assert summary.imported == 0


async def test_an_element_foreign_to_the_structure_is_reported_and_its_neighbours_imported(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    text = XML_DUMP.read_text()
    second = text.index(
        "  <doc:RegistrationCertificateDetails>", text.index("</doc:RegistrationCertificateDetails>")
    )
    path = tmp_path / "dump.xml"
    path.write_text(text[:second] + "  <doc:Remark>not a certificate</doc:Remark>\n" + text[second:])
    summary = await import_file(engine, path)
    assert (summary.imported, summary.rejected) == (5, 2)
    (issue,) = summary.file_issues
    assert issue.rule == "import.xml.unexpected" and "doc:Remark" in issue.message_en


# =================================================================================================
# CSV
# =================================================================================================
@pytest.mark.parametrize("batch_size", [2000, 2])
async def test_csv_dump_imports_every_good_row_and_reports_the_bad_ones(
    engine: AsyncEngine, batch_size: int
) -> None:
    summary = await import_file(engine, CSV_DUMP, batch_size=batch_size)
    assert (summary.format, summary.read, summary.imported, summary.unchanged, summary.rejected) == (
        "csv",
        9,
        5,
        0,
        4,
    )
    by_row = {r.position: r for r in summary.rejections}
    assert sorted(by_row) == [4, 6, 7, 8]
    assert [by_row[row].line for row in (4, 6, 7, 8)] == [5, 7, 8, 9]
    # Row 4: two reasons at once, each naming its column and table item.
    assert {(i.details["column"], i.item, i.rule) for i in by_row[4].issues} == {
        ("issued_on", "T1/4", "date_from_datetime_parsing"),
        ("status_code", "T1/6", "certificate.status.code"),
    }
    assert by_row[4].registration_number == "KZ.16.01.78.003.R.000544.05.24"
    assert any("не является датой" in reason for reason in by_row[4].reasons())
    (letter_e,) = by_row[6].issues
    assert (letter_e.rule, letter_e.details["column"]) == (
        "certificate.number.letter_e",
        "technical_regulations",
    )
    assert "Letter E" in letter_e.message_en and "Литера E" in letter_e.message_ru
    (evidence,) = by_row[7].issues
    assert (evidence.rule, evidence.details["column"], evidence.item) == (
        "import.csv.entry",
        "evidence_documents",
        "T1/11",
    )
    (width,) = by_row[8].issues
    assert width.rule == "import.csv.row_width" and "4 values" in width.message_en
    assert await known(engine, CSV_GOOD) == CSV_GOOD
    assert await count(engine, certificates) == 5


async def test_csv_values_become_the_table_1_model(engine: AsyncEngine) -> None:
    await import_file(engine, CSV_DUMP)
    async with engine.connect() as connection:
        (kz,) = await history(connection, "KZ.16.01.78.003.R.000541.05.24", registry="unified")
        (by,) = await history(connection, "BY.70.06.01.015.E.000087.03.23", registry="unified")
        (am,) = await history(connection, "AM.01.01.01.002.R.000015.09.22", registry="unified")
        ru = await status_of(connection, "RU.77.99.88.003.E.001234.05.24")
    certificate = kz.certificate
    assert certificate.form_number_id == "0012457"
    assert certificate.certificate_validity_period_details.unlimited
    assert certificate.applicant_details.business_entity_id.model_dump() == {
        "value": "180540012345",
        "kind_id": "KZ01",
    }
    location, site = certificate.manufacturer_details.subject_address_details
    assert (
        location.address_kind_code,
        location.post_code,
        location.city_name,
        location.building_number_id,
    ) == (
        "1",
        "A05F2X1",
        "г. Алматы",
        "263",
    )
    assert location.unified_country_code is not None and location.unified_country_code.value == "KZ"
    assert (site.address_kind_code, site.region_name, site.settlement_name, site.street_name) == (
        "2",
        "Алматинская область",
        "п. Отеген батыр",
        "ул. Заводская",
    )
    protocols = certificate.conformity_evidence_doc_details
    assert [(p.doc_id, p.doc_creation_date, p.accreditation_certificate_id) for p in protocols] == [
        ("1245-М", dt.date(2024, 5, 2), "KZ.T.02.0123"),
        ("1246-Х", dt.date(2024, 5, 3), "KZ.T.02.0123"),
    ]
    assert certificate.union_act_details.technical_regulation_id == ["ТР ТС 021/2011", "ТР ТС 033/2013"]
    assert by.certificate.applicant_details.business_entity_id.kind_id == "BY01"
    assert am.certificate.union_act_details.technical_regulation_id == ["ТР ТС 021/2011", "ТР ТС 027/2012"]
    assert ru is not None and (ru.state, ru.status_start, ru.status_end, ru.valid_until) == (
        "suspended",
        dt.date(2025, 2, 10),
        dt.date(2025, 8, 10),
        dt.date(2029, 5, 27),
    )


async def test_importing_the_same_csv_twice_imports_nothing_new(engine: AsyncEngine) -> None:
    await import_file(engine, CSV_DUMP)
    again = await import_file(engine, CSV_DUMP)
    assert (again.read, again.imported, again.unchanged, again.rejected) == (9, 0, 5, 4)
    assert await count(engine, certificate_versions) == 5


async def test_a_semicolon_separated_csv_with_a_changed_status_adds_one_version(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    """Spreadsheets in a Russian locale write ``;``; a status change in a later dump is a new version."""
    await import_file(engine, CSV_DUMP)
    with CSV_DUMP.open(newline="", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    kz = next(row for row in rows if row["registration_number"] == "KZ.16.01.78.003.R.000541.05.24")
    kz.update(status_code="приостановлено", status_start="01.03.2025", status_end="01.06.2025")
    path = tmp_path / "update.csv"
    with path.open("w", newline="", encoding="utf-8-sig") as target:
        writer = csv.DictWriter(target, fieldnames=list(kz), delimiter=";")
        writer.writeheader()
        writer.writerow(kz)
    summary = await import_file(engine, path)
    assert (summary.read, summary.imported, summary.rejected) == (1, 1, 0) and summary.ok
    async with engine.connect() as connection:
        status = await status_of(connection, "KZ.16.01.78.003.R.000541.05.24")
    assert status is not None and [(h.state, h.start) for h in status.history] == [
        ("in_force", dt.date(2024, 5, 17)),
        ("suspended", dt.date(2025, 3, 1)),
    ]


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ([*COLUMNS, "remarks"], "unknown columns remarks"),
        ([c for c in COLUMNS if c != "authority_name"], "missing columns authority_name"),
        (
            [c for c in COLUMNS if c not in ("technical_regulations", "sanitary_requirements_section")],
            "neither technical_regulations nor sanitary_requirements_section",
        ),
    ],
)
async def test_a_csv_header_the_importer_cannot_map_refuses_the_file(
    engine: AsyncEngine, tmp_path: Path, header: list[str], fragment: str
) -> None:
    path = tmp_path / "dump.csv"
    path.write_text(",".join(header) + "\n")
    summary = await import_file(engine, path)
    (issue,) = summary.file_issues
    assert issue.rule == "import.csv.columns" and fragment in issue.message_en
    assert summary.read == 0


async def test_progress_is_reported_in_bytes_and_certificates(engine: AsyncEngine) -> None:
    reports: list[ImportProgress] = []
    await import_file(engine, CSV_DUMP, batch_size=3, progress=reports.append)
    assert [r.read for r in reports] == [3, 6, 9, 9]
    last = reports[-1]
    assert (last.imported, last.rejected) == (5, 4)
    assert last.bytes_read == last.bytes_total == CSV_DUMP.stat().st_size


async def test_the_format_comes_from_the_suffix_or_is_given(engine: AsyncEngine, tmp_path: Path) -> None:
    other = tmp_path / "dump.txt"
    other.write_bytes(CSV_DUMP.read_bytes())
    with pytest.raises(ValueError, match="suffix"):
        await import_file(engine, other)
    summary = await import_file(engine, other, format="csv")
    assert isinstance(summary, ImportSummary) and summary.imported == 5


# =================================================================================================
# sanmeasures registry …
# =================================================================================================
runner = CliRunner()


@pytest.fixture
def migrated_sqlite(sqlite_url: str) -> str:
    command.upgrade(alembic_config(sqlite_url), "head")
    return sqlite_url


def test_cli_import_lists_rejections_and_exits_one(migrated_sqlite: str) -> None:
    result = runner.invoke(registry_app, ["import", str(CSV_DUMP), "--database-url", migrated_sqlite])
    assert result.exit_code == 1, result.output
    assert "9 read, 5 imported, 0 unchanged, 4 rejected" in result.output
    assert "row 4, line 5 KZ.16.01.78.003.R.000544.05.24:" in result.output
    assert "[status_code T1/6] Статус действия свидетельства 7 отсутствует в классификаторе" in result.output
    assert "row 8, line 9" in result.output


def test_cli_import_of_a_clean_file_exits_zero_and_twice_imports_nothing(
    migrated_sqlite: str, tmp_path: Path
) -> None:
    lines = CSV_DUMP.read_text(encoding="utf-8").splitlines(keepends=True)
    clean = tmp_path / "clean.csv"
    clean.write_text("".join(lines[:4]), encoding="utf-8")  # the header and rows 1–3, all valid
    arguments = ["import", str(clean), "--registry", "national", "--database-url", migrated_sqlite]
    first = runner.invoke(registry_app, arguments)
    assert first.exit_code == 0, first.output
    assert "-> national registry: 3 read, 3 imported, 0 unchanged, 0 rejected" in first.output
    second = runner.invoke(registry_app, arguments)
    assert second.exit_code == 0, second.output
    assert "3 read, 0 imported, 3 unchanged, 0 rejected" in second.output


def test_cli_import_with_a_format_and_an_unknown_suffix(migrated_sqlite: str, tmp_path: Path) -> None:
    dump = tmp_path / "dump.data"
    dump.write_bytes(XML_DUMP.read_bytes())
    refused = runner.invoke(registry_app, ["import", str(dump), "--database-url", migrated_sqlite])
    assert refused.exit_code == 2 and "suffix" in refused.output
    result = runner.invoke(
        registry_app, ["import", str(dump), "--format", "xml", "--database-url", migrated_sqlite]
    )
    assert result.exit_code == 1 and "5 imported" in result.output
    assert "certificate 3, line" in result.output and "MM must be a month 01–12" in result.output


def test_cli_status_prints_the_status_with_dates_and_history(migrated_sqlite: str) -> None:
    runner.invoke(registry_app, ["import", str(XML_DUMP), "--database-url", migrated_sqlite])
    result = runner.invoke(
        registry_app,
        [
            "status",
            "ru.77.99.88.003.е.001234.05.24",
            "--database-url",
            migrated_sqlite,
            "--today",
            "2026-01-01",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (
        "RU.77.99.88.003.E.001234.05.24: suspended / действие приостановлено (unified registry)"
        in result.output
    )
    assert "status       2 from 2025-02-10 to 2025-08-10" in result.output
    assert "validity     2024-05-28 – 2029-05-27" in result.output
    assert "v1  2025-02-10 to 2025-08-10  suspended" in result.output


def test_cli_status_of_an_unknown_number_exits_one(migrated_sqlite: str) -> None:
    result = runner.invoke(
        registry_app, ["status", "KZ.16.01.78.003.R.999999.05.24", "--database-url", migrated_sqlite]
    )
    assert result.exit_code == 1
    assert "KZ.16.01.78.003.R.999999.05.24: unknown / не найдено (unified registry)" in result.output
    national = runner.invoke(
        registry_app,
        [
            "status",
            "KZ.16.01.78.003.R.000541.05.24",
            "--registry",
            "national",
            "--database-url",
            migrated_sqlite,
        ],
    )
    assert national.exit_code == 1 and "national registry" in national.output
