"""The recognition decision: its number, its signing day and who may add models to it."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from recognition.models import Classification, DecisionEntry, ModelStage, RecognitionDecision
from recognition.services.decisions import model_recognise
from tests.factories import CampaignFactory, EvaluationResultFactory, MovementModelFactory, UserFactory

from .conftest import audit_trail

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(date(2026, 3, 10), tick=False):
        yield


def passed_model(campaign=None, classification=Classification.RECOGNISED):
    model = MovementModelFactory(stage=ModelStage.RECOGNITION, **({"campaign": campaign} if campaign else {}))
    EvaluationResultFactory(movement_model=model, classification=classification)
    return model


def test_the_first_model_issues_the_decision_and_joins_its_annex():
    campaign = CampaignFactory(year=2025)
    model = passed_model(campaign, Classification.OUTSTANDING)
    chair = UserFactory(username="truongban")
    entry = model_recognise(movement_model=model, signer=chair, number=" 12-QĐ/BCĐ ", signed_on=TODAY)
    decision = entry.decision
    assert (decision.number, decision.year, decision.signed_on, decision.signer, decision.issuing_unit) == (
        "12-QĐ/BCĐ",
        2026,
        TODAY,
        chair,
        campaign.organising_unit,
    )
    assert decision.summary == "Về việc công nhận mô hình, điển hình “Dân vận khéo” năm 2025"
    assert entry.classification == Classification.OUTSTANDING
    model.refresh_from_db()
    assert model.stage == ModelStage.REPLICATION
    assert audit_trail(model) == [
        (
            "decision_issued",
            "truongban",
            "",
            {"decision": decision.pk, "number": "12-QĐ/BCĐ", "signed_on": "2026-03-10"},
        ),
        (
            "model_recognised",
            "truongban",
            "",
            {"decision": decision.pk, "number": "12-QĐ/BCĐ", "classification": "outstanding"},
        ),
    ]


def test_a_given_summary_is_kept_without_surrounding_spaces():
    entry = model_recognise(
        movement_model=passed_model(),
        signer=UserFactory(),
        number="3/QĐ-UBND",
        signed_on=TODAY,
        summary="  Về việc công nhận mô hình Hũ gạo  ",
    )
    assert entry.decision.summary == "Về việc công nhận mô hình Hũ gạo"


def test_the_same_signer_on_the_same_day_adds_models_to_one_decision():
    campaign = CampaignFactory()
    chair = UserFactory(username="truongban")
    first = model_recognise(movement_model=passed_model(campaign), signer=chair, number="5-QĐ/BCĐ", signed_on=TODAY)
    second_model = passed_model(campaign)
    second = model_recognise(movement_model=second_model, signer=chair, number="5-QĐ/BCĐ", signed_on=TODAY)
    assert second.decision == first.decision
    assert RecognitionDecision.objects.count() == 1
    assert [action for action, *_ in audit_trail(second_model)] == ["model_recognised"]


def test_another_signer_cannot_add_to_a_decision_already_signed():
    campaign = CampaignFactory()
    model_recognise(movement_model=passed_model(campaign), signer=UserFactory(), number="5-QĐ/BCĐ", signed_on=TODAY)
    late = passed_model(campaign)
    with pytest.raises(ValidationError) as error:
        model_recognise(movement_model=late, signer=UserFactory(), number="5-QĐ/BCĐ", signed_on=TODAY)
    assert error.value.message_dict == {
        "decision_number": [
            "Quyết định số 5-QĐ/BCĐ đã ban hành ngày 10/03/2026; không bổ sung vào quyết định đã ban hành. "
            "Hãy dùng số quyết định mới."
        ]
    }
    late.refresh_from_db()
    assert late.stage == ModelStage.RECOGNITION
    assert DecisionEntry.objects.filter(movement_model=late).count() == 0
    assert audit_trail(late) == []


def test_the_same_signer_cannot_add_to_it_on_another_day():
    campaign = CampaignFactory()
    chair = UserFactory()
    model_recognise(movement_model=passed_model(campaign), signer=chair, number="5-QĐ/BCĐ", signed_on=date(2026, 3, 9))
    late = passed_model(campaign)
    with pytest.raises(ValidationError) as error:
        model_recognise(movement_model=late, signer=chair, number="5-QĐ/BCĐ", signed_on=TODAY)
    assert "đã ban hành ngày 09/03/2026" in error.value.message_dict["decision_number"][0]
    assert DecisionEntry.objects.filter(movement_model=late).count() == 0


def test_a_number_restarts_each_year_and_for_each_issuing_body():
    chair = UserFactory()
    campaign = CampaignFactory()
    last_year = model_recognise(
        movement_model=passed_model(campaign), signer=chair, number="1-QĐ/BCĐ", signed_on=date(2025, 12, 30)
    )
    this_year = model_recognise(movement_model=passed_model(campaign), signer=chair, number="1-QĐ/BCĐ", signed_on=TODAY)
    other_body = model_recognise(movement_model=passed_model(), signer=chair, number="1-QĐ/BCĐ", signed_on=TODAY)
    assert len({last_year.decision_id, this_year.decision_id, other_body.decision_id}) == 3
    assert last_year.decision.year == 2025


@pytest.mark.parametrize("number", ["12-QĐ/BCĐ", "12345/QĐ-UBND", "1-QĐ/TU", "7/QĐ-ĐĐĐĐĐĐĐĐĐĐ"])
def test_party_and_state_style_numbers_are_accepted(number):
    entry = model_recognise(movement_model=passed_model(), signer=UserFactory(), number=number, signed_on=TODAY)
    assert entry.decision.number == number


@pytest.mark.parametrize(
    "number",
    ["", None, "QĐ/BCĐ", "123456-QĐ/BCĐ", "12-QĐ/B", "12-QĐ/ABCDEFGHIJK", "12/QĐ-ubnd", "12-QD/BCD", "x12-QĐ/BCĐ"],
)
def test_a_malformed_number_is_refused(number):
    model = passed_model()
    with pytest.raises(ValidationError) as error:
        model_recognise(movement_model=model, signer=UserFactory(), number=number, signed_on=TODAY)
    assert error.value.message_dict == {"decision_number": ["Số quyết định phải có dạng 12-QĐ/BCĐ hoặc 12/QĐ-UBND."]}
    assert RecognitionDecision.objects.count() == 0


def test_a_signing_day_in_the_future_is_refused_but_today_is_not():
    model = passed_model()
    with pytest.raises(ValidationError) as error:
        model_recognise(movement_model=model, signer=UserFactory(), number="2-QĐ/BCĐ", signed_on=date(2026, 3, 11))
    assert error.value.message_dict == {"signed_on": ["Ngày ký không được sau ngày hôm nay."]}
    assert RecognitionDecision.objects.count() == 0
    model_recognise(movement_model=model, signer=UserFactory(), number="2-QĐ/BCĐ", signed_on=TODAY)


def test_a_model_without_a_passing_result_cannot_be_recognised():
    unscored = MovementModelFactory(stage=ModelStage.RECOGNITION)
    rejected = passed_model(classification=Classification.REJECTED)
    for model in (unscored, rejected):
        with pytest.raises(ValidationError) as error:
            model_recognise(movement_model=model, signer=UserFactory(), number="2-QĐ/BCĐ", signed_on=TODAY)
        assert error.value.messages == ["Mô hình chưa đạt kết quả đánh giá để công nhận."]
    assert RecognitionDecision.objects.count() == 0


def test_the_latest_result_decides():
    with time_machine.travel(date(2026, 3, 9), tick=False):
        model = passed_model(classification=Classification.REJECTED)
    EvaluationResultFactory(movement_model=model, classification=Classification.OUTSTANDING)
    entry = model_recognise(movement_model=model, signer=UserFactory(), number="2-QĐ/BCĐ", signed_on=TODAY)
    assert entry.classification == Classification.OUTSTANDING


def test_a_model_outside_the_recognition_stage_is_refused():
    model = MovementModelFactory(stage=ModelStage.EVALUATION)
    with pytest.raises(ValidationError):
        model_recognise(movement_model=model, signer=UserFactory(), number="2-QĐ/BCĐ", signed_on=TODAY)
    assert RecognitionDecision.objects.count() == 0


def test_another_number_the_same_day_is_another_decision():
    campaign = CampaignFactory()
    chair = UserFactory()
    first = model_recognise(movement_model=passed_model(campaign), signer=chair, number="5-QĐ/BCĐ", signed_on=TODAY)
    second = model_recognise(movement_model=passed_model(campaign), signer=chair, number="6-QĐ/BCĐ", signed_on=TODAY)
    assert second.decision_id != first.decision_id
    assert sorted(RecognitionDecision.objects.values_list("number", flat=True)) == ["5-QĐ/BCĐ", "6-QĐ/BCĐ"]
