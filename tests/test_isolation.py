"""Operator A can never read or change operator B's data, nor a company user its sibling's:
through the UI, the API (session and partner key), WebSockets and tasks."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/c/a-one/", 200),
        ("/c/a-one/settings/", 200),
        ("/c/a-two/", 404),  # sibling company of the same operator, no membership
        ("/c/b-one/", 404),  # another operator
        ("/c/b-one/settings/", 404),
        ("/c/no-such-company/", 404),
    ],
)
def test_ui_company_pages_only_for_members(login, world, path, status):
    client = login("a1_admin", company=world.a1)
    assert client.get(path).status_code == status


def test_ui_company_page_requires_login(client):
    response = client.get("/c/a-one/settings/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/c/a-one/settings/")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/c/a-one/api/v1/parameters/", 200),
        ("/c/a-two/api/v1/parameters/", 404),
        ("/c/b-one/api/v1/parameters/", 404),
        ("/c/b-one/api/v1/audit-events/", 404),
        ("/c/b-one/api/v1/profiles/", 404),
    ],
)
def test_api_session_reads_only_member_companies(login, world, path, status):
    client = login("a1_admin", company=world.a1, branch="a-one-service")
    assert client.get(path).status_code == status


def test_api_session_cannot_write_other_operator(login, world):
    from tenant_apps.parameters.selectors import company_parameters
    from tenants.schemas import company_context

    client = login("a1_admin", company=world.a1, branch="a-one-service")
    response = client.patch(
        "/c/b-one/api/v1/parameters/", {"currency": "USD"}, content_type="application/json"
    )
    assert response.status_code == 404
    with company_context(world.b1):
        assert company_parameters().currency == "BRL"


def _key(world, *, company=None, names=("Administrador",), branch=None, operator=None):
    from shared_apps.access.models import AccessProfile
    from shared_apps.access.services import api_key_create
    from shared_apps.audit.actor import Actor

    operator = operator or world.operator_a
    profiles = AccessProfile.objects.filter(
        operator=operator, name__in=names, company=company or world.a1
    )
    _k, secret = api_key_create(
        actor=Actor.system("test"),
        operator=operator,
        name="partner",
        profiles=profiles,
        company=company,
        branch=branch,
    )
    return Client(HTTP_AUTHORIZATION=f"Api-Key {secret}")


def test_api_key_is_scoped_to_its_operator(world):
    client = _key(world)
    assert client.get("/c/a-one/api/v1/parameters/").status_code == 200
    assert client.get("/c/b-one/api/v1/parameters/").status_code == 404
    assert (
        client.patch(
            "/c/b-one/api/v1/parameters/", {"currency": "USD"}, content_type="application/json"
        ).status_code
        == 404
    )


def test_api_key_scoped_to_company_cannot_reach_sibling(world):
    client = _key(world, company=world.a1)
    assert client.get("/c/a-one/api/v1/parameters/").status_code == 200
    assert client.get("/c/a-two/api/v1/parameters/").status_code == 404


def test_api_key_write_needs_its_branch(world):
    """A key writes only when it carries a branch of the company."""
    without = _key(world, company=world.a1)
    response = without.patch(
        "/c/a-one/api/v1/parameters/", {"days_to_due": 12}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "branch_required"
    with_branch = _key(world, company=world.a1, branch=world.branches["a-one-service"])
    response = with_branch.patch(
        "/c/a-one/api/v1/parameters/", {"days_to_due": 12}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["days_to_due"] == 12


def test_bad_or_revoked_api_key_is_401(world):
    client = Client(HTTP_AUTHORIZATION="Api-Key nope.nope")
    response = client.get("/c/a-one/api/v1/parameters/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_api_key_lists_only_its_operator_companies(world):
    from shared_apps.access.models import AccessProfile
    from shared_apps.access.services import api_key_create
    from shared_apps.audit.actor import Actor

    profiles = AccessProfile.objects.filter(operator=world.operator_a, company=None)
    _k, secret = api_key_create(
        actor=Actor.system("t"), operator=world.operator_a, name="ops", profiles=profiles
    )
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    slugs = {c["slug"] for c in client.get("/api/v1/companies/").json()}
    assert {"a-one", "a-two"} <= slugs
    assert "b-one" not in slugs


def test_central_view_shows_only_own_operator(login, world):
    client = login("a_central")
    body = client.get("/central/").content.decode()
    assert "A Um" in body and "A Dois" in body
    assert "B Um" not in body


def test_central_member_reads_every_company_of_its_operator_but_not_others(login, world):
    client = login("a_central")
    assert client.get("/c/a-one/api/v1/parameters/").status_code == 403  # no company.settings
    assert client.get("/c/a-two/").status_code == 200
    assert client.get("/c/b-one/").status_code == 404


def test_company_user_sees_only_its_company_in_position_options(login, world):
    client = login("a1_vendedor")
    options = client.get("/api/v1/me/").json()["options"]
    assert [o["company"] for o in options] == ["A Um"]


def test_position_in_foreign_branch_refused(login, world):
    client = login("a1_admin")
    response = client.post(
        "/api/v1/position/",
        {"company": world.b1.pk, "branch": world.branches["b-one-service"].pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "company" in response.json()["fields"]
