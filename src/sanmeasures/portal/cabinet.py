"""The authorized bodies' personal cabinet for form 1KT (Rules §7з, §31ж, §33, §44).

Rules §31ж: the portal gives each authorized body a personal cabinet to place its information on the
sanitary protection of the customs territory of the Union by form 1KT (Appendix 4 to the Order of
sanitary control, CU Commission Decision No. 299). Rules §33: the annual reporting to the Commission
goes through these cabinets; §44: the authorized bodies keep the information current. The report for
a year is due by 15 February of the next year; a later submission is accepted and recorded as late.

Who sees what (through ``portal.access``):

* an authorized body's staff (logged in with its key, or a machine client with the participant's
  Bearer API key) read and change their own member state's reports only: drafts, submissions and
  corrections, each a numbered revision (``form1kt.store``);
* the Commission's staff read every member state's submitted reports of a year and their summary
  table (totals by line number and kind of transport), read-only; drafts stay the authority's own;
* anyone else is sent to ``/login`` (pages) or answered 401 (the JSON API).

Forms carry a per-session token against cross-site request forgery (on top of the SameSite=Lax
session cookie): a POST without it is refused with 403. The JSON API asks the same token in the
``X-CSRF-Token`` header when it is called with the session cookie; a Bearer key needs none.

Pages: ``/cabinet`` (reports by year), ``/cabinet/1kt/{year}`` (the form), ``…/upload`` (a filled-in
XLSX template from ``…/template.xlsx``, or JSON), ``…/{country}`` (one report, read-only, with its
revisions), ``…/summary`` (+ ``.csv``, ``.xlsx``). API: ``/api/v1/cabinet/1kt/{year}`` (GET, PUT a
draft), ``…/submit`` (POST), ``…/reports/{country}`` (GET), ``…/summary`` (GET).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, HTTPException, Path, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from pydantic import BaseModel, Field, ValidationError
from sqlalchemy.exc import IntegrityError
from starlette.datastructures import FormData, UploadFile

from sanmeasures.contract.classifiers import MEMBER_STATE_CODES
from sanmeasures.exchange.participants import AUTHORITY_NAMES
from sanmeasures.form1kt import store
from sanmeasures.form1kt.model import TRANSPORT_KINDS, Form1KT, TransportCounts
from sanmeasures.portal.access import (
    CSRF_FIELD,
    CSRF_HEADER,
    CSRF_REFUSED,
    Viewer,
    csrf_token,
    csrf_valid,
    require_staff,
    viewer,
)
from sanmeasures.portal.web import engine_of, render
from sanmeasures.processes.api import authenticated

# ================================================================================================
# Texts for the reader
# ================================================================================================


@dataclass(frozen=True)
class Message:
    """A text for the reader: an English msgid, translated when shown, and its parameters (plain
    values or Messages, translated too)."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def text(self, gettext: Callable[[str], str] = str) -> str:
        if not self.params:
            return gettext(self.msgid)
        values = {k: v.text(gettext) if isinstance(v, Message) else v for k, v in self.params.items()}
        return gettext(self.msgid) % values

    def __str__(self) -> str:
        return self.text()


DIRECTIONS: tuple[str, ...] = ("arrival", "departure")
#: Kind of transport → its column heading (English msgid; Russian in ``model.TRANSPORT_KINDS``).
KIND_LABELS: dict[str, str] = {"air": "Air", "water": "Water", "rail": "Rail", "road": "Road"}
COUNT_FIELDS: tuple[str, ...] = tuple(f"{d}-{k}" for d in DIRECTIONS for k in TRANSPORT_KINDS)
#: The fields of one line of the form, in the order of its columns.
ROW_FIELDS: tuple[str, ...] = ("line_number", "indicator", *COUNT_FIELDS)
HEAD_FIELDS: tuple[str, ...] = ("authority_name", "postal_address", "note")

#: Field → its name for error messages (English msgid).
LABELS: dict[str, str] = {
    "authority_name": "Name of the authorized body",
    "postal_address": "Postal address",
    "note": "Note",
    "line_number": "Line number",
    "indicator": "Indicator (sanitary-protection measure)",
    "arrival-air": "Arrival, air transport",
    "arrival-water": "Arrival, water transport",
    "arrival-rail": "Arrival, rail transport",
    "arrival-road": "Arrival, road transport",
    "departure-air": "Departure, air transport",
    "departure-water": "Departure, water transport",
    "departure-rail": "Departure, rail transport",
    "departure-road": "Departure, road transport",
}


