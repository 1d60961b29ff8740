"""Repair copied unit paths: units used to be inserted in name order, which renumbered the
paths of the siblings after the new one. The engine's `scope_path` copies (process and task)
are brought back to the registering unit's path; from now on paths never change."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def scope_paths_repair(apps, schema_editor):
    Process = apps.get_model("workflows", "RecognitionProcess")
    Task = apps.get_model("workflows", "RecognitionTask")
    Unit = apps.get_model("recognition", "Unit")
    unit_path = Unit.objects.filter(pk=OuterRef("registering_unit_id")).values("path")[:1]
    Process.objects.filter(movement_model__isnull=False, registering_unit__isnull=False).update(
        scope_path=Subquery(unit_path)
    )
    process_path = Process.objects.filter(pk=OuterRef("process_id")).values("scope_path")[:1]
    Task.objects.update(scope_path=Subquery(process_path))


class Migration(migrations.Migration):
    dependencies = [("workflows", "0006_follow_up_processes")]

    operations = [migrations.RunPython(scope_paths_repair, migrations.RunPython.noop)]
