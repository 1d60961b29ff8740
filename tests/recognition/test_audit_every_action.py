"""The auditor's pages render a trail holding every kind of record the code writes, in Vietnamese.

The trail is built through the real services (registration, the task pages' services,
the deadline beat, the admin); the actions no code path writes yet (delegation,
undo, revocation, deletion of reference data) are written with `audit_record`
in the payload shape of their siblings.
"""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django_otp.oath import totp

from accounts.admin import audit_sign_in_unlocked
from accounts.second_factor import recovery_codes_regenerate, totp_device_confirm, totp_device_start
from procedures.services import draft_create, draft_update, national_version_ensure, version_publish
from recognition.audit_context import acting_as
from recognition.models import (
    AuditAction,
    AuditEvent,
    AwardKind,
    Campaign,
    ModelStage,
    MovementModel,
    RecognitionDecision,
)
from recognition.models.audit import AuditDigest
from recognition.roles import Role
from recognition.services.audit import audit_digest_seal, audit_record
from recognition.services.awards import award_propose, award_record
from recognition.services.decisions import decision_scan_upload
from recognition.views.audit import SearchView
from tests.factories import CampaignFactory, MovementModelFactory, user_with_role
from tests.notifications.support import open_task
from tests.recognition.audit_support import CRITERIA, check, evaluate, recognise, register, revise, survey
from tests.workflows.followups_support import follow_up_do, open_follow_up
from workflows.council import case_end_request, council_close
from workflows.deadlines.firing import deadline_slots_fire
from workflows.deadlines.scan import deadline_scan
from workflows.decision_flow import decision_amend_for, decision_revoke_for
from workflows.demo import task_do
from workflows.flows import RecognitionFlow
from workflows.followups import rereviews_open_due
from workflows.services import nomination_submit, task_claim, task_release

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _beat(now: datetime) -> None:
    published = []
    with time_machine.travel(now, tick=False):
        deadline_scan(publish=published.append)
        for chunk in published:
            deadline_slots_fire(slot_ids=chunk)


def _replicate(world, model, *, status: str, close: bool):
    data = {
        "adopting_units": [str(world.other_unit.pk)],
        "started_on": timezone.localdate().isoformat(),
        "status": status,
    }
    if close:
        data["close_tracking"] = "on"
    task_do(movement_model=model, node_name="replicate", user=world.standing_body, data=data)


def _follow_ups(world, model):
    """The adopting unit reports its adoption effective; two yearly re-reviews keep, then drop, the model."""
    follow_up_do(
        open_follow_up(node="adoption_report"),
        user=world.other_submitter,
        data={"status": "effective", "adoption_report": "Đã nhân rộng ra 3 ấp."},
    )
    year = world.campaign.year
    for later, data in (
        (1, {"rereview_outcome": "effective"}),
        (2, {"rereview_outcome": "not_effective", "reason": "Mô hình không còn duy trì."}),
    ):
        day = date(year + later, 1, 15)
        Campaign.objects.filter(pk=world.campaign.pk).update(rereview_on=day)
        assert rereviews_open_due(today=day) == 1
        follow_up_do(open_follow_up(node="rereview"), user=world.standing_body, data=data)
    Campaign.objects.filter(pk=world.campaign.pk).update(rereview_on=None)


def model_named(name: str) -> MovementModel:
    return MovementModel.objects.get(name=name)


def _approval_outcomes(world, dossier):
    national = national_version_ensure()
    draft = draft_create(definition=national.definition, author=world.admin)
    step = {
        "key": "mat-tran",
        "title": "Thẩm định của Mặt trận",
        "after": "check_dossier",
        "performer_role": Role.CHAIR.value,
        "performer_unit": "organiser",
        "sla_working_days": 4,
    }
    draft_update(
        version=draft,
        spec_data={**draft.spec, "approval_steps": [step], "survey_not_recommended": "end_case"},
        author=world.admin,
    )
    version_publish(version=draft, actor=world.admin, reason="Thêm bước thẩm định của Mặt trận.")
    for name, outcome, reason in (
        ("Dân vận khéo 1", "approve", ""),
        ("Dân vận khéo 2", "return", "Bổ sung ý kiến của Mặt trận cấp xã."),
        ("Dân vận khéo 3", "reject", "Trùng mô hình đã công nhận."),
    ):
        model = register(world, dossier, name=name)
        check(world, model, accept=True)
        task_do(
            movement_model=model, node_name="approve", user=world.chair, data={"outcome": outcome, "reason": reason}
        )
    task_do(
        movement_model=model_named("Dân vận khéo 1"),
        node_name="survey",
        user=world.survey_team,
        data={
            "visited_on": timezone.localdate().isoformat(),
            "findings": "Mô hình đã ngừng hoạt động.",
            "recommendation": "not_recommend",
        },
    )


