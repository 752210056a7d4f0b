"""Existing companies' default profiles get the functions added with customers and sales
(sales.cancel, subscriptions.activate, customers.import), as new companies do."""

from django.db import migrations

ADDED = {
    "sales.cancel": ("Administrador", "Atendente"),
    "subscriptions.activate": ("Administrador", "Gerente", "Supervisor técnico"),
    "customers.import": ("Administrador",),
}


def grant(apps, schema_editor):
    AccessProfile = apps.get_model("access", "AccessProfile")
    for code, names in ADDED.items():
        for profile in AccessProfile.objects.filter(company__isnull=False, name__in=names):
            if code not in profile.functions:
                profile.functions = sorted([*profile.functions, code])
                profile.save(update_fields=["functions"])


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
