"""The demo admin and auditor can sign in: seed_demo enrols them with the published demo TOTP key."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.demo import DEMO_TOTP_KEY_HEX, DEMO_TOTP_SECRET
from recognition.models import User
from tests.accounts.support import totp_device_enrolled
from workflows.demo import DEMO_PASSWORD, demo_cast_ensure

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def code_of(username: str) -> str:
    out = io.StringIO()
    call_command("demo_otp_code", username, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_demo_admin_and_auditor_are_enrolled_with_the_demo_key_and_nobody_else():
    demo_cast_ensure()
    demo_cast_ensure()  # idempotent
    enrolled = sorted(TOTPDevice.objects.filter(key=DEMO_TOTP_KEY_HEX).values_list("user__username", flat=True))
    assert enrolled == ["kiemtra", "quantri"]
    assert TOTPDevice.objects.count() == 2
    assert DEMO_TOTP_SECRET == "NNUGK3ZNMRSW23ZNORXXI4BNGIYDENRB"


@pytest.mark.django_db
def test_a_newcomer_signs_in_as_quantri_with_the_printed_code():
    demo_cast_ensure()
    with time_machine.travel(NOW, tick=False):
        browser = Client()
        browser.post("/accounts/login/", {"username": "quantri", "password": DEMO_PASSWORD})
        assert browser.get("/models/")["Location"] == "/accounts/otp/verify/?next=%2Fmodels%2F"
        code = code_of("quantri")
        assert len(code) == 6 and code.isdigit()
        verified = browser.post("/accounts/otp/verify/", {"token": code, "next": "/models/"})
        assert verified["Location"] == "/models/"
        assert browser.get("/models/").status_code == 200


@pytest.mark.django_db
def test_demo_code_is_never_printed_for_a_real_key():
    cast = demo_cast_ensure()
    real_admin = User.objects.create(username="quantri_that", unit=cast.province, is_staff=True)
    totp_device_enrolled(real_admin)
    for username in ["quantri_that", "donvi", "khong-co"]:
        with pytest.raises(CommandError, match=f"“{username}” không phải tài khoản mẫu dùng khóa TOTP mẫu."):
            code_of(username)
