"""Bulk import of registry dumps (Appendix 2, Table 1): R.SM.SS.07.001 XML and CSV.

Every certificate is checked on its own against every rule of Table 1 (the XSD and the model); a bad
one is reported with its reasons, in Russian and English, and never takes a good neighbour down with
it. Valid certificates are written in batches (one transaction and three round trips per batch, one
batch in flight while the next is read) with :func:`~sanmeasures.registry.store.record_certificates`,
so an import is idempotent: a certificate identical to its current version adds nothing, and
importing a file twice imports nothing new.

XML
    A R.SM.SS.07.001 document with one or many ``doc:RegistrationCertificateDetails``, read as a
    stream (lxml ``iterparse`` with the hardened settings: no DTD, no entities, no network; a DOCTYPE
    refuses the file). Certificates are checked in chunks: the header and a chunk of certificates are
    validated against the XSD at once; only when a chunk fails is each of its certificates re-wrapped
    with the header into a one-certificate document and run through the whole pipeline
    (:func:`~sanmeasures.contract.pipeline.validate_element`), which says exactly what is wrong.

CSV
    UTF-8 (a BOM is allowed), comma or semicolon separated, one certificate per row, a header row
    naming the columns below (any order; names are case-insensitive). Dates are ``YYYY-MM-DD`` or
    ``DD.MM.YYYY``. Lists are separated by ``;`` and the parts of one list entry by ``|``. Each row
    becomes a :class:`RegistrationCertificateDetails`, so every Table 1 rule applies.

    ==============================  ====  ========================================================
    column                          T1    content
    ==============================  ====  ========================================================
    registration_number *           3     ``KZ.16.01.78.003.R.000541.05.24`` as written
    country *                       1     alpha-2 code of the member state (AM, BY, KZ, KG, RU)
    issued_on *                     4     date of issue
    status_code *                   6     1 in force, 2 suspended, 3 annulled (SM.CLS.006); the
                                          Russian words (действует, приостановлено, аннулировано)
                                          are accepted too
    status_start *                  6     start date of the status
    status_end                      6     end date of the status (empty: open)
    valid_from *                    5     start of validity
    valid_until *                   5     end of validity; empty (or «не ограничен») = unlimited
    product_name *                  8.1   name given by the manufacturer
    product_trade_name              8.2   trade (invented) name
    product_description             8.3   type, model, form, use, storage …
    hs_codes                        8     HS (ТН ВЭД ЕАЭС) codes, ``;``, ``,`` or space separated
    manufacturing_documents *       8.4   ``name|designation`` entries, ``;`` separated; the
                                          designation may be left out: ``Технические условия|ТУ …``
    applicant_name *                7     full name of the applicant
    applicant_id *                  7     its state registration number; ``KIND:number`` gives the
                                          kind (``kindId``), default ``<country>01``
    applicant_address *             7     addresses, ``;`` separated: the location first, then the
                                          places of activity; each a free-text address
                                          (``050000, г. Алматы, пр. Суюнбая, 263``)
    manufacturer_name *             9     full name of the manufacturer
    manufacturer_address *          9     as applicant_address: location, then production sites
    technical_regulations           10    ``ТР ТС 021/2011;ТР ЕАЭС 044/2017`` (letter R); Latin
                                          ``TR TS 021/2011`` is read as the Cyrillic code
    sanitary_requirements_section   10    section(s) of chapter II of the Unified Sanitary
                                          Requirements, ``;`` separated (letter E)
    evidence_documents *            11    ``number|date`` or ``name|number|date`` entries, ``;``
                                          separated: the test protocols and other evidence
    laboratory                      11    ``name`` or ``name|accreditation certificate number`` of
                                          the testing laboratory, given on every evidence entry
    authority_name *                12    full name of the authority that issued the certificate
    form_number                     2     printed number of the certificate form
    ==============================  ====  ========================================================

    ``*``: the column must be in the header (its cell may still be checked as empty); at least one
    of technical_regulations and sanitary_requirements_section must be there too. A column the
    importer does not know refuses the file: nothing in a dump is dropped silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import csv
import functools
import gc
import io
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

import sqlalchemy as sa
from lxml import etree
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from sanmeasures.contract.errors import RULES, Issue, rule
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.namespaces import clark, prefixed
from sanmeasures.contract.pipeline import HEADER_CODE, validate_element
from sanmeasures.contract.schemas import compiled_schema
from sanmeasures.contract.structures.certificate import STRUCTURE, RegistrationCertificateDetails
from sanmeasures.registry.store import Registry, Source, _check, record_certificates

Format = Literal["xml", "csv"]

_ROOT = clark(STRUCTURE.root.xml_root or "")
_HEADER = clark("ccdo:EDocHeader")
_CERTIFICATE = clark("cert:RegistrationCertificateDetails")
_NUMBER = clark("csdo:DocId")
_ROOT_NAME = f"doc:{STRUCTURE.root_element}"

FILE_FORMAT = rule(
    "import.format",
    "Формат файла {path} не распознан по расширению: укажите xml или csv",
    "Cannot tell the format of {path} from its suffix: give xml or csv",
)
XML_BROKEN = rule(
    "import.xml.syntax",
    "Файл не является корректным XML (строка {line}): {detail}. Свидетельства, прочитанные до этого места, "
    "обработаны; дальше файл не читается",
    "The file is not well-formed XML (line {line}): {detail}. The certificates read before that point were "
    "processed; nothing after it can be read",
)
XML_DOCTYPE = rule(
    "import.xml.doctype",
    "Объявление DOCTYPE/DTD не допускается (защита от XXE и раскрытия сущностей): файл не импортирован",
    "A DOCTYPE/DTD declaration is not allowed (protection against XXE and entity expansion): file not imported",
)
XML_ROOT = rule(
    "import.xml.root",
    "Корневой элемент {root} — не {expected} (R.SM.SS.07.001): файл не импортирован",
    "The root element {root} is not {expected} (R.SM.SS.07.001): file not imported",
)
XML_HEADER = rule(
    "import.xml.header",
    "Заголовок документа ccdo:EDocHeader {problem_ru}: файл не импортирован",
    "The document header ccdo:EDocHeader {problem_en}: file not imported",
)
XML_UNEXPECTED = rule(
    "import.xml.unexpected",
    "Элемент {element} (строка {line}) не относится к структуре R.SM.SS.07.001 и не импортирован",
    "Element {element} (line {line}) is not part of the R.SM.SS.07.001 structure and was not imported",
)
XML_EMPTY = rule(
    "import.xml.empty",
    "В документе нет ни одного свидетельства (doc:RegistrationCertificateDetails)",
    "The document holds no certificate (doc:RegistrationCertificateDetails)",
)
CSV_ENCODING = rule(
    "import.csv.encoding",
    "Файл не в кодировке UTF-8 (строка {line}): {detail}. Строки до этого места обработаны",
    "The file is not UTF-8 (line {line}): {detail}. The rows before that point were processed",
)
CSV_SYNTAX = rule(
    "import.csv.syntax",
    "Файл не читается как CSV (строка {line}): {detail}. Строки до этого места обработаны",
    "The file cannot be read as CSV (line {line}): {detail}. The rows before that point were processed",
)
CSV_COLUMNS = rule(
    "import.csv.columns",
    "Заголовок CSV: {problem_ru}; файл не импортирован (состав колонок — в sanmeasures.registry.importer)",
    "CSV header: {problem_en}; file not imported (the columns are listed in sanmeasures.registry.importer)",
)
CSV_ROW_WIDTH = rule(
    "import.csv.row_width",
    "В строке {count} значений, а в заголовке {expected} колонок",
    "The row has {count} values, the header {expected} columns",
)
CSV_ENTRY = rule(
    "import.csv.entry",
    "Колонка {column}: запись «{value}» не соответствует формату {shape_ru}",
    "Column {column}: entry '{value}' does not have the form {shape_en}",
)
STORAGE_REFUSED = rule(
    "import.storage",
    "База данных отказала в записи свидетельства: {detail}",
    "The database refused to store the certificate: {detail}",
)


def _issue(broken: Any, *, stage: str = "rule", line: int | None = None, **context: Any) -> Issue:
    ru, en = broken.render({"line": line if line is not None else "?", **context})
    column = context.get("column")
    return Issue(
        stage=stage,  # type: ignore[arg-type]
        rule=broken.code,
        message_ru=ru,
        message_en=en,
        line=line,
        item=_COLUMN_ITEMS.get(column) if column else None,
        paragraph=broken.paragraph,
        details={"column": column} if column else {},
    )


# =================================================================================================
# What an import answers
# =================================================================================================
@dataclass
class Rejection:
    """A certificate (XML) or row (CSV) that was not imported, and why."""

    position: int  # CSV: data row, 1 = the first row after the header; XML: certificate, 1 = the first
    line: int | None  # where it starts in the file
    registration_number: str | None  # as written, when there is one
    issues: list[Issue]

    def reasons(self) -> list[str]:
        """One line per reason: ``[column or item] message_ru / message_en``."""
        lines = []
        for issue in self.issues:
            where = issue.details.get("column") or issue.xpath or ""
            item = f" {issue.item}" if issue.item else ""
            prefix = f"[{where}{item}] " if where or item else ""
            lines.append(f"{prefix}{issue.message_ru} / {issue.message_en}")
        return lines


@dataclass(frozen=True)
class ImportProgress:
    read: int  # certificates (rows) read so far
    imported: int
    unchanged: int
    rejected: int
    bytes_read: int
    bytes_total: int


@dataclass
class ImportSummary:
    path: Path
    registry: str
    format: str
    read: int = 0
    imported: int = 0  # a new version appended (a new certificate or a change)
    unchanged: int = 0  # identical to the current version: nothing appended
    rejections: list[Rejection] = field(default_factory=list)
    file_issues: list[Issue] = field(default_factory=list)  # about the file as a whole
    seconds: float = 0.0

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    @property
    def ok(self) -> bool:
        """Nothing rejected, nothing wrong with the file."""
        return not self.rejections and not self.file_issues

    @property
    def rate(self) -> float:
        """Certificates read per second."""
        return self.read / self.seconds if self.seconds else 0.0


Progress = Callable[[ImportProgress], None]
#: Rows read between two turns of the event loop (the batch in flight advances on each turn).
_YIELD_EVERY = 32


@dataclass(frozen=True, slots=True)
class _Valid:
    position: int
    line: int | None
    certificate: RegistrationCertificateDetails


# =================================================================================================
# The driver
# =================================================================================================
def format_of(path: Path) -> Format:
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return "xml"
    if suffix == ".csv":
        return "csv"
    raise ValueError(FILE_FORMAT.render({"path": path})[1])


#: Called in each batch's transaction with the certificates the batch changed.
AfterWrite = Callable[[AsyncConnection, list[RegistrationCertificateDetails]], Awaitable[None]]


async def import_file(
    engine: AsyncEngine,
    path: str | Path,
    *,
    registry: Registry = "unified",
    format: Format | None = None,
    batch_size: int = 2000,
    progress: Progress | None = None,
    source: Source = "import",
    after_write: AfterWrite | None = None,
) -> ImportSummary:
    """Load a registry dump into ``registry``; ``format`` defaults to the file's suffix (.xml, .csv).

    ``after_write`` runs in the transaction of each batch with the certificates it changed (a
    national node sends them to the Commission from there, Rules §35)."""
    path = Path(path)
    chosen: Format = format or format_of(path)
    if chosen not in ("xml", "csv"):
        raise ValueError(f"format must be xml or csv, not {chosen!r}")
    _check(registry, source)
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    summary = ImportSummary(path=path, registry=registry, format=chosen)
    with _fewer_collections():
        await _import(engine, path, chosen, summary, registry, source, batch_size, progress, after_write)
    return summary


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while importing.

    A batch keeps thousands of small model objects alive until it is written; with the default
    thresholds the collector traverses them again and again (a third of the import's CPU time in
    bench/registry.py). Reference counting still frees everything at once; the thresholds come back
    when the last import running in the process ends.
    """
    global _importing, _thresholds
    if _importing == 0:
        _thresholds = gc.get_threshold()
        gc.set_threshold(50_000, 20, 100)
    _importing += 1
    try:
        yield
    finally:
        _importing -= 1
        if _importing == 0:
            gc.set_threshold(*_thresholds)


