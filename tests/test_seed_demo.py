"""The run command's demo seed: complete, idempotent, and its printed credentials work."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def _snapshot():
    from shared_apps.access.models import Membership
    from shared_apps.accounts.models import User
    from shared_apps.audit.models import AuditEvent
    from shared_apps.org.models import Branch
    from tenants.models import Company, Operator

    return {
        "operators": sorted(Operator.objects.values_list("slug", flat=True)),
        "companies": sorted(Company.objects.values_list("slug", "status", "schema_name")),
        "branches": sorted(Branch.objects.values_list("company__slug", "code", "kind")),
        "users": sorted(User.objects.values_list("username", "password", "is_superuser")),
        "memberships": sorted(
            (
                m.user.username,
                m.company_id,
                tuple(sorted(p.name for p in m.profiles.all())),
                tuple(sorted(b.code for b in m.branches.all())),
            )
            for m in Membership.objects.prefetch_related("profiles", "branches").select_related(
                "user"
            )
        ),
        "audit": AuditEvent.objects.count(),
    }


def test_seed_is_idempotent_and_prints_the_same_credentials(world):
    """A second run writes nothing (not even an audit entry) and prints the same table."""
    first = _seed()
    before = _snapshot()
    second = _seed()
    assert _snapshot() == before
    assert "nothing changed" in second
    table = first[first.index("Demo credentials") :]
    assert second[second.index("Demo credentials") :] == table


def test_seed_builds_the_demo_world(world):
    """Two operators; the demo one with two ready companies, each with both branch kinds."""
    from shared_apps.org.models import Branch
    from tenants.models import Company, Operator

    _seed()
    demo = Operator.objects.get(slug="demo")
    assert demo.name == "Aleator Demo"
    assert set(demo.companies.values_list("slug", flat=True)) == {"tv-sul", "net-norte"}
    assert Operator.objects.get(slug="outra").companies.count() == 1
    for company in Company.objects.filter(operator__slug__in=["demo", "outra"]):
        assert company.status == "ready"
        kinds = set(Branch.objects.filter(company=company).values_list("kind", flat=True))
        assert kinds == {"service", "technical"}


def test_every_printed_credential_logs_in(world, client):
    """Each user in the printed table logs in through the login page with the printed
    password."""
    from shared_apps.access.functions import DEFAULT_PROFILES

    output = _seed()
    rows = output[output.index("Demo credentials") :].splitlines()[3:]
    credentials = [row.split()[:2] for row in rows if row.strip()]
    usernames = {username for username, _password in credentials}
    assert {"admin", "operador", "analista", "outra"} <= usernames
    assert len(credentials) >= len(DEFAULT_PROFILES) + 4
    for username, password in credentials:
        response = client.post("/accounts/login/", {"username": username, "password": password})
        assert response.status_code == 302, username
        assert client.session.get("_auth_user_id"), username
        client.logout()


def test_profiles_sit_in_the_right_branches(world):
    """Technical profiles in technical branches, commercial ones in service branches,
    Administrador and Gerente in every branch of their company; central ones in none."""
    from shared_apps.access.functions import DEFAULT_PROFILES
    from shared_apps.access.models import Membership

    _seed()
    memberships = Membership.objects.filter(operator__slug="demo").prefetch_related(
        "profiles", "branches"
    )
    seen = set()
    for m in memberships:
        (profile,) = m.profiles.all()
        seen.add(profile.name)
        kinds = {b.kind for b in m.branches.all()}
        if m.company_id is None:
            assert kinds == set()
        elif profile.name in ("Técnico", "Supervisor técnico"):
            assert kinds == {"technical"}
        elif profile.name in ("Administrador", "Gerente"):
            assert set(m.branches.all()) == set(m.company.branches.all())
        else:
            assert kinds == {"service"}
    assert set(DEFAULT_PROFILES) <= seen
    assert {"Administrador do operador", "Analista central"} <= seen


def test_seed_refuses_production_settings(settings):
    from django.core.management.base import CommandError

    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
