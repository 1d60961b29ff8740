"""In a real browser: the standing body proposes every tiêu biểu model of the campaign for an award."""

import pytest

from recognition.models import AwardProposal
from tests.recognition.awards_support import recognised_fixture  # noqa: F401  (the `recognised` fixture)
from workflows.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_standing_body_proposes_with_select_all_and_opens_the_proposal(browser_page, world, recognised):
    world.standing_body.set_password(DEMO_PASSWORD)
    world.standing_body.save(update_fields=["password"])
    browser_page.login("thuongtruc", DEMO_PASSWORD)

    response = browser_page.goto(f"/awards/new/?campaign={world.campaign.pk}")
    assert response.status == 200
    page = browser_page.page
    assert "Thắp sáng đường quê" in page.content()
    page.select_option("select[name=award_kind]", "diploma_of_merit")
    page.fill("input[name=authority]", "Chủ tịch Ủy ban nhân dân thành phố Cần Thơ")
    page.check("input[name=select_all]")
    browser_page.submit("form.vf-form button[type=submit]")

    proposal = AwardProposal.objects.get()
    assert page.url == f"{browser_page.base_url}/awards/{proposal.pk}/"
    content = page.content()
    assert "Tờ trình số 01-TTr/BCĐ" in content
    assert "Hũ gạo tình thương" in content and "Thắp sáng đường quê" in content
    assert browser_page.goto("/awards/").status == 200
    browser_page.assert_clean()
