"""Celery adapters of the engine: ids in, one service call, retry policy on the task.

The beat schedule (settings.CELERY_BEAT_SCHEDULE) sends `deadlines.scan` and
`workflows.timers` every minute; `deadlines.fire` runs on its own queue.
"""

from celery import shared_task
from django.db import DatabaseError
from viewflow.workflow.exceptions import FlowLockFailed

from .deadlines.firing import deadline_slots_fire
from .deadlines.scan import deadline_scan
from .decision_flow import SETTLE_TASK, decision_tasks_settle, decisions_settle_pending
from .procedure_migration import MIGRATION_TASK, migration_run_execute

RETRY = {
    "acks_late": True,
    "autoretry_for": (DatabaseError, ConnectionError),
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
    "soft_time_limit": 120,
    "time_limit": 150,
}


@shared_task(name="deadlines.scan", **RETRY)
def deadline_scan_task() -> int:
    """Publish the due reminders and escalations (the beat's every-minute job)."""
    return sum(len(chunk) for chunk in deadline_scan())


@shared_task(name="deadlines.fire", **RETRY)
def deadline_slots_fire_task(slot_ids: list[int]) -> int:
    return len(deadline_slots_fire(slot_ids=slot_ids).fired)


@shared_task(name="workflows.timers", **RETRY)
def workflow_timers_fire_task() -> dict:
    """viewflow's database timers, start timers and conditions (replaces the cron `workflow_timers` command)."""
    from viewflow.workflow.timers import fire_due_conditions, fire_due_start_timers, fire_due_timers

    return {"timers": fire_due_timers(), "starts": fire_due_start_timers(), "conditions": fire_due_conditions()}


@shared_task(name="followups.rereviews_open", **{**RETRY, "soft_time_limit": 1800, "time_limit": 1900})
def rereviews_open_due_task() -> int:
    """Open the annual re-reviews whose campaign date has come (daily; a second run opens nothing)."""
    from .followups import rereviews_open_due

    return rereviews_open_due()


@shared_task(name=MIGRATION_TASK, **{**RETRY, "soft_time_limit": 3600, "time_limit": 3700})
def migration_run_task(run_id: int) -> dict:
    """Move a run's processes to the target version in chunks (progress saved on the run's row)."""
    run = migration_run_execute(run_id=run_id)
    return {"done": run.done, "failed": run.failed}


@shared_task(name=SETTLE_TASK, **{**RETRY, "autoretry_for": (DatabaseError, ConnectionError, FlowLockFailed)})
def decision_tasks_settle_task(decision_id: int) -> int:
    """Complete (or, for a revocation, cancel) the open tasks of the models a decision covers."""
    return decision_tasks_settle(decision_id=decision_id)


@shared_task(name="decisions.settle_pending", **RETRY)
def decisions_settle_pending_task() -> int:
    """The beat's sweep: publish again the decisions whose tasks are not settled yet."""
    return len(decisions_settle_pending())
