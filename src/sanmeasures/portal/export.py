"""Exports of the published lists as CSV, XLSX, JSON and XML (Rules §31б).

Rules §31б: the portal offers the search and presentation of the published information, "including
its export in defined formats, also at the request of interested parties' information systems, for
automatic processing". Every list of the portal (``resources.RESOURCES``) is exported with the
reader's current filters:

    GET /api/v1/export/{resource}.{format}     resource: registry, morbidity, dangerous-products, measures
                                               format:   csv, xlsx, json, xml

The filters are those of the list (``/api/v1/{resource}``), validated by the same query model: a bad
value is a 422 naming the field, and so is a filter contradicting the resource (``kind`` on the
morbidity list). ``limit`` and ``cursor`` are accepted and ignored: an export holds every matching
row, in the list's order. The columns are ``Resource.columns``: the current view of each certificate,
case or measure, which is the published content.

Formats (one row per certificate, case or measure; the same columns in the same order):

- **csv** — UTF-8 with a byte order mark (so Excel reads Cyrillic), comma separated, CRLF, a header
  row of the column names; an empty value is empty, booleans are ``true``/``false``, dates ISO 8601.
- **xlsx** — one worksheet (another for every further 1,048,575 rows, Excel's limit), a frozen header
  row with filters, dates as dates, booleans as booleans; text is always text, never a formula.
- **json** — one JSON array of objects keyed by column name (``null`` for an empty value, dates as
  ``YYYY-MM-DD`` strings). An array, not NDJSON: any JSON tool reads it whole; streaming parsers
  (``ijson``, ``jq --stream``) read it row by row.
- **xml** — ``schemas/xsd/sanmeasures-export.xsd`` (namespace ``urn:sanmeasures:export:1``, also
  served at ``/schemas/sanmeasures-export.xsd``): a root ``Export`` (``resource``, ``generated``,
  ``filters``) holding typed records ``Certificate``, ``MorbidityCase``, ``DangerousProductCase`` or
  ``Measure``; a column is an element named in UpperCamelCase, absent when empty.

Characters that XML 1.0 and worksheets cannot hold (C0 controls but tab and line breaks) become
U+FFFD in XML and XLSX; CSV and JSON carry the text as stored.

Memory stays flat whatever the size: rows are read a page at a time (``PAGE_SIZE``, keyset pagination
of ``storage/search.py``, each page on a connection borrowed from the pool only while it is read, so
a slow download neither holds a connection nor, on SQLite, a lock) and each page is encoded and sent
before the next is read. XLSX is a zip, complete only when closed: openpyxl's write-only workbook
streams its rows to a temporary file on disk (in a thread, off the event loop), and the finished file
is then sent in chunks, so its first byte comes when the workbook is complete (openpyxl writes some
7,000-9,000 rows/s; the daily snapshots hold the whole registry ready-made). Pages follow each other by keyset, so rows added meanwhile never shift the
export; each page is as current as the moment it is read.

The daily snapshots (``snapshots.py``) use the same encoders.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
from collections.abc import AsyncIterator, Generator
from contextlib import suppress
from dataclasses import dataclass, field
from typing import IO, Annotated, Any, Literal, get_args
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from lxml import etree
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import ALL_TEMP_FILES as TEMPORARY_SHEETS
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.portal.resources import RESOURCES, ConflictingFilter, Resource
from sanmeasures.portal.web import engine_of, settings_of
from sanmeasures.storage.search import Page

Format = Literal["csv", "xlsx", "json", "xml"]
FORMATS: tuple[str, ...] = get_args(Format)

MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "xml": "application/xml",
}

#: Rows read per page (the search's own maximum).
PAGE_SIZE = 200
#: Bytes per chunk when a finished XLSX file is sent.
FILE_CHUNK = 256 * 1024

NAMESPACE = "urn:sanmeasures:export:1"
SCHEMA_FILE = "sanmeasures-export.xsd"
#: The XML record element of each resource.
RECORD_ELEMENTS: dict[str, str] = {
    "registry": "Certificate",
    "morbidity": "MorbidityCase",
    "dangerous-products": "DangerousProductCase",
    "measures": "Measure",
}
_XSI = "http://www.w3.org/2001/XMLSchema-instance"

#: Excel's rows per worksheet, the header row included.
XLSX_MAX_ROWS = 1_048_576
#: Excel's longest cell text.
XLSX_MAX_TEXT = 32_767

Row = dict[str, Any]
Pages = AsyncIterator[list[Row]]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def element_name(column: str) -> str:
    """The XML element of a column: ``registration_number_as_written`` → ``RegistrationNumberAsWritten``."""
    return "".join(part.capitalize() for part in column.split("_"))


def filters_text(filters: BaseModel) -> str:
    """The reader's filters as a query string (``limit``, ``cursor`` and defaults left out)."""
    given = filters.model_dump(mode="json", exclude_defaults=True, exclude={"limit", "cursor"})
    return urlencode(
        {name: str(value).lower() if isinstance(value, bool) else value for name, value in given.items()}
    )


