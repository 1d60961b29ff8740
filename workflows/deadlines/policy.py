"""The periods of a task: SLA, reminder offsets, escalation levels, clock pause.

They come from the procedure version the task's process is pinned to: the `StageSpec` of
the task's stage, or for an additional approval step its own SLA with the reminders and
escalation chain of the stage it follows (`stage_deadlines`). A version published later
never changes the deadlines of a process started before it.

Settings (`KHEO_STAGE_SLA_WORKING_DAYS`, `KHEO_REMINDER_OFFSETS_WORKING_DAYS`,
`KHEO_ESCALATION_DELAYS_WORKING_DAYS`, ...) are only the defaults of the first national
version (`procedures.defaults`), plus the hour slots fire at (`KHEO_DEADLINE_NOTIFY_HOUR`),
which is the instance's. A wrong value stops the start-up with a Vietnamese message
(system check). A process with no version (none should remain after the migrations)
reads the settings' defaults, as the first version would.
"""

from dataclasses import dataclass
from datetime import time

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from procedures.spec import APPROVAL_NODE, EscalationLevel, ProcedureSpec


@dataclass(frozen=True)
class DeadlinePolicy:
    sla_working_days: dict[str, int]
    reminder_offsets: tuple[int, ...]  # working days relative to the due day: -2 = two before, 0 = on it
    escalation_delays: tuple[int, ...]  # level 1 this many working days after the due day, level 2 a further...
    notify_at: time  # the local time of day at which slots fire
    supervisor_role: str
    reassign_stages: frozenset[str]  # stages whose overdue owned task is handed to the supervisor
    clock_paused_stages: frozenset[str]  # stages whose clock stops while the dossier is back with the unit

    def sla_for(self, stage: str) -> int | None:
        return self.sla_working_days.get(stage)


@dataclass(frozen=True)
class StageDeadlines:
    """What a version says about the deadlines of one stage's tasks."""

    sla_working_days: int
    reminder_offsets: tuple[int, ...]  # sorted, once each
    escalation: tuple[EscalationLevel, ...]  # level 1 first
    clock_paused: bool

    def escalation_level(self, level: int) -> EscalationLevel | None:
        return self.escalation[level - 1] if 0 < level <= len(self.escalation) else None


def stage_deadlines(spec: ProcedureSpec, stage: str, task_data: dict | None = None) -> StageDeadlines | None:
    """The deadlines of a human task's stage in a version; None: no due date.

    `stage` is a backbone node; for the generic approval node the step is the one its
    task names (`task_data["step"]`). An approval step's key also names it directly.
    """
    if stage == APPROVAL_NODE:
        stage = (task_data or {}).get("step", "")
    stage_spec = spec.stage(stage)
    if stage_spec is not None:
        return StageDeadlines(
            sla_working_days=stage_spec.sla_working_days,
            reminder_offsets=tuple(sorted(set(stage_spec.reminder_offsets))),
            escalation=tuple(stage_spec.escalation),
            clock_paused=stage_spec.clock_paused,
        )
    step = spec.approval_step(stage)
    if step is None:
        return None
    anchor = spec.stage(step.after)
    return StageDeadlines(
        sla_working_days=step.sla_working_days,
        reminder_offsets=tuple(sorted(set(anchor.reminder_offsets))) if anchor else (-2, 0),
        escalation=tuple(anchor.escalation) if anchor else (),
        clock_paused=False,
    )


def settings_stage_deadlines(policy: "DeadlinePolicy", stage: str) -> StageDeadlines | None:
    """The settings' defaults for a stage (a process that has no version)."""
    sla = policy.sla_for(stage)
    if sla is None:
        return None
    return StageDeadlines(
        sla_working_days=sla,
        reminder_offsets=policy.reminder_offsets,
        escalation=tuple(
            EscalationLevel(
                after_working_days=delay,
                supervisor_role=policy.supervisor_role,
                reassign=stage in policy.reassign_stages,
            )
            for delay in policy.escalation_delays
        ),
        clock_paused=stage in policy.clock_paused_stages,
    )


def notify_time() -> time:
    """The local time of day at which slots fire (the instance's, not a version's)."""
    return time(getattr(settings, "KHEO_DEADLINE_NOTIFY_HOUR", 8))


def policy_problems(*, sla_working_days: dict, reminder_offsets, escalation_delays, notify_hour) -> list[str]:
    """Every reason the configuration is unusable, in Vietnamese (empty when it is fine)."""
    problems = []
    for stage, days in sla_working_days.items():
        if not isinstance(days, int) or isinstance(days, bool) or days <= 0:
            problems.append(
                _("Thời hạn xử lý của bước “%(stage)s” phải là số nguyên ngày làm việc lớn hơn 0 (đang là %(days)r).")
                % {"stage": stage, "days": days}
            )
    for offset in reminder_offsets:
        if not isinstance(offset, int) or isinstance(offset, bool) or offset > 0:
            problems.append(
                _(
                    "Mốc nhắc việc phải là 0 (ngày đến hạn) hoặc số âm (số ngày làm việc trước hạn), "
                    "không phải %(offset)r."
                )
                % {"offset": offset}
            )
    for delay in escalation_delays:
        if not isinstance(delay, int) or isinstance(delay, bool) or delay <= 0:
            problems.append(
                _("Mỗi cấp chuyển lên trên phải cách cấp trước ít nhất 1 ngày làm việc, không phải %(delay)r.")
                % {"delay": delay}
            )
    if not isinstance(notify_hour, int) or not 0 <= notify_hour <= 23:
        problems.append(_("Giờ gửi nhắc việc phải từ 0 đến 23, không phải %(hour)r.") % {"hour": notify_hour})
    return problems


def deadline_policy() -> DeadlinePolicy:
    """The policy from settings; raises ImproperlyConfigured (in Vietnamese) when it is wrong."""
    sla = dict(getattr(settings, "KHEO_STAGE_SLA_WORKING_DAYS", {}))
    offsets = tuple(getattr(settings, "KHEO_REMINDER_OFFSETS_WORKING_DAYS", (-2, 0)))
    delays = tuple(getattr(settings, "KHEO_ESCALATION_DELAYS_WORKING_DAYS", (1, 3)))
    hour = getattr(settings, "KHEO_DEADLINE_NOTIFY_HOUR", 8)
    problems = policy_problems(
        sla_working_days=sla, reminder_offsets=offsets, escalation_delays=delays, notify_hour=hour
    )
    if problems:
        raise ImproperlyConfigured(" ".join(problems))
    return DeadlinePolicy(
        sla_working_days=sla,
        reminder_offsets=tuple(sorted(set(offsets))),
        escalation_delays=delays,
        notify_at=time(hour),
        supervisor_role=getattr(settings, "KHEO_ESCALATION_SUPERVISOR_ROLE", "standing_body"),
        reassign_stages=frozenset(getattr(settings, "KHEO_ESCALATION_REASSIGN_STAGES", ())),
        clock_paused_stages=frozenset(getattr(settings, "KHEO_DEADLINE_CLOCK_PAUSED_STAGES", ("check_dossier",))),
    )


@register()
def deadline_settings_check(app_configs=None, **kwargs):
    try:
        deadline_policy()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="workflows.E101")]
    return []
