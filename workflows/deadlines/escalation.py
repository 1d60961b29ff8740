"""Who is told when a task is overdue: the supervising units above the task's unit.

The chain starts at the task's own unit and climbs by escalation route when one is
set for the unit, else by the unit tree (commune → province). Level 1 goes to the
first unit of the chain that has an active holder of the supervising role, level 2
to the next one, and so on.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from recognition.models import Unit

from .models import EscalationRoute

MAX_CHAIN = 16  # deeper than any real unit tree; a guard, routes are checked for loops on save


def escalation_route_problem(*, unit_id: int, supervising_unit_id: int) -> str:
    """Why a route unit → supervising unit must be refused (in Vietnamese), or ""."""
    names = dict(Unit.objects.filter(pk__in=[unit_id, supervising_unit_id]).values_list("pk", "name"))
    if unit_id == supervising_unit_id:
        return _("Đơn vị “%(unit)s” không thể tự giám sát chính mình.") % {"unit": names.get(unit_id, unit_id)}
    chain = [unit_id]
    current = supervising_unit_id
    while current is not None and len(chain) <= MAX_CHAIN:
        chain.append(current)
        if current == unit_id:
            labels = dict(Unit.objects.filter(pk__in=chain).values_list("pk", "name"))
            return _("Tuyến chuyển cấp bị lặp vòng: %(chain)s. Hãy chọn đơn vị giám sát khác.") % {
                "chain": " → ".join(str(labels.get(pk, pk)) for pk in chain)
            }
        current = _supervising_unit_id(current, override=(unit_id, supervising_unit_id))
    return ""


def route_reassigns(*, unit_id: int | None) -> bool:
    return EscalationRoute.objects.filter(unit_id=unit_id, reassign_overdue=True).exists()


def _supervising_unit_id(unit_id: int, *, override: tuple[int, int] | None = None) -> int | None:
    if override is not None and override[0] == unit_id:
        return override[1]
    route = EscalationRoute.objects.filter(unit_id=unit_id).values_list("supervising_unit_id", flat=True).first()
    if route is not None:
        return route
    unit = Unit.objects.filter(pk=unit_id).only("path", "depth").first()
    if unit is None or unit.depth <= 1:
        return None
    return Unit.objects.filter(path=unit.path[: -Unit.steplen]).values_list("pk", flat=True).first()


def supervisor_chain(*, unit_id: int, role: str) -> list[tuple[Unit, list]]:
    """The supervising levels above a task of `unit_id`: (unit, its active holders of the role).

    Units without an active holder of the role are passed over, so level 1 of a task
    of a mass organisation goes to the standing body of its commune.
    """
    levels = []
    seen = set()
    current = unit_id
    while current is not None and current not in seen and len(seen) < MAX_CHAIN:
        seen.add(current)
        route = EscalationRoute.objects.filter(unit_id=current).first()
        unit_role = route.supervisor_role if route else role
        holders = list(
            get_user_model().objects.filter(unit_id=current, is_active=True, groups__name=unit_role).order_by("pk")
        )
        if holders:
            levels.append((Unit.objects.get(pk=current), holders))
        current = _supervising_unit_id(current)
    return levels
