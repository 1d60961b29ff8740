"""Lifecycle benchmark: RecognitionFlow through the services vs a bare viewflow flow.

    python -m bench.lifecycle [--n 500] [--warmup 20] [--keep]

Drives N complete lifecycles (register → check → survey → 3 evaluations → recognise →
replicate, closed) of three stacks in the same process, interleaved so all see the same
database growth:

- Khéo: RecognitionFlow through `workflows.services`, the layer the web pages and the API use;
- bare: `bench.bare_flow.BareFlow`, viewflow alone with the same shape and no domain;
- peer: what a team would otherwise build (`bench.peer`): the bare flow +
  django-simple-history on viewflow's Process and Task + Khéo's domain writes (the same
  `recognition.services`) + one Celery `delay()` per new human task, published to Redis.

Prints, per human step, mean and p95 latency and SQL statements of each, the ratios
Khéo/bare and Khéo/peer, human steps per CPU-second (time.process_time), and on
PostgreSQL the commit floor measured with pgbench in the same run (`bench.floor`); then
which of issue 9's targets are met (lifecycle ≤ 1.4× bare, < 1.0× peer, claim ≤ 1.05×
bare, ≥ 50 steps/cpu-s; a missed target is printed, the exit code stays 0). The last
line sums it up for comparing runs:

    lifecycle: 1.52x bare, 0.91x peer, 54.0 steps/cpu-s

The database is a throwaway one created and destroyed here: var/bench.sqlite3 by
default; with BENCH_DATABASE_URL (or DATABASE_URL) =postgres://.../NAME it is
`test_NAME` on that server, e.g.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kheo_bench make bench
"""

import argparse
import math
import os
import statistics
import sys
import time

from . import HUMAN_STEPS
from .database import django_setup, throwaway_database

# Issue 9's targets, on PostgreSQL, ratios from one run. Printed met or NOT MET; never an exit code.
TARGET_BARE = 1.4
TARGET_PEER = 1.0
TARGET_CLAIM = 1.05
TARGET_STEPS_PER_CPU_SECOND = 50


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.lifecycle", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500, help="lifecycles per flow (default 500)")
    parser.add_argument("--warmup", type=int, default=20, help="lifecycles per flow run first and discarded")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--floor-seconds", type=int, default=5, help="pgbench duration on PostgreSQL (default 5)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    return parser.parse_args(argv)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _data_set() -> str:
    from django.db import connection
    from viewflow.workflow.models import Process, Task

    from recognition.models import AuditEvent, MovementModel
    from workflows.models import RecognitionTask

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    else:
        size = os.path.getsize(connection.settings_dict["NAME"])
    return (
        f"{MovementModel.objects.count()} models, {RecognitionTask.objects.count()} Khéo tasks, "
        f"{Process.objects.count()} processes and {Task.objects.count()} tasks in viewflow's tables, "
        f"{AuditEvent.objects.count()} audit events, {size / 1e6:.1f} MB"
    )


def _ratio(ours: list[float], theirs: list[float]) -> float:
    return statistics.fmean(ours) / statistics.fmean(theirs)


def _per_lifecycle(samples, *, n: int) -> tuple[float, float]:
    """Milliseconds and SQL statements of the human steps of one lifecycle (submit excluded)."""
    return (
        sum(sum(samples.milliseconds[step]) for step in HUMAN_STEPS) / n,
        sum(sum(samples.queries[step]) for step in HUMAN_STEPS) / n,
    )


def steps_per_cpu_second(samples) -> float:
    """Human steps per second of this process's CPU (time.process_time) spent in them."""
    steps = sum(len(samples.milliseconds[step]) for step in HUMAN_STEPS)
    return steps / sum(samples.cpu_seconds[step] for step in HUMAN_STEPS)


def steps_per_second(samples) -> float:
    """Human steps per wall-clock second, one after the other on one connection."""
    steps = sum(len(samples.milliseconds[step]) for step in HUMAN_STEPS)
    return steps / (sum(sum(samples.milliseconds[step]) for step in HUMAN_STEPS) / 1000)