_importing = 0
_thresholds: tuple[int, ...] = gc.get_threshold()


async def _import(
    engine: AsyncEngine,
    path: Path,
    chosen: Format,
    summary: ImportSummary,
    registry: str,
    source: str,
    batch_size: int,
    progress: Progress | None,
    after_write: AfterWrite | None,
) -> None:
    started = time.perf_counter()
    writer = _Writer(engine, registry, source, summary, after_write)
    total = path.stat().st_size
    with path.open("rb") as raw:
        counted = _Counted(raw)
        stream = io.BufferedReader(counted, buffer_size=1 << 20)
        items = _read_xml(stream, summary, batch_size) if chosen == "xml" else _read_csv(stream, summary)

        def report() -> None:
            if progress is not None:
                progress(
                    ImportProgress(
                        summary.read,
                        summary.imported,
                        summary.unchanged,
                        summary.rejected,
                        counted.count,
                        total,
                    )
                )

        try:
            for item in items:
                summary.read += 1
                if isinstance(item, Rejection):
                    summary.rejections.append(item)
                else:
                    writer.pending.append(item)
                    if len(writer.pending) >= batch_size:
                        await writer.submit()
                if summary.read % _YIELD_EVERY == 0:
                    await asyncio.sleep(0)  # let the batch in flight talk to the database
                if summary.read % batch_size == 0:
                    report()
            await writer.submit()
            await writer.drain()
        finally:
            await writer.cancel()
        report()
    summary.rejections.sort(key=lambda rejection: rejection.position)
    summary.seconds = time.perf_counter() - started


