"""Demo data for the run command: operators, companies, branches and one user per profile.

Idempotent: everything is looked up before it is created, so a second run writes nothing and
prints the same credentials. The passwords are fixed so a newcomer can log in (and a browser
can save them); a demo user whose password was changed gets the demo password back.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from shared_apps.access import functions as fn
from shared_apps.access.models import AccessProfile, Membership
from shared_apps.access.services import membership_grant, operator_profiles_seed, user_create
from shared_apps.audit.actor import Actor
from shared_apps.org.choices import BranchKind
from shared_apps.org.models import Branch
from tenants.choices import CompanyStatus
from tenants.models import Company, Operator
from tenants.schemas import activate_public, company_context
from tenants.services import (
    CompanyInput,
    branch_create,
    company_create,
    company_provision,
    operator_create,
)

SERVICE, TECHNICAL = BranchKind.SERVICE, BranchKind.TECHNICAL


@dataclass(frozen=True)
class BranchSpec:
    code: str
    name: str
    kind: str
    city: str


@dataclass(frozen=True)
class CompanySpec:
    slug: str
    name: str
    legal_name: str
    tax_id: str
    branches: tuple[BranchSpec, ...]
    region: str = ""  # commercial demo data (tenant_apps.demo_data.REGIONS); "": none
    customers: int = 0


@dataclass(frozen=True)
class OperatorSpec:
    slug: str
    name: str
    companies: tuple[CompanySpec, ...]


@dataclass(frozen=True)
class Grant:
    """A membership: a company (with a profile and the kinds of branch it may use) or, with no
    company, the operator's central view."""

    operator: str
    profile: str
    company: str | None = None
    branch_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class UserSpec:
    username: str
    password: str
    full_name: str
    grants: tuple[Grant, ...] = ()
    superuser: bool = False
    note: str = ""


DEMO = OperatorSpec(
    slug="demo",
    name="Aleator Demo",
    companies=(
        CompanySpec(
            slug="tv-sul",
            name="Aleator TV Sul",
            legal_name="Aleator TV Sul Ltda.",
            tax_id="11.222.333/0001-81",
            branches=(
                BranchSpec("POA-AT", "Atendimento Porto Alegre", SERVICE, "Porto Alegre"),
                BranchSpec("CXS-AT", "Atendimento Caxias do Sul", SERVICE, "Caxias do Sul"),
                BranchSpec("POA-TEC", "Técnica Porto Alegre", TECHNICAL, "Porto Alegre"),
            ),
            region="sul",
            customers=300,
        ),
        CompanySpec(
            slug="net-norte",
            name="Aleator Net Norte",
            legal_name="Aleator Net Norte Ltda.",
            tax_id="44.555.666/0001-72",
            branches=(
                BranchSpec("BEL-AT", "Atendimento Belém", SERVICE, "Belém"),
                BranchSpec("BEL-TEC", "Técnica Belém", TECHNICAL, "Belém"),
            ),
            region="norte",
            customers=120,
        ),
    ),
)
OTHER = OperatorSpec(
    slug="outra",
    name="Outra Operadora",
    companies=(
        CompanySpec(
            slug="outra-telecom",
            name="Outra Telecom",
            legal_name="Outra Telecom S.A.",
            tax_id="77.888.999/0001-63",
            branches=(
                BranchSpec("REC-AT", "Atendimento Recife", SERVICE, "Recife"),
                BranchSpec("REC-TEC", "Técnica Recife", TECHNICAL, "Recife"),
            ),
        ),
    ),
)
OPERATORS = (DEMO, OTHER)

