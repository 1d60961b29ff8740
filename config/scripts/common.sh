# Shared helpers for the set-up scripts (sourced, not run).
#
# Everything a script starts is recorded in STARTED_PIDS (one process group each, thanks
# to `set -m`), and `stop_started` ends exactly those groups (Redis last).

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# KHEO_VAR_DIR moves everything a run writes (database, logs, e-mails, Redis files) elsewhere;
# config/env.py reads the same variable.
VAR_DIR="${KHEO_VAR_DIR:-$ROOT/var}"
VENV_BIN="$ROOT/.venv/bin"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
STARTED_PIDS=()
STARTED_NAMES=()

# Progress lines never fail: when the reader of our output has gone (`make run | tee log` after
# Ctrl-C ended tee), a line that cannot be written is dropped instead of stopping the script.
say() { printf '\033[1;34m[kheo]\033[0m %s\n' "$*" 2>/dev/null || true; }
fail() { printf '\033[1;31m[kheo]\033[0m %s\n' "$*" >&2 2>/dev/null || true; exit 1; }

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

LOG_DIR="$VAR_DIR/log"

# Start a long-running command in its own process group and remember it. Its output goes to
# $LOG_DIR/<name>.log, so the console keeps one line per process event and a reader of our
# output that goes away (a pipe closed by Ctrl-C) cannot break the process.
start_process() {
    local name="$1"; shift
    mkdir -p "$LOG_DIR"
    set -m
    "$@" </dev/null >>"$LOG_DIR/$name.log" 2>&1 &
    local pid=$!
    set +m
    STARTED_PIDS+=("$pid")
    STARTED_NAMES+=("$name")
    say "đã chạy $name (pid $pid, log ${LOG_DIR#"$ROOT"/}/$name.log)"
}

_forget() {
    local pid="$1" i pids=() names=()
    for i in "${!STARTED_PIDS[@]}"; do
        if [ "${STARTED_PIDS[$i]}" != "$pid" ]; then
            pids+=("${STARTED_PIDS[$i]}")
            names+=("${STARTED_NAMES[$i]}")
        fi
    done
    STARTED_PIDS=(${pids[@]+"${pids[@]}"})
    STARTED_NAMES=(${names[@]+"${names[@]}"})
}

# Run a set-up step (migrations, demo data) to its end. It runs like start_process, in the
# background of this script, because bash holds a signal trap until a foreground command
# ends: Ctrl-C, TERM or HUP must stop the step at once, not after it.
run_step() {
    local name="$1" description="$2"; shift 2
    local log="$LOG_DIR/$name.log"
    mkdir -p "$LOG_DIR"
    : >"$log"
    say "$description (log ${log#"$ROOT"/})"
    set -m
    "$@" </dev/null >>"$log" 2>&1 &
    local pid=$! status=0
    set +m
    STARTED_PIDS+=("$pid")
    STARTED_NAMES+=("$name")
    wait "$pid" || status=$?
    _forget "$pid"
    if [ "$status" -ne 0 ]; then
        tail -n 20 "$log" >&2 2>/dev/null || true
        fail "bước “$description” lỗi (mã $status); xem ${log#"$ROOT"/}"
    fi
}

