"""migrate_schemas that keeps the company template current and skips up-to-date schemas.

With no app label, migration name or schema given, it migrates the public schema, then the
template schema and each company schema that still lacks a migration; the others are skipped
after one look at their django_migrations table. Any other form runs django-tenants' command.
"""

from django.db import connection
from django_tenants.management.commands import SyncCommon
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors import get_executor
from django_tenants.utils import get_public_schema_name

from tenants.models import Company
from tenants.template_schema import schemas_up_to_date, template_schema_name


class Command(MigrateSchemasCommand):
    def handle(self, *args, **options):
        selective = any(
            options.get(key)
            for key in (
                "app_label",
                "migration_name",
                "schema_name",
                "fake",
                "fake_initial",
                "plan",
                "prune",
                "check_unapplied",
            )
        )
        if selective:
            return super().handle(*args, **options)
        SyncCommon.handle(self, *args, **options)
        executor = get_executor(codename=self.executor)(self.args, self.options)
        if self.sync_public:
            executor.run_migrations(tenants=[get_public_schema_name()])
        if not self.sync_tenant:
            return
        connection.set_schema_to_public()
        template = template_schema_name()
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{template}"')
        schemas = [template, *Company.objects.order_by("id").values_list("schema_name", flat=True)]
        with connection.cursor() as cursor:
            cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname = ANY(%s)", [schemas])
            existing = {row[0] for row in cursor.fetchall()}
        schemas = [s for s in schemas if s in existing]
        current = schemas_up_to_date(schemas)
        pending = [s for s in schemas if s not in current]
        if options.get("verbosity", 1) >= 1:
            self.stdout.write(
                f"Company schemas: {len(pending)} to migrate, {len(current)} already up to date."
            )
        if pending:
            executor.run_migrations(tenants=pending)
        connection.set_schema_to_public()
