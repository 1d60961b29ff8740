"""The demo's awards, made through the award services like the rest of the demo.

The random demo scores rarely reach tiêu biểu (≥ 90), so three models are carried through
the real flow with high scores and recognised by one decision of their own; the standing body then
proposes two of them for a bằng khen, whose decision has come back, and the third for a
giấy khen still waiting for the authority.
"""

import random

from django.utils import timezone

from recognition.models import AwardKind, AwardProposal, Field, MovementModel
from recognition.services.awards import award_candidates, award_propose, award_record

from .decision_flow import decision_issue_for, decision_tasks_settle
from .demo import DemoCast, approval_steps_agree, demo_dossier, task_do
from .demo_decisions import DEMO_BASES, DEMO_RECIPIENTS
from .services import registration_submit

OUTSTANDING_MODELS = [
    ("Tiếng kẻng an ninh", "quoc-phong-an-ninh"),
    ("Ngân hàng máu sống", "van-hoa-xa-hoi"),
    ("Học bổng 1.000 đồng", "van-hoa-xa-hoi"),
]
CRITERIA = ("tt-sang-tao", "tt-chap-hanh-phap-luat", "tt-huy-dong-luc-luong", "tt-hai-hoa-loi-ich", "tt-ben-vung")
PROVINCE_CHAIR = "Chủ tịch Ủy ban nhân dân thành phố Cần Thơ"
COMMENDING_BODY = "Trưởng Ban Tuyên giáo và Dân vận Thành ủy Cần Thơ"


def demo_awards_ensure(*, cast: DemoCast) -> bool:
    """Create the demo's two proposals (one decided) once; False when the province already has one."""
    if AwardProposal.objects.filter(proposing_unit=cast.province).exists():
        return False
    rng = random.Random(2028)
    fields = {field.code: field for field in Field.objects.all()}
    outstanding = []
    for index, (name, field_code) in enumerate(OUTSTANDING_MODELS):
        movement_model = registration_submit(
            submitted_by=cast.submitters[(index * 7) % len(cast.submitters)],
            campaign=cast.campaign,
            data=demo_dossier(name, fields[field_code], rng),
        )
        _evaluate_as_outstanding(cast=cast, movement_model=movement_model)
        outstanding.append(movement_model)
    # One decision recognises the three (numbered at issue), and their recognise tasks are settled.
    decision = decision_issue_for(
        user=cast.users["truongban"],
        campaign=cast.campaign,
        model_ids=[model.pk for model in outstanding],
        signed_on=timezone.localdate(),
        signer_title="Trưởng Ban",
        bases=[line.format(year=cast.campaign.year) for line in DEMO_BASES],
        recipients=DEMO_RECIPIENTS,
    )
    decision_tasks_settle(decision_id=decision.pk)

    standing_body = cast.users["thuongtruc"]
    candidates = list(award_candidates(campaign=cast.campaign).filter(name__in=[n for n, _ in OUTSTANDING_MODELS]))
    decided = award_propose(
        proposed_by=standing_body,
        campaign=cast.campaign,
        award_kind=AwardKind.DIPLOMA_OF_MERIT,
        authority=PROVINCE_CHAIR,
        movement_models=candidates[:2],
    )
    award_record(
        recorded_by=standing_body,
        proposal=decided,
        number="125/QĐ-UBND",
        decided_on=timezone.localdate(),
        authority=PROVINCE_CHAIR,
        kind=AwardKind.DIPLOMA_OF_MERIT,
    )
    award_propose(
        proposed_by=standing_body,
        campaign=cast.campaign,
        award_kind=AwardKind.CERTIFICATE_OF_MERIT,
        authority=COMMENDING_BODY,
        movement_models=candidates[2:],
    )
    return True


def _evaluate_as_outstanding(*, cast: DemoCast, movement_model: MovementModel) -> None:
    users = cast.users
    task_do(
        movement_model=movement_model, node_name="check_dossier", user=users["thuongtruc"], data={"decision": "accept"}
    )
    approval_steps_agree(cast=cast, movement_model=movement_model)
    task_do(
        movement_model=movement_model,
        node_name="survey",
        user=users["khaosat"],
        data={
            "visited_on": timezone.localdate().isoformat(),
            "findings": "Mô hình hiệu quả, được nhân dân hưởng ứng rộng rãi.",
            "recommendation": "recommend",
        },
    )
    for member in ("hoidong1", "hoidong2", "hoidong3"):
        task_do(
            movement_model=movement_model,
            node_name="evaluate",
            user=users[member],
            data={**{f"criterion_{code}": 19 for code in CRITERIA}, "comment": "Tiêu biểu, nên nhân rộng."},
        )
