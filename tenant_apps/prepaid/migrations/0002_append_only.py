"""Prepaid wallet entries are append-only whatever the code path: a trigger refuses UPDATE and DELETE
(a correction is a new row). The trigger function lives in the public schema, one for every
company (the template clone copies the trigger, not the function)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION public.append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are append-only: add a correcting row instead', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""

TRIGGER = """
CREATE TRIGGER prepaid_walletentry_append_only BEFORE UPDATE OR DELETE ON prepaid_walletentry
FOR EACH ROW EXECUTE FUNCTION public.append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("prepaid", "0001_initial")]

    operations = [
        migrations.RunSQL(
            FUNCTION + TRIGGER,
            reverse_sql="DROP TRIGGER IF EXISTS prepaid_walletentry_append_only ON prepaid_walletentry;",
        )
    ]
