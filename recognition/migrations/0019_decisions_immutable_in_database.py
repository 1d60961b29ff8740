"""PostgreSQL refuses edits of an issued decision and of its annex, as the models' save guard does.

Only the signed scan, its hash and time, and the settle mark may still be written on a
decision row; annex rows are never updated; neither is ever deleted (a correction is a new
decision). Other databases rely on the model guard (`RecognitionDecision.save`).
"""

from django.db import migrations

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION recognition_decision_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'an issued decision is never deleted (table %)', TG_TABLE_NAME;
    END IF;
    IF TG_TABLE_NAME = 'recognition_decisionentry' THEN
        RAISE EXCEPTION 'the annex of an issued decision is never edited';
    END IF;
    IF (to_jsonb(NEW) - 'signed_scan' - 'signed_scan_sha256' - 'scan_uploaded_at' - 'tasks_settled_at')
        IS DISTINCT FROM
       (to_jsonb(OLD) - 'signed_scan' - 'signed_scan_sha256' - 'scan_uploaded_at' - 'tasks_settled_at') THEN
        RAISE EXCEPTION 'an issued decision is never edited: issue a revocation or an amendment';
    END IF;
    IF OLD.signed_scan <> '' AND NEW.signed_scan IS DISTINCT FROM OLD.signed_scan THEN
        RAISE EXCEPTION 'the signed scan of a decision is never replaced';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER recognition_decision_immutable
    BEFORE UPDATE OR DELETE ON recognition_recognitiondecision
    FOR EACH ROW EXECUTE FUNCTION recognition_decision_immutable();
CREATE TRIGGER recognition_decisionentry_immutable
    BEFORE UPDATE OR DELETE ON recognition_decisionentry
    FOR EACH ROW EXECUTE FUNCTION recognition_decision_immutable();
"""

DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS recognition_decision_immutable ON recognition_recognitiondecision;
DROP TRIGGER IF EXISTS recognition_decisionentry_immutable ON recognition_decisionentry;
DROP FUNCTION IF EXISTS recognition_decision_immutable();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [("recognition", "0018_decisions_revocable_documents")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
