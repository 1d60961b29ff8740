"""The council through the engine: recusal, quorum and the chair's close, the version's rule, ending a case.

Versions are published the way admins publish them; cases are driven through the task
services, as the pages and the API drive them.
"""

import copy
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from viewflow.workflow.status import STATUS

from procedures.services import draft_create, draft_update, national_version_ensure, version_publish
from recognition.models import AuditEvent, CouncilClosure, CouncilRecusal, EvaluationResult, ModelStage
from recognition.roles import Role
from recognition.services.review import council_score_submit
from tests.factories import unit_create, user_with_role
from tests.recognition.audit_support import CRITERIA, check, register, survey
from workflows.council import case_end_request, council_close, council_explanation_for, council_state
from workflows.demo import task_do
from workflows.models import RecognitionTask
from workflows.pinning import pinned_rubric

pytestmark = pytest.mark.django_db


def publish(world, **evaluation):
    """A new published version of the national procedure whose evaluation says `evaluation`."""
    national = national_version_ensure()
    draft = draft_create(definition=national.definition, author=world.admin)
    spec = copy.deepcopy(draft.spec)
    spec["evaluation"].update(evaluation)
    draft_update(version=draft, spec_data=spec, author=world.admin)
    return version_publish(version=draft, actor=world.admin, reason="Quy chế hội đồng của tỉnh.")


def open_nodes(model) -> list[tuple[str, str | None]]:
    tasks = RecognitionTask.objects.filter(
        process__movement_model=model, flow_task_type="HUMAN", finished__isnull=True
    ).order_by("pk")
    return [(task.flow_task.name, task.owner.username if task.owner else None) for task in tasks]


def to_council(world, dossier):
    model = register(world, dossier)
    check(world, model, accept=True)
    survey(world, model)
    model.refresh_from_db()
    return model


def score(model, member, points: int, comment: str = ""):
    task_do(
        movement_model=model,
        node_name="evaluate",
        user=member,
        data={**{f"criterion_{code}": points for code in CRITERIA}, "comment": comment},
    )


def actions(model) -> list[str]:
    return list(AuditEvent.objects.filter(movement_model=model).order_by("pk").values_list("action", flat=True))


# Recusal ----------------------------------------------------------------------------------------


def test_a_member_of_the_registering_unit_or_below_it_gets_no_seat_and_the_recusal_is_recorded(world, dossier):
    same_unit = user_with_role(role=Role.COUNCIL_MEMBER, unit=world.submitter_unit, username="hoidong_hoi")
    branch = unit_create(name="Chi hội phụ nữ khu vực 3", parent=world.submitter_unit)
    below = user_with_role(role=Role.COUNCIL_MEMBER, unit=branch, username="hoidong_chihoi")
    # The commune above the registering unit is not inside its subtree: its member scores.
    above = user_with_role(role=Role.COUNCIL_MEMBER, unit=world.commune, username="hoidong_phuong")
    world.campaign.council_members.set([world.council[0], same_unit, below, above])

    model = to_council(world, dossier)

    assert open_nodes(model) == [("evaluate", "hoidong1"), ("evaluate", "hoidong_phuong")]
    recusals = CouncilRecusal.objects.filter(movement_model=model).order_by("member__username")
    assert [(r.member.username, r.member_unit.name, r.evaluation_round, r.reason) for r in recusals] == [
        (
            "hoidong_chihoi",
            "Chi hội phụ nữ khu vực 3",
            1,
            "Thành viên thuộc đơn vị đăng ký mô hình (Chi hội phụ nữ khu vực 3).",
        ),
        (
            "hoidong_hoi",
            "Hội LHPN phường Ninh Kiều",
            1,
            "Thành viên thuộc đơn vị đăng ký mô hình (Hội LHPN phường Ninh Kiều).",
        ),
    ]
    records = AuditEvent.objects.filter(movement_model=model, action="council_member_recused").order_by("pk")
    assert [(e.actor_label, e.payload) for e in records] == [
        ("system:council_recusal", {"member": same_unit.pk, "member_unit": world.submitter_unit.pk, "round": 1}),
        ("system:council_recusal", {"member": below.pk, "member_unit": branch.pk, "round": 1}),
    ]


def test_without_recusal_nobody_is_recorded(world, dossier):
    model = to_council(world, dossier)
    assert CouncilRecusal.objects.filter(movement_model=model).count() == 0
    assert "council_member_recused" not in actions(model)


def test_the_named_chair_sits_on_the_council_and_scores(world, dossier):
    world.campaign.council_members.set([world.council[0]])
    world.campaign.council_chair = world.council[1]
    world.campaign.save()
    model = to_council(world, dossier)
    assert open_nodes(model) == [("evaluate", "hoidong1"), ("evaluate", "hoidong2")]


