"""Recognition decisions: one decision for many models, numbered at issue; revocation and amendment."""

import hashlib
import io
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from recognition.models import (
    AuditEvent,
    Classification,
    DecisionEntry,
    DecisionImmutable,
    DecisionKind,
    ModelStage,
    RecognitionDecision,
)
from recognition.services.decisions import (
    DecisionSetup,
    decision_amend,
    decision_issue,
    decision_number_format,
    decision_revoke,
    decision_scan_upload,
    live_entries,
)
from tests.factories import (
    CampaignFactory,
    EvaluationResultFactory,
    MovementModelFactory,
    RecognitionDecisionFactory,
    UnitFactory,
    UserFactory,
)

from .conftest import audit_trail

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 10)


@pytest.fixture(autouse=True)
def frozen_today(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with time_machine.travel(date(2026, 3, 10), tick=False):
        yield


@pytest.fixture
def campaign():
    province = UnitFactory(name="Thành phố Cần Thơ")
    return CampaignFactory(year=2025, organising_unit=province)


@pytest.fixture
def chair():
    return UserFactory(username="truongban", last_name="Nguyễn Văn", first_name="An")


def passed_model(campaign, classification=Classification.RECOGNISED, **fields):
    model = MovementModelFactory(stage=ModelStage.RECOGNITION, campaign=campaign, **fields)
    EvaluationResultFactory(movement_model=model, classification=classification)
    return model


def issue(campaign, chair, models, **setup):
    return decision_issue(
        campaign=campaign,
        model_ids=[m.pk for m in models],
        signer=chair,
        signed_on=TODAY,
        setup=DecisionSetup(**setup),
    )


def pdf_text(decision) -> str:
    decision.pdf.open("rb")
    try:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(decision.pdf.read())).pages)
    finally:
        decision.pdf.close()


# --- issue -----------------------------------------------------------------------------------------


def test_one_decision_lists_many_models_moves_each_on_and_is_recorded_once(campaign, chair):
    first = passed_model(campaign, Classification.OUTSTANDING, name="Hũ gạo tình thương")
    second = passed_model(campaign, name="Tổ dân vận")

    decision = issue(campaign, chair, [second, first], signer_title="Trưởng Ban")

    assert (decision.kind, decision.number, decision.sequence_number, decision.year) == (
        DecisionKind.RECOGNITION,
        "1-QĐ/BCĐ",
        1,
        2026,
    )
    assert (decision.issuing_unit, decision.signed_on, decision.signer_name, decision.signer_title) == (
        campaign.organising_unit,
        TODAY,
        "Nguyễn Văn An",
        "Trưởng Ban",
    )
    assert decision.summary == "Về việc công nhận mô hình, điển hình “Dân vận khéo” năm 2025"
    assert list(decision.entries.values_list("movement_model__name", "classification")) == [
        ("Hũ gạo tình thương", "outstanding"),
        ("Tổ dân vận", "recognised"),
    ]
    for model in (first, second):
        model.refresh_from_db()
        assert model.stage == ModelStage.REPLICATION
    assert audit_trail(first) == [
        (
            "model_recognised",
            "truongban",
            "",
            {"decision": decision.pk, "number": "1-QĐ/BCĐ", "classification": "outstanding"},
        )
    ]
    issued = AuditEvent.objects.get(action="decision_issued")
    assert (issued.movement_model_id, issued.payload) == (
        None,
        {
            "decision": decision.pk,
            "number": "1-QĐ/BCĐ",
            "decision_kind": "recognition",
            "models_count": 2,
            "pdf_sha256": decision.pdf_sha256,
        },
    )


def test_the_pdf_holds_the_models_and_the_date_line_and_its_hash_is_stored(campaign, chair):
    models = [
        passed_model(campaign, name="Hũ gạo tình thương"),
        passed_model(campaign, name="Camera an ninh khu dân cư"),
    ]
    with time_machine.travel(date(2026, 1, 5), tick=False):
        decision = decision_issue(
            campaign=campaign, model_ids=[m.pk for m in models], signer=chair, signed_on=date(2026, 1, 5)
        )

    text = pdf_text(decision)
    assert "Hũ gạo tình thương" in text
    assert "Camera an ninh khu dân cư" in text
    assert "Cần Thơ, ngày 05 tháng 01 năm 2026" in text
    assert "1-QĐ/BCĐ" in text
    decision.pdf.open("rb")
    assert hashlib.sha256(decision.pdf.read()).hexdigest() == decision.pdf_sha256
    decision.pdf.close()


