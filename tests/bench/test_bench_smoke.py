"""`python -m bench.lifecycle` runs end to end on this test run's database server and prints its summary.

No timing is judged here (performance is the benchmark's output, not a test's): the run
must finish, show the peer's columns and the targets, publish one message per new human
task of the peer to a real Redis, and end with the one-line summary.
"""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings

from tests.notifications.support import RedisServer, free_port

ROOT = Path(__file__).resolve().parents[2]
FINAL_LINE = re.compile(r"^lifecycle: \d+\.\d\dx bare, \d+\.\d\dx peer, \d+\.\d steps/cpu-s$")


def _bench_database_url(tmp_path) -> str:
    """A database of the smoke run's own next to the test database (the benchmark creates and drops it)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{tmp_path / 'bench.sqlite3'}"
    credentials = quote(database["USER"]) + (f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else "")
    name = f"{database['NAME'].removeprefix('test_')}_smoke"
    return f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{name}"


@pytest.mark.slow
def test_lifecycle_bench_prints_the_peer_and_ends_with_the_summary_line(tmp_path):
    redis = RedisServer(free_port(6391)).start()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "bench.lifecycle", "--n", "2", "--warmup", "0", "--floor-seconds", "1"],
            cwd=ROOT,
            env={**os.environ, "BENCH_DATABASE_URL": _bench_database_url(tmp_path), "BENCH_REDIS_URL": redis.url},
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        redis.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert FINAL_LINE.match(lines[-1]), lines[-1]
    header = next(line for line in lines if line.startswith("step "))
    assert re.search(r"Khéo mean .* bare mean .* peer mean .* K/bare K/peer$", header)
    rows = [line.split()[0] for line in lines if re.match(r"^\S.*? +\d+ \| ", line)]
    assert rows == ["claim", "check_dossier", "survey", "evaluate", "recognise", "replicate", "submit", "lifecycle"]
    # Two lifecycles of the peer create 7 human tasks each: one delay() apiece, read back from Redis.
    assert "Peer messages published to Redis and dropped unread: 14." in lines
    assert any(line.startswith("  NOT MET  ") or line.startswith("  met      ") for line in lines)
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        assert any(line.startswith("Commit floor (pgbench): PostgreSQL only") for line in lines)
    else:
        assert any(re.match(r"Commit floor \(pgbench.*: \d+ transactions/s\.", line) for line in lines), lines
