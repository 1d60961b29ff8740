"""The model page's section on the annual re-review: still effective or not, and each year's answer."""

from recognition.models import ReReview
from recognition.services.replication import RECOGNISED_STAGES


def context(*, movement_model, user) -> dict:
    """Template variables of `workflows/model_sections/rereview.html` (empty before recognition)."""
    if movement_model.stage not in RECOGNISED_STAGES:
        return {}
    rereviews = list(
        ReReview.objects.filter(movement_model=movement_model)
        .select_related("reviewed_by")
        .prefetch_related("evidence")
        .order_by("-year")
    )
    return {
        "rereview_shown": True,
        "rereviews": rereviews,
        "rereview_is_effective": movement_model.no_longer_effective_since is None,
    }