def test_numbers_follow_each_other_per_issuing_body_and_restart_each_year(campaign, chair):
    other_campaign = CampaignFactory(year=2025)
    with time_machine.travel(date(2025, 12, 30), tick=False):
        last_year = decision_issue(
            campaign=campaign, model_ids=[passed_model(campaign).pk], signer=chair, signed_on=date(2025, 12, 30)
        )
    first = issue(campaign, chair, [passed_model(campaign)])
    second = issue(campaign, chair, [passed_model(campaign)])
    other_body = issue(other_campaign, chair, [passed_model(other_campaign)])
    assert [d.number for d in (last_year, first, second, other_body)] == [
        "1-QĐ/BCĐ",
        "1-QĐ/BCĐ",
        "2-QĐ/BCĐ",
        "1-QĐ/BCĐ",
    ]


def test_the_number_takes_the_version_format():
    assert decision_number_format("{number:02d}/QĐ-UBND", number=5, year=2026) == "05/QĐ-UBND"
    assert decision_number_format("{number}/{year}/QĐ-BCĐ", number=12, year=2026) == "12/2026/QĐ-BCĐ"
    with pytest.raises(ValueError):
        decision_number_format("{unit}-QĐ", number=1, year=2026)


def test_a_state_style_number_is_used_as_given(campaign, chair):
    decision = issue(campaign, chair, [passed_model(campaign)], number_format="{number:02d}/QĐ-UBND")
    assert decision.number == "01/QĐ-UBND"


def _nothing_written(campaign):
    assert RecognitionDecision.objects.count() == 0
    assert DecisionEntry.objects.count() == 0
    assert AuditEvent.objects.filter(action__in=["decision_issued", "model_recognised"]).count() == 0


def test_a_decision_without_models_is_refused(campaign, chair):
    with pytest.raises(ValidationError) as error:
        issue(campaign, chair, [])
    assert error.value.message_dict == {"models": ["Chưa chọn mô hình nào cho quyết định."]}
    _nothing_written(campaign)


def test_a_model_not_awaiting_recognition_is_refused_and_nothing_is_issued(campaign, chair):
    ready = passed_model(campaign, name="Tổ dân vận")
    early = MovementModelFactory(campaign=campaign, stage=ModelStage.EVALUATION, name="Tiếng kẻng an ninh")
    with pytest.raises(ValidationError) as error:
        issue(campaign, chair, [ready, early])
    assert error.value.message_dict == {
        "models": ["Mô hình chưa ở giai đoạn chờ quyết định công nhận: Tiếng kẻng an ninh."]
    }
    _nothing_written(campaign)
    ready.refresh_from_db()
    assert ready.stage == ModelStage.RECOGNITION


def test_a_model_without_a_passing_result_is_refused(campaign, chair):
    failed = passed_model(campaign, Classification.REJECTED, name="Nuôi cá lồng")
    with pytest.raises(ValidationError) as error:
        issue(campaign, chair, [failed])
    assert error.value.message_dict == {"models": ["Mô hình chưa đạt kết quả đánh giá để công nhận: Nuôi cá lồng."]}
    _nothing_written(campaign)


def test_a_model_already_in_a_live_decision_is_refused(campaign, chair):
    listed = passed_model(campaign, name="Hũ gạo tình thương")
    existing = RecognitionDecisionFactory(campaign=campaign, number="4-QĐ/BCĐ")
    DecisionEntry.objects.create(decision=existing, movement_model=listed, classification="recognised")
    with pytest.raises(ValidationError) as error:
        issue(campaign, chair, [listed])
    assert error.value.message_dict == {
        "models": [
            "Mô hình đã có trong quyết định công nhận đang có hiệu lực: Hũ gạo tình thương (quyết định số 4-QĐ/BCĐ)."
        ]
    }
    assert RecognitionDecision.objects.count() == 1


def test_a_model_of_another_campaign_is_refused(campaign, chair):
    stranger = passed_model(CampaignFactory(name="Đợt khác"), name="Trồng nấm linh chi")
    with pytest.raises(ValidationError) as error:
        issue(campaign, chair, [passed_model(campaign), stranger])
    assert error.value.message_dict == {"models": [f"Mô hình không thuộc đợt “{campaign.name}”: Trồng nấm linh chi."]}
    _nothing_written(campaign)