# Quorum -----------------------------------------------------------------------------------------


def test_below_the_quorum_the_chair_cannot_close_and_nothing_changes(world, dossier):
    publish(world, quorum=2)
    world.campaign.council_chair = world.council[0]
    world.campaign.save()
    model = to_council(world, dossier)
    score(model, world.council[0], 16)
    before = actions(model)

    with pytest.raises(ValidationError) as error:
        council_close(movement_model_id=model.pk, user=world.council[0])

    assert error.value.messages == ["Chưa đủ số phiếu tối thiểu: mới có 1/3 phiếu, cần ít nhất 2 phiếu."]
    assert actions(model) == before
    assert CouncilClosure.objects.count() == 0
    assert open_nodes(model) == [("evaluate", "hoidong2"), ("evaluate", "hoidong3")]
    assert council_state(movement_model=model)["may_close"] is False


def test_at_the_quorum_the_chair_closes_the_unvoted_seats_are_cancelled_and_the_tally_runs(world, dossier):
    publish(world, quorum=2)
    world.campaign.council_chair = world.council[0]
    world.campaign.save()
    model = to_council(world, dossier)
    score(model, world.council[0], 16)
    score(model, world.council[1], 18)
    assert council_state(movement_model=model) == {
        "voted": 2,
        "open": 1,
        "seats": 3,
        "quorum": 2,
        "open_members": [world.council[2].display_name],
        "may_close": True,
    }

    closure = council_close(movement_model_id=model.pk, user=world.council[0])

    model.refresh_from_db()
    assert (model.stage, model.final_score) == (ModelStage.RECOGNITION, Decimal("85.00"))  # (80 + 90) / 2
    assert (closure.quorum, closure.seat_count, closure.voter_ids, closure.absent_ids) == (
        2,
        3,
        [world.council[0].pk, world.council[1].pk],
        [world.council[2].pk],
    )
    assert EvaluationResult.objects.get(movement_model=model).member_count == 2
    assert open_nodes(model) == [("recognise", None)]
    cancelled = RecognitionTask.objects.get(process__movement_model=model, owner=world.council[2])
    assert cancelled.status == STATUS.CANCELED
    closed = AuditEvent.objects.get(movement_model=model, action="council_closed")
    assert (closed.actor_id, closed.payload) == (
        world.council[0].pk,
        {
            "round": 1,
            "quorum": 2,
            "seats": 3,
            "voters": [world.council[0].pk, world.council[1].pk],
            "absent": [world.council[2].pk],
        },
    )
    # The cancelled seat is recorded, then the tally follows the close.
    closed_at = actions(model).index("council_closed")
    # The close, the cancelled seat, then the tally and the recognition task it leads to.
    assert actions(model)[closed_at:] == ["council_closed", "task_cancelled", "evaluation_passed", "task_created"]


def test_only_the_chair_closes(world, dossier):
    publish(world, quorum=1)
    world.campaign.council_chair = world.council[0]
    world.campaign.save()
    model = to_council(world, dossier)
    score(model, world.council[1], 16)
    for other in (world.council[1], world.standing_body, world.chair):
        with pytest.raises(PermissionDenied):
            council_close(movement_model_id=model.pk, user=other)
    assert CouncilClosure.objects.count() == 0


def test_without_a_named_chair_the_head_of_the_steering_committee_closes(world, dossier):
    publish(world, quorum=1)
    model = to_council(world, dossier)
    score(model, world.council[1], 16)
    council_close(movement_model_id=model.pk, user=world.chair)
    model.refresh_from_db()
    assert model.stage == ModelStage.RECOGNITION


def test_a_version_asking_every_seat_cannot_be_closed_early(world, dossier):
    world.campaign.council_chair = world.council[0]
    world.campaign.save()
    model = to_council(world, dossier)  # the national version: quorum 0, every seat
    score(model, world.council[0], 16)
    with pytest.raises(ValidationError) as error:
        council_close(movement_model_id=model.pk, user=world.council[0])
    assert error.value.messages == ["Quy trình áp dụng yêu cầu tất cả thành viên chấm điểm: không kết thúc sớm được."]


def test_every_seat_voting_completes_the_stage_without_a_close(world, dossier):
    publish(world, quorum=2)
    model = to_council(world, dossier)
    for member in world.council:
        score(model, member, 15)
    model.refresh_from_db()
    assert (model.stage, model.final_score) == (ModelStage.RECOGNITION, Decimal("75.00"))
    assert CouncilClosure.objects.count() == 0


