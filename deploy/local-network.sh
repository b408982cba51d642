#!/usr/bin/env bash
# The reference deployment as local processes on one machine, against the local PostgreSQL and
# RabbitMQ: one `sanmeasures node --participant ID` per participant, each with its own database.
#
#   deploy/local-network.sh start     # create + migrate the databases, start the nodes, wait for /health
#   deploy/local-network.sh status    # participant, port, pid, health; exit 0 only if all healthy
#   deploy/local-network.sh stop      # TERM, then KILL after SANMEASURES_LOCAL_STOP_TIMEOUT seconds
#
# Environment (defaults in brackets); relative paths are taken from the repository root:
#   SANMEASURES_PARTICIPANTS        comma-separated participant ids [REFERENCE_DEPLOYMENT of the code]
#   SANMEASURES_LOCAL_BASE_PORT     port of the first node, the next ones follow [8101]
#   SANMEASURES_LOCAL_HOST          listen address of the nodes [127.0.0.1]
#   SANMEASURES_LOCAL_DB_PREFIX     database name = prefix + participant id, lower case, `:` as `_`
#                                   [sanmeasures_]
#   SANMEASURES_LOCAL_VAR_DIR       logs, pid files and the state of the running set
#                                   [var/local-network]
#   SANMEASURES_LOCAL_START_TIMEOUT seconds to wait for every /health to answer 200 [60]
#   SANMEASURES_LOCAL_STOP_TIMEOUT  seconds between TERM and KILL [20]
#   SANMEASURES_BROKER_URL          [amqp://guest:guest@127.0.0.1:5672/]; passed to every node
#   SANMEASURES_BROKER_NAMESPACE    [""]; passed to every node
#   SANMEASURES_BIN                 [.venv/bin/sanmeasures]; its folder's `python` reads the participants
#   PGHOST, PGPORT, PGUSER          the PostgreSQL server [127.0.0.1, 5432, postgres]; trust
#                                   authentication (the node's URL carries no password)
# Other SANMEASURES_* variables (SANMEASURES_EXCHANGE, SANMEASURES_MAX_DOCUMENT_BYTES, …) reach the
# nodes unchanged; SANMEASURES_DATABASE_URL and SANMEASURES_PARTICIPANT are set per node.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

BIN=${SANMEASURES_BIN:-.venv/bin/sanmeasures}
PYTHON=$(dirname "$BIN")/python
VAR_DIR=${SANMEASURES_LOCAL_VAR_DIR:-var/local-network}
BASE_PORT=${SANMEASURES_LOCAL_BASE_PORT:-8101}
HOST=${SANMEASURES_LOCAL_HOST:-127.0.0.1}
DB_PREFIX=${SANMEASURES_LOCAL_DB_PREFIX:-sanmeasures_}
START_TIMEOUT=${SANMEASURES_LOCAL_START_TIMEOUT:-60}
STOP_TIMEOUT=${SANMEASURES_LOCAL_STOP_TIMEOUT:-20}
BROKER_URL=${SANMEASURES_BROKER_URL:-amqp://guest:guest@127.0.0.1:5672/}
BROKER_NAMESPACE=${SANMEASURES_BROKER_NAMESPACE:-}
PG_HOST=${PGHOST:-127.0.0.1}
PG_PORT=${PGPORT:-5432}
PG_USER=${PGUSER:-postgres}
STATE=$VAR_DIR/nodes.tsv # participant <TAB> port <TAB> database, one line per node of the running set

say() { printf 'local-network: %s\n' "$*"; }
die() {
    printf 'local-network: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    cat >&2 <<'EOF'
usage: deploy/local-network.sh start|stop|status
  start   create and migrate one database per participant, start one node each, wait for /health
  status  print each participant, its port, pid and health (exit 0 only if every node is healthy)
  stop    stop the nodes (TERM, then KILL after SANMEASURES_LOCAL_STOP_TIMEOUT seconds)
EOF
    exit 2
}

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }

# --- participants, names, files --------------------------------------------------------------------

