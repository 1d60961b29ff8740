"""In a real browser: sign-in, the main pages, the API docs, the lockout and the second factor,
with no console error and no Content-Security-Policy violation anywhere."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.second_factor import recovery_codes_regenerate
from recognition.models import MovementModel
from tests.accounts.support import totp_code, totp_device_enrolled
from tests.workflows.api_support import register
from tests.workflows.views_support import open_task, task_url
from workflows.demo import DEMO_PASSWORD

# Live server and browser see committed data; serialized_rollback restores the reference
# data (levels, fields) that migrations seed, which the flush after each test removes.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def with_password(*users):
    for user in users:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])


def test_standing_body_opens_every_main_page_cleanly(browser_page, world):
    with_password(world.standing_body)
    registered = register(world)
    movement_model = MovementModel.objects.get(pk=registered["id"])
    task = open_task(movement_model, "check_dossier")

    browser_page.login("thuongtruc", DEMO_PASSWORD)
    assert browser_page.page.url.startswith(browser_page.base_url + "/recognition/")
    pages = {
        "/recognition/inbox/": "Hộp việc",
        "/recognition/queue/": registered["name"],
        "/recognition/archive/": "",
        "/models/": registered["name"],
        f"/models/{movement_model.pk}/": registered["name"],
        task_url(task, "detail"): registered["name"],
        task_url(task, "assign"): registered["name"],
        "/recognition/": "",
        "/recognition/flows/": "",
        "/recognition/tasks/": "",
        "/recognition/chart/": "",
        f"/recognition/{task.process_id}/": registered["name"],
        f"/recognition/{task.process_id}/chart/": "",
        "/notifications/": "Thông báo",
        "/notifications/preference/": "",
        "/accounts/profile/": "",
        "/accounts/password_change/": "Đổi mật khẩu",
        "/api/v1/docs/": "",
    }
    for path, text in pages.items():
        response = browser_page.goto(path)
        assert response.status == 200, path
        if text:
            assert text in browser_page.page.content(), path
    browser_page.page.wait_for_selector("#swagger-ui .information-container", timeout=20_000)
    browser_page.assert_clean()


def test_auditor_verifies_the_second_factor_then_reads_the_audit_pages(browser_page, world):
    with_password(world.auditor)
    device = totp_device_enrolled(world.auditor)
    registered = register(world)
    movement_model = MovementModel.objects.get(pk=registered["id"])

    browser_page.login("kiemtra", DEMO_PASSWORD)
    assert "/accounts/otp/verify/" in browser_page.page.url
    assert "Xác thực hai bước" in browser_page.page.content()
    browser_page.page.fill("input[name=token]", totp_code(device))
    browser_page.submit()
    for path in ["/audit/", f"/audit/models/{movement_model.pk}/", "/recognition/", "/models/"]:
        response = browser_page.goto(path)
        assert response.status == 200, path
    assert registered["name"] in browser_page.page.content()
    # Every recorded value of the model's trail is readable in full: no cell cuts its text off.
    browser_page.goto(f"/audit/models/{movement_model.pk}/")
    cut_off = browser_page.page.evaluate(
        """() => [...document.querySelectorAll('.kheo-audit-table tbody td')]
            .filter(cell => cell.scrollWidth > cell.clientWidth + 1).map(cell => cell.innerText.slice(0, 40))"""
    )
    assert cut_off == []
    browser_page.assert_clean()


def test_admin_enrols_an_authenticator_app(browser_page, world):
    with_password(world.admin)
    browser_page.login("quantri", DEMO_PASSWORD)
    assert "/accounts/otp/enrol/" in browser_page.page.url
    assert browser_page.page.locator(".kheo-otp__qr svg").count() == 1
    secret = browser_page.page.inner_text("[data-testid=otp-secret]")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)

    device = TOTPDevice.objects.get(user=world.admin, confirmed=False)
    browser_page.page.fill("input[name=token]", totp_code(device))
    browser_page.submit()
    codes = browser_page.page.locator("[data-testid=recovery-codes] li").all_inner_texts()
    assert len(codes) == 10
    browser_page.submit("text=Tôi đã lưu, tiếp tục")
    admin_pages = [
        "/admin/",
        "/admin/recognition/unit/",
        "/admin/recognition/campaign/add/",
        "/admin/axes/accessattempt/",
    ]
    for path in admin_pages:
        assert browser_page.goto(path).status == 200, path
    assert browser_page.goto("/accounts/otp/recovery-codes/").status == 200
    assert "Bạn còn 10 mã khôi phục chưa dùng." in browser_page.page.content()
    browser_page.assert_clean()


def test_lockout_message_after_too_many_wrong_passwords(browser_page, world):
    with_password(world.standing_body)
    for attempt in range(5):
        browser_page.goto("/accounts/login/")
        browser_page.page.fill("input[name=username]", "thuongtruc")
        browser_page.page.fill("input[name=password]", f"sai-{attempt}")
        browser_page.submit()
    text = browser_page.page.inner_text("body")
    assert "Đăng nhập tạm thời bị khóa vì nhập sai quá nhiều lần. Hãy thử lại sau 15 phút" in text
    browser_page.page.fill("input[name=username]", "thuongtruc")
    browser_page.page.fill("input[name=password]", DEMO_PASSWORD)
    browser_page.submit()
    assert "/accounts/login/" in browser_page.page.url
    assert "Đăng nhập tạm thời bị khóa" in browser_page.page.inner_text("body")
    # The 429 responses themselves are logged by Chromium as failed loads; nothing else may be.
    browser_page.problems = [p for p in browser_page.problems if "429" not in p]
    browser_page.assert_clean()


def test_recovery_code_signs_in_once(browser_page, world):
    with_password(world.admin)
    totp_device_enrolled(world.admin)
    code = recovery_codes_regenerate(user=world.admin)[0]
    browser_page.login("quantri", DEMO_PASSWORD)
    browser_page.page.fill("input[name=token]", code)
    browser_page.submit()
    assert "Bạn vừa dùng một mã khôi phục; còn 9 mã." in browser_page.page.content()
    browser_page.assert_clean()


def test_sign_in_fields_show_what_is_typed_inside_their_boxes(browser_page, world):
    browser_page.goto("/accounts/login/")
    page = browser_page.page
    page.fill("input[name=username]", "thuongtruc")
    page.fill("input[name=password]", "mat-khau")
    for name in ("username", "password"):
        box = page.locator(f".mdc-text-field:has(input[name={name}])").bounding_box()
        typed = page.locator(f"input[name={name}]").bounding_box()
        assert box["y"] <= typed["y"] and typed["y"] + typed["height"] <= box["y"] + box["height"], (name, box, typed)
        assert box["x"] <= typed["x"] and typed["x"] + typed["width"] <= box["x"] + box["width"], (name, box, typed)
    password = page.locator(".mdc-text-field:has(input[name=password])").bounding_box()
    assert password["y"] + password["height"] <= page.locator("form.vf-form button[type=submit]").bounding_box()["y"]
    browser_page.assert_clean()