class _Counted(io.RawIOBase):
    """A raw binary stream that counts the bytes read (the progress bar's measure)."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        read = self.raw.readinto(buffer)  # type: ignore[attr-defined]
        self.count += read or 0
        return read or 0


class _Writer:
    """Writes valid certificates in batches, one transaction per batch.

    One batch is in flight while the next is read and checked (the database works while Python
    parses); batches are written one after another, in file order.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        registry: str,
        source: str,
        summary: ImportSummary,
        after_write: AfterWrite | None = None,
    ) -> None:
        self.engine = engine
        self.after_write = after_write
        self.registry = registry
        self.source = source
        self.summary = summary
        self.pending: list[_Valid] = []
        self.in_flight: asyncio.Task[None] | None = None
        self.next_analyze = 1000

    async def submit(self) -> None:
        """Send the pending batch once the previous one is stored."""
        await self.drain()
        if self.pending:
            batch, self.pending = self.pending, []
            self.in_flight = asyncio.create_task(self._flush(batch))

    async def drain(self) -> None:
        if self.in_flight is not None:
            task, self.in_flight = self.in_flight, None
            await task

    async def cancel(self) -> None:
        """On the way out after an error: the batch in flight is rolled back, not left behind."""
        if self.in_flight is not None:
            task, self.in_flight = self.in_flight, None
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def _flush(self, batch: list[_Valid]) -> None:
        try:
            await self._write(batch)
        except (sa.exc.IntegrityError, sa.exc.DataError):
            # Something the model let through but the database refused: isolate it, one certificate
            # per transaction, so its neighbours are still stored.
            for one in batch:
                try:
                    await self._write([one])
                except (sa.exc.IntegrityError, sa.exc.DataError) as error:
                    detail = str(error.orig or error).splitlines()[0]
                    self.summary.rejections.append(
                        Rejection(
                            one.position,
                            one.line,
                            one.certificate.registration_number_as_written,
                            [_issue(STORAGE_REFUSED, detail=detail, line=one.line)],
                        )
                    )

    async def _write(self, batch: list[_Valid]) -> None:
        async with self.engine.begin() as connection:
            records = await record_certificates(
                connection,
                [valid.certificate for valid in batch],
                registry=self.registry,  # type: ignore[arg-type]
                source=self.source,  # type: ignore[arg-type]
            )
            changed = [
                valid.certificate for valid, record in zip(batch, records, strict=True) if record.created
            ]
            if changed and self.after_write is not None:
                await self.after_write(connection, changed)
        created = sum(record.created for record in records)
        self.summary.imported += created
        self.summary.unchanged += len(records) - created
        if self.summary.imported >= self.next_analyze:
            await self._analyze()

    async def _analyze(self) -> None:
        """PostgreSQL: refresh the planner's statistics as the tables grow (each time the rows imported
        double). Without it a bulk load into a young table keeps statistics from when it was nearly
        empty, and the lookup of current versions degrades into scanning the whole registry (the
        "Populating a Database" advice of the PostgreSQL manual: run ANALYZE after loading)."""
        self.next_analyze = max(self.next_analyze * 2, self.summary.imported + 1)
        if self.engine.dialect.name != "postgresql":
            return
        async with self.engine.connect() as connection:
            await connection.execute(sa.text("ANALYZE certificates, certificate_versions"))
            await connection.commit()