def problem(error: Mapping[str, Any]) -> Message:
    """A pydantic error, said plainly."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing" or (kind == "string_too_short" and ctx.get("min_length") == 1):
        return Message("Required: fill this in.")
    if kind in ("int_parsing", "int_type", "int_from_float", "int_parsing_size"):
        return Message("Enter a whole number (digits only).")
    if kind == "greater_than_equal":
        return Message("Must be %(limit)s or more.", {"limit": ctx.get("ge")})
    if kind == "less_than_equal":
        return Message("Must be at most %(limit)s.", {"limit": ctx.get("le")})
    if kind == "string_too_long":
        return Message("At most %(limit)s characters.", {"limit": ctx.get("max_length")})
    if kind == "string_type":
        return Message("Enter text.")
    if kind == "extra_forbidden":
        return Message("Not a field of form 1KT.")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return Message("Expected an object with the fields of form 1KT.")
    if kind == "list_type":
        return Message("Expected a list of lines.")
    return Message("%(detail)s", {"detail": error.get("msg", kind)})


# ================================================================================================
# Years and deadlines
# ================================================================================================
FIRST_YEAR = 2010  # form 1KT: CU Commission Decision No. 299 of 28 May 2010

Year = Annotated[int, Path(ge=FIRST_YEAR, le=9999, description="The year reported")]
Country = Annotated[str, Path(pattern=r"^[A-Z]{2}$", description="Member state code (AM, BY, KZ, KG, RU)")]


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _check_year(year: int) -> None:
    if year > today().year:
        raise HTTPException(404, f"no form 1KT for {year}: the year has not begun")


def _submission_refused(year: int) -> str | None:
    """Why a report cannot be submitted yet: the year it reports is not over."""
    if year >= today().year:
        return f"the report for {year} can be submitted from 1 January {year + 1}, when the year is over"
    return None


def _check_country(country: str) -> None:
    if country not in MEMBER_STATE_CODES:
        raise HTTPException(404, f"{country} is not a member state (AM, BY, KZ, KG, RU)")


# ================================================================================================
# The form in HTML: rows of text fields ↔ Form1KT
# ================================================================================================
NEW_ROWS = 5  # empty lines offered under the filled ones, and added by "Add lines"
MAX_ROWS = 1000
#: A posted form: each row's fields and its "remove" box, the heading fields, the token, the button.
MAX_FORM_FIELDS = MAX_ROWS * (len(ROW_FIELDS) + 1) + 20


@dataclass
class Draft:
    """The form as shown and as posted: texts, so that a wrong entry comes back as typed."""

    head: dict[str, str]
    rows: list[dict[str, str]]
    author_name: str = ""
    errors: dict[str, list[Message]] = field(default_factory=dict)
    general: list[Message] = field(default_factory=list)

    @classmethod
    def of(cls, form: Form1KT | None, country: str) -> Draft:
        if form is None:
            head = {"authority_name": AUTHORITY_NAMES.get(country, ""), "postal_address": "", "note": ""}
            return cls(head, [])
        head = {"authority_name": form.authority_name, "postal_address": form.postal_address}
        head["note"] = form.note or ""
        rows = []
        for line in form.lines:
            row = {"line_number": str(line.line_number), "indicator": line.indicator}
            for direction in DIRECTIONS:
                counts: TransportCounts = getattr(line, direction)
                for kind in TRANSPORT_KINDS:
                    row[f"{direction}-{kind}"] = str(getattr(counts, kind))
            rows.append(row)
        return cls(head, rows)

    def with_empty_rows(self, count: int = NEW_ROWS) -> Draft:
        """The rows plus ``count`` empty ones, numbered on from the highest line number."""
        numbers = [int(r["line_number"]) for r in self.rows if r.get("line_number", "").isdigit()]
        start = max(numbers, default=0) + 1
        room = max(0, min(count, MAX_ROWS - len(self.rows)))
        empty = [{**dict.fromkeys(ROW_FIELDS, ""), "line_number": str(start + i)} for i in range(room)]
        return Draft(self.head, [*self.rows, *empty], self.author_name, self.errors, self.general)

    def error_list(self) -> list[tuple[str, Message]]:
        """Every field error with the field's place (for the list above the form)."""
        found = []
        for name, messages in self.errors.items():
            match = re.fullmatch(r"lines-(\d+)-(.+)", name)
            if match:
                where = Message(
                    "Row %(row)s of the table, %(column)s",
                    {"row": int(match.group(1)) + 1, "column": Message(LABELS[match.group(2)])},
                )
            else:
                where = Message(LABELS.get(name, name))
            found.extend(
                (name, Message("%(where)s: %(problem)s", {"where": where, "problem": m})) for m in messages
            )
        return found


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _number_text(value: str) -> str:
    """A count as people type it: «1 200» (thin or no-break spaces too) is 1200."""
    return re.sub(r"[\s\u00a0\u202f']", "", value)


def posted_draft(form: FormData) -> Draft:
    """The form as posted: its lines in the order of their row index, ticked "remove" ones dropped."""
    indices = sorted(
        {int(m.group(1)) for key in form if (m := re.fullmatch(r"lines-(\d{1,5})-[a-z_-]+", key))}
    )[:MAX_ROWS]
    rows = [
        {name: _text(form.get(f"lines-{i}-{name}")) for name in ROW_FIELDS}
        for i in indices
        if not form.get(f"lines-{i}-remove")
    ]
    head = {name: _text(form.get(name)) for name in HEAD_FIELDS}
    return Draft(head, rows, _text(form.get("author_name"))[:60])


def _blank(row: Mapping[str, str]) -> bool:
    """An unused row: nothing but (perhaps) its pre-filled line number."""
    return not any(row.get(name) for name in ROW_FIELDS if name != "line_number")


def validate_draft(draft: Draft) -> Form1KT | None:
    """Form1KT of the draft, or None with the draft's ``errors`` (by field name) filled in."""
    lines: list[dict[str, Any]] = []
    origin: list[int] = []  # row index of each line
    for index, row in enumerate(draft.rows):
        if _blank(row):
            continue
        line: dict[str, Any] = {}
        if row["line_number"]:
            line["line_number"] = _number_text(row["line_number"])
        if row["indicator"]:
            line["indicator"] = row["indicator"]
        for direction in DIRECTIONS:
            line[direction] = {
                kind: _number_text(row[f"{direction}-{kind}"])
                for kind in TRANSPORT_KINDS
                if row[f"{direction}-{kind}"]
            }
        lines.append(line)
        origin.append(index)
    data: dict[str, Any] = {"lines": lines, "note": draft.head.get("note") or None}
    for name in ("authority_name", "postal_address"):
        if draft.head.get(name):
            data[name] = draft.head[name]

    errors: dict[str, list[Message]] = {}
    repeated = _repeated_numbers(
        [(line.get("line_number"), row) for line, row in zip(lines, origin, strict=True)]
    )
    for number, rows in repeated.items():
        for row in rows:
            errors.setdefault(f"lines-{row}-line_number", []).append(
                Message(
                    "Line number %(number)s is used more than once: give each line its own number.",
                    {"number": number},
                )
            )
    form = None
    try:
        form = Form1KT.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = error["loc"]
            if not loc:
                if not repeated:
                    draft.general.append(problem(error))
                continue
            if loc[0] == "lines" and len(loc) > 1 and isinstance(loc[1], int):
                name = f"lines-{origin[loc[1]]}-" + "-".join(str(part) for part in loc[2:4])
                if name.endswith("-"):
                    name += "indicator"
            else:
                name = str(loc[0])
            errors.setdefault(name, []).append(problem(error))
    draft.errors = errors
    return None if errors or draft.general else form


