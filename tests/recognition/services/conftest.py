"""Fixtures for the domain rules: a rubric of our own, built with factories (no seeded criteria)."""

import pytest

from recognition.models import AuditEvent, Criterion
from tests.factories import CriterionFactory


@pytest.fixture
def rubric(db) -> list[Criterion]:
    """Two collective criteria worth 10 and 15 points (25 in all); the seeded rubric is switched off."""
    Criterion.objects.update(is_active=False)
    return [
        CriterionFactory(code="sang-tao", max_points=10, order=1),
        CriterionFactory(code="ben-vung", max_points=15, order=2),
    ]


def audit_trail(movement_model) -> list[tuple]:
    """The model's audit records as (action, actor label, reason, payload), oldest first."""
    return list(
        AuditEvent.objects.filter(movement_model=movement_model)
        .order_by("sequence")
        .values_list("action", "actor_label", "reason", "payload")
    )
