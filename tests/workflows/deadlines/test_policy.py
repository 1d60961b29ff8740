"""The configured periods: every wrong value is named in Vietnamese; a good one becomes the policy."""

from datetime import time

import pytest
from django.core.exceptions import ImproperlyConfigured

from workflows.deadlines.policy import deadline_policy, deadline_settings_check, policy_problems

GOOD = {"sla_working_days": {"survey": 1}, "reminder_offsets": [0, -1], "escalation_delays": [1], "notify_hour": 0}


def problems(**changes) -> list[str]:
    return policy_problems(**{**GOOD, **changes})


def test_a_good_configuration_has_no_problem():
    assert problems() == []
    assert problems(notify_hour=23, reminder_offsets=[], escalation_delays=[]) == []


@pytest.mark.parametrize("days", [0, -1, True, "3", 1.5, None])
def test_a_stage_needs_a_positive_whole_number_of_working_days(days):
    assert problems(sla_working_days={"survey": 2, "evaluate": days}) == [
        f"Thời hạn xử lý của bước “evaluate” phải là số nguyên ngày làm việc lớn hơn 0 (đang là {days!r})."
    ]


@pytest.mark.parametrize("offset", [1, True, "-1", -0.5])
def test_a_reminder_is_on_or_before_the_due_day(offset):
    assert problems(reminder_offsets=[-2, offset]) == [
        f"Mốc nhắc việc phải là 0 (ngày đến hạn) hoặc số âm (số ngày làm việc trước hạn), không phải {offset!r}."
    ]


@pytest.mark.parametrize("delay", [0, -1, False, "2", 1.0])
def test_each_escalation_level_is_at_least_one_working_day_after_the_previous(delay):
    assert problems(escalation_delays=[1, delay]) == [
        f"Mỗi cấp chuyển lên trên phải cách cấp trước ít nhất 1 ngày làm việc, không phải {delay!r}."
    ]


@pytest.mark.parametrize("hour", [-1, 24, "8", 8.0])
def test_the_notification_hour_is_an_hour_of_the_day(hour):
    assert problems(notify_hour=hour) == [f"Giờ gửi nhắc việc phải từ 0 đến 23, không phải {hour!r}."]


def test_every_problem_is_reported_at_once():
    assert (
        len(problems(sla_working_days={"a": 0, "b": 0}, reminder_offsets=[1], escalation_delays=[0], notify_hour=99))
        == 5
    )


def test_the_policy_from_settings(settings):
    settings.KHEO_STAGE_SLA_WORKING_DAYS = {"survey": 12}
    settings.KHEO_REMINDER_OFFSETS_WORKING_DAYS = [0, -3, -1, -3]
    settings.KHEO_ESCALATION_DELAYS_WORKING_DAYS = [2, 1]
    settings.KHEO_DEADLINE_NOTIFY_HOUR = 7
    settings.KHEO_ESCALATION_SUPERVISOR_ROLE = "chair"
    settings.KHEO_ESCALATION_REASSIGN_STAGES = ["survey"]
    settings.KHEO_DEADLINE_CLOCK_PAUSED_STAGES = ["survey", "evaluate"]
    policy = deadline_policy()
    assert policy.sla_working_days == {"survey": 12}
    assert policy.reminder_offsets == (-3, -1, 0)  # sorted, once each
    assert policy.escalation_delays == (2, 1)  # in the order of the levels
    assert policy.notify_at == time(7)
    assert policy.supervisor_role == "chair"
    assert policy.reassign_stages == frozenset({"survey"})
    assert policy.clock_paused_stages == frozenset({"survey", "evaluate"})
    assert policy.sla_for("survey") == 12
    assert policy.sla_for("evaluate") is None


def test_the_defaults_when_settings_say_nothing(settings):
    for name in (
        "KHEO_STAGE_SLA_WORKING_DAYS",
        "KHEO_REMINDER_OFFSETS_WORKING_DAYS",
        "KHEO_ESCALATION_DELAYS_WORKING_DAYS",
        "KHEO_DEADLINE_NOTIFY_HOUR",
        "KHEO_ESCALATION_SUPERVISOR_ROLE",
        "KHEO_ESCALATION_REASSIGN_STAGES",
        "KHEO_DEADLINE_CLOCK_PAUSED_STAGES",
    ):
        delattr(settings, name)
    policy = deadline_policy()
    assert policy.sla_working_days == {}
    assert policy.reminder_offsets == (-2, 0)
    assert policy.escalation_delays == (1, 3)
    assert policy.notify_at == time(8)
    assert policy.supervisor_role == "standing_body"
    assert policy.reassign_stages == frozenset()
    assert policy.clock_paused_stages == frozenset({"check_dossier"})


def test_a_wrong_setting_stops_start_up_and_planning(settings):
    settings.KHEO_DEADLINE_NOTIFY_HOUR = 25
    settings.KHEO_ESCALATION_DELAYS_WORKING_DAYS = [0]
    message = (
        "Mỗi cấp chuyển lên trên phải cách cấp trước ít nhất 1 ngày làm việc, không phải 0. "
        "Giờ gửi nhắc việc phải từ 0 đến 23, không phải 25."
    )
    with pytest.raises(ImproperlyConfigured) as error:
        deadline_policy()
    assert str(error.value) == message
    assert [(e.id, e.msg) for e in deadline_settings_check()] == [("workflows.E101", message)]


def test_the_shipped_settings_pass_the_check():
    assert deadline_settings_check() == []