# =================================================================================================
# XML: R.SM.SS.07.001, streamed
# =================================================================================================
def _read_xml(stream: BinaryIO, summary: ImportSummary, chunk_size: int) -> Iterator[_Valid | Rejection]:
    schema = compiled_schema(STRUCTURE)
    events = etree.iterparse(
        stream,
        events=("start", "end"),
        tag=(_ROOT, _HEADER, _CERTIFICATE),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
        remove_comments=True,
        remove_pis=True,
    )
    root: etree._Element | None = None
    header: etree._Element | None = None
    chunk: list[tuple[int, etree._Element]] = []
    position = 0
    try:
        for event, element in events:
            if root is None:
                root = element.getroottree().getroot()
                problem = _root_problem(root)
                if problem is not None:
                    summary.file_issues.append(problem)
                    return
            if event == "start" or element.getparent() is not root:
                continue  # a certificate or header out of place stays in the tree: reported below
            if element.tag == _HEADER:
                if header is None and position == 0:
                    problem = _header_problem(element)
                    if problem is not None:
                        summary.file_issues.append(problem)
                        return
                    header = copy.deepcopy(element)
                    root.remove(element)
                continue
            if element.tag != _CERTIFICATE:
                continue
            if header is None:
                summary.file_issues.append(
                    _issue(
                        XML_HEADER,
                        line=element.sourceline,
                        problem_ru="отсутствует перед первым свидетельством",
                        problem_en="is missing before the first certificate",
                    )
                )
                return
            position += 1
            root.remove(element)  # taken out of the tree as it is read: memory stays flat
            chunk.append((position, element))
            if len(chunk) >= chunk_size:
                yield from _check_chunk(schema, root, header, chunk)
                chunk = []
    except etree.XMLSyntaxError as error:
        if header is not None and root is not None and chunk:
            yield from _check_chunk(schema, root, header, chunk)
        detail = str(error.msg or error)
        lowered = detail.lower()
        if "doctype" in lowered or "entity" in lowered or "dtd" in lowered:
            summary.file_issues.append(_issue(XML_DOCTYPE, stage="xml", line=error.lineno))
        else:
            summary.file_issues.append(_issue(XML_BROKEN, stage="xml", line=error.lineno, detail=detail))
        return
    if root is None:
        root = events.root
        problem = _root_problem(root) if root is not None else None
        summary.file_issues.append(problem or _issue(XML_EMPTY))
        return
    if header is not None and chunk:
        yield from _check_chunk(schema, root, header, chunk)
    for leftover in root.iterchildren(etree.Element):
        summary.file_issues.append(
            _issue(
                XML_UNEXPECTED,
                stage="xsd",
                line=leftover.sourceline,
                element=prefixed(leftover.tag, STRUCTURE.root.root_namespace()),
            )
        )
    if position == 0 and not summary.file_issues:
        summary.file_issues.append(_issue(XML_EMPTY))


def _root_problem(root: etree._Element) -> Issue | None:
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        return _issue(XML_DOCTYPE, stage="xml", line=1)
    if root.tag != _ROOT:
        return _issue(XML_ROOT, stage="xml", line=root.sourceline, root=str(root.tag), expected=_ROOT_NAME)
    return None


def _header_problem(element: etree._Element) -> Issue | None:
    """The header is checked once: a bad header is a bad document, not a bad certificate."""
    try:
        header = EDocHeader.from_element(element)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors(include_url=False)
        )
        return _issue(
            XML_HEADER,
            stage="xsd",
            line=element.sourceline,
            problem_ru=f"недопустим ({problems})",
            problem_en=f"is invalid ({problems})",
        )
    if header.e_doc_code != STRUCTURE.code:
        ru, en = HEADER_CODE.render({"declared": header.e_doc_code, "actual": STRUCTURE.code})
        return _issue(
            XML_HEADER, stage="rule", line=element.sourceline, problem_ru=f": {ru}", problem_en=f": {en}"
        )
    return None