def _council_outcomes(world, dossier):
    """Under a version whose council closes at one sheet: a recusal, the chair's close; then a case ended."""
    national = national_version_ensure()
    draft = draft_create(definition=national.definition, author=world.admin)
    draft_update(
        version=draft,
        spec_data={**draft.spec, "approval_steps": [], "evaluation": {**draft.spec["evaluation"], "quorum": 1}},
        author=world.admin,
    )
    version_publish(version=draft, actor=world.admin, reason="Hội đồng kết thúc khi có một phiếu.")
    recused = user_with_role(role=Role.COUNCIL_MEMBER, unit=world.submitter_unit, username="hoidong_hoi")
    world.campaign.council_members.set([*world.council, recused])
    world.campaign.council_chair = world.council[0]
    world.campaign.save()
    model = register(world, dossier, name="Camera an ninh khu dân cư")
    check(world, model, accept=True)
    survey(world, model)
    task_do(
        movement_model=model,
        node_name="evaluate",
        user=world.council[0],
        data={**{f"criterion_{code}": 16 for code in CRITERIA}, "comment": "Đạt."},
    )
    council_close(movement_model_id=model.pk, user=world.council[0])
    ended = register(world, dossier, name="Tiếng kẻng an ninh")
    case_end_request(movement_model_id=ended.pk, user=world.standing_body, reason="Đơn vị xin rút hồ sơ.")


