"""The working-day calendar of State bodies and deadline counting (Civil Code 2015, arts. 147–148).

A working day is Monday–Friday, except the public holidays of the `holidays` package
(country VN, lunar dates and substitute days off included), with the Government's
yearly swaps applied: the package's own list of swapped Saturdays, then the
overrides an administrator entered (`CalendarOverride`), which win.

Counting: the start day is not counted; "N working days" counts only working days;
a period ends at the end of its last day (in Asia/Ho_Chi_Minh).
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import holidays
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import CalendarOverride


@functools.cache
def public_holidays(year: int) -> frozenset[date]:
    """Days off by law in `year`, with substitute days (Tết, Hùng Kings, 24/11 from 2026...)."""
    return frozenset(holidays.country_holidays("VN", years=year))


@functools.cache
def _package_swapped_working_days() -> frozenset[date]:
    """Saturdays worked in exchange for a bridging day off, as listed by the package.

    `holidays` adds the day off ("Ngày nghỉ (thay cho ngày ...)") but not the Saturday
    worked for it; the Saturday is in the same table, so read it from there.
    """
    try:
        from holidays.countries.vietnam import VietnamStaticHolidays

        table = VietnamStaticHolidays.special_public_holidays
    except (ImportError, AttributeError):  # a future package layout: admins enter the swaps
        return frozenset()
    worked = set()
    for year, entries in table.items():
        for entry in entries if isinstance(entries[0], tuple) else (entries,):
            if len(entry) >= 4:
                worked.add(date(entry[4] if len(entry) == 5 else year, entry[2], entry[3]))
    return frozenset(worked)


@dataclass(frozen=True)
class WorkingCalendar:
    extra_working_days: frozenset[date] = frozenset()
    extra_days_off: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_days_off:
            return False
        if day in self.extra_working_days or day in _package_swapped_working_days():
            return True
        return day.weekday() < 5 and day not in public_holidays(day.year)

    def next_working_day(self, day: date) -> date:
        """`day` itself when it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date, count: int) -> date:
        """The last day of a period of `count` working days that starts on `start`.

        `start` is not counted. With `count` 0 the period ends on `start`, moved to the
        next working day when `start` is not one.
        """
        if count < 0:
            raise ValueError("count must not be negative")
        day = start
        counted = 0
        while counted < count:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return self.next_working_day(day)

    def subtract_working_days(self, end: date, count: int) -> date:
        """The working day `count` working days before `end` (`end` itself when 0)."""
        day = end
        counted = 0
        while counted < count:
            day -= timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end`; negative when `end` is earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for offset in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(offset)))


def working_calendar() -> WorkingCalendar:
    """The calendar with the current overrides (one small query to see whether they changed)."""
    fingerprint = CalendarOverride.objects.aggregate(count=Count("pk"), changed=Max("updated_at"))
    return _calendar_for(fingerprint["count"], fingerprint["changed"])


@functools.lru_cache(maxsize=4)
def _calendar_for(count: int, changed) -> WorkingCalendar:
    rows = list(CalendarOverride.objects.values_list("date", "kind"))
    return WorkingCalendar(
        extra_working_days=frozenset(day for day, kind in rows if kind == CalendarOverride.Kind.WORKING_DAY),
        extra_days_off=frozenset(day for day, kind in rows if kind == CalendarOverride.Kind.DAY_OFF),
    )


def local_moment(day: date, at: time) -> datetime:
    """An aware datetime at `at` o'clock of `day` in the site's time zone (Asia/Ho_Chi_Minh)."""
    return timezone.make_aware(datetime.combine(day, at))


def end_of_day(day: date) -> datetime:
    """The instant a period ending on `day` is over: midnight at the start of the next day."""
    return local_moment(day + timedelta(days=1), time.min)


def calendar_override_problem(*, day: date, kind: str, exclude_pk: int | None = None) -> str:
    """Why an override of `day` as `kind` must be refused, in Vietnamese, or "" when it is fine."""
    shown = date_format(day, "d/m/Y")
    clash = CalendarOverride.objects.filter(date=day).exclude(pk=exclude_pk).first()
    if clash is not None and clash.kind != kind:
        return _(
            "Ngày %(date)s đã được khai báo là “%(other)s”; một ngày không thể vừa là ngày làm việc vừa là ngày nghỉ. "
            "Hãy sửa khai báo đã có thay vì thêm khai báo mới."
        ) % {"date": shown, "other": clash.get_kind_display()}
    if clash is not None:
        return _("Ngày %(date)s đã được khai báo là “%(kind)s”.") % {"date": shown, "kind": clash.get_kind_display()}
    if kind == CalendarOverride.Kind.WORKING_DAY and day in public_holidays(day.year):
        return _("Ngày %(date)s là ngày nghỉ lễ, Tết theo Bộ luật Lao động; không thể khai báo là ngày làm việc.") % {
            "date": shown
        }
    return ""
