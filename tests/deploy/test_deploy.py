"""The deployment files: the compose set against the code's participants, and a real local set.

The compose file cannot be run here (no Docker daemon), so its structure is checked against
REFERENCE_DEPLOYMENT, the PostgreSQL init script and the RabbitMQ definitions. ``local-network.sh``
is run for real against the local PostgreSQL (127.0.0.1:5432, trust, user postgres) and RabbitMQ
(127.0.0.1:5672, guest/guest, ``rabbitmqctl``): on a fresh virtual host, with databases of its own
prefix and a temporary var folder, all removed at the end.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from sanmeasures.exchange import topology
from sanmeasures.exchange.participants import REFERENCE_DEPLOYMENT

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SCRIPT = DEPLOY / "local-network.sh"
RABBITMQ = os.environ.get("SANMEASURES_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672")
PG = {"host": "127.0.0.1", "port": "5432", "user": "postgres"}
LOCAL_SET = ("authority:KZ", "authority:RU", "commission")


# --- reading the compose file ------------------------------------------------------------------------


class MiniYaml:
    """The YAML that deploy/docker-compose.yml is written in, for when PyYAML is not installed.

    Block mappings and sequences (a sequence item may open a mapping), flow sequences of scalars,
    ``|`` block scalars, quoted and plain scalars (plain ones stay strings), anchors, aliases and
    ``<<`` merge keys. Anything else raises, so the test never reads a file differently from Docker.
    """

    def __init__(self, text: str) -> None:
        self.raw = text.splitlines()
        self.anchors: dict[str, Any] = {}
        # (indent, text without comment) of each significant line; None for blank/comment lines
        self.lines: list[tuple[int, str] | None] = []
        for line in self.raw:
            if "\t" in line[: len(line) - len(line.lstrip())]:
                raise ValueError(f"tab in indentation: {line!r}")
            body = self._strip_comment(line).rstrip()
            self.lines.append((len(line) - len(line.lstrip()), body.strip()) if body.strip() else None)

    @staticmethod
    def _strip_comment(line: str) -> str:
        quote_char = None
        for index, char in enumerate(line):
            if quote_char:
                if char == quote_char:
                    quote_char = None
            elif char in "\"'" and (index == 0 or line[index - 1] in " [,:-"):
                quote_char = char
            elif char == "#" and (index == 0 or line[index - 1] in " \t"):
                return line[:index]
        return line

    def load(self) -> Any:
        start = self._next(0)
        if start >= len(self.lines):
            return None
        value, end = self._node(start, self._indent(start))
        if self._next(end) < len(self.lines):
            raise ValueError(f"unexpected line {self._next(end) + 1}: {self.raw[self._next(end)]!r}")
        return value

    def _next(self, index: int) -> int:
        while index < len(self.lines) and self.lines[index] is None:
            index += 1
        return index

    def _indent(self, index: int) -> int:
        line = self.lines[index]
        assert line is not None
        return line[0]

    def _text(self, index: int) -> str:
        line = self.lines[index]
        assert line is not None
        return line[1]

    def _node(self, index: int, indent: int) -> tuple[Any, int]:
        if self._text(index) == "-" or self._text(index).startswith("- "):
            return self._sequence(index, indent)
        return self._mapping(index, indent)

    @staticmethod
    def _split_key(text: str) -> tuple[str, str] | None:
        """``key: rest`` -> (key, rest); None for a scalar."""
        if text[0] in "\"'[{*&|" or text == "-" or text.startswith("- "):
            return None
        match = re.match(r"^([^\s:#][^:]*?|<<):(?:\s+(.*))?$", text)
        if match is None:
            return None
        return match.group(1), (match.group(2) or "").strip()

    def _mapping(self, index: int, indent: int) -> tuple[dict[str, Any], int]:
        own: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        while index < len(self.lines) and self._indent(index) == indent:
            split = self._split_key(self._text(index))
            if split is None:
                raise ValueError(f"line {index + 1}: expected `key: value`: {self.raw[index]!r}")
            key, rest = split
            anchor = None
            if rest.startswith("&"):
                anchor, _, rest = rest[1:].partition(" ")
                rest = rest.strip()
            value, index = self._value(index, indent, rest)
            if anchor:
                self.anchors[anchor] = value
            if key == "<<":
                if not isinstance(value, dict):
                    raise ValueError(f"line {index}: `<<` needs a mapping")
                merged.update(value)
            elif key in own:
                raise ValueError(f"line {index}: duplicate key {key!r}")
            else:
                own[key] = value
            index = self._next(index)
        if index < len(self.lines) and self._indent(index) > indent:
            raise ValueError(f"line {index + 1}: bad indentation: {self.raw[index]!r}")
        return {**merged, **own}, index

    def _sequence(self, index: int, indent: int) -> tuple[list[Any], int]:
        items: list[Any] = []
        while index < len(self.lines) and self._indent(index) == indent:
            text = self._text(index)
            if not (text == "-" or text.startswith("- ")):
                raise ValueError(f"line {index + 1}: expected `- item`: {self.raw[index]!r}")
            rest = text[1:].strip()
            if rest and self._split_key(rest) is not None:
                # `- key: value` opens a mapping whose keys stand where `key` stands
                column = indent + len(text) - len(rest)
                self.lines[index] = (column, rest)
                value, index = self._mapping(index, column)
            else:
                value, index = self._value(index, indent, rest)
            items.append(value)
            index = self._next(index)
        return items, index

    def _value(self, index: int, indent: int, rest: str) -> tuple[Any, int]:
        """The value whose text after `key:` or `-` is ``rest``, on line ``index``; and the next line."""
        if rest in ("|", "|-"):
            return self._block_scalar(index, indent, keep_newline=rest == "|")
        if rest:
            return self._scalar_or_flow(rest), index + 1
        following = self._next(index + 1)
        if following < len(self.lines) and (
            self._indent(following) > indent
            or (self._indent(following) == indent and self._text(following).startswith("- "))
        ):
            return self._node(following, self._indent(following))
        return None, index + 1

    def _block_scalar(self, index: int, indent: int, *, keep_newline: bool) -> tuple[str, int]:
        end = index + 1
        body: list[str] = []
        while end < len(self.raw) and (
            not self.raw[end].strip() or len(self.raw[end]) - len(self.raw[end].lstrip()) > indent
        ):
            body.append(self.raw[end])
            end += 1
        while body and not body[-1].strip():
            body.pop()
        if not body:
            return "", end
        column = min(len(line) - len(line.lstrip()) for line in body if line.strip())
        text = "\n".join(line[column:] for line in body)
        return (text + "\n" if keep_newline else text), end

    def _scalar_or_flow(self, text: str) -> Any:
        if text.startswith("*"):
            return self.anchors[text[1:]]
        if text == "{}":
            return {}
        if text == "[]":
            return []
        if text.startswith("["):
            if not text.endswith("]"):
                raise ValueError(f"unsupported flow sequence: {text!r}")
            items, body = [], text[1:-1].strip()
            while body:
                item, body = self._flow_item(body)
                items.append(item)
                body = body.strip()
                if body.startswith(","):
                    body = body[1:].strip()
                elif body:
                    raise ValueError(f"unsupported flow sequence: {text!r}")
            return items
        if text[0] in "{&|>!%@`":
            raise ValueError(f"unsupported YAML: {text!r}")
        value, rest = self._flow_item(text, flow=False)
        if rest.strip():
            raise ValueError(f"unsupported scalar: {text!r}")
        return value

    @staticmethod
    def _flow_item(text: str, *, flow: bool = True) -> tuple[str, str]:
        """One scalar at the start of ``text`` and what follows it."""
        if text.startswith('"'):
            match = re.match(r'"(?:[^"\\]|\\.)*"', text)
            if match is None:
                raise ValueError(f"unterminated string: {text!r}")
            return json.loads(match.group(0)), text[match.end() :]
        if text.startswith("'"):
            match = re.match(r"'(?:[^']|'')*'", text)
            if match is None:
                raise ValueError(f"unterminated string: {text!r}")
            return match.group(0)[1:-1].replace("''", "'"), text[match.end() :]
        if not flow:
            return text, ""
        match = re.match(r"[^,\]\[{}]*", text)
        assert match is not None
        return match.group(0).strip(), text[match.end() :]


def load_yaml(text: str) -> Any:
    try:
        import yaml
    except ImportError:
        return MiniYaml(text).load()
    return yaml.safe_load(text)


def defaults(text: str) -> str:
    """Compose interpolation with nothing set: ``${VAR:-default}`` -> default, ``$$`` -> ``$``."""
    text = re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([^}]*)\}", r"\1", text)
    if re.search(r"(?<!\$)\$\{", text.replace("$$", "")):
        raise AssertionError(f"a variable without a default: {text!r}")
    return text.replace("$$", "$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_yaml((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def node_services(compose: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """participant id -> (service name, service) for every service running `node --participant`."""
    nodes: dict[str, tuple[str, dict[str, Any]]] = {}
    for name, service in compose["services"].items():
        command = service.get("command")
        if isinstance(command, list) and "--participant" in command:
            participant = command[command.index("--participant") + 1]
            assert participant not in nodes, f"{participant} runs in {nodes[participant][0]} and {name}"
            nodes[participant] = (name, service)
    return nodes


def database_name(url: str) -> str:
    return urlsplit(defaults(url)).path.lstrip("/")


def slug(participant: str) -> str:
    return re.sub(r"[^a-z0-9]", "_", participant.lower())


# --- the compose set -----------------------------------------------------------------------------------


def test_one_node_service_per_participant_of_the_reference_deployment(compose: dict[str, Any]) -> None:
    nodes = node_services(compose)
    assert sorted(nodes) == sorted(REFERENCE_DEPLOYMENT)
    for participant, (name, service) in nodes.items():
        assert service["command"] == ["node", "--participant", participant], name
        assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}, name
        assert (ROOT / "deploy" / service["build"]["context"] / service["build"]["dockerfile"]).is_file()
        assert "SANMEASURES_PARTICIPANT" not in service["environment"], name
        assert str(service["environment"]["SANMEASURES_PORT"]) == "8000", name


def test_each_node_has_its_own_database_and_port(compose: dict[str, Any]) -> None:
    nodes = node_services(compose)
    databases, ports = {}, {}
    for participant, (name, service) in nodes.items():
        url = urlsplit(defaults(service["environment"]["SANMEASURES_DATABASE_URL"]))
        assert url.scheme == "postgresql+asyncpg" and url.hostname == "postgres", name
        databases[participant] = url.path.lstrip("/")
        assert databases[participant] == f"sanmeasures_{slug(participant)}"
        (published,) = service["ports"]
        host_port, container_port = str(published).rsplit(":", 2)[-2:]
        assert container_port == "8000", name
        ports[participant] = int(host_port)
    assert len(set(databases.values())) == len(nodes)
    assert sorted(ports.values()) == list(range(8001, 8001 + len(nodes)))
    # published in the order of REFERENCE_DEPLOYMENT
    assert [ports[p] for p in REFERENCE_DEPLOYMENT] == sorted(ports.values())


def test_nodes_use_the_rabbitmq_service_and_start_after_it_and_the_migrations(
    compose: dict[str, Any],
) -> None:
    services = compose["services"]
    for name, service in node_services(compose).values():
        broker = urlsplit(defaults(service["environment"]["SANMEASURES_BROKER_URL"]))
        assert broker.scheme == "amqp" and broker.hostname == "rabbitmq" and broker.port == 5672, name
        assert broker.path in ("", "/"), f"{name}: the definitions are for vhost '/'"
        assert service["environment"]["SANMEASURES_BROKER_NAMESPACE"] == "", name
        assert service["depends_on"]["rabbitmq"] == {"condition": "service_healthy"}, name
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
        assert "/health" in " ".join(service["healthcheck"]["test"]), name
    assert "healthcheck" in services["rabbitmq"] and "healthcheck" in services["postgres"]
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_the_init_script_and_the_migrations_cover_exactly_the_node_databases(
    compose: dict[str, Any],
) -> None:
    expected = {
        database_name(s["environment"]["SANMEASURES_DATABASE_URL"])
        for _, s in node_services(compose).values()
    }
    init_sql = (DEPLOY / "postgres-init.sql").read_text(encoding="utf-8")
    sql = "\n".join(line.split("--", 1)[0] for line in init_sql.splitlines())
    created = re.findall(r"CREATE\s+DATABASE\s+\"?([A-Za-z0-9_]+)\"?", sql, flags=re.IGNORECASE)
    assert sorted(created) == sorted(expected)
    postgres = compose["services"]["postgres"]
    assert "./postgres-init.sql:/docker-entrypoint-initdb.d/10-sanmeasures.sql:ro" in postgres["volumes"]

    migrate = compose["services"]["migrate"]
    script = defaults(" ".join(migrate["command"]))
    assert "sanmeasures db upgrade --database-url" in script
    (loop,) = re.findall(r"for db in ([^;]+);", script)
    assert sorted(loop.split()) == sorted(expected)
    assert "postgresql+asyncpg://postgres:sanmeasures@postgres:5432/$db" in script


def test_rabbitmq_loads_the_definitions_and_the_nodes_user(compose: dict[str, Any]) -> None:
    rabbitmq = compose["services"]["rabbitmq"]
    assert rabbitmq["image"].startswith("rabbitmq:4") and rabbitmq["image"].endswith("-management")
    configs = {c["source"]: c["target"] for c in rabbitmq["configs"]}
    contents = {name: defaults(c["content"]) for name, c in compose["configs"].items()}
    conf_target = configs["rabbitmq-conf"]
    assert conf_target.startswith("/etc/rabbitmq/conf.d/") and conf_target.endswith(".conf")
    (definitions_dir,) = re.findall(r"^load_definitions\s*=\s*(\S+)$", contents["rabbitmq-conf"], re.M)

    mounted = dict(volume.split(":")[:2] for volume in rabbitmq["volumes"] if volume.startswith("./"))
    target = mounted["./rabbitmq/definitions.json"]
    assert (DEPLOY / "rabbitmq" / "definitions.json").is_file()
    assert str(Path(target).parent) == definitions_dir and target.endswith(".json")
    users_target = configs["rabbitmq-users"]
    assert str(Path(users_target).parent) == definitions_dir and users_target.endswith(".json")
    # the directory is imported in name order; the users file declares the vhost itself anyway
    assert Path(users_target).name < Path(target).name

    # A broker importing definitions at boot creates no default user: the nodes' user is declared.
    users = json.loads(contents["rabbitmq-users"])
    assert {"name": topology.VHOST} in users["vhosts"]
    (node_url,) = {
        defaults(s["environment"]["SANMEASURES_BROKER_URL"]) for _, s in node_services(compose).values()
    }
    broker = urlsplit(node_url)
    (user,) = [u for u in users["users"] if u["name"] == broker.username]
    assert user["password"] == broker.password
    (permission,) = [p for p in users["permissions"] if p["user"] == broker.username]
    assert permission == {
        "user": broker.username,
        "vhost": topology.VHOST,
        "configure": ".*",
        "write": ".*",
        "read": ".*",
    }
    # the topology loaded is for the vhost the nodes use, with every participant's queue
    definitions = json.loads((DEPLOY / "rabbitmq" / "definitions.json").read_text(encoding="utf-8"))
    assert {q["vhost"] for q in definitions["queues"]} == {topology.VHOST}
    assert {q["name"] for q in definitions["queues"]} >= {
        topology.queue_name(p) for p in REFERENCE_DEPLOYMENT
    }


def test_the_dockerfile_installs_the_checkout_and_runs_as_a_user() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    instructions = [line for line in dockerfile.splitlines() if line and not line.startswith("#")]
    assert instructions[0] == "FROM python:3.11-slim"
    assert re.search(r"^RUN pip install -e \.", dockerfile, re.M)
    for needed in ("src", "migrations", "schemas", "alembic.ini"):  # found next to src/ at run time
        assert re.search(rf"^COPY .*\b{re.escape(needed)}\b", dockerfile, re.M), needed
    (user,) = re.findall(r"^USER (\S+)$", dockerfile, re.M)
    assert user not in ("root", "0")
    assert 'ENTRYPOINT ["sanmeasures"]' in instructions


# --- the local set, for real -----------------------------------------------------------------------------


def rabbitmqctl(*args: str) -> str:
    return subprocess.run(
        ["rabbitmqctl", "-q", *args], check=True, capture_output=True, text=True, timeout=60
    ).stdout


def psql(sql: str) -> str:
    return subprocess.run(
        ["psql", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], "-d", "postgres", "-XAtq", "-c", sql],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout


@pytest.fixture
def vhost() -> Iterator[str]:
    """A fresh RabbitMQ virtual host, deleted (with everything in it) at the end."""
    address = urlsplit(RABBITMQ)
    try:
        socket.create_connection((address.hostname or "127.0.0.1", address.port or 5672), timeout=5).close()
    except OSError as exc:
        pytest.fail(f"RabbitMQ is not reachable at {address.netloc} ({exc})", pytrace=False)
    for tool in ("rabbitmqctl", "psql"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is needed for the local network test", pytrace=False)
    name = f"sanmeasures-test-{uuid.uuid4().hex[:10]}"
    rabbitmqctl("add_vhost", name)
    try:
        rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
        yield name
    finally:
        rabbitmqctl("delete_vhost", name)


def free_base_port(count: int) -> int:
    """The first of ``count`` consecutive ports nobody listens on."""
    for _ in range(100):
        base = random.randrange(20000, 60000)
        sockets = []
        try:
            for port in range(base, base + count):
                candidate = socket.socket()
                sockets.append(candidate)
                candidate.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for candidate in sockets:
                candidate.close()
    raise AssertionError("no free ports")


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def run_script(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(SCRIPT), command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        stdin=subprocess.DEVNULL,
    )


def health(port: int) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_local_network_starts_reports_and_stops_real_nodes(tmp_path: Path, vhost: str) -> None:
    prefix = f"sanmeasures_test_{uuid.uuid4().hex[:10]}_"
    var_dir = tmp_path / "local-network"
    base_port = free_base_port(len(LOCAL_SET))
    cli = Path(sys.executable).parent / "sanmeasures"
    if not cli.exists():
        cli = ROOT / ".venv" / "bin" / "sanmeasures"
    env = {
        **os.environ,
        "SANMEASURES_PARTICIPANTS": ",".join(LOCAL_SET),
        "SANMEASURES_LOCAL_DB_PREFIX": prefix,
        "SANMEASURES_LOCAL_VAR_DIR": str(var_dir),
        "SANMEASURES_LOCAL_BASE_PORT": str(base_port),
        "SANMEASURES_LOCAL_START_TIMEOUT": "40",
        "SANMEASURES_LOCAL_STOP_TIMEOUT": "10",
        "SANMEASURES_BROKER_URL": f"{RABBITMQ}/{quote(vhost, safe='')}",
        "SANMEASURES_BROKER_NAMESPACE": "",
        "SANMEASURES_BIN": str(cli),
        "PGHOST": PG["host"],
        "PGPORT": PG["port"],
        "PGUSER": PG["user"],
    }
    ports = {participant: base_port + i for i, participant in enumerate(LOCAL_SET)}
    databases = {participant: prefix + slug(participant) for participant in LOCAL_SET}
    try:
        started = run_script("start", env)
        assert started.returncode == 0, started.stdout + started.stderr
        assert "all 3 nodes healthy" in started.stdout

        pids = {p: int((var_dir / f"{slug(p)}.pid").read_text()) for p in LOCAL_SET}
        for participant, port in ports.items():
            status, body = health(port)
            assert status == 200, (participant, body)
            assert body == {"status": "ok", "exchange": "ok", "hosts": participant}
            assert alive(pids[participant])

        # each database created and migrated, each queue consumed on the test's virtual host
        listed = psql(f"SELECT datname FROM pg_database WHERE starts_with(datname, '{prefix}')").split()
        assert sorted(listed) == sorted(databases.values())
        consumed = rabbitmqctl("list_consumers", "-p", vhost, "queue_name").split()
        for participant in LOCAL_SET:
            assert topology.queue_name(participant) in consumed, participant

        status = run_script("status", env)
        assert status.returncode == 0, status.stdout + status.stderr
        rows = {line.split()[0]: line.split() for line in status.stdout.splitlines()[1:]}
        assert sorted(rows) == sorted(LOCAL_SET)
        for participant, row in rows.items():
            assert row[1:4] == [str(ports[participant]), str(pids[participant]), "running"]
            assert row[4] == "healthy"

        stopped = run_script("stop", env)
        assert stopped.returncode == 0, stopped.stdout + stopped.stderr
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in pids.values()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p, pid in pids.items() if alive(pid)]
        assert not list(var_dir.glob("*.pid"))
        after = run_script("status", env)
        assert after.returncode == 3 and "not started" in after.stdout
    finally:
        run_script("stop", env)
        for name in databases.values():
            psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
