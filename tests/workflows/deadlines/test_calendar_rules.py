"""Working days and deadline counting (Civil Code arts. 147–148) on a calendar built in the test."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from workflows.deadlines.calendar import (
    WorkingCalendar,
    _package_swapped_working_days,
    calendar_override_problem,
    end_of_day,
    local_moment,
    public_holidays,
    working_calendar,
)
from workflows.models import CalendarOverride

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
LAW = WorkingCalendar()
# March 2026: Mon 2 … Fri 6, Sat 7, Sun 8, Mon 9 (no holiday in the month).
MON, FRI, SAT, SUN, NEXT_MON = date(2026, 3, 2), date(2026, 3, 6), date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)


def test_weekdays_work_and_weekends_and_holidays_do_not():
    assert [LAW.is_working_day(date(2026, 3, d)) for d in range(2, 10)] == [True] * 5 + [False, False, True]
    assert LAW.is_working_day(date(2026, 9, 2)) is False  # Quốc khánh, a Wednesday
    assert LAW.is_working_day(date(2026, 1, 1)) is False


def test_public_holidays_of_a_year():
    days = public_holidays(2026)
    assert {date(2026, 1, 1), date(2026, 4, 30), date(2026, 5, 1), date(2026, 9, 2), date(2026, 11, 24)} <= days
    assert date(2026, 3, 2) not in days
    assert all(day.year == 2026 for day in days)


def test_the_package_lists_the_saturdays_worked_for_a_bridge():
    swapped = _package_swapped_working_days()
    assert date(2025, 4, 26) in swapped  # worked for the day off on Friday 2 May 2025
    assert date(2025, 5, 2) not in swapped
    assert all(day.weekday() == 5 for day in swapped)
    assert LAW.is_working_day(date(2025, 4, 26)) is True


def test_overrides_change_a_day_and_a_day_off_wins():
    calendar = WorkingCalendar(extra_working_days=frozenset({SAT, FRI}), extra_days_off=frozenset({MON, FRI}))
    assert calendar.is_working_day(SAT) is True
    assert calendar.is_working_day(MON) is False
    assert calendar.is_working_day(FRI) is False
    assert calendar.is_working_day(SUN) is False


def test_next_working_day():
    assert LAW.next_working_day(MON) == MON
    assert LAW.next_working_day(SAT) == NEXT_MON
    assert LAW.next_working_day(SUN) == NEXT_MON


def test_adding_working_days_skips_the_start_day_weekends_and_holidays():
    assert LAW.add_working_days(MON, 0) == MON
    assert LAW.add_working_days(SAT, 0) == NEXT_MON
    assert LAW.add_working_days(MON, 1) == date(2026, 3, 3)
    assert LAW.add_working_days(FRI, 1) == NEXT_MON
    assert LAW.add_working_days(SAT, 1) == NEXT_MON
    assert LAW.add_working_days(MON, 5) == NEXT_MON
    assert LAW.add_working_days(date(2026, 4, 24), 3) == date(2026, 5, 4)  # the domain's example


def test_a_negative_count_is_a_programming_error():
    with pytest.raises(ValueError) as error:
        LAW.add_working_days(MON, -1)
    assert str(error.value) == "count must not be negative"


def test_subtracting_working_days():
    assert LAW.subtract_working_days(NEXT_MON, 0) == NEXT_MON
    assert LAW.subtract_working_days(NEXT_MON, 1) == FRI
    assert LAW.subtract_working_days(NEXT_MON, 2) == date(2026, 3, 5)
    assert LAW.subtract_working_days(SUN, 1) == FRI
    assert LAW.subtract_working_days(date(2026, 5, 4), 1) == date(2026, 4, 29)  # over 27/4, 30/4, 1/5


def test_working_days_between_counts_after_the_start_up_to_the_end():
    assert LAW.working_days_between(MON, MON) == 0
    assert LAW.working_days_between(FRI, NEXT_MON) == 1
    assert LAW.working_days_between(MON, NEXT_MON) == 5
    assert LAW.working_days_between(SAT, SUN) == 0
    assert LAW.working_days_between(NEXT_MON, FRI) == -1
    assert LAW.working_days_between(NEXT_MON, MON) == -5


@pytest.mark.django_db
def test_the_calendar_follows_the_overrides_as_they_change():
    assert working_calendar() == WorkingCalendar()
    worked = CalendarOverride.objects.create(date=SAT, kind=CalendarOverride.Kind.WORKING_DAY, reason="Làm bù")
    CalendarOverride.objects.create(date=MON, kind=CalendarOverride.Kind.DAY_OFF, reason="Nghỉ")
    assert working_calendar() == WorkingCalendar(extra_working_days=frozenset({SAT}), extra_days_off=frozenset({MON}))
    worked.kind = CalendarOverride.Kind.DAY_OFF  # same number of overrides, one changed
    worked.save()
    assert working_calendar() == WorkingCalendar(extra_days_off=frozenset({SAT, MON}))
    worked.delete()
    assert working_calendar() == WorkingCalendar(extra_days_off=frozenset({MON}))


def test_moments_are_in_ho_chi_minh_city():
    assert local_moment(MON, time(8)) == datetime(2026, 3, 2, 8, 0, tzinfo=HCM)
    assert local_moment(MON, time(8)).utcoffset().total_seconds() == 7 * 3600
    assert end_of_day(FRI) == datetime(2026, 3, 7, 0, 0, tzinfo=HCM)


@pytest.mark.django_db
def test_override_problems_in_vietnamese():
    kind = CalendarOverride.Kind
    assert calendar_override_problem(day=SAT, kind=kind.WORKING_DAY) == ""
    existing = CalendarOverride.objects.create(date=SAT, kind=kind.WORKING_DAY, reason="Làm bù")
    assert calendar_override_problem(day=SAT, kind=kind.WORKING_DAY) == (
        "Ngày 07/03/2026 đã được khai báo là “Ngày làm việc (làm bù)”."
    )
    assert calendar_override_problem(day=SAT, kind=kind.DAY_OFF) == (
        "Ngày 07/03/2026 đã được khai báo là “Ngày làm việc (làm bù)”; một ngày không thể vừa là ngày làm việc "
        "vừa là ngày nghỉ. Hãy sửa khai báo đã có thay vì thêm khai báo mới."
    )
    # editing the override itself is no clash
    assert calendar_override_problem(day=SAT, kind=kind.DAY_OFF, exclude_pk=existing.pk) == ""
    assert calendar_override_problem(day=date(2026, 9, 2), kind=kind.WORKING_DAY) == (
        "Ngày 02/09/2026 là ngày nghỉ lễ, Tết theo Bộ luật Lao động; không thể khai báo là ngày làm việc."
    )
    assert calendar_override_problem(day=date(2026, 9, 2), kind=kind.DAY_OFF) == ""
