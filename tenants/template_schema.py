"""The company template schema: migrated once, cloned for every new company.

Cloning a migrated schema (tenants.clone) makes a company ready in a time that
does not grow with the number of migrations; `migrate_schemas` keeps the template current and
skips every schema whose migrations are all applied.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import get_public_schema_name, quote_schema_name, schema_exists

from .clone import clone_schema


def template_schema_name() -> str:
    return settings.TENANT_BASE_SCHEMA


@lru_cache(maxsize=1)
def _required_migrations() -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """The tenant apps' labels and their migrations (read from disk once per process)."""
    from django.apps import apps

    labels: set[str] = set()
    for entry in settings.TENANT_APPS:
        labels.update(c.label for c in apps.get_app_configs() if c.name == entry)
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(labels), frozenset(k for k in loader.graph.nodes if k[0] in labels)


def schemas_up_to_date(schema_names: list[str]) -> set[str]:
    """The schemas among these whose django_migrations holds every tenant migration.

    Finds the schemas with a django_migrations table in pg_class (an index lookup; the
    information_schema views read every table of every schema), then reads each one's records.
    """
    if not schema_names:
        return set()
    labels, required = _required_migrations()
    done: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "AND c.relname = 'django_migrations' AND c.relkind IN ('r', 'p') "
            "WHERE n.nspname = ANY(%s)",
            [list(schema_names)],
        )
        for (schema,) in cursor.fetchall():
            cursor.execute(
                f"SELECT app, name FROM {quote_schema_name(schema)}.django_migrations "  # noqa: S608
                "WHERE app = ANY(%s)",
                [list(labels)],
            )
            if required <= set(cursor.fetchall()):
                done.add(schema)
    return done


def ensure_template_schema(verbosity: int = 0) -> None:
    """Create (or bring up to date) the template schema that companies are cloned from."""
    name = template_schema_name()
    if not schema_exists(name):
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {quote_schema_name(name)}")
    if name not in schemas_up_to_date([name]):
        call_command(
            "migrate_schemas",
            schema_name=name,
            tenant=True,
            interactive=False,
            verbosity=verbosity,
        )
    connection.set_schema_to_public()


def clone_template_into(schema_name: str) -> None:
    """Create a company schema as a copy of the template (structure and migration records)."""
    connection.set_schema_to_public()
    clone_schema(template_schema_name(), schema_name)
    if schema_name not in schemas_up_to_date([schema_name]):  # template was behind
        call_command(
            "migrate_schemas", schema_name=schema_name, tenant=True, interactive=False, verbosity=0
        )
    connection.set_schema_to_public()


def drop_schema(schema_name: str) -> None:
    if schema_name == get_public_schema_name():
        raise ValueError("refusing to drop the public schema")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(schema_name)} CASCADE")
