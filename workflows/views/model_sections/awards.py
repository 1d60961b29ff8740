"""The model page's section on awards: what it shows, read for one model and one user."""

from django.core.exceptions import ObjectDoesNotExist

from recognition.services.awards import award_proposals_visible_to


def context(*, movement_model, user) -> dict:
    """Template variables of `workflows/model_sections/awards.html`: the model's proposals and awards.

    The caller has already checked that the user sees the model; a proposal made by a unit
    above the user's is listed without its link (its page would answer 404).
    """
    items = list(
        movement_model.award_proposal_items.select_related("proposal").order_by("-proposal__proposed_on", "-pk")
    )
    visible = set(
        award_proposals_visible_to(user=user)
        .filter(pk__in=[item.proposal_id for item in items])
        .values_list("pk", flat=True)
    )
    rows = []
    for item in items:
        try:
            award = item.award
        except ObjectDoesNotExist:
            award = None
        rows.append({"proposal": item.proposal, "award": award, "proposal_visible": item.proposal_id in visible})
    return {"award_items": rows}
