"""The designer's pages: who may open them, editing a draft, problems beside fields, publishing."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from procedures.models import ProcedureDefinition, ProcedureVersion
from procedures.services import definition_create, draft_create, national_version_ensure
from recognition.models import AuditAction, AuditEvent
from recognition.roles import Role
from tests.factories import unit_create, user_with_role
from tests.procedures.designer_support import edit_post_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_draft(world):
    """The province's own definition with its first draft (copied from the national version)."""
    national_version_ensure()
    return definition_create(unit=world.province, author=world.admin)


def _login(client, user):
    client.force_login(user)
    return client


def _text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_design_permission_is_granted_to_admins_only(world):
    assert world.admin.has_perm("procedures.design_procedure")
    assert not world.standing_body.has_perm("procedures.design_procedure")
    assert not world.auditor.has_perm("procedures.design_procedure")
    assert Permission.objects.get(codename="design_procedure").group_set.get().name == Role.ADMIN


def test_admin_sees_the_national_definition_read_only_and_can_create_the_units_own(client, world):
    national = national_version_ensure()
    response = _login(client, world.admin).get("/procedures/")
    text = _text(response)
    assert response.status_code == 200
    assert national.definition.name in text
    assert "chỉ xem (quy trình của cấp trên)" in text
    assert "Tạo quy trình riêng cho đơn vị" in text
    assert f"/procedures/definitions/{national.definition.pk}/draft/" not in text  # no draft button for it
    assert "Thiết kế quy trình" in text  # the sidebar entry


def test_the_sidebar_entry_is_hidden_from_users_without_the_permission(client, world):
    response = _login(client, world.standing_body).get("/models/")
    assert response.status_code == 200
    assert "Thiết kế quy trình" not in response.content.decode()


def test_creating_the_units_own_definition_copies_the_version_in_force(client, world):
    national = national_version_ensure()
    response = _login(client, world.admin).post("/procedures/own/")
    definition = ProcedureDefinition.objects.get(owner_unit=world.province)
    draft = definition.versions.get()
    assert response.status_code == 302
    assert response["Location"] == f"/procedures/versions/{draft.pk}/edit/"
    assert (definition.name, draft.number, draft.status, draft.based_on_id) == (
        "Quy trình của Thành ủy Cần Thơ",
        1,
        "draft",
        national.pk,
    )
    assert draft.spec == national.spec
    event = AuditEvent.objects.get(action=AuditAction.PROCEDURE_DRAFT_SAVED)
    payload = event.payload
    assert (event.actor, payload["version"], payload["definition"]) == (world.admin, draft.pk, definition.pk)
    # A second time: the unit already owns one, nothing is created.
    response = client.post("/procedures/own/", follow=True)
    assert "Đơn vị này đã có quy trình riêng." in _text(response)
    assert ProcedureDefinition.objects.filter(owner_unit=world.province).count() == 1


@pytest.mark.parametrize(
    "path",
    [
        "/procedures/",
        "/procedures/versions/{draft}/",
        "/procedures/versions/{draft}/edit/",
        "/procedures/versions/{draft}/diff/",
        "/procedures/versions/{draft}/publish/",
    ],
)
def test_every_page_renders_for_the_admin_and_refuses_users_without_the_permission(client, world, province_draft, path):
    url = path.format(draft=province_draft.pk)
    assert _login(client, world.admin).get(url).status_code == 200
    for user in (world.standing_body, world.auditor, world.submitter):
        client.force_login(user)
        assert client.get(url).status_code == 403, (user.username, url)


def test_posts_are_refused_to_users_without_the_permission(client, world, province_draft):
    national = ProcedureVersion.objects.get(definition__owner_unit=None)
    client.force_login(world.standing_body)
    assert client.post("/procedures/own/").status_code == 403
    assert client.post(f"/procedures/definitions/{province_draft.definition_id}/draft/").status_code == 403
    edit_url = f"/procedures/versions/{province_draft.pk}/edit/"
    assert client.post(edit_url, edit_post_data(province_draft)).status_code == 403
    assert client.post(f"/procedures/versions/{province_draft.pk}/publish/", {"reason": "x"}).status_code == 403
    province_draft.refresh_from_db()
    assert (province_draft.status, ProcedureVersion.objects.count(), national.status) == ("draft", 2, "published")