def _cells(samples, step: str) -> str:
    values = samples.milliseconds[step]
    return f"{statistics.fmean(values):>7.2f}ms {_p95(values):>6.1f}ms {statistics.fmean(samples.queries[step]):>5.1f}"


def _report(domain, bare, peer, *, n: int) -> dict[str, float]:
    """Print the table; return the figures the targets and the final line are about."""
    header = (
        f"{'step':<14}{'n':>6} | {'Khéo mean':>9} {'p95':>8} {'SQL':>5} | {'bare mean':>9} {'p95':>8} {'SQL':>5} | "
        f"{'peer mean':>9} {'p95':>8} {'SQL':>5} | {'K/bare':>6} {'K/peer':>6}"
    )
    print(header)
    print("-" * len(header))
    for step in [*HUMAN_STEPS, "submit"]:
        ours = domain.milliseconds[step]
        print(
            f"{step + (' *' if step == 'submit' else ''):<14}{len(ours):>6} | {_cells(domain, step)} | "
            f"{_cells(bare, step)} | {_cells(peer, step)} | "
            f"{_ratio(ours, bare.milliseconds[step]):>5.2f}× {_ratio(ours, peer.milliseconds[step]):>5.2f}×"
        )
    (ours_ms, ours_sql), (bare_ms, bare_sql), (peer_ms, peer_sql) = (
        _per_lifecycle(samples, n=n) for samples in (domain, bare, peer)
    )
    print("-" * len(header))
    print(
        f"{'lifecycle':<14}{n:>6} | {ours_ms:>7.1f}ms {'':>8} {ours_sql:>5.0f} | {bare_ms:>7.1f}ms {'':>8} "
        f"{bare_sql:>5.0f} | {peer_ms:>7.1f}ms {'':>8} {peer_sql:>5.0f} | "
        f"{ours_ms / bare_ms:>5.2f}× {ours_ms / peer_ms:>5.2f}×"
    )
    areas = sorted(set(domain.areas) | set(bare.areas) | set(peer.areas), key=lambda area: -domain.areas[area])
    print(
        "SQL statements per lifecycle by area (Khéo / bare / peer): "
        + "; ".join(
            f"{area} {domain.areas[area] / n:.0f} / {bare.areas[area] / n:.0f} / {peer.areas[area] / n:.0f}"
            for area in areas
        )
    )
    print("* submit = dossier form + registration vs a bare StartHandle: shown for information, not judged.")
    print("lifecycle = the human steps of one lifecycle (4 claims, 7 completions), submit excluded.")
    print("SQL = mean statements per step. claim = claiming check_dossier, survey, recognise and replicate;")
    print("evaluate tasks are pre-assigned to their council member, the third one also joins and tallies.")
    print(
        "peer = the bare flow + django-simple-history on viewflow's Process and Task + Khéo's domain writes "
        "(same forms, same recognition.services, no hash-chained audit) + one Celery delay() per new human task."
    )
    return {
        "bare": ours_ms / bare_ms,
        "peer": ours_ms / peer_ms,
        "claim": _ratio(domain.milliseconds["claim"], bare.milliseconds["claim"]),
        "cpu": steps_per_cpu_second(domain),
        "bare_cpu": steps_per_cpu_second(bare),
        "wall": steps_per_second(domain),
    }


def _floor(connection, figures: dict[str, float], *, seconds: int) -> None:
    from .floor import commit_floor

    if connection.vendor != "postgresql":
        print("Commit floor (pgbench): PostgreSQL only; run with BENCH_DATABASE_URL=postgres://... to measure it.")
        return
    try:
        tps = commit_floor(connection, seconds=seconds)
    except RuntimeError as error:
        print(f"Commit floor (pgbench): not measured: {error}")
        return
    print(
        f"Commit floor (pgbench, one connection, {seconds} s, step-shaped transaction: lock, update, 3 inserts): "
        f"{tps:.0f} transactions/s. Khéo's human steps, one after the other: {figures['wall']:.0f}/s = "
        f"{figures['wall'] / tps:.0%} of the floor."
    )


