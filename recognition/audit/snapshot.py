"""Before/after of a model's recorded fields around a task, for the audit trail."""

from recognition.models import MovementModel
from recognition.services.registration import dossier_snapshot

LIFECYCLE_FIELDS = ("stage", "final_score", "outcome_reason")


def movement_model_snapshot(movement_model: MovementModel) -> dict:
    snapshot = dossier_snapshot(movement_model)
    for name in LIFECYCLE_FIELDS:
        value = getattr(movement_model, name)
        snapshot[name] = str(value) if value is not None and name == "final_score" else value
    return snapshot


def snapshot_changes(before: dict, after: dict) -> dict:
    """{field: {"before": ..., "after": ...}} for the fields whose value changed."""
    return {
        name: {"before": before.get(name), "after": value} for name, value in after.items() if before.get(name) != value
    }