async def pages(engine: AsyncEngine, resource: Resource, query: Any) -> Pages:
    """Every matching row, a page at a time, in the list's order (``limit``/``cursor`` replaced).

    A connection is borrowed for each page only: between pages the generator waits for the reader.
    """
    query = query.model_copy(update={"limit": PAGE_SIZE, "cursor": None})
    while True:
        # Shielded: a reader leaving during a read (the request cancelled) must not strand the
        # connection inside its transaction (on SQLite: holding the write lock). The page is read
        # to its end, the connection returned, and only then does the cancellation land.
        page = await asyncio.shield(asyncio.ensure_future(_page(engine, resource, query)))
        yield page.items
        if page.next_cursor is None:
            return
        query = query.model_copy(update={"cursor": page.next_cursor})


async def _page(engine: AsyncEngine, resource: Resource, query: Any) -> Page:
    async with engine.connect() as connection:
        return await resource.search(connection, query)


# --- text that every format can carry -------------------------------------------------------------
#: Characters XML 1.0 cannot carry (nor, but for tab and line breaks, a worksheet cell).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


# --- encoders: bytes as the rows come --------------------------------------------------------------
class Encoder:
    """Turns pages of rows into bytes: ``head()``, then ``rows(page)`` per page, then ``tail()``."""

    def __init__(self, resource: Resource, *, filters: str, generated: dt.datetime) -> None:
        self.resource = resource
        self.columns = resource.columns
        self.filters = filters
        self.generated = generated

    def head(self) -> bytes:
        return b""

    def rows(self, items: list[Row]) -> bytes:  # pragma: no cover - every format overrides it
        raise NotImplementedError

    def tail(self) -> bytes:
        return b""


class CsvEncoder(Encoder):
    def __init__(self, resource: Resource, *, filters: str, generated: dt.datetime) -> None:
        super().__init__(resource, filters=filters, generated=generated)
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def _take(self) -> bytes:
        data = self._buffer.getvalue().encode("utf-8")
        self._buffer.seek(0)
        self._buffer.truncate()
        return data

    def head(self) -> bytes:
        self._buffer.write("\ufeff")  # the byte order mark: Excel then reads the file as UTF-8
        self._writer.writerow(self.columns)
        return self._take()

    def rows(self, items: list[Row]) -> bytes:
        columns = self.columns
        write = self._writer.writerow
        for item in items:
            write([_csv_value(item[column]) for column in columns])
        return self._take()


def _csv_value(value: Any) -> Any:
    if value is True:
        return "true"
    if value is False:
        return "false"
    return value  # None is written empty, a date as YYYY-MM-DD


