"""End-to-end exchange throughput and latency of six nodes on RabbitMQ and PostgreSQL (issue 4 "Speed").

Six ``sanmeasures node --participant ID`` processes — authority:AM, BY, KG, KZ, RU and the
Commission — each with a fresh PostgreSQL database of its own (copies of one migrated template),
all on one fresh RabbitMQ virtual host. Morbidity notices (R.SM.SS.08.001: the sample document under
a fresh EDocId, each about a case of its own) are submitted at authority:KZ with
``sanmeasures.processes.submission.submit`` into KZ's database, as the node's API does; KZ's relay
publishes one copy per recipient (the four other authorities and the Commission); each recipient's
node stores it with its effect and sends a receipt and a processing result back; KZ's node records
them. A notice is done when all five of its deliveries are "accepted" in KZ's database.

- throughput: ``--notices`` notices submitted as fast as ``--submitters`` concurrent submitters go
  while fewer than ``--window`` notices are in flight (saturating the nodes without piling up more
  than they can finish); notices/s from the first submission to the last processing result recorded
  at KZ.
- latency: ``--rate`` notices/s for ``--seconds`` s, open loop (each submission at its scheduled
  moment, whatever the earlier ones are doing); per notice, from the commit of its submission (when
  ``submit`` returned) to the last of its five processing results recorded at KZ
  (``deliveries.updated_at``, set by KZ's receiver in the transaction that records the result). Every
  clock is this machine's wall clock.
- Each measurement runs on a network of its own (fresh databases, virtual host and node processes,
  a short warm-up first). A throughput run submits for at most ``--timeout`` s, and every run then
  waits at most ``--timeout`` s for its results: a run cut short reports what was done by then, and a
  notice not done counts as slower than the cut.
- bare baseline: the same XML bytes published with aio-pika and publisher confirms to the same
  topology (topic exchange, one quorum queue per participant with the node's arguments, persistent
  messages) in a virtual host of its own on the same broker; five consumers (one connection each, in
  a second process) answer every copy with one confirmed reply (an R.006 processing result) and ack
  it; the sender counts a notice done at its fifth reply. Same throughput and rate measurements.

The node figures include everything the node really does: validation, storage of the document and
its effect at the sender and at every recipient, the outbox and its relay, two signals per copy.
Below the table: what the node path cost per notice (PostgreSQL transactions, rows written,
connections opened, rows read by sequential scans, CPU per process), as hints where the time goes.

    .venv/bin/python bench/exchange.py [--notices 2000] [--rate 100] [--seconds 20] [--timeout 60]

PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and RabbitMQ at 127.0.0.1:5672 (guest, with
``rabbitmqctl`` on the PATH). Everything the script creates (databases, virtual hosts, processes) is
removed at the end. Not a test: the lead's speed check (aims: ≥ 500 notices/s; p99 < 100 ms at 100
notices/s).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import math
import multiprocessing
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aio_pika
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from sanmeasures.contract.examples import example_document
from sanmeasures.contract.header import EDocHeader
from sanmeasures.contract.pipeline import encode
from sanmeasures.contract.structures.processing_result import ProcessingResultDetails
from sanmeasures.exchange import topology
from sanmeasures.exchange.envelope import Envelope
from sanmeasures.exchange.inbox import ACCEPTED, RESULT_CODE, RESULT_STRUCTURE
from sanmeasures.exchange.participants import Participant
from sanmeasures.exchange.routing import flow_of
from sanmeasures.processes.submission import submit
from sanmeasures.storage.engine import create_engine
from sanmeasures.storage.migrate import upgrade
from sanmeasures.storage.tables import deliveries

SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432"
RABBITMQ = "amqp://guest:guest@127.0.0.1:5672"
HOST = "127.0.0.1"
STRUCTURE = "R.SM.SS.08.001"
SENDER = "authority:KZ"
DEPLOYMENT = ("authority:AM", "authority:BY", "authority:KG", "authority:KZ", "authority:RU", "commission")
RECIPIENTS = tuple(p for p in DEPLOYMENT if p != SENDER)
KNOWN = tuple(Participant.parse(p) for p in DEPLOYMENT)
AIM_RATE = 500.0  # notices/s
AIM_P99_MS = 100.0  # at AIM_LATENCY_RATE
AIM_LATENCY_RATE = 100.0
NODE_POOL = 15  # SQLAlchemy's default pool of each node: 5 + 10 overflow


class BenchError(RuntimeError):
    pass


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def slug(participant: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in participant.lower())


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile; ``inf`` samples (notices never done) sort last."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    return ordered[max(math.ceil(p / 100 * len(ordered)) - 1, 0)]


# --- documents -------------------------------------------------------------------------------------------
def notices(count: int, tag: str) -> list[bytes]:
    """``count`` morbidity notices: the sample document, each under a fresh EDocId and about a case of its
    own (a new case number), as an authority's stream of first notices would be."""
    document = example_document(STRUCTURE)
    case = document.public_health_alert_details[0]
    made = []
    for number in range(count):
        header = document.e_doc_header.model_copy(update={"e_doc_id": str(uuid.uuid4())})
        own = case.model_copy(update={"incident_id": f"KZ-{tag}-{number:06d}"})
        made.append(
            encode(document.model_copy(update={"e_doc_header": header, "public_health_alert_details": [own]}))
        )
    return made


def processing_result() -> bytes:
    """A processing result (R.006, accepted) as a recipient's node sends it: the baseline's reply."""
    moment = dt.datetime.now(dt.UTC)
    header = EDocHeader(
        inf_envelope_code=RESULT_CODE,
        e_doc_code=RESULT_STRUCTURE,
        e_doc_id=str(uuid.uuid4()),
        e_doc_ref_id=str(uuid.uuid4()),
        e_doc_date_time=moment,
        language_code="ru",
    )
    document = ProcessingResultDetails(
        e_doc_header=header, event_date_time=moment, processing_result_v2_code=ACCEPTED
    )
    return encode(document, pretty=False)