def _document(root: etree._Element, header: etree._Element) -> etree._Element:
    document = etree.Element(_ROOT, nsmap=root.nsmap)
    document.append(copy.deepcopy(header))
    return document


def _check_chunk(
    schema: etree.XMLSchema,
    root: etree._Element,
    header: etree._Element,
    chunk: list[tuple[int, etree._Element]],
) -> Iterator[_Valid | Rejection]:
    """The header and a chunk of certificates against the XSD at once; per certificate only on failure."""
    document = _document(root, header)
    for _, element in chunk:
        document.append(element)
    if not schema.validate(document):
        for position, element in chunk:
            yield _check_one(root, header, position, element)
        return
    for position, element in chunk:
        try:
            certificate = RegistrationCertificateDetails.model_validate(
                RegistrationCertificateDetails.read_element(element)
            )
        except ValidationError:
            yield _check_one(root, header, position, element)  # the pipeline says exactly why
            continue
        yield _Valid(position, element.sourceline, certificate)


def _check_one(
    root: etree._Element, header: etree._Element, position: int, element: etree._Element
) -> _Valid | Rejection:
    """One certificate re-wrapped with the header into a one-certificate document: the whole pipeline."""
    document = _document(root, header)
    document.append(element)
    report = validate_element(document)
    if report.ok:
        return _Valid(position, element.sourceline, report.document.registration_certificate_details[0])  # type: ignore[union-attr]
    # The pipeline saw certificate [1] of a one-certificate document: point at its place in the file.
    here = f"/{_ROOT_NAME}/doc:RegistrationCertificateDetails"
    for issue in report.issues:
        if issue.xpath and issue.xpath.startswith(here + "[1]"):
            issue.xpath = f"{here}[{position}]{issue.xpath[len(here) + 3 :]}"
    number = (element.findtext(_NUMBER) or "").strip() or None
    return Rejection(position, element.sourceline, number, report.issues)


# =================================================================================================
# CSV
# =================================================================================================
#: Columns that must be in the header (Table 1 items of multiplicity 1).
REQUIRED_COLUMNS: tuple[str, ...] = (
    "registration_number",
    "country",
    "issued_on",
    "status_code",
    "status_start",
    "valid_from",
    "valid_until",
    "product_name",
    "manufacturing_documents",
    "applicant_name",
    "applicant_id",
    "applicant_address",
    "manufacturer_name",
    "manufacturer_address",
    "evidence_documents",
    "authority_name",
)
OPTIONAL_COLUMNS: tuple[str, ...] = (
    "form_number",
    "status_end",
    "product_trade_name",
    "product_description",
    "hs_codes",
    "technical_regulations",
    "sanitary_requirements_section",
    "laboratory",
)
COLUMNS: tuple[str, ...] = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
_COLUMN_ITEMS: dict[str, str] = {
    "country": "T1/1",
    "form_number": "T1/2",
    "registration_number": "T1/3",
    "issued_on": "T1/4",
    "valid_from": "T1/5",
    "valid_until": "T1/5",
    "status_code": "T1/6",
    "status_start": "T1/6",
    "status_end": "T1/6",
    "applicant_name": "T1/7",
    "applicant_id": "T1/7",
    "applicant_address": "T1/7",
    "product_name": "T1/8.1",
    "product_trade_name": "T1/8.2",
    "product_description": "T1/8.3",
    "hs_codes": "T1/8",
    "manufacturing_documents": "T1/8.4",
    "manufacturer_name": "T1/9",
    "manufacturer_address": "T1/9",
    "technical_regulations": "T1/10",
    "sanitary_requirements_section": "T1/10",
    "evidence_documents": "T1/11",
    "laboratory": "T1/11",
    "authority_name": "T1/12",
}


def _read_csv(stream: BinaryIO, summary: ImportSummary) -> Iterator[_Valid | Rejection]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        first = text.readline()
    except UnicodeDecodeError as error:
        summary.file_issues.append(_issue(CSV_ENCODING, stage="xml", line=1, detail=str(error)))
        return
    delimiter = _delimiter(first)
    header = [name.strip().lower() for name in next(csv.reader([first], delimiter=delimiter), [])]
    problem = _header_problem_csv(header)
    if problem is not None:
        summary.file_issues.append(problem)
        return
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    position = 0
    while True:
        line = reader.line_num + 2  # the header is line 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as error:
            summary.file_issues.append(_issue(CSV_ENCODING, stage="xml", line=line, detail=str(error)))
            return
        except csv.Error as error:
            summary.file_issues.append(_issue(CSV_SYNTAX, stage="xml", line=line, detail=str(error)))
            return
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        position += 1
        if len(row) != len(header):
            column = header.index("registration_number")
            number = row[column].strip() if column < len(row) else None
            yield Rejection(
                position, line, number or None, [_issue(CSV_ROW_WIDTH, count=len(row), expected=len(header))]
            )
            continue
        yield _from_row(position, line, dict(zip(header, row, strict=True)))