def test_a_member_cannot_score_twice(world, dossier):
    model = to_council(world, dossier)
    score(model, world.council[0], 16)
    # The seat is done: no task of this member remains open, and the service refuses a second sheet.
    assert ("evaluate", "hoidong1") not in open_nodes(model)
    with pytest.raises(ValidationError) as error:
        council_score_submit(
            movement_model=model,
            member=world.council[0],
            points=dict.fromkeys(CRITERIA, 10),
            rubric=pinned_rubric(model),
        )
    assert error.value.messages == ["Thành viên này đã chấm điểm mô hình."]
    assert [sheet.total for sheet in model.council_scores.all()] == [80]


def test_scores_outside_the_rubric_are_refused_and_nothing_is_stored(world, dossier):
    model = to_council(world, dossier)
    with pytest.raises(ValidationError) as error:
        council_score_submit(
            movement_model=model,
            member=world.council[0],
            points={**dict.fromkeys(CRITERIA, 10), "tt-sang-tao": 21, "khong-co": 3},
            rubric=pinned_rubric(model),
        )
    assert error.value.message_dict == {
        "criterion_tt-sang-tao": ["Điểm phải từ 0 đến 20."],
        "scores": ["Tiêu chí không có trong bộ tiêu chí: khong-co."],
    }
    assert model.council_scores.count() == 0


# The version's rule, end to end -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("aggregation", "points", "expected"),
    [
        # sheets of 100 points: 100, 70, 60
        ("mean", (20, 14, 12), (Decimal("76.67"), "recognised")),
        ("median", (20, 14, 12), (Decimal("70.00"), "recognised")),
        ("trimmed_mean", (20, 14, 12), (Decimal("70.00"), "recognised")),
        # 100 outstanding, 90 outstanding, 60 rejected → outstanding (the mean, 83.33, is kept for information)
        ("majority", (20, 18, 12), (Decimal("83.33"), "outstanding")),
    ],
)
def test_the_tally_follows_the_versions_rule(world, dossier, aggregation, points, expected):
    publish(world, aggregation=aggregation)
    model = to_council(world, dossier)
    for member, value in zip(world.council, points, strict=True):
        score(model, member, value)
    result = EvaluationResult.objects.get(movement_model=model)
    assert (result.score, result.classification, result.aggregation) == (*expected, aggregation)


def test_a_majority_tie_goes_to_the_lower_classification(world, dossier):
    publish(world, aggregation="majority", quorum=2)
    world.campaign.council_chair = world.council[0]
    world.campaign.save()
    model = to_council(world, dossier)
    score(model, world.council[0], 19)  # 95: outstanding
    score(model, world.council[1], 15)  # 75: recognised
    council_close(movement_model_id=model.pk, user=world.council[0])
    result = EvaluationResult.objects.get(movement_model=model)
    assert (result.score, result.classification) == (Decimal("85.00"), "recognised")


# The explanation --------------------------------------------------------------------------------


def test_the_explanation_names_each_members_points_the_rule_the_thresholds_recusals_quorum_and_dissent(world, dossier):
    version = publish(world, quorum=2)
    recused = user_with_role(
        role=Role.COUNCIL_MEMBER,
        unit=world.submitter_unit,
        username="hoidong_hoi",
        first_name="Hoa",
        last_name="Lê Thị",
    )
    world.campaign.council_members.set([*world.council, recused])
    world.campaign.council_chair = world.council[0]
    world.campaign.save()
    model = to_council(world, dossier)
    score(model, world.council[0], 20, "Rất sáng tạo.")  # 100: outstanding, dissents
    score(model, world.council[1], 14, "Đạt.")  # 70: recognised
    council_close(movement_model_id=model.pk, user=world.council[0])

    explanation = council_explanation_for(movement_model=model).as_dict()

    first, second = world.council[0], world.council[1]
    rubric = explanation.pop("rubric")
    assert [(c["code"], c["max_points"], c["weight"]) for c in rubric] == [(code, 20, "1") for code in CRITERIA]
    closure = explanation.pop("closure")
    assert (closure["quorum"], closure["seats"], closure["voters"], closure["absent"]) == (
        2,
        3,
        [first.pk, second.pk],
        [world.council[2].pk],
    )
    assert explanation == {
        "result": EvaluationResult.objects.get(movement_model=model).pk,
        "evaluation_round": 1,
        "procedure_version": version.pk,
        "aggregation": "mean",
        "aggregation_label": "Bình quân điểm của các thành viên",
        "score": "85.00",
        "pass_threshold": "70.00",
        "outstanding_threshold": "90.00",
        "classification": "recognised",
        "classification_label": "Công nhận",
        "quorum": 2,
        "member_count": 2,
        "max_total": "100",
        "members": [
            {
                "member": first.pk,
                "name": first.display_name,
                "points": dict.fromkeys(CRITERIA, 20),
                "total": 100,
                "weighted_total": "100",
                "score": "100.00",
                "classification": "outstanding",
                "is_dissenting": True,
                "comment": "Rất sáng tạo.",
            },
            {
                "member": second.pk,
                "name": second.display_name,
                "points": dict.fromkeys(CRITERIA, 14),
                "total": 70,
                "weighted_total": "70",
                "score": "70.00",
                "classification": "recognised",
                "is_dissenting": False,
                "comment": "Đạt.",
            },
        ],
        "dissenting_notes": [{"member": first.pk, "name": first.display_name, "comment": "Rất sáng tạo."}],
        "recusals": [
            {
                "member": recused.pk,
                "name": "Lê Thị Hoa",
                "unit": "Hội LHPN phường Ninh Kiều",
                "reason": "Thành viên thuộc đơn vị đăng ký mô hình (Hội LHPN phường Ninh Kiều).",
            }
        ],
    }
    tally = AuditEvent.objects.get(movement_model=model, action="evaluation_passed")
    assert tally.payload["dissent"] == [first.pk]