def _repeated_numbers(numbers: Iterable[tuple[object, int]]) -> dict[int, list[int]]:
    seen: dict[int, list[int]] = {}
    for number, where in numbers:
        if isinstance(number, str) and number.isdigit():
            seen.setdefault(int(number), []).append(where)
    return {n: rows for n, rows in seen.items() if len(rows) > 1}


# ================================================================================================
# The XLSX template and uploads
# ================================================================================================
SHEET = "1KT"
HEAD_CELLS: dict[str, str] = {"year": "B2", "authority_name": "B3", "postal_address": "B4", "note": "B5"}
HEADER_ROW = 7  # two rows of headings, then the lines
FIRST_LINE_ROW = 9
#: Column letter → field of a line.
LINE_COLUMNS: dict[str, str] = {get_column_letter(i + 1): name for i, name in enumerate(ROW_FIELDS)}
MAX_UPLOAD_BYTES = 2_000_000
MAX_UNPACKED_BYTES = 40_000_000
_RU_HEAD = {
    "year": "Отчётный год",
    "authority_name": "Наименование уполномоченного органа",
    "postal_address": "Почтовый адрес",
    "note": "Примечание",
}
_RU_DIRECTIONS = {
    "arrival": "Прибытие на таможенную территорию Евразийского экономического союза",
    "departure": "Убытие с таможенной территории Евразийского экономического союза",
}


