"""The council's pages: the campaign's council, the chair's close, ending a case, the explanation; who is refused."""

import html

import pytest

from recognition.models import AuditEvent, Campaign, CouncilClosure, ModelStage
from tests.recognition.audit_support import check, register, survey
from tests.workflows.test_council_evaluation import publish, score, to_council

pytestmark = pytest.mark.django_db


def page(response) -> str:
    return html.unescape(response.content.decode())


def chaired(world):
    world.campaign.council_chair = world.council[0]
    world.campaign.save()


# The campaign's council -------------------------------------------------------------------------


def test_the_standing_body_names_the_council_chair_and_secretary(client, world):
    client.force_login(world.standing_body)
    url = f"/models/campaigns/{world.campaign.pk}/council/"
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "council_members": [world.council[0].pk, world.council[1].pk],
            "council_chair": world.council[2].pk,
            "council_secretary": world.standing_body.pk,
            "reason": "Quyết định kiện toàn hội đồng số 3.",
        },
    )

    assert response.status_code == 302
    campaign = Campaign.objects.get(pk=world.campaign.pk)
    # The chair counts as a member.
    assert sorted(campaign.council_members.values_list("username", flat=True)) == ["hoidong1", "hoidong2", "hoidong3"]
    assert (campaign.council_chair, campaign.council_secretary) == (world.council[2], world.standing_body)
    record = AuditEvent.objects.get(action="reference_changed")
    assert (record.actor_id, record.reason, record.payload["changes"]["council_chair"]) == (
        world.standing_body.pk,
        "Quyết định kiện toàn hội đồng số 3.",
        {"before": None, "after": world.council[2].pk},
    )


def test_naming_the_council_needs_a_reason_and_a_secretary_other_than_the_chair(client, world):
    client.force_login(world.standing_body)
    url = f"/models/campaigns/{world.campaign.pk}/council/"
    response = client.post(url, {"council_chair": world.council[0].pk, "council_secretary": world.council[0].pk})
    assert response.status_code == 200  # the form again, with the refusal
    assert "Phải ghi rõ lý do thay đổi hội đồng." in page(response)
    response = client.post(
        url, {"council_chair": world.council[0].pk, "council_secretary": world.council[0].pk, "reason": "Kiện toàn"}
    )
    assert response.status_code == 200  # the form again, with the refusal
    assert "Thư ký hội đồng không được đồng thời là chủ tịch." in page(response)
    campaign = Campaign.objects.get(pk=world.campaign.pk)
    assert (campaign.council_chair, campaign.council_members.count()) == (None, 0)
    assert not AuditEvent.objects.filter(action="reference_changed").exists()


