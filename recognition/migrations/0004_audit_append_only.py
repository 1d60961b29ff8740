"""The audit trail is append-only: one position per record in its chain; on PostgreSQL a trigger refuses UPDATE/DELETE.

SQLite has no such guard: there `manage.py audit_verify` is the guard.
"""

from django.db import migrations, models

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION recognition_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER recognition_auditevent_append_only
    BEFORE UPDATE OR DELETE ON recognition_auditevent
    FOR EACH ROW EXECUTE FUNCTION recognition_audit_append_only();
CREATE TRIGGER recognition_auditdigest_append_only
    BEFORE UPDATE OR DELETE ON recognition_auditdigest
    FOR EACH ROW EXECUTE FUNCTION recognition_audit_append_only();
"""

DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS recognition_auditevent_append_only ON recognition_auditevent;
DROP TRIGGER IF EXISTS recognition_auditdigest_append_only ON recognition_auditdigest;
DROP FUNCTION IF EXISTS recognition_audit_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER_SQL, params=None)



class Migration(migrations.Migration):
    dependencies = [("recognition", "0003_audit_chain")]

    operations = [
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.UniqueConstraint(fields=('chain_key', 'sequence'), name='audit_chain_position_unique'),
        ),
        migrations.RunPython(create_trigger, drop_trigger),
    ]
