"""Decisions issued at the same moment (PostgreSQL, real threads): no number is used twice or skipped."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection  # noqa: F401 - read by the skipif condition
from django.utils import timezone

from recognition.models import AuditEvent, ModelStage, RecognitionDecision
from recognition.services.decisions import decision_issue
from tests.factories import CampaignFactory, EvaluationResultFactory, MovementModelFactory, UserFactory
from tests.workflows.test_concurrency import _race

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="concurrent issues need a server database"),
]

ISSUES = 10


def _awaiting(campaign, name):
    model = MovementModelFactory(campaign=campaign, stage=ModelStage.RECOGNITION, name=name)
    EvaluationResultFactory(movement_model=model)
    return model


def _issuing(campaign, models, signer):
    today = timezone.localdate()
    return lambda: decision_issue(campaign=campaign, model_ids=[m.pk for m in models], signer=signer, signed_on=today)


def test_concurrent_issues_get_consecutive_numbers_without_gaps_or_duplicates():
    campaign = CampaignFactory()
    signer = UserFactory()
    batches = [[_awaiting(campaign, f"Mô hình {i}-{j}") for j in range(2)] for i in range(ISSUES)]

    outcomes = _race(*(_issuing(campaign, batch, signer) for batch in batches))

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    numbers = sorted(RecognitionDecision.objects.values_list("sequence_number", flat=True))
    assert numbers == list(range(1, ISSUES + 1))
    assert sorted(RecognitionDecision.objects.values_list("number", flat=True)) == sorted(
        f"{n}-QĐ/BCĐ" for n in range(1, ISSUES + 1)
    )
    assert AuditEvent.objects.filter(action="decision_issued").count() == ISSUES
    assert AuditEvent.objects.filter(action="model_recognised").count() == 2 * ISSUES


def test_two_issues_of_one_model_at_once_one_wins_the_other_is_told_and_its_number_is_not_lost():
    campaign = CampaignFactory()
    model = _awaiting(campaign, "Hũ gạo tình thương")
    signer = UserFactory()

    outcomes = _race(_issuing(campaign, [model], signer), _issuing(campaign, [model], signer))

    refusals = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(refusals) == 1 and isinstance(refusals[0], ValidationError), outcomes
    assert refusals[0].message_dict == {
        "models": ["Mô hình chưa ở giai đoạn chờ quyết định công nhận: Hũ gạo tình thương."]
    }
    assert list(RecognitionDecision.objects.values_list("number", flat=True)) == ["1-QĐ/BCĐ"]
    following = decision_issue(
        campaign=campaign,
        model_ids=[_awaiting(campaign, "Tổ dân vận").pk],
        signer=signer,
        signed_on=timezone.localdate(),
    )
    assert following.number == "2-QĐ/BCĐ"


def test_the_database_refuses_edits_of_an_issued_decision_but_takes_its_scan(settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import DatabaseError, transaction

    from recognition.models import DecisionEntry
    from recognition.services.decisions import decision_scan_upload

    settings.MEDIA_ROOT = tmp_path
    campaign = CampaignFactory()
    signer = UserFactory()
    decision = _issuing(campaign, [_awaiting(campaign, "Tổ dân vận")], signer)()
    for edit in (
        lambda: RecognitionDecision.objects.filter(pk=decision.pk).update(summary="Sửa"),
        lambda: DecisionEntry.objects.filter(decision=decision).delete(),
        lambda: DecisionEntry.objects.filter(decision=decision).update(classification="outstanding"),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            edit()
    decision_scan_upload(decision=decision, upload=SimpleUploadedFile("ban-ky.pdf", b"%PDF-1.4 x"), uploaded_by=signer)
    decision.refresh_from_db()
    assert (decision.summary, decision.entries.get().classification) == (
        f"Về việc công nhận mô hình, điển hình “Dân vận khéo” năm {campaign.year}",
        "recognised",
    )
    assert decision.signed_scan_sha256 != ""
