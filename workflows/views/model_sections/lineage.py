"""The model page's section on lineage: where a nominated model comes from, where it was nominated to.

Both directions: on the higher level's model, the lower model with its survey reports and
council results carried as evidence; on the lower model, the nominations it received and,
for its standing body, the form to nominate it.
"""

from recognition.models import MovementModel
from recognition.services.nomination import RECOGNISED_STAGES, may_nominate, nomination_targets


def context(*, movement_model, user) -> dict:
    """Template variables of `workflows/model_sections/lineage.html`."""
    source = None
    if movement_model.nominated_from_id is not None:
        source = (
            MovementModel.objects.select_related("campaign__organising_unit", "unit")
            .prefetch_related("survey_reports", "evaluation_results", "council_scores__member")
            .get(pk=movement_model.nominated_from_id)
        )
    nominations = list(
        movement_model.nominations.select_related("campaign__organising_unit").order_by("created_at", "pk")
    )
    can_nominate = movement_model.stage in RECOGNISED_STAGES and may_nominate(user=user, movement_model=movement_model)
    return {
        "lineage_source": source,
        "lineage_nominations": nominations,
        "lineage_targets": list(nomination_targets(movement_model=movement_model)) if can_nominate else [],
        "lineage_may_nominate": can_nominate,
    }
