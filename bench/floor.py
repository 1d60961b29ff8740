"""The PostgreSQL commit floor: how many step-shaped transactions one connection commits a second.

`pgbench` (Debian's postgresql-client) runs, for `seconds`, on one connection to the
benchmark's throwaway database, a transaction shaped like one human step: lock the
process row (SELECT ... FOR UPDATE), update the task row, insert the next task, an
audit-like row and an outbox-like row, commit. The tables are the floor's own
(`bench_floor_*`, indexed like the engine's), created here and dropped with the
database. What a step costs above this floor is the application's, not the database's.
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

PGBENCH_CANDIDATES = ("pgbench", "/usr/lib/postgresql/15/bin/pgbench")
PROCESSES = 1000

_TABLES = """
CREATE TABLE bench_floor_process (
    id integer PRIMARY KEY, status varchar(50) NOT NULL, data jsonb NOT NULL DEFAULT '{}');
CREATE TABLE bench_floor_task (
    id bigserial PRIMARY KEY, process_id integer NOT NULL REFERENCES bench_floor_process (id),
    flow_task varchar(255) NOT NULL, status varchar(50) NOT NULL, owner_id integer,
    created timestamptz NOT NULL, finished timestamptz, data jsonb NOT NULL DEFAULT '{}');
CREATE INDEX bench_floor_task_process ON bench_floor_task (process_id);
CREATE INDEX bench_floor_task_inbox ON bench_floor_task (owner_id, created, id) WHERE status = 'ASSIGNED';
CREATE TABLE bench_floor_event (
    id bigserial PRIMARY KEY, process_id integer NOT NULL, action varchar(64) NOT NULL,
    payload jsonb NOT NULL, created timestamptz NOT NULL);
CREATE INDEX bench_floor_event_process ON bench_floor_event (process_id, id);
CREATE TABLE bench_floor_outbox (
    id bigserial PRIMARY KEY, task_id bigint NOT NULL, recipient_id integer NOT NULL,
    state varchar(16) NOT NULL, created timestamptz NOT NULL);
CREATE INDEX bench_floor_outbox_pending ON bench_floor_outbox (created) WHERE state = 'pending';
INSERT INTO bench_floor_process (id, status) SELECT n, 'NEW' FROM generate_series(1, {processes}) n;
INSERT INTO bench_floor_task (process_id, flow_task, status, created)
    SELECT n, 'workflows/flows.RecognitionFlow.survey', 'ASSIGNED', now() FROM generate_series(1, {processes}) n;
ANALYZE;
"""

# One human step: the lock, the finished task, the next task, an audit record, an outbox row.
STEP_SCRIPT = f"""\\set p random(1, {PROCESSES})
BEGIN;
SELECT id, status FROM bench_floor_process WHERE id = :p FOR UPDATE;
UPDATE bench_floor_task SET status = 'DONE', finished = now() WHERE id = :p;
INSERT INTO bench_floor_task (process_id, flow_task, status, owner_id, created)
    VALUES (:p, 'workflows/flows.RecognitionFlow.evaluate', 'ASSIGNED', 7, now());
INSERT INTO bench_floor_event (process_id, action, payload, created)
    VALUES (:p, 'task.completed', '{{"node": "survey", "values": {{"findings": "Tốt"}}}}', now());
INSERT INTO bench_floor_outbox (task_id, recipient_id, state, created) VALUES (:p, 7, 'pending', now());
COMMIT;
"""


def pgbench_path() -> str | None:
    return next((path for path in map(shutil.which, PGBENCH_CANDIDATES) if path), None)


def commit_floor(connection, *, seconds: int = 5) -> float:
    """Step-shaped transactions per second on one connection (pgbench), against `connection`'s database."""
    pgbench = pgbench_path()
    if pgbench is None:
        raise RuntimeError("pgbench not found (Debian: apt-get install postgresql-client)")
    with connection.cursor() as cursor:
        cursor.execute(_TABLES.replace("{processes}", str(PROCESSES)))
    settings = connection.settings_dict
    environment = {**os.environ, "PGPASSWORD": str(settings.get("PASSWORD") or "")}
    with tempfile.TemporaryDirectory() as directory:
        script = Path(directory) / "step.sql"
        script.write_text(STEP_SCRIPT, encoding="utf-8")
        command = [pgbench, "-n", "-c", "1", "-j", "1", "-T", str(seconds), "-f", str(script)]
        for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
            if settings.get(key):
                command += [flag, str(settings[key])]
        command.append(settings["NAME"])
        result = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=seconds + 60)
    match = re.search(r"tps = ([\d.]+)", result.stdout)
    if result.returncode != 0 or match is None:
        raise RuntimeError(f"pgbench failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    return float(match.group(1))
