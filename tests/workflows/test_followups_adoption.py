"""Each adoption of a recognised model has its own follow-up: the adopting unit reports, with a due date."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from viewflow.workflow.status import PROCESS, STATUS

from recognition.models import AuditAction, AuditEvent, ModelStage, Replication, ReplicationStatus
from tests.factories import unit_create
from tests.workflows.followups_support import follow_up_do, follow_up_tasks, open_follow_up, recognised_model
from workflows.demo import task_do
from workflows.models import DeadlineSlot
from workflows.selectors import task_queue_for

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
FRIDAY = datetime(2026, 4, 24, 10, 0, tzinfo=HCM)  # 3 working days later: Monday 04/05/2026 (DOMAIN.md)


@pytest.fixture
def short_sla(settings):
    settings.KHEO_FOLLOW_UP_SLA_WORKING_DAYS = {"adoption_report": 3, "rereview": 15}


def _replicate(world, model, units, *, started_on="2026-04-20", status="planned", close=False):
    data = {"adopting_units": ",".join(str(unit.pk) for unit in units), "started_on": started_on, "status": status}
    if close:
        data["close_tracking"] = "on"
    task_do(movement_model=model, node_name="replicate", user=world.standing_body, data=data)


def test_each_new_adoption_gets_a_report_task_of_the_adopting_unit_with_its_due_date(world, dossier, short_sla):
    model = recognised_model(world, dossier)
    with time_machine.travel(FRIDAY, tick=False):
        _replicate(world, model, [world.other_commune, world.other_unit])

    tasks = list(follow_up_tasks(node="adoption_report"))
    assert [(t.unit_id, t.due_on, t.sla_working_days, t.status, t.owner_permission) for t in tasks] == [
        (world.other_commune.pk, date(2026, 5, 4), 3, STATUS.NEW, "recognition.register_model"),
        (world.other_unit.pk, date(2026, 5, 4), 3, STATUS.NEW, "recognition.register_model"),
    ]
    # Reminders before and on the due day, then the escalation levels, as for any task.
    assert sorted(DeadlineSlot.objects.filter(task_id=tasks[0].pk).values_list("rule", flat=True)) == [
        "escalation.level-1",
        "escalation.level-2",
        "reminder.d-2",
        "reminder.d0",
    ]
    process = tasks[1].process
    assert (process.movement_model_id, process.followed_model_id) == (None, model.pk)
    assert process.replication == Replication.objects.get(adopting_unit=world.other_unit)
    # The adopting unit's staff find it in their queue; the registering unit's do not.
    assert list(task_queue_for(user=world.other_submitter)) == [tasks[1]]
    assert list(task_queue_for(user=world.submitter)) == []
    # The model's trail holds both adoptions and both new tasks.
    actions = list(
        AuditEvent.objects.filter(movement_model=model, sequence__gt=0)
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    # (the last task_created is the replication task's next round)
    assert actions[-7:] == [
        "task_started",
        "replication_recorded",
        "replication_recorded",
        "task_created",
        "task_created",
        "task_completed",
        "task_created",
    ]
    # Recording the same unit again with the same status starts nothing new.
    _replicate(world, model, [world.other_unit])
    assert follow_up_tasks(node="adoption_report").count() == 2


def test_reports_move_the_adoption_forward_until_effective(world, dossier, short_sla):
    model = recognised_model(world, dossier)
    with time_machine.travel(FRIDAY, tick=False):
        _replicate(world, model, [world.other_unit])
    first = open_follow_up(node="adoption_report")

    with time_machine.travel(datetime(2026, 5, 4, 9, 0, tzinfo=HCM), tick=False):
        follow_up_do(
            first, user=world.other_submitter, data={"status": "implementing", "adoption_report": "Đã họp dân, 30 hộ."}
        )
    replication = Replication.objects.get()
    assert (replication.status, replication.implementing_since, replication.effective_since, replication.report) == (
        ReplicationStatus.IMPLEMENTING,
        date(2026, 5, 4),
        None,
        "Đã họp dân, 30 hộ.",
    )
    second = open_follow_up(node="adoption_report")
    assert (second.process_id, second.due_on, second.unit_id) == (
        first.process_id,
        date(2026, 5, 7),
        world.other_unit.pk,
    )

    # An adoption never moves back.
    second_owner = world.other_submitter
    with pytest.raises(ValidationError) as refused:
        follow_up_do(second, user=second_owner, data={"status": "planned", "adoption_report": "Tạm dừng."})
    assert "status" in refused.value.message_dict

    second.refresh_from_db()  # claimed by the refused attempt, which rolled back only its report
    with time_machine.travel(datetime(2026, 6, 1, 9, 0, tzinfo=HCM), tick=False):
        follow_up_do(second, user=second_owner, data={"status": "effective", "adoption_report": "120 hộ tham gia."})
    replication.refresh_from_db()
    assert (replication.status, replication.implementing_since, replication.effective_since) == (
        ReplicationStatus.EFFECTIVE,
        date(2026, 5, 4),
        date(2026, 6, 1),
    )
    assert follow_up_tasks(node="adoption_report", status__in=(STATUS.NEW, STATUS.ASSIGNED)).count() == 0
    second.process.refresh_from_db()
    assert second.process.status == PROCESS.DONE
    reports = AuditEvent.objects.filter(movement_model=model, action=AuditAction.ADOPTION_REPORTED).order_by("sequence")
    assert [(e.payload["status"], e.payload["adoption_report"]) for e in reports] == [
        ({"before": "planned", "after": "implementing"}, "Đã họp dân, 30 hộ."),
        ({"before": "implementing", "after": "effective"}, "120 hộ tham gia."),
    ]
    # The model's own stage never moved.
    model.refresh_from_db()
    assert model.stage == ModelStage.REPLICATION


def test_an_adoption_recorded_effective_needs_no_follow_up(world, dossier):
    model = recognised_model(world, dossier)
    _replicate(world, model, [world.other_unit], status="effective", started_on="2026-01-10")
    replication = Replication.objects.get()
    assert (replication.implementing_since, replication.effective_since) == (date(2026, 1, 10), date(2026, 1, 10))
    assert follow_up_tasks(node="adoption_report").count() == 0


def test_units_outside_the_organisers_subtree_and_the_registering_unit_are_refused(world, dossier):
    model = recognised_model(world, dossier)
    elsewhere = unit_create(name="Xã Vị Thanh", parent=unit_create(name="Tỉnh ủy Hậu Giang", level_code="province"))
    for unit, message in (
        (world.submitter_unit, "Đơn vị đăng ký không thể tự nhân rộng mô hình của mình."),
        (
            elsewhere,
            "Đơn vị “Xã Vị Thanh” không thuộc phạm vi nhân rộng của đợt (các đơn vị trực thuộc Thành ủy Cần Thơ).",
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            _replicate(world, model, [unit])
        assert refused.value.message_dict == {"adopting_units": [message]}
    assert Replication.objects.count() == 0
    assert follow_up_tasks(node="adoption_report").count() == 0


def test_the_queue_page_lists_the_follow_up_with_the_models_name(client, world, dossier):
    model = recognised_model(world, dossier, name="Camera an ninh khu dân cư")
    _replicate(world, model, [world.other_unit])
    client.force_login(world.other_submitter)
    page = client.get("/recognition/queue/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Camera an ninh khu dân cư" in content
    assert "Báo cáo kết quả nhân rộng" in content
    # The task page opens for the adopting unit (the model's own page is not in its subtree).
    task = open_follow_up(node="adoption_report")
    client.post(task.flow_task.reverse("assign", args=[task.process_id, task.pk]))
    page = client.get(task.flow_task.reverse("execute", args=[task.process_id, task.pk]))
    assert page.status_code == 200
    assert "Báo cáo ngắn kết quả áp dụng" in page.content.decode()
    # Another commune's staff get 404 for it.
    client.force_login(world.submitter)
    assert client.get(task.flow_task.reverse("index", args=[task.process_id, task.pk])).status_code == 404


def test_an_adoption_recorded_effective_by_the_organiser_ends_its_pending_report(world, dossier):
    model = recognised_model(world, dossier)
    _replicate(world, model, [world.other_unit])
    pending = open_follow_up(node="adoption_report")
    _replicate(world, model, [world.other_unit], status="effective")
    pending.refresh_from_db()
    pending.process.refresh_from_db()
    assert (pending.status, pending.process.status) == (STATUS.CANCELED, PROCESS.CANCELED)
    assert (
        AuditEvent.objects.filter(
            movement_model=model, action=AuditAction.PROCESS_CANCELLED, process_id=pending.process_id
        ).count()
        == 1
    )