def test_others_cannot_name_the_council(client, world):
    url = f"/models/campaigns/{world.campaign.pk}/council/"
    for user, status in ((world.council[0], 403), (world.chair, 403), (world.commune_standing_body, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status
        assert client.post(url, {"reason": "x"}).status_code == status
    assert Campaign.objects.get(pk=world.campaign.pk).council_chair is None


# The model page and the chair's close -----------------------------------------------------------


def test_the_model_page_shows_the_seats_and_offers_the_chair_the_close_at_the_quorum(client, world, dossier):
    publish(world, quorum=2)
    chaired(world)
    model = to_council(world, dossier)
    score(model, world.council[0], 16)

    client.force_login(world.council[0])
    text = page(client.get(f"/models/{model.pk}/"))
    assert "1/3 thành viên đã chấm; cần tối thiểu 2 phiếu để chủ tịch kết thúc" in text
    assert "Kết thúc chấm điểm" not in text

    score(model, world.council[1], 17)
    text = page(client.get(f"/models/{model.pk}/"))
    assert "2/3 thành viên đã chấm" in text
    assert f'action="/models/{model.pk}/council/close/"' in text
    client.force_login(world.council[1])
    assert "Kết thúc chấm điểm" not in page(client.get(f"/models/{model.pk}/"))


def test_the_chairs_close_below_the_quorum_says_why_and_changes_nothing(client, world, dossier):
    publish(world, quorum=2)
    chaired(world)
    model = to_council(world, dossier)
    score(model, world.council[0], 16)
    client.force_login(world.council[0])

    response = client.post(f"/models/{model.pk}/council/close/", follow=True)

    assert "Chưa đủ số phiếu tối thiểu: mới có 1/3 phiếu, cần ít nhất 2 phiếu." in page(response)
    model.refresh_from_db()
    assert model.stage == ModelStage.EVALUATION
    assert CouncilClosure.objects.count() == 0


def test_the_chairs_close_at_the_quorum_runs_the_tally(client, world, dossier):
    publish(world, quorum=2)
    chaired(world)
    model = to_council(world, dossier)
    score(model, world.council[0], 16)
    score(model, world.council[1], 17)
    client.force_login(world.council[0])
    response = client.post(f"/models/{model.pk}/council/close/")
    assert response.status_code == 302
    model.refresh_from_db()
    assert model.stage == ModelStage.RECOGNITION


def test_a_member_who_is_not_the_chair_is_refused_the_close_and_another_unit_gets_404(client, world, dossier):
    publish(world, quorum=1)
    chaired(world)
    model = to_council(world, dossier)
    score(model, world.council[1], 16)
    client.force_login(world.council[1])
    assert client.post(f"/models/{model.pk}/council/close/").status_code == 403
    client.force_login(world.other_submitter)
    assert client.post(f"/models/{model.pk}/council/close/").status_code == 404
    model.refresh_from_db()
    assert model.stage == ModelStage.EVALUATION


def test_the_council_sees_a_survey_that_did_not_recommend(client, world, dossier):
    from tests.workflows.test_procedure_engine import _survey_not_recommending

    model = register(world, dossier)
    check(world, model, accept=True)
    _survey_not_recommending(world, model)  # the national version: continue, flagged
    client.force_login(world.council[0])
    text = page(client.get(f"/models/{model.pk}/"))
    assert "Không đề nghị công nhận: Mô hình đã ngừng hoạt động từ tháng 3." in text


# Ending a case ----------------------------------------------------------------------------------


def test_the_standing_body_ends_a_case_through_the_page(client, world, dossier):
    model = register(world, dossier)
    client.force_login(world.standing_body)
    assert f'href="/models/{model.pk}/end/"' in page(client.get(f"/models/{model.pk}/"))
    assert client.get(f"/models/{model.pk}/end/").status_code == 200

    response = client.post(f"/models/{model.pk}/end/", {"reason": "  "})
    assert response.status_code == 200  # the form again, with the refusal
    assert "Phải ghi rõ lý do kết thúc hồ sơ." in page(response)
    model.refresh_from_db()
    assert model.stage == ModelStage.REGISTERED

    response = client.post(f"/models/{model.pk}/end/", {"reason": "Đơn vị đã giải thể."})
    assert response.status_code == 302
    model.refresh_from_db()
    assert (model.stage, model.outcome_reason) == (ModelStage.REJECTED, "Đơn vị đã giải thể.")


def test_others_are_refused_the_case_end_page(client, world, dossier):
    model = register(world, dossier)
    for user, status in ((world.council[0], 403), (world.submitter, 403), (world.other_submitter, 404)):
        client.force_login(user)
        assert client.get(f"/models/{model.pk}/end/").status_code == status
        assert client.post(f"/models/{model.pk}/end/", {"reason": "x"}).status_code == status
    client.force_login(world.council[0])
    assert f"/models/{model.pk}/end/" not in page(client.get(f"/models/{model.pk}/"))
    model.refresh_from_db()
    assert model.stage == ModelStage.REGISTERED


# The explanation --------------------------------------------------------------------------------


def test_the_explanation_page_for_the_chair_and_the_auditor(client, world, dossier):
    chaired(world)
    model = register(world, dossier)
    check(world, model, accept=True)
    survey(world, model)
    score(model, world.council[0], 20, "Rất sáng tạo.")
    score(model, world.council[1], 14, "Đạt.")
    score(model, world.council[2], 13, "Còn hạn chế.")
    for user in (world.council[0], world.auditor):
        client.force_login(user)
        assert f'href="/models/{model.pk}/council/explanation/"' in page(client.get(f"/models/{model.pk}/"))
        text = page(client.get(f"/models/{model.pk}/council/explanation/"))
        # (100 + 70 + 65) / 3 = 78.33: recognised; the first and the third sheet differ from it.
        assert "Công nhận — 78,33 điểm" in text
        assert "Bình quân điểm của các thành viên" in text
        assert "Ngưỡng công nhận</th><td>70,00" in text
        assert "Ngưỡng tiêu biểu</th><td>90,00" in text
        assert "Số phiếu tối thiểu</th><td>Mọi thành viên" in text
        assert "<td>100</td><td>100,00</td> <td>Tiêu biểu (khác kết quả)</td>" in " ".join(text.split())
        assert f"<strong>{world.council[0].display_name}</strong>: Rất sáng tạo." in text
        assert f"<strong>{world.council[2].display_name}</strong>: Còn hạn chế." in text
        assert f"<strong>{world.council[1].display_name}</strong>" not in text


def test_others_are_refused_the_explanation(client, world, dossier):
    chaired(world)
    model = register(world, dossier)
    for user, status in ((world.council[1], 403), (world.standing_body, 403), (world.other_submitter, 404)):
        client.force_login(user)
        assert client.get(f"/models/{model.pk}/council/explanation/").status_code == status
