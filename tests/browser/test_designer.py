"""In a real browser: an admin opens the designer, gives the unit its own procedure, shortens a
deadline, saves, reads the diff and publishes — with no console error and no CSP violation."""

import pytest

from procedures.models import ProcedureDefinition
from procedures.services import national_version_ensure
from tests.accounts.support import totp_code, totp_device_enrolled
from tests.browser.test_pages import with_password
from workflows.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_admin_edits_an_sla_sees_the_diff_and_publishes(browser_page, world):
    with_password(world.admin)
    device = totp_device_enrolled(world.admin)
    national_version_ensure()
    page = browser_page.page

    browser_page.login("quantri", DEMO_PASSWORD)
    page.fill("input[name=token]", totp_code(device))
    browser_page.submit()

    assert browser_page.goto("/procedures/").status == 200
    assert page.locator("nav >> text=Thiết kế quy trình").count() >= 1
    browser_page.submit("button:has-text('Tạo quy trình riêng cho đơn vị')")
    draft = ProcedureDefinition.objects.get(owner_unit=world.province).versions.get()
    assert page.url.endswith(f"/procedures/versions/{draft.pk}/edit/")
    assert page.locator("svg.kheo-flow-diagram [data-node='survey'] >> text=12 ngày làm việc").count() == 1

    page.fill("input[name='stage-survey-sla_working_days']", "8")
    browser_page.submit("button[name=save]")
    # (The snackbar's "Đã lưu bản nháp…" may already be gone: the page's own notice is read.)
    assert page.locator(".kheo-valid").inner_text() == "Bản nháp hợp lệ: có thể ban hành."
    assert page.locator("svg.kheo-flow-diagram [data-node='survey'] >> text=8 ngày làm việc").count() == 1

    browser_page.submit("a:has-text('So sánh với bản đang áp dụng')")
    row = page.locator("tr[data-path='stages.survey.sla_working_days']")
    assert row.locator("th").inner_text() == "Khảo sát thực tế — Thời hạn"
    assert row.locator("td").all_inner_texts() == ["12 ngày làm việc", "8 ngày làm việc"]

    browser_page.submit("a:has-text('Ban hành')")
    page.fill("textarea[name=reason]", "Rút ngắn thời hạn khảo sát theo hướng dẫn của tỉnh.")
    browser_page.submit("button[name=publish]")
    assert page.url.endswith(f"/procedures/versions/{draft.pk}/")
    assert page.locator(".vf-card__title .kheo-status").inner_text() == "Đang áp dụng"
    draft.refresh_from_db()
    assert (draft.status, draft.spec["stages"]["survey"]["sla_working_days"]) == ("published", 8)
    browser_page.assert_clean()
