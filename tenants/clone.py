"""Cloning the company template schema in time that does not grow with the number of companies.

django-tenants' clone_schema() (a PL/pgSQL function) queries information_schema for every table
and column of the template; those views cover every schema in the database, so each clone cost
grows with the number of companies (measured: 0.23 s for the 10th company, 6 s for the 200th).

This clone reads the template's catalogue once by namespace oid (pg_catalog, index lookups),
keeps the resulting DDL script in memory for as long as the template's migration records do not
change, and replays it for each new company in one round trip. It copies tables (columns,
defaults, identity, generated columns, storage, comments), their rows (django_migrations,
content types...), constraints with their names, other indexes, and triggers. It refuses what it
does not copy (functions, views, types, standalone or serial sequences, rules, policies) rather
than make an incomplete schema: then add support here, or fall back to django-tenants' clone.
"""

from __future__ import annotations

from django.db import connection, transaction

_scripts: dict[tuple[str, tuple], list[str]] = {}


def qi(name: str) -> str:
    """Quote an identifier."""
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _fingerprint(cur, source: str) -> tuple:
    cur.execute(f"SELECT count(*), max(id) FROM {qi(source)}.django_migrations")
    return tuple(cur.fetchone())


def _set_search_path(cur, path: str) -> None:
    cur.execute("SELECT set_config('search_path', %s, false)", [path])


def _refuse_unsupported(cur, namespace_oid: int) -> None:
    checks = [
        (
            "SELECT relkind::text || ':' || relname FROM pg_class WHERE relnamespace = %s "
            "AND relkind NOT IN ('r', 'i', 'S')"
        ),
        # sequences that are not owned by an identity column
        (
            "SELECT 'sequence:' || c.relname FROM pg_class c WHERE c.relnamespace = %s "
            "AND c.relkind = 'S' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid "
            "AND d.classid = 'pg_class'::regclass AND d.deptype = 'i')"
        ),
        "SELECT 'function:' || proname FROM pg_proc WHERE pronamespace = %s",
        (
            "SELECT 'type:' || typname FROM pg_type t WHERE typnamespace = %s "
            "AND typtype IN ('e', 'd', 'c', 'r') "
            "AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid)"
        ),
        (
            "SELECT 'rule:' || r.rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class "
            "WHERE c.relnamespace = %s"
        ),
        (
            "SELECT 'policy:' || p.polname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid "
            "WHERE c.relnamespace = %s"
        ),
        (
            "SELECT 'serial:' || c.relname || '.' || a.attname FROM pg_attrdef d "
            "JOIN pg_class c ON c.oid = d.adrelid JOIN pg_attribute a "
            "ON a.attrelid = d.adrelid AND a.attnum = d.adnum "
            "WHERE c.relnamespace = %s AND pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%%'"
        ),
    ]
    unsupported: list[str] = []
    for sql in checks:
        cur.execute(sql, [namespace_oid])
        unsupported += [row[0] for row in cur.fetchall()]
    if unsupported:
        raise NotImplementedError(
            f"the template holds objects the clone cannot copy: {unsupported}"
        )


