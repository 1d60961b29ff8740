"""Engine rows without multi-table inheritance (issue 9).

RecognitionProcess and RecognitionTask were children of viewflow's Process and Task
(two rows each, joined on every read). They become rows of their own, built on
viewflow's AbstractProcess and AbstractTask, with the list columns (status, owner,
flow_task, unit, registering unit path, due date, created, finished) in one row and
indexes shaped for the inbox, queue and archive.

Existing rows are carried over with their ids (the audit trail names processes and
tasks by id), their unit, due date, SLA, task links (`previous`) and deadline slots;
viewflow's own rows of this flow are then removed. The model names, and so the content
types and the permissions given to roles, stay the same.
"""

import django.db.models.deletion
import django.utils.timezone
import viewflow.workflow.fields
import viewflow.workflow.token
from django.conf import settings
from django.db import migrations, models

STASH_PROCESS = "workflows_engine_stash_process"
STASH_TASK = "workflows_engine_stash_task"
STASH_PREVIOUS = "workflows_engine_stash_previous"

PROCESS_COLUMNS = (
    "id, flow_class, status, created, finished, data, parent_task_id, seed_content_type_id, seed_object_id, "
    "artifact_content_type_id, artifact_object_id, movement_model_id, organising_unit_id, registering_unit_id, "
    "scope_path"
)
TASK_COLUMNS = (
    "id, flow_task, flow_task_type, status, created, assigned, started, finished, scheduled, token, "
    "external_task_id, owner_id, owner_permission, owner_permission_content_type_id, owner_permission_obj_pk, "
    "process_id, data, seed_content_type_id, seed_object_id, artifact_content_type_id, artifact_object_id, "
    "unit_id, due_on, sla_working_days, scope_path"
)


def rows_stash(apps, schema_editor):
    """Copy the joined rows (viewflow's + ours) aside before the child tables are dropped."""
    execute = schema_editor.execute
    execute(
        f"CREATE TABLE {STASH_PROCESS} AS SELECT p.id, p.flow_class, p.status, p.created, p.finished, p.data, "
        "p.parent_task_id, p.seed_content_type_id, p.seed_object_id, p.artifact_content_type_id, "
        "p.artifact_object_id, rp.movement_model_id, rp.organising_unit_id, rp.registering_unit_id, "
        "COALESCE(u.path, '') AS scope_path "
        "FROM viewflow_process p JOIN workflows_recognitionprocess rp ON rp.process_ptr_id = p.id "
        "LEFT JOIN recognition_unit u ON u.id = rp.registering_unit_id"
    )
    execute(
        f"CREATE TABLE {STASH_TASK} AS SELECT t.id, t.flow_task, t.flow_task_type, t.status, t.created, "
        "t.assigned, t.started, t.finished, t.scheduled, t.token, t.external_task_id, t.owner_id, "
        "t.owner_permission, t.owner_permission_content_type_id, t.owner_permission_obj_pk, t.process_id, t.data, "
        "t.seed_content_type_id, t.seed_object_id, t.artifact_content_type_id, t.artifact_object_id, "
        "rt.unit_id, rt.due_on, rt.sla_working_days, sp.scope_path "
        "FROM viewflow_task t JOIN workflows_recognitiontask rt ON rt.task_ptr_id = t.id "
        f"JOIN {STASH_PROCESS} sp ON sp.id = t.process_id"
    )
    execute(
        f"CREATE TABLE {STASH_PREVIOUS} AS SELECT e.from_task_id, e.to_task_id FROM viewflow_task_previous e "
        f"WHERE e.from_task_id IN (SELECT id FROM {STASH_TASK})"
    )


def rows_restore(apps, schema_editor):
    """Fill the new tables from the stash, remove viewflow's copies, and move the id sequences on."""
    execute = schema_editor.execute
    execute(
        f"INSERT INTO workflows_recognitionprocess ({PROCESS_COLUMNS}) SELECT {PROCESS_COLUMNS} FROM {STASH_PROCESS}"
    )
    execute(f"INSERT INTO workflows_recognitiontask ({TASK_COLUMNS}) SELECT {TASK_COLUMNS} FROM {STASH_TASK}")
    execute(
        "INSERT INTO workflows_recognitiontask_previous (from_recognitiontask_id, to_recognitiontask_id) "
        f"SELECT from_task_id, to_task_id FROM {STASH_PREVIOUS}"
    )
    execute(f"DELETE FROM viewflow_task_previous WHERE from_task_id IN (SELECT id FROM {STASH_TASK})")
    execute(f"DELETE FROM viewflow_task_previous WHERE to_task_id IN (SELECT id FROM {STASH_TASK})")
    execute(f"DELETE FROM viewflow_task WHERE id IN (SELECT id FROM {STASH_TASK})")
    execute(f"DELETE FROM viewflow_process WHERE id IN (SELECT id FROM {STASH_PROCESS})")
    for table in (STASH_PREVIOUS, STASH_TASK, STASH_PROCESS):
        execute(f"DROP TABLE {table}")
    if schema_editor.connection.vendor == "postgresql":
        for table in ("workflows_recognitionprocess", "workflows_recognitiontask"):
            execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "
                f"FROM {table}"
            )
    # SQLite's AUTOINCREMENT counter follows the largest id inserted.


