"""Posted ledger entries can never be changed or removed, whatever the code path: a trigger
refuses UPDATE and DELETE on ledger_entry. The trigger function lives in the public schema (one
for every company; the template clone copies only tables, so functions stay out of it)."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION public.ledger_entry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are append-only: post a reversing entry instead'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
"""

TRIGGER = """
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
FOR EACH ROW EXECUTE FUNCTION public.ledger_entry_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [
        migrations.RunSQL(
            FUNCTION + TRIGGER,
            reverse_sql="DROP TRIGGER IF EXISTS ledger_entry_append_only ON ledger_entry;",
        )
    ]
