"""Daily full snapshots of the published resources, for machine clients (Rules §31б).

Rules §31б asks for the published information to be exported "also at the request of interested
parties' information systems, for automatic processing". Besides the filtered exports of
``export.py``, the node writes once a day every row of each of the four resources in every format,
so an information system downloads yesterday's or today's full copy without asking the database:

    <data_dir>/snapshots/<YYYY-MM-DD>/registry.csv.gz, registry.json.gz, registry.xml.gz, registry.xlsx,
                                      morbidity.…, dangerous-products.…, measures.…, manifest.json

CSV, JSON and XML are gzip-compressed (XLSX already is a zip). The files are those of the export
(``export.py``: the same columns, encoders and XSD, no filters, newest first); each resource's rows
are read once and written to its four files together. ``manifest.json`` lists every file with its
resource, format, row count, size and SHA-256. A snapshot is built in a hidden folder and renamed
into place when complete, so a reader sees a whole day or none. The ``KEEP_DAYS`` newest days are
kept. Dates are UTC days.

- ``snapshot_worker`` (``WORKERS``): a few minutes after the node starts and then every
  ``CHECK_EVERY`` seconds, makes today's snapshot when it is missing. Several processes on one data
  folder make it once: a lock file says who is at it.
- ``sanmeasures snapshot``: makes today's snapshot now (again, if made already).
- ``GET /api/v1/snapshots``: the days held, with their files, sizes, checksums and URLs;
  ``GET /api/v1/snapshots/{date}/{file}`` downloads a file (only a file its day's manifest lists);
  ``GET /api/v1/snapshots/latest/{file}`` redirects to the newest day's file.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import gzip
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Literal

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, RedirectResponse
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.portal.export import ENCODERS, MEDIA_TYPES, XlsxWriter, now, pages
from sanmeasures.portal.resources import RESOURCES, Resource
from sanmeasures.portal.web import settings_of
from sanmeasures.settings import Settings

try:  # POSIX: one process at a time makes a snapshot of a data folder
    import fcntl
except ImportError:  # pragma: no cover - Windows: one process per data folder is assumed
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

#: Days of snapshots kept, today included.
KEEP_DAYS = 7
#: Seconds between two checks of the worker.
CHECK_EVERY = 300
#: Seconds after the node starts before the worker's first check (a starting node serves first).
FIRST_CHECK_AFTER = 120
#: Formats of a snapshot, and those compressed with gzip (XLSX already is a zip).
SNAPSHOT_FORMATS: tuple[str, ...] = ("csv", "json", "xml", "xlsx")
GZIPPED = frozenset({"csv", "json", "xml"})
MANIFEST = "manifest.json"

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def snapshot_root(settings: Settings) -> Path:
    return Path(settings.data_dir) / "snapshots"


def file_name(resource: str, format: str) -> str:
    return f"{resource}.{format}" + (".gz" if format in GZIPPED else "")


def media_type(name: str) -> str:
    if name.endswith(".gz"):
        return "application/gzip"
    return MEDIA_TYPES[name.rsplit(".", 1)[-1]]


@dataclass(frozen=True)
class SnapshotFile:
    name: str
    resource: str
    format: str
    compression: str | None
    rows: int
    size: int
    sha256: str


@dataclass(frozen=True)
class Snapshot:
    day: dt.date
    generated: dt.datetime
    files: tuple[SnapshotFile, ...]
    path: Path

    def file(self, name: str) -> SnapshotFile | None:
        return next((f for f in self.files if f.name == name), None)


# --- reading ----------------------------------------------------------------------------------------
def read_snapshot(root: Path, day: dt.date) -> Snapshot | None:
    """The complete snapshot of a day, None when there is none (or its manifest is unreadable)."""
    folder = root / day.isoformat()
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = tuple(SnapshotFile(**entry) for entry in manifest["files"])
        generated = dt.datetime.fromisoformat(manifest["generated"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Snapshot(day, generated, files, folder)


def list_snapshots(root: Path) -> list[Snapshot]:
    """Every complete snapshot held, newest first."""
    found = []
    for day in _days(root):
        snapshot = read_snapshot(root, day)
        if snapshot is not None:
            found.append(snapshot)
    return found


def _days(root: Path) -> list[dt.date]:
    days = []
    if root.is_dir():
        for entry in root.iterdir():
            if entry.is_dir() and _DAY.match(entry.name):
                try:
                    days.append(dt.date.fromisoformat(entry.name))
                except ValueError:
                    continue
    return sorted(days, reverse=True)


# --- making ------------------------------------------------------------------------------------------
class SnapshotBusy(RuntimeError):
    """Another process is making a snapshot of this data folder right now."""


@contextmanager
def _lock(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "a+b") as handle:
        if fcntl is not None:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise SnapshotBusy(f"another process is making a snapshot in {root}") from None
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


async def make_snapshot(
    engine: AsyncEngine, root: Path, *, replace: bool = False, keep: int = KEEP_DAYS
) -> Snapshot | None:
    """Make today's snapshot (UTC); None when it exists already (unless ``replace``).

    Raises ``SnapshotBusy`` when another process is making one of the same folder.
    """
    generated = now()
    day = generated.date()
    with _lock(root):
        if not replace and read_snapshot(root, day) is not None:
            return None
        _remove_leftovers(root)
        building = Path(tempfile.mkdtemp(prefix=f".building-{day}-", dir=root))
        building.chmod(0o755)  # published as the other days are (mkdtemp makes it private)
        try:
            files = []
            for resource in RESOURCES.values():
                files += await _write_resource(engine, resource, building, generated)
            manifest = {
                "date": day.isoformat(),
                "generated": generated.isoformat().replace("+00:00", "Z"),
                "rules": "§31б",
                "files": [asdict(f) for f in files],
            }
            (building / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), "utf-8")
            _publish(building, root / day.isoformat())
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        prune(root, keep)
    snapshot = read_snapshot(root, day)
    assert snapshot is not None, "the snapshot just published is readable"
    return snapshot


def _publish(building: Path, target: Path) -> None:
    """Put the finished folder in place in one rename (an earlier one of the day is replaced)."""
    old = None
    if target.exists():
        old = target.with_name(f".old-{target.name}-{os.getpid()}")
        target.rename(old)
    building.rename(target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(root: Path) -> None:
    """Folders of an interrupted run (only called with the lock held: nobody else is building)."""
    for entry in root.iterdir():
        if entry.is_dir() and entry.name.startswith((".building-", ".old-")):
            shutil.rmtree(entry, ignore_errors=True)


def prune(root: Path, keep: int = KEEP_DAYS) -> list[dt.date]:
    """Remove all but the ``keep`` newest days; returns the days removed."""
    removed = []
    for day in _days(root)[keep:]:
        shutil.rmtree(root / day.isoformat(), ignore_errors=True)
        removed.append(day)
    return removed


class _Output:
    """One snapshot file being written: gzip-compressed, or as is."""

    def __init__(self, path: Path, *, compress: bool, inner_name: str, mtime: int) -> None:
        self.path = path
        self._raw: IO[bytes] = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._out: IO[bytes] = (
            gzip.GzipFile(filename=inner_name, mode="wb", fileobj=self._raw, mtime=mtime)
            if compress
            else self._raw
        )

    def write(self, data: bytes) -> None:
        if data:
            self._out.write(data)

    def close(self) -> None:
        if self._out is not self._raw:
            self._out.close()
        self._raw.close()


def _write_all(outputs: list[tuple[_Output, bytes]]) -> None:
    for output, data in outputs:
        output.write(data)


async def _write_resource(
    engine: AsyncEngine, resource: Resource, folder: Path, generated: dt.datetime
) -> list[SnapshotFile]:
    """Every row of a resource, read once, written to each format's file."""
    mtime = int(generated.timestamp())
    encoders = {fmt: ENCODERS[fmt](resource, filters="", generated=generated) for fmt in sorted(GZIPPED)}
    outputs = {
        fmt: _Output(
            folder / file_name(resource.name, fmt),
            compress=True,
            inner_name=f"{resource.name}.{fmt}",
            mtime=mtime,
        )
        for fmt in encoders
    }
    workbook = XlsxWriter(resource, filters="", generated=generated)
    paths = {fmt: output.path for fmt, output in outputs.items()}
    paths["xlsx"] = folder / file_name(resource.name, "xlsx")
    rows = 0
    try:
        await asyncio.to_thread(_write_all, [(outputs[f], e.head()) for f, e in encoders.items()])
        async for items in pages(engine, resource, resource.query_of(resource.query())):
            rows += len(items)
            # Compressing and writing release the GIL: done in a thread, off the event loop.
            await asyncio.to_thread(_write_all, [(outputs[f], e.rows(items)) for f, e in encoders.items()])
            await workbook.add(items)
        await asyncio.to_thread(_write_all, [(outputs[f], e.tail()) for f, e in encoders.items()])
        with open(paths["xlsx"], "wb") as target:
            await workbook.save(target)
    finally:
        for output in outputs.values():
            output.close()
        workbook.discard()
    files = []
    for fmt in SNAPSHOT_FORMATS:
        path = paths[fmt]
        digest = await asyncio.to_thread(_sha256, path)
        files.append(
            SnapshotFile(
                name=path.name,
                resource=resource.name,
                format=fmt,
                compression="gzip" if fmt in GZIPPED else None,
                rows=rows,
                size=path.stat().st_size,
                sha256=digest,
            )
        )
    return files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