# Ending a case ----------------------------------------------------------------------------------


def test_the_standing_body_ends_a_case_at_the_check_with_a_reason(world, dossier):
    model = register(world, dossier)
    case_end_request(
        movement_model_id=model.pk, user=world.standing_body, reason="Trùng mô hình đã công nhận năm 2024."
    )
    model.refresh_from_db()
    assert (model.stage, model.outcome_reason) == (ModelStage.REJECTED, "Trùng mô hình đã công nhận năm 2024.")
    assert open_nodes(model) == []
    model.process.refresh_from_db()
    assert model.process.status == STATUS.DONE
    ended = AuditEvent.objects.get(movement_model=model, action="case_ended")
    assert (ended.actor_id, ended.reason, ended.payload) == (
        world.standing_body.pk,
        "Trùng mô hình đã công nhận năm 2024.",
        {"stage": "registered"},
    )
    assert RecognitionTask.objects.get(process__movement_model=model, flow_task_type="HUMAN").status == STATUS.CANCELED


def test_the_chair_ends_a_case_during_the_council_and_every_seat_is_cancelled(world, dossier):
    world.campaign.council_chair = world.council[0]
    world.campaign.save()
    model = to_council(world, dossier)
    score(model, world.council[1], 16)
    case_end_request(movement_model_id=model.pk, user=world.council[0], reason="Đơn vị xin rút hồ sơ.")
    model.refresh_from_db()
    assert model.stage == ModelStage.REJECTED
    assert RecognitionTask.objects.filter(process__movement_model=model, finished__isnull=True).count() == 0
    model.process.refresh_from_db()
    assert model.process.status == STATUS.DONE


@pytest.mark.parametrize("reason", ["", "   "])
def test_ending_without_a_reason_is_refused_and_nothing_changes(world, dossier, reason):
    model = register(world, dossier)
    before = actions(model)
    with pytest.raises(ValidationError) as error:
        case_end_request(movement_model_id=model.pk, user=world.standing_body, reason=reason)
    assert error.value.message_dict == {"reason": ["Phải ghi rõ lý do kết thúc hồ sơ."]}
    model.refresh_from_db()
    assert model.stage == ModelStage.REGISTERED
    assert actions(model) == before


def test_others_cannot_end_a_case(world, dossier):
    model = register(world, dossier)
    for other in (world.council[0], world.chair, world.submitter, world.commune_standing_body):
        with pytest.raises(PermissionDenied):
            case_end_request(movement_model_id=model.pk, user=other, reason="Lý do")
    check(world, model, accept=True)
    survey(world, model)
    # At the council, the standing body no longer may: the chair does.
    with pytest.raises(PermissionDenied):
        case_end_request(movement_model_id=model.pk, user=world.standing_body, reason="Lý do")
    model.refresh_from_db()
    assert model.stage == ModelStage.EVALUATION
    assert "case_ended" not in actions(model)


def test_a_trimmed_mean_of_two_sheets_closed_at_the_quorum_drops_nothing(world, dossier):
    publish(world, aggregation="trimmed_mean", quorum=2)
    world.campaign.council_chair = world.council[0]
    world.campaign.save()
    model = to_council(world, dossier)
    score(model, world.council[0], 19)  # 95
    score(model, world.council[1], 12)  # 60
    council_close(movement_model_id=model.pk, user=world.council[0])
    result = EvaluationResult.objects.get(movement_model=model)
    # (95 + 60) / 2: with fewer than three sheets nothing is dropped.
    assert (result.score, result.classification, result.member_count) == (Decimal("77.50"), "recognised", 2)