VIEWFLOW_PROCESS_COLUMNS = (
    "id, flow_class, status, created, finished, data, parent_task_id, seed_content_type_id, seed_object_id, "
    "artifact_content_type_id, artifact_object_id"
)
VIEWFLOW_TASK_COLUMNS = (
    "id, flow_task, flow_task_type, status, created, assigned, started, finished, scheduled, token, "
    "external_task_id, owner_id, owner_permission, owner_permission_content_type_id, owner_permission_obj_pk, "
    "process_id, data, seed_content_type_id, seed_object_id, artifact_content_type_id, artifact_object_id"
)


def rows_unrestore(apps, schema_editor):
    """Backwards: put the rows back into viewflow's tables and keep our columns aside."""
    execute = schema_editor.execute
    execute(f"CREATE TABLE {STASH_PROCESS} AS SELECT {PROCESS_COLUMNS} FROM workflows_recognitionprocess")
    execute(f"CREATE TABLE {STASH_TASK} AS SELECT {TASK_COLUMNS} FROM workflows_recognitiontask")
    execute(
        f"INSERT INTO viewflow_process ({VIEWFLOW_PROCESS_COLUMNS}) "
        f"SELECT {VIEWFLOW_PROCESS_COLUMNS} FROM {STASH_PROCESS}"
    )
    execute(f"INSERT INTO viewflow_task ({VIEWFLOW_TASK_COLUMNS}) SELECT {VIEWFLOW_TASK_COLUMNS} FROM {STASH_TASK}")
    execute(
        "INSERT INTO viewflow_task_previous (from_task_id, to_task_id) "
        "SELECT from_recognitiontask_id, to_recognitiontask_id FROM workflows_recognitiontask_previous"
    )
    if schema_editor.connection.vendor == "postgresql":
        for table in ("viewflow_process", "viewflow_task"):
            execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "
                f"FROM {table}"
            )