# --- the worker -------------------------------------------------------------------------------------
async def snapshot_worker(app: FastAPI) -> None:
    """Make today's snapshot when it is missing, checking every ``CHECK_EVERY`` seconds."""
    await asyncio.sleep(FIRST_CHECK_AFTER)
    while True:
        root = snapshot_root(app.state.settings)
        try:
            made = await make_snapshot(app.state.engine, root)
        except SnapshotBusy:
            made = None
        except Exception:  # the next round tries again; the node keeps serving
            log.exception("the daily snapshot in %s failed", root)
            made = None
        if made is not None:
            log.info("daily snapshot %s: %d files in %s", made.day, len(made.files), made.path)
        await asyncio.sleep(CHECK_EVERY)


# --- the API ------------------------------------------------------------------------------------------
router = APIRouter(prefix="/api/v1/snapshots", tags=["export (Rules §31б)"])


class SnapshotFileOut(BaseModel):
    name: str = Field(description="file name, e.g. registry.csv.gz")
    resource: str = Field(description="registry, morbidity, dangerous-products or measures")
    format: Literal["csv", "json", "xml", "xlsx"]
    compression: Literal["gzip"] | None = Field(description="gzip for csv, json and xml")
    rows: int
    size: int = Field(description="bytes of the file as downloaded")
    sha256: str = Field(description="SHA-256 of the file as downloaded, hex")
    url: str


