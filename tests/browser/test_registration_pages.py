"""In a real browser: the commune's standing body registers on a residential area's behalf,
is warned of a near-duplicate name, confirms, and opens the quota page — cleanly."""

import pytest

from recognition.models import MovementModel, UnitKind
from tests.factories import unit_create
from workflows.demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_registration_on_behalf_with_duplicate_warning(browser_page, world):
    residential = unit_create(name="Khu vực 3", parent=world.commune, kind=UnitKind.RESIDENTIAL_AREA)
    world.commune_standing_body.set_password(DEMO_PASSWORD)
    world.commune_standing_body.save(update_fields=["password"])
    browser_page.login("thuongtruc_phuong", DEMO_PASSWORD)
    page = browser_page.page

    def fill_dossier(name: str) -> None:
        assert browser_page.goto("/models/register/").status == 200
        page.select_option("#id_unit", str(residential.pk))
        page.fill("#id_name", name)
        page.select_option("#id_field", str(world.field.pk))
        page.select_option("#id_kind", "model")
        page.select_option("#id_collective_kind", "collective")
        for field, value in {
            "contact_name": "Nguyễn Thị Lan",
            "contact_phone": "0292 3821 000",
            "situation": "Nhiều hộ khó khăn.",
            "objectives": "Hỗ trợ 50 hộ.",
            "content_and_method": "Góp gạo mỗi tuần.",
            "scope": "Khu vực 3.",
            "forces": "Chi bộ chủ trì.",
            "starts_on": "15/01/2026",
            "outputs": "Sổ theo dõi.",
            "sustainability": "Duy trì.",
        }.items():
            page.fill(f"#id_{field}", value)
        browser_page.submit()

    fill_dossier("Hũ gạo tình thương")
    first = MovementModel.objects.get()
    assert page.url == f"{browser_page.base_url}/models/{first.pk}/"
    assert "đăng ký thay đơn vị" in page.content()

    fill_dossier("Hu gao tinh thuong")
    assert "Tôi xác nhận đây không phải mô hình trùng" in page.text_content("body")
    assert page.is_visible("#similar-models")
    assert MovementModel.objects.count() == 1
    page.check("#id_confirm_duplicate")
    browser_page.submit()
    assert MovementModel.objects.count() == 2

    assert browser_page.goto(f"/models/quotas/{world.campaign.pk}/").status == 200
    browser_page.assert_clean()
