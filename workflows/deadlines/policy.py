"""The configured periods: SLA per stage, reminder offsets, escalation delays.

Defaults live in settings (`KHEO_STAGE_SLA_WORKING_DAYS`, `KHEO_REMINDER_OFFSETS_WORKING_DAYS`,
`KHEO_ESCALATION_DELAYS_WORKING_DAYS`, ...). A wrong value stops the start-up with a
Vietnamese message (system check) and is refused again when a task is planned.
"""

from dataclasses import dataclass
from datetime import time

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _


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
