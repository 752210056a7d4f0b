"""Each default profile can use exactly its functions, in the UI and the API alike (P4), and
writes need a branch of the right kind (P2, P3)."""

import pytest

from shared_apps.access import functions as fn
from shared_apps.access.context import AccessDenied

pytestmark = pytest.mark.django_db

PROFILE_USERS = {
    "Administrador": "a1_admin",
    "Gerente": "a1_gerente",
    "Vendedor": "a1_vendedor",
    "Atendente": "a1_atendente",
    "Cobrança": "a1_cobranca",
    "Técnico": "a1_tecnico",
    "Supervisor técnico": "a1_supervisor",
}

# (function, UI page, API endpoint) pairs that exist in this release.
GUARDED = [
    ("company.settings", "/c/a-one/settings/", "/c/a-one/api/v1/parameters/"),
    ("profiles.manage", "/c/a-one/profiles/", "/c/a-one/api/v1/profiles/"),
    ("audit.view", "/c/a-one/audit/", "/c/a-one/api/v1/audit-events/"),
]


@pytest.mark.parametrize("profile", list(PROFILE_USERS))
@pytest.mark.parametrize(("function", "page", "endpoint"), GUARDED)
def test_profile_functions_in_ui_and_api(login, world, profile, function, page, endpoint):
    client = login(PROFILE_USERS[profile], company=world.a1)
    allowed = function in fn.DEFAULT_PROFILES[profile]
    ui = client.get(page)
    api = client.get(endpoint)
    assert ui.status_code == (200 if allowed else 403)
    assert api.status_code == (200 if allowed else 403)
    if not allowed:
        assert str(fn.get(function).label) in ui.content.decode()
        assert api.json()["code"] == "function_missing"


@pytest.mark.parametrize("profile", list(PROFILE_USERS))
def test_menu_shows_only_granted_entries(login, world, profile):
    client = login(PROFILE_USERS[profile], company=world.a1)
    body = client.get("/c/a-one/").content.decode()
    for function, page, _api in GUARDED:
        assert (f'href="{page}"' in body) == (function in fn.DEFAULT_PROFILES[profile])


def test_write_without_branch_names_what_is_missing(login, world):
    client = login("a1_admin", company=world.a1)  # company view, no branch
    response = client.patch(
        "/c/a-one/api/v1/parameters/", {"days_to_due": 15}, content_type="application/json"
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "branch_required"
    assert "A Um" in body["detail"]
    ui = client.post("/c/a-one/settings/", {"currency": "BRL"})
    assert ui.status_code == 403
    assert "A Um" in ui.content.decode()


def test_read_works_without_branch(login, world):
    client = login("a1_admin", company=world.a1)
    assert client.get("/c/a-one/api/v1/parameters/").status_code == 200


@pytest.mark.parametrize(
    ("branch", "function", "expected"),
    [
        ("a-one-technical", "service_orders.close", None),
        ("a-one-service", "service_orders.close", "wrong_branch_kind"),
        ("a-one-service", "sales.sell", None),
        ("a-one-technical", "sales.sell", "wrong_branch_kind"),
        ("a-one-technical", "billing.run", None),  # any branch of the company
        (None, "service_orders.close", "branch_required"),
        ("a-one-service", "operator.manage", "function_missing"),
    ],
)
def test_branch_kind_rules(world, rf, branch, function, expected):
    from django.contrib.sessions.backends.db import SessionStore

    from shared_apps.access.context import SESSION_BRANCH, SESSION_COMPANY, for_user

    session = SessionStore()
    session[SESSION_COMPANY] = world.a1.pk
    if branch:
        session[SESSION_BRANCH] = world.branches[branch].pk
    ctx = for_user(world.users["a1_admin"], world.a1, session)
    if expected is None:
        ctx.check(function)
    else:
        with pytest.raises(AccessDenied) as exc:
            ctx.check(function)
        assert exc.value.code == expected


def test_wrong_branch_kind_message_says_which_kind(world):
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import translation

    from shared_apps.access.context import SESSION_BRANCH, SESSION_COMPANY, for_user

    session = SessionStore()
    session[SESSION_COMPANY] = world.a1.pk
    session[SESSION_BRANCH] = world.branches["a-one-service"].pk
    ctx = for_user(world.users["a1_admin"], world.a1, session)
    with translation.override("en"), pytest.raises(AccessDenied) as exc:
        ctx.check("service_orders.close")
    assert "technical branch" in exc.value.message
    assert "Close service orders" in exc.value.message


def test_branch_outside_membership_is_ignored(world):
    """A session pointing at a branch the membership lacks positions nowhere."""
    from django.contrib.sessions.backends.db import SessionStore

    from shared_apps.access.context import SESSION_BRANCH, SESSION_COMPANY, for_user

    session = SessionStore()
    session[SESSION_COMPANY] = world.a1.pk
    session[SESSION_BRANCH] = world.branches["a-one-technical"].pk
    ctx = for_user(world.users["a1_vendedor"], world.a1, session)  # service branch only
    assert ctx.branch is None


def test_profile_edit_changes_what_the_user_can_do(login, world):
    """Profiles are editable per company: removing a function takes it away at once."""
    from shared_apps.access.models import AccessProfile

    admin = login("a1_admin", company=world.a1, branch="a-one-service")
    gerente_profile = AccessProfile.objects.get(company=world.a1, name="Gerente")
    functions = [c for c in gerente_profile.functions if c != "audit.view"]
    response = admin.put(
        f"/c/a-one/api/v1/profiles/{gerente_profile.pk}/",
        {"name": "Gerente", "functions": functions},
        content_type="application/json",
    )
    assert response.status_code == 200
    from django.test import Client

    gerente = login("a1_gerente", company=world.a1, c=Client())
    assert gerente.get("/c/a-one/api/v1/audit-events/").status_code == 403


def test_company_profile_cannot_grant_operator_functions(login, world):
    admin = login("a1_admin", company=world.a1, branch="a-one-service")
    response = admin.post(
        "/c/a-one/api/v1/profiles/",
        {"name": "Sneaky", "functions": ["operator.manage"]},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "functions" in response.json()["fields"]


def test_profile_ui_form_saves_and_audits(login, world):
    from shared_apps.audit.models import AuditEvent

    admin = login("a1_admin", company=world.a1, branch="a-one-service")
    response = admin.post(
        "/c/a-one/profiles/new/",
        {"name": "Caixa", "functions": ["customers.view", "collections.receive"]},
    )
    assert response.status_code == 302
    from tenants.schemas import company_context

    with company_context(world.a1):
        event = AuditEvent.objects.get(action="profile.create", object_repr="Caixa")
    assert event.actor_label == "a1_admin"
    assert event.branch_label == world.branches["a-one-service"].name
    assert event.changes["after"]["functions"] == ["collections.receive", "customers.view"]
