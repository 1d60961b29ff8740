"""In a real browser: the standing body ends a case from the model page, with its reason, cleanly."""

import pytest

from recognition.models import MovementModel
from tests.workflows.api_support import register
from workflows.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_standing_body_ends_a_case_from_the_model_page(browser_page, world):
    world.standing_body.set_password(DEMO_PASSWORD)
    world.standing_body.save(update_fields=["password"])
    movement_model = MovementModel.objects.get(pk=register(world)["id"])

    browser_page.login("thuongtruc", DEMO_PASSWORD)
    browser_page.goto(f"/models/{movement_model.pk}/")
    with browser_page.page.expect_navigation(wait_until="networkidle"):
        browser_page.page.click(f"a[href='/models/{movement_model.pk}/end/']")
    browser_page.submit(".kheo-case-end button[type=submit]")
    assert "Phải ghi rõ lý do kết thúc hồ sơ." in browser_page.page.content()

    browser_page.page.fill("textarea[name=reason]", "Đơn vị đã giải thể.")
    browser_page.submit(".kheo-case-end button[type=submit]")

    assert browser_page.page.url == f"{browser_page.base_url}/models/{movement_model.pk}/"
    assert "Không công nhận" in browser_page.page.content()
    movement_model.refresh_from_db()
    assert (movement_model.stage, movement_model.outcome_reason) == ("rejected", "Đơn vị đã giải thể.")
    browser_page.assert_clean()
