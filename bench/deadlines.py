"""Deadline benchmark: the beat's scan over a year of tasks, and reminders end to end.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kheo_deadlines python -m bench.deadlines
    [--tasks 1000000] [--open 200000] [--due 10000] [--keep]

PostgreSQL only (the targets are stated for it). In a throwaway database `test_<NAME>`
created and destroyed here, it COPYs `--tasks` task rows (10 per process; the last
two of each process open), four deadline slots per task, and makes `--due` reminders
due now on distinct owned tasks. Then:

1. the scan for due work (`deadline_slots_due`, the query the beat runs every minute)
   is timed and its EXPLAIN plan printed: target ≤ 100 ms;
2. a private redis-server and one `celery -A config worker` (2 processes) are started,
   and the due reminders go scan → Redis → worker (slot fired: audit record +
   outbox row) → worker (outbox row delivered by e-mail, marked sent): target ≥ 500/s.
"""

import argparse
import io
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from .database import django_setup, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
SCAN_TARGET_MS = 100
RATE_TARGET = 500


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.deadlines", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--open", type=int, default=200_000, help="open tasks (the last ones of each process)")
    parser.add_argument("--due", type=int, default=10_000, help="reminders due now, sent end to end")
    parser.add_argument("--worker-concurrency", type=int, default=2, help="processes of the one worker (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    return parser.parse_args(argv)


def _copy(cursor, table: str, columns: tuple[str, ...], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def _data_set_build(args, *, reference, now) -> list[int]:
    """COPY the processes, tasks and slots; returns the ids of the due tasks."""
    from django.db import connection, transaction

    from recognition.models import AuditAction, MovementModel
    from recognition.services.audit import audit_record
    from workflows.models import DeadlineSlot

    per_process = 10
    open_per_process = max(1, round(per_process * args.open / args.tasks))
    processes = args.tasks // per_process
    rng = random.Random(2026)
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor
        first_process = _next_id(cursor, "workflows_recognitionprocess")
        first_task = _next_id(cursor, "workflows_recognitiontask")
        first_slot = _next_id(cursor, "workflows_deadlineslot")
        started = time.perf_counter()
        _copy(
            cursor,
            "workflows_recognitionprocess",
            (
                "id",
                "flow_class",
                "status",
                "created",
                "data",
                "organising_unit_id",
                "registering_unit_id",
                "scope_path",
            ),
            (
                (
                    first_process + p,
                    reference["flow_class"],
                    "NEW",
                    now - timedelta(days=30),
                    "{}",
                    reference["unit_id"],
                    reference["registering_unit_id"],
                    reference["scope_path"],
                )
                for p in range(processes)
            ),
        )
        due_tasks = []

        def tasks():
            for p in range(processes):
                for index in range(per_process):
                    task_id = first_task + p * per_process + index
                    is_open = index >= per_process - open_per_process
                    is_due = is_open and index == per_process - 1 and p < args.due
                    if is_due:
                        due_tasks.append(task_id)
                    yield (
                        task_id,
                        reference["flow_task"],
                        "HUMAN",
                        ("ASSIGNED" if is_due else "NEW") if is_open else "DONE",
                        now - timedelta(days=20 - index),
                        None if is_open else now - timedelta(days=19 - index),
                        f"start/{task_id}",
                        reference["owner_permission"],
                        reference["owner_id"] if is_due else None,
                        first_process + p,
                        "{}",
                        reference["unit_id"],
                        (now + timedelta(days=2)).date(),
                        5,
                        reference["scope_path"],
                    )

        _copy(
            cursor,
            "workflows_recognitiontask",
            (
                "id",
                "flow_task",
                "flow_task_type",
                "status",
                "created",
                "finished",
                "token",
                "owner_permission",
                "owner_id",
                "process_id",
                "data",
                "unit_id",
                "due_on",
                "sla_working_days",
                "scope_path",
            ),
            tasks(),
        )
        due = set(due_tasks)

        def slots():
            slot_id = first_slot
            for t in range(args.tasks):
                task_id = first_task + t
                is_open = (t % per_process) >= per_process - open_per_process
                for rule in ("reminder.d-2", "reminder.d0", "escalation.level-1", "escalation.level-2"):
                    if task_id in due and rule == "reminder.d-2":
                        fire_at, state = now - timedelta(seconds=rng.randint(1, 3600)), "pending"
                    elif is_open:
                        fire_at, state = (
                            now + timedelta(days=rng.randint(1, 60), minutes=rng.randint(0, 600)),
                            "pending",
                        )
                    else:
                        fire_at, state = now - timedelta(days=rng.randint(20, 300)), rng.choice(("fired", "cancelled"))
                    kind = "reminder" if rule.startswith("reminder") else "escalation"
                    yield (slot_id, task_id, kind, rule, fire_at, fire_at, state, 0, "{}", "")
                    slot_id += 1

        _copy(
            cursor,
            "workflows_deadlineslot",
            (
                "id",
                "task_id",
                "kind",
                "rule",
                "fire_at",
                "next_attempt_at",
                "state",
                "attempts",
                "outcome",
                "last_error",
            ),
            slots(),
        )
        for table in ("workflows_recognitionprocess", "workflows_recognitiontask", "workflows_deadlineslot"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        print(
            f"  COPY of {processes:,} processes, {args.tasks:,} tasks, {DeadlineSlot.objects.count():,} slots "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )

    # Each due task gets its own model, as in real life (and its own audit chain).
    template = MovementModel.objects.get(pk=reference["movement_model_id"])
    template_values = {
        f.attname: getattr(template, f.attname)
        for f in MovementModel._meta.concrete_fields
        if f.name not in ("id", "name", "created_at", "updated_at")
    }
    models = MovementModel.objects.bulk_create(
        [MovementModel(**template_values, name=f"Mô hình thử tải {n}") for n in range(len(due_tasks))], batch_size=2000
    )
    # As registration would have: each model's audit chain already has its first record.
    with transaction.atomic():
        for model in models:
            audit_record(action=AuditAction.MODEL_REGISTERED, system_actor="bench", movement_model=model)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE workflows_recognitionprocess AS p SET movement_model_id = m.model_id FROM "
            "(SELECT unnest(%s::bigint[]) AS process_id, unnest(%s::bigint[]) AS model_id) AS m "
            "WHERE p.id = m.process_id",
            [[first_process + p for p in range(len(due_tasks))], [m.pk for m in models]],
        )
        cursor.execute("ANALYZE")
    return due_tasks


def _reference(cast):
    """One real registration, to copy the engine's own strings (flow class, node, permission)."""
    from django.db import connection

    from workflows.demo import _dossier
    from workflows.services import registration_submit

    rng = random.Random(1)
    from recognition.models import Field

    data = _dossier("Hũ gạo tình thương", Field.objects.first(), rng)
    model = registration_submit(submitted_by=cast.users["donvi"], campaign=cast.campaign, data=data)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.flow_task, p.flow_class, t.owner_permission, t.unit_id, p.registering_unit_id, p.scope_path "
            "FROM workflows_recognitiontask t JOIN workflows_recognitionprocess p ON p.id = t.process_id "
            "WHERE p.movement_model_id = %s AND t.flow_task_type = 'HUMAN'",
            [model.pk],
        )
        flow_task, flow_class, permission, unit_id, registering_unit_id, scope_path = cursor.fetchone()
    return {
        "flow_task": flow_task,
        "flow_class": flow_class,
        "owner_permission": permission,
        "unit_id": unit_id,
        "registering_unit_id": registering_unit_id,
        "scope_path": scope_path,
        "owner_id": cast.users["thuongtruc"].pk,
        "movement_model_id": model.pk,
    }


def _scan_measure(now) -> bool:
    from django.db import connection

    from workflows.deadlines.scan import deadline_slots_due
    from workflows.models import DeadlineSlot

    timings = []
    for _ in range(30):
        started = time.perf_counter()
        found = deadline_slots_due(now=now, limit=5000)
        timings.append((time.perf_counter() - started) * 1000)
    queryset = (
        DeadlineSlot.objects.filter(state="pending", next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:5000]
    )
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
    median, worst = statistics.median(timings), max(timings)
    print(
        f"\n1. Scan for due work: {len(found):,} slot ids returned (limit 5,000) — "
        f"median {median:.1f} ms, p95 {sorted(timings)[28]:.1f} ms, max {worst:.1f} ms over 30 runs "
        f"(target ≤ {SCAN_TARGET_MS} ms)"
    )
    print(f"  SQL: {sql % tuple(repr(str(p)) for p in params)}")
    print("  EXPLAIN (ANALYZE, BUFFERS):")
    print(plan)
    return median <= SCAN_TARGET_MS


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_start() -> tuple[subprocess.Popen, str]:
    port = _free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    return redis, f"redis://127.0.0.1:{port}/5"


def _end_to_end(due_tasks, *, now, broker: str, concurrency: int) -> bool:
    from django.db import connection

    from notifications.models import Notification
    from recognition.models import AuditEvent
    from workflows.deadlines.scan import deadline_scan
    from workflows.models import DeadlineSlot

    log = tempfile.NamedTemporaryFile(prefix="kheo-bench-worker-", suffix=".log", delete=False)
    worker = None
    try:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "REDIS_URL": broker,
            "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL") or os.environ["DATABASE_URL"],
            "KHEO_TEST_DATABASE_NAME": connection.settings_dict["NAME"],
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "WARNING",
        }
        worker = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "celery"),
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                "bench@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while b"ready." not in Path(log.name).read_bytes():
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError("the Celery worker did not start:\n" + Path(log.name).read_text())
            time.sleep(0.1)
        print(
            f"\n2. End to end: {len(due_tasks):,} due reminders, one worker ({concurrency} processes), "
            f"private Redis {broker}",
            flush=True,
        )
        slots = DeadlineSlot.objects.filter(task_id__in=due_tasks, rule="reminder.d-2")
        total = len(due_tasks)
        started = time.perf_counter()
        published = 0
        while True:
            chunks = deadline_scan(now=now, limit=5000)
            published += sum(len(chunk) for chunk in chunks)
            if not chunks:
                break
        scanned = time.perf_counter() - started
        while True:
            sent = Notification.objects.filter(kind="reminder", status="sent").count()
            if sent >= total:
                break
            if time.perf_counter() - started > 600:
                print("  gave up after 600 s")
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        fired = slots.filter(state="fired").count()
        audits = AuditEvent.objects.filter(action="reminder_sent").count()
        rate = sent / elapsed
        print(
            f"  published {published:,} in {scanned:.2f} s; {fired:,} slots fired, {audits:,} audit records, "
            f"{sent:,} outbox rows sent (e-mail: locmem backend) in {elapsed:.2f} s"
        )
        print(f"  throughput: {rate:,.0f} reminders/s end to end (target ≥ {RATE_TARGET}/s)")
        duplicates = (Notification.objects.filter(kind="reminder").count() - sent, audits - fired)
        print(f"  duplicates: {duplicates[0]} extra outbox rows, {duplicates[1]} extra audit records")
        return rate >= RATE_TARGET and fired == total and duplicates == (0, 0)
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=30)


