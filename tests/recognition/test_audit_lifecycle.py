"""Every lifecycle path writes exactly the expected audit records, in order, in one intact chain."""

import pytest
from django.core.management import call_command

from recognition.models import AuditEvent, ModelStage
from tests.recognition.audit_support import (
    CHECK_ACCEPT,
    CHECK_RETURN,
    EVALUATE,
    RECOGNISE,
    REGISTER,
    REPLICATE_AND_CLOSE,
    REVISE,
    SURVEY,
    actions_of,
    check,
    evaluate,
    recognise,
    register,
    replicate_and_close,
    revise,
    straight_through,
    survey,
)

pytestmark = pytest.mark.django_db


def test_straight_through_writes_each_step_in_order(world, dossier):
    model = straight_through(world, dossier)

    assert actions_of(model) == (
        REGISTER
        + CHECK_ACCEPT
        + SURVEY
        + EVALUATE * 3
        + ["evaluation_passed", "task_created"]
        + RECOGNISE
        + REPLICATE_AND_CLOSE
    )
    sequences = list(
        AuditEvent.objects.filter(movement_model=model).order_by("sequence").values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, len(sequences) + 1))
    call_command("audit_verify")  # intact: no CommandError


def test_returned_twice_then_accepted(world, dossier):
    model = register(world, dossier)
    check(world, model, accept=False, reason="Thiếu biên bản họp dân.")
    revise(world, model, dossier, name="Hũ gạo tình thương khu vực 1")
    check(world, model, accept=False, reason="Thiếu số liệu hộ tham gia.")
    revise(world, model, dossier, name="Hũ gạo tình thương khu vực 1", scope="120 hộ khu vực 1.")
    check(world, model, accept=True)
    survey(world, model)
    evaluate(world, model, 18)
    recognise(world, model)
    replicate_and_close(world, model)

    assert actions_of(model) == (
        REGISTER
        + (CHECK_RETURN + REVISE) * 2
        + CHECK_ACCEPT
        + SURVEY
        + EVALUATE * 3
        + ["evaluation_passed", "task_created"]
        + RECOGNISE
        + REPLICATE_AND_CLOSE
    )
    returns = AuditEvent.objects.filter(movement_model=model, action="dossier_returned").order_by("sequence")
    assert [event.reason for event in returns] == ["Thiếu biên bản họp dân.", "Thiếu số liệu hộ tham gia."]
    edits = AuditEvent.objects.filter(movement_model=model, action="dossier_edited").order_by("sequence")
    assert [event.payload["changes"] for event in edits] == [
        {"name": {"before": "Hũ gạo tình thương", "after": "Hũ gạo tình thương khu vực 1"}},
        {"scope": {"before": "Phường Ninh Kiều.", "after": "120 hộ khu vực 1."}},
    ]
    first_revision = (
        AuditEvent.objects.filter(movement_model=model, action="task_completed", payload__node="revise")
        .order_by("sequence")
        .first()
    )
    assert first_revision.payload["changes"] == {
        "name": {"before": "Hũ gạo tình thương", "after": "Hũ gạo tình thương khu vực 1"},
        "stage": {"before": "returned", "after": "registered"},
    }
    assert first_revision.payload["values"]["name"] == "Hũ gạo tình thương khu vực 1"
    call_command("audit_verify")


def test_rejected_at_evaluation(world, dossier):
    model = register(world, dossier)
    check(world, model, accept=True)
    survey(world, model)
    evaluate(world, model, 10)

    model.refresh_from_db()
    assert model.stage == ModelStage.REJECTED
    assert actions_of(model) == REGISTER + CHECK_ACCEPT + SURVEY + EVALUATE * 3 + ["evaluation_rejected"]
    rejection = AuditEvent.objects.get(movement_model=model, action="evaluation_rejected")
    assert rejection.actor_id is None
    assert rejection.actor_label == "system:evaluation_tally"
    assert rejection.reason.startswith("Điểm tổng hợp 50.00 thấp hơn ngưỡng công nhận 70")
    assert rejection.payload["member_totals"] == {str(m.pk): 50 for m in world.council}


def test_human_records_carry_actor_unit_roles_and_form_values(world, dossier):
    model = register(world, dossier)
    check(world, model, accept=True)

    completed = AuditEvent.objects.get(movement_model=model, action="task_completed")
    assert completed.actor == world.standing_body
    assert completed.actor_unit_id == world.province.pk
    assert completed.actor_roles == "standing_body"
    assert completed.process_id == model.process.pk
    assert completed.payload["node"] == "check_dossier"
    assert completed.payload["values"] == {"decision": "accept", "reason": ""}
    assert completed.payload["changes"] == {"stage": {"before": "registered", "after": "survey"}}
    started = AuditEvent.objects.get(movement_model=model, action="task_started")
    assert (started.actor, started.task_id) == (world.standing_body, completed.task_id)


def test_process_cancel_records_the_tasks_and_the_process(world, dossier):
    from recognition.audit_context import acting_as
    from workflows.flows import RecognitionFlow

    model = register(world, dossier)
    with acting_as(world.admin):
        RecognitionFlow.instance.cancel(model.process)

    assert actions_of(model) == REGISTER + ["task_cancelled", "process_cancelled"]
    cancelled = AuditEvent.objects.get(movement_model=model, action="process_cancelled")
    assert (cancelled.actor, cancelled.process_id) == (world.admin, model.process.pk)
    call_command("audit_verify")


def test_process_cancelled_from_viewflows_page_is_recorded_with_the_admin_and_ip(client, world, dossier):
    model = register(world, dossier)
    client.force_login(world.admin)
    response = client.post(
        f"/recognition/{model.process.pk}/cancel/",
        {"_cancel_process": "1"},
        REMOTE_ADDR="203.0.113.9",
        HTTP_USER_AGENT="Firefox/140",
    )
    assert response.status_code == 302
    cancelled = AuditEvent.objects.get(movement_model=model, action="process_cancelled")
    assert (cancelled.actor, cancelled.client_ip, cancelled.user_agent) == (world.admin, "203.0.113.9", "Firefox/140")
    assert actions_of(model) == REGISTER + ["task_cancelled", "process_cancelled"]
