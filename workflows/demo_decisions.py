"""Demo decisions: the chair signs one decision for every model the demo drives past the council.

Through the real services (`workflows.decision_flow`): the decision is numbered at issue, its
PDF drawn and hashed, and the covered tasks settled at once (the demo runs without a worker).
One model's classification is amended once per campaign, and the models the demo takes to
REVOKED get a revocation decision, so that the decision pages show every kind of decision and
the links between them.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from recognition.models import Classification, DecisionKind, ModelStage, MovementModel, RecognitionDecision
from recognition.services.decisions import decision_scan_upload, live_entries

from .decision_flow import decision_amend_for, decision_issue_for, decision_revoke_for, decision_tasks_settle

DEMO_RECIPIENTS = ["Thường trực Thành ủy", "Ban Tuyên giáo và Dân vận Thành ủy", "Các đơn vị có tên tại Điều 1"]
DEMO_BASES = [
    "Căn cứ Quy chế làm việc của Ban Chỉ đạo phong trào thi đua “Dân vận khéo” thành phố;",
    "Căn cứ kết quả đánh giá của Hội đồng xét công nhận mô hình, điển hình “Dân vận khéo” năm {year};",
]
# A minimal PDF standing for the scan of the signed, sealed paper.
DEMO_SCAN = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def demo_decisions_issue(*, cast, awaiting: list[tuple[MovementModel, str]]) -> list[tuple[MovementModel, str]]:
    """Issue one decision for the awaiting models (model, stage the demo takes it to).

    Those meant to end REVOKED get a revocation decision; the first other one's classification is
    amended once per campaign. Returns the pairs whose replication the demo goes on to track.
    """
    if not awaiting:
        return []
    chair = cast.users["truongban"]
    today = timezone.localdate()
    decision = decision_issue_for(
        user=chair,
        campaign=cast.campaign,
        model_ids=[model.pk for model, _until in awaiting],
        signed_on=today,
        signer_title="Trưởng Ban",
        bases=[line.format(year=cast.campaign.year) for line in DEMO_BASES],
        recipients=DEMO_RECIPIENTS,
    )
    decision_tasks_settle(decision_id=decision.pk)
    decision_scan_upload(
        decision=decision,
        upload=SimpleUploadedFile(f"quyet-dinh-{decision.sequence_number}-ban-ky.pdf", DEMO_SCAN),
        uploaded_by=chair,
    )
    going_on = [(model, until) for model, until in awaiting if until != ModelStage.REVOKED]
    amended_already = RecognitionDecision.objects.filter(campaign=cast.campaign, kind=DecisionKind.AMENDMENT).exists()
    if going_on and not amended_already:
        amended = going_on[0][0]
        current = live_entries([amended.pk])[amended.pk].classification
        swapped = Classification.RECOGNISED if current == Classification.OUTSTANDING else Classification.OUTSTANDING
        decision_amend_for(
            user=chair,
            decision=decision,
            signed_on=today,
            reason="Rà soát lại biên bản chấm điểm của Hội đồng: xếp loại ghi nhầm.",
            classifications={amended.pk: swapped},
        )
    revoked = [model.pk for model, until in awaiting if until == ModelStage.REVOKED]
    if revoked:
        revocation = decision_revoke_for(
            user=chair,
            decision=decision,
            signed_on=today,
            reason="Đơn vị báo cáo mô hình đã ngừng hoạt động từ trước khi xét công nhận.",
            model_ids=revoked,
        )
        decision_tasks_settle(decision_id=revocation.pk)
    return going_on