def template_xlsx(year: int, form: Form1KT | None, country: str | None) -> bytes:
    """The form as a workbook to fill in (with the current report's content when there is one)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    bold = Font(bold=True)
    sheet["A1"] = (
        "Форма № 1КТ. Сведения о мероприятиях по санитарной охране таможенной территории "
        f"Евразийского экономического союза за {year} год"
    )
    sheet["A1"].font = Font(bold=True, size=12)
    name = form.authority_name if form else AUTHORITY_NAMES.get(country or "", "")
    values = {
        "year": year,
        "authority_name": name,
        "postal_address": form.postal_address if form else "",
        "note": (form.note or "") if form else "",
    }
    for key, cell in HEAD_CELLS.items():
        sheet[f"A{cell[1:]}"] = _RU_HEAD[key]
        sheet[f"A{cell[1:]}"].font = bold
        sheet[cell] = values[key]
        sheet.merge_cells(f"B{cell[1:]}:J{cell[1:]}")
    top, sub = HEADER_ROW, HEADER_ROW + 1
    sheet.cell(top, 1, "N строки")
    sheet.cell(top, 2, "Наименование показателя (мероприятие по санитарной охране)")
    sheet.merge_cells(start_row=top, end_row=sub, start_column=1, end_column=1)
    sheet.merge_cells(start_row=top, end_row=sub, start_column=2, end_column=2)
    for offset, direction in enumerate(DIRECTIONS):
        first = 3 + 4 * offset
        sheet.cell(top, first, _RU_DIRECTIONS[direction])
        sheet.merge_cells(start_row=top, end_row=top, start_column=first, end_column=first + 3)
        for i, kind in enumerate(TRANSPORT_KINDS):
            sheet.cell(sub, first + i, TRANSPORT_KINDS[kind])
    shade = PatternFill("solid", fgColor="E8EEF4")
    for row in (top, sub):
        for column in range(1, 11):
            cell = sheet.cell(row, column)
            cell.font, cell.fill = bold, shade
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    sheet.row_dimensions[top].height = 45
    sheet.row_dimensions[sub].height = 30
    sheet.column_dimensions["A"].width = 9
    sheet.column_dimensions["B"].width = 60
    for column in range(3, 11):
        sheet.column_dimensions[get_column_letter(column)].width = 15
    for offset, line in enumerate(form.lines if form else []):
        row = FIRST_LINE_ROW + offset
        sheet.cell(row, 1, line.line_number)
        sheet.cell(row, 2, line.indicator)
        for d, direction in enumerate(DIRECTIONS):
            counts = getattr(line, direction)
            for i, kind in enumerate(TRANSPORT_KINDS):
                sheet.cell(row, 3 + 4 * d + i, getattr(counts, kind))
    last = FIRST_LINE_ROW + 998
    whole = DataValidation(
        type="whole",
        operator="between",
        formula1="0",
        formula2="999999999",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Форма № 1КТ",
        error="Целое число от 0 до 999 999 999",
    )
    whole.add(f"C{FIRST_LINE_ROW}:J{last}")
    numbers = DataValidation(
        type="whole",
        operator="between",
        formula1="1",
        formula2="999",
        allow_blank=True,
        showErrorMessage=True,
    )
    numbers.error = "N строки: целое число от 1 до 999"
    numbers.add(f"A{FIRST_LINE_ROW}:A{last}")
    sheet.add_data_validation(whole)
    sheet.add_data_validation(numbers)
    sheet.freeze_panes = f"C{FIRST_LINE_ROW}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class Upload:
    """What an uploaded file gave: the form, or the problems found (each naming its cell or field)."""

    form: Form1KT | None = None
    problems: list[Message] = field(default_factory=list)


def read_upload(content: bytes, year: int) -> Upload:
    """A filled-in XLSX template or a JSON document of form 1KT (the same JSON the API takes)."""
    if not content.strip():
        return Upload(problems=[Message("The file is empty.")])
    if len(content) > MAX_UPLOAD_BYTES:
        return Upload(
            problems=[Message("The file is larger than %(limit)s bytes.", {"limit": MAX_UPLOAD_BYTES})]
        )
    if content.startswith(b"PK"):
        return read_xlsx(content, year)
    if content.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"{"):
        return read_json(content)
    return Upload(
        problems=[Message("Upload the XLSX template of form 1KT filled in, or a JSON document of the form.")]
    )


def read_json(content: bytes) -> Upload:
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return Upload(problems=[Message("The JSON file is not in UTF-8.")])
    except json.JSONDecodeError as exc:
        return Upload(
            problems=[
                Message(
                    "The file is not valid JSON: %(detail)s (line %(line)s, column %(column)s).",
                    {"detail": exc.msg, "line": exc.lineno, "column": exc.colno},
                )
            ]
        )
    try:
        return Upload(form=Form1KT.model_validate(data))
    except ValidationError as exc:
        return Upload(
            problems=[
                Message("%(field)s: %(problem)s", {"field": json_path(e["loc"]), "problem": problem(e)})
                for e in exc.errors()
            ]
        )


def json_path(loc: Iterable[int | str]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(the document)"


def read_xlsx(content: bytes, year: int) -> Upload:
    not_template = Message(
        "This workbook is not the form 1KT template: download the template from this page and fill it in."
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                return Upload(problems=[Message("The workbook is too large once unpacked.")])
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # any failure to open it means the same to the user
        return Upload(problems=[Message("The file is not an XLSX workbook (Excel 2007 or later).")])
    try:
        if SHEET not in book.sheetnames:
            return Upload(problems=[not_template])
        sheet = book[SHEET]
        grid = [
            list(row)
            for row in sheet.iter_rows(
                min_row=1, max_row=FIRST_LINE_ROW + MAX_ROWS, max_col=len(ROW_FIELDS), values_only=True
            )
        ]
    finally:
        book.close()
    grid += [[]] * max(0, FIRST_LINE_ROW - 1 - len(grid))

    def cell(reference: str) -> Any:
        column, row = ord(reference[0]) - ord("A"), int(reference[1:])
        values = grid[row - 1]
        return values[column] if column < len(values) else None

    if str(cell(f"A{HEADER_ROW}") or "").strip() != "N строки":
        return Upload(problems=[not_template])
    problems: list[Message] = []
    found_year = cell(HEAD_CELLS["year"])
    if _whole(found_year) != year:
        problems.append(
            Message(
                "Cell %(cell)s gives the year %(found)s, but this is the form for %(year)s: "
                "correct the cell or upload the file on the page of its year.",
                {
                    "cell": HEAD_CELLS["year"],
                    "found": found_year if found_year is not None else "—",
                    "year": year,
                },
            )
        )
    data: dict[str, Any] = {"lines": []}
    for name in HEAD_FIELDS:
        value = cell(HEAD_CELLS[name])
        text = str(value).strip() if value is not None else ""
        if text:
            data[name] = text
    sheet_rows: list[int] = []
    for number, values in enumerate(grid[FIRST_LINE_ROW - 1 :], start=FIRST_LINE_ROW):
        values = [*values, *[None] * (len(ROW_FIELDS) - len(values))]
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        line: dict[str, Any] = {direction: {} for direction in DIRECTIONS}
        for value, name in zip(values, ROW_FIELDS, strict=False):
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            if isinstance(value, (bool, dt.date, dt.time, dt.timedelta)):
                value = str(value)  # not a count: refused below as "not a whole number"
            elif isinstance(value, str):
                value = value.strip() if name == "indicator" else _number_text(value)
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            if name in ("line_number", "indicator"):
                line[name] = value if name == "line_number" else str(value)
            else:
                direction, kind = name.split("-")
                line[direction][kind] = value
        data["lines"].append(line)
        sheet_rows.append(number)
    if len(sheet_rows) > 999:
        problems.append(Message("The form has at most 999 lines."))
        return Upload(problems=problems)

    repeated = _repeated_numbers(
        (str(_whole(line.get("line_number")) or ""), row)
        for line, row in zip(data["lines"], sheet_rows, strict=True)
    )
    for number, rows in repeated.items():
        problems.append(
            Message(
                "Rows %(rows)s, column A: line number %(number)s is used more than once; "
                "give each line its own number.",
                {"rows": ", ".join(map(str, rows)), "number": number},
            )
        )
    try:
        form = Form1KT.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            found = _cell_problem(error, sheet_rows, bool(repeated))
            if found is not None:
                problems.append(found)
        return Upload(problems=problems)
    return Upload(problems=problems) if problems else Upload(form=form)


def _cell_problem(error: Mapping[str, Any], sheet_rows: list[int], repeated: bool) -> Message | None:
    """A pydantic error as the cell it comes from (None: already said, as a repeated line number)."""
    loc = error["loc"]
    if not loc:
        return None if repeated else problem(error)
    if loc[0] == "lines" and len(loc) > 1 and isinstance(loc[1], int):
        name = "-".join(str(part) for part in loc[2:4]) or "indicator"
        column = next((letter for letter, field_name in LINE_COLUMNS.items() if field_name == name), "?")
        return Message(
            "Row %(row)s, column %(column)s (%(label)s): %(problem)s",
            {
                "row": sheet_rows[loc[1]],
                "column": column,
                "label": Message(LABELS.get(name, name)),
                "problem": problem(error),
            },
        )
    name = str(loc[0])
    return Message(
        "Cell %(cell)s (%(label)s): %(problem)s",
        {
            "cell": HEAD_CELLS.get(name, "?"),
            "label": Message(LABELS.get(name, name)),
            "problem": problem(error),
        },
    )


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _number_text(value).isdigit():
        return int(_number_text(value))
    return None


# ================================================================================================
# The summary table (Rules §7з)
# ================================================================================================
@dataclass(frozen=True)
class SummaryRow:
    """A country's line, a line's total over the countries (country None), or the grand total."""

    kind: Literal["country", "line", "total"]
    line_number: int | None
    indicator: str
    country: str | None
    arrival: TransportCounts
    departure: TransportCounts


def summary_rows(summary: store.Form1KTSummary) -> list[SummaryRow]:
    rows = []
    for total in summary.lines:
        for country in total.countries:
            for line in summary.reports[country].data.lines:
                if line.line_number == total.line_number:
                    rows.append(
                        SummaryRow(
                            "country", line.line_number, line.indicator, country, line.arrival, line.departure
                        )
                    )
        rows.append(
            SummaryRow("line", total.line_number, total.indicator, None, total.arrival, total.departure)
        )
    rows.append(SummaryRow("total", None, "", None, summary.arrival, summary.departure))
    return rows


def _counts(counts: TransportCounts) -> list[int]:
    return [getattr(counts, kind) for kind in TRANSPORT_KINDS]


def summary_csv(summary: store.Form1KTSummary) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        ["row", "line_number", "country", "indicator", *(f.replace("-", "_") for f in COUNT_FIELDS)]
    )
    for row in summary_rows(summary):
        writer.writerow(
            [
                row.kind,
                row.line_number or "",
                row.country or "",
                row.indicator,
                *_counts(row.arrival),
                *_counts(row.departure),
            ]
        )
    return out.getvalue().encode("utf-8-sig")  # the BOM lets spreadsheet programs read Cyrillic


def summary_xlsx(summary: store.Form1KTSummary) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Сводная 1КТ"
    bold = Font(bold=True)
    sheet.append([f"Форма № 1КТ: сводные сведения государств-членов за {summary.year} год"])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([])
    sheet.append(
        ["N строки", "Государство", "Наименование показателя", *(["Прибытие"] * 4), *(["Убытие"] * 4)]
    )
    sheet.append(["", "", "", *(list(TRANSPORT_KINDS.values()) * 2)])
    for row in (3, 4):
        for cell in sheet[row]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in summary_rows(summary):
        label = {"country": row.country, "line": "Итого по строке", "total": "Всего"}[row.kind]
        sheet.append([row.line_number, label, row.indicator, *_counts(row.arrival), *_counts(row.departure)])
        if row.kind != "country":
            for cell in sheet[sheet.max_row]:
                cell.font = bold
    sheet.column_dimensions["B"].width = 16
    sheet.column_dimensions["C"].width = 60
    reports = book.create_sheet("Отчёты")
    reports.append(
        ["Государство", "Уполномоченный орган", "Почтовый адрес", "Редакция", "Представлен", "Опоздание"]
    )
    for country in MEMBER_STATE_CODES:
        report = summary.reports.get(country)
        if report is None:
            reports.append([country, "не представлен"])
            continue
        first = summary.first_submitted_at[country]
        reports.append(
            [
                country,
                report.data.authority_name,
                report.data.postal_address,
                report.revision,
                first.strftime("%Y-%m-%d %H:%M UTC"),
                "да" if country in summary.late else "нет",
            ]
        )
    for cell in reports[1]:
        cell.font = bold
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ================================================================================================
# Writing revisions
# ================================================================================================
async def _record(
    request: Request, state: store.State, country: str, year: int, form: Form1KT, author: str
) -> store.Form1KTRevision:
    """A new revision; two saves at the same moment both get their number (one retries)."""
    write = store.submit if state == store.SUBMITTED else store.save_draft
    for attempt in range(3):
        try:
            async with engine_of(request).begin() as connection:
                return await write(connection, country, year, form, author)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _author(who: Viewer, name: str = "", *, api: bool = False) -> str:
    assert who.participant is not None
    author = who.participant.id + (" (API)" if api else "")
    return f"{author} — {name}"[:100] if name else author


# ================================================================================================
# Pages
# ================================================================================================
pages = APIRouter(include_in_schema=False)
FLASH = "cabinet_flash"


class _Stop(Exception):
    """A page that cannot go on: answered with ``response``."""

    def __init__(self, response: Response) -> None:
        self.response = response


def _denied(request: Request, status: int, message: Message) -> HTMLResponse:
    return render(request, "cabinet_error.html", {"message": message}, status_code=status)


def _staff_page(request: Request) -> Viewer:
    """The logged-in staff of an authority or the Commission; others go to the login page."""
    who = viewer(request)
    if who.public:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise _Stop(RedirectResponse(f"/login?next={quote(target, safe='/')}", status_code=303))
    try:
        return require_staff(who)
    except HTTPException:
        raise _Stop(
            _denied(
                request,
                403,
                Message(
                    "The personal cabinet is for the authorized bodies and the Commission (Rules §31ж, §33): "
                    "log in with your authorized body's key."
                ),
            )
        ) from None


def _authority_page(request: Request) -> tuple[Viewer, str]:
    who = _staff_page(request)
    if who.authority_country is None:
        raise _Stop(
            _denied(
                request,
                403,
                Message(
                    "Only an authorized body fills in form 1KT (Rules §44); the Commission reads the "
                    "submitted reports and their summary."
                ),
            )
        )
    return who, who.authority_country


def _page(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Turns a ``_Stop`` raised by a page handler into its response."""

    @functools.wraps(handler)
    async def wrapper(*args: Any, **kwargs: Any) -> Response:
        try:
            response: Response = await handler(*args, **kwargs)
        except _Stop as stop:
            return stop.response
        return response

    return wrapper