class JsonEncoder(Encoder):
    def __init__(self, resource: Resource, *, filters: str, generated: dt.datetime) -> None:
        super().__init__(resource, filters=filters, generated=generated)
        self._first = True

    def head(self) -> bytes:
        return b"["

    def rows(self, items: list[Row]) -> bytes:
        if not items:
            return b""
        columns = self.columns
        text = ",\n".join(
            json.dumps({column: item[column] for column in columns}, ensure_ascii=False, default=_json_value)
            for item in items
        )
        separator = "\n" if self._first else ",\n"
        self._first = False
        return (separator + text).encode("utf-8")

    def tail(self) -> bytes:
        return b"]\n" if self._first else b"\n]\n"


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"a {type(value).__name__} value has no JSON form in an export")


class XmlEncoder(Encoder):
    """The export XML (``schemas/xsd/sanmeasures-export.xsd``), written incrementally by lxml."""

    def __init__(
        self, resource: Resource, *, filters: str, generated: dt.datetime, schema_url: str = ""
    ) -> None:
        super().__init__(resource, filters=filters, generated=generated)
        self._buffer = io.BytesIO()
        self._names = [(column, f"{{{NAMESPACE}}}{element_name(column)}") for column in self.columns]
        self._record = f"{{{NAMESPACE}}}{RECORD_ELEMENTS[resource.name]}"
        self._schema_url = schema_url
        self._document = self._write()

    def _take(self) -> bytes:
        data = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return data

    def _write(self) -> Generator[bytes, list[Row] | None, None]:
        """A generator holding the open document: sent a page, it answers that page's bytes."""
        attributes = {
            "resource": self.resource.name,
            "generated": self.generated.isoformat().replace("+00:00", "Z"),
            "filters": _xml_text(self.filters),
        }
        nsmap: dict[str | None, str] = {None: NAMESPACE}
        if self._schema_url:
            nsmap["xsi"] = _XSI
            attributes[f"{{{_XSI}}}schemaLocation"] = f"{NAMESPACE} {self._schema_url}"
        with etree.xmlfile(self._buffer, encoding="utf-8") as document:
            document.write_declaration()
            with document.element(f"{{{NAMESPACE}}}Export", attributes, nsmap=nsmap):
                document.write("\n")
                document.flush()
                items = yield self._take()
                while items is not None:
                    for item in items:
                        self._record_of(document, item)
                    document.flush()
                    items = yield self._take()
        yield self._take() + b"\n"

    def _record_of(self, document: Any, item: Row) -> None:
        with document.element(self._record):
            for column, name in self._names:
                value = item[column]
                if value is None:
                    continue
                with document.element(name):
                    if value is True or value is False:
                        document.write("true" if value else "false")
                    elif isinstance(value, str):
                        document.write(_xml_text(value))
                    elif isinstance(value, dt.date):
                        document.write(value.isoformat())
                    else:
                        document.write(str(value))
        document.write("\n")

    def head(self) -> bytes:
        return next(self._document)

    def rows(self, items: list[Row]) -> bytes:
        return self._document.send(items)

    def tail(self) -> bytes:
        return self._document.send(None)


ENCODERS: dict[str, type[Encoder]] = {"csv": CsvEncoder, "json": JsonEncoder, "xml": XmlEncoder}


# --- XLSX: a write-only workbook on disk --------------------------------------------------------------
_DATES = ("_on", "_date", "_from", "_until", "_start", "_end")
_WIDE = {"product_name", "applicant_name", "manufacturer_name", "authority_name", "title", "name", "summary"}


def _width(column: str) -> float:
    """A readable column width (characters): names and texts wide, dates just wide enough."""
    if column in _WIDE:
        return 48
    if column.endswith(_DATES):
        return 12
    return max(10, min(30, len(column) + 2))