@pytest.fixture
def trail(world, dossier, settings, client, tmp_path):
    """Three models and the admin's records: every AuditAction at least once."""
    settings.KHEO_ESCALATION_REASSIGN_STAGES = ["check_dossier"]
    deputy = user_with_role(role=Role.STANDING_BODY, unit=world.province, username="thuongtruc_pho")
    with time_machine.travel(datetime(2026, 4, 24, 10, 0, tzinfo=HCM), tick=False):
        recognised = register(world, dossier)
        task = open_task(recognised, "check_dossier")
        task_claim(task_id=task.pk, user=world.standing_body)
        task_release(task_id=task.pk, user=world.standing_body)
        task_claim(task_id=task.pk, user=world.standing_body)
    _beat(datetime(2026, 5, 7, 8, 0, tzinfo=HCM))  # reminders, escalation, reassignment to the deputy
    task_do(
        movement_model=recognised,
        node_name="check_dossier",
        user=deputy,
        data={"decision": "return", "reason": "Thiếu biên bản họp dân."},
    )
    revise(world, recognised, dossier, budget_vnd="7000000")
    check(world, recognised, accept=True)
    survey(
        world,
        recognised,
        files={"attachments": [SimpleUploadedFile("bien-ban.pdf", PDF_BYTES, content_type="application/pdf")]},
    )
    evaluate(world, recognised, 16)
    task_do(
        movement_model=recognised,
        node_name="recognise",
        user=world.chair,
        data={"signed_on": timezone.localdate().isoformat()},
    )
    _replicate(world, recognised, status="planned", close=False)
    _replicate(world, recognised, status="implementing", close=True)
    _follow_ups(world, recognised)
    decision = RecognitionDecision.objects.get()
    # Awards: a tiêu biểu model of the same decision is proposed for a bằng khen, which is granted.
    settings.MEDIA_ROOT = str(tmp_path)
    outstanding = register(world, dossier, name="Bếp ăn nghĩa tình")
    check(world, outstanding, accept=True)
    survey(world, outstanding)
    evaluate(world, outstanding, 19)
    recognise(world, outstanding, number="7-QĐ/BCĐ")
    proposal = award_propose(
        proposed_by=world.standing_body,
        campaign=world.campaign,
        award_kind=AwardKind.DIPLOMA_OF_MERIT,
        authority="Chủ tịch Ủy ban nhân dân thành phố Cần Thơ",
        movement_models=[outstanding],
    )
    award_record(
        recorded_by=world.standing_body,
        proposal=proposal,
        number="125/QĐ-UBND",
        decided_on=timezone.localdate(),
        authority="Chủ tịch Ủy ban nhân dân thành phố Cần Thơ",
        kind=AwardKind.DIPLOMA_OF_MERIT,
    )
    # The decision's life after issue: its signed scan, an amendment, then a revocation (new decisions).
    decision_scan_upload(decision=decision, upload=SimpleUploadedFile("ban-ky.pdf", PDF_BYTES), uploaded_by=world.chair)
    amendment = decision_amend_for(
        user=world.chair,
        decision=decision,
        signed_on=timezone.localdate(),
        reason="Nhầm xếp loại.",
        classifications={recognised.pk: "outstanding"},
    )
    decision_revoke_for(
        user=world.chair, decision=amendment, signed_on=timezone.localdate(), reason="Quyết định ghi sai tên đơn vị."
    )

    rejected = register(world, dossier, name="Tổ dân vận")
    check(world, rejected, accept=True)
    survey(world, rejected)
    evaluate(world, rejected, 8)

    cancelled = register(world, dossier, name="Thắp sáng đường quê")
    with acting_as(world.admin):
        RecognitionFlow.instance.cancel(cancelled.process)

    # Nomination upward (issue 11, registration): a model the commune recognised goes to the province's campaign.
    commune_model = MovementModelFactory(
        campaign=CampaignFactory(name="Đợt phường Ninh Kiều", organising_unit=world.commune),
        unit=world.submitter_unit,
        submitted_by=world.submitter,
        field=world.field,
        name="Loa phát thanh khu phố",
        stage=ModelStage.REPLICATION,
    )
    nomination_submit(movement_model=commune_model, campaign=world.campaign, nominated_by=world.commune_standing_body)

    with transaction.atomic():
        audit_record(
            action=AuditAction.TASK_DELEGATED,
            actor=world.standing_body,
            movement_model=cancelled,
            payload={"node": "check_dossier", "previous_owner": world.standing_body.pk, "owner": deputy.pk},
        )
        audit_record(
            action=AuditAction.TASK_UNDONE,
            actor=world.admin,
            movement_model=cancelled,
            payload={"node": "check_dossier"},
        )
        audit_record(
            action=AuditAction.REFERENCE_DELETED,
            actor=world.admin,
            reason="Lĩnh vực tạo nhầm.",
            payload={
                "model": "recognition.field",
                "object": world.field.pk,
                "object_repr": str(world.field),
                "operation": "delete",
                "changes": {},
            },
        )
        audit_record(
            action=AuditAction.PROCESS_MIGRATED,
            actor=world.admin,
            movement_model=recognised,
            reason="Áp dụng quy trình mới của tỉnh.",
            payload={
                "from_version": 1,
                "to_version": 2,
                "stages_skipped": ["survey"],
                "stages_added": [],
                "tasks_replanned": [],
                "tasks_cancelled": [3],
                "orphan_choices": {"survey": "cancel"},
                "task_units": {},
            },
        )
    # The procedure: an admin drafts a new version, saves it and publishes it (the first one retires).
    national = recognised.process.procedure_version
    draft = draft_create(definition=national.definition, author=world.admin)
    draft_update(version=draft, spec_data=draft.spec, author=world.admin)
    version_publish(version=draft, actor=world.admin, reason="Áp dụng Hướng dẫn số 12-HD/BDVTW.")
    # Under a version with an approval step after the check, whose survey's "do not recommend" ends the case.
    _approval_outcomes(world, dossier)
    _council_outcomes(world, dossier)
    # The daily seal is itself a record of the trail (about no model).
    audit_digest_seal()
    # Sign-in security: an admin enrols a second factor and renews recovery codes; a lock is lifted.
    device = totp_device_start(user=world.admin)
    assert totp_device_confirm(user=world.admin, token=f"{totp(device.bin_key):06d}")
    recovery_codes_regenerate(user=world.admin)
    locked = AccessAttempt.objects.create(
        username="donvi", ip_address="127.0.0.1", user_agent="", failures_since_start=5, get_data="", post_data=""
    )
    with transaction.atomic():
        audit_sign_in_unlocked(actor=world.admin, attempt=locked)
    client.force_login(world.admin)
    year = timezone.localdate().year
    response = client.post(
        "/admin/recognition/campaign/add/",
        {
            "name": "Đợt bổ sung",
            "year": year,
            "organising_unit": world.province.pk,
            "registration_opens_on": f"{year}-01-01",
            "registration_closes_on": f"{year}-12-31",
        },
    )
    assert response.status_code == 302
    # The added campaign (it has no council yet, so only its deadline changes).
    added = Campaign.objects.get(name="Đợt bổ sung")
    response = client.post(
        f"/admin/recognition/campaign/{added.pk}/change/",
        {
            "name": added.name,
            "year": year,
            "organising_unit": world.province.pk,
            "registration_opens_on": f"{year}-01-01",
            "registration_closes_on": f"{year}-11-30",
            "audit_reason": "Rút ngắn hạn đăng ký theo Kết luận số 3.",
        },
    )
    assert response.status_code == 302
    response = client.post(
        "/admin/workflows/calendaroverride/add/",
        {"date": "2026-05-09", "kind": "working_day", "reason": "Thông báo 1/TB-BNV", "audit_reason": "Làm bù."},
    )
    assert response.status_code == 302
    client.logout()
    return recognised, rejected, cancelled