BOTH = (SERVICE, TECHNICAL)
USERS = (
    UserSpec(
        "admin",
        "Jaguar-4821-demo",
        "Administrador da plataforma",
        superuser=True,
        note="platform administrator",
    ),
    UserSpec(
        "operador",
        "Capivara-3194-demo",
        "Olga Operadora",
        (Grant("demo", fn.OPERATOR_ADMIN_PROFILE),),
    ),
    UserSpec(
        "analista", "Tucano-2750-demo", "Antônio Analista", (Grant("demo", "Analista central"),)
    ),
    UserSpec(
        "administrador",
        "Arara-6408-demo",
        "Adriana Administradora",
        (
            Grant("demo", "Administrador", "tv-sul", BOTH),
            Grant("demo", "Administrador", "net-norte", BOTH),
        ),
    ),
    UserSpec(
        "gerente", "Quati-5173-demo", "Gustavo Gerente", (Grant("demo", "Gerente", "tv-sul", BOTH),)
    ),
    UserSpec(
        "vendedor",
        "Lontra-8362-demo",
        "Vera Vendedora",
        (Grant("demo", "Vendedor", "tv-sul", (SERVICE,)),),
    ),
    UserSpec(
        "atendente",
        "Paca-7035-demo",
        "Ana Atendente",
        (Grant("demo", "Atendente", "tv-sul", (SERVICE,)),),
    ),
    UserSpec(
        "cobranca",
        "Tatu-1947-demo",
        "Carlos Cobrança",
        (Grant("demo", "Cobrança", "tv-sul", (SERVICE,)),),
    ),
    UserSpec(
        "tecnico",
        "Sagui-5580-demo",
        "Tiago Técnico",
        (Grant("demo", "Técnico", "tv-sul", (TECHNICAL,)),),
    ),
    UserSpec(
        "supervisor",
        "Coruja-2619-demo",
        "Sofia Supervisora",
        (Grant("demo", "Supervisor técnico", "tv-sul", (TECHNICAL,)),),
    ),
    UserSpec(
        "outra",
        "Onca-7713-demo",
        "Otávio da Outra",
        (Grant("outra", "Administrador", "outra-telecom", BOTH),),
        note="another operator: sees nothing of Aleator Demo",
    ),
)


@dataclass
class Changes:
    made: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.made.append(what)


