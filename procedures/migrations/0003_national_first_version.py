"""The national procedure's first version, from the settings' defaults and the criteria catalogue.

Seeded like the reference data (levels, fields, criteria): a fresh database starts with a
procedure in force, so the first registration writes nothing but its own records. Not
audited: a migration is not an actor; the version carries its reason. A database that
already has a national version (workflows 0005 may have created it) keeps it.
"""

from django.db import migrations
from django.utils import timezone

from procedures.defaults import spec_from_settings
from procedures.parsing import spec_to_dict

NATIONAL_NAME = "Quy trình công nhận mô hình “Dân vận khéo”"
REASON = "Phiên bản đầu tiên, lấy từ cấu hình mặc định."


def national_first_version(apps, schema_editor):
    Definition = apps.get_model("procedures", "ProcedureDefinition")
    Version = apps.get_model("procedures", "ProcedureVersion")
    Criterion = apps.get_model("recognition", "Criterion")
    definition = Definition.objects.filter(owner_unit__isnull=True).order_by("pk").first()
    if definition is None:
        definition = Definition.objects.create(owner_unit=None, name=NATIONAL_NAME)
    if Version.objects.filter(definition=definition, status="published").exists():
        return
    last = Version.objects.filter(definition=definition).order_by("-number").first()
    Version.objects.create(
        definition=definition,
        number=(last.number if last else 0) + 1,
        status="published",
        spec=spec_to_dict(spec_from_settings(Criterion.objects)),
        published_at=timezone.now(),
        publish_reason=REASON,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0002_migration_runs"),
        ("recognition", "0002_reference_data"),
    ]

    operations = [migrations.RunPython(national_first_version, migrations.RunPython.noop)]
