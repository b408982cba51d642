"""``sanmeasures`` — the single entry point for operators."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from sanmeasures.settings import Settings

app = typer.Typer(
    help="Node of the EAEU integrated system for the information support of sanitary measures.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="XML documents to check", exists=True, dir_okay=False)],
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Check documents against the contract: XSD, table multiplicities and value rules.

    Exit status 0 only if every file is valid.
    """
    from sanmeasures.contract.pipeline import validate_document

    results = []
    for path in files:
        report = validate_document(path.read_bytes())
        results.append((path, report))
    if as_json:
        payload = [{"file": str(path), **report.as_dict()} for path, report in results]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for path, report in results:
            if report.ok:
                typer.echo(f"OK       {path} ({report.structure.code if report.structure else '?'})")
                continue
            code = report.structure.code if report.structure else "unknown structure"
            typer.echo(f"INVALID  {path} ({code}): {len(report.issues)} error(s)")
            for issue in report.issues:
                typer.echo(f"  - {issue.one_line()}")
    if not all(report.ok for _, report in results):
        raise typer.Exit(1)


@app.command()
def example(
    structure: Annotated[str, typer.Argument(help="structure code, e.g. R.SM.SS.08.002 (see `structures`)")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="write to this file")] = None,
) -> None:
    """Write a realistic valid document of a structure (a starting point for integrators)."""
    from sanmeasures.contract.catalogue import structures
    from sanmeasures.contract.examples import example_document
    from sanmeasures.contract.pipeline import encode

    if structure not in structures():
        typer.echo(f"unknown structure {structure!r}; known: {', '.join(structures())}", err=True)
        raise typer.Exit(2)
    data = encode(example_document(structure))
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        typer.echo(f"wrote {output}")


@app.command("structures")
def list_structures() -> None:
    """List the structures the node reads and writes."""
    from sanmeasures.contract.catalogue import structures

    for code, structure in structures().items():
        table = f"Table {structure.table}" if structure.table else "-"
        origin = "EEC" if structure.published else "ours"
        typer.echo(f"{code:16} {origin:4} {table:8} {structure.root_element:40} {structure.title_en}")


from sanmeasures.registry.cli import registry_app  # noqa: E402  (a sub-app, imported where it is added)

app.add_typer(registry_app, name="registry")

db_app = typer.Typer(help="The node's database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade(
    database_url: Annotated[str | None, typer.Option(help="default: SANMEASURES_DATABASE_URL")] = None,
    revision: Annotated[str, typer.Argument(help="target revision")] = "head",
) -> None:
    """Apply the migrations (PostgreSQL or SQLite)."""
    from sanmeasures.storage.migrate import upgrade

    url = database_url or Settings.from_env().database_url
    upgrade(url, revision)
    typer.echo(f"database at {revision}")


messages_app = typer.Typer(
    help="What became of messages; dead letters and their replay.", no_args_is_help=True
)
app.add_typer(messages_app, name="messages")


def _with_engine(url: str | None, work):  # type: ignore[no-untyped-def]
    """Run ``work(engine)`` on the node's database (``url`` or SANMEASURES_DATABASE_URL)."""
    import asyncio

    from sanmeasures.storage.engine import create_engine

    async def run():  # type: ignore[no-untyped-def]
        engine = create_engine(url or Settings.from_env().database_url)
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    return asyncio.run(run())


@messages_app.command("show")
def messages_show(
    edoc_id: Annotated[str, typer.Argument(help="the EDocId of the message")],
    database_url: Annotated[str | None, typer.Option(help="default: SANMEASURES_DATABASE_URL")] = None,
) -> None:
    """The message and its delivery record per recipient (queued, sent, received, accepted …)."""
    from sanmeasures.exchange.records import message_view

    async def work(engine):  # type: ignore[no-untyped-def]
        async with engine.connect() as connection:
            return await message_view(connection, edoc_id)

    view = _with_engine(database_url, work)
    if view is None:
        typer.echo(f"no message {edoc_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{view['edoc_id']} {view['structure_code']} {view['direction']} from {view['sender']}")
    for delivery in view["deliveries"]:
        error = f" — {delivery['last_error']}" if delivery["last_error"] else ""
        typer.echo(
            f"  {delivery['recipient']:24} {delivery['state']:9} attempts {delivery['attempts']}{error}"
        )
        for event in delivery["timeline"]:
            typer.echo(f"      {event['at']}  {event['state']}")


