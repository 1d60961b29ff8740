"""Migration 0003 carries the engine rows out of viewflow's tables and back, keeping everything.

Rows are made by the real services at the current schema, the migration is reversed
(the rows go back into viewflow's Process/Task tables and the child tables), checked
there, and applied again; every process and task comes back with its id, unit, due
date, SLA, registering-unit path, links between tasks and deadline slots.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.notifications.support import model_register
from workflows.demo import task_do
from workflows.models import DeadlineSlot, RecognitionProcess, RecognitionTask

# serialized_rollback restores the reference data (levels, fields) that migrations seed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _every_migration_applied_afterwards():
    """Whatever the test leaves, the next test finds every app at its latest migration."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


HCM = ZoneInfo("Asia/Ho_Chi_Minh")
BEFORE = [("workflows", "0002_deadlines")]


TASK_COLUMNS = ("id", "process_id", "flow_task", "status", "owner_id", "unit_id", "due_on", "sla_working_days")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def _latest():
    """Forward again through 0003 and every later migration of every app (recognition's campaign
    migration depends on a later workflows one), so the models match the tables."""
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _rows(sql: str) -> list[tuple]:
    """Raw rows with every value as text (SQLite and PostgreSQL return dates differently)."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(None if value is None else str(value) for value in row) for row in cursor.fetchall()]


def _snapshot() -> dict:
    return {
        "processes": list(
            RecognitionProcess.objects.order_by("pk").values_list(
                "pk",
                "flow_class",
                "status",
                "movement_model_id",
                "organising_unit_id",
                "registering_unit_id",
                "scope_path",
            )
        ),
        "tasks": [
            (*row[:2], f"workflows/flows.RecognitionFlow.{row[2].name}", *row[3:])
            for row in RecognitionTask.objects.order_by("pk").values_list(*TASK_COLUMNS, "scope_path")
        ],
        "previous": sorted(
            RecognitionTask.previous.through.objects.values_list("from_recognitiontask_id", "to_recognitiontask_id")
        ),
        "slots": list(DeadlineSlot.objects.order_by("pk").values_list("pk", "task_id", "rule", "state")),
    }


def test_the_migration_keeps_every_row_both_ways(world, dossier):
    with time_machine.travel(datetime(2026, 4, 24, 10, 0, tzinfo=HCM), tick=False):
        model = model_register(world, dossier)
        task_do(movement_model=model, node_name="check_dossier", user=world.standing_body, data={"decision": "accept"})
        other = model_register(world, {**dossier, "name": "Mô hình thứ hai"})
    before = _snapshot()
    assert len(before["processes"]) == 2
    # start, check, gateway, survey of the first model; start, check of the second
    assert [row[3] for row in before["tasks"]] == ["DONE", "DONE", "DONE", "NEW", "DONE", "NEW"]
    assert all(row[-1] == world.submitter.unit.path for row in before["tasks"])
    assert [str(row[6]) for row in before["tasks"]] == [
        "None",
        "2026-05-06",
        "None",
        "2026-05-15",
        "None",
        "2026-05-06",
    ]
    assert len(before["slots"]) == 12
    ids = [row[0] for row in before["tasks"]]
    assert before["previous"] == [(ids[1], ids[0]), (ids[2], ids[1]), (ids[3], ids[2]), (ids[5], ids[4])]

    _migrate(BEFORE)
    # In viewflow's tables and the child tables again, with the same ids and columns.
    columns = "t.id, t.process_id, t.flow_task, t.status, t.owner_id, rt.unit_id, rt.due_on, rt.sla_working_days"
    old_tasks = _rows(
        f"SELECT {columns} FROM viewflow_task t "
        "JOIN workflows_recognitiontask rt ON rt.task_ptr_id = t.id ORDER BY t.id"
    )
    assert old_tasks == [tuple(None if v is None else str(v) for v in row[:-1]) for row in before["tasks"]]
    assert _rows("SELECT process_ptr_id, registering_unit_id FROM workflows_recognitionprocess ORDER BY 1") == [
        (str(row[0]), str(row[5])) for row in before["processes"]
    ]
    old_links = sorted(
        _rows("SELECT from_task_id, to_task_id FROM viewflow_task_previous"), key=lambda r: tuple(map(int, r))
    )
    assert old_links == [(str(a), str(b)) for a, b in before["previous"]]

    _migrate(_latest())
    assert _snapshot() == before
    assert _rows("SELECT COUNT(*) FROM viewflow_task") == [("0",)]
    assert _rows("SELECT COUNT(*) FROM viewflow_process") == [("0",)]
    # New rows continue after the carried ones.
    third = model_register(world, {**dossier, "name": "Mô hình thứ ba"})
    assert third.process.pk > other.process.pk
    assert (
        min(RecognitionTask.objects.filter(process=third.process).values_list("pk", flat=True)) > before["tasks"][-1][0]
    )