def test_a_signing_day_in_the_future_is_refused(campaign, chair):
    with pytest.raises(ValidationError) as error:
        decision_issue(
            campaign=campaign, model_ids=[passed_model(campaign).pk], signer=chair, signed_on=date(2026, 3, 11)
        )
    assert error.value.message_dict == {"signed_on": ["Ngày ký không được sau ngày hôm nay."]}
    _nothing_written(campaign)


def test_a_refused_issue_gives_its_number_back(campaign, chair):
    with pytest.raises(ValidationError):
        issue(campaign, chair, [MovementModelFactory(campaign=campaign, stage=ModelStage.SURVEY)])
    assert issue(campaign, chair, [passed_model(campaign)]).number == "1-QĐ/BCĐ"


# --- immutability ----------------------------------------------------------------------------------


def test_an_issued_decision_and_its_annex_cannot_be_edited_or_deleted(campaign, chair):
    decision = issue(campaign, chair, [passed_model(campaign)])
    decision.summary = "Sửa trích yếu"
    with pytest.raises(DecisionImmutable):
        decision.save()
    with pytest.raises(DecisionImmutable):
        decision.save(update_fields=["summary"])
    with pytest.raises(DecisionImmutable):
        decision.delete()
    entry = decision.entries.get()
    entry.classification = Classification.OUTSTANDING
    with pytest.raises(DecisionImmutable):
        entry.save()
    decision.refresh_from_db()
    assert decision.summary == "Về việc công nhận mô hình, điển hình “Dân vận khéo” năm 2025"
    assert decision.entries.get().classification == "recognised"


def test_the_signed_scan_is_stored_once_with_its_hash_in_the_trail(campaign, chair):
    decision = issue(campaign, chair, [passed_model(campaign)])
    content = b"%PDF-1.4 scan"
    decision_scan_upload(decision=decision, upload=SimpleUploadedFile("ban-ky.pdf", content), uploaded_by=chair)
    decision.refresh_from_db()
    assert decision.signed_scan_sha256 == hashlib.sha256(content).hexdigest()
    record = AuditEvent.objects.get(action="decision_scan_uploaded")
    assert record.payload == {"decision": decision.pk, "number": "1-QĐ/BCĐ", "scan_sha256": decision.signed_scan_sha256}
    with pytest.raises(ValidationError) as error:
        decision_scan_upload(decision=decision, upload=SimpleUploadedFile("khac.pdf", b"%PDF other"), uploaded_by=chair)
    assert error.value.message_dict == {"scan": ["Quyết định đã có bản quét; không thay bản quét đã tải lên."]}


# --- revocation and amendment ----------------------------------------------------------------------


def test_a_revocation_is_a_new_decision_that_ends_the_recognition_and_links_both_ways(campaign, chair):
    kept = passed_model(campaign, name="Tổ dân vận")
    revoked = passed_model(campaign, name="Hũ gạo tình thương")
    original = issue(campaign, chair, [kept, revoked])

    revocation = decision_revoke(
        decision=original, signer=chair, signed_on=TODAY, reason="Báo cáo không trung thực.", model_ids=[revoked.pk]
    )

    assert (revocation.kind, revocation.number, revocation.revokes, revocation.reason) == (
        DecisionKind.REVOCATION,
        "2-QĐ/BCĐ",
        original,
        "Báo cáo không trung thực.",
    )
    assert list(original.revoked_by.all()) == [revocation]
    assert revocation.summary == "Về việc thu hồi Quyết định số 1-QĐ/BCĐ"
    revoked.refresh_from_db()
    kept.refresh_from_db()
    assert (revoked.stage, kept.stage) == (ModelStage.REVOKED, ModelStage.REPLICATION)
    assert set(live_entries([kept.pk, revoked.pk])) == {kept.pk}
    assert audit_trail(revoked)[-1] == (
        "recognition_revoked",
        "truongban",
        "Báo cáo không trung thực.",
        {"decision": revocation.pk, "number": "2-QĐ/BCĐ", "revokes": original.pk},
    )
    assert AuditEvent.objects.get(action="decision_revoked").payload == {
        "decision": original.pk,
        "number": "1-QĐ/BCĐ",
        "revoked_by": revocation.pk,
    }
    assert "Báo cáo không trung thực." in pdf_text(revocation)