def _delimiter(line: str) -> str:
    """Comma or semicolon (spreadsheets in a Russian locale write ``;``): whichever splits the header into
    more known column names."""

    def known(separator: str) -> int:
        return sum(name.strip().lower() in COLUMNS for name in line.split(separator))

    return ";" if known(";") > known(",") else ","


def _header_problem_csv(header: list[str]) -> Issue | None:
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    repeated = sorted({name for name in header if header.count(name) > 1})
    ru: list[str] = []
    en: list[str] = []
    if unknown:
        ru.append(f"неизвестные колонки {', '.join(unknown)}")
        en.append(f"unknown columns {', '.join(unknown)}")
    if missing:
        ru.append(f"нет колонок {', '.join(missing)}")
        en.append(f"missing columns {', '.join(missing)}")
    if repeated:
        ru.append(f"повторяются колонки {', '.join(repeated)}")
        en.append(f"repeated columns {', '.join(repeated)}")
    if "technical_regulations" not in header and "sanitary_requirements_section" not in header:
        ru.append("нет ни technical_regulations, ни sanitary_requirements_section (п. 10)")
        en.append("neither technical_regulations nor sanitary_requirements_section (item 10)")
    if not ru:
        return None
    return _issue(CSV_COLUMNS, stage="xml", line=1, problem_ru="; ".join(ru), problem_en="; ".join(en))


def _from_row(position: int, line: int, row: dict[str, str]) -> _Valid | Rejection:
    data, issues = certificate_data(row)
    try:
        certificate = RegistrationCertificateDetails.model_validate(data)
    except ValidationError as error:
        reported = {issue.details.get("column") for issue in issues}
        issues.extend(
            issue for issue in _row_issues(error, line) if issue.details.get("column") not in reported
        )
    else:
        if not issues:
            return _Valid(position, line, certificate)
    number = row.get("registration_number", "").strip() or None
    return Rejection(position, line, number, issues)


# --- one row -> the model's data ------------------------------------------------------------------
_DOTTED_DATE = re.compile(r"^\s*(\d{2})\.(\d{2})\.(\d{4})\s*$")
_UNLIMITED = {"не ограничен", "не ограничено", "бессрочно", "unlimited"}
_STATUS_WORDS = {
    "действует": "1",
    "in force": "1",
    "приостановлено": "2",
    "действие приостановлено": "2",
    "suspended": "2",
    "аннулировано": "3",
    "отозвано": "3",
    "аннулировано (отозвано)": "3",
    "annulled": "3",
    "revoked": "3",
}
_SPLIT_CODES = re.compile(r"[;,\s]+")
_REGULATION = re.compile(r"^(?:ТР|TP|TR)\s*(ТС|TC|TS|ЕАЭС|EAЭC|EAEU)\s*(\d{3})\s*/\s*(\d{4})$", re.IGNORECASE)


def _cell(row: dict[str, str], column: str) -> str | None:
    value = (row.get(column) or "").strip()
    return value or None


def _list(row: dict[str, str], column: str, separator: str = ";") -> list[str]:
    return [part.strip() for part in (row.get(column) or "").split(separator) if part.strip()]


def _date(value: str | None) -> str | None:
    """``DD.MM.YYYY`` -> ISO; anything else goes to the model as written (and is refused there)."""
    if value is None:
        return None
    dotted = _DOTTED_DATE.match(value)
    return f"{dotted[3]}-{dotted[2]}-{dotted[1]}" if dotted else value


def _regulation(value: str) -> str:
    """``TR TS 021/2011`` or Latin look-alikes -> the Cyrillic ``ТР ТС 021/2011`` of the code list."""
    match = _REGULATION.match(value.strip())
    if match is None:
        return value
    union = "ТС" if match[1].upper() in {"ТС", "TC", "TS"} else "ЕАЭС"
    return f"ТР {union} {match[2]}/{match[3]}"


