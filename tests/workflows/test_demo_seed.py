"""`seed_demo` can be run again, on a later day, without duplicating or failing."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from recognition.models import DecisionEntry, MovementModel, RecognitionDecision, User

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.django_db
def test_seed_twice_on_different_days_adds_one_decision_for_the_new_models(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(datetime(2026, 11, 21, 10, 0, tzinfo=VN), tick=False):
        call_command("seed_demo", models=16, stdout=open("/dev/null", "w"))
        first_day_entries = DecisionEntry.objects.filter(decision__kind="recognition").count()
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=VN), tick=False):
        call_command("seed_demo", models=32, stdout=open("/dev/null", "w"))
        call_command("seed_demo", models=32, stdout=open("/dev/null", "w"))

    # 32 in the province's campaign (the registration demo's two among them), 3 in the ward's
    # council demo (workflows.demo_council) and the ward's own nominated model (workflows.demo_registration).
    assert MovementModel.objects.count() == 32 + 3 + 1
    assert User.objects.filter(username="donvi").count() == 1
    decisions = list(
        RecognitionDecision.objects.filter(issuing_unit__name="Thành ủy Cần Thơ")
        .order_by("pk")
        .values_list("number", "kind", "signed_on")
    )
    assert [(number, kind, day.isoformat()) for number, kind, day in decisions] == [
        ("1-QĐ/BCĐ", "recognition", "2026-11-21"),
        ("2-QĐ/BCĐ", "amendment", "2026-11-21"),
        ("3-QĐ/BCĐ", "revocation", "2026-11-21"),
        # The awards demo's three tiêu biểu models (workflows.demo_awards).
        ("4-QĐ/BCĐ", "recognition", "2026-11-21"),
        ("5-QĐ/BCĐ", "recognition", "2026-11-23"),
    ]
    assert first_day_entries > 0
    assert DecisionEntry.objects.filter(decision__number="5-QĐ/BCĐ").count() > 0