# --- PostgreSQL, RabbitMQ, processes ---------------------------------------------------------------------
async def admin(*statements: str) -> list[Any]:
    engine = create_engine(f"{SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            answers = []
            for statement in statements:
                result = await connection.execute(sa.text(statement))
                answers.append(result.scalar() if result.returns_rows else None)
            return answers
    finally:
        await engine.dispose()


def rabbitmqctl(*args: str) -> str:
    return subprocess.run(
        ["rabbitmqctl", *args], check=True, capture_output=True, text=True, timeout=60
    ).stdout


def vhost_url(vhost: str) -> str:
    return f"{RABBITMQ}/{quote(vhost, safe='')}"


def free_ports(count: int) -> list[int]:
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind((HOST, 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def health(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/health", timeout=3) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


@dataclass
class Node:
    participant: str
    database: str
    port: int
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"{SERVER}/{self.database}"

    def tail(self, lines: int = 20) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
        except OSError:
            return "    (no log)"
        return "\n".join(f"    {line}" for line in text)


@dataclass
class Setup:
    """Everything the run creates, so that each network and, at the end, ``cleanup`` remove exactly that."""

    run: str
    work: Path
    profile: Path | None
    keep_logs: bool = False
    template: str | None = None
    vhosts: list[str] = field(default_factory=list)
    databases: list[str] = field(default_factory=list)
    nodes: dict[str, Node] = field(default_factory=dict)  # the running network's
    problems: dict[str, int] = field(default_factory=dict)  # "network participant" → error lines logged

    def add_vhost(self, name: str) -> str:
        self.vhosts.append(name)
        rabbitmqctl("add_vhost", name)
        rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        return vhost_url(name)

    def delete_vhost(self, name: str) -> None:
        rabbitmqctl("delete_vhost", name)
        self.vhosts.remove(name)

    async def make_template(self) -> None:
        name = f"sanmeasures_bench_{self.run}_template"
        self.databases.append(name)  # listed first: dropped even if a step below fails
        await admin(f'CREATE DATABASE "{name}"')
        await asyncio.to_thread(upgrade, f"{SERVER}/{name}")
        self.template = name

    async def _node_databases(self, tag: str) -> None:
        ports = free_ports(len(DEPLOYMENT))
        for participant, port in zip(DEPLOYMENT, ports, strict=True):
            name = f"sanmeasures_bench_{self.run}_{tag}_{slug(participant)}"
            self.databases.append(name)
            await admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            log = self.work / f"{tag}-{slug(participant)}.log"
            self.nodes[participant] = Node(participant, name, port, log)

    def start_network(self, tag: str, start_timeout: float) -> dict[str, Node]:
        """Fresh databases and virtual host, six node processes, all healthy."""
        started = time.monotonic()
        broker = self.add_vhost(f"sanmeasures-bench-{self.run}-{tag}")
        asyncio.run(self._node_databases(tag))
        program = Path(sys.executable).parent / "sanmeasures"
        for node in self.nodes.values():
            env = {
                **os.environ,
                "SANMEASURES_DATABASE_URL": node.url,
                "SANMEASURES_BROKER_URL": broker,
                "SANMEASURES_PARTICIPANTS": ",".join(DEPLOYMENT),
                "SANMEASURES_BROKER_NAMESPACE": "",
            }
            env.pop("SANMEASURES_PARTICIPANT", None)
            command = [str(program)]
            if self.profile is not None:  # the same entry point under cProfile (written when it stops)
                output = self.profile / f"{tag}-{slug(node.participant)}.prof"
                command = [sys.executable, "-m", "cProfile", "-o", str(output), "-m", "sanmeasures.cli"]
            command += ["node", "--participant", node.participant, "--host", HOST, "--port", str(node.port)]
            with node.log.open("ab") as log:
                node.process = subprocess.Popen(
                    command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
                )
        self._wait_healthy(start_timeout)
        say(f"  six nodes healthy in {time.monotonic() - started:.1f} s (logs: {self.work})")
        return self.nodes

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = dict(self.nodes)
        while pending:
            for participant, node in list(pending.items()):
                assert node.process is not None
                if node.process.poll() is not None:
                    self.keep_logs = True
                    raise BenchError(f"node {participant} exited ({node.process.returncode}):\n{node.tail()}")
                if health(node.port) == 200:
                    del pending[participant]
            if pending and time.monotonic() > deadline:
                self.keep_logs = True
                first = next(iter(pending.values()))
                raise BenchError(
                    f"not healthy within {timeout:.0f} s: {', '.join(pending)}; "
                    f"last lines of {first.participant}'s log:\n{first.tail()}"
                )
            time.sleep(0.3)

    def stop_network(self, tag: str) -> None:
        """Stop the nodes, note the errors they logged, drop their databases and delete the virtual host."""
        self._stop_nodes()
        for participant, node in self.nodes.items():
            try:
                lines = node.log.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
            bad = sum(
                1 for line in lines if line.startswith(("Traceback", "ERROR")) or "handler failed" in line
            )
            if bad:
                self.problems[f"{tag} {participant}"] = bad
                self.keep_logs = True
        names = [node.database for node in self.nodes.values()]
        asyncio.run(admin(*(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names)))
        self.databases = [name for name in self.databases if name not in names]
        self.nodes = {}
        self.delete_vhost(f"sanmeasures-bench-{self.run}-{tag}")

    def _stop_nodes(self) -> None:
        running = [n for n in self.nodes.values() if n.process is not None and n.process.poll() is None]
        for node in running:
            assert node.process is not None
            # uvicorn shuts down gracefully on either, then re-raises the signal: only SIGINT (a
            # KeyboardInterrupt) lets cProfile write its file
            node.process.send_signal(signal.SIGINT if self.profile is not None else signal.SIGTERM)
        for node in running:
            assert node.process is not None
            try:
                node.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                say(f"node {node.participant} (pid {node.process.pid}) did not stop in 20 s: killed")
                node.process.kill()
                node.process.wait()

    def cleanup(self) -> None:
        for step in (self._stop_nodes, self._drop_databases, self._delete_vhosts):
            try:
                step()
            except Exception as exc:  # go on: leave as little behind as possible
                say(f"cleanup: {step.__name__} failed: {exc!r}")
        if self.keep_logs:
            say(f"node logs kept in {self.work}")
        else:
            shutil.rmtree(self.work, ignore_errors=True)

    def _drop_databases(self) -> None:
        if self.databases:
            drops = [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in reversed(self.databases)]
            asyncio.run(admin(*drops))
            self.databases.clear()

    def _delete_vhosts(self) -> None:
        for name in list(self.vhosts):
            self.delete_vhost(name)


# --- where the time goes: CPU per process group, PostgreSQL activity --------------------------------------
RABBITMQ_PROCESSES = {"beam.smp", "erl_child_setup", "inet_gethost", "epmd"}
#: The title of a PostgreSQL backend: "postgres: 15/main: user database host(port) state".
BACKEND_TITLE = re.compile(r"^postgres: \S+: \S+ (\S+) \S+\(\d+\)")


def cpu_by_process() -> dict[int, tuple[str, str, float]]:
    """pid → (name, command line, CPU seconds of the process and its reaped children)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        found[int(entry.name)] = (name, cmdline, sum(int(f) for f in fields[11:15]) / ticks)
    return found


def machine_busy() -> float:
    """Busy CPU seconds of the whole machine since boot (every core)."""
    ticks = os.sysconf("SC_CLK_TCK")
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / ticks


async def database_activity(databases: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Database → (sessions opened, transactions) since the statistics were reset."""
    engine = create_engine(f"{SERVER}/postgres")
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                sa.text(
                    "SELECT datname, sessions, xact_commit + xact_rollback FROM pg_stat_database "
                    "WHERE datname = ANY(:names)"
                ),
                {"names": list(databases)},
            )
            return {name: (int(sessions), int(transactions)) for name, sessions, transactions in rows}
    finally:
        await engine.dispose()


async def table_activity(databases: Iterable[str]) -> dict[str, tuple[int, int]]:
    """Table → (rows read by sequential scans, rows written), summed over ``databases``."""
    totals: dict[str, tuple[int, int]] = {}
    for database in databases:
        engine = create_engine(f"{SERVER}/{database}")
        try:
            async with engine.connect() as connection:
                rows = await connection.execute(
                    sa.text(
                        "SELECT relname, coalesce(seq_tup_read, 0), n_tup_ins + n_tup_upd + n_tup_del "
                        "FROM pg_stat_user_tables"
                    )
                )
                for table, scanned, written in rows:
                    earlier = totals.get(table, (0, 0))
                    totals[table] = (earlier[0] + int(scanned), earlier[1] + int(written))
        finally:
            await engine.dispose()
    return totals


@dataclass
class Usage:
    """What one measurement cost: CPU seconds per group, the machine's busy time, PostgreSQL activity."""

    groups: dict[str, float]
    busy: float
    wall: float
    sessions: int = 0  # PostgreSQL connections opened to the nodes' databases
    transactions: int = 0  # committed or rolled back in the nodes' databases
    rows_written: int = 0  # inserted, updated or deleted in the nodes' databases
    scanned: dict[str, int] = field(default_factory=dict)  # table → rows read by sequential scans

    @property
    def other(self) -> float:
        """Busy time of everything else on the machine (other processes, the kernel)."""
        return max(self.busy - sum(self.groups.values()), 0.0)


@dataclass
class Snapshot:
    processes: dict[int, tuple[str, str, float]]
    busy: float
    moment: float
    databases: dict[str, tuple[int, int]]
    tables: dict[str, tuple[int, int]]


class Meter:
    """CPU seconds per group of processes (each node, this bench, PostgreSQL, RabbitMQ) and the nodes'
    PostgreSQL activity over a measurement. A PostgreSQL backend of another database (a test suite
    running at the same time) counts as "other"."""

    def __init__(self, nodes: dict[str, int], bench: Iterable[int], databases: Iterable[str] = ()) -> None:
        self.nodes = {pid: participant for participant, pid in nodes.items()}
        self.bench = set(bench)
        self.databases = tuple(databases)

    def group(self, pid: int, name: str, cmdline: str) -> str | None:
        if pid in self.nodes:
            return self.nodes[pid]
        if pid in self.bench:
            return "bench"
        if name == "postgres":
            backend = BACKEND_TITLE.match(cmdline)  # a client's backend, not a server process
            if backend is not None and backend.group(1) not in self.databases:
                return None
            return "PostgreSQL"
        if name in RABBITMQ_PROCESSES:
            return "RabbitMQ"
        return None

    async def snapshot(self) -> Snapshot:
        # Tables first: this bench's own sessions to the nodes' databases then fall outside the window.
        tables = await table_activity(self.databases)
        databases = await database_activity(self.databases) if self.databases else {}
        return Snapshot(cpu_by_process(), machine_busy(), time.monotonic(), databases, tables)

    async def usage(self, before: Snapshot) -> Usage:
        processes, busy, moment = cpu_by_process(), machine_busy(), time.monotonic()
        groups: dict[str, float] = {}
        for pid, (name, cmdline, seconds) in processes.items():
            group = self.group(pid, name, cmdline)
            if group is None:
                continue
            earlier = before.processes.get(pid)
            start = earlier[2] if earlier is not None and earlier[0] == name else 0.0
            groups[group] = groups.get(group, 0.0) + seconds - start
        usage = Usage(groups, busy - before.busy, moment - before.moment)
        if self.databases:
            await asyncio.sleep(1.5)  # PostgreSQL publishes a backend's statistics within a second
            for name, (sessions, transactions) in (await database_activity(self.databases)).items():
                earlier_sessions, earlier_transactions = before.databases.get(name, (0, 0))
                usage.sessions += sessions - earlier_sessions
                usage.transactions += transactions - earlier_transactions
            for table, (scanned, written) in (await table_activity(self.databases)).items():
                earlier_scanned, earlier_written = before.tables.get(table, (0, 0))
                usage.rows_written += written - earlier_written
                if scanned > earlier_scanned:
                    usage.scanned[table] = scanned - earlier_scanned
        return usage


# --- one measurement -----------------------------------------------------------------------------------------
@dataclass
class Phase:
    name: str
    notices: int  # submitted (or published)
    done: int  # all five results back
    seconds: float  # first submission to the last result
    latencies_ms: list[float]  # per submitted notice; inf: not done within the timeout
    submit_ms: list[float] = field(default_factory=list)
    submitted_in: float = 0.0
    late_ms: float = 0.0  # how far behind its schedule the open-loop sender fell, at worst
    cut: bool = False  # stopped by the timeout
    planned: int = 0  # notices the run was to send
    usage: Usage | None = None

    @property
    def rate(self) -> float:
        return self.done / self.seconds if self.done and self.seconds > 0 else 0.0


class Traffic:
    """What both paths share: submitting at full speed or at a fixed rate, and timing the results."""

    timeout: float
    window: int  # notices in flight (sent, not done) at most during a throughput run

    async def send(self, data: bytes) -> tuple[str, float, float]:
        """Hand one notice over; (its id, the moment it was in the system, how long handing it over took)."""
        raise NotImplementedError

    async def progress(self) -> int:
        """How many notices of the run are done so far."""
        raise NotImplementedError

    async def wait(self, count: int, until: float, what: str) -> bool:
        """Wait until ``count`` notices are done or the monotonic clock passes ``until``; True if all."""
        raise NotImplementedError

    async def results(self) -> dict[str, float]:
        """Id → when its last result was recorded, for the notices done."""
        raise NotImplementedError

    async def begin(self) -> None:
        return None

    async def throughput(self, documents: list[bytes], concurrency: int, name: str = "throughput") -> Phase:
        """Send as fast as ``concurrency`` senders go while fewer than ``window`` notices are in flight
        (the node stays saturated without piling up work it cannot do within the run), for at most
        ``timeout`` s; then wait up to ``timeout`` s for the notices in flight."""
        await self.begin()
        deadline = time.monotonic() + self.timeout
        queue = iter(documents)
        sent: dict[str, float] = {}
        durations: list[float] = []
        started_sends = 0
        done_so_far = 0
        sending = True

        async def watch() -> None:
            nonlocal done_so_far
            while sending:
                done_so_far = await self.progress()
                await asyncio.sleep(0.2)

        async def sender() -> None:
            nonlocal started_sends
            for data in queue:
                while started_sends - done_so_far >= self.window and time.monotonic() <= deadline:
                    await asyncio.sleep(0.02)
                if time.monotonic() > deadline:
                    return
                started_sends += 1
                edoc_id, moment, took = await self.send(data)
                sent[edoc_id] = moment
                durations.append(took)

        started = time.time()
        watcher = asyncio.create_task(watch())
        try:
            await asyncio.gather(*(sender() for _ in range(concurrency)))
        finally:
            sending = False
            await watcher
        submitted_in = time.time() - started
        complete = await self.wait(len(sent), time.monotonic() + self.timeout, name)
        done = await self.results()
        last = max(done.values(), default=started)
        latencies = [(done[e] - moment) * 1000 if e in done else math.inf for e, moment in sent.items()]
        cut = not complete or len(sent) < len(documents)
        return Phase(
            name,
            len(sent),
            len(done),
            last - started,
            latencies,
            durations,
            submitted_in,
            cut=cut,
            planned=len(documents),
        )

    async def at_rate(self, documents: list[bytes], rate: float) -> Phase:
        await self.begin()
        sent: dict[str, float] = {}
        durations: list[float] = []
        loop = asyncio.get_running_loop()

        async def one(data: bytes) -> None:
            edoc_id, moment, took = await self.send(data)
            sent[edoc_id] = moment
            durations.append(took)

        tasks = []
        late = 0.0
        origin = loop.time() + 0.05
        started = time.time() + 0.05
        for index, data in enumerate(documents):
            delay = origin + index / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                late = max(late, -delay)
            tasks.append(asyncio.create_task(one(data)))
        await asyncio.gather(*tasks)
        submitted_in = time.time() - started
        complete = await self.wait(len(sent), time.monotonic() + self.timeout, f"{rate:g}/s")
        done = await self.results()
        last = max(done.values(), default=started)
        latencies = [(done[e] - moment) * 1000 if e in done else math.inf for e, moment in sent.items()]
        return Phase(
            f"{rate:g}/s",
            len(sent),
            len(done),
            last - started,
            latencies,
            durations,
            submitted_in,
            late * 1000,
            cut=not complete,
            planned=len(documents),
        )


class NodePath(Traffic):
    """Notices submitted into KZ's database; results read from KZ's delivery records."""

    def __init__(self, engine: AsyncEngine, timeout: float, window: int) -> None:
        self.engine = engine
        self.timeout = timeout
        self.window = window
        self.sender = Participant.parse(SENDER)
        header = example_document(STRUCTURE).e_doc_header
        self.flow = flow_of(header.inf_envelope_code, header.e_doc_code)
        self.floor = 0

    async def begin(self) -> None:
        async with self.engine.connect() as connection:
            self.floor = (
                await connection.execute(sa.select(sa.func.coalesce(sa.func.max(deliveries.c.id), 0)))
            ).scalar_one()

    async def send(self, data: bytes) -> tuple[str, float, float]:
        started = time.perf_counter()
        submission = await submit(self.engine, self.sender, KNOWN, data)
        if submission.outcome != "accepted" or len(submission.recipients) != len(RECIPIENTS):
            issues = "; ".join(issue.one_line() for issue in submission.issues)
            raise BenchError(f"submission {submission.outcome} to {submission.recipients}: {issues}")
        assert submission.edoc_id is not None
        return submission.edoc_id, time.time(), (time.perf_counter() - started) * 1000

    def _since(self) -> Any:
        return sa.and_(deliveries.c.id > self.floor, deliveries.c.flow == self.flow.name)

    async def progress(self) -> int:
        async with self.engine.connect() as connection:
            accepted = (
                await connection.execute(
                    sa.select(sa.func.count()).where(self._since(), deliveries.c.state == "accepted")
                )
            ).scalar_one()
        return accepted // len(RECIPIENTS)

    async def wait(self, count: int, until: float, what: str) -> bool:
        """A rejection or a failed delivery stops the run: the bench measures the accepted path."""
        expected = count * len(RECIPIENTS)
        shown = time.monotonic()
        while True:
            async with self.engine.connect() as connection:
                rows = await connection.execute(
                    sa.select(deliveries.c.state, sa.func.count())
                    .where(self._since())
                    .group_by(deliveries.c.state)
                )
                states = dict(rows.all())
                if states.get("rejected") or states.get("failed"):
                    error = (
                        await connection.execute(
                            sa.select(deliveries.c.last_error).where(
                                self._since(), deliveries.c.state.in_(("rejected", "failed"))
                            )
                        )
                    ).scalar()
                    raise BenchError(f"{what}: deliveries {states}; first error: {error}")
            accepted = states.get("accepted", 0)
            if accepted >= expected:
                return True
            if time.monotonic() > until:
                say(
                    f"  {what}: cut at the timeout with {accepted / len(RECIPIENTS):,.0f} of {count:,} notices done"
                )
                return False
            if time.monotonic() - shown > 10:
                shown = time.monotonic()
                say(f"  … {what}: {accepted / len(RECIPIENTS):,.0f} of {count:,} notices done")
            await asyncio.sleep(0.2)  # the times come from the delivery records, not from this poll

    async def results(self) -> dict[str, float]:
        async with self.engine.connect() as connection:
            rows = await connection.execute(
                sa.select(deliveries.c.edoc_id, sa.func.max(deliveries.c.updated_at), sa.func.count())
                .where(self._since(), deliveries.c.state == "accepted")
                .group_by(deliveries.c.edoc_id)
            )
            return {edoc: last.timestamp() for edoc, last, count in rows if count == len(RECIPIENTS)}


# --- the bare baseline -----------------------------------------------------------------------------------------
async def declare_topology(url: str) -> None:
    """The node's topology (``topology.py``: names, queue arguments, bindings) in the baseline's vhost."""
    connection = await aio_pika.connect(url)
    try:
        channel = await connection.channel()
        business = await channel.declare_exchange(
            topology.BUSINESS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
        )
        dead = await channel.declare_exchange(
            topology.DEAD_LETTER_EXCHANGE, aio_pika.ExchangeType.DIRECT, durable=True
        )
        for participant in DEPLOYMENT:
            queue = await channel.declare_queue(
                topology.queue_name(participant),
                durable=True,
                arguments=topology.queue_arguments(participant),
            )
            await queue.bind(business, topology.binding_key(participant))
            dead_queue = await channel.declare_queue(
                topology.dead_letter_queue_name(participant),
                durable=True,
                arguments={"x-queue-type": "quorum"},
            )
            await dead_queue.bind(dead, participant)
    finally:
        await connection.close()


def bare_recipients(url: str, reply: bytes, prefetch: int, ready: Any, stop: Any) -> None:
    """The baseline's five recipients, in a process of their own (the nodes have theirs)."""
    asyncio.run(_bare_recipients(url, reply, prefetch, ready, stop))


async def _bare_recipients(url: str, reply: bytes, prefetch: int, ready: Any, stop: Any) -> None:
    connections = []
    try:
        for participant in RECIPIENTS:
            connection = await aio_pika.connect(url)
            connections.append(connection)
            publishing = await connection.channel(publisher_confirms=True)
            exchange = await publishing.get_exchange(topology.BUSINESS_EXCHANGE)
            consuming = await connection.channel(publisher_confirms=False)
            await consuming.set_qos(prefetch_count=prefetch)
            queue = await consuming.get_queue(topology.queue_name(participant))

            async def answer(
                message: aio_pika.abc.AbstractIncomingMessage,
                me: str = participant,
                exchange: aio_pika.abc.AbstractExchange = exchange,
            ) -> None:
                envelope = Envelope(
                    str(uuid.uuid4()),
                    message.message_id,
                    RESULT_CODE,
                    RESULT_STRUCTURE,
                    me,
                    SENDER,
                    dt.datetime.now(dt.UTC),
                )
                await exchange.publish(  # confirmed before the ack, as the node's signal is stored first
                    aio_pika.Message(
                        reply,
                        message_id=envelope.edoc_id,
                        correlation_id=message.message_id,
                        headers=envelope.headers(),
                        content_type="application/xml",
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    ),
                    topology.routing_key(RESULT_CODE, SENDER),
                    mandatory=True,
                )
                await message.ack()

            await queue.consume(answer)
        ready.set()
        await asyncio.to_thread(stop.wait)
    finally:
        for connection in connections:
            await connection.close()


@contextlib.contextmanager
def recipients_process(url: str, reply: bytes, prefetch: int) -> Iterator[int]:
    context = multiprocessing.get_context("spawn")
    ready, stop = context.Event(), context.Event()
    process = context.Process(target=bare_recipients, args=(url, reply, prefetch, ready, stop), daemon=True)
    process.start()
    try:
        if not ready.wait(60):
            raise BenchError("the baseline's recipients did not start within 60 s")
        assert process.pid is not None
        yield process.pid
    finally:
        stop.set()
        process.join(10)
        if process.is_alive():
            process.terminate()
            process.join(5)


class BarePath(Traffic):
    """The baseline's sender: publishes each notice's five copies with confirms (in parallel) and counts
    the replies on its own queue."""

    def __init__(self, url: str, prefetch: int, timeout: float, window: int) -> None:
        self.url = url
        self.prefetch = prefetch
        self.timeout = timeout
        self.window = window
        self.replies: dict[str, int] = {}
        self.done: dict[str, float] = {}
        self.changed = asyncio.Event()

    async def start(self) -> None:
        self.connection = await aio_pika.connect(self.url)
        channel = await self.connection.channel(publisher_confirms=True)
        self.exchange = await channel.get_exchange(topology.BUSINESS_EXCHANGE)
        consuming = await self.connection.channel(publisher_confirms=False)
        await consuming.set_qos(prefetch_count=self.prefetch)
        queue = await consuming.get_queue(topology.queue_name(SENDER))
        await queue.consume(self._reply)

    async def close(self) -> None:
        await self.connection.close()

    async def _reply(self, message: aio_pika.abc.AbstractIncomingMessage) -> None:
        answered = message.correlation_id or ""
        count = self.replies.get(answered, 0) + 1
        self.replies[answered] = count
        if count == len(RECIPIENTS):
            self.done[answered] = time.time()
            self.changed.set()
        await message.ack()

    async def begin(self) -> None:
        self.replies.clear()
        self.done.clear()

    async def send(self, data: bytes) -> tuple[str, float, float]:
        edoc_id = str(uuid.uuid4())
        started, clock = time.time(), time.perf_counter()
        moment = dt.datetime.now(dt.UTC)
        copies = []
        for recipient in RECIPIENTS:
            envelope = Envelope(edoc_id, None, "P.SS.08.MSG.001", STRUCTURE, SENDER, recipient, moment)
            message = aio_pika.Message(
                data,
                message_id=edoc_id,
                headers=envelope.headers(),
                content_type="application/xml",
                delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                timestamp=moment,
                type=envelope.message_code,
            )
            key = topology.routing_key(envelope.message_code, recipient)
            copies.append(self.exchange.publish(message, key, mandatory=True))
        await asyncio.gather(*copies)  # every copy confirmed
        return edoc_id, started, (time.perf_counter() - clock) * 1000

    async def wait(self, count: int, until: float, what: str) -> bool:
        while len(self.done) < count:
            self.changed.clear()
            remaining = until - time.monotonic()
            if remaining <= 0:
                say(f"  bare {what}: cut at the timeout with {len(self.done):,} of {count:,} notices done")
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), remaining)
        return True

    async def progress(self) -> int:
        return len(self.done)

    async def results(self) -> dict[str, float]:
        return dict(self.done)


# --- the run -----------------------------------------------------------------------------------------------------
@dataclass
class Results:
    node_throughput: Phase
    node_rate: Phase
    bare_throughput: Phase | None = None
    bare_rate: Phase | None = None
    versions: str = ""
    problems: dict[str, int] = field(default_factory=dict)


async def measure(
    path: Traffic,
    meter: Meter,
    work: Callable[[], Awaitable[Phase]],
    warmup: Callable[[], Awaitable[Phase]] | None,
) -> Phase:
    if warmup is not None:
        await warmup()
        await asyncio.sleep(1)
    before = await meter.snapshot()
    phase = await work()
    phase.usage = await meter.usage(before)
    return phase


async def node_measurement(setup: Setup, options: argparse.Namespace, kind: str) -> Phase:
    kz = setup.nodes[SENDER]
    # Few connections: the six nodes need up to 90 of PostgreSQL's default 100.
    engine = create_engine(kz.url, pool_size=options.submitters + 1, max_overflow=0, pool_timeout=600)
    pids = {p: n.process.pid for p, n in setup.nodes.items() if n.process is not None}
    meter = Meter(pids, [os.getpid()], [node.database for node in setup.nodes.values()])
    path = NodePath(engine, options.timeout, options.window)
    try:
        warmup_documents = notices(options.warmup, f"W{kind[0]}{setup.run}")

        async def warmup() -> Phase:
            say(f"  warm-up: {len(warmup_documents)} notices …")
            return await path.throughput(warmup_documents, options.submitters, "warm-up")

        if kind == "throughput":
            documents = notices(options.notices, f"T{setup.run}")

            async def work() -> Phase:
                say(
                    f"  {len(documents):,} notices from {SENDER}, {options.submitters} concurrent submitters …"
                )
                return await path.throughput(documents, options.submitters)
        else:
            documents = notices(max(1, round(options.rate * options.seconds)), f"R{setup.run}")

            async def work() -> Phase:
                say(f"  {options.rate:g} notices/s for {options.seconds:g} s …")
                return await path.at_rate(documents, options.rate)

        return await measure(path, meter, work, warmup if warmup_documents else None)
    finally:
        await engine.dispose()


async def bare_measurement(url: str, options: argparse.Namespace, recipients_pid: int) -> tuple[Phase, Phase]:
    meter = Meter({}, [os.getpid(), recipients_pid])
    path = BarePath(url, options.prefetch, options.timeout, options.window)
    await path.start()
    try:
        data = notices(1, "BARE")[0]  # the bytes of a node's copy (other ids do not change its size)

        async def warmup() -> Phase:
            return await path.throughput([data] * max(options.warmup, 100), options.bare_senders, "warm-up")

        say(f"bare throughput: {options.notices:,} notices, {options.bare_senders} concurrent senders …")
        throughput = await measure(
            path, meter, lambda: path.throughput([data] * options.notices, options.bare_senders), warmup
        )
        say(f"bare latency: {options.rate:g} notices/s for {options.seconds:g} s …")
        count = max(1, round(options.rate * options.seconds))
        rate = await measure(path, meter, lambda: path.at_rate([data] * count, options.rate), None)
        return throughput, rate
    finally:
        await path.close()


async def versions() -> str:
    postgres = (await admin("SHOW server_version"))[0]
    try:
        broker = rabbitmqctl("version").strip()
    except (OSError, subprocess.SubprocessError):
        broker = "?"
    return f"PostgreSQL {postgres}, RabbitMQ {broker}, {os.cpu_count()} CPUs"


async def preflight(options: argparse.Namespace) -> str:
    if shutil.which("rabbitmqctl") is None:
        raise BenchError("rabbitmqctl is needed (virtual hosts)")
    try:
        socket.create_connection((HOST, 5672), timeout=5).close()
    except OSError as exc:
        raise BenchError(f"RabbitMQ is not reachable at {HOST}:5672 ({exc})") from exc
    try:
        limit = int((await admin("SHOW max_connections"))[0])
    except Exception as exc:
        raise BenchError(f"PostgreSQL is not reachable at {SERVER} ({exc})") from exc
    needed = len(DEPLOYMENT) * NODE_POOL + options.submitters + 1 + 2
    if limit < needed + 5:
        say(
            f"note: PostgreSQL max_connections = {limit}; the six nodes and this bench may open up to "
            f"{needed} (a node that finds none retries the message later)"
        )
    return await versions()


def run(options: argparse.Namespace) -> Results:
    work = Path(tempfile.mkdtemp(prefix="sanmeasures-bench-exchange-"))
    profile = options.profile.resolve() if options.profile else None
    if profile is not None:
        profile.mkdir(parents=True, exist_ok=True)
    setup = Setup(uuid.uuid4().hex[:8], work, profile, keep_logs=options.keep_logs)
    try:
        described = asyncio.run(preflight(options))
        say("migrating a template database …")
        asyncio.run(setup.make_template())
        measured = {}
        for kind in ("throughput", "latency"):
            say(f"node {kind}: a fresh network of six nodes …")
            setup.start_network(kind, options.start_timeout)
            measured[kind] = asyncio.run(node_measurement(setup, options, kind))
            setup.stop_network(kind)  # the machine is the next measurement's alone
        results = Results(measured["throughput"], measured["latency"], versions=described)
        results.problems = dict(setup.problems)
        if not options.no_bare:
            bare = setup.add_vhost(f"sanmeasures-bench-{setup.run}-bare")
            asyncio.run(declare_topology(bare))
            with recipients_process(bare, processing_result(), options.prefetch) as pid:
                results.bare_throughput, results.bare_rate = asyncio.run(bare_measurement(bare, options, pid))
        return results
    finally:
        setup.cleanup()
        if profile is not None:
            show_profiles(profile)


# --- report ------------------------------------------------------------------------------------------------------
def ms(value: float | None, bound: float) -> str:
    """A latency in ms; a notice not done by the cut took longer than ``bound`` seconds."""
    if value is None or math.isnan(value):
        return "-"
    return f"> {bound:g} s" if math.isinf(value) else f"{value:,.1f}"


def ratio(node: float | None, bare: float | None) -> str:
    if node is None or bare is None or not math.isfinite(node) or not math.isfinite(bare) or bare == 0:
        return "-"
    return f"{node / bare:,.2f}×"


def cpu_line(usage: Usage | None, done: int) -> str:
    if usage is None or done == 0:
        return "-"
    cores = os.cpu_count() or 1
    per = 1000 / done
    ordered = sorted(usage.groups.items(), key=lambda kv: -kv[1])
    parts = [f"{name} {seconds * per:,.1f}" for name, seconds in ordered]
    parts.append(f"other processes and the kernel {usage.other * per:,.1f}")
    return f"{usage.busy / usage.wall / cores * 100:.0f}% of {cores} cores busy; CPU ms per notice: {', '.join(parts)}"


def report(results: Results, options: argparse.Namespace) -> None:
    t, r = results.node_throughput, results.node_rate
    bt, br = results.bare_throughput, results.bare_rate
    size = len(notices(1, "X")[0])
    n = len(RECIPIENTS)
    bound = options.timeout  # a notice not done by the cut waited at least this long after its submission

    def done(phase: Phase | None) -> str:
        if phase is None:
            return "-"
        text = f"{phase.done:,}/{phase.notices:,}"
        return text + (f" of {phase.planned:,}" if phase.notices < phase.planned else "")

    def cut_note(phase: Phase) -> str:
        return f" (cut by the {options.timeout:g} s timeout)" if phase.cut else ""

    print()
    print(f"exchange bench: six nodes ({', '.join(DEPLOYMENT)}); {results.versions}")
    print(
        f"a notice: {STRUCTURE}, {size:,} bytes, from {SENDER} to {n} recipients. Node path: {n} copies out, "
        f"{n} receipts and {n} processing results back; bare aio-pika: {n} copies out, {n} replies back"
    )
    print()
    rows: list[tuple[str, str, str, str]] = [
        ("", "node path", "bare aio-pika", "node/bare"),
        (
            "throughput, notices/s",
            f"{t.rate:,.1f}",
            f"{bt.rate:,.1f}" if bt else "-",
            ratio(t.rate, bt.rate if bt else None),
        ),
        ("  notices done/sent", done(t), done(bt), ""),
    ]
    for p in (50, 95, 99):
        node_value = percentile(r.latencies_ms, p)
        bare_value = percentile(br.latencies_ms, p) if br else None
        label = (
            f"latency at {options.rate:g}/s for {options.seconds:g} s, p{p} ms" if p == 50 else f"  p{p} ms"
        )
        rows.append((label, ms(node_value, bound), ms(bare_value, bound), ratio(node_value, bare_value)))
    rows.append(
        (
            "  max ms",
            ms(max(r.latencies_ms, default=None), bound),
            ms(max(br.latencies_ms, default=None) if br else None, bound),
            "",
        )
    )
    rows.append(("  notices done/sent", done(r), done(br), ""))
    width = max(len(row[0]) for row in rows)
    for label, node_cell, bare_cell, ratio_cell in rows:
        print(f"{label:<{width}}  {node_cell:>16}  {bare_cell:>16}  {ratio_cell:>10}")
    print()

    print("node path, where the time goes:")
    if t.submit_ms:
        print(
            f"  submit() into KZ's database ({options.submitters} concurrent, throughput run): "
            f"p50 {percentile(t.submit_ms, 50):,.1f} ms, p99 {percentile(t.submit_ms, 99):,.1f} ms per call"
        )
    for phase, label in ((t, "throughput run"), (r, f"{options.rate:g}/s run")):
        usage = phase.usage
        if usage is None or not phase.done:
            continue
        scans = sorted(usage.scanned.items(), key=lambda kv: -kv[1])[:3]
        scanned = ", ".join(f"{table} {rows / phase.done:,.0f}" for table, rows in scans) or "none"
        overstated = (
            " (includes the work on notices not done: overstated)" if phase.done < phase.notices else ""
        )
        print(
            f"  {label}{cut_note(phase)}, per notice done{overstated}, in the six databases: "
            f"{usage.transactions / phase.done:,.1f} transactions, {usage.rows_written / phase.done:,.0f} rows "
            f"written, {usage.sessions / phase.done:,.2f} connections opened; rows read by sequential scans: "
            f"{scanned}"
        )
        print(f"  {label}: {cpu_line(usage, phase.done)}")
    if r.late_ms > 5:
        print(
            f"  the open-loop submitter fell up to {r.late_ms:,.0f} ms behind its schedule at {options.rate:g}/s"
        )
    if results.problems:
        listed = ", ".join(f"{p}: {count}" for p, count in results.problems.items())
        print(f"  errors in the node logs (handler failures, tracebacks): {listed}")
    if bt is not None and br is not None:
        print(f"bare aio-pika ({options.bare_senders} concurrent senders in the throughput run):")
        print(f"  throughput run{cut_note(bt)}: {cpu_line(bt.usage, bt.done)}")
        print(f"  {options.rate:g}/s run{cut_note(br)}: {cpu_line(br.usage, br.done)}")
    print()

    for kind, phase in (("node", t), ("node", r), ("bare", bt), ("bare", br)):
        usage = phase.usage if phase is not None else None
        if phase is not None and usage is not None and usage.busy > 0 and usage.other / usage.busy > 0.1:
            print(
                f"warning: other processes used {usage.other / usage.busy:.0%} of the busy CPU during the {kind} "
                f"{phase.name} run: the figures are below what this machine can do"
            )
    p99 = percentile(r.latencies_ms, 99)
    met_rate = t.rate >= AIM_RATE and not t.cut
    met_p99 = p99 < AIM_P99_MS and not r.cut and options.rate >= AIM_LATENCY_RATE
    note = "" if options.rate >= AIM_LATENCY_RATE else f"; measured at {options.rate:g}/s only"
    print(
        f"aim: throughput ≥ {AIM_RATE:,.0f} notices/s          {'met' if met_rate else 'NOT MET'} ({t.rate:,.1f}/s)"
    )
    print(
        f"aim: p99 < {AIM_P99_MS:.0f} ms at {AIM_LATENCY_RATE:.0f} notices/s     "
        f"{'met' if met_p99 else 'NOT MET'} (p99 {ms(p99, bound)}{'' if math.isinf(p99) else ' ms'}{note})"
    )


def show_profiles(folder: Path) -> None:
    import pstats

    for path in sorted(folder.glob("*.prof")):
        if not path.name.endswith((f"{slug(SENDER)}.prof", f"{slug(RECIPIENTS[0])}.prof")):
            continue
        print(f"\n--- cProfile {path.name} (wall-clock tottime, top 25) ---")
        pstats.Stats(str(path)).sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--notices", type=int, default=2000, help="notices of the throughput runs (default 2000)"
    )
    parser.add_argument("--submitters", type=int, default=4, help="concurrent submitters at KZ (default 4)")
    parser.add_argument(
        "--rate", type=float, default=AIM_LATENCY_RATE, help="notices/s of the latency runs (default 100)"
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the latency runs (default 20)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=60.0,
        help="longest time a run submits (throughput) and then waits for its results, s (default 60); "
        "a run cut short reports what was done",
    )
    parser.add_argument(
        "--window",
        type=int,
        default=200,
        help="notices in flight (submitted, not yet done) at most in the throughput runs (default 200)",
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=20,
        help="notices through each fresh network first, not counted (default 20)",
    )
    parser.add_argument(
        "--bare-senders",
        type=int,
        default=16,
        help="concurrent senders of the baseline's throughput run (default 16: what the broker takes)",
    )
    parser.add_argument(
        "--prefetch", type=int, default=50, help="the baseline consumers' prefetch (the node's: 50)"
    )
    parser.add_argument(
        "--start-timeout", type=float, default=120.0, help="longest wait for the nodes' /health, s"
    )
    parser.add_argument("--no-bare", action="store_true", help="skip the bare aio-pika baseline")
    parser.add_argument(
        "--keep-logs", action="store_true", help="keep the node logs (kept anyway after errors)"
    )
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        metavar="DIR",
        help="run every node under cProfile, write DIR/<run>-<participant>.prof and print the top functions "
        "of KZ and AM (slows the nodes down: the figures are then not the node's)",
    )
    options = parser.parse_args()
    if min(options.notices, options.submitters, options.bare_senders, options.prefetch, options.window) < 1:
        parser.error("--notices, --submitters, --bare-senders, --prefetch and --window must be at least 1")
    if options.rate <= 0 or options.seconds <= 0 or options.timeout <= 0 or options.warmup < 0:
        parser.error("--rate, --seconds and --timeout must be positive, --warmup not negative")
    try:
        results = run(options)
    except BenchError as exc:
        sys.exit(f"bench/exchange.py: {exc}")
    report(results, options)


if __name__ == "__main__":
    main()
