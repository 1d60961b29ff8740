"""The facts a simulation replays: last year's finished tasks of a scope, in working days.

One query reads the finished human tasks of the processes registered in the scope
during the period; the durations are counted on the working-day calendar and handed
to the pure `procedures.simulation.simulation_compare`.
"""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.status import STATUS

from procedures.models import ProcedureVersion
from procedures.selectors import version_spec
from procedures.simulation import Comparison, TaskRecord, simulation_compare
from recognition.models import User

from .deadlines.calendar import WorkingCalendar, working_calendar
from .models import RecognitionTask

SIMULATE_PERMISSION = "procedures.design_procedure"


def simulation_records(*, scope_path: str, period: tuple[date, date], calendar: WorkingCalendar) -> list[TaskRecord]:
    """Every finished human task of the processes of the scope started in the period (one query)."""
    start, end = period
    rows = (
        RecognitionTask.objects.filter(
            scope_path__startswith=scope_path,
            flow_task_type="HUMAN",
            status=STATUS.DONE,
            finished__isnull=False,
            process__created__gte=_local_midnight(start),
            process__created__lt=_local_midnight(end + timedelta(days=1)),
        )
        .order_by("process_id", "created", "pk")
        .values_list("process_id", "flow_task", "created", "finished", "data")
    )
    records = []
    for process_id, flow_task, created, finished, data in rows:
        created_on, finished_on = timezone.localdate(created), timezone.localdate(finished)
        records.append(
            TaskRecord(
                process_id=process_id,
                node=flow_task.name,
                created_on=created_on,
                finished_on=finished_on,
                working_days=calendar.working_days_between(created_on, finished_on),
                approval_key=(data or {}).get("approval_step", ""),
            )
        )
    return records


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def last_year(today: date) -> tuple[date, date]:
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


def simulation_scope_guard(*, user: User) -> None:
    if not user.has_perm(SIMULATE_PERMISSION):
        raise PermissionDenied(_("Bạn không có quyền thiết kế quy trình nên không chạy mô phỏng được."))


def simulation_scope_path(*, user: User, version: ProcedureVersion) -> str:
    """The processes a simulation replays: the definition's unit subtree, within the user's own."""
    simulation_scope_guard(user=user)
    owner = version.definition.owner_unit
    owner_path = owner.path if owner is not None else ""
    if user.is_superuser:
        return owner_path
    own_path = user.unit.path if user.unit_id else None
    if own_path is None or not (owner_path.startswith(own_path) or own_path.startswith(owner_path)):
        raise PermissionDenied(_("Quy trình này không thuộc phạm vi đơn vị của bạn."))
    return max(owner_path, own_path, key=len)


def simulation_run(
    *,
    user: User,
    draft: ProcedureVersion,
    period: tuple[date, date],
    assumptions: dict[str, int] | None = None,
) -> tuple[ProcedureVersion, Comparison]:
    """The draft and its definition's published version replayed on the scope's processes of the period."""
    published = draft.definition.versions.filter(status=ProcedureVersion.Status.PUBLISHED).first() or draft.based_on
    if published is None:
        raise ValidationError(_("Quy trình chưa có phiên bản đang áp dụng để so sánh."))
    if period[0] > period[1]:
        raise ValidationError({"period": _("Ngày bắt đầu phải trước ngày kết thúc.")})
    scope_path = simulation_scope_path(user=user, version=draft)
    records = simulation_records(scope_path=scope_path, period=period, calendar=working_calendar())
    comparison = simulation_compare(
        records, version_spec(published), version_spec(draft), assumptions=_assumptions_clean(assumptions)
    )
    return published, comparison


def _assumptions_clean(assumptions: dict | None) -> dict[str, int]:
    cleaned = {}
    for step, days in (assumptions or {}).items():
        try:
            value = int(days)
        except (TypeError, ValueError):
            value = -1
        if value < 0:
            raise ValidationError(
                {"assumptions": _("Số ngày giả định của bước “%(step)s” phải là số nguyên không âm.") % {"step": step}}
            )
        cleaned[str(step)] = value
    return cleaned
