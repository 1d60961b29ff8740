"""Dossier check, survey report, council score sheets and the tally against the thresholds."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from recognition.models import (
    AuditEvent,
    Campaign,
    Classification,
    CouncilScore,
    Criterion,
    CriterionScore,
    DossierReview,
    EvaluationResult,
    ModelStage,
    SurveyReport,
)
from recognition.services.review import (
    council_score_submit,
    dossier_review_record,
    evaluation_classify,
    evaluation_score,
    evaluation_tally,
    rubric_for,
    score_sheet_problems,
    survey_report_submit,
)
from tests.factories import (
    CampaignFactory,
    CouncilScoreFactory,
    CriterionFactory,
    MovementModelFactory,
    UserFactory,
)

from .conftest import audit_trail

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> dict:
    return error.value.message_dict


# --- stage guard ---------------------------------------------------------------------------------


def test_a_score_sheet_outside_the_evaluation_is_refused_naming_both_stages():
    model = MovementModelFactory(stage=ModelStage.SURVEY)
    with pytest.raises(ValidationError) as error:
        council_score_submit(movement_model=model, member=UserFactory(), points={})
    assert error.value.messages == [
        "Không thực hiện được bước “chấm điểm”: mô hình đang ở giai đoạn “Khảo sát thực tế”, "
        "bước này chỉ thực hiện ở giai đoạn “Hội đồng đánh giá”."
    ]
    assert CouncilScore.objects.count() == 0


def test_a_tally_outside_the_evaluation_is_refused_by_the_transition_table():
    model = MovementModelFactory(stage=ModelStage.RECOGNITION)
    CouncilScoreFactory(movement_model=model)
    with pytest.raises(ValidationError) as error:
        evaluation_tally(movement_model=model)
    assert error.value.messages[0].startswith(
        "Không thực hiện được bước “tổng hợp điểm: đạt”: mô hình đang ở giai đoạn “Chờ quyết định công nhận”."
    )
    assert EvaluationResult.objects.count() == 0


# --- dossier check -------------------------------------------------------------------------------


def test_accepted_dossier_goes_to_the_survey_with_its_audit_record():
    model = MovementModelFactory()
    reviewer = UserFactory(username="thuongtruc")
    review = dossier_review_record(movement_model=model, reviewer=reviewer, is_accepted=True)
    model.refresh_from_db()
    assert model.stage == ModelStage.SURVEY
    assert (review.is_accepted, review.reason, review.reviewer) == (True, "", reviewer)
    assert audit_trail(model) == [("dossier_accepted", "thuongtruc", "", {"review": review.pk, "stage": "survey"})]


def test_returned_dossier_keeps_the_stripped_reason():
    model = MovementModelFactory()
    review = dossier_review_record(
        movement_model=model, reviewer=UserFactory(username="tt"), is_accepted=False, reason="  Thiếu ảnh.  "
    )
    model.refresh_from_db()
    assert model.stage == ModelStage.RETURNED
    assert review.reason == "Thiếu ảnh."
    assert audit_trail(model) == [("dossier_returned", "tt", "Thiếu ảnh.", {"review": review.pk, "stage": "returned"})]


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_return_without_a_reason_is_refused_and_changes_nothing(reason):
    model = MovementModelFactory()
    with pytest.raises(ValidationError) as error:
        dossier_review_record(movement_model=model, reviewer=UserFactory(), is_accepted=False, reason=reason)
    assert messages(error) == {"reason": ["Phải ghi rõ lý do và nội dung cần bổ sung khi trả lại hồ sơ."]}
    model.refresh_from_db()
    assert model.stage == ModelStage.REGISTERED
    assert DossierReview.objects.count() == 0
    assert AuditEvent.objects.filter(movement_model=model).count() == 0


def test_a_dossier_outside_the_registered_stage_cannot_be_checked():
    model = MovementModelFactory(stage=ModelStage.SURVEY)
    with pytest.raises(ValidationError):
        dossier_review_record(movement_model=model, reviewer=UserFactory(), is_accepted=True)
    assert DossierReview.objects.count() == 0


# --- survey report -------------------------------------------------------------------------------


def test_survey_report_moves_the_model_to_the_council():
    model = MovementModelFactory(stage=ModelStage.SURVEY)
    report = survey_report_submit(
        movement_model=model,
        surveyed_by=UserFactory(username="khaosat"),
        visited_on=date(2026, 3, 2),
        findings="Hoạt động đều.",
        recommendation="not_recommend",
    )
    model.refresh_from_db()
    assert model.stage == ModelStage.EVALUATION
    assert (report.visited_on, report.findings, report.recommendation) == (
        date(2026, 3, 2),
        "Hoạt động đều.",
        "not_recommend",
    )
    assert audit_trail(model) == [
        (
            "survey_reported",
            "khaosat",
            "",
            {"report": report.pk, "visited_on": "2026-03-02", "recommendation": "not_recommend", "attachments": []},
        )
    ]


def test_an_unknown_recommendation_is_refused():
    model = MovementModelFactory(stage=ModelStage.SURVEY)
    with pytest.raises(ValidationError) as error:
        survey_report_submit(
            movement_model=model,
            surveyed_by=UserFactory(),
            visited_on=date(2026, 3, 2),
            findings="x",
            recommendation="maybe",
        )
    assert messages(error) == {"recommendation": ["Kiến nghị không hợp lệ."]}
    model.refresh_from_db()
    assert model.stage == ModelStage.SURVEY
    assert SurveyReport.objects.count() == 0


def test_a_survey_before_the_dossier_is_accepted_is_refused():
    with pytest.raises(ValidationError):
        survey_report_submit(
            movement_model=MovementModelFactory(),
            surveyed_by=UserFactory(),
            visited_on=date(2026, 3, 2),
            findings="x",
            recommendation="recommend",
        )
    assert SurveyReport.objects.count() == 0


# --- rubric and score sheets ---------------------------------------------------------------------


def test_rubric_is_the_active_criteria_of_the_models_kind(rubric):
    CriterionFactory(code="ca-nhan", applies_to=Criterion.AppliesTo.INDIVIDUAL)
    CriterionFactory(code="cu", is_active=False)
    assert [c.code for c in rubric_for(MovementModelFactory())] == ["sang-tao", "ben-vung"]
    assert [c.code for c in rubric_for(MovementModelFactory(collective_kind="individual"))] == ["ca-nhan"]


def test_score_sheet_problems_name_each_field(rubric):
    assert score_sheet_problems(rubric=rubric, points={"sang-tao": 0, "ben-vung": 15}) == {}
    assert score_sheet_problems(rubric=rubric, points={"sang-tao": 10, "ben-vung": 16, "la": 1, "khac": 2}) == {
        "criterion_ben-vung": "Điểm phải từ 0 đến 15.",
        "scores": "Tiêu chí không có trong bộ tiêu chí: khac, la.",
    }
    assert score_sheet_problems(rubric=rubric, points={"sang-tao": -1}) == {
        "criterion_sang-tao": "Điểm phải từ 0 đến 10.",
        "criterion_ben-vung": "Chưa chấm tiêu chí này.",
    }


def test_a_score_sheet_stores_each_criterion_and_the_total(rubric):
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    member = UserFactory(username="hoidong1")
    sheet = council_score_submit(
        movement_model=model, member=member, points={"sang-tao": 7, "ben-vung": 12}, comment="Tốt"
    )
    assert (sheet.total, sheet.comment, sheet.member) == (19, "Tốt", member)
    assert list(sheet.items.values_list("criterion__code", "points")) == [("sang-tao", 7), ("ben-vung", 12)]
    assert audit_trail(model) == [
        (
            "evaluation_scored",
            "hoidong1",
            "",
            {"points": {"sang-tao": 7, "ben-vung": 12}, "total": 19, "comment": "Tốt"},
        )
    ]


def test_an_invalid_score_sheet_is_refused_and_nothing_is_stored(rubric):
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    with pytest.raises(ValidationError) as error:
        council_score_submit(movement_model=model, member=UserFactory(), points={"sang-tao": 11, "ben-vung": 3})
    assert messages(error) == {"criterion_sang-tao": ["Điểm phải từ 0 đến 10."]}
    assert CouncilScore.objects.count() == 0
    assert CriterionScore.objects.count() == 0


def test_a_member_scores_a_model_once(rubric):
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    member = UserFactory()
    council_score_submit(movement_model=model, member=member, points={"sang-tao": 5, "ben-vung": 5})
    with pytest.raises(ValidationError) as error:
        council_score_submit(movement_model=model, member=member, points={"sang-tao": 9, "ben-vung": 9})
    assert error.value.messages == ["Thành viên này đã chấm điểm mô hình."]
    assert list(CouncilScore.objects.values_list("member", "total")) == [(member.pk, 10)]
    assert AuditEvent.objects.filter(movement_model=model, action="evaluation_scored").count() == 1
    # another member of the same council still may
    council_score_submit(movement_model=model, member=UserFactory(), points={"sang-tao": 1, "ben-vung": 1})
    assert CouncilScore.objects.count() == 2


def test_scores_are_refused_outside_the_evaluation_stage(rubric):
    with pytest.raises(ValidationError):
        council_score_submit(
            movement_model=MovementModelFactory(stage=ModelStage.SURVEY),
            member=UserFactory(),
            points={"sang-tao": 5, "ben-vung": 5},
        )
    assert CouncilScore.objects.count() == 0


# --- aggregation and classification (pure) -------------------------------------------------------


def test_the_median_ignores_one_extreme_sheet_and_the_mean_does_not():
    totals = [10, 95, 96]
    assert evaluation_score(totals=totals, max_total=100, aggregation=Campaign.Aggregation.MEDIAN) == Decimal("95.00")
    assert evaluation_score(totals=totals, max_total=100, aggregation=Campaign.Aggregation.MEAN) == Decimal("67.00")


def test_median_of_an_even_number_of_sheets_is_the_middle_pair_average():
    assert evaluation_score(totals=[60, 71, 80, 99], max_total=100, aggregation="median") == Decimal("75.50")


def test_scores_are_normalised_to_100_and_rounded_half_up():
    # 23/25 = 92 %; 2/3 of 100 = 66.666... → 66.67; (1/8 + 0) / 2 % of 100 = 6.25 exactly
    assert evaluation_score(totals=[23], max_total=25, aggregation="mean") == Decimal("92.00")
    assert evaluation_score(totals=[2], max_total=3, aggregation="mean") == Decimal("66.67")
    assert evaluation_score(totals=[1, 0], max_total=8, aggregation="mean") == Decimal("6.25")
    # 0.005 rounds up (half-even would give 0.00): 1/200 of 100 %... 1/20000 * 100 = 0.005
    assert evaluation_score(totals=[1], max_total=20000, aggregation="mean") == Decimal("0.01")
    assert evaluation_score(totals=[1], max_total=20000, aggregation="median") == Decimal("0.01")


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ("100", Classification.OUTSTANDING),
        ("85.00", Classification.OUTSTANDING),
        ("84.99", Classification.RECOGNISED),
        ("60.00", Classification.RECOGNISED),
        ("59.99", Classification.REJECTED),
        ("0", Classification.REJECTED),
    ],
)
def test_classification_against_the_thresholds(score, expected):
    assert (
        evaluation_classify(score=Decimal(score), pass_threshold=Decimal("60"), outstanding_threshold=Decimal("85"))
        == expected
    )


# --- the tally -----------------------------------------------------------------------------------


def _sheets(model, *totals):
    for total in totals:
        CouncilScoreFactory(movement_model=model, total=total)


def test_tally_with_the_median_makes_a_model_outstanding(rubric):
    campaign = CampaignFactory(aggregation=Campaign.Aggregation.MEDIAN)
    model = MovementModelFactory(campaign=campaign, stage=ModelStage.EVALUATION)
    _sheets(model, 5, 23, 24)  # of 25: 20 %, 92 %, 96 % → median 92, mean 69.33
    result = evaluation_tally(movement_model=model)
    model.refresh_from_db()
    assert (result.score, result.classification, result.aggregation, result.member_count) == (
        Decimal("92.00"),
        Classification.OUTSTANDING,
        "median",
        3,
    )
    assert (model.stage, model.final_score, model.outcome_reason) == (ModelStage.RECOGNITION, Decimal("92.00"), "")
    [(action, actor, reason, payload)] = audit_trail(model)
    assert (action, actor, reason) == ("evaluation_passed", "system:evaluation_tally", "")
    assert payload["score"] == "92.00"
    assert payload["classification"] == "outstanding"
    assert payload["max_total"] == 25
    assert payload["aggregation"] == "median"
    assert payload["pass_threshold"] == "70.00"
    assert payload["outstanding_threshold"] == "90.00"
    assert sorted(payload["member_totals"].values()) == [5, 23, 24]


def test_tally_exactly_at_the_outstanding_threshold_is_outstanding(rubric):
    model = MovementModelFactory(campaign=CampaignFactory(outstanding_threshold=Decimal("88.00")), stage="evaluation")
    _sheets(model, 22)  # 88 %
    assert evaluation_tally(movement_model=model).classification == Classification.OUTSTANDING


def test_tally_below_the_outstanding_threshold_is_recognised_with_the_campaigns_thresholds(rubric):
    campaign = CampaignFactory(pass_threshold=Decimal("80.00"), outstanding_threshold=Decimal("96.00"))
    model = MovementModelFactory(campaign=campaign, stage=ModelStage.EVALUATION)
    _sheets(model, 20, 23)  # 80 %, 92 % → mean 86
    result = evaluation_tally(movement_model=model)
    assert (result.score, result.classification) == (Decimal("86.00"), Classification.RECOGNISED)
    assert (result.pass_threshold, result.outstanding_threshold) == (Decimal("80"), Decimal("96"))
    model.refresh_from_db()
    assert model.stage == ModelStage.RECOGNITION


def test_tally_below_the_pass_threshold_rejects_with_the_reason(rubric):
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    _sheets(model, 17, 17)  # 68 %
    result = evaluation_tally(movement_model=model)
    model.refresh_from_db()
    assert result.classification == Classification.REJECTED
    reason = "Điểm tổng hợp 68.00 thấp hơn ngưỡng công nhận 70.00 (2 phiếu, bình quân điểm của các thành viên)."
    assert (model.stage, model.final_score, model.outcome_reason) == (ModelStage.REJECTED, Decimal("68.00"), reason)
    [(action, actor, recorded_reason, payload)] = audit_trail(model)
    assert (action, actor, recorded_reason, payload["classification"]) == (
        "evaluation_rejected",
        "system:evaluation_tally",
        reason,
        "rejected",
    )


def test_tally_without_criteria_scores_out_of_100(rubric):
    Criterion.objects.update(is_active=False)
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    _sheets(model, 75)
    assert evaluation_tally(movement_model=model).score == Decimal("75.00")


def test_tally_without_sheets_is_refused(rubric):
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    with pytest.raises(ValidationError) as error:
        evaluation_tally(movement_model=model)
    assert error.value.messages == ["Chưa có phiếu chấm điểm nào."]
    assert EvaluationResult.objects.count() == 0


def test_tally_outside_the_evaluation_stage_is_refused(rubric):
    model = MovementModelFactory(stage=ModelStage.SURVEY)
    _sheets(model, 25)
    with pytest.raises(ValidationError):
        evaluation_tally(movement_model=model)
    assert EvaluationResult.objects.count() == 0


def test_a_sheet_without_comment_stores_none_and_a_member_may_score_other_models(rubric):
    member = UserFactory()
    first = MovementModelFactory(stage=ModelStage.EVALUATION)
    second = MovementModelFactory(stage=ModelStage.EVALUATION)
    sheet = council_score_submit(movement_model=first, member=member, points={"sang-tao": 5, "ben-vung": 5})
    assert sheet.comment == ""
    council_score_submit(movement_model=second, member=member, points={"sang-tao": 6, "ben-vung": 6})
    assert sorted(CouncilScore.objects.values_list("movement_model_id", "total")) == [(first.pk, 10), (second.pk, 12)]


def test_the_tally_record_names_its_result(rubric):
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    _sheets(model, 20)
    result = evaluation_tally(movement_model=model)
    assert audit_trail(model)[0][3]["result"] == result.pk


def test_survey_evidence_is_stored_with_the_report(rubric, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    model = MovementModelFactory(stage=ModelStage.SURVEY)
    surveyor = UserFactory()
    survey_report_submit(
        movement_model=model,
        surveyed_by=surveyor,
        visited_on=date(2026, 3, 2),
        findings="x",
        recommendation="recommend",
        files=[SimpleUploadedFile("anh.jpg", b"\xff\xd8\xff", content_type="image/jpeg")],
    )
    [attachment] = model.attachments.all()
    assert (attachment.stage, attachment.uploaded_by, attachment.original_name) == ("survey", surveyor, "anh.jpg")
    assert [item["name"] for item in audit_trail(model)[0][3]["attachments"]] == ["anh.jpg"]
