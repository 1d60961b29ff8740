"""The annual re-review: opened on the campaign's date (once a year), answered by the standing body."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from viewflow.workflow.status import PROCESS, STATUS

from recognition.models import AuditAction, AuditEvent, Campaign, ModelStage, ReReview, ReReviewOutcome
from recognition.services.rereview import effective_models
from tests.recognition.audit_support import register
from tests.workflows.api_support import api_for, task_url
from tests.workflows.followups_support import follow_up_do, follow_up_tasks, open_follow_up, recognised_model
from workflows.demo import task_do
from workflows.followups import rereviews_open_due
from workflows.services import task_claim

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
REREVIEW_DAY = datetime(2027, 1, 15, 6, 30, tzinfo=HCM)  # a Friday
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def short_sla(settings):
    settings.KHEO_FOLLOW_UP_SLA_WORKING_DAYS = {"adoption_report": 60, "rereview": 3}


def _rereview_on(world, day: date) -> None:
    Campaign.objects.filter(pk=world.campaign.pk).update(rereview_on=day)


def _two_recognised(world, dossier):
    kept = recognised_model(world, dossier, name="Hũ gạo tình thương", number="7-QĐ/BCĐ")
    closed = recognised_model(world, dossier, name="Tổ dân vận", number="8-QĐ/BCĐ")
    task_do(
        movement_model=closed,
        node_name="replicate",
        user=world.standing_body,
        data={"close_tracking": "on", "status": "planned"},
    )
    register(world, dossier, name="Thắp sáng đường quê")  # not recognised: never re-reviewed
    return kept, closed


def _opened(world, dossier):
    kept, closed = _two_recognised(world, dossier)
    _rereview_on(world, date(2027, 1, 15))
    with time_machine.travel(REREVIEW_DAY, tick=False):
        assert rereviews_open_due() == 2
    return kept, closed


def test_every_recognised_model_gets_one_rereview_task_on_the_date(world, dossier, short_sla):
    kept, closed = _two_recognised(world, dossier)
    _rereview_on(world, date(2027, 1, 15))
    with time_machine.travel(datetime(2027, 1, 14, 23, 0, tzinfo=HCM), tick=False):
        assert rereviews_open_due() == 0
    with time_machine.travel(REREVIEW_DAY, tick=False):
        assert rereviews_open_due() == 2
        assert rereviews_open_due() == 0  # the beat ran twice
    with time_machine.travel(datetime(2027, 3, 2, 6, 30, tzinfo=HCM), tick=False):
        assert rereviews_open_due() == 0  # later the same year
    assert sorted(ReReview.objects.values_list("movement_model__name", "year", "opened_on", "outcome")) == [
        ("Hũ gạo tình thương", 2027, date(2027, 1, 15), ""),
        ("Tổ dân vận", 2027, date(2027, 1, 15), ""),
    ]
    tasks = list(follow_up_tasks(node="rereview"))
    assert [(t.process.followed_model_id, t.unit_id, t.owner_permission, t.due_on, t.status) for t in tasks] == [
        (kept.pk, world.province.pk, "recognition.check_dossier", date(2027, 1, 20), STATUS.NEW),
        (closed.pk, world.province.pk, "recognition.check_dossier", date(2027, 1, 20), STATUS.NEW),
    ]
    # Stages are untouched.
    for model in (kept, closed):
        model.refresh_from_db()
    assert (kept.stage, closed.stage) == (ModelStage.REPLICATION, ModelStage.CLOSED)


def test_a_campaign_without_a_date_or_of_the_same_year_opens_nothing(world, dossier):
    _two_recognised(world, dossier)
    with time_machine.travel(REREVIEW_DAY, tick=False):
        assert rereviews_open_due() == 0  # no date set
    _rereview_on(world, date(world.campaign.year, 12, 1))
    with time_machine.travel(datetime(world.campaign.year, 12, 2, 6, 30, tzinfo=HCM), tick=False):
        assert rereviews_open_due() == 0  # the models were recognised this very year
    assert ReReview.objects.count() == 0


def test_still_effective_keeps_the_model_in_the_effective_counts(world, dossier):
    kept, _closed = _opened(world, dossier)
    task = open_follow_up(node="rereview", process__followed_model=kept)
    with time_machine.travel(datetime(2027, 1, 18, 9, 0, tzinfo=HCM), tick=False):
        follow_up_do(task, user=world.standing_body, data={"rereview_outcome": "effective"})
    rereview = ReReview.objects.get(movement_model=kept)
    assert (rereview.outcome, rereview.reason, rereview.reviewed_by) == (
        ReReviewOutcome.EFFECTIVE,
        "",
        world.standing_body,
    )
    kept.refresh_from_db()
    assert kept.no_longer_effective_since is None
    assert effective_models().filter(campaign=world.campaign).count() == 2
    event = AuditEvent.objects.get(action=AuditAction.REREVIEW_CONFIRMED)
    assert (event.movement_model_id, event.payload) == (
        kept.pk,
        {"rereview": rereview.pk, "year": 2027, "evidence": []},
    )
    task.process.refresh_from_db()
    assert task.process.status == PROCESS.DONE


def test_no_longer_effective_needs_a_reason_and_leaves_the_effective_counts(world, dossier):
    kept, closed = _opened(world, dossier)
    task = open_follow_up(node="rereview", process__followed_model=closed)
    with pytest.raises(ValidationError) as refused:
        follow_up_do(task, user=world.standing_body, data={"rereview_outcome": "not_effective"})
    assert refused.value.message_dict == {"reason": ["Phải ghi rõ lý do khi kết luận mô hình không còn hiệu quả."]}
    assert ReReview.objects.get(movement_model=closed).outcome == ""

    task.refresh_from_db()
    with time_machine.travel(datetime(2027, 1, 20, 9, 0, tzinfo=HCM), tick=False):
        follow_up_do(
            task,
            user=world.standing_body,
            data={"rereview_outcome": "not_effective", "reason": "Tổ dân vận không còn sinh hoạt từ tháng 6."},
            files={"attachments": [SimpleUploadedFile("bien-ban.pdf", PDF_BYTES, content_type="application/pdf")]},
        )
    closed.refresh_from_db()
    assert (closed.stage, closed.no_longer_effective_since) == (ModelStage.CLOSED, date(2027, 1, 20))
    rereview = ReReview.objects.get(movement_model=closed)
    assert rereview.outcome == ReReviewOutcome.NOT_EFFECTIVE
    assert [a.original_name for a in rereview.evidence.all()] == ["bien-ban.pdf"]
    assert list(effective_models().filter(campaign=world.campaign)) == [kept]
    event = AuditEvent.objects.get(action=AuditAction.REREVIEW_DROPPED)
    assert (event.movement_model_id, event.reason, event.payload["no_longer_effective_since"]) == (
        closed.pk,
        "Tổ dân vận không còn sinh hoạt từ tháng 6.",
        "2027-01-20",
    )
    # Next year only the model still effective is re-reviewed; the history stays.
    _rereview_on(world, date(2028, 1, 14))
    with time_machine.travel(datetime(2028, 1, 14, 6, 30, tzinfo=HCM), tick=False):
        assert rereviews_open_due() == 1
    assert sorted(ReReview.objects.values_list("movement_model__name", "year")) == [
        ("Hũ gạo tình thương", 2027),
        ("Hũ gạo tình thương", 2028),
        ("Tổ dân vận", 2027),
    ]


def test_only_the_standing_body_of_the_organiser_takes_the_rereview(world, dossier):
    kept, _closed = _opened(world, dossier)
    task = open_follow_up(node="rereview", process__followed_model=kept)
    for user in (world.commune_standing_body, world.submitter, world.chair):
        with pytest.raises(PermissionDenied):
            task_claim(task_id=task.pk, user=user)
    # Outside the model's subtree the task does not exist.
    assert api_for(world.other_submitter).get(task_url(task.pk)).status_code == 404


def test_the_task_api_completes_a_rereview_with_evidence(world, dossier):
    kept, _closed = _opened(world, dossier)
    task = open_follow_up(node="rereview", process__followed_model=kept)
    client = api_for(world.standing_body)
    listed = client.get(task_url(task.pk)).json()
    assert (listed["node"], listed["model"]["id"], listed["model"]["name"]) == (
        "rereview",
        kept.pk,
        "Hũ gạo tình thương",
    )
    assert client.post(task_url(task.pk, "claim")).status_code == 200
    response = client.post(
        task_url(task.pk, "complete"),
        {
            "rereview_outcome": "not_effective",
            "reason": "Không duy trì.",
            "attachments": [SimpleUploadedFile("anh.pdf", PDF_BYTES, content_type="application/pdf")],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == STATUS.DONE
    kept.refresh_from_db()
    assert kept.no_longer_effective_since is not None
    assert ReReview.objects.get(movement_model=kept).evidence.count() == 1


def test_the_model_page_shows_the_rereview_history(client, world, dossier):
    kept, _closed = _opened(world, dossier)
    task = open_follow_up(node="rereview", process__followed_model=kept)
    with time_machine.travel(datetime(2027, 1, 20, 9, 0, tzinfo=HCM), tick=False):
        follow_up_do(
            task, user=world.standing_body, data={"rereview_outcome": "not_effective", "reason": "Ngừng hoạt động."}
        )
    client.force_login(world.standing_body)
    content = client.get(f"/models/{kept.pk}/").content.decode()
    assert "Rà soát hằng năm" in content
    assert "Không còn hiệu quả từ ngày 20/01/2027" in content
    assert "Không còn hiệu quả (20/01/2027)" in content
    assert "Ngừng hoạt động." in content
