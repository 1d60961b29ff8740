"""The model page's section on lineage: what it shows, read for one model and one user."""


def context(*, movement_model, user) -> dict:
    """Template variables of `workflows/model_sections/lineage.html` (nothing yet)."""
    return {}
