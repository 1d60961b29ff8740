"""Admins, auditors, staff and superusers pass a TOTP second factor (or a recovery code) first."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.second_factor import recovery_codes_regenerate, second_factor_required
from recognition.models import AuditEvent
from tests.accounts.support import totp_code, totp_device_enrolled
from tests.factories import UserFactory

PASSWORD = "mat-khau-dung-2026"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
ENROL = "/accounts/otp/enrol/"
VERIFY = "/accounts/otp/verify/"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def with_password(user):
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def signed_in(user) -> Client:
    """A browser that passed the login page only (plain Django client: no second factor)."""
    browser = Client()
    response = browser.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return browser


@pytest.mark.parametrize(
    ("make", "required"),
    [
        (lambda w: w.admin, True),
        (lambda w: w.auditor, True),
        (lambda w: UserFactory(is_superuser=True), True),
        (lambda w: UserFactory(is_staff=True), True),
        (lambda w: w.standing_body, False),
        (lambda w: w.chair, False),
        (lambda w: w.submitter, False),
    ],
)
def test_who_needs_a_second_factor(world, make, required):
    assert second_factor_required(make(world)) is required


def test_admin_without_an_app_is_sent_to_enrol_before_any_page(world):
    browser = signed_in(with_password(world.admin))
    for url in ["/models/", "/admin/", "/audit/", "/notifications/", "/accounts/otp/recovery-codes/"]:
        response = browser.get(url)
        assert (response.status_code, response["Location"]) == (302, f"{ENROL}?next={url.replace('/', '%2F')}")


def test_auditor_with_an_app_is_sent_to_verify(world):
    totp_device_enrolled(world.auditor)
    browser = signed_in(with_password(world.auditor))
    response = browser.get("/audit/")
    assert (response.status_code, response["Location"]) == (302, f"{VERIFY}?next=%2Faudit%2F")
    # Enrolling another phone needs the verified session first: a stolen password is not enough.
    assert browser.get(ENROL)["Location"] == f"{VERIFY}?next={ENROL}"


def test_unverified_session_gets_403_from_the_api(world):
    browser = signed_in(with_password(world.admin))
    response = browser.get("/api/v1/tasks/inbox/")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Tài khoản này cần xác thực hai bước: hãy nhập mã xác thực trên trang web trước."
    }


def test_ordinary_member_is_not_asked(world):
    browser = signed_in(with_password(world.standing_body))
    assert browser.get("/models/").status_code == 200


def test_enrolment_shows_a_qr_code_confirms_with_a_code_and_shows_recovery_codes(world, frozen):
    browser = signed_in(with_password(world.admin))
    page = browser.get(f"{ENROL}?next=/models/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cài đặt xác thực hai bước" in html
    assert "<svg" in html and "http" not in re.search(r"<svg.*?</svg>", html, re.S).group(0).replace(
        "http://www.w3.org/2000/svg", ""
    )
    device = TOTPDevice.objects.get(user=world.admin, confirmed=False)
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7]+)<', html).group(1)
    assert len(secret) == 32

    wrong = browser.post(ENROL, {"token": "000000", "next": "/models/"})
    assert wrong.status_code == 400
    assert "Mã không đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng." in wrong.content.decode()
    assert TOTPDevice.objects.filter(user=world.admin, confirmed=True).count() == 0
    assert AuditEvent.objects.filter(actor=world.admin).count() == 0
    assert browser.get("/models/").status_code == 302

    frozen.shift(2)  # django-otp waits 1 s after a wrong code (doubling each time)
    done = browser.post(ENROL, {"token": totp_code(device), "next": "/models/"})
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z2-9]{10})</li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert sorted(StaticToken.objects.filter(device__user=world.admin).values_list("token", flat=True)) == sorted(codes)
    assert TOTPDevice.objects.get(user=world.admin).confirmed is True
    assert browser.get("/models/").status_code == 200
    recorded = AuditEvent.objects.filter(actor=world.admin).order_by("pk")
    assert [(event.action, event.payload) for event in recorded] == [
        ("second_factor_enrolled", {"device": "Ứng dụng xác thực", "replaced_devices": 0}),
        ("recovery_codes_renewed", {"codes": 10}),
    ]


def test_verify_with_the_app_code_then_the_pages_open(world, frozen):
    device = totp_device_enrolled(world.admin)
    browser = signed_in(with_password(world.admin))
    wrong = browser.post(VERIFY, {"token": "123456", "next": "/models/"})
    assert wrong.status_code == 400
    assert "Mã xác thực không đúng, đã hết hạn hoặc đã dùng. Hãy thử lại." in wrong.content.decode()
    frozen.shift(2)  # django-otp waits 1 s after a wrong code (doubling each time)
    ok = browser.post(VERIFY, {"token": totp_code(device), "next": "/models/"})
    assert (ok.status_code, ok["Location"]) == (302, "/models/")
    assert browser.get("/models/").status_code == 200
    assert browser.get("/api/v1/tasks/inbox/").status_code == 200


def test_verify_refuses_a_redirect_off_site(world, frozen):
    device = totp_device_enrolled(world.admin)
    browser = signed_in(with_password(world.admin))
    ok = browser.post(VERIFY, {"token": totp_code(device), "next": "https://evil.example/"})
    assert ok["Location"] == "/"


def test_a_recovery_code_works_once(world, frozen):
    totp_device_enrolled(world.auditor)
    first = signed_in(with_password(world.auditor))
    codes = _recovery_codes(world.auditor)

    used = first.post(VERIFY, {"token": codes[0], "next": "/audit/"})
    assert (used.status_code, used["Location"]) == (302, "/audit/")
    assert first.get("/audit/").status_code == 200
    assert StaticToken.objects.filter(device__user=world.auditor).count() == 9

    again = signed_in(world.auditor)  # another browser, or the same one later
    refused = again.post(VERIFY, {"token": codes[0], "next": "/audit/"})
    assert refused.status_code == 400
    assert again.get("/audit/").status_code == 302


def _recovery_codes(user) -> list[str]:
    return recovery_codes_regenerate(user=user)


def test_token_for_an_admin_needs_the_second_factor(world, frozen):
    device = totp_device_enrolled(with_password(world.admin))
    api = APIClient()
    missing = api.post("/api/v1/auth/token/", {"username": "quantri", "password": PASSWORD})
    assert missing.status_code == 400
    assert missing.json() == {
        "detail": "Dữ liệu không hợp lệ.",
        "errors": {"otp_token": ["Tài khoản này cần mã xác thực hai bước hợp lệ (otp_token)."]},
    }
    assert not Token.objects.filter(user=world.admin).exists()

    frozen.shift(2)
    granted = api.post(
        "/api/v1/auth/token/", {"username": "quantri", "password": PASSWORD, "otp_token": totp_code(device)}
    )
    assert granted.status_code == 200
    assert granted.json() == {"token": Token.objects.get(user=world.admin).key}


def test_token_for_an_auditor_without_an_app_is_refused(world):
    with_password(world.auditor)
    refused = APIClient().post("/api/v1/auth/token/", {"username": "kiemtra", "password": PASSWORD, "otp_token": "1"})
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Tài khoản này phải cài xác thực hai bước trên trang web trước khi lấy token."}
    assert not Token.objects.filter(user=world.auditor).exists()


def test_token_for_an_ordinary_member_needs_no_second_factor(world):
    with_password(world.standing_body)
    response = APIClient().post("/api/v1/auth/token/", {"username": "thuongtruc", "password": PASSWORD})
    assert response.status_code == 200
