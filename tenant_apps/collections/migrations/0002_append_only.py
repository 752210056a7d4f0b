"""Payment allocations are append-only whatever the code path: a trigger refuses UPDATE and DELETE
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
CREATE TRIGGER collections_allocation_append_only BEFORE UPDATE OR DELETE ON collections_allocation
FOR EACH ROW EXECUTE FUNCTION public.append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("collections", "0001_initial")]

    operations = [
        migrations.RunSQL(
            FUNCTION + TRIGGER,
            reverse_sql="DROP TRIGGER IF EXISTS collections_allocation_append_only ON collections_allocation;",
        )
    ]
