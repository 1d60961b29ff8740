#!/usr/bin/env bash
# `make run`: Redis, migrations, demo data, then the web server, a Celery worker and
# Celery beat. Ctrl-C stops everything this script started (and nothing else).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.dev}"
export PYTHONUNBUFFERED=1
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
started_at="${KHEO_STARTED_AT:-$(date +%s)}"

stop_started_on_exit

port_taken() {
    "$VENV_BIN/python" - "$HOST" "$PORT" <<'PY'
import socket
import sys

with socket.socket() as s:
    s.settimeout(1)
    sys.exit(0 if s.connect_ex((sys.argv[1], int(sys.argv[2]))) == 0 else 1)
PY
}

if port_taken; then
    fail "Something already listens on $HOST:$PORT. Stop it, or run: PORT=8001 make run"
fi

mkdir -p "$VAR_DIR"
redis_ensure

say "applying migrations"
"$VENV_BIN/python" manage.py migrate --noinput -v 0
# --- Database roles (issue 8): on PostgreSQL, from here on DATABASE_URL is the app role, ---
# --- which cannot rewrite the audit trail (config/scripts/db_roles.sh).                  ---
source "$ROOT/config/scripts/db_roles.sh"
db_roles_ensure
# --- end of database roles ---------------------------------------------------------------
say "loading demo data (idempotent; the first time takes about a minute)"
"$VENV_BIN/python" manage.py seed_demo
# The development key that signs the audit checkpoints (var/audit/signing-key.pem), made once.
"$VENV_BIN/python" manage.py audit_keygen --if-missing

start_process web "$VENV_BIN/python" manage.py runserver "$HOST:$PORT"
start_process celery-worker "$VENV_BIN/celery" -A config worker --loglevel=INFO --concurrency=2 \
    --hostname "kheo-worker@%h"
start_process celery-beat "$VENV_BIN/celery" -A config beat --loglevel=INFO \
    --schedule "$VAR_DIR/celerybeat-schedule" --pidfile "$VAR_DIR/celerybeat.pid"

tries=0
until "$VENV_BIN/python" - "http://$HOST:$PORT/accounts/login/" <<'PY' >/dev/null 2>&1
import sys
import urllib.request

urllib.request.urlopen(sys.argv[1], timeout=2)
PY
do
    tries=$((tries + 1))
    for pid in "${STARTED_PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null || fail "a process stopped during start-up (see the output above)."
    done
    [ "$tries" -lt 600 ] || fail "the web server did not answer within 60 s."
    sleep 0.1
done

say "Khéo is ready at http://$HOST:$PORT/ ($(($(date +%s) - started_at)) s). Demo logins: donvi, thuongtruc,"
say "khaosat, hoidong1-3, truongban, quantri, kiemtra — password kheo-demo-2026. quantri and kiemtra also"
say "need a second-factor code: demo TOTP key $("$VENV_BIN/python" -c 'from accounts.demo_key import DEMO_TOTP_SECRET; print(DEMO_TOTP_SECRET)')"
say "in any authenticator app, or: .venv/bin/python manage.py demo_otp_code quantri. Ctrl-C stops everything."

# Stop all when any one of them exits on its own.
wait -n "${STARTED_PIDS[@]}" || true
fail "a process exited; stopping the others."