def test_a_revocation_without_a_reason_is_refused(campaign, chair):
    original = issue(campaign, chair, [passed_model(campaign)])
    with pytest.raises(ValidationError) as error:
        decision_revoke(decision=original, signer=chair, signed_on=TODAY, reason="  ")
    assert error.value.message_dict == {"reason": ["Phải ghi rõ lý do thu hồi hoặc sửa đổi quyết định."]}
    assert RecognitionDecision.objects.count() == 1


def test_a_model_revoked_already_cannot_be_revoked_again(campaign, chair):
    model = passed_model(campaign, name="Tổ dân vận")
    original = issue(campaign, chair, [model])
    decision_revoke(decision=original, signer=chair, signed_on=TODAY, reason="Sai sót.")
    with pytest.raises(ValidationError) as error:
        decision_revoke(decision=original, signer=chair, signed_on=TODAY, reason="Lần nữa.", model_ids=[model.pk])
    assert error.value.message_dict == {
        "models": ["Mô hình không thuộc Quyết định số 1-QĐ/BCĐ đang có hiệu lực: Tổ dân vận."]
    }
    assert RecognitionDecision.objects.count() == 2


def test_an_amendment_replaces_the_classification_and_becomes_the_live_decision(campaign, chair):
    model = passed_model(campaign, name="Tổ dân vận")
    other = passed_model(campaign)
    original = issue(campaign, chair, [model, other])

    amendment = decision_amend(
        decision=original,
        signer=chair,
        signed_on=TODAY,
        reason="Nhầm xếp loại.",
        classifications={model.pk: Classification.OUTSTANDING},
    )

    assert (amendment.kind, amendment.amends, amendment.number) == (DecisionKind.AMENDMENT, original, "2-QĐ/BCĐ")
    assert list(original.amended_by.all()) == [amendment]
    live = live_entries([model.pk, other.pk])
    assert (live[model.pk].decision, live[model.pk].classification) == (amendment, "outstanding")
    assert (live[other.pk].decision, live[other.pk].classification) == (original, "recognised")
    assert audit_trail(model)[-1] == (
        "decision_amended",
        "truongban",
        "Nhầm xếp loại.",
        {"decision": amendment.pk, "number": "2-QĐ/BCĐ", "amends": original.pk, "classification": "outstanding"},
    )
    # The amended model is now spoken for by the amendment: the original can no longer revoke it.
    with pytest.raises(ValidationError):
        decision_revoke(decision=original, signer=chair, signed_on=TODAY, reason="x", model_ids=[model.pk])
    revocation = decision_revoke(decision=amendment, signer=chair, signed_on=TODAY, reason="Thu hồi.")
    assert list(revocation.entries.values_list("movement_model_id", flat=True)) == [model.pk]


def test_an_amendment_needs_a_reason_and_a_new_recognised_classification(campaign, chair):
    model = passed_model(campaign, name="Tổ dân vận")
    original = issue(campaign, chair, [model])
    cases = [
        ("", {model.pk: "outstanding"}, {"reason": ["Phải ghi rõ lý do thu hồi hoặc sửa đổi quyết định."]}),
        ("Lý do", {}, {"models": ["Chưa chọn mô hình nào để sửa đổi."]}),
        (
            "Lý do",
            {model.pk: "rejected"},
            {"classification": ["Xếp loại sửa đổi chỉ được là “Công nhận” hoặc “Tiêu biểu”."]},
        ),
        ("Lý do", {model.pk: "recognised"}, {"classification": ["Xếp loại mới trùng xếp loại hiện có: Tổ dân vận."]}),
    ]
    for reason, changes, expected in cases:
        with pytest.raises(ValidationError) as error:
            decision_amend(decision=original, signer=chair, signed_on=TODAY, reason=reason, classifications=changes)
        assert error.value.message_dict == expected
    assert RecognitionDecision.objects.count() == 1


def test_a_revocation_cannot_itself_be_revoked(campaign, chair):
    original = issue(campaign, chair, [passed_model(campaign)])
    revocation = decision_revoke(decision=original, signer=chair, signed_on=TODAY, reason="Sai sót.")
    with pytest.raises(ValidationError) as error:
        decision_revoke(decision=revocation, signer=chair, signed_on=TODAY, reason="Lại.")
    assert error.value.messages == ["Không thu hồi hoặc sửa đổi một quyết định thu hồi."]
