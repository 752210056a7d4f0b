"""The clone measured as the fix for company creation slowing down as companies accumulate
(adopted in the project as tenants/clone.py, commit ecf81ae), the look-ups it replaced, and a
switch (use()) that makes the project use one or the other, for company_creation.py.

django-tenants' clone_schema() (a PL/pgSQL function) runs, for every table and every column of
the template, queries on information_schema.columns / information_schema.tables; those views
cover every schema of the database, so each clone costs (template size) x (number of companies)
and creation time grows linearly with the number of companies (see company_creation.py).

This clone reads the template's catalog once (by namespace oid), keeps the resulting DDL script
in memory for as long as the template's migrations do not change, and runs it for each new
company in one round trip: cost proportional to the template only. Names of tables,
constraints, indexes and sequences are kept (later migrations refer to them). It refuses what it
does not copy (functions, views, types, standalone or serial sequences, rules, policies) rather
than make an incomplete schema.

    .venv/bin/python -m benchmarks.lean_clone --verify   # copies by this clone, the project's
                        # and django-tenants' compared with the template, on the bench database
"""

from __future__ import annotations

import argparse
import functools

from django.db import connection, transaction

_cache: dict[tuple[str, tuple], list[str]] = {}


def qi(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _fingerprint(cur, source: str) -> tuple:
    cur.execute(f"SELECT count(*), max(id) FROM {qi(source)}.django_migrations")
    return tuple(cur.fetchone())


def _set_path(cur, path: str) -> None:
    cur.execute("SELECT set_config('search_path', %s, false)", [path])


def template_script(cur, source: str) -> list[str]:
    """The statements that rebuild `source` in the schema first on the search_path.

    Leaves search_path pointing at `source` (the caller puts it back)."""
    cur.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [source])
    src = cur.fetchone()[0]
    unsupported = []
    cur.execute(
        "SELECT relkind, relname FROM pg_class WHERE relnamespace = %s "
        "AND relkind NOT IN ('r', 'i', 'S')",
        [src],
    )
    unsupported += [f"{kind}:{name}" for kind, name in cur.fetchall()]
    cur.execute(
        # sequences not owned by an identity column
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = %s AND c.relkind = 'S' "
        "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid "
        "AND d.classid = 'pg_class'::regclass AND d.deptype = 'i')",
        [src],
    )
    unsupported += [f"sequence:{n}" for (n,) in cur.fetchall()]
    cur.execute("SELECT proname FROM pg_proc WHERE pronamespace = %s", [src])
    unsupported += [f"function:{n}" for (n,) in cur.fetchall()]
    cur.execute(
        "SELECT typname FROM pg_type t WHERE typnamespace = %s AND typtype IN ('e', 'd', 'c', 'r') "
        "AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)",
        [src],
    )
    unsupported += [f"type:{n}" for (n,) in cur.fetchall()]
    cur.execute(
        "SELECT r.rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class "
        "WHERE c.relnamespace = %s",
        [src],
    )
    unsupported += [f"rule:{n}" for (n,) in cur.fetchall()]
    cur.execute(
        "SELECT p.polname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid "
        "WHERE c.relnamespace = %s",
        [src],
    )
    unsupported += [f"policy:{n}" for (n,) in cur.fetchall()]
    cur.execute(
        "SELECT c.relname || '.' || a.attname FROM pg_attrdef d "
        "JOIN pg_class c ON c.oid = d.adrelid JOIN pg_attribute a "
        "ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
        "WHERE c.relnamespace = %s AND pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%%'",
        [src],
    )
    unsupported += [f"serial:{n}" for (n,) in cur.fetchall()]
    if unsupported:
        raise NotImplementedError(f"template objects this clone does not copy: {unsupported}")

    _set_path(cur, qi(source))  # definitions below print template objects unqualified
    cur.execute(
        "SELECT c.oid, c.relname FROM pg_class c WHERE c.relnamespace = %s AND c.relkind = 'r' "
        "ORDER BY c.relname",
        [src],
    )
    tables = cur.fetchall()
    script: list[str] = []
    including = (
        "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE "
        "INCLUDING COMMENTS"
    )
    for _oid, name in tables:
        script.append(f"CREATE TABLE {qi(name)} (LIKE {qi(source)}.{qi(name)} {including})")
    # Data (django_migrations, content types...), before the constraints.
    for oid, name in tables:
        cur.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum > 0 "
            "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
            [oid],
        )
        cols = ", ".join(qi(c) for (c,) in cur.fetchall())
        script.append(
            f"INSERT INTO {qi(name)} ({cols}) OVERRIDING SYSTEM VALUE "
            f"SELECT {cols} FROM {qi(source)}.{qi(name)}"
        )
        cur.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attidentity <> ''", [oid]
        )
        for (col,) in cur.fetchall():
            script.append(
                f"SELECT setval(pg_get_serial_sequence({_lit(qi(name))}, {_lit(col)}), "
                f"max({qi(col)})) FROM {qi(name)} HAVING max({qi(col)}) IS NOT NULL"
            )
    # Constraints: primary keys, unique, checks, exclusions, then foreign keys (same names).
    cur.execute(
        "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
        "JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = %s "
        "ORDER BY k.contype = 'f', c.relname, k.conname",
        [src],
    )
    for table, name, definition in cur.fetchall():
        script.append(f"ALTER TABLE {qi(table)} ADD CONSTRAINT {qi(name)} {definition}")
    # Other indexes (those behind constraints came with them). pg_get_indexdef always
    # qualifies the table: the definition is rebuilt from its USING part on.
    cur.execute(
        "SELECT x.relname, c.relname, i.indisunique, pg_get_indexdef(i.indexrelid) "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_class x ON x.oid = i.indexrelid WHERE c.relnamespace = %s AND NOT EXISTS ("
        "SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid "
        "AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')) ORDER BY 1",
        [src],
    )
    for index, table, unique, definition in cur.fetchall():
        rest = definition.split(" USING ", 1)[1]
        script.append(
            f"CREATE {'UNIQUE ' if unique else ''}INDEX {qi(index)} ON {qi(table)} USING {rest}"
        )
    cur.execute("SELECT quote_ident(%s)", [source])
    qualified_on = f" ON {cur.fetchone()[0]}."
    cur.execute(
        "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE c.relnamespace = %s AND NOT t.tgisinternal ORDER BY t.tgname",
        [src],
    )
    script += [d.replace(qualified_on, " ON ", 1) for (d,) in cur.fetchall()]
    return script


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def clone_schema(source: str, dest: str) -> None:
    """Create schema `dest` as a copy of `source` (structure, names and rows)."""
    # search_path is changed with a plain SET inside the transaction: it is put back below,
    # and a rollback (of the transaction or of a savepoint) undoes it too.
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT current_setting('search_path')")
        saved = cur.fetchone()[0]
        key = (source, _fingerprint(cur, source))
        script = _cache.get(key)
        if script is None:
            script = _cache[key] = template_script(cur, source)
        cur.execute(
            f"CREATE SCHEMA {qi(dest)}; SET search_path = {qi(dest)};\n" + ";\n".join(script) + ";"
        )
        _set_path(cur, saved)


class LeanCloneSchema:
    """Drop-in for django_tenants.clone.CloneSchema, as tenants.template_schema uses it."""

    def clone_schema(
        self, base_schema_name, new_schema_name, clone_mode="DATA", set_connection=True
    ):
        if set_connection:
            connection.set_schema_to_public()
        clone_schema(base_schema_name, new_schema_name)


@functools.lru_cache(maxsize=1)
def _required_migrations() -> tuple[frozenset, frozenset]:
    """The tenant apps' labels and migrations (read from disk once per process)."""
    from django.apps import apps
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader

    labels = set()
    for entry in settings.TENANT_APPS:
        labels.update(c.label for c in apps.get_app_configs() if c.name == entry)
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(labels), frozenset(k for k in loader.graph.nodes if k[0] in labels)


def schemas_up_to_date(schema_names: list[str]) -> set[str]:
    """Proposed tenants.template_schema.schemas_up_to_date: the same answer, with the schemas
    that have a django_migrations table found in pg_class (an index lookup) instead of
    information_schema.tables (which reads every table of every schema: slower with each
    company), and the migration graph read once per process."""
    labels, required = _required_migrations()
    if not schema_names:
        return set()
    done: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "AND c.relname = 'django_migrations' AND c.relkind IN ('r', 'p') "
            "WHERE n.nspname = ANY(%s)",
            [list(schema_names)],
        )
        with_table = [row[0] for row in cursor.fetchall()]
        for schema in with_table:
            cursor.execute(
                f"SELECT app, name FROM {qi(schema)}.django_migrations WHERE app = ANY(%s)",
                [list(labels)],
            )
            if required <= set(cursor.fetchall()):
                done.add(schema)
    return done