# Wait until every group in "$@" (name:pid pairs) has ended, up to 10 s of wall time in all
# (not per group: on a loaded machine a count of short sleeps stretches far beyond that), then
# kill what is left.
_stop_groups_wait() {
    local deadline=$(($(date +%s) + 10)) entry alive
    while true; do
        alive=()
        for entry in "$@"; do
            kill -0 "${entry#*:}" 2>/dev/null && alive+=("$entry")
        done
        [ ${#alive[@]} -gt 0 ] || return 0
        [ "$(date +%s)" -lt "$deadline" ] || break
        sleep 0.1
    done
    for entry in "${alive[@]}"; do
        say "${entry%%:*} không dừng sau 10 giây: buộc dừng"
        kill -KILL -- "-${entry#*:}" 2>/dev/null || kill -KILL "${entry#*:}" 2>/dev/null || true
    done
}

# Stop what this script started: the application processes first (together, newest first),
# then Redis, so that a Celery worker can hand its unacknowledged messages back on the way out.
stop_started() {
    local phase i pid name
    for phase in app redis; do
        local stopping=()
        for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
            pid="${STARTED_PIDS[$i]}"
            name="${STARTED_NAMES[$i]}"
            if [ "$phase" = app ] && [ "$name" = redis-server ]; then continue; fi
            if [ "$phase" = redis ] && [ "$name" != redis-server ]; then continue; fi
            if kill -0 "$pid" 2>/dev/null; then
                say "dừng $name (pid $pid)"
                kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
                stopping+=("$name:$pid")
            fi
        done
        _stop_groups_wait ${stopping[@]+"${stopping[@]}"}
    done
    STARTED_PIDS=()
    STARTED_NAMES=()
}

_stop_and_exit() {
    local status=$?
    # Nothing may interrupt the stopping: not a second Ctrl-C, not a failed write, not errexit.
    set +e
    trap '' INT TERM HUP PIPE
    trap - EXIT
    stop_started
    if [ -n "${STOP_REQUESTED:-}" ] && [ -n "${REQUESTED_STOP_IS_SUCCESS:-}" ]; then
        # `make run` ends by Ctrl-C (or TERM, HUP): that is its normal end, not an error for make.
        say "đã dừng mọi tiến trình đã chạy ($STOP_REQUESTED)."
        status=0
    fi
    exit "$status"
}

# Ctrl-C, TERM, HUP or any exit stops what this script started (and nothing else), whether our
# output goes to a terminal, a pipe or a file. SIGPIPE is ignored from the start: with
# `make run | head`, a line written after the reader ended must not kill this script without
# its exit trap (a signal's default action skips the trap).
stop_started_on_exit() {
    trap '' PIPE
    trap _stop_and_exit EXIT
    trap 'STOP_REQUESTED=Ctrl-C; exit 130' INT
    trap 'STOP_REQUESTED=TERM; exit 143' TERM
    trap 'STOP_REQUESTED=HUP; exit 129' HUP
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
        fail "Redis không trả lời ở $REDIS_URL và máy chưa có redis-server.
       Hãy cài (Debian/Ubuntu: sudo apt-get install redis-server) hoặc chạy một Redis
       rồi đặt REDIS_URL=redis://HOST:PORT/0, sau đó chạy lại lệnh này."
    fi
    say "chưa có redis-server: cài gói Debian redis-server"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends redis-server >/dev/null
    # The package may start a system-wide service on 6379; we only need the binary.
    command -v redis-server >/dev/null 2>&1 || fail "apt-get không cài được redis-server."
}

# Use the Redis at REDIS_URL when it answers; otherwise start our own on that port
# (data, log and pid under var/redis/) and stop it when the calling script exits.
redis_ensure() {
    if redis_answers; then
        say "Redis trả lời ở $REDIS_URL"
        return 0
    fi
    local host port
    read -r host port < <(redis_host_port)
    case "$host" in
        127.0.0.1 | localhost | ::1) ;;
        *) fail "Redis không trả lời ở $REDIS_URL (máy $host không phải máy này nên không tự chạy được)." ;;
    esac
    command -v redis-server >/dev/null 2>&1 || redis_server_install
    mkdir -p "$VAR_DIR/redis"
    say "Redis không trả lời ở $REDIS_URL: chạy redis-server riêng trên cổng $port"
    start_process redis-server redis-server --bind 127.0.0.1 --port "$port" \
        --dir "$VAR_DIR/redis" --pidfile "$VAR_DIR/redis/redis.pid" --logfile "" \
        --daemonize no --save "" --appendonly no
    local tries=0
    until redis_answers; do
        tries=$((tries + 1))
        if [ "$tries" -gt 100 ] || ! kill -0 "${STARTED_PIDS[-1]}" 2>/dev/null; then
            tail -n 20 "$LOG_DIR/redis-server.log" >&2 2>/dev/null || true
            fail "redis-server không chạy được trên cổng $port (log ${LOG_DIR#"$ROOT"/}/redis-server.log)."
        fi
        sleep 0.1
    done
    say "Redis đã sẵn sàng ở $REDIS_URL"
}
