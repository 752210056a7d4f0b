"""The template clone copies structure, names and rows, and refuses what it cannot copy."""

import pytest
from django.db import connection

from tenants.clone import clone_schema, schema_signature, template_script
from tenants.template_schema import template_schema_name

pytestmark = pytest.mark.django_db


def test_clone_is_identical_to_the_template(world):
    clone_schema(template_schema_name(), "zz_clone_test")
    assert schema_signature("zz_clone_test") == schema_signature(template_schema_name())


def test_identity_continues_after_copied_rows(world):
    clone_schema(template_schema_name(), "zz_clone_ids")
    with connection.cursor() as cur:
        cur.execute('SELECT max(id) FROM "zz_clone_ids".django_migrations')
        (last,) = cur.fetchone()
        cur.execute(
            'INSERT INTO "zz_clone_ids".django_migrations (app, name, applied) '
            "VALUES ('x', 'y', now()) RETURNING id"
        )
        assert cur.fetchone()[0] == last + 1


def test_search_path_is_restored(world):
    with connection.cursor() as cur:
        cur.execute("SHOW search_path")
        before = cur.fetchone()[0]
        clone_schema(template_schema_name(), "zz_clone_path")
        cur.execute("SHOW search_path")
        assert cur.fetchone()[0] == before


def test_refuses_objects_it_cannot_copy(world):
    with connection.cursor() as cur:
        cur.execute(
            'CREATE SCHEMA "zz_src"; CREATE TABLE "zz_src".t (id int); '
            'CREATE VIEW "zz_src".v AS SELECT id FROM "zz_src".t'
        )
        with pytest.raises(NotImplementedError, match="v:v"):
            template_script(cur, "zz_src")
