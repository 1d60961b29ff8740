"""Procedure specs built in the tests (no database): the standard stages with chosen SLAs."""

from dataclasses import replace
from decimal import Decimal

from procedures.spec import (
    Aggregation,
    ApprovalStepSpec,
    EscalationLevel,
    EvaluationSpec,
    PerformerUnit,
    ProcedureSpec,
    StageSpec,
)

SLA = {"check_dossier": 5, "revise": 10, "survey": 12, "evaluate": 7, "recognise": 5, "replicate": 60}
ROLES = {
    "check_dossier": ("standing_body", PerformerUnit.ORGANISER),
    "revise": ("unit_submitter", PerformerUnit.REGISTRANT),
    "survey": ("survey_team", PerformerUnit.ORGANISER),
    "evaluate": ("council_member", PerformerUnit.ORGANISER),
    "recognise": ("chair", PerformerUnit.ORGANISER),
    "replicate": ("standing_body", PerformerUnit.ORGANISER),
}


def spec_build(*, sla=None, disabled=(), approvals=(), performers=None, escalation=(1, 3)) -> ProcedureSpec:
    sla = {**SLA, **(sla or {})}
    performers = {**ROLES, **(performers or {})}
    return ProcedureSpec(
        stages={
            name: StageSpec(
                enabled=name not in disabled,
                performer_role=performers[name][0],
                performer_unit=performers[name][1],
                sla_working_days=sla[name],
                escalation=tuple(
                    EscalationLevel(after_working_days=d, supervisor_role="standing_body") for d in escalation
                ),
                clock_paused=name == "check_dossier",
            )
            for name in SLA
        },
        rubric={"collective": (), "individual": ()},
        evaluation=EvaluationSpec(
            pass_threshold=Decimal(70), outstanding_threshold=Decimal(90), aggregation=Aggregation.MEAN
        ),
        approval_steps=tuple(approvals),
    )


def approval(key: str, *, after: str, sla: int = 4, role: str = "standing_body") -> ApprovalStepSpec:
    return ApprovalStepSpec(
        key=key,
        title=key,
        after=after,
        performer_role=role,
        performer_unit=PerformerUnit.ORGANISER,
        sla_working_days=sla,
    )


__all__ = ["approval", "replace", "spec_build"]