# The participant ids, one a line: SANMEASURES_PARTICIPANTS, else REFERENCE_DEPLOYMENT of the code;
# each one checked by the code's own parser, duplicates dropped.
list_participants() {
    [[ -x $BIN ]] || die "$BIN is not executable (run \`make test\` once to create .venv, or set SANMEASURES_BIN)"
    [[ -x $PYTHON ]] || die "$PYTHON not found next to $BIN"
    "$PYTHON" - "${SANMEASURES_PARTICIPANTS:-}" <<'EOF'
import sys

from sanmeasures.exchange.participants import REFERENCE_DEPLOYMENT, Participant, UnknownParticipant

given = [part.strip() for part in sys.argv[1].split(",") if part.strip()]
ids = list(dict.fromkeys(given or REFERENCE_DEPLOYMENT))
for name in ids:
    try:
        Participant.parse(name)
    except UnknownParticipant as exc:
        sys.exit(f"local-network: error: SANMEASURES_PARTICIPANTS: {exc}")
print("\n".join(ids))
EOF
}

# authority:KZ -> authority_kz, supervisory:KZ:01 -> supervisory_kz_01
slug() {
    local name=${1,,}
    printf '%s' "${name//[^a-z0-9]/_}"
}

database_url() { printf 'postgresql+asyncpg://%s@%s:%s/%s' "$PG_USER" "$PG_HOST" "$PG_PORT" "$1"; }
log_file() { printf '%s/%s.log' "$VAR_DIR" "$(slug "$1")"; }
pid_file() { printf '%s/%s.pid' "$VAR_DIR" "$(slug "$1")"; }

psql_admin() {
    psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -X -q -t -A -v ON_ERROR_STOP=1 "$@"
}

# --- processes ---------------------------------------------------------------------------------------

# The pid recorded for a participant, if that process is still our node (not a reused pid, not a
# zombie); nothing otherwise.
node_pid() {
    local participant=$1 file pid cmdline state
    file=$(pid_file "$participant")
    [[ -f $file ]] || return 0
    pid=$(<"$file")
    is_uint "$pid" || return 0
    if [[ -r /proc/$pid/cmdline ]]; then
        state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || true)
        [[ $state == Z || -z $state ]] && return 0
        cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
    else
        cmdline=$(ps -o args= -p "$pid" 2>/dev/null || true)
    fi
    [[ " $cmdline " == *" node --participant $participant "* ]] && printf '%s' "$pid"
    return 0
}

# HTTP status of a node's /health (000: no answer).
health_code() {
    local url="http://$HOST:$1/health"
    if command -v curl >/dev/null; then
        curl -s -o /dev/null -w '%{http_code}' --max-time 3 "$url" || true
    else
        "$PYTHON" - "$url" <<'EOF'
import sys, urllib.error, urllib.request

try:
    print(urllib.request.urlopen(sys.argv[1], timeout=3).status, end="")
except urllib.error.HTTPError as exc:
    print(exc.code, end="")
except OSError:
    print("000", end="")
EOF
    fi
}

describe_health() {
    case $1 in
    200) printf 'healthy' ;;
    503) printf 'degraded (503: exchange not connected or not consuming)' ;;
    000) printf 'no answer' ;;
    *) printf 'HTTP %s' "$1" ;;
    esac
}

# A node's log from the last start marker on (the log keeps every run).
current_run() { awk '/^=== / { run = "" } { run = run $0 "\n" } END { printf "%s", run }' "$1"; }

port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Participant, port and database of each node of the running set (from the state file).
read_state() {
    [[ -f $STATE ]] || return 1
    STATE_PARTICIPANTS=() STATE_PORTS=() STATE_DATABASES=()
    local participant port database
    while IFS=$'\t' read -r participant port database; do
        [[ -n $participant ]] || continue
        STATE_PARTICIPANTS+=("$participant")
        STATE_PORTS+=("$port")
        STATE_DATABASES+=("$database")
    done <"$STATE"
}

# Stop the given participants' nodes: TERM, wait up to STOP_TIMEOUT seconds, then KILL.
stop_nodes() {
    local participant pid deadline
    local -a running=() pids=()
    for participant in "$@"; do
        pid=$(node_pid "$participant")
        if [[ -n $pid ]]; then
            kill -TERM "$pid" 2>/dev/null || true
            running+=("$participant")
            pids+=("$pid")
        fi
    done
    deadline=$((SECONDS + STOP_TIMEOUT))
    local i left
    while :; do
        left=0
        for i in "${!running[@]}"; do
            [[ -n $(node_pid "${running[$i]}") ]] && left=$((left + 1))
        done
        ((left == 0 || SECONDS >= deadline)) && break
        sleep 0.2
    done
    for i in "${!running[@]}"; do
        if [[ -n $(node_pid "${running[$i]}") ]]; then
            say "${running[$i]} (pid ${pids[$i]}) did not stop within ${STOP_TIMEOUT}s: KILL"
            kill -KILL "${pids[$i]}" 2>/dev/null || true
        else
            say "stopped ${running[$i]} (pid ${pids[$i]})"
        fi
    done
    for participant in "$@"; do
        rm -f "$(pid_file "$participant")"
    done
}

