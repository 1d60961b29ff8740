"""The model page's section on council: what it shows, read for one model and one user."""

from recognition.models import SurveyRecommendation
from workflows.council import (
    case_end_allowed,
    council_state,
    user_is_council_chair,
    user_manages_council_of,
    user_may_read_explanation,
)


def context(*, movement_model, user) -> dict:
    """Template variables of `workflows/model_sections/council.html`, under `council_section`.

    The council of the campaign, the current round's seats and quorum while it scores,
    the survey's recommendation when it did not recommend (the council sees it), and the
    actions this user may take: close the scoring (the chair, at the quorum), end the
    case (the standing body or the chair at their stages), read the explanation.
    """
    campaign = movement_model.campaign
    process = getattr(movement_model, "process", None)
    state = council_state(movement_model=movement_model)
    is_chair = user_is_council_chair(user=user, campaign=campaign)
    reports = list(movement_model.survey_reports.all())
    latest_report = reports[-1] if reports else None
    has_result = any(True for _result in movement_model.evaluation_results.all())
    return {
        "council_section": {
            "campaign": campaign,
            "members": list(campaign.council_members.all()),
            "chair": campaign.council_chair,
            "secretary": campaign.council_secretary,
            "state": state,
            "survey_not_recommended": latest_report is not None
            and latest_report.recommendation == SurveyRecommendation.NOT_RECOMMEND,
            "survey_report": latest_report,
            "may_close": bool(state and is_chair and state["may_close"]),
            "may_end_case": process is not None and case_end_allowed(user=user, process=process),
            "may_read_explanation": has_result and user_may_read_explanation(user=user, campaign=campaign),
            "may_manage_council": user_manages_council_of(user=user, campaign=campaign),
        }
    }
