"""What moving the delivery publish off the request path buys, and what the outbox relay can carry.

    python -m bench.relay [--n 50] [--rows 5000] [--keep]

1. The steps of `bench.lifecycle`'s domain flow, interleaved, with KHEO_OUTBOX_PUBLISH =
   "on_commit" (the request publishes its delivery message after commit) and "relay" (the
   request only writes its rows): mean milliseconds of the steps that create tasks.
2. The relay's throughput: `rows` outbox rows claimed and published to the broker, in
   batches, by `notifications_relay_publish` (rows per second, SQL statements per batch).
3. On PostgreSQL, the delay from a commit to the relay's claim of its row, with the relay
   running in a thread and woken by the NOTIFY of the commit (p50/p95 over 50 commits).

Redis must answer at the bench broker (`make bench` makes sure of it); the messages go to
the bench's own Redis database and are removed at the end. The database is a throwaway one.
"""

import argparse
import logging
import statistics
import sys
import threading
import time

from .database import django_setup, throwaway_database

STEPS = ["submit", "check_dossier", "survey", "evaluate", "recognise", "replicate"]


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.relay", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=50, help="lifecycles per mode (default 50)")
    parser.add_argument("--rows", type=int, default=5000, help="outbox rows for the throughput run (default 5000)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    return parser.parse_args(argv)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _steps(domain, *, n: int) -> dict[str, dict[str, float]]:
    from django.test import override_settings

    from .drivers import Samples

    samples = {"on_commit": Samples(), "relay": Samples()}
    for mode in samples:  # warm-up
        with override_settings(KHEO_OUTBOX_PUBLISH=mode):
            domain.lifecycle(Samples())
    for _ in range(n):
        for mode, collected in samples.items():
            with override_settings(KHEO_OUTBOX_PUBLISH=mode):
                domain.lifecycle(collected)
    return {
        mode: {step: statistics.fmean(collected.milliseconds[step]) for step in STEPS}
        for mode, collected in samples.items()
    }


def _outbox_rows(*, count: int, mode: str) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.test import override_settings

    from notifications.services import NotificationDraft, notifications_create_many

    people = list(get_user_model().objects.filter(is_active=True).order_by("pk")[:10])
    context = {"task_title": "Kiểm tra hồ sơ", "model_name": "Hũ gạo tình thương", "due_on": "06/05/2026"}
    stamp = time.monotonic_ns()
    with override_settings(KHEO_OUTBOX_PUBLISH=mode), transaction.atomic():
        drafts = [
            NotificationDraft(recipients=people, kind="reminder", context=context, source_key=f"bench:{stamp}:{i}")
            for i in range(count // len(people))
        ]
        notifications_create_many(drafts=drafts, new_event=True)


def _throughput(*, rows: int) -> tuple[int, float, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from notifications.models import Notification
    from notifications.relay import BATCH, notifications_relay_publish

    notifications_relay_publish()  # whatever the lifecycles left
    _outbox_rows(count=rows, mode="relay")
    waiting = Notification.objects.filter(relayed_at__isnull=True).count()
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        published = notifications_relay_publish()
        elapsed = time.perf_counter() - started
    if published != waiting:
        raise AssertionError(f"published {published} of {waiting} rows (is Redis up?)")
    batches = -(-waiting // BATCH)
    return published, published / elapsed, len(queries) / batches


def _notify_delays(*, commits: int = 50) -> list[float]:
    from django.db import connection

    from notifications.models import Notification
    from notifications.relay import outbox_relay_run

    stop = threading.Event()
    logging.getLogger("notifications.relay").setLevel(logging.WARNING)

    def run() -> None:
        try:
            outbox_relay_run(stop=stop)
        finally:
            connection.close()

    relay = threading.Thread(target=run, daemon=True)
    relay.start()
    time.sleep(1)  # it listens
    delays = []
    try:
        for _ in range(commits):
            _outbox_rows(count=10, mode="relay")
            committed = time.perf_counter()
            while Notification.objects.filter(relayed_at__isnull=True).exists():
                time.sleep(0.002)
            delays.append((time.perf_counter() - committed) * 1000)
    finally:
        stop.set()
        relay.join(timeout=10)
    return delays


def _purge_bench_queue() -> None:
    import redis
    from django.conf import settings

    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete("notifications")


def main(argv=None) -> int:
    args = _arguments(argv)
    django_setup()
    with throwaway_database(keep=args.keep) as connection:
        from workflows.demo import demo_cast_ensure

        from .drivers import DomainDriver

        _purge_bench_queue()
        try:
            cast = demo_cast_ensure()
            domain = DomainDriver(cast=cast, seed=2026)
            print(f"Database: {connection.vendor}; {args.n} lifecycles per mode, interleaved.\n")
            means = _steps(domain, n=args.n)
            print(f"{'publish mode':<14}" + "".join(f"{step:>14}" for step in STEPS) + f"{'all':>10}")
            for mode, per_step in means.items():
                cells = "".join(f"{per_step[step]:>11.2f} ms" for step in STEPS)
                print(f"{mode:<14}{cells}{sum(per_step.values()):>7.1f} ms")
            saved = sum(means["on_commit"].values()) - sum(means["relay"].values())
            print(f"request time saved per lifecycle by the relay: {saved:.1f} ms\n")

            published, per_second, statements = _throughput(rows=args.rows)
            print(
                f"relay throughput: {published} rows, {per_second:,.0f} rows/s; {statements:.1f} SQL statements "
                "per batch of 500 (claim and mark), one broker message per 100 rows"
            )
            if connection.vendor == "postgresql":
                delays = _notify_delays()
                print(
                    f"commit → claimed by the relay (LISTEN/NOTIFY): p50 {statistics.median(delays):.1f} ms, "
                    f"p95 {_p95(delays):.1f} ms over {len(delays)} commits"
                )
            else:
                print("commit → claimed by the relay: SQLite polls every KHEO_OUTBOX_RELAY_SQLITE_POLL_SECONDS")
        finally:
            _purge_bench_queue()
    return 0


if __name__ == "__main__":
    sys.exit(main())
