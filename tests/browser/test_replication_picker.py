"""In a real browser: the standing body finds adopting units by name in the replication task's picker,
picks one, and the adoption is recorded (no console error, no CSP violation)."""

import pytest
from playwright.sync_api import expect

from recognition.models import Replication
from tests.browser.test_pages import with_password
from tests.workflows.followups_support import recognised_model
from tests.workflows.views_support import open_task, task_url
from workflows.demo import DEMO_PASSWORD
from workflows.services import task_claim

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_standing_body_picks_adopting_units_by_searching(browser_page, world, dossier):
    with_password(world.standing_body)
    model = recognised_model(world, dossier)
    task = open_task(model, "replicate")
    task_claim(task_id=task.pk, user=world.standing_body)
    browser_page.login("thuongtruc", DEMO_PASSWORD)
    browser_page.goto(task_url(task, "execute"))
    page = browser_page.page
    page.fill(".kheo-unit-picker__search", "phong dien")
    expect(page.locator(".kheo-unit-picker__results button")).to_have_count(2)
    page.click(".kheo-unit-picker__results button:has-text('Hội Nông dân xã Phong Điền')")
    expect(page.locator(".kheo-unit-picker__chosen li")).to_have_count(1)
    page.fill("input[name=started_on]", "02/03/2026")
    browser_page.submit("button[form=kheo-task-form]:not([name])")
    assert [(r.adopting_unit_id, r.status) for r in Replication.objects.all()] == [(world.other_unit.pk, "planned")]
    browser_page.goto(f"/models/{model.pk}/")
    assert "1/3" in page.text_content(".kheo-coverage")
    browser_page.assert_clean()