def _with_broker(database_url: str | None, work):  # type: ignore[no-untyped-def]
    """Run ``work(engine, broker, participants)`` against the node's RabbitMQ (the hosted participants'
    queues), or ``work(engine, None, …)`` on the embedded broker, whose queues are in the database."""
    from sanmeasures.exchange.rabbitmq import RabbitMqBroker

    settings = Settings.from_env()

    async def run(engine):  # type: ignore[no-untyped-def]
        if settings.embedded_broker:
            return await work(engine, None, settings.hosted)
        broker = RabbitMqBroker(settings.broker_url, settings.hosted, namespace=settings.broker_namespace)
        await broker.start()
        try:
            return await work(engine, broker, settings.hosted)
        finally:
            await broker.close()

    return _with_engine(database_url, run)


@messages_app.command("dead")
def messages_dead(
    database_url: Annotated[str | None, typer.Option(help="default: SANMEASURES_DATABASE_URL")] = None,
) -> None:
    """Dead letters with their reason: the embedded broker's, or the hosted participants' RabbitMQ
    dead-letter queues (SANMEASURES_BROKER_URL)."""
    from sanmeasures.exchange.records import broker_dead_letters, dead_letters

    async def work(engine, broker, participants):  # type: ignore[no-untyped-def]
        if broker is not None:
            return await broker_dead_letters(broker, participants)
        async with engine.connect() as connection:
            return await dead_letters(connection)

    rows = _with_broker(database_url, work)
    if not rows:
        typer.echo("no dead letters")
    for row in rows:
        typer.echo(
            f"{row['id']:>6} {row['queue']:24} {row['edoc_id']} after {row['deliveries']}: {row['reason']}"
        )


@messages_app.command("replay")
def messages_replay(
    dead_id: Annotated[str, typer.Argument(help="the dead letter's id (see `messages dead`)")],
    actor: Annotated[str, typer.Option(help="who replays it, for the audit log")] = "operator",
    database_url: Annotated[str | None, typer.Option(help="default: SANMEASURES_DATABASE_URL")] = None,
) -> None:
    """Put a dead letter back into its queue; recorded in the audit log."""
    from sanmeasures.exchange.records import NotDead, broker_replay, replay

    async def work(engine, broker, participants):  # type: ignore[no-untyped-def]
        if broker is not None:
            return await broker_replay(engine, broker, participants, dead_id, actor=actor)
        if not dead_id.isdigit():
            raise NotDead(f"{dead_id!r} is not a dead letter id of the embedded broker (a number)")
        return await replay(engine, int(dead_id), actor=actor)

    try:
        detail = _with_broker(database_url, work)
    except NotDead as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"replayed {detail['edoc_id']} into {detail['queue']} (was: {detail['reason']})")


@messages_app.command("list")
def messages_list(
    limit: Annotated[int, typer.Option(help="how many, newest first")] = 50,
    database_url: Annotated[str | None, typer.Option(help="default: SANMEASURES_DATABASE_URL")] = None,
) -> None:
    """What the node holds: the documents sent and received, newest first, with their deliveries."""
    from sanmeasures.exchange.records import recent_messages

    async def work(engine):  # type: ignore[no-untyped-def]
        async with engine.connect() as connection:
            return await recent_messages(connection, limit)

    rows = _with_engine(database_url, work)
    if not rows:
        typer.echo("no messages")
    for row in rows:
        states = ", ".join(f"{state} {count}" for state, count in sorted(row["deliveries"].items()))
        typer.echo(
            f"{row['recorded_at']:%Y-%m-%d %H:%M:%S} {row['direction']:3} {row['structure_code']:15} "
            f"{row['edoc_id']} from {row['sender']}" + (f" [{states}]" if states else "")
        )


def _participant(text: str, among: tuple[str, ...] | None = None, outside: str = ""):  # type: ignore[no-untyped-def]
    """The participant ``text`` names (exit 2 when malformed, or not ``among`` the ids given)."""
    from sanmeasures.exchange.participants import Participant, UnknownParticipant

    try:
        who = Participant.parse(text)
    except UnknownParticipant as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if among is not None and who.id not in among:
        typer.echo(f"{who.id}: {outside}", err=True)
        raise typer.Exit(2)
    return who


