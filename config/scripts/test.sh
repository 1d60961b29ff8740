#!/usr/bin/env bash
# `make test`: make sure Redis answers (some tests start real Celery workers), then pytest.
# DATABASE_URL selects PostgreSQL; without it the tests run on SQLite. Arguments go to pytest.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

on_exit() {
    local status=$?
    trap - EXIT INT TERM HUP
    stop_started
    exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

mkdir -p "$VAR_DIR"
redis_ensure
say "pytest on ${DATABASE_URL:-SQLite} (Redis $REDIS_URL)"
status=0
"$VENV_BIN/pytest" "$@" || status=$?
exit "$status"
