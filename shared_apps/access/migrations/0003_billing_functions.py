"""Existing companies' default profiles get the functions added with billing and collections
(billing.adjust, collections.manage), as new companies do."""

from django.db import migrations

ADDED = {
    "billing.adjust": ("Administrador", "Gerente", "Cobrança"),
    "collections.manage": ("Administrador", "Gerente", "Cobrança"),
}


def grant(apps, schema_editor):
    AccessProfile = apps.get_model("access", "AccessProfile")
    for code, names in ADDED.items():
        for profile in AccessProfile.objects.filter(company__isnull=False, name__in=names):
            if code not in profile.functions:
                profile.functions = sorted([*profile.functions, code])
                profile.save(update_fields=["functions"])


class Migration(migrations.Migration):
    dependencies = [("access", "0002_sales_functions")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