def test_an_admin_cannot_change_the_national_definition_or_another_units(client, world, province_draft):
    national = ProcedureVersion.objects.get(definition__owner_unit=None)
    commune_admin = user_with_role(role=Role.ADMIN, unit=world.commune, username="quantri_phuong")
    other_admin = user_with_role(role=Role.ADMIN, unit=world.other_commune, username="quantri_xa")
    commune_draft = definition_create(unit=world.commune, author=commune_admin)

    client.force_login(world.admin)
    assert client.post(f"/procedures/definitions/{national.definition_id}/draft/").status_code == 403
    assert client.get(f"/procedures/versions/{national.pk}/").status_code == 200  # read: in force above
    # The province admin changes the commune's (a unit below).
    assert client.get(f"/procedures/versions/{commune_draft.pk}/edit/").status_code == 200

    client.force_login(commune_admin)
    assert client.get(f"/procedures/versions/{province_draft.pk}/").status_code == 200  # above: read only
    assert client.get(f"/procedures/versions/{province_draft.pk}/edit/").status_code == 403
    assert client.post(f"/procedures/versions/{province_draft.pk}/publish/", {"reason": "x"}).status_code == 403

    client.force_login(other_admin)  # a sibling commune: out of scope entirely
    assert client.get(f"/procedures/versions/{commune_draft.pk}/").status_code == 403
    assert client.get(f"/procedures/versions/{commune_draft.pk}/diff/").status_code == 403
    listed = _text(client.get("/procedures/"))
    assert commune_draft.definition.name not in listed
    assert province_draft.definition.name in listed
    assert ProcedureVersion.objects.filter(status="draft").count() == 2


def test_a_superuser_drafts_the_national_definition(client, world):
    national = national_version_ensure()
    superuser = user_with_role(role=Role.ADMIN, unit=world.province, username="sieuquantri", is_superuser=True)
    response = _login(client, superuser).post(f"/procedures/definitions/{national.definition_id}/draft/")
    draft = national.definition.versions.get(status="draft")
    assert (response.status_code, response["Location"], draft.number) == (
        302,
        f"/procedures/versions/{draft.pk}/edit/",
        2,
    )


