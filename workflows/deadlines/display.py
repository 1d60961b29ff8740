"""How a task's deadline reads to a person: "còn 2 ngày làm việc", "quá hạn 3 ngày làm việc"."""

from dataclasses import dataclass
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .calendar import WorkingCalendar, working_calendar


@dataclass(frozen=True)
class DueStatus:
    due_on: date | None
    working_days_left: int | None  # 0 on the due day; None when overdue or without a deadline
    overdue_working_days: int | None  # None unless overdue (0 on a weekend right after the due day)

    @property
    def is_overdue(self) -> bool:
        return self.overdue_working_days is not None

    @property
    def label(self) -> str:
        if self.due_on is None:
            return ""
        if self.is_overdue:
            if self.overdue_working_days == 0:
                return _("Đã quá hạn")
            return ngettext(
                "Quá hạn %(days)d ngày làm việc", "Quá hạn %(days)d ngày làm việc", self.overdue_working_days
            ) % {"days": self.overdue_working_days}
        if self.working_days_left == 0:
            return _("Hết hạn hôm nay")
        return ngettext("Còn %(days)d ngày làm việc", "Còn %(days)d ngày làm việc", self.working_days_left) % {
            "days": self.working_days_left
        }

    @property
    def text(self) -> str:
        """ "06/05/2026 — Còn 2 ngày làm việc", or "" without a deadline."""
        if self.due_on is None:
            return ""
        return f"{date_format(self.due_on, 'd/m/Y')} — {self.label}"


def task_due_status(*, task, today: date | None = None, calendar: WorkingCalendar | None = None) -> DueStatus:
    """Where an open task stands against its due date on `today` (Asia/Ho_Chi_Minh)."""
    due_on = getattr(task, "due_on", None)
    if due_on is None or getattr(task, "finished", None) is not None:
        return DueStatus(due_on=None, working_days_left=None, overdue_working_days=None)
    today = today or timezone.localdate()
    calendar = calendar or working_calendar()
    if today <= due_on:
        return DueStatus(
            due_on=due_on, working_days_left=calendar.working_days_between(today, due_on), overdue_working_days=None
        )
    return DueStatus(
        due_on=due_on, working_days_left=None, overdue_working_days=calendar.working_days_between(due_on, today)
    )