def _targets(figures: dict[str, float]) -> None:
    verdicts = [
        (f"lifecycle ≤ {TARGET_BARE}× bare viewflow", f"{figures['bare']:.2f}×", figures["bare"] <= TARGET_BARE),
        (f"lifecycle < {TARGET_PEER}× the peer", f"{figures['peer']:.2f}×", figures["peer"] < TARGET_PEER),
        (f"claim ≤ {TARGET_CLAIM}× bare viewflow", f"{figures['claim']:.2f}×", figures["claim"] <= TARGET_CLAIM),
        (
            f"≥ {TARGET_STEPS_PER_CPU_SECOND:.0f} human steps per CPU-second",
            f"{figures['cpu']:.1f} (bare: {figures['bare_cpu']:.1f})",
            figures["cpu"] >= TARGET_STEPS_PER_CPU_SECOND,
        ),
    ]
    print("Targets (issue 9):")
    for target, measured, met in verdicts:
        print(f"  {'met    ' if met else 'NOT MET'}  {target}: {measured}")
    missed = [target for target, _, met in verdicts if not met]
    if missed:
        print(f"VERDICT: {len(missed)} of {len(verdicts)} targets NOT met: {'; '.join(missed)}.")
    else:
        print(f"VERDICT: all {len(verdicts)} targets met.")


def final_line(figures: dict[str, float]) -> str:
    """The run's last line, to compare runs: `lifecycle: 1.52x bare, 0.91x peer, 54.0 steps/cpu-s`."""
    return f"lifecycle: {figures['bare']:.2f}x bare, {figures['peer']:.2f}x peer, {figures['cpu']:.1f} steps/cpu-s"


def _peer_queue_emptied() -> int:
    """Drop the peer's unread messages from the benchmark's Redis; how many there were."""
    from config.celery import app

    from .tasks import PEER_QUEUE

    with app.connection_for_write() as broker:
        return broker.default_channel.queue_purge(PEER_QUEUE) or 0


def main(argv=None) -> int:
    args = _arguments(argv)
    django_setup()
    with throwaway_database(keep=args.keep) as connection:
        from workflows.demo import demo_cast_ensure

        from .drivers import BareDriver, DomainDriver, PeerDriver, Samples

        cast = demo_cast_ensure()
        domain, bare = DomainDriver(cast=cast, seed=args.seed), BareDriver(cast=cast)
        drivers = (domain, bare, PeerDriver(domain=domain))
        print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
        print(f"Warm-up: {args.warmup} lifecycles per flow run first and not counted (imports, caches, query plans).")
        discarded = Samples()
        for _ in range(args.warmup):
            for driver in drivers:
                driver.lifecycle(discarded)
        print(f"Data set at the start of measurement: {_data_set()}", flush=True)
        samples = (Samples(), Samples(), Samples())
        started = time.perf_counter()
        for index in range(args.n):
            for driver, its_samples in zip(drivers, samples, strict=True):
                driver.lifecycle(its_samples)
            if (index + 1) % 100 == 0:
                print(f"  {index + 1}/{args.n} lifecycles per flow ({time.perf_counter() - started:.0f} s)", flush=True)
        print(f"Data set at the end: {_data_set()}")
        elapsed = time.perf_counter() - started
        print(f"{args.n} lifecycles per flow (Khéo, bare, peer), interleaved, in {elapsed:.0f} s.\n")
        figures = _report(*samples, n=args.n)
        print(f"Peer messages published to Redis and dropped unread: {_peer_queue_emptied()}.")
        _floor(connection, figures, seconds=args.floor_seconds)
        _targets(figures)
    print(final_line(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
