"""How company schemas were made before commit ecf81ae, for comparison with the project's
clone (tenants/clone.py, which grew out of the prototype measured here), and a check that a
copy is identical to the template.

- ``use(clone=..., check=...)`` makes ``tenants.template_schema`` clone with django-tenants'
  ``clone_schema()`` (PL/pgSQL; it queries information_schema for every table and column, so it
  slows down as companies accumulate) and/or look for up-to-date schemas in
  information_schema.tables with the migration graph read at each call, as it did before.
- ``--verify`` copies the template with the project's clone and django-tenants' and compares
  both with the template (columns, defaults, constraints, indexes, migration records, content
  types): the project's must be identical.

    .venv/bin/python -m benchmarks.clone_variants --verify
"""

from __future__ import annotations

import argparse

from django.db import connection


def schemas_up_to_date_information_schema(schema_names: list[str]) -> set[str]:
    """``tenants.template_schema.schemas_up_to_date`` as it was before ecf81ae."""
    from django.apps import apps
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader
    from django_tenants.utils import quote_schema_name

    labels = set()
    for entry in settings.TENANT_APPS:
        labels.update(c.label for c in apps.get_app_configs() if c.name == entry)
    loader = MigrationLoader(None, ignore_no_migrations=True)
    required = {key for key in loader.graph.nodes if key[0] in labels}
    if not schema_names:
        return set()
    done: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = 'django_migrations' AND table_schema = ANY(%s)",
            [list(schema_names)],
        )
        for (schema,) in cursor.fetchall():
            cursor.execute(
                f"SELECT app, name FROM {quote_schema_name(schema)}.django_migrations "
                "WHERE app = ANY(%s)",
                [list(labels)],
            )
            if required <= set(cursor.fetchall()):
                done.add(schema)
    return done


def django_tenants_clone(source: str, dest: str) -> None:
    from django_tenants.clone import CloneSchema

    CloneSchema().clone_schema(source, dest, "DATA")


def use(*, clone: str = "project", check: str = "project") -> None:
    """Make tenants.template_schema clone and check as asked (see company_creation.py)."""
    from tenants import template_schema

    if clone == "django-tenants":
        template_schema.clone_schema = django_tenants_clone
    if check == "information_schema":
        template_schema.schemas_up_to_date = schemas_up_to_date_information_schema


def verify() -> bool:
    from tenants.clone import clone_schema, schema_signature
    from tenants.template_schema import drop_schema, template_schema_name

    template = template_schema_name()
    connection.set_schema_to_public()
    copies = {"bench_verify_project": clone_schema, "bench_verify_stock": django_tenants_clone}
    for name in copies:
        drop_schema(name)
    base = schema_signature(template)
    ok = True
    try:
        for name, clone in copies.items():
            clone(template, name)
            other = schema_signature(name)
            missing, extra = sorted(set(base) - set(other)), sorted(set(other) - set(base))
            same = not missing and not extra
            if name == "bench_verify_project":
                ok = same
            print(
                f"   {name}: {'identical to' if same else 'differs from'} the template "
                f"({len(base)} items)"
            )
            for line in missing[:20]:
                print(f"     - {line}")
            for line in extra[:20]:
                print(f"     + {line}")
    finally:
        for name in copies:
            drop_schema(name)
    return ok


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verify", action="store_true")
    args = parser.parse_args(argv)
    from . import common

    common.prepare_database()
    common.setup_django()
    if args.verify:
        raise SystemExit(0 if verify() else 1)


if __name__ == "__main__":
    main()
