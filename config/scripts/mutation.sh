#!/usr/bin/env bash
# `make mutation`: mutation testing of the business rules with mutmut (not part of `make test` or CI).
#
# Mutates the domain services, the stage transition table, the deadline planning, calendar
# and policy and the audit hash chain ([tool.mutmut] in pyproject.toml), runs the fast unit tests that cover each
# mutated function on SQLite (no slow Celery tests), and prints the share of mutants
# killed. Every run starts from scratch (mutants/ is removed). Workers: MUTATION_JOBS
# (default: the number of cores). Exits non-zero below MUTATION_MIN_KILLED percent (80).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

JOBS="${MUTATION_JOBS:-$(nproc 2>/dev/null || echo 2)}"
MIN_KILLED="${MUTATION_MIN_KILLED:-80}"
TEMPLATE_DIR="$VAR_DIR/mutation"
export KHEO_MUTATION_DB_TEMPLATE="$TEMPLATE_DIR/template.sqlite3"
# The mutants run on SQLite whatever the shell says; the template is migrated once here.
unset DATABASE_URL
export DJANGO_SETTINGS_MODULE=config.settings.test

started=$(date +%s)
rm -rf mutants "$TEMPLATE_DIR"
mkdir -p "$TEMPLATE_DIR"
say "migrating the template database ($KHEO_MUTATION_DB_TEMPLATE)"
DATABASE_URL="sqlite:///$KHEO_MUTATION_DB_TEMPLATE" "$VENV_BIN/python" manage.py migrate --verbosity 0

say "mutmut run with $JOBS workers"
status=0
"$VENV_BIN/mutmut" run --max-children "$JOBS" || status=$?
if [ "$status" -ne 0 ]; then
    fail "mutmut run failed (exit $status)"
fi
"$VENV_BIN/mutmut" export-cicd-stats >/dev/null
# The survivors, one per line, for `.venv/bin/mutmut show NAME` (equivalent ones: tests/mutation_equivalent.md).
"$VENV_BIN/mutmut" results >"$VAR_DIR/mutation/survivors.txt" || true

"$VENV_BIN/python" - "$MIN_KILLED" "$(($(date +%s) - started))" <<'PY'
import json
import sys

minimum, seconds = float(sys.argv[1]), int(sys.argv[2])
stats = json.load(open("mutants/mutmut-cicd-stats.json"))
total = stats["total"]
killed = stats["killed"] + stats["timeout"]
share = 100 * killed / total if total else 0.0
print(
    f"mutants: {total}, killed {stats['killed']}, timed out {stats['timeout']}, survived {stats['survived']}, "
    f"no tests {stats['no_tests']}, suspicious {stats['suspicious']}, skipped {stats['skipped']}"
)
print(f"killed: {share:.1f} % (minimum {minimum:g} %) in {seconds // 60} min {seconds % 60} s")
print("survivors: var/mutation/survivors.txt (show one with .venv/bin/mutmut show NAME)")
sys.exit(0 if share >= minimum else 1)
PY