def test_editing_a_draft_saves_every_part_and_shows_it_again(client, world, province_draft):
    data = edit_post_data(
        province_draft,
        **{
            "stage-survey-sla_working_days": "9",
            "stage-survey-enabled": None,
            "stage-evaluate-reminder_offsets": "-3, -1, 0",
            "escalation-survey-1-after_working_days": "4",
            "escalation-survey-1-supervisor_role": Role.CHAIR,
            "escalation-survey-1-reassign": "on",
            "escalation-survey-TOTAL_FORMS": "2",
            "steps-0-key": "mat-tran",
            "steps-0-title": "Thẩm định của Mặt trận",
            "steps-0-after": "survey",
            "steps-0-performer_role": Role.STANDING_BODY,
            "steps-0-performer_unit": "province",
            "steps-0-sla_working_days": "5",
            "general-quorum": "2",
            "general-aggregation": "median",
            "general-required_dossier_fields": ["name", "scope"],
            "general-min_attachments": "2",
            "general-survey_not_recommended": "end_case",
            "general-decision_number_format": "{number}/QĐ-BCĐ",
            "rubric-collective-0-max_points": "25",
            "rubric-collective-0-weight": "1.5",
        },
    )
    client.force_login(world.admin)
    response = client.post(f"/procedures/versions/{province_draft.pk}/edit/", data)
    assert (response.status_code, response["Location"]) == (302, f"/procedures/versions/{province_draft.pk}/edit/")
    province_draft.refresh_from_db()
    spec = province_draft.spec
    survey = spec["stages"]["survey"]
    assert (survey["enabled"], survey["sla_working_days"]) == (False, 9)
    assert survey["escalation"][-1] == {"after_working_days": 4, "supervisor_role": "chair", "reassign": True}
    assert spec["stages"]["evaluate"]["reminder_offsets"] == [-3, -1, 0]
    assert spec["stages"]["check_dossier"]["enabled"] is True
    assert spec["approval_steps"] == [
        {
            "key": "mat-tran",
            "title": "Thẩm định của Mặt trận",
            "after": "survey",
            "performer_role": "standing_body",
            "performer_unit": "province",
            "sla_working_days": 5,
        }
    ]
    assert (spec["evaluation"]["quorum"], spec["evaluation"]["aggregation"]) == (2, "median")
    assert (spec["required_dossier_fields"], spec["min_attachments"]) == (["name", "scope"], 2)
    assert (spec["survey_not_recommended"], spec["decision_number_format"]) == ("end_case", "{number}/QĐ-BCĐ")
    assert (spec["rubric"]["collective"][0]["max_points"], spec["rubric"]["collective"][0]["weight"]) == (25, "1.5")

    page = _text(client.get(f"/procedures/versions/{province_draft.pk}/edit/"))
    assert 'name="stage-survey-sla_working_days" value="9"' in page
    assert 'value="Thẩm định của Mặt trận"' in page
    assert "Thẩm định của Mặt trận" in page.split("<svg", 1)[1]  # drawn in the diagram

    # Removing the approval step: its row marked for deletion.
    data = edit_post_data(province_draft, **{"steps-0-DELETE": "on"})
    client.post(f"/procedures/versions/{province_draft.pk}/edit/", data)
    province_draft.refresh_from_db()
    assert province_draft.spec["approval_steps"] == []


def test_a_mandatory_stage_cannot_be_switched_off_from_the_form(client, world, province_draft):
    data = edit_post_data(province_draft)
    data.pop("stage-check_dossier-enabled")
    _login(client, world.admin).post(f"/procedures/versions/{province_draft.pk}/edit/", data)
    province_draft.refresh_from_db()
    assert province_draft.spec["stages"]["check_dossier"]["enabled"] is True


def test_a_value_of_the_wrong_type_is_refused_and_nothing_is_saved(client, world, province_draft):
    before = dict(province_draft.spec)
    data = edit_post_data(province_draft, **{"stage-survey-sla_working_days": "mười", "general-quorum": "2"})
    response = _login(client, world.admin).post(f"/procedures/versions/{province_draft.pk}/edit/", data)
    text = _text(response)
    assert response.status_code == 200
    assert "Chưa lưu: vui lòng sửa các trường được đánh dấu." in text
    field = text.split('data-field="stage-survey-sla_working_days"', 1)[1].split("</div>", 1)[0]
    assert "Nhập một số tổng thể." in field  # Django's own Vietnamese message
    province_draft.refresh_from_db()
    assert province_draft.spec == before


def test_a_problem_is_shown_beside_its_field_and_does_not_block_saving(client, world, province_draft):
    data = edit_post_data(province_draft, **{"general-pass_threshold": "95", "general-outstanding_threshold": "90"})
    client.force_login(world.admin)
    response = client.post(f"/procedures/versions/{province_draft.pk}/edit/", data, follow=True)
    province_draft.refresh_from_db()
    assert province_draft.spec["evaluation"]["pass_threshold"] == "95"  # saved
    text = _text(response)
    message = "Ngưỡng công nhận (95) không được cao hơn ngưỡng tiêu biểu (90)."
    assert "Đã lưu bản nháp. Còn 1 vấn đề cần sửa trước khi ban hành." in text
    summary = text.split('id="problems"', 1)[1].split("</div>", 1)[0]
    assert message in summary
    beside = text.split('data-field="general-pass_threshold"', 1)[1].split("</div>", 1)[0]
    assert message in beside
    other = text.split('data-field="general-outstanding_threshold"', 1)[1].split("</div>", 1)[0]
    assert message not in other