class Command(BaseCommand):
    help = (
        "Create the demo operators, companies, branches and users (idempotent) and print the "
        "demo credentials."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with production settings (creates users with published passwords).",
        )
        parser.add_argument(
            "--no-billing",
            action="store_true",
            help="Leave out the billing demo (closed cycles, payments, dunning, prepaid "
            "recharges): faster, for tests of the other parts.",
        )

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith(".production") and not options["force"]:
            raise CommandError(
                "seed_demo creates users with published passwords; refusing with production "
                "settings (use --force to insist)."
            )
        started = time.monotonic()
        activate_public()
        actor = Actor.system("seed")
        changes = Changes()
        for spec in USERS:
            validate_password(
                spec.password,
                user=get_user_model()(username=spec.username, full_name=spec.full_name),
            )
        # New companies get their schema as soon as the transaction commits, in this process
        # (not through the queue: a worker would race with the check below).
        with _provision_inline(), transaction.atomic():
            operators = {spec.slug: self._operator(actor, spec, changes) for spec in OPERATORS}
        companies = {
            c.slug: c
            for c in Company.objects.filter(
                slug__in=[c.slug for spec in OPERATORS for c in spec.companies]
            )
        }
        for company in companies.values():
            if company.status != CompanyStatus.READY:
                self.stdout.write(f"Creating the schema of {company.name}…")
                company_provision(company_id=company.pk)
                changes.add(f"schema {company.schema_name}")
        with transaction.atomic():
            for company_spec in (c for spec in OPERATORS for c in spec.companies):
                self._branches(actor, companies[company_spec.slug], company_spec, changes)
            for spec in USERS:
                self._user(actor, spec, operators, companies, changes)
        for company_spec in (c for spec in OPERATORS for c in spec.companies if c.region):
            self._commercial(
                actor,
                companies[company_spec.slug],
                company_spec,
                changes,
                billing=not options["no_billing"],
            )

        elapsed = time.monotonic() - started
        if changes.made:
            self.stdout.write(
                f"Demo data: created or updated {len(changes.made)} items in {elapsed:.1f} s."
            )
        else:
            self.stdout.write(f"Demo data already in place: nothing changed ({elapsed:.1f} s).")
        self.stdout.write(self.credentials_table())

    # --- Operators and companies ---------------------------------------------------------------

    def _operator(self, actor: Actor, spec: OperatorSpec, changes: Changes) -> Operator:
        operator = Operator.objects.filter(slug=spec.slug).first()
        first, *others = spec.companies
        if operator is None:
            operator, _company = operator_create(
                actor=actor, name=spec.name, slug=spec.slug, first_company=_input(first)
            )
            changes.add(f"operator {spec.slug}, company {first.slug}")
        else:
            operator_profiles_seed(operator=operator)  # get_or_create: writes only what's missing
            others = list(spec.companies)
        for company_spec in others:
            if not Company.objects.filter(slug=company_spec.slug).exists():
                company_create(actor=actor, operator=operator, data=_input(company_spec))
                changes.add(f"company {company_spec.slug}")
        return operator

    def _branches(
        self, actor: Actor, company: Company, spec: CompanySpec, changes: Changes
    ) -> None:
        existing = set(Branch.objects.filter(company=company).values_list("code", flat=True))
        for b in spec.branches:
            if b.code not in existing:
                branch_create(
                    actor=actor, company=company, code=b.code, name=b.name, kind=b.kind, city=b.city
                )
                changes.add(f"branch {b.code}")

    def _commercial(
        self,
        actor: Actor,
        company: Company,
        spec: CompanySpec,
        changes: Changes,
        *,
        billing: bool = True,
    ) -> None:
        """Catalog, coverage, plans, a consortium and customers, then the billing demo (closed
        cycles, payments, dunning, a group invoice, prepaid recharges) (tenant_apps.demo_data)."""
        from tenant_apps.demo_data import seed_billing, seed_commercial

        with _provision_inline(), company_context(company):
            made = seed_commercial(actor=actor, region=spec.region, customers=spec.customers)
            if billing:
                made += seed_billing(actor=actor, region=spec.region)
        activate_public()
        if made:
            self.stdout.write(f"{company.name}: {len(made)} commercial demo items created.")
        for what in made:
            changes.add(f"{company.slug}: {what}")

    # --- Users and memberships -----------------------------------------------------------------

    def _user(
        self,
        actor: Actor,
        spec: UserSpec,
        operators: dict[str, Operator],
        companies: dict[str, Company],
        changes: Changes,
    ) -> None:
        user_model = get_user_model()
        user = user_model.objects.filter(username=spec.username).first()
        if user is None:
            user = user_create(
                actor=actor,
                username=spec.username,
                password=spec.password,
                full_name=spec.full_name,
                email=f"{spec.username}@demo.aleator.invalid",
            )
            changes.add(f"user {spec.username}")
        elif not user.check_password(spec.password) or not user.is_active:
            user.set_password(spec.password)
            user.is_active = True
            user.save(update_fields=["password", "is_active"])
            changes.add(f"password of {spec.username}")
        if spec.superuser and not (user.is_superuser and user.is_staff):
            user.is_superuser = user.is_staff = True
            user.save(update_fields=["is_superuser", "is_staff"])
            changes.add(f"superuser {spec.username}")
        for grant in spec.grants:
            self._grant(actor, user, grant, operators, companies, changes)

    def _grant(
        self,
        actor: Actor,
        user,
        grant: Grant,
        operators: dict[str, Operator],
        companies: dict[str, Company],
        changes: Changes,
    ) -> None:
        operator = operators[grant.operator]
        company = companies[grant.company] if grant.company else None
        profile = AccessProfile.objects.get(operator=operator, company=company, name=grant.profile)
        branches = (
            list(Branch.objects.filter(company=company, kind__in=grant.branch_kinds))
            if company
            else []
        )
        current = Membership.objects.filter(user=user, operator=operator, company=company).first()
        if (
            current is not None
            and current.is_active
            and set(current.profiles.all()) == {profile}
            and set(current.branches.all()) == set(branches)
        ):
            return
        membership_grant(
            actor=actor,
            user=user,
            operator=operator,
            company=company,
            profiles=[profile],
            branches=branches,
        )
        changes.add(f"membership {user.username}@{grant.company or grant.operator}")

    # --- Output --------------------------------------------------------------------------------

    @staticmethod
    def credentials_table() -> str:
        names = {spec.slug: spec.name for spec in OPERATORS}
        rows = []
        for spec in USERS:
            parts = []
            for g in spec.grants:
                where = g.company or f"{names[g.operator]}, central view"
                kinds = "+".join(g.branch_kinds)
                parts.append(f"{g.profile} @ {where}" + (f" [{kinds}]" if kinds else ""))
            access = "; ".join(parts)
            if spec.note:
                access = f"{access} ({spec.note})" if access else spec.note
            rows.append((spec.username, spec.password, access))
        width_user = max(len(r[0]) for r in rows)
        width_password = max(len(r[1]) for r in rows)
        lines = [
            "Demo credentials (log in at /accounts/login/):",
            f"  {'user':<{width_user}}  {'password':<{width_password}}  access",
            f"  {'-' * width_user}  {'-' * width_password}  {'-' * 6}",
        ]
        lines += [f"  {u:<{width_user}}  {p:<{width_password}}  {a}" for u, p, a in rows]
        return "\n".join(lines)


@contextmanager
def _provision_inline() -> Iterator[None]:
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = before


def _input(spec: CompanySpec) -> CompanyInput:
    return CompanyInput(
        name=spec.name, slug=spec.slug, legal_name=spec.legal_name, tax_id=spec.tax_id
    )
