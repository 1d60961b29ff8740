"""Two award proposals sent at the same moment (PostgreSQL, real threads)."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection  # noqa: F401 - read by the skipif condition

from recognition.models import AuditEvent, AwardKind, AwardProposal, AwardProposalItem
from recognition.roles import Role
from recognition.services.awards import award_propose
from tests.factories import user_with_role
from tests.recognition.awards_support import recognised_fixture  # noqa: F401  (the `recognised` fixture)
from tests.workflows.test_concurrency import _race

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks and sequences need a server database"),
]


def _proposing(user, campaign, models):
    return lambda: award_propose(
        proposed_by=user,
        campaign=campaign,
        award_kind=AwardKind.DIPLOMA_OF_MERIT,
        authority="Chủ tịch Ủy ban nhân dân thành phố Cần Thơ",
        movement_models=models,
    )


def test_one_model_in_two_proposals_at_once_one_wins_the_other_is_told(world, recognised):
    colleague = user_with_role(role=Role.STANDING_BODY, unit=world.province, username="thuongtruc2")

    outcomes = _race(
        _proposing(world.standing_body, world.campaign, [recognised.lantern]),
        _proposing(colleague, world.campaign, [recognised.lantern, recognised.rice_jar]),
    )

    refusals = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(refusals) == 1 and isinstance(refusals[0], ValidationError), outcomes
    assert refusals[0].message_dict == {
        "movement_models": ["“Thắp sáng đường quê” đang chờ quyết định khen thưởng của một tờ trình khác."]
    }
    assert list(AwardProposal.objects.values_list("number", flat=True)) == ["01-TTr/BCĐ"]
    assert AwardProposalItem.objects.filter(movement_model=recognised.lantern).count() == 1
    assert AuditEvent.objects.filter(action="award_proposed", movement_model=recognised.lantern).count() == 1


def test_two_proposals_of_different_models_at_once_take_consecutive_numbers(world, recognised):
    colleague = user_with_role(role=Role.STANDING_BODY, unit=world.province, username="thuongtruc2")

    outcomes = _race(
        _proposing(world.standing_body, world.campaign, [recognised.lantern]),
        _proposing(colleague, world.campaign, [recognised.rice_jar]),
    )

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert sorted(AwardProposal.objects.values_list("number", flat=True)) == ["01-TTr/BCĐ", "02-TTr/BCĐ"]
