"""``sanmeasures registry …``: load registry dumps (Table 1) and check a certificate's status (Rules §31з).

    sanmeasures registry import FILE [--registry unified|national] [--format xml|csv] [--database-url URL]
    sanmeasures registry status NUMBER [--registry unified|national] [--database-url URL]

``import`` exits 1 when anything was rejected (the summary lists the rejections with their reasons),
0 otherwise; ``status`` exits 1 when the certificate is unknown. Both exit 2 when the file or the
database cannot be used at all.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sanmeasures.settings import Settings

registry_app = typer.Typer(
    help="The unified registry of state registration certificates (Table 1): import dumps, check a status.",
    no_args_is_help=True,
    add_completion=False,
)


class RegistryName(StrEnum):
    unified = "unified"  # the Commission's unified registry (Rules §7а)
    national = "national"  # this node's national part of it (Rules §6а, §35)


class FileFormat(StrEnum):
    xml = "xml"
    csv = "csv"


RegistryOption = Annotated[
    RegistryName,
    typer.Option("--registry", help="unified: the Commission's registry; national: this node's part of it"),
]
DatabaseOption = Annotated[
    str | None,
    typer.Option("--database-url", help="default: SANMEASURES_DATABASE_URL or the embedded SQLite file"),
]


def _database_url(given: str | None) -> str:
    return given or Settings.from_env().database_url


def _fail(message: str) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(2)


@registry_app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(help="registry dump: R.SM.SS.07.001 XML or CSV", exists=True, dir_okay=False)
    ],
    registry: RegistryOption = RegistryName.unified,
    file_format: Annotated[
        FileFormat | None, typer.Option("--format", help="default: from the file's suffix")
    ] = None,
    database_url: DatabaseOption = None,
    show: Annotated[int, typer.Option("--show", help="how many rejections to print", min=0)] = 20,
) -> None:
    """Load a registry dump in bulk; every certificate is checked on its own, rejections are listed."""
    import sqlalchemy as sa
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from sanmeasures.registry.importer import ImportProgress, ImportSummary, format_of, import_file
    from sanmeasures.registry.importer import Progress as Report
    from sanmeasures.storage.engine import create_engine

    try:
        chosen = file_format.value if file_format else format_of(file)
    except ValueError as error:
        raise _fail(str(error)) from None

    after_write = None
    if registry.value == "national":
        # Rules §35: what enters the national part goes to the Commission, in the same transaction.
        from sanmeasures.processes.registry_sync import send_to_commission
        from sanmeasures.settings import Settings

        settings = Settings.from_env()

        async def after_write(connection, changed):  # type: ignore[no-untyped-def]
            await send_to_commission(connection, changed, hosted=settings.hosted, known=settings.known)

    async def run(update: Report) -> ImportSummary:
        engine = create_engine(_database_url(database_url))
        try:
            return await import_file(
                engine,
                file,
                registry=registry.value,  # type: ignore[arg-type]
                format=chosen,  # type: ignore[arg-type]
                progress=update,
                after_write=after_write,
            )
        finally:
            await engine.dispose()

    console = Console(stderr=True)
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[read]} read, {task.fields[rejected]} rejected"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as bar:
        task = bar.add_task(file.name, total=file.stat().st_size, read=0, rejected=0)

        def update(state: ImportProgress) -> None:
            bar.update(task, completed=state.bytes_read, read=state.read, rejected=state.rejected)

        try:
            summary = asyncio.run(run(update))
        except (OSError, sa.exc.DBAPIError) as error:
            detail = str(getattr(error, "orig", None) or error).splitlines()[0]
            raise _fail(
                f"cannot use the database: {detail} (is it migrated? `sanmeasures db upgrade`)"
            ) from None

    typer.echo(
        f"{file.name} -> {registry.value} registry: {summary.read} read, {summary.imported} imported, "
        f"{summary.unchanged} unchanged, {summary.rejected} rejected "
        f"({summary.seconds:.1f} s, {summary.rate:,.0f} certificates/s)"
    )
    for issue in summary.file_issues:
        where = f" (line {issue.line})" if issue.line else ""
        typer.echo(f"file{where}: {issue.message_ru} / {issue.message_en}")
    if summary.rejections:
        unit = "row" if summary.format == "csv" else "certificate"
        typer.echo("rejected:")
        for rejection in summary.rejections[:show]:
            line = f", line {rejection.line}" if rejection.line else ""
            number = f" {rejection.registration_number}" if rejection.registration_number else ""
            typer.echo(f"  {unit} {rejection.position}{line}{number}:")
            for reason in rejection.reasons():
                typer.echo(f"    - {reason}")
        if summary.rejected > show:
            typer.echo(f"  … and {summary.rejected - show} more")
    if not summary.ok:
        raise typer.Exit(1)


@registry_app.command("status")
def status_command(
    number: Annotated[
        str, typer.Argument(help="registration number, as written (look-alike letters allowed)")
    ],
    registry: RegistryOption = RegistryName.unified,
    database_url: DatabaseOption = None,
    today: Annotated[
        dt.datetime | None, typer.Option("--today", formats=["%Y-%m-%d"], help="the day to judge validity on")
    ] = None,
) -> None:
    """Check a certificate's status (Rules §31з): in force, suspended, annulled, expired — or unknown."""
    import sqlalchemy as sa

    from sanmeasures.registry.store import STATE_NAMES, CertificateStatus, status_of
    from sanmeasures.storage.engine import create_engine

    async def run() -> CertificateStatus | None:
        engine = create_engine(_database_url(database_url))
        try:
            async with engine.connect() as connection:
                return await status_of(
                    connection,
                    number,
                    registry=registry.value,  # type: ignore[arg-type]
                    today=today.date() if today else None,
                )
        finally:
            await engine.dispose()

    try:
        status = asyncio.run(run())
    except (OSError, sa.exc.DBAPIError) as error:
        detail = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise _fail(f"cannot use the database: {detail}") from None
    if status is None:
        typer.echo(f"{number.strip()}: unknown / не найдено ({registry.value} registry)")
        raise typer.Exit(1)
    until = status.valid_until.isoformat() if status.valid_until else "unlimited / не ограничен"
    status_end = f" to {status.status_end.isoformat()}" if status.status_end else ""
    lines = [
        f"{status.registration_number}: {status.state_en} / {status.state_ru} ({status.registry} registry)",
        f"  written as   {status.registration_number_as_written}",
        f"  status       {status.status_code} from {status.status_start.isoformat()}{status_end}",
        f"  validity     {status.valid_from.isoformat()} – {until}",
        f"  issued       {status.issued_on.isoformat()} ({status.country}) by {status.authority_name}",
        f"  product      {status.product_name}",
        f"  applicant    {status.applicant_name}",
        f"  version      {status.version}, updated {status.updated_at:%Y-%m-%d %H:%M}",
        "  history:",
    ]
    for change in status.history:
        end = f" to {change.end.isoformat()}" if change.end else ""
        ru, en = STATE_NAMES[change.state]
        lines.append(f"    v{change.version}  {change.start.isoformat()}{end}  {en} / {ru}")
    typer.echo("\n".join(lines))