def test_publishing_is_refused_without_a_reason_and_while_problems_remain(client, world, province_draft):
    client.force_login(world.admin)
    url = f"/procedures/versions/{province_draft.pk}/publish/"
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "Phải ghi rõ lý do ban hành phiên bản này." in _text(response)

    data = edit_post_data(province_draft, **{"general-pass_threshold": "95", "general-outstanding_threshold": "90"})
    client.post(f"/procedures/versions/{province_draft.pk}/edit/", data)
    response = client.post(url, {"reason": "Theo hướng dẫn mới."})
    assert response.status_code == 400
    assert "Ngưỡng công nhận (95) không được cao hơn ngưỡng tiêu biểu (90)." in _text(response)
    province_draft.refresh_from_db()
    assert province_draft.status == "draft"
    assert not AuditEvent.objects.filter(action=AuditAction.PROCEDURE_PUBLISHED, actor=world.admin).exists()


def test_publishing_a_valid_draft_with_a_reason(client, world, province_draft):
    data = edit_post_data(province_draft, **{"stage-survey-sla_working_days": "8"})
    client.force_login(world.admin)
    client.post(f"/procedures/versions/{province_draft.pk}/edit/", data)
    page = _text(client.get(f"/procedures/versions/{province_draft.pk}/publish/"))
    assert "Bản nháp hợp lệ: có thể ban hành." in page
    assert "Khảo sát thực tế — Thời hạn" in page
    response = client.post(f"/procedures/versions/{province_draft.pk}/publish/", {"reason": "Rút ngắn khảo sát."})
    assert (response.status_code, response["Location"]) == (302, f"/procedures/versions/{province_draft.pk}/")
    province_draft.refresh_from_db()
    assert (province_draft.status, province_draft.publish_reason, province_draft.published_by) == (
        "published",
        "Rút ngắn khảo sát.",
        world.admin,
    )
    event = AuditEvent.objects.get(action=AuditAction.PROCEDURE_PUBLISHED, actor=world.admin)
    assert event.reason == "Rút ngắn khảo sát."
    # Published: the edit page sends back to the read view; the list offers a new draft.
    assert client.get(f"/procedures/versions/{province_draft.pk}/edit/")["Location"] == (
        f"/procedures/versions/{province_draft.pk}/"
    )
    draft_action = f'action="/procedures/definitions/{province_draft.definition_id}/draft/"'
    assert draft_action in _text(client.get("/procedures/"))
    assert draft_action in _text(client.get(f"/procedures/versions/{province_draft.pk}/"))


def test_the_diff_page_lists_each_change_against_the_published_version(client, world, province_draft):
    province_draft.spec["stages"]["survey"]["sla_working_days"] = 8
    province_draft.spec["evaluation"]["pass_threshold"] = "75"
    province_draft.save(update_fields=["spec"])
    text = _text(_login(client, world.admin).get(f"/procedures/versions/{province_draft.pk}/diff/"))
    assert (
        '<tr data-path="stages.survey.sla_working_days"><th scope="row">Khảo sát thực tế — Thời hạn</th>'
        '<td class="kheo-diff__before">12 ngày làm việc</td><td class="kheo-diff__after">8 ngày làm việc</td></tr>'
    ) in text
    assert (
        '<tr data-path="evaluation.pass_threshold"><th scope="row">Ngưỡng công nhận (điểm)</th>'
        '<td class="kheo-diff__before">70</td><td class="kheo-diff__after">75</td></tr>'
    ) in text


