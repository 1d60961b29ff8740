"""The working-day calendar: weekends, Vietnamese holidays, swaps, admin overrides, the command."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from workflows.deadlines.calendar import end_of_day, working_calendar
from workflows.models import CalendarOverride

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def run(*args) -> str:
    out = StringIO()
    call_command("working_days", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_domain_example_three_working_days_from_friday_24_april_2026():
    # 26/4 Hùng Kings (Sunday) observed on Monday 27/4; 30/4 and 1/5 are holidays.
    assert run("add", "2026-04-24", "3") == "2026-05-04"
    assert run("between", "2026-04-24", "2026-05-04") == "3"


@pytest.mark.django_db
def test_start_day_is_not_counted_and_a_period_ending_on_a_day_off_moves_to_the_next_working_day():
    calendar = working_calendar()
    assert calendar.add_working_days(date(2026, 3, 2), 1) == date(2026, 3, 3)  # Monday + 1 = Tuesday
    assert calendar.add_working_days(date(2026, 3, 6), 1) == date(2026, 3, 9)  # Friday + 1 = Monday
    assert calendar.add_working_days(date(2026, 3, 7), 0) == date(2026, 3, 9)  # ends on a Saturday → Monday
    assert calendar.add_working_days(date(2026, 3, 4), 0) == date(2026, 3, 4)


@pytest.mark.django_db
def test_lunar_new_year_2026_is_skipped():
    # Tết Bính Ngọ: 16–20/02/2026 off.
    assert run("add", "2026-02-13", "1") == "2026-02-23"
    assert run("between", "2026-02-13", "2026-02-23") == "1"


@pytest.mark.django_db
def test_vietnamese_culture_day_24_november_is_a_holiday_from_2026_only():
    calendar = working_calendar()
    assert calendar.is_working_day(date(2025, 11, 24)) is True  # a Monday before the rule
    assert calendar.is_working_day(date(2026, 11, 24)) is False  # a Tuesday, observed from 2026
    assert run("add", "2026-11-23", "1") == "2026-11-25"


@pytest.mark.django_db
def test_substitute_days_off_for_holidays_on_a_weekend():
    calendar = working_calendar()
    assert calendar.is_working_day(date(2026, 4, 27)) is False  # Hùng Kings 26/4/2026 is a Sunday
    assert calendar.is_working_day(date(2027, 5, 3)) is False  # 1/5/2027 is a Saturday
    assert calendar.is_working_day(date(2026, 8, 31)) is False  # bridge day off for Quốc khánh 2026
    assert run("add", "2027-04-29", "1") == "2027-05-04"  # Fri 30/4 and Mon 3/5 off


@pytest.mark.django_db
def test_swapped_saturday_known_to_the_holidays_package_is_a_working_day():
    # 2025: 2/5 off in exchange for working Saturday 26/4.
    calendar = working_calendar()
    assert calendar.is_working_day(date(2025, 4, 26)) is True
    assert calendar.is_working_day(date(2025, 5, 2)) is False
    assert run("add", "2025-04-25", "1") == "2025-04-26"


@pytest.mark.django_db
def test_admin_overrides_change_the_count():
    assert run("add", "2026-10-09", "1") == "2026-10-12"
    CalendarOverride.objects.create(date=date(2026, 10, 10), kind=CalendarOverride.Kind.WORKING_DAY, reason="Làm bù")
    assert run("add", "2026-10-09", "1") == "2026-10-10"
    CalendarOverride.objects.create(date=date(2026, 10, 12), kind=CalendarOverride.Kind.DAY_OFF, reason="Nghỉ bù")
    assert run("add", "2026-10-09", "2") == "2026-10-13"
    assert run("between", "2026-10-09", "2026-10-13") == "2"


@pytest.mark.django_db
def test_an_override_contradicting_another_is_refused_in_vietnamese():
    CalendarOverride.objects.create(date=date(2026, 10, 10), kind=CalendarOverride.Kind.DAY_OFF, reason="Nghỉ")
    contradicting = CalendarOverride(date=date(2026, 10, 10), kind=CalendarOverride.Kind.WORKING_DAY, reason="Làm bù")
    with pytest.raises(ValidationError) as error:
        contradicting.full_clean()
    assert error.value.message_dict["date"] == [
        "Ngày 10/10/2026 đã được khai báo là “Ngày nghỉ”; một ngày không thể vừa là ngày làm việc vừa là ngày nghỉ. "
        "Hãy sửa khai báo đã có thay vì thêm khai báo mới."
    ]
    assert CalendarOverride.objects.count() == 1


@pytest.mark.django_db
def test_a_public_holiday_cannot_be_declared_a_working_day():
    override = CalendarOverride(date=date(2026, 9, 2), kind=CalendarOverride.Kind.WORKING_DAY, reason="?")
    with pytest.raises(ValidationError) as error:
        override.full_clean()
    assert "là ngày nghỉ lễ, Tết theo Bộ luật Lao động" in error.value.message_dict["date"][0]


@pytest.mark.django_db
def test_admin_page_refuses_the_contradiction_and_keeps_the_calendar(client, world):
    world.admin.is_superuser = True
    world.admin.save(update_fields=["is_superuser"])
    CalendarOverride.objects.create(date=date(2026, 10, 10), kind=CalendarOverride.Kind.DAY_OFF, reason="Nghỉ")
    client.force_login(world.admin)
    response = client.post(
        "/admin/workflows/calendaroverride/add/", {"date": "10/10/2026", "kind": "working_day", "reason": "Làm bù"}
    )
    assert response.status_code == 200
    assert "một ngày không thể vừa là ngày làm việc vừa là ngày nghỉ" in response.content.decode()
    assert list(CalendarOverride.objects.values_list("kind", flat=True)) == ["day_off"]


@pytest.mark.django_db
def test_admin_calendar_is_refused_to_a_reviewer(client, world):
    client.force_login(world.standing_body)
    response = client.get("/admin/workflows/calendaroverride/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_command_rejects_bad_input_in_vietnamese():
    with pytest.raises(CommandError, match="Ngày “2026-13-01” không hợp lệ"):
        run("add", "2026-13-01", "3")
    with pytest.raises(CommandError, match="Số ngày làm việc phải là số nguyên không âm"):
        run("add", "2026-04-24", "-1")


@pytest.mark.django_db
def test_between_counts_backwards_as_negative():
    assert run("between", "2026-05-04", "2026-04-24") == "-3"


def test_a_period_ends_at_the_end_of_its_last_day_in_ho_chi_minh_city():
    assert end_of_day(date(2026, 5, 4)) == datetime(2026, 5, 5, 0, 0, tzinfo=HCM)
    assert end_of_day(date(2026, 5, 4)).astimezone(ZoneInfo("UTC")) == datetime(
        2026, 5, 4, 17, 0, tzinfo=ZoneInfo("UTC")
    )