class XlsxWriter:
    """An openpyxl write-only workbook: rows go to temporary files as they come, ``save`` zips them.

    ``add`` and ``save`` run openpyxl in a worker thread (one at a time), off the event loop. An
    unfinished workbook (a download abandoned halfway) is ``discard``-ed: its temporary files go.
    """

    def __init__(self, resource: Resource, *, filters: str, generated: dt.datetime) -> None:
        self.resource = resource
        self.columns = resource.columns
        self.workbook = Workbook(write_only=True)
        self.workbook.properties.title = f"{resource.title} ({resource.name})"
        self.workbook.properties.subject = f"Rules {resource.paragraph}, Table {resource.table}"
        self.workbook.properties.description = f"filters: {filters or '(none)'}"
        self.workbook.properties.created = generated.replace(tzinfo=None)
        self._bold = Font(bold=True)
        self._sheet: Any = None
        self._sheets = 0
        self._rows_in_sheet = 0
        self._saved = False
        self._busy: asyncio.Future[None] | None = None

    def _new_sheet(self) -> None:
        if self._sheet is not None:
            self._close_sheet()
        self._sheets += 1
        title = self.resource.name if self._sheets == 1 else f"{self.resource.name} ({self._sheets})"
        sheet = self.workbook.create_sheet(title[:31])
        sheet.freeze_panes = "A2"
        for number, column in enumerate(self.columns, 1):
            sheet.column_dimensions[get_column_letter(number)].width = _width(column)
        header = []
        for column in self.columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = self._bold
            header.append(cell)
        sheet.append(header)
        self._sheet = sheet
        self._rows_in_sheet = 1

    def _close_sheet(self) -> None:
        last = get_column_letter(len(self.columns))
        self._sheet.auto_filter.ref = f"A1:{last}{self._rows_in_sheet}"

    def _add(self, items: list[Row]) -> None:
        columns = self.columns
        for item in items:
            if self._sheet is None or self._rows_in_sheet >= XLSX_MAX_ROWS:
                self._new_sheet()
            self._sheet.append([self._cell(item[column]) for column in columns])
            self._rows_in_sheet += 1

    def _cell(self, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = _xml_text(value)
        if len(text) > XLSX_MAX_TEXT:
            text = text[: XLSX_MAX_TEXT - 1] + "…"
        if (len(text) > 1 and text.startswith("=")) or text in ERROR_CODES:
            # openpyxl would write it as a formula (or an error value): the text stays text.
            cell = WriteOnlyCell(self._sheet, value=text)
            cell.data_type = "s"
            return cell
        return text

    async def add(self, items: list[Row]) -> None:
        if items:
            # Shielded: a cancelled download lets the thread finish its page before ``discard``.
            self._busy = asyncio.ensure_future(asyncio.to_thread(self._add, items))
            await asyncio.shield(self._busy)

    def _save(self, target: IO[bytes]) -> None:
        if self._sheet is None:
            self._new_sheet()  # an empty export still has its header row
        self._close_sheet()
        self.workbook.save(target)  # removes the sheets' temporary files
        self._saved = True

    async def save(self, target: IO[bytes]) -> None:
        await asyncio.to_thread(self._save, target)

    def discard(self) -> None:
        """Close and remove the temporary files of a workbook that will not be saved (openpyxl would
        keep them until the process exits); when a page is still being added in its thread, as soon
        as it is done. Never waits: it runs while a cancelled download unwinds."""
        if self._saved:
            return
        self._saved = True
        if self._busy is not None and not self._busy.done():
            self._busy.add_done_callback(lambda _done: self._remove_files())
        else:
            self._remove_files()

    def _remove_files(self) -> None:
        for sheet in self.workbook.worksheets:
            writer = getattr(sheet, "_writer", None)
            if writer is None or not isinstance(writer.out, str):
                continue  # nothing written to disk yet
            with suppress(Exception):
                sheet.close()  # ends the sheet's XML stream and closes its file
            with suppress(OSError):
                os.remove(writer.out)
            with suppress(ValueError):
                TEMPORARY_SHEETS.remove(writer.out)


# --- one export -----------------------------------------------------------------------------------
@dataclass
class Export:
    """One export of a resource in one format; ``rows`` counts the rows as they are written."""

    resource: Resource
    format: str
    #: the reader's filters as a query string (said by the XML root and the XLSX properties)
    filters: str = ""
    generated: dt.datetime = field(default_factory=now)
    #: where the XSD is published (``xsi:schemaLocation`` of the XML), "" for none
    schema_url: str = ""
    rows: int = 0

    @property
    def filename(self) -> str:
        return f"{self.resource.name}-{self.generated:%Y-%m-%d}.{self.format}"

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    def encoder(self) -> Encoder:
        kind = ENCODERS[self.format]
        options: dict[str, Any] = {"filters": self.filters, "generated": self.generated}
        if kind is XmlEncoder:
            options["schema_url"] = self.schema_url
        return kind(self.resource, **options)

    async def chunks(self, rows: Pages) -> AsyncIterator[bytes]:
        """The export's bytes, from pages of rows."""
        if self.format == "xlsx":
            async for chunk in self._xlsx(rows):
                yield chunk
            return
        encoder = self.encoder()
        yield encoder.head()
        async for items in rows:
            self.rows += len(items)
            chunk = encoder.rows(items)
            if chunk:
                yield chunk
        yield encoder.tail()

    async def _xlsx(self, rows: Pages) -> AsyncIterator[bytes]:
        writer = XlsxWriter(self.resource, filters=self.filters, generated=self.generated)
        with tempfile.TemporaryFile(prefix="sanmeasures-export-", suffix=".xlsx") as file:
            try:
                async for items in rows:
                    self.rows += len(items)
                    await writer.add(items)
                await writer.save(file)
            finally:
                writer.discard()
            file.seek(0)
            while chunk := await asyncio.to_thread(file.read, FILE_CHUNK):
                yield chunk


async def _starting_with(first: list[Row], rest: Pages) -> Pages:
    yield first
    async for items in rest:
        yield items


# --- the API --------------------------------------------------------------------------------------
router = APIRouter(prefix="/api/v1/export", tags=["export (Rules §31б)"])


def _conflict(error: ConflictingFilter) -> Response:
    return JSONResponse({"detail": error.detail()}, 422)


def _export_route(resource: Resource) -> None:
    async def export(request: Request, format: str, filters: BaseModel) -> Response:
        try:
            query = resource.query_of(filters)
        except ConflictingFilter as error:
            return _conflict(error)
        settings = settings_of(request)
        job = Export(
            resource,
            format,
            filters=filters_text(filters),
            schema_url=f"{settings.public_url}/schemas/{SCHEMA_FILE}",
        )
        rows = pages(engine_of(request), resource, query)
        # The first page is read before the response starts: a failing database is a 5xx, not a
        # truncated file.
        first = await anext(rows)
        return StreamingResponse(
            job.chunks(_starting_with(first, rows)),
            media_type=job.media_type,
            headers={
                "Content-Disposition": f'attachment; filename="{job.filename}"',
                "X-Content-Type-Options": "nosniff",
            },
        )

    # Each resource has its own filter model: the annotations are set per route.
    export.__annotations__ = {
        "request": Request,
        "format": Format,
        "filters": Annotated[resource.query, Query()],
        "return": Response,
    }
    export.__name__ = f"export_{resource.name.replace('-', '_')}"
    export.__doc__ = (
        f"Every row of the {resource.title.lower()} list (Rules {resource.paragraph}, Table {resource.table}) "
        "matching the filters, in the list's order, as CSV (UTF-8 with BOM), XLSX, JSON (one array) or "
        f"XML (/schemas/{SCHEMA_FILE}). The filters are the list's; limit and cursor are ignored."
    )
    router.add_api_route(
        f"/{resource.name}.{{format}}",
        export,
        methods=["GET"],
        summary=f"{resource.title}: export (Rules §31б)",
        response_class=StreamingResponse,
        responses={
            200: {
                "description": "The export file, streamed",
                "content": {media_type: {} for media_type in MEDIA_TYPES.values()},
            },
            422: {"description": "A filter is invalid or contradicts the resource (the field is named)"},
        },
    )


for _resource in RESOURCES.values():
    _export_route(_resource)