def rows_unstash(apps, schema_editor):
    """Backwards: fill the child tables of viewflow's rows again."""
    execute = schema_editor.execute
    execute(
        "INSERT INTO workflows_recognitionprocess (process_ptr_id, movement_model_id, organising_unit_id, "
        f"registering_unit_id) SELECT id, movement_model_id, organising_unit_id, registering_unit_id FROM {STASH_PROCESS}"
    )
    execute(
        "INSERT INTO workflows_recognitiontask (task_ptr_id, unit_id, due_on, sla_working_days) "
        f"SELECT id, unit_id, due_on, sla_working_days FROM {STASH_TASK}"
    )
    for table in (STASH_TASK, STASH_PROCESS):
        execute(f"DROP TABLE {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("recognition", "0007_sign_in_audit_actions"),
        ("viewflow", "0015_task_scheduled"),
        ("workflows", "0002_deadlines"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The slots keep their task ids while the task table is rebuilt.
        migrations.AlterField(
            model_name="deadlineslot",
            name="task",
            field=models.BigIntegerField(db_column="task_id", verbose_name="nhiệm vụ"),
        ),
        migrations.RunPython(rows_stash, rows_unstash),
        migrations.DeleteModel(name="RecognitionTask"),
        migrations.DeleteModel(name="RecognitionProcess"),
        migrations.CreateModel(
            name="RecognitionProcess",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("flow_class", viewflow.workflow.fields.FlowReferenceField(max_length=250, verbose_name="Flow")),
                (
                    "status",
                    models.CharField(
                        choices=[("CANCELED", "Canceled"), ("DONE", "Done"), ("NEW", "New")],
                        default="NEW",
                        max_length=50,
                        verbose_name="Status",
                    ),
                ),
                ("created", models.DateTimeField(default=django.utils.timezone.now, verbose_name="Created")),
                ("finished", models.DateTimeField(blank=True, null=True, verbose_name="Finished")),
                ("data", models.JSONField(blank=True, default=dict)),
                (
                    "seed_content_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                ("seed_object_id", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "artifact_content_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                ("artifact_object_id", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "movement_model",
                    models.OneToOneField(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="process",
                        to="recognition.movementmodel",
                        verbose_name="mô hình",
                    ),
                ),
                (
                    "organising_unit",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="recognition.unit",
                        verbose_name="đơn vị tổ chức",
                    ),
                ),
                (
                    "registering_unit",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="recognition.unit",
                        verbose_name="đơn vị đăng ký",
                    ),
                ),
                (
                    "scope_path",
                    models.CharField(blank=True, default="", max_length=255, verbose_name="đường dẫn đơn vị đăng ký"),
                ),
            ],
            options={
                "verbose_name": "quy trình công nhận",
                "verbose_name_plural": "quy trình công nhận",
                "ordering": ["-created"],
                "indexes": [
                    models.Index(
                        fields=["scope_path", "created"],
                        name="process_scope_idx",
                        opclasses=["varchar_pattern_ops", "timestamptz_ops"],
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="RecognitionTask",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("flow_task", viewflow.workflow.fields.TaskReferenceField(max_length=255, verbose_name="Task")),
                ("flow_task_type", models.CharField(max_length=50, verbose_name="Type")),
                ("assigned", models.DateTimeField(blank=True, null=True, verbose_name="Assigned")),
                ("started", models.DateTimeField(blank=True, null=True, verbose_name="Started")),
                ("finished", models.DateTimeField(blank=True, null=True, verbose_name="Finished")),
                (
                    "token",
                    viewflow.workflow.fields.TokenField(
                        default=viewflow.workflow.token.Token("start"), max_length=150, verbose_name="Token"
                    ),
                ),
                (
                    "owner_permission",
                    models.CharField(blank=True, max_length=255, null=True, verbose_name="Permission"),
                ),
                (
                    "owner_permission_content_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="contenttypes.contenttype",
                    ),
                ),
                ("owner_permission_obj_pk", models.CharField(blank=True, max_length=255, null=True)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("ASSIGNED", "Assigned"),
                            ("CANCELED", "Canceled"),
                            ("DONE", "Done"),
                            ("ERROR", "Error"),
                            ("NEW", "New"),
                            ("REVIVED", "Revived"),
                            ("SCHEDULED", "Scheduled"),
                            ("STARTED", "Started"),
                        ],
                        default="NEW",
                        max_length=50,
                        verbose_name="Status",
                    ),
                ),
                ("created", models.DateTimeField(default=django.utils.timezone.now, verbose_name="Created")),
                ("scheduled", models.DateTimeField(blank=True, null=True, verbose_name="Scheduled")),
                (
                    "external_task_id",
                    models.CharField(blank=True, max_length=50, null=True, verbose_name="External Task ID"),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="Owner",
                    ),
                ),
                (
                    "process",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="task_set",
                        to="workflows.recognitionprocess",
                        verbose_name="quy trình",
                    ),
                ),
                ("data", models.JSONField(blank=True, default=dict)),
                (
                    "seed_content_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                ("seed_object_id", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "artifact_content_type",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="contenttypes.contenttype",
                    ),
                ),
                ("artifact_object_id", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "unit",
                    models.ForeignKey(
                        blank=True,
                        db_index=False,
                        help_text="Chỉ thành viên của đơn vị này (có vai trò phù hợp) mới nhận và xử lý nhiệm vụ.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="recognition.unit",
                        verbose_name="đơn vị xử lý",
                    ),
                ),
                (
                    "scope_path",
                    models.CharField(blank=True, default="", max_length=255, verbose_name="đường dẫn đơn vị đăng ký"),
                ),
                ("due_on", models.DateField(blank=True, null=True, verbose_name="hạn xử lý")),
                (
                    "sla_working_days",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="số ngày làm việc được giao"),
                ),
                (
                    "previous",
                    models.ManyToManyField(
                        related_name="leading", to="workflows.recognitiontask", verbose_name="Previous"
                    ),
                ),
            ],
            options={
                "verbose_name": "nhiệm vụ",
                "verbose_name_plural": "nhiệm vụ",
                "ordering": ["-created"],
                "indexes": [
                    models.Index(
                        condition=models.Q(("status", "ASSIGNED")),
                        fields=["owner", "created", "id"],
                        name="task_inbox_idx",
                    ),
                    models.Index(
                        condition=models.Q(("flow_task_type", "HUMAN"), ("status", "NEW")),
                        fields=["unit", "created", "id"],
                        include=["owner_permission"],
                        name="task_queue_idx",
                    ),
                    models.Index(
                        condition=models.Q(("finished__isnull", False)),
                        fields=["owner", "-finished", "-id"],
                        name="task_archive_idx",
                    ),
                    models.Index(
                        fields=["scope_path", "created"],
                        name="task_scope_idx",
                        opclasses=["varchar_pattern_ops", "timestamptz_ops"],
                    ),
                    models.Index(fields=["process", "created"], name="task_process_idx"),
                ],
            },
        ),
        migrations.AddField(
            model_name="recognitionprocess",
            name="parent_task",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="subprocesses",
                to="workflows.recognitiontask",
            ),
        ),
        migrations.RunPython(rows_restore, rows_unrestore),
        migrations.AlterField(
            model_name="deadlineslot",
            name="task",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="deadline_slots",
                to="workflows.recognitiontask",
                verbose_name="nhiệm vụ",
            ),
        ),
    ]
