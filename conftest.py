"""Test set-up: real PostgreSQL and Redis; two operators with companies, created once."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.db import connection


@dataclass
class World:
    """The operators, companies, branches and users every test can rely on."""

    operator_a: object = None
    operator_b: object = None
    a1: object = None  # operator A, first company
    a2: object = None  # operator A, sibling company
    b1: object = None  # operator B
    branches: dict = field(default_factory=dict)  # "a1-service" -> Branch
    users: dict = field(default_factory=dict)  # name -> User
    password: str = "Senha-de-teste-123"


def _build_world() -> World:
    from shared_apps.access.models import AccessProfile
    from shared_apps.access.services import membership_grant, user_create
    from shared_apps.audit.actor import Actor
    from shared_apps.org.models import Branch
    from tenants import services
    from tenants.choices import CompanyStatus
    from tenants.models import Company, Operator

    actor = Actor.system("tests")
    w = World()

    def operator(slug, name, first_slug, first_name):
        op = Operator.objects.filter(slug=slug).first()
        if op is None:
            op, _company = services.operator_create(
                actor=actor,
                name=name,
                slug=slug,
                first_company=services.CompanyInput(name=first_name, slug=first_slug),
            )
        return op

    def company(op, slug, name):
        c = Company.objects.filter(slug=slug).first()
        if c is None:
            c = services.company_create(
                actor=actor, operator=op, data=services.CompanyInput(name=name, slug=slug)
            )
        c.refresh_from_db()
        if c.status != CompanyStatus.READY:
            services.company_provision(company_id=c.pk)
            c.refresh_from_db()
        return c

    w.operator_a = operator("op-a", "Operadora A", "a-one", "A Um")
    w.operator_b = operator("op-b", "Operadora B", "b-one", "B Um")
    w.a1 = company(w.operator_a, "a-one", "A Um")
    w.a2 = company(w.operator_a, "a-two", "A Dois")
    w.b1 = company(w.operator_b, "b-one", "B Um")

    for c in (w.a1, w.a2, w.b1):
        for kind in ("service", "technical"):
            b = Branch.objects.filter(company=c, code=f"{c.slug}-{kind}").first()
            if b is None:
                b = services.branch_create(
                    actor=actor,
                    company=c,
                    code=f"{c.slug}-{kind}",
                    name=f"{c.name} {kind}",
                    kind=kind,
                )
            w.branches[f"{c.slug}-{kind}"] = b

    def user(username):
        from shared_apps.accounts.models import User

        u = User.objects.filter(username=username).first()
        return u or user_create(actor=actor, username=username, password=w.password)

    def grant(u, comp, profile_names, branch_keys):
        op = comp.operator
        profiles = AccessProfile.objects.filter(company=comp, name__in=profile_names)
        membership_grant(
            actor=actor,
            user=u,
            operator=op,
            company=comp,
            profiles=profiles,
            branches=[w.branches[k] for k in branch_keys],
        )

    both_a1 = ["a-one-service", "a-one-technical"]
    for name, profile, branches in [
        ("a1_admin", "Administrador", both_a1),
        ("a1_gerente", "Gerente", both_a1),
        ("a1_vendedor", "Vendedor", ["a-one-service"]),
        ("a1_atendente", "Atendente", ["a-one-service"]),
        ("a1_cobranca", "Cobrança", ["a-one-service"]),
        ("a1_tecnico", "Técnico", ["a-one-technical"]),
        ("a1_supervisor", "Supervisor técnico", ["a-one-technical"]),
    ]:
        w.users[name] = u = user(name)
        grant(u, w.a1, [profile], branches)
    w.users["b1_admin"] = u = user("b1_admin")
    grant(u, w.b1, ["Administrador"], ["b-one-service", "b-one-technical"])
    w.users["a_central"] = u = user("a_central")
    membership_grant(
        actor=actor,
        user=u,
        operator=w.operator_a,
        company=None,
        profiles=AccessProfile.objects.filter(
            operator=w.operator_a, company=None, name="Administrador do operador"
        ),
    )
    w.users["platform"] = u = user("platform")
    if not u.is_superuser:
        u.is_superuser = True
        u.is_staff = True
        u.save()
    connection.set_schema_to_public()
    return w


@pytest.fixture(scope="session")
def world(django_db_setup, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        return _build_world()


@pytest.fixture(autouse=True)
def _public_schema_after_test():
    yield
    connection.set_schema_to_public()


@pytest.fixture(autouse=True)
def _clear_caches():
    from django.core.cache import cache, caches

    cache.clear()
    caches["platform"].clear()
    yield


@pytest.fixture
def in_a1(world, db):
    """Run the test body inside company A1's schema."""
    from tenants.schemas import company_context

    with company_context(world.a1):
        yield world.a1


@pytest.fixture
def login(client, world):
    """login("a1_admin", company=world.a1, branch="a-one-service") -> the logged-in client."""
    from shared_apps.access.context import SESSION_BRANCH, SESSION_COMPANY, SESSION_OPERATOR

    def _login(username, *, company=None, branch=None, c=None):
        c = c or client
        c.force_login(world.users[username])
        if company is not None:
            session = c.session
            session[SESSION_OPERATOR] = company.operator_id
            session[SESSION_COMPANY] = company.pk
            if branch:
                session[SESSION_BRANCH] = world.branches[branch].pk
            session.save()
        return c

    return _login


def pytest_collection_modifyitems(config, items):
    """Refuse transactional tests: pytest-django truncates every table after one, which would
    wipe the session-wide world. Work in other threads/processes sees committed data anyway."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker and (
            marker.kwargs.get("transaction")
            or "transactional_db" in getattr(item, "fixturenames", ())
        ):
            raise pytest.UsageError(f"{item.nodeid}: transactional tests would wipe the world")
