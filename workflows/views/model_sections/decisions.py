"""The model page's section on decisions: every decision naming the model, the live one marked."""

from recognition.services.decisions import live_entries
from workflows.decision_flow import decisions_visible_to


def context(*, movement_model, user) -> dict:
    """Template variables of `workflows/model_sections/decisions.html` (the model is visible to the user)."""
    entries = list(movement_model.decision_entries.select_related("decision").order_by("-decision_id"))
    if not entries:
        return {"model_decision_entries": []}
    live = live_entries([movement_model.pk]).get(movement_model.pk)
    visible = set(
        decisions_visible_to(user=user).filter(pk__in=[e.decision_id for e in entries]).values_list("pk", flat=True)
    )
    return {
        "model_decision_entries": entries,
        "model_live_entry_id": live.pk if live is not None else None,
        "model_decisions_visible": visible,
    }