def test_a_new_draft_copies_the_published_version_and_only_one_draft_is_open(client, world, province_draft):
    client.force_login(world.admin)
    client.post(f"/procedures/versions/{province_draft.pk}/publish/", {"reason": "Ban hành lần đầu."})
    response = client.post(f"/procedures/definitions/{province_draft.definition_id}/draft/")
    second = province_draft.definition.versions.get(status="draft")
    assert (response["Location"], second.number, second.based_on_id) == (
        f"/procedures/versions/{second.pk}/edit/",
        2,
        province_draft.pk,
    )
    response = client.post(f"/procedures/definitions/{province_draft.definition_id}/draft/")
    assert response["Location"] == f"/procedures/versions/{second.pk}/edit/"
    assert province_draft.definition.versions.count() == 2


def test_the_version_page_shows_the_spec_and_the_diagram(client, world, province_draft):
    text = _text(_login(client, world.admin).get(f"/procedures/versions/{province_draft.pk}/"))
    assert "Quy trình của Thành ủy Cần Thơ — phiên bản 1" in text
    assert '<th scope="row">Thời hạn</th><td>12 ngày làm việc</td>' in text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="kheo-flow-diagram"' in text
    for kind in ("json", "bpmn", "svg"):
        assert f'href="/api/v1/procedures/versions/{province_draft.pk}/export/{kind}/"' in text
    assert Decimal(province_draft.spec["evaluation"]["pass_threshold"]) == Decimal("70")


def test_an_unknown_version_is_a_404(client, world):
    national_version_ensure()
    assert _login(client, world.admin).get("/procedures/versions/999999/").status_code == 404


def test_draft_create_service_refuses_nothing_for_a_unit_below(world):
    # A commune below the province gets its own definition from what is in force for it.
    national = national_version_ensure()
    commune = unit_create(name="Đảng ủy phường An Hòa", parent=world.province)
    draft = definition_create(unit=commune, author=world.admin)
    assert (draft.based_on_id, draft.definition.owner_unit) == (national.pk, commune)
    assert draft_create(definition=draft.definition, author=world.admin).number == 2


def test_the_rules_messages_are_shown_beside_their_fields_in_stages_and_lists(client, world, province_draft):
    step = {
        "steps-{i}-title": "Ý kiến pháp chế",
        "steps-{i}-after": "evaluate",
        "steps-{i}-performer_role": Role.STANDING_BODY,
        "steps-{i}-performer_unit": "organiser",
        "steps-{i}-sla_working_days": "3",
    }
    data = edit_post_data(
        province_draft,
        **{"stage-survey-sla_working_days": "0", "steps-TOTAL_FORMS": "2", "steps-0-key": "phap-che"},
        **{"steps-1-key": "phap-che"},
        **{key.format(i=i): value for i in (0, 1) for key, value in step.items()},
    )
    client.force_login(world.admin)
    response = client.post(f"/procedures/versions/{province_draft.pk}/edit/", data, follow=True)
    province_draft.refresh_from_db()
    assert [step["key"] for step in province_draft.spec["approval_steps"]] == ["phap-che", "phap-che"]  # saved
    text = _text(response)
    sla = "Thời hạn xử lý bước “Khảo sát thực tế” là 0 ngày: phải lớn hơn 0 ngày làm việc."
    duplicate = "Mã “phap-che” đã dùng cho một bước thẩm định bổ sung khác: mỗi bước cần một mã riêng."
    stage_block = text.split('data-field="stage-survey-sla_working_days"', 1)[1].split("</div>", 1)[0]
    assert sla in stage_block
    first_key = text.split('data-field="steps-0-key"', 1)[1].split("</td>", 1)[0]
    second_key = text.split('data-field="steps-1-key"', 1)[1].split("</td>", 1)[0]
    assert (duplicate in first_key, duplicate in second_key) == (False, True)
    summary = text.split('id="problems"', 1)[1].split("</div>", 1)[0]
    assert sla in summary and duplicate in summary
    assert "Đã lưu bản nháp. Còn 2 vấn đề cần sửa trước khi ban hành." in text
