#!/usr/bin/env bash
# `make bench`: make sure Redis answers (the lifecycle publishes notification messages
# after each commit), then run bench.lifecycle (with its arguments) and every other
# module of bench/ that has a __main__ guard, except bench.lists (`make bench-lists`: it
# builds a million-task data set first). All of them run; the exit code says whether any failed.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$ROOT"

stop_started_on_exit

mkdir -p "$VAR_DIR"
redis_ensure
failed=""
others=$(grep -l '^if __name__ == "__main__":' bench/*.py | xargs -n1 basename | sed 's/\.py$//' | grep -vx -e lifecycle -e lists | sort)
for name in lifecycle $others; do
    say "python -m bench.$name"
    if [ "$name" = lifecycle ]; then
        "$VENV_BIN/python" -m "bench.$name" "$@" || failed="$failed bench.$name"
    else
        "$VENV_BIN/python" -m "bench.$name" || failed="$failed bench.$name"
    fi
done
if [ -n "$failed" ]; then
    say "make bench: failed:$failed"
    exit 1
fi
