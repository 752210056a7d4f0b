"""Operator administrators give users access: memberships with profiles and branches."""

import pytest
from django.test import Client

from shared_apps.access.models import AccessProfile, Membership

pytestmark = pytest.mark.django_db


def _profile(company, name):
    return AccessProfile.objects.get(company=company, name=name)


def test_api_creates_user_with_membership_who_can_then_log_in(login, world):
    admin = login("a_central")
    response = admin.post(
        "/api/v1/memberships/",
        {
            "username": "nova_vendedora",
            "password": "Senha-forte-2026",
            "full_name": "Nova",
            "operator": world.operator_a.pk,
            "company": world.a2.pk,
            "profiles": [_profile(world.a2, "Vendedor").pk],
            "branches": [world.branches["a-two-service"].pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    client = Client()
    assert (
        client.post(
            "/accounts/login/", {"username": "nova_vendedora", "password": "Senha-forte-2026"}
        ).status_code
        == 302
    )
    assert client.get("/").headers["Location"] == "/c/a-two/"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"branches": "b1"}, "branches"),  # a branch of another operator's company
        ({"profiles": "a1"}, "profiles"),  # a profile of a sibling company
        ({"password": "123"}, "password"),  # too weak
        ({"username": "a1_admin"}, "username"),  # taken
    ],
)
def test_api_refuses_inconsistent_grants(login, world, change, field):
    data = {
        "username": "someone",
        "password": "Senha-forte-2026",
        "operator": world.operator_a.pk,
        "company": world.a2.pk,
        "profiles": [_profile(world.a2, "Vendedor").pk],
        "branches": [world.branches["a-two-service"].pk],
    }
    if change.get("branches") == "b1":
        data["branches"] = [world.branches["b-one-service"].pk]
    elif change.get("profiles") == "a1":
        data["profiles"] = [_profile(world.a1, "Vendedor").pk]
    else:
        data.update(change)
    response = login("a_central").post(
        "/api/v1/memberships/", data, content_type="application/json"
    )
    assert response.status_code == 400
    assert field in response.json()["fields"], response.json()
    assert not Membership.objects.filter(user__username="someone").exists()


def test_company_admin_cannot_grant_memberships(login, world):
    response = login("a1_admin").post(
        "/api/v1/memberships/",
        {
            "username": "x_user",
            "password": "Senha-forte-2026",
            "operator": world.operator_a.pk,
            "company": world.a1.pk,
            "profiles": [_profile(world.a1, "Administrador").pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 403


def test_other_operator_cannot_list_members(login, world):
    response = login("a_central").get(f"/api/v1/memberships/?operator={world.operator_b.pk}")
    assert response.status_code == 403


def test_ui_adds_and_removes_a_member(login, world):
    admin = login("a_central")
    page = admin.get(f"/operator/{world.operator_a.pk}/users/")
    assert page.status_code == 200 and b"a1_vendedor" in page.content
    response = admin.post(
        f"/operator/{world.operator_a.pk}/users/",
        {
            "username": "tec2",
            "password": "Senha-forte-2026",
            "company": world.a1.pk,
            "profiles": [_profile(world.a1, "Técnico").pk],
            "branches": [world.branches["a-one-technical"].pk],
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="tec2")
    assert list(membership.branches.all()) == [world.branches["a-one-technical"]]
    admin.post(f"/operator/{world.operator_a.pk}/users/", {"revoke": membership.pk})
    membership.refresh_from_db()
    assert not membership.is_active
    client = Client()
    client.force_login(membership.user)
    assert client.get("/c/a-one/").status_code == 404
