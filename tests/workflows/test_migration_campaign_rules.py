"""Migration: campaign thresholds and aggregation become procedure versions; every process gets pinned."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from procedures.models import ProcedureVersion
from procedures.selectors import version_in_force
from tests.notifications.support import model_register
from workflows.models import RecognitionProcess

# serialized_rollback restores the reference data (levels, fields) that migrations seed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _every_migration_applied_afterwards():
    """Whatever the test leaves, the next test finds every app at its latest migration."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


BEFORE = [("recognition", "0011_evaluation_result_rubric"), ("workflows", "0004_process_pinned_version")]
AFTER = [("recognition", "0012_campaign_rules_to_procedure_versions"), ("workflows", "0005_campaign_rules_to_versions")]


def _pinned_version_id(movement_model) -> int:
    return (
        RecognitionProcess.objects.filter(movement_model_id=movement_model.pk)
        .values_list("procedure_version_id", flat=True)
        .get()
    )


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_a_campaign_with_its_own_rules_gets_a_version_and_processes_are_pinned(world, dossier):
    first = model_register(world, dossier)
    second = model_register(world, {**dossier, "name": "Mô hình thứ hai"})
    national = first.process.procedure_version

    old = _migrate(BEFORE)
    Campaign = old.get_model("recognition", "Campaign")
    MovementModel = old.get_model("recognition", "MovementModel")
    Campaign.objects.filter(pk=world.campaign.pk).update(
        pass_threshold="80", outstanding_threshold="95", aggregation="median"
    )
    default_campaign = Campaign.objects.create(
        name="Đợt theo mặc định",
        year=world.campaign.year,
        organising_unit_id=world.province.pk,
        registration_opens_on=date(world.campaign.year, 1, 1),
        registration_closes_on=date(world.campaign.year, 12, 31),
    )
    MovementModel.objects.filter(pk=second.pk).update(campaign_id=default_campaign.pk)
    old.get_model("workflows", "RecognitionProcess").objects.update(procedure_version=None)

    _migrate(AFTER)

    # Read only the pinned version's column: later migrations add columns to the process row.
    own = ProcedureVersion.objects.get(pk=_pinned_version_id(first))
    assert (own.definition.owner_unit_id, own.number, own.status, own.based_on_id) == (
        world.province.pk,
        1,
        "published",
        national.pk,
    )
    assert own.spec["evaluation"] == {
        **national.spec["evaluation"],
        "pass_threshold": "80.00",
        "outstanding_threshold": "95.00",
        "aggregation": "median",
    }
    assert {key: value for key, value in own.spec.items() if key != "evaluation"} == {
        key: value for key, value in national.spec.items() if key != "evaluation"
    }
    assert _pinned_version_id(second) == national.pk
    # The unit had no procedure of its own: its campaign's rules stay in force for new processes there.
    assert version_in_force(world.province) == own
    assert ProcedureVersion.objects.count() == 2