def schemas_up_to_date_information_schema(schema_names: list[str]) -> set[str]:
    """tenants.template_schema.schemas_up_to_date as it was before ecf81ae (for comparison):
    information_schema.tables, and the migration graph read from disk at each call."""
    from django.apps import apps
    from django.conf import settings
    from django.db.migrations.loader import MigrationLoader

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
                f"SELECT app, name FROM {qi(schema)}.django_migrations WHERE app = ANY(%s)",
                [list(labels)],
            )
            if required <= set(cursor.fetchall()):
                done.add(schema)
    return done


def _django_tenants_clone(source: str, dest: str) -> None:
    from django_tenants.clone import CloneSchema

    CloneSchema().clone_schema(source, dest, "DATA")


def use(*, clone: str = "project", check: str = "project") -> None:
    """Make tenants.template_schema clone and check with these (see company_creation.py)."""
    from tenants import template_schema

    new_code = hasattr(template_schema, "clone_schema")  # since ecf81ae
    if clone == "django-tenants":
        if new_code:
            template_schema.clone_schema = _django_tenants_clone
    elif clone == "lean":
        if new_code:
            template_schema.clone_schema = clone_schema
        else:
            template_schema.CloneSchema = LeanCloneSchema
    if check == "information_schema":
        template_schema.schemas_up_to_date = schemas_up_to_date_information_schema
    elif check == "pg_class":
        template_schema.schemas_up_to_date = schemas_up_to_date


