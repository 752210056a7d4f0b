"""The run command's demo seed: complete, idempotent, and its printed credentials work."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def _seed(*, billing: bool = False) -> str:
    """The seed as bin/run does it with ``billing``; without, faster (the billing demo costs
    a few hundred payments per company) for the tests of the other parts."""
    out = StringIO()
    call_command("seed_demo", stdout=out, no_billing=not billing)
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


def _commercial_counts(company):
    from tenant_apps.catalog.models import Product
    from tenant_apps.customers.models import Address, Customer, Group
    from tenant_apps.ledger.models import Entry
    from tenant_apps.sales.models import SalesPlan, Subscription
    from tenants.schemas import company_context

    with company_context(company):
        return {
            "products": Product.objects.count(),
            "plans": SalesPlan.objects.count(),
            "customers": Customer.objects.count(),
            "addresses": Address.objects.count(),
            "subscriptions": Subscription.objects.count(),
            "groups": Group.objects.count(),
            "entries": Entry.objects.count(),
        }


def test_seed_gives_the_demo_companies_a_catalog_plans_and_customers(world):
    """TV Sul gets products of every system over several technologies, plans with conditions
    and promotions, a consortium whose plan bills the TV to the group, and 300 customers with
    addresses and products; a second run adds nothing."""
    from tenant_apps.catalog.models import Product
    from tenant_apps.customers.models import Customer, Group
    from tenant_apps.sales.models import PlanPromotion, SalesPlan, Subscription
    from tenants.models import Company
    from tenants.schemas import company_context

    _seed()
    tv_sul = Company.objects.get(slug="tv-sul")
    with company_context(tv_sul):
        assert set(Product.objects.values_list("system", flat=True)) == {
            "tv",
            "internet",
            "telephony",
            "vod",
        }
        assert len(set(Product.objects.values_list("technology", flat=True))) >= 6
        assert SalesPlan.objects.filter(kind="prepaid").exists()
        assert SalesPlan.objects.exclude(customer_types=[]).exists()
        assert SalesPlan.objects.filter(max_debt__isnull=False).exists()
        assert PlanPromotion.objects.count() >= 4
        assert Customer.objects.filter(external_ref__startswith="LEGADO-").count() == 300
        assert Customer.objects.filter(status="active").count() > 250
        group = Group.objects.get()
        assert group.plans.count() == 1
        assert Subscription.objects.filter(billed_to_group=group).count() == 3
        assert Subscription.objects.filter(promotions__isnull=False).exists()
    before = {
        c.slug: _commercial_counts(c)
        for c in Company.objects.filter(slug__in=["tv-sul", "net-norte"])
    }
    assert before["net-norte"]["customers"] >= 120
    _seed()
    after = {
        c.slug: _commercial_counts(c)
        for c in Company.objects.filter(slug__in=["tv-sul", "net-norte"])
    }
    assert after == before


def test_a_demo_seller_can_sell_at_once(world):
    """A demo customer in a covered zone can be sold the residential fibre plan."""
    from tenants.models import Company

    _seed()
    _sell_fibre(Company.objects.get(slug="tv-sul"))


def _sell_fibre(company):
    from django.db.models import Q

    from shared_apps.audit.actor import Actor
    from tenant_apps.customers.models import Address
    from tenant_apps.sales.models import SalesPlan
    from tenant_apps.sales.services.selling import sale_create
    from tenants.schemas import company_context

    with company_context(company):
        # A residential customer at a fibre address without that product and owing nothing
        # (with the billing demo every active customer has invoices: those paid qualify).
        owing = Address.objects.filter(
            Q(customer__invoices__status="open") | Q(customer__account__entries__kind="opening")
        )
        address = (
            Address.objects.filter(
                zone__technologies__contains=["ftth"], customer__customer_type="residential"
            )
            .exclude(subscriptions__product__code="NET-FIBRA-300")
            .exclude(pk__in=owing.values("pk"))
            .select_related("customer")
            .order_by("id")
            .first()
        )
        sale = sale_create(
            actor=Actor.system("test"),
            customer=address.customer,
            address=address,
            plan=SalesPlan.objects.get(code="FIBRA-300"),
        )
        assert sale.subscriptions.filter(status="pending").count() == 1


def _billing_counts(company):
    from tenant_apps.billing.models import BillingRun, Invoice
    from tenant_apps.collections.models import DunningEvent, Payment
    from tenant_apps.ledger.models import Entry
    from tenant_apps.prepaid.models import WalletEntry
    from tenant_apps.provisioning.models import Command
    from tenants.schemas import company_context

    with company_context(company):
        return {
            "runs": BillingRun.objects.count(),
            "invoices": Invoice.objects.count(),
            "pdfs": Invoice.objects.exclude(pdf="").count(),
            "payments": Payment.objects.count(),
            "entries": Entry.objects.count(),
            "dunning": DunningEvent.objects.count(),
            "wallet_entries": WalletEntry.objects.count(),
            "commands": Command.objects.count(),
        }


def test_seed_bills_and_collects_closed_cycles(world):
    """The demo operator shows closed cycles with invoices and PDFs, payments of several
    origins, a customer suspended for debt, a prepaid customer with recharges and a group
    invoice, all made by the services; a second run adds nothing; a seller still sells."""
    from tenant_apps.billing.models import BillingRun, Invoice
    from tenant_apps.collections.models import DunningEvent, Payment
    from tenant_apps.ledger.selectors import account_balance
    from tenant_apps.parameters.selectors import company_today
    from tenant_apps.prepaid.models import Wallet
    from tenant_apps.sales.models import Subscription
    from tenants.models import Company
    from tenants.schemas import company_context

    _seed(billing=True)
    companies = Company.objects.filter(slug__in=["tv-sul", "net-norte"])
    for company in companies:
        with company_context(company):
            today = company_today()
            older, latest = BillingRun.objects.order_by("cycle_start")
            assert (older.status, latest.status) == ("done", "done")
            assert older.cycle_end == latest.cycle_start and latest.cycle_end <= today
            for run in (older, latest):
                invoices = run.invoices.all()
                assert invoices.count() == run.invoices_count > 50
                assert not invoices.filter(status="draft").exists()
                assert not invoices.filter(entry__isnull=True, total__gt=0).exists()
            with_pdf = Invoice.objects.exclude(pdf="")
            assert with_pdf.filter(run=latest).count() == 4  # 3 customers and the group
            with with_pdf.first().pdf.open("rb") as f:
                assert f.read(5) == b"%PDF-"
            origins = set(Payment.objects.values_list("origin", flat=True))
            assert {"bank_slip", "pix", "direct_debit", "cash_desk", "card"} <= origins
            billed = older.invoices.filter(customer__isnull=False)
            assert billed.filter(status="paid").count() >= billed.count() * 0.9
            assert billed.filter(status="open", open_amount__gt=0).exists()  # some still owe
            event = DunningEvent.objects.get(kind="suspend")
            assert event.customer.status == "suspended"
            assert Subscription.objects.filter(
                customer=event.customer, status="suspended", suspension="debt"
            ).exists()
            # The consortium's cycle invoices: one TV line per installed member (S3); their
            # Internet on each member's own invoice.
            group_invoices = Invoice.objects.filter(group__isnull=False, kind="cycle")
            assert group_invoices.count() == 2  # the two closed cycles
            group_invoice = group_invoices.get(run=latest)
            assert group_invoice.status == "open" and group_invoice.pdf
            members = set(group_invoice.lines.values_list("customer_id", flat=True))
            assert len(members) == 2
            assert {line.system for line in group_invoice.lines.all()} == {"tv"}
            for member in members:
                own = Invoice.objects.get(run=latest, customer_id=member)
                assert {line.system for line in own.lines.all()} == {"internet"}
            assert account_balance(group_invoice.account_id) == sum(i.total for i in group_invoices)
            wallet = Wallet.objects.get(customer__external_ref__startswith="PRE-")
            assert wallet.entries.filter(kind="recharge").count() == 2
            assert wallet.active and wallet.balance > 0
    before = {c.slug: _billing_counts(c) for c in companies}
    second = _seed(billing=True)
    assert "nothing changed" in second
    assert {c.slug: _billing_counts(c) for c in companies} == before
    _sell_fibre(Company.objects.get(slug="tv-sul"))