# --- commands ----------------------------------------------------------------------------------------

cmd_start() {
    is_uint "$BASE_PORT" || die "SANMEASURES_LOCAL_BASE_PORT must be a port number, not '$BASE_PORT'"
    is_uint "$START_TIMEOUT" || die "SANMEASURES_LOCAL_START_TIMEOUT must be whole seconds"
    [[ $DB_PREFIX =~ ^[a-z_][a-z0-9_]*$ ]] ||
        die "SANMEASURES_LOCAL_DB_PREFIX must be lower-case letters, digits and _, not '$DB_PREFIX'"
    [[ $BROKER_URL == amqp://* || $BROKER_URL == amqps://* ]] ||
        die "SANMEASURES_BROKER_URL must be RabbitMQ (amqp://…), not '$BROKER_URL': separate nodes cannot share the embedded broker"
    command -v psql >/dev/null || die "psql is needed to create the databases"

    local listed
    local -a participants
    listed=$(list_participants) || exit 1
    mapfile -t participants <<<"$listed"
    [[ -n $listed ]] || die "no participants"

    if read_state; then
        local p running
        for p in "${STATE_PARTICIPANTS[@]}"; do
            running=$(node_pid "$p")
            if [[ -n $running ]]; then
                die "the local network is already running ($p, pid $running); run \`$0 stop\` first"
            fi
        done
    fi
    mkdir -p "$VAR_DIR"
    rm -f "$STATE"

    psql_admin -c 'SELECT 1' >/dev/null ||
        die "PostgreSQL is not reachable at $PG_HOST:$PG_PORT as $PG_USER"

    # Databases: one per participant, created if missing.
    local -a databases=() ports=()
    local i participant database port
    for i in "${!participants[@]}"; do
        participant=${participants[$i]}
        database=$DB_PREFIX$(slug "$participant")
        ((${#database} <= 63)) || die "database name $database is longer than PostgreSQL's 63 characters"
        port=$((BASE_PORT + i))
        ((port <= 65535)) || die "port $port of $participant is past 65535"
        if port_in_use "$port"; then
            die "port $port (for $participant) is already in use on $HOST"
        fi
        databases+=("$database")
        ports+=("$port")
        if [[ -n $(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$database'") ]]; then
            say "database $database exists"
        else
            psql_admin -c "CREATE DATABASE \"$database\"" >/dev/null
            say "database $database created"
        fi
    done

    # Migrations: `sanmeasures db upgrade` per database, in parallel (a node never migrates PostgreSQL).
    local -a upgrades=()
    for i in "${!participants[@]}"; do
        "$BIN" db upgrade --database-url "$(database_url "${databases[$i]}")" \
            >"$VAR_DIR/$(slug "${participants[$i]}").migrate.log" 2>&1 &
        upgrades+=("$!")
    done
    local failed=0
    for i in "${!participants[@]}"; do
        if wait "${upgrades[$i]}"; then
            say "database ${databases[$i]} migrated"
        else
            failed=1
            printf 'local-network: error: migrating %s failed:\n' "${databases[$i]}" >&2
            tail -n 20 "$VAR_DIR/$(slug "${participants[$i]}").migrate.log" | sed 's/^/    /' >&2
        fi
    done
    ((failed == 0)) || exit 1

    # Nodes, in the background, each in its own session (a closing terminal does not take them along).
    local deployment
    deployment=$(IFS=,; printf '%s' "${participants[*]}")
    export SANMEASURES_PARTICIPANTS=$deployment
    export SANMEASURES_BROKER_URL=$BROKER_URL
    export SANMEASURES_BROKER_NAMESPACE=$BROKER_NAMESPACE
    unset SANMEASURES_PARTICIPANT
    local log launcher=()
    command -v setsid >/dev/null && launcher=(setsid)
    for i in "${!participants[@]}"; do
        participant=${participants[$i]}
        log=$(log_file "$participant")
        printf '=== %s start %s on port %s (database %s)\n' "$(date '+%F %T')" "$participant" \
            "${ports[$i]}" "${databases[$i]}" >>"$log"
        SANMEASURES_DATABASE_URL=$(database_url "${databases[$i]}") \
            "${launcher[@]}" "$BIN" node --participant "$participant" --host "$HOST" --port "${ports[$i]}" \
            </dev/null >>"$log" 2>&1 &
        printf '%s\n' "$!" >"$(pid_file "$participant")"
        disown "$!" # stop (or a KILL) is not reported as this script's job
        printf '%s\t%s\t%s\n' "$participant" "${ports[$i]}" "${databases[$i]}" >>"$STATE"
        say "started $participant (pid $!) on http://$HOST:${ports[$i]}/, log $log"
    done

    # Wait until every node's /health answers 200, a node exits, or the time is up.
    local deadline=$((SECONDS + START_TIMEOUT)) code
    local -A status=() last=()
    while :; do
        local pending=0
        for i in "${!participants[@]}"; do
            participant=${participants[$i]}
            [[ -n ${status[$participant]:-} ]] && continue
            code=$(health_code "${ports[$i]}")
            last[$participant]=$code
            if [[ $code == 200 ]]; then
                status[$participant]=ok
            elif [[ -z $(node_pid "$participant") ]]; then
                status[$participant]="exited"
            else
                pending=$((pending + 1))
            fi
        done
        ((pending == 0)) && break
        if ((SECONDS >= deadline)); then
            for participant in "${participants[@]}"; do
                [[ -n ${status[$participant]:-} ]] ||
                    status[$participant]="not healthy within ${START_TIMEOUT}s (last: $(describe_health "${last[$participant]}"))"
            done
            break
        fi
        sleep 0.5
    done

    local -a bad=()
    for participant in "${participants[@]}"; do
        [[ ${status[$participant]} == ok ]] || bad+=("$participant")
    done
    if ((${#bad[@]} > 0)); then
        for participant in "${bad[@]}"; do
            printf 'local-network: error: %s: %s; last lines of %s:\n' "$participant" \
                "${status[$participant]}" "$(log_file "$participant")" >&2
            current_run "$(log_file "$participant")" | tail -n 20 | sed 's/^/    /' >&2
        done
        say "stopping the nodes that did start (logs stay in $VAR_DIR)"
        stop_nodes "${participants[@]}"
        rm -f "$STATE"
        die "${#bad[@]} of ${#participants[@]} node(s) did not become healthy: ${bad[*]}"
    fi
    say "all ${#participants[@]} nodes healthy (status: $0 status, stop: $0 stop)"
}

cmd_status() {
    if ! read_state; then
        say "not started (no $STATE)"
        exit 3
    fi
    local i participant port pid process code unhealthy=0
    printf '%-24s %-6s %-8s %-8s %s\n' PARTICIPANT PORT PID PROCESS HEALTH
    for i in "${!STATE_PARTICIPANTS[@]}"; do
        participant=${STATE_PARTICIPANTS[$i]}
        port=${STATE_PORTS[$i]}
        pid=$(node_pid "$participant")
        if [[ -n $pid ]]; then
            process=running
            code=$(health_code "$port")
        else
            process=stopped
            pid=-
            code=000
        fi
        [[ $code == 200 ]] || unhealthy=$((unhealthy + 1))
        printf '%-24s %-6s %-8s %-8s %s\n' "$participant" "$port" "$pid" "$process" "$(describe_health "$code")"
    done
    ((unhealthy == 0)) || exit 1
}

cmd_stop() {
    if ! read_state; then
        say "not running (no $STATE)"
        return 0
    fi
    is_uint "$STOP_TIMEOUT" || die "SANMEASURES_LOCAL_STOP_TIMEOUT must be whole seconds"
    stop_nodes "${STATE_PARTICIPANTS[@]}"
    rm -f "$STATE"
    say "stopped (databases kept; logs in $VAR_DIR)"
}

case ${1:-} in
start) cmd_start ;;
status) cmd_status ;;
stop) cmd_stop ;;
*) usage ;;
esac