def signature(schema: str) -> list[str]:
    """A schema's structure and migration records, with its own name left out."""
    out: list[str] = []
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('search_path')")
        saved = cur.fetchone()[0]
        try:
            _set_path(cur, qi(schema))
            cur.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema])
            ns = cur.fetchone()[0]
            cur.execute(
                "SELECT c.relname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), "
                "a.attname, format_type(a.atttypid, a.atttypmod), "
                "a.attnotnull, a.attidentity, a.attgenerated, "
                "coalesce(pg_get_expr(d.adbin, d.adrelid), '') FROM pg_attribute a "
                "JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d "
                "ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE c.relnamespace = %s "
                "AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped",
                [ns],
            )
            out += ["column " + " | ".join(map(str, r)) for r in cur.fetchall()]
            cur.execute(
                "SELECT c.relname, k.conname, k.contype, pg_get_constraintdef(k.oid), "
                "k.condeferrable, k.condeferred FROM pg_constraint k JOIN pg_class c "
                "ON c.oid = k.conrelid WHERE c.relnamespace = %s",
                [ns],
            )
            out += ["constraint " + " | ".join(map(str, r)) for r in cur.fetchall()]
            cur.execute(
                "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c "
                "ON c.oid = i.indrelid WHERE c.relnamespace = %s",
                [ns],
            )
            cur.execute("SELECT quote_ident(%s)", [schema])
            qualified_on = f" ON {cur.fetchone()[0]}."
            out += ["index " + r[0].replace(qualified_on, " ON ", 1) for r in cur.fetchall()]
            cur.execute(
                "SELECT relkind, relname FROM pg_class WHERE relnamespace = %s "
                "AND relkind NOT IN ('i')",
                [ns],
            )
            out += ["relation " + " | ".join(r) for r in cur.fetchall()]
            cur.execute("SELECT app, name FROM django_migrations")
            out += ["migration " + " | ".join(r) for r in cur.fetchall()]
            cur.execute("SELECT app_label, model FROM django_content_type")
            out += ["content type " + " | ".join(r) for r in cur.fetchall()]
        finally:
            _set_path(cur, saved)
    return sorted(out)


def verify() -> bool:
    from django_tenants.clone import CloneSchema

    from tenants.template_schema import drop_schema, template_schema_name

    template = template_schema_name()
    connection.set_schema_to_public()
    names = ["bench_verify_lean", "bench_verify_stock"]
    for name in [*names, "bench_verify_project"]:
        drop_schema(name)
    clone_schema(template, "bench_verify_lean")
    CloneSchema().clone_schema(template, "bench_verify_stock", "DATA")
    try:
        from tenants.clone import clone_schema as project_clone
    except ImportError:  # before ecf81ae
        project_clone = None
    if project_clone is not None:
        project_clone(template, "bench_verify_project")
        names.append("bench_verify_project")
    base = signature(template)
    ok = True
    for name in names:
        other = signature(name)
        missing, extra = sorted(set(base) - set(other)), sorted(set(other) - set(base))
        same = not missing and not extra
        ok &= same if not name.endswith("stock") else True
        print(
            f"   {name}: {'identical to' if same else 'differs from'} the template "
            f"({len(base)} items)"
        )
        for line in missing[:20]:
            print(f"     - {line}")
        for line in extra[:20]:
            print(f"     + {line}")
    for name in names:
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