def certificate_data(row: dict[str, str]) -> tuple[dict[str, Any], list[Issue]]:
    """One CSV row -> the data of a :class:`RegistrationCertificateDetails`, and the problems of its
    entries that the model would not see (a malformed list entry)."""
    issues: list[Issue] = []
    country = (_cell(row, "country") or "").upper() or None
    country_code = {"value": country, "code_list_id": "P.CLS.019"} if country else None
    status_text = _cell(row, "status_code")
    status = _STATUS_WORDS.get(status_text.lower(), status_text) if status_text else None
    valid_until = _cell(row, "valid_until")
    validity: dict[str, Any] = {"start_date": _date(_cell(row, "valid_from"))}
    if valid_until is None or valid_until.lower() in _UNLIMITED:
        validity["unlimited_validity_indicator"] = True
    else:
        validity["end_date"] = _date(valid_until)

    manufacturing = []
    for entry in _list(row, "manufacturing_documents"):
        name, _, designation = (part.strip() for part in entry.partition("|"))
        manufacturing.append(_present(doc_name=name or None, doc_id=designation or None))

    laboratory = _cell(row, "laboratory")
    lab_name, _, accreditation = (part.strip() for part in (laboratory or "").partition("|"))
    evidence = []
    for entry in _list(row, "evidence_documents"):
        parts = [part.strip() for part in entry.split("|")]
        if len(parts) not in (2, 3) or not all(parts[-2:]):
            issues.append(
                _issue(
                    CSV_ENTRY,
                    stage="model",
                    column="evidence_documents",
                    value=entry,
                    shape_ru="«номер|дата» или «наименование|номер|дата»",
                    shape_en="'number|date' or 'name|number|date'",
                )
            )
            continue
        evidence.append(
            _present(
                doc_name=parts[0] if len(parts) == 3 and parts[0] else None,
                doc_id=parts[-2],
                doc_creation_date=_date(parts[-1]),
                testing_laboratory_name=lab_name or None,
                accreditation_certificate_id=accreditation or None,
            )
        )

    applicant_id = _cell(row, "applicant_id")
    kind, _, value = (applicant_id or "").rpartition(":")
    union_act: dict[str, Any] = {}
    regulations = [_regulation(value_) for value_ in _list(row, "technical_regulations")]
    if regulations:
        union_act["technical_regulation_id"] = regulations
    sections = _list(row, "sanitary_requirements_section")
    if sections:
        union_act["sanitary_requirements_section_text"] = sections

    data = _present(
        unified_country_code=country_code,
        form_number_id=_cell(row, "form_number"),
        registration_number_as_written=_cell(row, "registration_number"),
        doc_creation_date=_date(_cell(row, "issued_on")),
        certificate_validity_period_details=validity,
        certificate_status_details=_present(
            certificate_status_code={"value": status, "code_list_id": "SM.CLS.006"} if status else None,
            start_date=_date(_cell(row, "status_start")),
            end_date=_date(_cell(row, "status_end")),
        ),
        applicant_details=_present(
            business_entity_name=_cell(row, "applicant_name"),
            business_entity_id=(
                {"value": value.strip(), "kind_id": kind.strip() or f"{country or ''}01"}
                if applicant_id
                else None
            ),
            subject_address_details=addresses(_list(row, "applicant_address")),
        ),
        certificate_product_details=_present(
            product_name=_cell(row, "product_name"),
            product_trade_name=_cell(row, "product_trade_name"),
            description_text=_cell(row, "product_description"),
            commodity_code=[code for code in _SPLIT_CODES.split(row.get("hs_codes") or "") if code],
            doc_reference_details=manufacturing,
        ),
        manufacturer_details=_present(
            business_entity_name=_cell(row, "manufacturer_name"),
            subject_address_details=addresses(_list(row, "manufacturer_address")),
        ),
        union_act_details=union_act,
        conformity_evidence_doc_details=evidence,
        unified_authority_details=_present(
            unified_country_code=country_code, authority_name=_cell(row, "authority_name")
        ),
    )
    return data, issues


def _present(**values: Any) -> dict[str, Any]:
    """Empty cells are absent elements: the model then reports a missing mandatory one by name."""
    return {key: value for key, value in values.items() if value is not None}


# --- addresses --------------------------------------------------------------------------------------
#: Six digits (BY, KG, KZ, RU) or the Kazakh A05F2X1 anywhere; four digits (AM) only as the first part.
_POST_CODE = re.compile(r"^(\d{6}|[A-Z]\d{2}[A-Z]\d[A-Z]\d)$")
_POST_CODE_FIRST = re.compile(r"^\d{4}$")
_COUNTRIES = {
    "республика армения": "AM",
    "армения": "AM",
    "республика беларусь": "BY",
    "беларусь": "BY",
    "республика казахстан": "KZ",
    "казахстан": "KZ",
    "кыргызская республика": "KG",
    "киргизия": "KG",
    "кыргызстан": "KG",
    "российская федерация": "RU",
    "россия": "RU",
}
_ADDRESS_PARTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("room_number_id", ("кв.", "оф.", "офис ", "пом.", "помещение ", "комн.")),
    ("building_number_id", ("д.", "дом ", "зд.", "здание ", "стр.", "корп.")),
    ("city_name", ("г.", "город ")),
    ("district_name", ("р-н", "район ")),
    ("settlement_name", ("п.", "пос.", "поселок ", "с.", "село ", "пгт", "аул ", "ст-ца")),
    (
        "street_name",
        (
            "ул.",
            "улица ",
            "пр.",
            "пр-т",
            "проспект ",
            "пер.",
            "переулок ",
            "б-р",
            "бульвар ",
            "ш.",
            "шоссе ",
            "наб.",
            "мкр",
            "микрорайон ",
            "пл.",
            "площадь ",
            "тракт ",
            "проезд ",
            "туп.",
        ),
    ),
)
_REGION_WORDS = ("обл.", "область", "край", "республика", "респ.", "автономный округ")


def _address_part(part: str) -> str | None:
    lowered = part.lower()
    if any(word in lowered for word in _REGION_WORDS):
        return "region_name"
    for name, starts in _ADDRESS_PARTS:
        if lowered.startswith(starts):
            if name == "building_number_id" and not re.search(r"\d", part):
                continue
            return name
    if "р-н" in lowered or " район" in lowered:
        return "district_name"
    if re.fullmatch(r"\d+[\w/-]*", part):
        return "building_number_id"
    return None


def addresses(texts: list[str]) -> list[dict[str, Any]]:
    """Free-text addresses -> ccdo:SubjectAddressDetails: the first is the location (kind 1, registration
    address), the others places of activity or production sites (kind 2, actual address).

    ``050000, Республика Казахстан, г. Алматы, пр. Суюнбая, 263`` is read part by part (post code,
    country, region, district, city, settlement, street, building, room); a part that fits nowhere is
    the city if there is none yet, otherwise it is added to the street — nothing is dropped.
    """
    return [_address(text, "1" if number == 0 else "2") for number, text in enumerate(texts)]


