"""Repeated wrong passwords lock the (username, IP) pair on the login page and the token endpoint."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from recognition.models import AuditAction, AuditEvent
from recognition.roles import Role
from tests.factories import unit_create, user_with_role

PASSWORD = "mat-khau-dung-2026"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
LOCKED = (
    "Đăng nhập tạm thời bị khóa vì nhập sai quá nhiều lần. Hãy thử lại sau 15 phút (từ 09:15), "
    "hoặc nhờ quản trị viên mở khóa."
)
LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def member(db):
    user = user_with_role(role=Role.STANDING_BODY, unit=unit_create(name="Thành ủy Cần Thơ"), username="thuongtruc")
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def page_without_per_request_values(response, username: str) -> str:
    """The page less the echoed username, the CSRF token and the CSP nonce (new on every request)."""
    html = response.content.decode().replace(username, "")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'content="[A-Za-z0-9+/=]{24}"', "", html)


def test_forty_wrong_passwords_lock_the_login_page_even_for_the_right_password(client, member, frozen):
    statuses = [client.post(LOGIN, {"username": "thuongtruc", "password": f"sai-{i}"}).status_code for i in range(40)]
    assert statuses == [200] * 4 + [429] * 36

    right = client.post(LOGIN, {"username": "thuongtruc", "password": PASSWORD})
    assert right.status_code == 429
    assert right["Retry-After"] == "900"
    assert LOCKED in right.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still anonymous


def test_lockout_answers_an_unknown_username_exactly_like_a_known_one(client, member, frozen):
    known = [client.post(LOGIN, {"username": "thuongtruc", "password": "sai"}) for _ in range(6)][-1]
    unknown = [client.post(LOGIN, {"username": "khong-ton-tai", "password": "sai"}) for _ in range(6)][-1]
    assert (known.status_code, unknown.status_code) == (429, 429)
    assert LOCKED in known.content.decode() and LOCKED in unknown.content.decode()
    assert page_without_per_request_values(known, "thuongtruc") == page_without_per_request_values(
        unknown, "khong-ton-tai"
    )


def test_wrong_passwords_below_the_limit_say_only_wrong_password(client, member, frozen):
    response = client.post(LOGIN, {"username": "thuongtruc", "password": "sai"})
    assert response.status_code == 200
    assert "bị khóa" not in response.content.decode()
    assert client.post(LOGIN, {"username": "thuongtruc", "password": PASSWORD}).status_code == 302


def test_the_right_password_works_again_after_the_cool_off(client, member, frozen):
    for i in range(5):
        client.post(LOGIN, {"username": "thuongtruc", "password": f"sai-{i}"})
    frozen.shift(14 * 60)
    assert client.post(LOGIN, {"username": "thuongtruc", "password": PASSWORD}).status_code == 429
    frozen.shift(15 * 60 + 1)  # the refused attempt restarted the wait
    response = client.post(LOGIN, {"username": "thuongtruc", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(member.pk)


def test_lockout_is_per_address_so_a_stranger_cannot_lock_a_colleague_out(client, member, frozen):
    for i in range(5):
        client.post(LOGIN, {"username": "thuongtruc", "password": f"sai-{i}"}, REMOTE_ADDR="203.0.113.9")
    assert client.post(LOGIN, {"username": "thuongtruc", "password": PASSWORD}).status_code == 302


def test_admin_unlocks_from_the_axes_admin_page(client, member, frozen, db):
    for i in range(5):
        client.post(LOGIN, {"username": "thuongtruc", "password": f"sai-{i}"})
    attempt = AccessAttempt.objects.get(username="thuongtruc")
    assert attempt.failures_since_start == 5

    admin = user_with_role(role=Role.ADMIN, unit=member.unit, username="quantri", is_staff=True)
    admin_client = type(client)()
    admin_client.force_login(admin)
    listed = admin_client.get("/admin/axes/accessattempt/")
    assert listed.status_code == 200 and "thuongtruc" in listed.content.decode()
    deleted = admin_client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert deleted.status_code == 302
    assert AccessAttempt.objects.count() == 0
    unlocked = AuditEvent.objects.get(action=AuditAction.SIGN_IN_UNLOCKED)
    assert (unlocked.actor, unlocked.payload) == (
        admin,
        {"username": "thuongtruc", "ip_address": "127.0.0.1", "failures": 5},
    )
    assert client.post(LOGIN, {"username": "thuongtruc", "password": PASSWORD}).status_code == 302


def test_unlock_by_command(client, member, frozen):
    for i in range(5):
        client.post(LOGIN, {"username": "thuongtruc", "password": f"sai-{i}"})
    call_command("axes_reset_username", "thuongtruc")
    assert client.post(LOGIN, {"username": "thuongtruc", "password": PASSWORD}).status_code == 302


def test_forty_wrong_passwords_lock_the_token_endpoint(member, frozen):
    api = APIClient()
    statuses = [api.post(TOKEN, {"username": "thuongtruc", "password": f"sai-{i}"}).status_code for i in range(40)]
    assert statuses == [400] * 4 + [429] * 36

    right = api.post(TOKEN, {"username": "thuongtruc", "password": PASSWORD})
    assert right.status_code == 429
    assert right.json() == {"detail": LOCKED}
    assert right["Retry-After"] == "900"
    assert not Token.objects.filter(user=member).exists()

    unknown = [api.post(TOKEN, {"username": "khong-ton-tai", "password": "sai"}) for _ in range(5)][-1]
    assert (unknown.status_code, unknown.json()) == (429, {"detail": LOCKED})


def test_wrong_passwords_on_the_api_count_towards_the_login_page_lockout(client, member, frozen):
    api = APIClient()
    for i in range(5):
        api.post(TOKEN, {"username": "thuongtruc", "password": f"sai-{i}"})
    assert client.post(LOGIN, {"username": "thuongtruc", "password": PASSWORD}).status_code == 429