def _year_page(request: Request, year: int) -> None:
    if year > today().year:
        raise _Stop(
            _denied(
                request,
                404,
                Message("There is no form 1KT for %(year)s yet: the year has not begun.", {"year": year}),
            )
        )


@pages.get("/cabinet", response_class=HTMLResponse)
@_page
async def cabinet(request: Request) -> Response:
    """Rules §31ж: the cabinet's first page: the reports by year."""
    who = _staff_page(request)
    current = today()
    async with engine_of(request).connect() as connection:
        found = await store.statuses(connection, country=who.authority_country)
    if who.authority_country is not None:
        by_year = {s.year: s for s in found}
        years = sorted({*by_year, current.year - 1, current.year}, reverse=True)
        entries = [
            {
                "year": year,
                "status": by_year.get(year),
                "due": store.due_date(year),
                "overdue": (by_year.get(year) is None or by_year[year].submitted_revision is None)
                and current > store.due_date(year),
            }
            for year in years
        ]
        return render(
            request, "cabinet.html", {"entries": entries, "country": who.authority_country, "today": current}
        )
    submitted = {(s.year, s.country): s for s in found if s.submitted_revision is not None}
    years = sorted({year for year, _ in submitted} | {current.year - 1}, reverse=True)
    table = [
        {
            "year": year,
            "due": store.due_date(year),
            "past_due": current > store.due_date(year),
            "countries": [(code, submitted.get((year, code))) for code in MEMBER_STATE_CODES],
        }
        for year in years
    ]
    return render(request, "cabinet.html", {"table": table, "today": current})


