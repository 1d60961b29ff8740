"""What each duty of a human step costs, measured against the bare viewflow flow.

    python -m bench.duties [--n 100] [--warmup 10] [--keep]

Besides viewflow's bookkeeping, a completion does its domain work (form, domain rows)
and, in the same transaction, four duties the product promises: audit records, the
new task's deadline slots (and cancelling the finished one's), its "new task"
notifications in the outbox, and one delivery message to the broker after commit.
This benchmark runs `bench.lifecycle`'s two drivers, interleaved, once as shipped and
then with one more duty switched off each time, and prints each step's ratio to bare
viewflow. The last row is the floor of the service layer: domain work only.

FOR MEASUREMENT ONLY: the switches (patches applied here, nowhere else) break what the
product guarantees. The database is a throwaway one, as for `bench.lifecycle`.
"""

import argparse
import statistics
import sys
from contextlib import ExitStack
from unittest import mock

from .database import django_setup, throwaway_database

STEPS_JUDGED = ["claim", "check_dossier", "survey", "evaluate", "recognise", "replicate"]


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.duties", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100, help="lifecycles per flow and configuration (default 100)")
    parser.add_argument("--warmup", type=int, default=10, help="lifecycles per flow run first and discarded")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database afterwards")
    return parser.parse_args(argv)


def _switch_off(stack: ExitStack, duty: str) -> None:
    from django.test import override_settings

    from recognition.services.audit import audit_suspended

    if duty == "publish":
        stack.enter_context(override_settings(KHEO_NOTIFICATIONS_PUBLISH=False))
    elif duty == "notifications":
        stack.enter_context(mock.patch("workflows.deadlines.planning._new_task_notification", return_value=None))
    elif duty == "deadlines":
        stack.enter_context(mock.patch("workflows.deadlines.planning.deadline_slots_plan", return_value=[]))
        stack.enter_context(mock.patch("workflows.activations.deadline_slots_cancel", return_value=0))
    elif duty == "audit":
        stack.enter_context(audit_suspended())
    else:
        raise ValueError(duty)


# Each row switches off one more duty than the row above it.
CONFIGURATIONS = [
    ("as shipped", []),
    ("− delivery message", ["publish"]),
    ("− notifications", ["publish", "notifications"]),
    ("− deadline slots", ["publish", "notifications", "deadlines"]),
    ("− audit = domain only", ["publish", "notifications", "deadlines", "audit"]),
]


def _measure(domain, bare, *, n: int, warmup: int, duties: list[str]):
    from .drivers import Samples

    with ExitStack() as stack:
        for duty in duties:
            _switch_off(stack, duty)
        for _ in range(warmup):
            domain.lifecycle(Samples())
            bare.lifecycle(Samples())
        ours, theirs = Samples(), Samples()
        for _ in range(n):
            domain.lifecycle(ours)
            bare.lifecycle(theirs)
    return ours, theirs


def _ratios(ours, theirs, *, n: int) -> tuple[dict[str, float], float, float]:
    per_step = {
        step: statistics.fmean(ours.milliseconds[step]) / statistics.fmean(theirs.milliseconds[step])
        for step in STEPS_JUDGED
    }
    judged_ours = sum(sum(ours.milliseconds[step]) for step in STEPS_JUDGED)
    judged_theirs = sum(sum(theirs.milliseconds[step]) for step in STEPS_JUDGED)
    statements = sum(sum(ours.queries[step]) for step in STEPS_JUDGED) / n
    return per_step, judged_ours / judged_theirs, statements


def main(argv=None) -> int:
    args = _arguments(argv)
    django_setup()
    from .lifecycle import TARGET_BARE

    with throwaway_database(keep=args.keep) as connection:
        from workflows.demo import demo_cast_ensure

        from .drivers import BareDriver, DomainDriver

        cast = demo_cast_ensure()
        domain, bare = DomainDriver(cast=cast, seed=2026), BareDriver(cast=cast)
        print(f"Database: {connection.vendor}; {args.n} lifecycles per flow and configuration, interleaved.\n")
        header = (
            f"{'configuration':<24}" + "".join(f"{step:>14}" for step in STEPS_JUDGED) + f"{'all steps':>11}{'SQL':>6}"
        )
        print(header)
        print("-" * len(header))
        for label, duties in CONFIGURATIONS:
            ours, theirs = _measure(domain, bare, n=args.n, warmup=args.warmup, duties=duties)
            per_step, overall, statements = _ratios(ours, theirs, n=args.n)
            cells = "".join(f"{per_step[step]:>13.2f}×" for step in STEPS_JUDGED)
            print(f"{label:<24}{cells}{overall:>10.2f}×{statements:>6.0f}", flush=True)
        print("-" * len(header))
        print(
            "Ratio = mean step time of Khéo's service layer / the same step of the bare viewflow flow; "
            "SQL = statements per lifecycle over these steps. "
            f"Target of the lifecycle benchmark: ≤ {TARGET_BARE}× bare per lifecycle. "
            "A row below the target would mean the duties switched off there are what stands in its way."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