class SnapshotOut(BaseModel):
    date: dt.date
    generated: dt.datetime
    files: list[SnapshotFileOut]


class SnapshotsOut(BaseModel):
    keep_days: int = Field(description="how many newest days are kept")
    snapshots: list[SnapshotOut] = Field(description="newest first")


def _url(settings: Settings, day: dt.date, name: str) -> str:
    return f"{settings.public_url}/api/v1/snapshots/{day.isoformat()}/{name}"


@router.get("", summary="Daily full snapshots: days, files, sizes, checksums (Rules §31б)")
async def snapshots_index(request: Request) -> SnapshotsOut:
    """The daily snapshots held: every row of each published resource in CSV, JSON, XML (gzip) and XLSX."""
    settings = settings_of(request)
    found = await asyncio.to_thread(list_snapshots, snapshot_root(settings))
    return SnapshotsOut(
        keep_days=KEEP_DAYS,
        snapshots=[
            SnapshotOut(
                date=s.day,
                generated=s.generated,
                files=[
                    SnapshotFileOut(**asdict(f), url=_url(settings, s.day, f.name))  # type: ignore[arg-type]
                    for f in s.files
                ],
            )
            for s in found
        ],
    )


@router.get("/latest/{name}", summary="The newest snapshot's file (a redirect)", status_code=307)
async def latest_snapshot_file(request: Request, name: str) -> RedirectResponse:
    for snapshot in await asyncio.to_thread(list_snapshots, snapshot_root(settings_of(request))):
        if snapshot.file(name) is not None:
            return RedirectResponse(f"/api/v1/snapshots/{snapshot.day.isoformat()}/{name}", status_code=307)
    raise HTTPException(404, f"no snapshot holds {name}")


@router.get(
    "/{day}/{name}",
    summary="Download a snapshot file",
    response_class=FileResponse,
    responses={200: {"content": {"application/gzip": {}, MEDIA_TYPES["xlsx"]: {}}}},
)
async def snapshot_file(request: Request, day: dt.date, name: str) -> FileResponse:
    # Only a file the day's manifest lists is served: no name reaches the file system unchecked.
    snapshot = await asyncio.to_thread(read_snapshot, snapshot_root(settings_of(request)), day)
    entry = snapshot.file(name) if snapshot is not None else None
    if snapshot is None or entry is None:
        raise HTTPException(404, f"no snapshot file {name} of {day.isoformat()}")
    digest = base64.b64encode(bytes.fromhex(entry.sha256)).decode("ascii")
    return FileResponse(
        snapshot.path / entry.name,
        media_type=media_type(entry.name),
        filename=entry.name,
        headers={"Repr-Digest": f"sha-256=:{digest}:", "X-Content-Type-Options": "nosniff"},
    )