@pages.get("/cabinet/1kt", response_class=HTMLResponse)
@_page
async def go_to_year(request: Request, year: str = "") -> Response:
    """The "open another year" form of /cabinet."""
    _staff_page(request)
    wanted = int(year) if year.strip().isdigit() else None
    if wanted is None or not FIRST_YEAR <= wanted <= today().year:
        return RedirectResponse("/cabinet", status_code=303)
    return RedirectResponse(f"/cabinet/1kt/{wanted}", status_code=303)


async def _form_context(request: Request, country: str, year: int, draft: Draft | None) -> dict[str, Any]:
    async with engine_of(request).connect() as connection:
        history = await store.revisions(connection, country, year)
        status = next(iter(await store.statuses(connection, country=country, year=year)), None)
    if draft is None:
        draft = Draft.of(history[-1].data if history else None, country)
        draft.author_name = str(request.session.get("cabinet_author", ""))
        draft = draft.with_empty_rows()
    current = today()
    return {
        "year": year,
        "country": country,
        "draft": draft,
        "history": list(reversed(history)),
        "status": status,
        "due": store.due_date(year),
        "past_due": current > store.due_date(year),
        "submission_refused": _submission_refused(year),
        "csrf": csrf_token(request),
        "row_fields": ROW_FIELDS,
        "directions": DIRECTIONS,
        "kinds": KIND_LABELS,
        "labels": LABELS,
        "flash": request.session.pop(FLASH, None),
        "max_upload": MAX_UPLOAD_BYTES,
    }


@pages.get("/cabinet/1kt/{year}", response_class=HTMLResponse)
@_page
async def form_page(request: Request, year: Year) -> Response:
    """Rules §44: the authority's form 1KT for ``year``; the Commission goes to the summary."""
    who = _staff_page(request)
    _year_page(request, year)
    if who.commission:
        return RedirectResponse(f"/cabinet/1kt/{year}/summary", status_code=303)
    _, country = _authority_page(request)
    return render(request, "cabinet_form.html", await _form_context(request, country, year, None))


@pages.post("/cabinet/1kt/{year}", response_class=HTMLResponse)
@_page
async def form_post(request: Request, year: Year) -> Response:
    """Save a draft, submit (Rules §44; after 15 February recorded as late), or add empty lines."""
    who, country = _authority_page(request)
    _year_page(request, year)
    posted = await request.form(max_fields=MAX_FORM_FIELDS)
    if not csrf_valid(request, posted.get(CSRF_FIELD)):
        return _denied(request, 403, Message(CSRF_REFUSED))
    action = posted.get("action")
    draft = posted_draft(posted)
    if draft.author_name:
        request.session["cabinet_author"] = draft.author_name
    if action == "add_rows":
        return render(
            request, "cabinet_form.html", await _form_context(request, country, year, draft.with_empty_rows())
        )
    if action not in ("save", "submit"):
        return _denied(request, 400, Message("Choose “Save draft” or “Submit”."))
    form = validate_draft(draft)
    if form is not None and action == "submit":
        refused = _submission_refused(year)
        if refused:
            draft.general.append(
                Message(
                    "The report for %(year)s can be submitted from 1 January %(next)s, when the year is over; "
                    "save it as a draft until then.",
                    {"year": year, "next": year + 1},
                )
            )
            form = None
        elif not form.lines:
            draft.general.append(Message("Fill in at least one line before submitting."))
            form = None
    if form is None:
        if not draft.errors and not draft.general:  # pragma: no cover - validate_draft always explains
            draft.general.append(Message("The form has errors."))
        context = await _form_context(request, country, year, draft.with_empty_rows(0))
        return render(request, "cabinet_form.html", context, status_code=422)
    state = store.SUBMITTED if action == "submit" else store.DRAFT
    revision = await _record(request, state, country, year, form, _author(who, draft.author_name))
    request.session[FLASH] = {"state": revision.state, "revision": revision.revision, "late": revision.late}
    return RedirectResponse(f"/cabinet/1kt/{year}", status_code=303)


