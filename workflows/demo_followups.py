"""Demo data of the follow-up of recognised models: adoptions in each status, re-reviews both ways.

Everything goes through the services the pages call: adoptions are recorded with
`adoptions_record`, the adopting units report through their follow-up tasks, and the
standing body answers the year's re-review tasks.
"""

from django.utils import timezone

from recognition.models import ModelStage, MovementModel, ReReview, Unit
from recognition.roles import Role

from .demo import _user
from .followups import FollowUpFlow, adoptions_record, rereview_start
from .models import RecognitionTask
from .services import task_claim, task_complete

ADOPTION_REPORTS = (
    ("nhanrong1", "Lý Thị Hồng", "implementing", "Đã họp dân triển khai ở 2 ấp, 45 hộ đăng ký tham gia."),
    ("nhanrong2", "Trương Văn Phúc", "effective", "Duy trì đều 6 tháng, 120 hộ tham gia, được nhân dân đồng tình."),
)


def _follow_up_do(task: RecognitionTask, *, user, data: dict) -> None:
    if task.owner_id is None:
        task_claim(task_id=task.pk, user=user)
    task_complete(task_id=task.pk, user=user, data=data)


def _open_task(node, **filters) -> RecognitionTask:
    return RecognitionTask.objects.filter(flow_task=node, finished__isnull=True, **filters).latest("pk")


def demo_followups_ensure(*, cast) -> bool:
    """Add the follow-up demo once (False when it is there already or no model is recognised yet)."""
    if ReReview.objects.filter(movement_model__campaign=cast.campaign).exists():
        return False
    replicating = MovementModel.objects.filter(campaign=cast.campaign, stage=ModelStage.REPLICATION).order_by("pk")
    closed = MovementModel.objects.filter(campaign=cast.campaign, stage=ModelStage.CLOSED).order_by("pk").first()
    model = replicating.first()
    if model is None or closed is None:
        return False
    today = timezone.localdate()
    # Two more adopting units, each reporting through its own follow-up task: one implementing, one effective.
    taken = set(model.replications.values_list("adopting_unit_id", flat=True)) | {model.unit_id}
    units = list(
        Unit.objects.filter(path__startswith=cast.province.path, depth=3, is_active=True)
        .exclude(pk__in=taken)
        .order_by("path")[: len(ADOPTION_REPORTS)]
    )
    adoptions_record(
        movement_model=model,
        recorded_by=cast.users["thuongtruc"],
        adopting_units=units,
        started_on=today,
        status="planned",
    )
    for unit, (username, full_name, status, report) in zip(units, ADOPTION_REPORTS, strict=False):
        reporter = _user(username=username, full_name=full_name, role=Role.UNIT_SUBMITTER, unit=unit)
        task = _open_task(FollowUpFlow.adoption_report, process__replication__adopting_unit=unit)
        _follow_up_do(task, user=reporter, data={"status": status, "adoption_report": report})
    # This year's re-review: the replicating model is still effective, the closed one is not.
    standing_body = cast.users["thuongtruc"]
    for movement_model, data in (
        (model, {"rereview_outcome": "effective", "reason": "Mô hình duy trì tốt, được nhân rộng."}),
        (closed, {"rereview_outcome": "not_effective", "reason": "Đơn vị không còn duy trì hoạt động từ quý II."}),
    ):
        rereview = rereview_start(movement_model=movement_model, year=today.year, opened_on=today)
        task = _open_task(FollowUpFlow.rereview, process__rereview=rereview)
        _follow_up_do(task, user=standing_body, data=data)
    return True
