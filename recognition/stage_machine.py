"""The model's stage as one state machine: every allowed move, named, in one table.

Pure rules (no database). `recognition.services.stage.stage_move` is the only code that
assigns `MovementModel.stage`, and it asks `transition_check` first; a move the table
does not list is refused with a Vietnamese message naming the move, the current stage
and the moves that stage allows. The services that work inside a stage without moving
it (a council member's score sheet, a replication) check `step_check` against
`STEPS_WITHIN_STAGE`.

The table is the superset the procedure definitions configure: moves a standard
procedure never takes (skipping the survey, ending a case from an inserted approval
step or a survey's "do not recommend", returning the dossier from an approval step
after acceptance) are listed so that a published definition may use them.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recognition.models.dossiers import ModelStage


@dataclass(frozen=True)
class Transition:
    name: str
    source: ModelStage
    target: ModelStage
    title: Promise  # Vietnamese, shown in the refusal


CASE_END_TITLE = gettext_lazy("kết thúc hồ sơ")
APPROVAL_RETURN_TITLE = gettext_lazy("trả lại hồ sơ từ bước phê duyệt")
REVOKE_TITLE = gettext_lazy("thu hồi quyết định công nhận")

TRANSITIONS: tuple[Transition, ...] = (
    Transition("dossier_accept", ModelStage.REGISTERED, ModelStage.SURVEY, gettext_lazy("chấp nhận hồ sơ")),
    Transition(
        "dossier_accept_skip_survey",
        ModelStage.REGISTERED,
        ModelStage.EVALUATION,
        gettext_lazy("chấp nhận hồ sơ, không qua khảo sát"),
    ),
    Transition("dossier_return", ModelStage.REGISTERED, ModelStage.RETURNED, gettext_lazy("trả lại hồ sơ")),
    Transition("revise", ModelStage.RETURNED, ModelStage.REGISTERED, gettext_lazy("nộp lại hồ sơ đã bổ sung")),
    Transition("survey_report", ModelStage.SURVEY, ModelStage.EVALUATION, gettext_lazy("nộp báo cáo khảo sát")),
    # A process moved to a version without the survey while its survey task was open.
    Transition("survey_skip", ModelStage.SURVEY, ModelStage.EVALUATION, gettext_lazy("bỏ bước khảo sát")),
    Transition("tally_pass", ModelStage.EVALUATION, ModelStage.RECOGNITION, gettext_lazy("tổng hợp điểm: đạt")),
    Transition("tally_reject", ModelStage.EVALUATION, ModelStage.REJECTED, gettext_lazy("tổng hợp điểm: không đạt")),
    Transition("recognise", ModelStage.RECOGNITION, ModelStage.REPLICATION, gettext_lazy("ký quyết định công nhận")),
    Transition("close", ModelStage.REPLICATION, ModelStage.CLOSED, gettext_lazy("kết thúc theo dõi nhân rộng")),
    # A revocation decision withdraws the recognition, while replication is tracked or after.
    *(
        Transition("revoke", source, ModelStage.REVOKED, REVOKE_TITLE)
        for source in (ModelStage.REPLICATION, ModelStage.CLOSED)
    ),
    # Ending a case with a reason: an inserted approval step rejects, a survey's
    # "do not recommend" ends the case where the procedure says so, or the standing
    # body or the council's chair ends it (recognition.services.council.case_end).
    *(
        Transition("case_end", source, ModelStage.REJECTED, CASE_END_TITLE)
        for source in (ModelStage.REGISTERED, ModelStage.SURVEY, ModelStage.EVALUATION, ModelStage.RECOGNITION)
    ),
    # The standing body ends a case while the dossier is back with the unit (issue 11).
    Transition("case_end", ModelStage.RETURNED, ModelStage.REJECTED, CASE_END_TITLE),
    # An inserted approval step after the dossier was accepted sends it back to the unit.
    *(
        Transition("approval_return", source, ModelStage.RETURNED, APPROVAL_RETURN_TITLE)
        for source in (ModelStage.SURVEY, ModelStage.EVALUATION, ModelStage.RECOGNITION)
    ),
)

# (name, source) -> transition: one name has at most one target from a given stage.
TRANSITION_TABLE: dict[tuple[str, str], Transition] = {(t.name, t.source): t for t in TRANSITIONS}
TRANSITION_NAMES: tuple[str, ...] = tuple(dict.fromkeys(t.name for t in TRANSITIONS))

# The work done inside one stage, without moving it.
STEPS_WITHIN_STAGE: dict[str, tuple[ModelStage, Promise]] = {
    "council_score": (ModelStage.EVALUATION, gettext_lazy("chấm điểm")),
    "replication_record": (ModelStage.REPLICATION, gettext_lazy("ghi nhận nhân rộng")),
}


class StageMoveRefused(ValidationError):
    """A move (or a step) the table does not allow from the model's current stage."""


def transitions_from(current: str) -> list[Transition]:
    """The moves allowed from a stage, in table order (none from REJECTED and REVOKED)."""
    return [t for t in TRANSITIONS if t.source == current]


def _stage_label(stage: str) -> str:
    return str(ModelStage(stage).label)


def _refusal(*, title: Promise, current: str) -> StageMoveRefused:
    allowed = transitions_from(current)
    if not allowed:
        return StageMoveRefused(
            _("Không thực hiện được bước “%(move)s”: mô hình đang ở giai đoạn “%(current)s”, đã kết thúc quy trình.")
            % {"move": title, "current": _stage_label(current)}
        )
    return StageMoveRefused(
        _(
            "Không thực hiện được bước “%(move)s”: mô hình đang ở giai đoạn “%(current)s”. "
            "Từ giai đoạn này chỉ được: %(allowed)s."
        )
        % {
            "move": title,
            "current": _stage_label(current),
            "allowed": "; ".join(f"{t.title} (→ {_stage_label(t.target)})" for t in allowed),
        }
    )


def _title_of(transition_name: str) -> Promise:
    for transition in TRANSITIONS:
        if transition.name == transition_name:
            return transition.title
    raise LookupError(f"unknown stage transition: {transition_name!r}")


def transition_check(current: str, transition_name: str) -> ModelStage:
    """The stage the named move leads to from `current`.

    Raises StageMoveRefused when the table does not list that move from that stage,
    LookupError when no move has that name (a programming error).
    """
    title = _title_of(transition_name)
    transition = TRANSITION_TABLE.get((transition_name, current))
    if transition is None:
        raise _refusal(title=title, current=current)
    return transition.target


def step_check(current: str, step_name: str) -> None:
    """Refuse a step done within a stage (STEPS_WITHIN_STAGE) when the model is in another stage."""
    stage, title = STEPS_WITHIN_STAGE[step_name]
    if current != stage:
        raise StageMoveRefused(
            _(
                "Không thực hiện được bước “%(move)s”: mô hình đang ở giai đoạn “%(current)s”, "
                "bước này chỉ thực hiện ở giai đoạn “%(stage)s”."
            )
            % {"move": title, "current": _stage_label(current), "stage": _stage_label(stage)}
        )
