"""Pages of replication: the adopting-unit search behind the picker of the replication task."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404

from recognition.selectors import models_visible_to
from recognition.services.replication import adoption_candidates_search

SEARCH_LIMIT = 20


def replication_model_for(*, user, pk: int):
    """The model if the user sees it (else 404) and may record its adoptions (else 403)."""
    movement_model = get_object_or_404(models_visible_to(user=user).select_related("campaign__organising_unit"), pk=pk)
    if not user.has_perm("recognition.track_replication"):
        raise PermissionDenied
    return movement_model


@login_required
def unit_search(request, pk: int):
    """Units that may adopt the model, by name (accents optional): `{"results": [{id, name, level, parent, label}]}`."""
    movement_model = replication_model_for(user=request.user, pk=pk)
    query = request.GET.get("q", "")[:100]
    return JsonResponse(
        {"results": adoption_candidates_search(movement_model=movement_model, query=query, limit=SEARCH_LIMIT)}
    )
