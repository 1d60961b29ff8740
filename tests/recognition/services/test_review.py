"""Dossier check, survey report, council score sheets and the tally against the thresholds."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from recognition.models import (
    Aggregation,
    AuditEvent,
    Classification,
    CouncilScore,
    CriterionScore,
    DossierReview,
    EvaluationResult,
    ModelStage,
    SurveyReport,
)
from recognition.services.review import (
    council_score_submit,
    dossier_review_record,
    evaluation_tally,
    score_sheet_problems,
    survey_report_submit,
)
from recognition.services.tally import (
    RubricCriterion,
    TallyRule,
    evaluation_classify,
    evaluation_score,
    majority_classification,
    tally_outcome,
    weighted_max,
    weighted_total,
)
from tests.factories import (
    CouncilScoreFactory,
    MovementModelFactory,
    UserFactory,
)

from .conftest import audit_trail

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> dict:
    return error.value.message_dict


# The pinned rubric the workflows layer passes in (the `rubric` fixture's criteria: 10 + 15 points).
RUBRIC = (RubricCriterion("sang-tao", "Sáng tạo", 10), RubricCriterion("ben-vung", "Bền vững", 15))


def rule(**changes) -> TallyRule:
    values = {
        "criteria": RUBRIC,
        "pass_threshold": Decimal("70.00"),
        "outstanding_threshold": Decimal("90.00"),
        "aggregation": Aggregation.MEAN,
        "procedure_version_id": 7,
    }
    return TallyRule(**{**values, **changes})


# --- stage guard ---------------------------------------------------------------------------------


def test_a_score_sheet_outside_the_evaluation_is_refused_naming_both_stages():
    model = MovementModelFactory(stage=ModelStage.SURVEY)
    with pytest.raises(ValidationError) as error:
        council_score_submit(movement_model=model, member=UserFactory(), points={}, rubric=RUBRIC)
    assert error.value.messages == [
        "Không thực hiện được bước “chấm điểm”: mô hình đang ở giai đoạn “Khảo sát thực tế”, "
        "bước này chỉ thực hiện ở giai đoạn “Hội đồng đánh giá”."
    ]
    assert CouncilScore.objects.count() == 0


def test_a_tally_outside_the_evaluation_is_refused_by_the_transition_table():
    model = MovementModelFactory(stage=ModelStage.RECOGNITION)
    CouncilScoreFactory(movement_model=model)
    with pytest.raises(ValidationError) as error:
        evaluation_tally(movement_model=model, rule=rule())
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
        movement_model=model, member=member, points={"sang-tao": 7, "ben-vung": 12}, comment="Tốt", rubric=RUBRIC
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
        council_score_submit(
            movement_model=model, member=UserFactory(), points={"sang-tao": 11, "ben-vung": 3}, rubric=RUBRIC
        )
    assert messages(error) == {"criterion_sang-tao": ["Điểm phải từ 0 đến 10."]}
    assert CouncilScore.objects.count() == 0
    assert CriterionScore.objects.count() == 0


def test_a_member_scores_a_model_once(rubric):
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    member = UserFactory()
    council_score_submit(movement_model=model, member=member, points={"sang-tao": 5, "ben-vung": 5}, rubric=RUBRIC)
    with pytest.raises(ValidationError) as error:
        council_score_submit(movement_model=model, member=member, points={"sang-tao": 9, "ben-vung": 9}, rubric=RUBRIC)
    assert error.value.messages == ["Thành viên này đã chấm điểm mô hình."]
    assert list(CouncilScore.objects.values_list("member", "total")) == [(member.pk, 10)]
    assert AuditEvent.objects.filter(movement_model=model, action="evaluation_scored").count() == 1
    # another member of the same council still may
    council_score_submit(
        movement_model=model, member=UserFactory(), points={"sang-tao": 1, "ben-vung": 1}, rubric=RUBRIC
    )
    assert CouncilScore.objects.count() == 2


def test_scores_are_refused_outside_the_evaluation_stage(rubric):
    with pytest.raises(ValidationError):
        council_score_submit(
            movement_model=MovementModelFactory(stage=ModelStage.SURVEY),
            member=UserFactory(),
            points={"sang-tao": 5, "ben-vung": 5},
            rubric=RUBRIC,
        )
    assert CouncilScore.objects.count() == 0


# --- aggregation and classification (pure) -------------------------------------------------------


def test_the_median_ignores_one_extreme_sheet_and_the_mean_does_not():
    totals = [10, 95, 96]
    assert evaluation_score(totals=totals, max_total=100, aggregation=Aggregation.MEDIAN) == Decimal("95.00")
    assert evaluation_score(totals=totals, max_total=100, aggregation=Aggregation.MEAN) == Decimal("67.00")


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
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    _sheets(model, 5, 23, 24)  # of 25: 20 %, 92 %, 96 % → median 92, mean 69.33
    result = evaluation_tally(movement_model=model, rule=rule(aggregation=Aggregation.MEDIAN))
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
    model = MovementModelFactory(stage="evaluation")
    _sheets(model, 22)  # 88 %
    assert (
        evaluation_tally(movement_model=model, rule=rule(outstanding_threshold=Decimal("88.00"))).classification
        == Classification.OUTSTANDING
    )


def test_tally_below_the_outstanding_threshold_is_recognised_with_the_rules_thresholds(rubric):
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    _sheets(model, 20, 23)  # 80 %, 92 % → mean 86
    result = evaluation_tally(
        movement_model=model, rule=rule(pass_threshold=Decimal("80.00"), outstanding_threshold=Decimal("96.00"))
    )
    assert (result.score, result.classification) == (Decimal("86.00"), Classification.RECOGNISED)
    assert (result.pass_threshold, result.outstanding_threshold) == (Decimal("80"), Decimal("96"))
    model.refresh_from_db()
    assert model.stage == ModelStage.RECOGNITION


def test_tally_below_the_pass_threshold_rejects_with_the_reason(rubric):
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    _sheets(model, 17, 17)  # 68 %
    result = evaluation_tally(movement_model=model, rule=rule())
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
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    _sheets(model, 75)
    assert evaluation_tally(movement_model=model, rule=rule(criteria=())).score == Decimal("75.00")


def test_tally_without_sheets_is_refused(rubric):
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    with pytest.raises(ValidationError) as error:
        evaluation_tally(movement_model=model, rule=rule())
    assert error.value.messages == ["Chưa có phiếu chấm điểm nào."]
    assert EvaluationResult.objects.count() == 0


def test_tally_outside_the_evaluation_stage_is_refused(rubric):
    model = MovementModelFactory(stage=ModelStage.SURVEY)
    _sheets(model, 25)
    with pytest.raises(ValidationError):
        evaluation_tally(movement_model=model, rule=rule())
    assert EvaluationResult.objects.count() == 0


def test_a_sheet_without_comment_stores_none_and_a_member_may_score_other_models(rubric):
    member = UserFactory()
    first = MovementModelFactory(stage=ModelStage.EVALUATION)
    second = MovementModelFactory(stage=ModelStage.EVALUATION)
    sheet = council_score_submit(
        movement_model=first, member=member, points={"sang-tao": 5, "ben-vung": 5}, rubric=RUBRIC
    )
    assert sheet.comment == ""
    council_score_submit(movement_model=second, member=member, points={"sang-tao": 6, "ben-vung": 6}, rubric=RUBRIC)
    assert sorted(CouncilScore.objects.values_list("movement_model_id", "total")) == [(first.pk, 10), (second.pk, 12)]


def test_the_tally_record_names_its_result(rubric):
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    _sheets(model, 20)
    result = evaluation_tally(movement_model=model, rule=rule())
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


# --- each aggregation rule, weights (pure) -------------------------------------------------------


def test_trimmed_mean_drops_the_highest_and_the_lowest_sheet_from_three_sheets():
    # 10, 60, 70, 80, 100 → 60, 70, 80 kept → 70; the plain mean would be 64
    assert evaluation_score(totals=[10, 60, 70, 80, 100], max_total=100, aggregation="trimmed_mean") == Decimal("70.00")
    # three sheets: only the middle one is left
    assert evaluation_score(totals=[0, 55, 99], max_total=100, aggregation="trimmed_mean") == Decimal("55.00")
    # one or two sheets: nothing is dropped
    assert evaluation_score(totals=[40, 81], max_total=100, aggregation="trimmed_mean") == Decimal("60.50")
    # a tie at the top drops only one of them: 90, 90, 50, 20 → 90, 50 → 70
    assert evaluation_score(totals=[90, 90, 50, 20], max_total=100, aggregation="trimmed_mean") == Decimal("70.00")


def test_mean_and_median_exact_values():
    assert evaluation_score(totals=[70, 71, 75], max_total=100, aggregation="mean") == Decimal("72.00")
    assert evaluation_score(totals=[70, 71, 75], max_total=100, aggregation="median") == Decimal("71.00")


@pytest.mark.parametrize(
    ("classifications", "expected"),
    [
        (["outstanding", "outstanding", "rejected"], "outstanding"),
        (["recognised", "rejected", "rejected"], "rejected"),
        (["outstanding", "recognised", "recognised", "rejected"], "recognised"),
        # ties go to the lower classification
        (["outstanding", "recognised"], "recognised"),
        (["outstanding", "outstanding", "rejected", "rejected"], "rejected"),
        (["outstanding", "recognised", "rejected"], "rejected"),
    ],
)
def test_majority_classification(classifications, expected):
    assert majority_classification(classifications) == expected


def test_majority_classifies_each_sheet_then_counts_the_votes():
    # of 100: 95 and 91 outstanding, 10 rejected → outstanding although the mean (65.33) is below the pass mark
    outcome = tally_outcome(totals=[95, 91, 10], rule=rule(criteria=(), aggregation=Aggregation.MAJORITY))
    assert (outcome.classification, outcome.score, outcome.votes) == (
        Classification.OUTSTANDING,
        Decimal("65.33"),
        {"outstanding": 2, "rejected": 1},
    )
    # 72 recognised, 95 outstanding: a tie → recognised
    tie = tally_outcome(totals=[72, 95], rule=rule(criteria=(), aggregation=Aggregation.MAJORITY))
    assert tie.classification == Classification.RECOGNISED


def test_weights_apply_per_criterion_and_normalise_by_the_weighted_maximum():
    criteria = (RubricCriterion("a", "A", 10, Decimal("2")), RubricCriterion("b", "B", 20, Decimal("0.5")))
    assert weighted_max(criteria) == Decimal("30")  # 10×2 + 20×0.5
    total = weighted_total(points={"a": 9, "b": 6}, criteria=criteria)
    assert total == Decimal("21")  # 9×2 + 6×0.5
    assert tally_outcome(totals=[total], rule=rule(criteria=criteria)).score == Decimal("70.00")  # 21/30
    # unweighted, the same sheet would be 15/30 = 50
    assert tally_outcome(totals=[15], rule=rule(criteria=criteria[:1] + criteria[1:])).score == Decimal("50.00")


def test_the_tally_applies_the_weights_to_each_sheets_criteria(rubric):
    weighted = (RubricCriterion("sang-tao", "Sáng tạo", 10, Decimal("3")), RubricCriterion("ben-vung", "Bền vững", 15))
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    council_score_submit(
        movement_model=model, member=UserFactory(), points={"sang-tao": 10, "ben-vung": 3}, rubric=RUBRIC
    )
    # weighted: (10×3 + 3) / (10×3 + 15) = 33/45 = 73.33 (unweighted 13/25 = 52: rejected)
    result = evaluation_tally(movement_model=model, rule=rule(criteria=weighted))
    assert (result.score, result.classification) == (Decimal("73.33"), Classification.RECOGNISED)
    assert result.rubric == [
        {"code": "sang-tao", "name": "Sáng tạo", "max_points": 10, "weight": "3"},
        {"code": "ben-vung", "name": "Bền vững", "max_points": 15, "weight": "1"},
    ]
    assert result.procedure_version_id == 7


def test_a_majority_rejection_names_the_votes(rubric):
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    _sheets(model, 24, 10, 12)  # 96 %, 40 %, 48 %
    result = evaluation_tally(movement_model=model, rule=rule(aggregation=Aggregation.MAJORITY))
    model.refresh_from_db()
    assert result.classification == Classification.REJECTED
    assert model.outcome_reason == (
        "2/3 phiếu xếp loại không công nhận (ngưỡng công nhận 70.00, theo xếp loại của đa số thành viên)."
    )
    assert audit_trail(model)[0][3]["votes"] == {"outstanding": 1, "rejected": 2}


def test_a_rubric_naming_a_criterion_missing_from_the_catalogue_is_refused(rubric):
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    missing = (*RUBRIC, RubricCriterion("da-xoa", "Đã xóa", 5))
    with pytest.raises(ValidationError) as error:
        council_score_submit(
            movement_model=model,
            member=UserFactory(),
            points={"sang-tao": 5, "ben-vung": 5, "da-xoa": 1},
            rubric=missing,
        )
    assert error.value.messages == ["Bộ tiêu chí của quy trình có tiêu chí không còn trong danh mục: da-xoa."]
    assert CouncilScore.objects.count() == 0
