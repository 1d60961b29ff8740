#!/usr/bin/env bash
# `make test`: make sure Redis answers (some tests start real Celery workers), then pytest.
# DATABASE_URL selects PostgreSQL; without it the tests run on SQLite. Arguments go to pytest.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

stop_started_on_exit

mkdir -p "$VAR_DIR"
redis_ensure
chromium_ensure
say "pytest on ${DATABASE_URL:-SQLite} (Redis $REDIS_URL)"
status=0
"$VENV_BIN/pytest" "$@" || status=$?
exit "$status"
