"""Factories for the domain (factory_boy); role users are built by `user_with_role`.

Tests of domain rules build their own data here (their own rubric, campaign and
thresholds) instead of relying on the rubric codes and fields a migration seeds.
"""

from .people import UserFactory, unit_create, user_with_role
from .recognition import (
    CampaignFactory,
    CouncilScoreFactory,
    CriterionFactory,
    EvaluationResultFactory,
    FieldFactory,
    MovementModelFactory,
    RecognitionDecisionFactory,
    UnitFactory,
)

__all__ = [
    "CampaignFactory",
    "CouncilScoreFactory",
    "CriterionFactory",
    "EvaluationResultFactory",
    "FieldFactory",
    "MovementModelFactory",
    "RecognitionDecisionFactory",
    "UnitFactory",
    "UserFactory",
    "unit_create",
    "user_with_role",
]
