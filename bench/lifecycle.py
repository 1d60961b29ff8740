"""Lifecycle benchmark: RecognitionFlow through the services vs a bare viewflow flow.

    python -m bench.lifecycle [--n 500] [--warmup 20] [--keep]

Drives N complete lifecycles (register → check → survey → 3 evaluations → recognise →
replicate, closed) through `workflows.services`, the layer the web pages and the API
use, and N lifecycles of `bench.bare_flow.BareFlow` (same shape, no domain) in the same
process, interleaved so both see the same database growth. Prints mean and p95 latency
and SQL queries per human step, and the ratio to the bare flow (target ≤ 1.3×).

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

from .database import django_setup, throwaway_database

TARGET_RATIO = 1.3


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.lifecycle", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500, help="lifecycles per flow (default 500)")
    parser.add_argument("--warmup", type=int, default=20, help="lifecycles per flow run first and discarded")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    return parser.parse_args(argv)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def _data_set() -> str:
    from django.db import connection
    from viewflow.workflow.models import Process, Task

    from recognition.models import AuditEvent, MovementModel

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    else:
        size = os.path.getsize(connection.settings_dict["NAME"])
    return (
        f"{MovementModel.objects.count()} models, {Process.objects.count()} processes, "
        f"{Task.objects.count()} tasks, {AuditEvent.objects.count()} audit events, {size / 1e6:.1f} MB"
    )


def _report(domain, bare, *, n: int) -> bool:
    from .drivers import HUMAN_STEPS

    header = (
        f"{'step':<14}{'n':>6} | {'Khéo mean':>9} {'p95':>7} {'SQL':>5} | "
        f"{'bare mean':>9} {'p95':>7} {'SQL':>5} | {'ratio':>6}"
    )
    print(header)
    print("-" * len(header))
    over = []
    for step in [*HUMAN_STEPS, "submit"]:
        ours, theirs = domain.milliseconds[step], bare.milliseconds[step]
        ratio = statistics.fmean(ours) / statistics.fmean(theirs)
        informative = step == "submit"
        if not informative and ratio > TARGET_RATIO:
            over.append(step)
        print(
            f"{step + (' *' if informative else ''):<14}{len(ours):>6} | "
            f"{statistics.fmean(ours):>7.2f}ms {_p95(ours):>5.1f}ms {statistics.fmean(domain.queries[step]):>5.1f} | "
            f"{statistics.fmean(theirs):>7.2f}ms {_p95(theirs):>5.1f}ms {statistics.fmean(bare.queries[step]):>5.1f} | "
            f"{ratio:>5.2f}×"
        )
    total_ours = sum(sum(values) for values in domain.milliseconds.values()) / n
    total_theirs = sum(sum(values) for values in bare.milliseconds.values()) / n
    print("-" * len(header))
    print(
        f"{'lifecycle':<14}{n:>6} | {total_ours:>7.1f}ms {'':>7} {sum(map(sum, domain.queries.values())) / n:>5.0f} | "
        f"{total_theirs:>7.1f}ms {'':>7} {sum(map(sum, bare.queries.values())) / n:>5.0f} | "
        f"{total_ours / total_theirs:>5.2f}×"
    )
    areas = sorted(set(domain.areas) | set(bare.areas), key=lambda area: -domain.areas[area])
    print(
        "SQL statements per lifecycle by area (Khéo / bare): "
        + "; ".join(f"{area} {domain.areas[area] / n:.0f} / {bare.areas[area] / n:.0f}" for area in areas)
    )
    print("* submit = dossier form + registration_submit vs a bare StartHandle: shown for information, not judged.")
    print("SQL = mean queries per step. claim = task_claim on check_dossier, survey, recognise and replicate;")
    print("evaluate tasks are pre-assigned to their council member, the third one also joins and tallies.")
    if over:
        print(
            f"VERDICT: target ≤ {TARGET_RATIO}× per step NOT met for {', '.join(over)}. The extra time is the work "
            "each step does besides viewflow's bookkeeping, in the same transaction (areas above): form validation, "
            "domain rows, audit records, deadline slots and notification outbox rows; `python -m bench.duties` "
            "measures each one's share."
        )
    else:
        print(f"VERDICT: every human step is within {TARGET_RATIO}× of the bare viewflow flow.")
    return not over


def main(argv=None) -> int:
    args = _arguments(argv)
    django_setup()
    with throwaway_database(keep=args.keep) as connection:
        from workflows.demo import demo_cast_ensure

        from .drivers import BareDriver, DomainDriver, Samples

        cast = demo_cast_ensure()
        domain, bare = DomainDriver(cast=cast, seed=args.seed), BareDriver(cast=cast)
        print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
        print(f"Warm-up: {args.warmup} lifecycles per flow run first and not counted (imports, caches, query plans).")
        discarded = Samples()
        for _ in range(args.warmup):
            domain.lifecycle(discarded)
            bare.lifecycle(discarded)
        print(f"Data set at the start of measurement: {_data_set()}", flush=True)
        domain_samples, bare_samples = Samples(), Samples()
        started = time.perf_counter()
        for index in range(args.n):
            domain.lifecycle(domain_samples)
            bare.lifecycle(bare_samples)
            if (index + 1) % 100 == 0:
                print(f"  {index + 1}/{args.n} lifecycles per flow ({time.perf_counter() - started:.0f} s)", flush=True)
        print(f"Data set at the end: {_data_set()}")
        print(f"{args.n} lifecycles per flow, interleaved, in {time.perf_counter() - started:.0f} s.\n")
        _report(domain_samples, bare_samples, n=args.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
