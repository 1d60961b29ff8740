"""In a real browser: the chair assembles one decision for every waiting model and reads it."""

import pytest
from django.utils import timezone

from recognition.models import RecognitionDecision
from tests.workflows.test_decision_flow import awaiting
from workflows.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_chair_selects_all_and_issues_one_decision_cleanly(browser_page, world, dossier, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    names = ["Hũ gạo tình thương", "Tổ dân vận"]
    for name in names:
        awaiting(world, dossier, name)
    world.chair.set_password(DEMO_PASSWORD)
    world.chair.save(update_fields=["password"])

    browser_page.login("truongban", DEMO_PASSWORD)
    browser_page.goto("/decisions/")
    browser_page.goto(f"/decisions/campaigns/{world.campaign.pk}/assemble/")
    page = browser_page.page
    assert "2 mô hình chờ quyết định theo bộ lọc" in page.content()
    page.check("input[name=select_all]")
    page.fill("input[name=signed_on]", timezone.localdate().strftime("%d/%m/%Y"))
    browser_page.submit('button:has-text("Ký và ban hành quyết định")')

    decision = RecognitionDecision.objects.get()
    assert page.url == f"{browser_page.base_url}/decisions/{decision.pk}/"
    text = page.content()
    assert "Quyết định số 1-QĐ/BCĐ" in text
    assert all(name in text for name in names)
    browser_page.assert_clean()
