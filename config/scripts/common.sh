# Shared helpers for the set-up scripts (sourced, not run).
#
# Everything a script starts is recorded in STARTED_PIDS (one process group each, thanks
# to `set -m`), and `stop_started` ends exactly those groups (Redis last).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VAR_DIR="$ROOT/var"
VENV_BIN="$ROOT/.venv/bin"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
STARTED_PIDS=()
STARTED_NAMES=()

say() { printf '\033[1;34m[kheo]\033[0m %s\n' "$*"; }
fail() { printf '\033[1;31m[kheo]\033[0m %s\n' "$*" >&2; exit 1; }

# Run a command as root: directly when we are root, through sudo when it needs no password.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 127
    fi
}

can_be_root() {
    [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }
}

# Start a long-running command in its own process group and remember it.
start_process() {
    local name="$1"; shift
    set -m
    "$@" </dev/null &
    local pid=$!
    set +m
    STARTED_PIDS+=("$pid")
    STARTED_NAMES+=("$name")
    say "started $name (pid $pid)"
}

_stop_group() {
    local name="$1" pid="$2" waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 100 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "$name did not stop in 10 s; killing it"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
}

# Stop what this script started: the application processes first (together, newest first),
# then Redis, so that a Celery worker can hand its unacknowledged messages back on the way out.
stop_started() {
    local phase i pid name
    for phase in app redis; do
        local waiting=()
        for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
            pid="${STARTED_PIDS[$i]}"
            name="${STARTED_NAMES[$i]}"
            if [ "$phase" = app ] && [ "$name" = redis-server ]; then continue; fi
            if [ "$phase" = redis ] && [ "$name" != redis-server ]; then continue; fi
            if kill -0 "$pid" 2>/dev/null; then
                say "stopping $name (pid $pid)"
                kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
                waiting+=("$i")
            fi
        done
        for i in "${waiting[@]}"; do
            _stop_group "${STARTED_NAMES[$i]}" "${STARTED_PIDS[$i]}"
        done
    done
    STARTED_PIDS=()
    STARTED_NAMES=()
}

# Ctrl-C, TERM or any exit stops what this script started (and nothing else).
stop_started_on_exit() {
    # SIGPIPE is ignored while stopping: with `make run | tee log`, Ctrl-C ends tee first,
    # and a progress line written to the closed pipe must not kill this script half-way.
    trap '_exit_status=$?; trap - EXIT INT TERM HUP; trap "" PIPE; stop_started 2>/dev/null; exit "$_exit_status"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM HUP
}

# The browser tests (tests/browser/) drive Debian's Chromium; never a browser that Playwright downloads.
CHROMIUM="${KHEO_CHROMIUM:-/usr/bin/chromium}"

# Install the Debian package chromium when it is missing and we can be root; otherwise say how.
# Not fatal: only the browser tests need it, and they fail with the same advice.
chromium_ensure() {
    if [ -x "$CHROMIUM" ] || command -v "$CHROMIUM" >/dev/null 2>&1; then
        return 0
    fi
    if [ -n "${KHEO_CHROMIUM:-}" ] || ! can_be_root || ! command -v apt-get >/dev/null 2>&1; then
        say "Chromium is missing ($CHROMIUM): the browser tests will fail until it is installed"
        say "(Debian: sudo apt-get install chromium; or set KHEO_CHROMIUM=/path/to/chromium)."
        return 0
    fi
    say "Chromium is missing: installing the Debian package chromium (for the browser tests)"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends chromium >/dev/null
    [ -x "$CHROMIUM" ] || fail "apt-get did not install $CHROMIUM."
}

redis_answers() {
    "$VENV_BIN/python" - "$REDIS_URL" <<'PY' >/dev/null 2>&1
import sys

import redis

redis.Redis.from_url(sys.argv[1], socket_connect_timeout=1, socket_timeout=1).ping()
PY
}

redis_host_port() {
    "$VENV_BIN/python" - "$REDIS_URL" <<'PY'
import sys
from urllib.parse import urlsplit

url = urlsplit(sys.argv[1])
print(url.hostname or "127.0.0.1", url.port or 6379)
PY
}

redis_server_install() {
    if ! can_be_root; then
        fail "Redis does not answer at $REDIS_URL and redis-server is not installed.
       Install it (Debian/Ubuntu: sudo apt-get install redis-server), or start a Redis
       and set REDIS_URL=redis://HOST:PORT/0, then run this command again."
    fi
    say "redis-server is missing: installing the Debian package redis-server"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends redis-server >/dev/null
    # The package may start a system-wide service on 6379; we only need the binary.
    command -v redis-server >/dev/null 2>&1 || fail "apt-get did not install redis-server."
}

# Use the Redis at REDIS_URL when it answers; otherwise start our own on that port
# (data, log and pid under var/redis/) and stop it when the calling script exits.
redis_ensure() {
    if redis_answers; then
        say "Redis answers at $REDIS_URL"
        return 0
    fi
    local host port
    read -r host port < <(redis_host_port)
    case "$host" in
        127.0.0.1 | localhost | ::1) ;;
        *) fail "Redis does not answer at $REDIS_URL (host $host is not this machine, so it cannot be started here)." ;;
    esac
    command -v redis-server >/dev/null 2>&1 || redis_server_install
    mkdir -p "$VAR_DIR/redis"
    say "Redis does not answer at $REDIS_URL: starting redis-server on port $port (files in var/redis/)"
    start_process redis-server redis-server --bind 127.0.0.1 --port "$port" \
        --dir "$VAR_DIR/redis" --pidfile "$VAR_DIR/redis/redis.pid" --logfile "$VAR_DIR/redis/redis.log" \
        --daemonize no --save "" --appendonly no
    local tries=0
    until redis_answers; do
        tries=$((tries + 1))
        if [ "$tries" -gt 100 ] || ! kill -0 "${STARTED_PIDS[-1]}" 2>/dev/null; then
            tail -n 20 "$VAR_DIR/redis/redis.log" >&2 || true
            fail "redis-server did not come up on port $port (log: var/redis/redis.log)."
        fi
        sleep 0.1
    done
    say "Redis is up at $REDIS_URL"
}
