"""Creating operators and companies: API, UI, command; the template clone; migrate_schemas."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from tenants.models import Company, Operator
from tenants.template_schema import schemas_up_to_date

pytestmark = pytest.mark.django_db


def _schema_tables(schema):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema=%s", [schema]
        )
        return {r[0] for r in cursor.fetchall()}


def test_platform_admin_creates_operator_over_api(login, world, django_capture_on_commit_callbacks):
    client = login("platform")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/operators/",
            {
                "name": "Nova",
                "slug": "nova",
                "first_company": {"name": "Nova TV", "slug": "nova-tv"},
            },
            content_type="application/json",
        )
    assert response.status_code == 202, response.json()
    company = Company.objects.get(slug="nova-tv")
    assert company.status == "ready" and company.progress == 100
    assert {"parameters_companyparameters", "audit_auditevent"} <= _schema_tables(
        company.schema_name
    )
    assert company.schema_name in schemas_up_to_date([company.schema_name])
    assert company.profiles.count() == 7
    detail = client.get(f"/api/v1/companies/{company.pk}/")
    assert detail.status_code == 200 and detail.json()["status"] == "ready"


def test_only_platform_admin_creates_operators(login, world):
    client = login("a_central")
    response = client.post(
        "/api/v1/operators/",
        {"name": "X", "slug": "xx", "first_company": {"name": "X", "slug": "x-x"}},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_operator_admin_adds_company_in_ui_and_sees_progress(
    login, world, django_capture_on_commit_callbacks
):
    client = login("a_central")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/operator/{world.operator_a.pk}/", {"name": "A Três", "slug": "a-three"}
        )
    assert response.status_code == 302
    company = Company.objects.get(slug="a-three")
    assert response["Location"] == f"/operator/companies/{company.pk}/status/"
    page = client.get(response["Location"])
    assert "Pronta" in page.content.decode() or "Ready" in page.content.decode()
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true")
    assert b'value="100"' in fragment.content


def test_status_fragment_polls_while_creating(login, world):
    from shared_apps.audit.actor import Actor
    from tenants import services

    company = services.company_create(
        actor=Actor.system("t"),
        operator=world.operator_a,
        data=services.CompanyInput(name="Lenta", slug="lenta"),
    )
    client = login("a_central")
    fragment = client.get(f"/operator/companies/{company.pk}/status/", HTTP_HX_REQUEST="true")
    assert b'hx-trigger="every 1s"' in fragment.content
    assert client.get(f"/api/v1/companies/{company.pk}/").json()["status"] == "pending"


def test_operator_admin_cannot_add_company_to_other_operator(login, world):
    client = login("a_central")
    response = client.post(
        "/api/v1/companies/",
        {"operator": world.operator_b.pk, "name": "Intrusa", "slug": "intrusa"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Company.objects.filter(slug="intrusa").exists()


def test_duplicate_route_is_a_field_error(login, world):
    client = login("a_central")
    response = client.post(
        "/api/v1/companies/",
        {"operator": world.operator_a.pk, "name": "Dup", "slug": "a-one"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "slug" in response.json()["fields"]


def test_operator_admin_adds_branch(login, world):
    client = login("a_central")
    response = client.post(
        "/api/v1/branches/",
        {"company": world.a2.pk, "code": "a2-x", "name": "Loja Centro", "kind": "service"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert (
        client.post(
            "/api/v1/branches/",
            {"company": world.b1.pk, "code": "b-x", "name": "Intrusa", "kind": "service"},
            content_type="application/json",
        ).status_code
        == 404
    )
    bad = client.post(
        "/api/v1/branches/",
        {"company": world.a2.pk, "code": "a2-y", "name": "Y", "kind": "warehouse"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "kind" in bad.json()["fields"]


def test_create_operator_command(world):
    out = io.StringIO()
    call_command(
        "create_operator",
        name="Cmd",
        slug="cmd",
        company_name="Cmd TV",
        company_slug="cmd-tv",
        admin_username="cmd_admin",
        admin_password="Uma-senha-forte-9",
        stdout=out,
    )
    assert "ready" in out.getvalue()
    assert Operator.objects.get(slug="cmd").companies.get().status == "ready"


def test_provisioning_twice_is_harmless(world):
    from tenants.services import company_provision

    again = company_provision(company_id=world.a1.pk)
    assert again.status == "ready"
    assert again.schema_name == world.a1.schema_name


def test_migrate_schemas_skips_up_to_date_schemas(world):
    out = io.StringIO()
    call_command("migrate_schemas", stdout=out, verbosity=1)
    assert "0 to migrate" in out.getvalue()


def test_migrate_schemas_migrates_a_schema_that_is_behind(world):
    """A company schema missing a migration record is migrated, the others skipped."""
    from tenants.schemas import company_context

    with company_context(world.a2), connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_migrations WHERE app='parameters'")
        cursor.execute("DROP TABLE parameters_documentseries, parameters_companyparameters")
    out = io.StringIO()
    call_command("migrate_schemas", stdout=out, verbosity=1)
    assert "1 to migrate" in out.getvalue()
    assert "parameters_companyparameters" in _schema_tables(world.a2.schema_name)