@pages.get("/cabinet/1kt/{year}/template.xlsx")
@_page
async def template(request: Request, year: Year) -> Response:
    """The form as an XLSX workbook to fill in offline, with the authority's latest revision in it."""
    who = _staff_page(request)
    _year_page(request, year)
    form = None
    if who.authority_country is not None:
        async with engine_of(request).connect() as connection:
            last = await store.latest(connection, who.authority_country, year)
        form = last.data if last else None
    name = f"form-1kt-{year}" + (f"-{who.authority_country}" if who.authority_country else "") + ".xlsx"
    return Response(
        template_xlsx(year, form, who.authority_country),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@pages.post("/cabinet/1kt/{year}/upload", response_class=HTMLResponse)
@_page
async def upload(request: Request, year: Year) -> Response:
    """A filled-in XLSX template or JSON file, saved as a draft revision for review and submission."""
    who, country = _authority_page(request)
    _year_page(request, year)
    posted = await request.form(max_files=1)
    if not csrf_valid(request, posted.get(CSRF_FIELD)):
        return _denied(request, 403, Message(CSRF_REFUSED))
    file = posted.get("file")
    if not isinstance(file, UploadFile) or not file.filename:
        result = Upload(problems=[Message("Choose the file to upload.")])
    else:
        result = read_upload(await file.read(MAX_UPLOAD_BYTES + 1), year)
    if result.form is None or result.problems:
        context = {
            "year": year,
            "problems": result.problems,
            "filename": file.filename if isinstance(file, UploadFile) else "",
            "csrf": csrf_token(request),
            "max_upload": MAX_UPLOAD_BYTES,
        }
        return render(request, "cabinet_upload.html", context, status_code=422)
    author = _author(who, str(request.session.get("cabinet_author", "")))
    revision = await _record(request, store.DRAFT, country, year, result.form, author)
    request.session[FLASH] = {"state": "uploaded", "revision": revision.revision, "late": False}
    return RedirectResponse(f"/cabinet/1kt/{year}", status_code=303)


async def _commission_summary(request: Request, year: int) -> store.Form1KTSummary:
    who = _staff_page(request)
    _year_page(request, year)
    if not who.commission:
        raise _Stop(
            _denied(
                request,
                403,
                Message("The summary of the member states' reports is the Commission's (Rules §7з, §33)."),
            )
        )
    async with engine_of(request).connect() as connection:
        return await store.summary(connection, year)


@pages.get("/cabinet/1kt/{year}/summary", response_class=HTMLResponse)
@_page
async def summary_page(request: Request, year: Year) -> Response:
    """Rules §7з, §33: every member state's submitted report for ``year`` and the totals by line."""
    result = await _commission_summary(request, year)
    context = {
        "year": year,
        "summary": result,
        "rows": summary_rows(result),
        "due": store.due_date(year),
        "past_due": today() > store.due_date(year),
        "countries": MEMBER_STATE_CODES,
        "kinds": KIND_LABELS,
    }
    return render(request, "cabinet_summary.html", context)


@pages.get("/cabinet/1kt/{year}/summary.csv")
@_page
async def summary_csv_download(request: Request, year: Year) -> Response:
    result = await _commission_summary(request, year)
    return Response(
        summary_csv(result),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="form-1kt-{year}-summary.csv"'},
    )


@pages.get("/cabinet/1kt/{year}/summary.xlsx")
@_page
async def summary_xlsx_download(request: Request, year: Year) -> Response:
    result = await _commission_summary(request, year)
    return Response(
        summary_xlsx(result),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="form-1kt-{year}-summary.xlsx"'},
    )


@pages.get("/cabinet/1kt/{year}/{country}", response_class=HTMLResponse)
@_page
async def report_page(
    request: Request, year: Year, country: Country, revision: int | None = None
) -> Response:
    """One member state's report, read-only, with its revisions: the Commission reads the submitted
    ones of every state; an authority reads all of its own (drafts too) and no one else's."""
    who = _staff_page(request)
    _year_page(request, year)
    if country not in MEMBER_STATE_CODES:
        return _denied(request, 404, Message("%(code)s is not a member state.", {"code": country}))
    if who.authority_country is not None and who.authority_country != country:
        return _denied(
            request, 403, Message("An authorized body reads its own member state's reports only (Rules §44).")
        )
    async with engine_of(request).connect() as connection:
        history = await store.revisions(connection, country, year)
    if who.commission:
        history = [r for r in history if r.state == store.SUBMITTED]
    if revision is not None:
        shown = next((r for r in history if r.revision == revision), None)
    else:
        shown = history[-1] if history else None
    if shown is None:
        return _denied(
            request,
            404,
            Message(
                "No report of %(country)s for %(year)s has been submitted.",
                {"country": country, "year": year},
            )
            if revision is None
            else Message("There is no revision %(revision)s to read.", {"revision": revision}),
        )
    submitted = [r for r in history if r.state == store.SUBMITTED]
    context = {
        "year": year,
        "country": country,
        "shown": shown,
        "history": list(reversed(history)),
        "first_submitted": submitted[0] if submitted else None,
        "due": store.due_date(year),
        "kinds": KIND_LABELS,
        "own": who.authority_country == country,
    }
    return render(request, "cabinet_report.html", context)


# ================================================================================================
# The JSON API (machine clients: the session cookie or the participant's Bearer API key)
# ================================================================================================
api = APIRouter(prefix="/api/v1/cabinet/1kt", tags=["form 1KT (personal cabinet)"])
_bearer = HTTPBearer(
    auto_error=False,
    description="An API key issued by `sanmeasures participants add` (authority or commission)",
)


@dataclass(frozen=True)
class Caller:
    viewer: Viewer
    by_session: bool


async def caller(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Caller:
    """Rules §33: an authority's or the Commission's staff, by Bearer API key or by the portal session."""
    if credentials is not None:
        return Caller(require_staff(Viewer(await authenticated(request, credentials))), by_session=False)
    who = viewer(request)
    if who.public:
        raise HTTPException(
            401,
            "log in at /login, or send your participant's API key: Authorization: Bearer <key>",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return Caller(require_staff(who), by_session=True)


ApiCaller = Annotated[Caller, Depends(caller)]


def _own_country(who: Caller) -> str:
    country = who.viewer.authority_country
    if country is None:
        raise HTTPException(
            403,
            "the Commission has no form 1KT of its own: read a member state's report at "
            "/api/v1/cabinet/1kt/{year}/reports/{country}, or the summary at /api/v1/cabinet/1kt/{year}/summary",
        )
    return country


def _check_csrf_header(request: Request, who: Caller) -> None:
    if who.by_session and not csrf_valid(request, request.headers.get(CSRF_HEADER)):
        raise HTTPException(403, f"{CSRF_REFUSED}: with the session cookie, send the {CSRF_HEADER} header")


class RevisionOut(BaseModel):
    revision: int
    state: store.State
    author: str
    recorded_at: dt.datetime
    late: bool = Field(description="a submission recorded after 15 February of the next year")


class RevisionWithData(RevisionOut):
    data: Form1KT


class ReportOut(BaseModel):
    """A member state's form 1KT for a year (Rules §44)."""

    country: str
    year: int
    due_date: dt.date = Field(description="15 February of the next year")
    state: Literal["none", "draft", "submitted"] = Field(
        description="of the latest revision; none before the first save"
    )
    late: bool = Field(description="the first submission came after the due date")
    overdue: bool = Field(description="not submitted and the due date has passed")
    latest: RevisionWithData | None
    submitted: RevisionWithData | None = Field(
        description="the latest submitted revision: what the Commission reads"
    )
    revisions: list[RevisionOut] = Field(description="oldest first")


class CountryReport(BaseModel):
    country: str
    authority_name: str
    postal_address: str
    revision: int
    submitted_at: dt.datetime = Field(description="of the revision summed")
    first_submitted_at: dt.datetime
    late: bool


class CountryLine(BaseModel):
    indicator: str
    arrival: TransportCounts
    departure: TransportCounts


class SummaryLine(BaseModel):
    line_number: int
    indicator: str
    countries: list[str]
    arrival: TransportCounts
    departure: TransportCounts
    by_country: dict[str, CountryLine]


class SummaryOut(BaseModel):
    """Rules §7з: the member states' submitted reports for a year and the totals per line."""

    year: int
    due_date: dt.date
    reports: list[CountryReport]
    missing: list[str]
    late: list[str]
    lines: list[SummaryLine]
    arrival: TransportCounts
    departure: TransportCounts


def _revision_out(revision: store.Form1KTRevision) -> RevisionOut:
    return RevisionOut(
        revision=revision.revision,
        state=revision.state,
        author=revision.author,
        recorded_at=revision.recorded_at,
        late=revision.late,
    )


def _revision_full(revision: store.Form1KTRevision) -> RevisionWithData:
    return RevisionWithData(**_revision_out(revision).model_dump(), data=revision.data)


async def _report(request: Request, country: str, year: int, *, drafts: bool) -> ReportOut:
    async with engine_of(request).connect() as connection:
        history = await store.revisions(connection, country, year)
    if not drafts:
        history = [r for r in history if r.state == store.SUBMITTED]
    submitted = [r for r in history if r.state == store.SUBMITTED]
    latest = history[-1] if history else None
    return ReportOut(
        country=country,
        year=year,
        due_date=store.due_date(year),
        state=latest.state if latest else "none",
        late=bool(submitted) and store.is_late(year, submitted[0].recorded_at),
        overdue=not submitted and today() > store.due_date(year),
        latest=_revision_full(latest) if latest else None,
        submitted=_revision_full(submitted[-1]) if submitted else None,
        revisions=[_revision_out(r) for r in history],
    )


@api.get("/{year}", summary="Your authority's form 1KT for a year (latest revision, submission, history)")
async def api_report(request: Request, response: Response, year: Year, who: ApiCaller) -> ReportOut:
    """Rules §44. With the session cookie, the answer's ``X-CSRF-Token`` header is the token to send
    back with PUT and POST."""
    _check_year(year)
    country = _own_country(who)
    if who.by_session:
        response.headers[CSRF_HEADER] = csrf_token(request)
    return await _report(request, country, year, drafts=True)


@api.put("/{year}", summary="Save a draft of your authority's form 1KT")
async def api_save_draft(
    request: Request, year: Year, form: Annotated[Form1KT, Body()], who: ApiCaller
) -> RevisionWithData:
    """Rules §44: a new draft revision (earlier revisions stay as they were)."""
    _check_year(year)
    country = _own_country(who)
    _check_csrf_header(request, who)
    revision = await _record(
        request, store.DRAFT, country, year, form, _author(who.viewer, api=not who.by_session)
    )
    return _revision_full(revision)


@api.post(
    "/{year}/submit",
    summary="Submit your authority's form 1KT to the Commission",
    responses={409: {"description": "the year is not over, nothing to submit, or no lines"}},
)
async def api_submit(
    request: Request,
    year: Year,
    who: ApiCaller,
    form: Annotated[
        Form1KT | None,
        Body(description="the report to submit; without a body, the latest draft is submitted"),
    ] = None,
) -> RevisionWithData:
    """Rules §33, §44: submitted by 15 February of the next year; a later submission is accepted and
    flagged ``late``. Submitting again corrects the report (a new revision)."""
    _check_year(year)
    country = _own_country(who)
    _check_csrf_header(request, who)
    refused = _submission_refused(year)
    if refused:
        raise HTTPException(409, refused)
    if form is None:
        async with engine_of(request).connect() as connection:
            last = await store.latest(connection, country, year)
        if last is None:
            raise HTTPException(409, f"nothing to submit for {year}: send the form, or save a draft first")
        form = last.data
    if not form.lines:
        raise HTTPException(409, "the report has no lines: fill in at least one line before submitting")
    revision = await _record(
        request, store.SUBMITTED, country, year, form, _author(who.viewer, api=not who.by_session)
    )
    return _revision_full(revision)


@api.get(
    "/{year}/reports/{country}", summary="A member state's form 1KT (the Commission: submitted revisions)"
)
async def api_country_report(request: Request, year: Year, country: Country, who: ApiCaller) -> ReportOut:
    """The Commission reads every member state's submitted revisions; an authority its own report only."""
    _check_year(year)
    _check_country(country)
    own = who.viewer.authority_country
    if own is not None and own != country:
        raise HTTPException(403, "an authorized body reads its own member state's reports only (Rules §44)")
    return await _report(request, country, year, drafts=own == country)


@api.get(
    "/{year}/summary", summary="The member states' submitted reports and the totals by line (the Commission)"
)
async def api_summary(request: Request, year: Year, who: ApiCaller) -> SummaryOut:
    """Rules §7з, §33: each member state's latest submitted report, and the totals by line number and
    kind of transport, on arrival and on departure."""
    _check_year(year)
    if not who.viewer.commission:
        raise HTTPException(
            403, "the summary of the member states' reports is the Commission's (Rules §7з, §33)"
        )
    async with engine_of(request).connect() as connection:
        result = await store.summary(connection, year)
    lines = []
    for total in result.lines:
        by_country = {
            country: CountryLine(indicator=line.indicator, arrival=line.arrival, departure=line.departure)
            for country in total.countries
            for line in result.reports[country].data.lines
            if line.line_number == total.line_number
        }
        lines.append(
            SummaryLine(
                line_number=total.line_number,
                indicator=total.indicator,
                countries=total.countries,
                arrival=total.arrival,
                departure=total.departure,
                by_country=by_country,
            )
        )
    reports = [
        CountryReport(
            country=country,
            authority_name=report.data.authority_name,
            postal_address=report.data.postal_address,
            revision=report.revision,
            submitted_at=report.recorded_at,
            first_submitted_at=result.first_submitted_at[country],
            late=country in result.late,
        )
        for country, report in sorted(result.reports.items())
    ]
    return SummaryOut(
        year=year,
        due_date=store.due_date(year),
        reports=reports,
        missing=result.missing,
        late=result.late,
        lines=lines,
        arrival=result.arrival,
        departure=result.departure,
    )


router = APIRouter()
router.include_router(pages)
router.include_router(api)
