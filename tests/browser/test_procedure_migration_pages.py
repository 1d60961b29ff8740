"""In a real browser: an admin selects every listed process, reads the dry run, confirms, and the
progress bar follows the Celery worker's run to the end (no console error, no CSP violation)."""

import pytest
from playwright.sync_api import expect

from recognition.models import MovementModel
from tests.accounts.support import totp_code, totp_device_enrolled
from tests.browser.test_pages import with_password
from tests.notifications.conftest import mail_dir, redis_server, workers  # noqa: F401 (fixtures)
from tests.notifications.support import celery_broker
from tests.workflows.api_support import register
from tests.workflows.migration_support import version_published
from workflows.demo import DEMO_PASSWORD
from workflows.models import RecognitionProcess

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_admin_moves_processes_and_watches_the_progress(browser_page, world, redis_server, workers):  # noqa: F811
    with_password(world.admin)
    device = totp_device_enrolled(world.admin)
    models = [MovementModel.objects.get(pk=register(world, name=f"Mô hình {n}")["id"]) for n in (1, 2)]
    target = version_published(world, models[0].process.procedure_version)
    workers()
    with celery_broker(redis_server.url):
        browser_page.login("quantri", DEMO_PASSWORD)
        browser_page.page.fill("input[name=token]", totp_code(device))
        browser_page.submit()
        browser_page.goto("/procedures/migrate/")
        page = browser_page.page
        page.check("input[data-select-all]")
        assert page.eval_on_selector_all("input[name=processes]", "boxes => boxes.map(b => b.checked)") == [True, True]
        page.select_option("select[name=target]", str(target.pk))
        page.fill("textarea[name=reason]", "Áp dụng quy trình mới của tỉnh.")
        browser_page.submit("button[value=dry_run]")
        assert "Kết quả chạy thử" in page.content()
        browser_page.submit("button[value=apply]")
        assert "/procedures/migrate/runs/" in page.url
        expect(page.locator("[data-progress=status]")).to_have_text("Đã xong", timeout=60_000)
        assert page.text_content("[data-progress=done]") == "2"
        assert page.eval_on_selector("progress", "bar => bar.value") == 100
    assert set(RecognitionProcess.objects.values_list("procedure_version_id", flat=True)) == {target.pk}
    browser_page.assert_clean()
