"""Bad input through the API: 400 with the form's field map (or 403/409), and nothing changed."""

import hashlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.test import override_settings
from django.utils import timezone

from recognition.models import Attachment, AuditEvent, CouncilScore, DossierReview, MovementModel, SurveyReport
from recognition.roles import Role
from tests.conftest import dossier_data
from tests.factories import user_with_role
from tests.workflows.api_support import (
    INBOX,
    QUEUE,
    REGISTRATIONS,
    act,
    api_for,
    claim,
    find_task,
    flow_state,
    register,
    scores,
    task_url,
    today_iso,
)
from workflows.models import RecognitionProcess

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n" + b"0" * 2048 + b"\n%%EOF\n"
REQUIRED = "Trường này là bắt buộc."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _pdf(name="bien-ban.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _nothing_registered() -> None:
    assert MovementModel.objects.count() == 0
    assert RecognitionProcess.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def _at_survey(world) -> dict:
    model = register(world)
    act(world.standing_body, model_id=model["id"], node="check_dossier", data={"decision": "accept"})
    return model


def _at_evaluation(world) -> dict:
    model = _at_survey(world)
    act(
        world.survey_team,
        model_id=model["id"],
        node="survey",
        data={"visited_on": today_iso(), "findings": "Tốt.", "recommendation": "recommend"},
    )
    return model


def test_registration_missing_required_fields(world):
    data = dossier_data(world)
    for name in ("name", "situation", "starts_on"):
        del data[name]

    response = api_for(world.submitter).post(REGISTRATIONS, data, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Dữ liệu không hợp lệ.",
        "errors": {"name": [REQUIRED], "situation": [REQUIRED], "starts_on": [REQUIRED]},
    }
    _nothing_registered()


def test_registration_cross_field_and_choice_errors(world):
    data = dossier_data(world, starts_on="2026-03-01", self_evaluation_on="2026-02-01", kind="khac")

    response = api_for(world.submitter).post(REGISTRATIONS, data, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert sorted(errors) == ["kind", "self_evaluation_on"]
    assert errors["self_evaluation_on"] == ["Ngày tự đánh giá phải sau ngày bắt đầu."]
    _nothing_registered()


def test_registration_with_attachment_over_the_limit(world):
    data = {**dossier_data(world), "attachments": [_pdf()]}
    with override_settings(ATTACHMENT_MAX_BYTES=1024):
        response = api_for(world.submitter).post(REGISTRATIONS, data, format="multipart")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Dữ liệu không hợp lệ.",
        "errors": {"attachments": ["Tệp bien-ban.pdf có dung lượng 2,0\xa0KB, vượt quá giới hạn 1,0\xa0KB."]},
    }
    _nothing_registered()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("cai-dat.exe", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/octet-stream"),
        SimpleUploadedFile("bao-cao.pdf", b"#!/bin/sh\necho not a pdf\n", content_type="application/pdf"),
    ],
    ids=["executable", "script-named-pdf"],
)
def test_registration_with_non_document_attachment(world, upload, media_root):
    data = {**dossier_data(world), "attachments": [_pdf(), upload]}

    response = api_for(world.submitter).post(REGISTRATIONS, data, format="multipart")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["attachments"]
    assert response.json()["errors"]["attachments"] == [
        f"Tệp {upload.name} không phải tài liệu hoặc hình ảnh được chấp nhận "
        "(PDF, Word, Excel, OpenDocument, JPEG, PNG, WebP, HEIC)."
    ]
    _nothing_registered()
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_registration_with_valid_attachment(world):
    data = {**dossier_data(world), "attachments": [_pdf()]}

    response = api_for(world.submitter).post(REGISTRATIONS, data, format="multipart")

    assert response.status_code == 201
    [attachment] = response.json()["attachments"]
    assert attachment["original_name"] == "bien-ban.pdf"
    assert attachment["size_bytes"] == len(PDF_BYTES)
    assert attachment["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()
    assert attachment["stage"] == "registered"
    registered = AuditEvent.objects.get(action="model_registered")
    assert registered.payload["attachments"][0]["sha256"] == attachment["sha256"]


def test_return_without_reason(world):
    model = register(world)
    task = claim(world.standing_body, model_id=model["id"], node="check_dossier")
    before = flow_state(model["id"])

    response = api_for(world.standing_body).post(
        task_url(task["id"], "complete"), {"decision": "return", "reason": "   "}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["Phải ghi rõ lý do và nội dung cần bổ sung khi trả lại hồ sơ."]}
    assert flow_state(model["id"]) == before
    assert DossierReview.objects.count() == 0


def test_scores_out_of_range(world):
    model = _at_evaluation(world)
    member = world.council[0]
    task = find_task(api_for(member), INBOX, model_id=model["id"], node="evaluate")
    before = flow_state(model["id"])
    data = scores(15, **{"criterion_tt-sang-tao": 21, "criterion_tt-ben-vung": -1})
    del data["criterion_tt-hai-hoa-loi-ich"]

    response = api_for(member).post(task_url(task["id"], "complete"), data, format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        # Django's own messages, in Vietnamese.
        "criterion_tt-sang-tao": [str(MaxValueValidator.message) % {"limit_value": 20}],
        "criterion_tt-hai-hoa-loi-ich": [REQUIRED],
        "criterion_tt-ben-vung": [str(MinValueValidator.message) % {"limit_value": 0}],
    }
    assert response.json()["errors"]["criterion_tt-ben-vung"] == ["Giá trị phải lớn hơn hoặc bằng 0."]
    assert flow_state(model["id"]) == before
    assert CouncilScore.objects.count() == 0


def test_survey_date_in_the_future_and_bad_recommendation(world):
    model = _at_survey(world)
    task = claim(world.survey_team, model_id=model["id"], node="survey")
    before = flow_state(model["id"])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = api_for(world.survey_team).post(
        task_url(task["id"], "complete"),
        {"visited_on": tomorrow, "findings": "", "recommendation": "maybe"},
        format="json",
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert sorted(errors) == ["findings", "recommendation", "visited_on"]
    assert errors["visited_on"] == ["Ngày khảo sát không được sau ngày hôm nay."]
    assert flow_state(model["id"]) == before
    assert SurveyReport.objects.count() == 0


def test_survey_attachment_over_the_limit_changes_nothing(world):
    model = _at_survey(world)
    task = claim(world.survey_team, model_id=model["id"], node="survey")
    before = flow_state(model["id"])
    data = {"visited_on": today_iso(), "findings": "Tốt.", "recommendation": "recommend", "attachments": [_pdf()]}

    with override_settings(ATTACHMENT_MAX_BYTES=1024):
        response = api_for(world.survey_team).post(task_url(task["id"], "complete"), data, format="multipart")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["attachments"]
    assert flow_state(model["id"]) == before
    assert SurveyReport.objects.count() == 0


def test_survey_with_attachment_through_multipart(world):
    model = _at_survey(world)
    data = {"visited_on": today_iso(), "findings": "Tốt.", "recommendation": "recommend", "attachments": [_pdf()]}

    done = act(world.survey_team, model_id=model["id"], node="survey", data=data, format="multipart")

    assert done["model"]["stage"] == "evaluation"
    assert list(Attachment.objects.values_list("stage", "original_name")) == [("survey", "bien-ban.pdf")]


def test_completing_a_task_one_does_not_own(world):
    model = register(world)
    task = find_task(api_for(world.standing_body), QUEUE, model_id=model["id"], node="check_dossier")
    before = flow_state(model["id"])

    unclaimed = api_for(world.standing_body).post(
        task_url(task["id"], "complete"), {"decision": "accept"}, format="json"
    )
    assert unclaimed.status_code == 403
    assert unclaimed.json() == {"detail": "Bạn phải nhận nhiệm vụ này trước khi xử lý."}
    assert flow_state(model["id"]) == before

    claim(world.standing_body, model_id=model["id"], node="check_dossier")
    before = flow_state(model["id"])
    colleague = user_with_role(role=Role.STANDING_BODY, unit=world.province, username="thuongtruc2")
    for user in (colleague, world.survey_team):
        response = api_for(user).post(task_url(task["id"], "complete"), {"decision": "accept"}, format="json")
        assert response.status_code == 403, user.username
    assert flow_state(model["id"]) == before
    assert DossierReview.objects.count() == 0


def test_completing_twice_is_409_and_recorded_once(world):
    model = register(world)
    task = claim(world.standing_body, model_id=model["id"], node="check_dossier")
    client = api_for(world.standing_body)

    first = client.post(task_url(task["id"], "complete"), {"decision": "accept"}, format="json")
    after_first = flow_state(model["id"])
    second = client.post(task_url(task["id"], "complete"), {"decision": "return", "reason": "x"}, format="json")

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json() == {"detail": "Nhiệm vụ này đã được xử lý hoặc không còn ở trạng thái chờ."}
    assert AuditEvent.objects.filter(task_id=task["id"], action="task_completed").count() == 1
    assert flow_state(model["id"]) == after_first
    assert after_first[0] == "survey"
    assert DossierReview.objects.count() == 1
    assert client.post(task_url(task["id"], "claim")).status_code == 409


def test_malformed_json_is_400(world):
    response = api_for(world.submitter).post(REGISTRATIONS, '{"name": ', content_type="application/json")
    assert response.status_code == 400
    assert MovementModel.objects.count() == 0


def test_json_body_that_is_not_an_object(world):
    model = register(world)
    task = claim(world.standing_body, model_id=model["id"], node="check_dossier")
    before = flow_state(model["id"])

    response = api_for(world.standing_body).post(task_url(task["id"], "complete"), ["accept"], format="json")

    assert response.status_code == 400
    assert response.json() == {
        "detail": "Dữ liệu không hợp lệ.",
        "errors": {"non_field_errors": ["Dữ liệu gửi lên phải là một đối tượng JSON gồm các trường của biểu mẫu."]},
    }
    assert flow_state(model["id"]) == before


def test_unknown_api_address_is_a_json_404(world):
    response = api_for(world.submitter).get("/api/v1/tasks/abc/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Không tìm thấy, hoặc không thuộc phạm vi đơn vị của bạn."}