RAW_KEY = re.compile(r"^[a-z0-9_.\-]+$")


def _assert_readable(entries):
    """Every label is Vietnamese (no payload key shown as it is) and no value is a raw structure."""
    for entry in entries:
        for label, value in entry.values:
            assert not RAW_KEY.match(label), (entry.event.action, label)
            assert "{" not in value and "'before'" not in value, (entry.event.action, label, value)
        for label, before, after in entry.changes:
            assert not RAW_KEY.match(label), (entry.event.action, label)
            assert "{" not in before + after, (entry.event.action, label, before, after)


def test_every_action_is_in_the_trail(trail):
    assert set(AuditEvent.objects.values_list("action", flat=True)) == set(AuditAction.values)


def test_timeline_and_pdf_of_every_model_render_in_vietnamese(client, world, trail):
    recognised, rejected, cancelled = trail
    client.force_login(world.auditor)
    for model in trail:
        response = client.get(f"/audit/models/{model.pk}/")
        assert response.status_code == 200
        _assert_readable(response.context["entries"])
        pdf = client.get(f"/audit/models/{model.pk}/trail.pdf")
        assert (pdf.status_code, pdf["Content-Type"], pdf.content[:5]) == (200, "application/pdf", b"%PDF-")

    entries = client.get(f"/audit/models/{recognised.pk}/").context["entries"]
    by_action = {}
    for entry in entries:
        by_action.setdefault(entry.event.action, []).append(entry)
    first, second = by_action["replication_recorded"]
    assert first.action == "Ghi nhận nhân rộng"
    assert ("Đơn vị áp dụng", "Hội Nông dân xã Phong Điền") in first.values
    assert first.changes == [("Trạng thái", "—", "Kế hoạch")]
    assert second.changes == [("Trạng thái", "Kế hoạch", "Đang triển khai")]
    assert by_action["process_finished"][0].values == [("Số đơn vị nhân rộng", "1")]
    assert by_action["reminder_sent"][0].action == "Gửi nhắc việc"
    assert ("Người nhận", "thuongtruc") in by_action["reminder_sent"][0].values
    escalated = by_action["escalated"][0]
    assert ("Quy tắc", "Chuyển cấp trên lần 1") in escalated.values
    assert ("Đơn vị giám sát", "Thành ủy Cần Thơ") in escalated.values
    assert ("Số ngày làm việc quá hạn", "1") in escalated.values
    reassigned = by_action["task_reassigned"][0]
    assert reassigned.actor == "Hệ thống (quy tắc: escalation.level-1)"
    assert ("Người xử lý", f"{world.standing_body.get_full_name()} (thuongtruc)") not in reassigned.values
    assert ("Người xử lý trước", f"{world.standing_body.get_full_name()} (thuongtruc)") in reassigned.values
    assert ("Bước", "Kiểm tra hồ sơ") in reassigned.values
    released = by_action["task_released"][0]
    assert released.action == "Trả nhiệm vụ về hàng chờ"
    passed = by_action["evaluation_passed"][0]
    assert ("Cách tổng hợp", "Bình quân") in passed.values
    assert ("Xếp loại", "Công nhận") in passed.values
    members = dict(passed.values)["Tổng điểm của từng thành viên"]
    assert members.startswith(f"{world.council[0].get_full_name()} (hoidong1): 80")
    decision = RecognitionDecision.objects.get(number="1-QĐ/BCĐ")
    recognised_entry = by_action["model_recognised"][0]
    assert ("Số quyết định", "1-QĐ/BCĐ") in recognised_entry.values
    assert ("Mã quyết định", f"#{decision.pk}") in recognised_entry.values
    amended = by_action["decision_amended"][0]
    assert (amended.action, amended.reason) == ("Sửa đổi quyết định", "Nhầm xếp loại.")
    assert ("Mã quyết định được sửa đổi", f"#{decision.pk}") in amended.values
    revoked = by_action["recognition_revoked"][0]
    assert (revoked.action, revoked.reason) == ("Thu hồi công nhận mô hình", "Quyết định ghi sai tên đơn vị.")
    issued = AuditEvent.objects.filter(action="decision_issued").order_by("pk")
    assert [event.payload["number"] for event in issued] == ["1-QĐ/BCĐ", "2-QĐ/BCĐ", "3-QĐ/BCĐ", "4-QĐ/BCĐ"]
    assert issued[0].payload["pdf_sha256"] == decision.pdf_sha256
    edited = by_action["dossier_edited"][0]
    assert edited.changes == [("7a. Kinh phí (đồng)", "—", "7000000")]
    surveyed = by_action["survey_reported"][0]
    assert ("Kiến nghị", "Đề nghị công nhận") in surveyed.values
    assert [item["name"] for item in surveyed.files] == ["bien-ban.pdf"]

    cancelled_entries = client.get(f"/audit/models/{cancelled.pk}/").context["entries"]
    process_cancelled = next(e for e in cancelled_entries if e.event.action == "process_cancelled")
    assert process_cancelled.values == [("Trạng thái", "Đã hủy")]
    rejected_entries = client.get(f"/audit/models/{rejected.pk}/").context["entries"]
    assert "Không đạt, không công nhận" in [entry.action for entry in rejected_entries]


