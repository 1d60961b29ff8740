"""`seed_demo` can be run again, on a later day, without duplicating or failing."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from recognition.models import DecisionEntry, MovementModel, RecognitionDecision, User

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.django_db
def test_seed_twice_on_different_days_grows_the_same_decision():
    with time_machine.travel(datetime(2026, 11, 21, 10, 0, tzinfo=VN), tick=False):
        call_command("seed_demo", models=16, stdout=open("/dev/null", "w"))
        first_day_entries = DecisionEntry.objects.count()
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=VN), tick=False):
        call_command("seed_demo", models=32, stdout=open("/dev/null", "w"))
        call_command("seed_demo", models=32, stdout=open("/dev/null", "w"))

    # 32 in the province's campaign (the registration demo's two among them) and the commune's own model.
    assert MovementModel.objects.count() == 32 + 1
    assert User.objects.filter(username="donvi").count() == 1
    decision = RecognitionDecision.objects.get(issuing_unit__name="Thành ủy Cần Thơ")
    assert decision.number == "12-QĐ/BCĐ"
    assert decision.signed_on.isoformat() == "2026-11-21"
    assert first_day_entries > 0
    assert decision.entries.count() > first_day_entries