@app.command()
def send(
    file: Annotated[Path, typer.Argument(help="one XML document", exists=True, dir_okay=False)],
    as_: Annotated[str, typer.Option("--as", help="the participant sending it, e.g. authority:KZ")],
    decision_date: Annotated[
        datetime | None,
        typer.Option(help="Rules §17: the authority's decision to report the case", formats=["%Y-%m-%d"]),
    ] = None,
    database_url: Annotated[str | None, typer.Option(help="default: SANMEASURES_DATABASE_URL")] = None,
) -> None:
    """Submit a document as a participant this node hosts: checked, stored and queued for its
    recipients exactly as `POST /api/v1/messages` does (the running node's relay sends it)."""
    from sanmeasures.processes.submission import submit

    settings = Settings.from_env()
    sender = _participant(as_, settings.hosted, f"this node hosts {', '.join(settings.hosted)}")

    async def work(engine):  # type: ignore[no-untyped-def]
        return await submit(
            engine,
            sender,
            settings.known,
            file.read_bytes(),
            max_bytes=settings.max_document_bytes,
            confidentiality=settings.confidentiality(),
            decision_date=decision_date.date() if decision_date else None,
        )

    submission = _with_engine(database_url, work)
    if not submission.accepted:
        typer.echo(f"{submission.outcome.upper()} {file}: {len(submission.issues)} error(s)", err=True)
        for issue in submission.issues:
            typer.echo(f"  - {issue.one_line()}", err=True)
        raise typer.Exit(1)
    again = " (already submitted: nothing changed)" if submission.outcome == "repeat" else ""
    typer.echo(
        f"queued {submission.edoc_id} ({submission.flow}) for {', '.join(submission.recipients)}{again}"
    )


participants_app = typer.Typer(help="Participants' API keys.", no_args_is_help=True)
app.add_typer(participants_app, name="participants")


@participants_app.command("add")
def participants_add(
    participant: Annotated[str, typer.Argument(help="authority:KZ, supervisory:KZ:01, commission …")],
    database_url: Annotated[str | None, typer.Option(help="default: SANMEASURES_DATABASE_URL")] = None,
) -> None:
    """Issue an API key to a participant of the deployment (shown once; only its hash is kept)."""
    from sanmeasures.processes.credentials import issue_key

    settings = Settings.from_env()
    who = _participant(participant, settings.participants, "not a participant of this deployment")

    async def work(engine):  # type: ignore[no-untyped-def]
        async with engine.begin() as connection:
            return await issue_key(connection, who)

    issued = _with_engine(database_url, work)
    typer.echo(f"{issued.participant} {issued.key}")


@participants_app.command("revoke")
def participants_revoke(
    participant: Annotated[str, typer.Argument(help="the participant whose keys are withdrawn")],
    database_url: Annotated[str | None, typer.Option(help="default: SANMEASURES_DATABASE_URL")] = None,
) -> None:
    """Withdraw every API key of a participant."""
    from sanmeasures.processes.credentials import revoke_keys

    who = _participant(participant)

    async def work(engine):  # type: ignore[no-untyped-def]
        async with engine.begin() as connection:
            return await revoke_keys(connection, who)

    revoked = _with_engine(database_url, work)
    typer.echo(f"revoked {revoked} key(s) of {who.id}")


demo_app = typer.Typer(help="Synthetic data for demonstrations and benchmarks.", no_args_is_help=True)
app.add_typer(demo_app, name="demo")


@demo_app.command("generate")
def demo_generate(
    certificates: Annotated[
        int, typer.Option("--certificates", help="certificates to add to the registry")
    ] = 1000,
    cases: Annotated[
        int, typer.Option("--cases", help="morbidity and dangerous-product alerts to add")
    ] = 200,
    seed: Annotated[int, typer.Option(help="the same seed gives the same data")] = 2020,
    database_url: Annotated[str | None, typer.Option(help="default: SANMEASURES_DATABASE_URL")] = None,
) -> None:
    """Fill the database with realistic synthetic certificates and cases across the five member states."""
    from rich.progress import Progress

    from sanmeasures.demo.load import generate

    async def work(engine):  # type: ignore[no-untyped-def]
        with Progress() as bar:
            tasks = {
                "certificates": bar.add_task("certificates", total=certificates),
                "cases": bar.add_task("cases", total=cases),
            }
            return await generate(
                engine,
                certificate_count=certificates,
                case_count=cases,
                seed=seed,
                progress=lambda what, done: bar.advance(tasks[what], done),
            )

    loaded = _with_engine(database_url, work)
    typer.echo(f"added {loaded.certificates} certificates and {loaded.cases} cases")