def test_search_shows_every_action_in_vietnamese(client, world, trail, monkeypatch):
    monkeypatch.setattr(SearchView, "paginate_by", 500)
    client.force_login(world.auditor)
    response = client.get("/audit/")
    assert response.status_code == 200
    entries = response.context["entries"]
    assert {entry.event.action for entry in entries} == set(AuditAction.values)
    _assert_readable(entries)
    labels = {entry.event.action: entry.action for entry in entries}
    assert labels == {action.value: str(action.label) for action in AuditAction}
    deleted = next(entry for entry in entries if entry.event.action == "reference_deleted")
    assert ("Loại dữ liệu", "Lĩnh vực") in deleted.values
    assert ("Thao tác", "Xóa") in deleted.values
    changed = next(entry for entry in entries if entry.event.action == "reference_changed")
    year = timezone.localdate().year
    assert changed.changes == [("Hạn đăng ký", f"31/12/{year}", f"30/11/{year}")]
    configured = next(entry for entry in entries if entry.event.action == "flow_configuration_changed")
    assert ("Thao tác", "Thêm") in configured.values
    sealed = next(entry for entry in entries if entry.event.action == "audit_sealed")
    digest = AuditDigest.objects.get()
    assert ("Ngày niêm phong", digest.day.strftime("%d/%m/%Y")) in sealed.values
    assert ("Mã băm niêm phong", digest.digest_hash) in sealed.values
    for action in AuditAction.values:
        assert client.get("/audit/", {"action": action}).status_code == 200