def main(argv=None) -> int:
    args = _arguments(argv)
    django_setup()
    from django.db import connection
    from django.utils import timezone

    if connection.vendor != "postgresql":
        # The 1,000,000-row data set and its EXPLAIN plan are a PostgreSQL measurement.
        print(
            "bench.deadlines: SKIPPED, needs PostgreSQL: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kheo_bench"
        )
        return 0
    # The worker process reads the same bench database (config.settings.test honours this).
    os.environ.setdefault("DATABASE_URL", os.environ.get("BENCH_DATABASE_URL", ""))
    from config.celery import app

    # Everything this run publishes goes to its own Redis, never to a shared one.
    redis, broker = _redis_start()
    app.conf.broker_url = broker
    try:
        with throwaway_database(keep=args.keep):
            sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
            from workflows.demo import demo_cast_ensure

            cast = demo_cast_ensure()
            now = timezone.now()
            print(f"Database {connection.settings_dict['NAME']}: building the data set...", flush=True)
            due_tasks = _data_set_build(args, reference=_reference(cast), now=now)
            scan_ok = _scan_measure(now)
            rate_ok = _end_to_end(due_tasks, now=now, broker=broker, concurrency=args.worker_concurrency)
            print(
                f"\nVERDICT: scan {'met' if scan_ok else 'NOT met'} (≤ {SCAN_TARGET_MS} ms), "
                f"end to end {'met' if rate_ok else 'NOT met'} (≥ {RATE_TARGET}/s)."
            )
            return 0 if scan_ok and rate_ok else 1
    finally:
        redis.terminate()
        redis.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