@app.command()
def snapshot(
    database_url: Annotated[str | None, typer.Option(help="default: SANMEASURES_DATABASE_URL")] = None,
) -> None:
    """Make today's full snapshot of the published resources now (Rules §31б), replacing one made
    earlier today, in SANMEASURES_DATA_DIR/snapshots; the last 7 days are kept."""
    from sanmeasures.portal.snapshots import SnapshotBusy, make_snapshot, snapshot_root

    root = snapshot_root(Settings.from_env())

    async def work(engine):  # type: ignore[no-untyped-def]
        return await make_snapshot(engine, root, replace=True)

    try:
        made = _with_engine(database_url, work)
    except SnapshotBusy as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    for file in made.files:
        typer.echo(f"{file.name:32} {file.rows:>10,} rows {file.size:>14,} bytes  sha256 {file.sha256}")
    typer.echo(f"snapshot {made.day} in {made.path}")


@app.command()
def assets(force: Annotated[bool, typer.Option(help="rebuild even when up to date")] = False) -> None:
    """Install the portal's front-end packages (npm registry, locked) into its static/vendor folder."""
    from sanmeasures.portal import assets as portal_assets

    try:
        portal_assets.build(force=force)
    except portal_assets.AssetsMissing as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"portal assets ready in {portal_assets.VENDOR}")


@app.command()
def node(
    participant: Annotated[
        str | None,
        typer.Option(
            help="the one participant this node hosts (authority:KZ, commission, supervisory:RU:01); "
            "default: SANMEASURES_PARTICIPANT, else every participant (the embedded demo)"
        ),
    ] = None,
    host: Annotated[str | None, typer.Option(help="listen address")] = None,
    port: Annotated[int | None, typer.Option(help="listen port")] = None,
) -> None:
    """Run the node: its exchange (relay and receivers), HTTP API and portal (embedded default:
    every participant on SQLite and the embedded broker, http://127.0.0.1:8000)."""
    import uvicorn

    from sanmeasures.app import create_app
    from sanmeasures.exchange.runtime import check_deployment

    settings = Settings.from_env()
    if participant is not None:
        settings = settings.with_(participant=participant)
    try:
        check_deployment(settings)
    except ValueError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    if settings.database_url.startswith("sqlite"):
        # The embedded default brings its own database up to date; PostgreSQL is migrated by the
        # operator (`sanmeasures db upgrade`) so several nodes never race on one schema.
        from sanmeasures.storage.migrate import upgrade

        upgrade(settings.database_url)
        _load_demo_data_if_empty(settings.database_url)
        _issue_demo_keys_once(settings)
    from sanmeasures.portal import assets

    assets.build()  # the portal's front-end packages, once (a no-op when built from the same lock)
    bind_host = host or settings.host
    bind_port = port or settings.port
    broker = "embedded broker" if settings.embedded_broker else "RabbitMQ"
    typer.echo(f"sanmeasures node for {', '.join(settings.hosted)} on {broker}")
    typer.echo(f"listening on http://{bind_host}:{bind_port}/ (API docs at /docs)")
    uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_level="info")


def _issue_demo_keys_once(settings: Settings) -> None:
    """The embedded demo gives every hosted participant an API key on its first start, and prints them
    (only their hashes are kept: `sanmeasures participants add ID` issues another)."""
    from sanmeasures.exchange.participants import Participant
    from sanmeasures.processes.credentials import has_keys, issue_key

    async def work(engine):  # type: ignore[no-untyped-def]
        async with engine.begin() as connection:
            if await has_keys(connection):
                return []
            return [await issue_key(connection, Participant.parse(p)) for p in settings.hosted]

    issued = _with_engine(settings.database_url, work)
    if issued:
        typer.echo("demo participants' API keys (shown once; Authorization: Bearer <key>):")
        for key in issued:
            typer.echo(f"  {key.participant:22} {key.key}")


def _load_demo_data_if_empty(url: str) -> None:
    """The embedded default starts with a small demo set, so the portal has something to show."""
    from sanmeasures.demo.load import EMBEDDED_CASES, EMBEDDED_CERTIFICATES, generate, is_empty

    async def work(engine):  # type: ignore[no-untyped-def]
        if await is_empty(engine):
            loaded = await generate(
                engine, certificate_count=EMBEDDED_CERTIFICATES, case_count=EMBEDDED_CASES
            )
            typer.echo(f"demo data: {loaded.certificates} certificates, {loaded.cases} cases")

    _with_engine(url, work)


if __name__ == "__main__":
    app()