def template_script(cur, source: str) -> list[str]:
    """The statements that rebuild ``source`` in the schema first on the search_path.

    Leaves the search_path pointing at ``source`` (the caller restores it)."""
    cur.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [source])
    namespace = cur.fetchone()[0]
    _refuse_unsupported(cur, namespace)
    _set_search_path(cur, qi(source))  # definitions below then print names unqualified
    cur.execute(
        "SELECT c.oid, c.relname FROM pg_class c WHERE c.relnamespace = %s AND c.relkind = 'r' "
        "ORDER BY c.relname",
        [namespace],
    )
    tables = cur.fetchall()
    including = (
        "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE "
        "INCLUDING COMMENTS"
    )
    script = [
        f"CREATE TABLE {qi(name)} (LIKE {qi(source)}.{qi(name)} {including})"
        for _oid, name in tables
    ]
    # Rows (migration records, content types...) before the constraints.
    for oid, name in tables:
        cur.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attnum > 0 "
            "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
            [oid],
        )
        columns = ", ".join(qi(c) for (c,) in cur.fetchall())
        script.append(
            f"INSERT INTO {qi(name)} ({columns}) OVERRIDING SYSTEM VALUE "
            f"SELECT {columns} FROM {qi(source)}.{qi(name)}"
        )
        cur.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s AND attidentity <> ''", [oid]
        )
        for (column,) in cur.fetchall():
            script.append(
                f"SELECT setval(pg_get_serial_sequence({_literal(qi(name))}, {_literal(column)}),"
                f" max({qi(column)})) FROM {qi(name)} HAVING max({qi(column)}) IS NOT NULL"
            )
    # Constraints with their names (later migrations refer to them), foreign keys last.
    cur.execute(
        "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) FROM pg_constraint k "
        "JOIN pg_class c ON c.oid = k.conrelid WHERE c.relnamespace = %s "
        "ORDER BY k.contype = 'f', c.relname, k.conname",
        [namespace],
    )
    script += [
        f"ALTER TABLE {qi(table)} ADD CONSTRAINT {qi(name)} {definition}"
        for table, name, definition in cur.fetchall()
    ]
    # Other indexes (those behind constraints came with them). pg_get_indexdef qualifies the
    # table, so the definition is rebuilt from its USING part on.
    cur.execute(
        "SELECT x.relname, c.relname, i.indisunique, pg_get_indexdef(i.indexrelid) "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
        "JOIN pg_class x ON x.oid = i.indexrelid WHERE c.relnamespace = %s AND NOT EXISTS ("
        "SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid "
        "AND k.conrelid = i.indrelid AND k.contype IN ('p', 'u', 'x')) ORDER BY 1",
        [namespace],
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
        [namespace],
    )
    script += [definition.replace(qualified_on, " ON ", 1) for (definition,) in cur.fetchall()]
    return script


def clone_schema(source: str, dest: str) -> None:
    """Create schema ``dest`` as a copy of ``source``: structure, names and rows."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT current_setting('search_path')")
        saved = cur.fetchone()[0]
        key = (source, _fingerprint(cur, source))
        script = _scripts.get(key)
        if script is None:
            script = _scripts[key] = template_script(cur, source)
        cur.execute(
            f"CREATE SCHEMA {qi(dest)}; SET search_path = {qi(dest)};\n" + ";\n".join(script) + ";"
        )
        _set_search_path(cur, saved)


def schema_signature(schema: str) -> list[str]:
    """A schema's structure and migration records, without its own name (to compare clones)."""
    out: list[str] = []
    with connection.cursor() as cur:
        cur.execute("SELECT current_setting('search_path')")
        saved = cur.fetchone()[0]
        try:
            _set_search_path(cur, qi(schema))
            cur.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema])
            ns = cur.fetchone()[0]
            cur.execute(
                "SELECT c.relname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum), "
                "a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, "
                "a.attgenerated, coalesce(pg_get_expr(d.adbin, d.adrelid), '') "
                "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid LEFT JOIN pg_attrdef d "
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
            cur.execute("SELECT quote_ident(%s)", [schema])
            qualified_on = f" ON {cur.fetchone()[0]}."
            cur.execute(
                "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c "
                "ON c.oid = i.indrelid WHERE c.relnamespace = %s",
                [ns],
            )
            out += ["index " + r[0].replace(qualified_on, " ON ", 1) for r in cur.fetchall()]
            cur.execute(
                "SELECT relkind, relname FROM pg_class WHERE relnamespace = %s AND relkind <> 'i'",
                [ns],
            )
            out += ["relation " + " | ".join(r) for r in cur.fetchall()]
            cur.execute("SELECT app, name FROM django_migrations")
            out += ["migration " + " | ".join(r) for r in cur.fetchall()]
            cur.execute("SELECT app_label, model FROM django_content_type")
            out += ["content type " + " | ".join(r) for r in cur.fetchall()]
        finally:
            _set_search_path(cur, saved)
    return sorted(out)
