"""The campaign's pass/outstanding thresholds and aggregation now belong to the procedure version.

`workflows.0005_campaign_rules_to_versions` first copies every campaign's values that
differ from the national defaults into a procedure version and pins the processes.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("recognition", "0011_evaluation_result_rubric"),
        ("workflows", "0005_campaign_rules_to_versions"),
    ]

    operations = [
        migrations.RemoveField(model_name="campaign", name="aggregation"),
        migrations.RemoveField(model_name="campaign", name="outstanding_threshold"),
        migrations.RemoveField(model_name="campaign", name="pass_threshold"),
    ]