@functools.lru_cache(maxsize=8192)
def _address(text: str, kind: str) -> dict[str, Any]:
    # Cached: a dump names the same applicants and sites again and again (the dict is only read).
    address: dict[str, Any] = {"address_kind_code": kind}
    for raw in text.split(","):
        part = raw.strip()
        if not part:
            continue
        first = len(address) == 1
        if (
            _POST_CODE.match(part) or (first and _POST_CODE_FIRST.match(part))
        ) and "post_code" not in address:
            address["post_code"] = part
            continue
        country = _COUNTRIES.get(part.lower())
        if country is not None and "unified_country_code" not in address:
            address["unified_country_code"] = {"value": country, "code_list_id": "P.CLS.019"}
            continue
        name = _address_part(part)
        if name == "building_number_id":
            part = re.sub(r"^(д\.|дом)\s*", "", part, flags=re.IGNORECASE) or part
        if name is None:
            name = (
                "city_name"
                if "city_name" not in address and "settlement_name" not in address
                else "street_name"
            )
        address[name] = f"{address[name]}, {part}" if name in address else part
    return address


# --- model errors -> reasons naming the CSV column ------------------------------------------------
_LOC_COLUMNS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("unified_country_code",), "country"),
    (("form_number_id",), "form_number"),
    (("registration_number_as_written",), "registration_number"),
    (("doc_creation_date",), "issued_on"),
    (("certificate_validity_period_details", "start_date"), "valid_from"),
    (("certificate_validity_period_details",), "valid_until"),
    (("certificate_status_details", "certificate_status_code"), "status_code"),
    (("certificate_status_details", "end_date"), "status_end"),
    (("certificate_status_details",), "status_start"),
    (("applicant_details", "business_entity_name"), "applicant_name"),
    (("applicant_details", "business_entity_id"), "applicant_id"),
    (("applicant_details",), "applicant_address"),
    (("certificate_product_details", "product_trade_name"), "product_trade_name"),
    (("certificate_product_details", "description_text"), "product_description"),
    (("certificate_product_details", "commodity_code"), "hs_codes"),
    (("certificate_product_details", "doc_reference_details"), "manufacturing_documents"),
    (("certificate_product_details",), "product_name"),
    (("manufacturer_details", "business_entity_name"), "manufacturer_name"),
    (("manufacturer_details",), "manufacturer_address"),
    (("union_act_details", "sanitary_requirements_section_text"), "sanitary_requirements_section"),
    (("union_act_details",), "technical_regulations"),
    (("conformity_evidence_doc_details", "testing_laboratory_name"), "laboratory"),
    (("conformity_evidence_doc_details", "accreditation_certificate_id"), "laboratory"),
    (("conformity_evidence_doc_details",), "evidence_documents"),
    (("unified_authority_details", "unified_country_code"), "country"),
    (("unified_authority_details",), "authority_name"),
)
#: Russian for pydantic's own errors (the rules of Table 1 carry their own bilingual messages).
_PYDANTIC_RU: dict[str, str] = {
    "string_too_long": "длиннее {max_length} знаков",
    "string_too_short": "короче {min_length} знаков",
    "string_pattern_mismatch": "не соответствует шаблону {pattern}",
    "date_parsing": "не является датой (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)",
    "date_from_datetime_parsing": "не является датой (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)",
    "date_from_datetime_inexact": "не является датой (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)",
    "too_short": "должно быть указано хотя бы одно значение",
}


def _column_of(loc: tuple[Any, ...]) -> str:
    names = tuple(step for step in loc if isinstance(step, str))
    for prefix, column in _LOC_COLUMNS:
        if names[: len(prefix)] == prefix:
            return column
    return "registration_number"  # a rule about the certificate as a whole (items 1, 3, 4)


def _row_issues(error: ValidationError, line: int) -> list[Issue]:
    issues = []
    for problem in error.errors(include_url=False):
        loc = tuple(problem["loc"])
        context = dict(problem.get("ctx") or {})
        if "field" in context:
            loc = (*loc, context["field"])
        column = _column_of(loc)
        kind = problem["type"]
        declared = RULES.get(kind)
        value = problem.get("input")
        if declared is not None:
            ru, en = declared.render(context)
        elif kind == "missing":
            ru, en = f"колонка {column} не заполнена", f"column {column} is empty"
        else:
            template = _PYDANTIC_RU.get(kind)
            shown = f"«{value}» " if isinstance(value, str) else ""
            ru = (
                f"значение {shown}{template.format(**context)}"
                if template
                else f"недопустимое значение: {problem['msg']}"
            )
            en = f"{problem['msg']}" + (f" ('{value}')" if isinstance(value, str) else "")
        issues.append(
            Issue(
                stage="rule" if declared else "model",
                rule=kind,
                message_ru=ru,
                message_en=en,
                line=line,
                item=_COLUMN_ITEMS.get(column),
                paragraph=declared.paragraph if declared else None,
                value=value if isinstance(value, str) else None,
                details={"column": column},
            )
        )
    return issues
