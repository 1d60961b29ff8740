"""Campaign thresholds and aggregation move into procedure versions; every process gets pinned.

The simplest rule that changes no result:
- the national version in force is the one from the settings' defaults (created here if
  none was published yet);
- for each organising unit whose campaigns set values other than the national defaults
  (70 / 90 / mean), one version per distinct set of values, copied from the national
  version with only `evaluation` changed, on a definition owned by that unit. When the
  unit had no definition of its own, the version of its latest such campaign is
  published (in force for new processes there, as the campaign's values were); the
  others are kept retired, for the processes that are pinned to them. A unit that
  already had a definition keeps its version in force: the copies are all retired.
- every process without a version is pinned to its campaign's version (above), else to
  the national version.
Nothing is audited: a migration is not an actor; the versions carry the reason.
"""

from decimal import Decimal

from django.db import migrations
from django.utils import timezone

from procedures.defaults import spec_from_settings
from procedures.parsing import spec_to_dict

DEFAULTS = (Decimal("70"), Decimal("90"), "mean")
NATIONAL_NAME = "Quy trình công nhận mô hình “Dân vận khéo”"
REASON = "Chuyển ngưỡng và cách tổng hợp của đợt đăng ký sang phiên bản quy trình (nâng cấp dữ liệu)."


def _rules(campaign):
    return (Decimal(campaign.pass_threshold), Decimal(campaign.outstanding_threshold), campaign.aggregation)


def _next_number(Version, definition):
    last = Version.objects.filter(definition=definition).order_by("-number").first()
    return (last.number if last else 0) + 1


def _national(Definition, Version):
    definition = Definition.objects.filter(owner_unit__isnull=True).order_by("pk").first()
    if definition is None:
        definition = Definition.objects.create(owner_unit=None, name=NATIONAL_NAME)
    published = Version.objects.filter(definition=definition, status="published").first()
    if published is None:
        published = Version.objects.create(
            definition=definition,
            number=_next_number(Version, definition),
            status="published",
            spec=spec_to_dict(spec_from_settings()),
            published_at=timezone.now(),
            publish_reason="Phiên bản đầu tiên, lấy từ cấu hình mặc định.",
        )
    return published


def forwards(apps, schema_editor):
    Campaign = apps.get_model("recognition", "Campaign")
    Process = apps.get_model("workflows", "RecognitionProcess")
    Definition = apps.get_model("procedures", "ProcedureDefinition")
    Version = apps.get_model("procedures", "ProcedureVersion")

    differing = [c for c in Campaign.objects.select_related("organising_unit").order_by("year", "pk") if _rules(c) != DEFAULTS]
    if not differing and not Process.objects.filter(procedure_version__isnull=True).exists():
        return
    national = _national(Definition, Version)
    now = timezone.now()

    version_of_campaign = {}
    by_unit = {}
    for campaign in differing:
        by_unit.setdefault(campaign.organising_unit_id, []).append(campaign)
    for unit_id, campaigns in by_unit.items():
        definition = Definition.objects.filter(owner_unit_id=unit_id).first()
        had_own = definition is not None
        if definition is None:
            definition = Definition.objects.create(
                owner_unit_id=unit_id, name=f"Quy trình của {campaigns[0].organising_unit.name}"
            )
        latest_rules = _rules(campaigns[-1])
        created = {}
        for campaign in campaigns:
            rules = _rules(campaign)
            if rules not in created:
                spec = dict(national.spec)
                spec["evaluation"] = {
                    **spec["evaluation"],
                    "pass_threshold": str(rules[0]),
                    "outstanding_threshold": str(rules[1]),
                    "aggregation": rules[2],
                }
                in_force = not had_own and rules == latest_rules
                created[rules] = Version.objects.create(
                    definition=definition,
                    number=_next_number(Version, definition),
                    status="published" if in_force else "retired",
                    spec=spec,
                    based_on=national,
                    published_at=now,
                    publish_reason=REASON,
                    retired_at=None if in_force else now,
                )
            version_of_campaign[campaign.pk] = created[rules].pk

    for process in Process.objects.filter(procedure_version__isnull=True).select_related("movement_model"):
        campaign_id = process.movement_model.campaign_id if process.movement_model_id else None
        process.procedure_version_id = version_of_campaign.get(campaign_id, national.pk)
        process.save(update_fields=["procedure_version"])


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0001_procedure_versions"),
        ("recognition", "0011_evaluation_result_rubric"),
        ("workflows", "0004_process_pinned_version"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
