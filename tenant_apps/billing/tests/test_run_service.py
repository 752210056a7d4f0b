"""The billing run through its services and (eager) tasks, inside company A1: hand-computed
cases end to end, taxes, groups, one-off charges, exactly-once, the preview and the bulk path
against the one-invoice ORM path."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings

from shared_apps.audit.models import AuditEvent
from tenant_apps.billing.choices import ChargeKind, ChargeSource, ChunkStatus, RunStatus
from tenant_apps.billing.models import BillingChunk, BillingRun, Invoice, OneOffCharge
from tenant_apps.billing.services import LineSpec, charge_add, invoice_issue
from tenant_apps.billing.services.runs import (
    billing_chunk_run,
    billing_run_finalize,
    billing_run_preview,
    billing_run_start,
)
from tenant_apps.factories import CustomerFactory, GroupFactory
from tenant_apps.ledger.models import Entry
from tenant_apps.parameters.models import DocumentSeries
from tenant_apps.parameters.selectors import company_today

from .run_facts import ACTOR, params, plan, product, rate, subscribe

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def run_cycle(django_capture_on_commit_callbacks):
    """Start the run of a cycle and let its (eager) tasks run: the run, refreshed."""

    def _run(start: dt.date, **kw) -> BillingRun:
        with django_capture_on_commit_callbacks(execute=True):
            run = billing_run_start(actor=ACTOR, cycle_start=start, **kw)
        run.refresh_from_db()
        return run

    return _run


def amounts(invoice: Invoice) -> list[str]:
    return [str(line.amount) for line in invoice.lines.order_by("position")]


# (case, cycle start, subscriptions as (price, activated_on, ends_on, status, extra), the
# expected line amounts of the customer's invoice in order; [] = no invoice)
CASES = [
    ("full February (28 days)", D(2026, 2, 1), [("100.00", D(2025, 5, 3), None, "active", {})],
     ["100.00"]),
    ("leap February, from the 15th: 15/29", D(2024, 2, 1),
     [("100.00", D(2024, 2, 15), None, "active", {})], ["51.72"]),
    ("April (30 days), from the 11th: 20/30", D(2026, 4, 1),
     [("100.00", D(2026, 4, 11), None, "active", {})], ["66.67"]),
    ("January (31 days), activated on the first day", D(2026, 1, 1),
     [("100.00", D(2026, 1, 1), None, "active", {})], ["100.00"]),
    ("activated on the last day: 1/31", D(2026, 1, 1),
     [("100.00", D(2026, 1, 31), None, "active", {})], ["3.23"]),
    ("cancelled on the first day: nothing", D(2026, 1, 1),
     [("100.00", D(2025, 6, 1), D(2026, 1, 1), "cancelled", {})], []),
    ("cancelled on the last day (ends_on exclusive): 30/31", D(2026, 1, 1),
     [("100.00", D(2025, 6, 1), D(2026, 1, 31), "cancelled", {})], ["96.77"]),
    ("cancelled inside the cycle, billed by its dates: 15/30", D(2026, 4, 1),
     [("100.00", D(2026, 4, 5), D(2026, 4, 20), "cancelled", {})], ["50.00"]),
    ("promotion 50 % ending on the 11th: 10 of 30 days", D(2026, 4, 1),
     [("99.90", D(2026, 1, 11), None, "active",
       {"promotions": [("percent", "50.00", D(2026, 1, 11), D(2026, 4, 11))]})],
     ["99.90", "-16.65"]),
    ("fixed promotion for the whole cycle", D(2026, 4, 1),
     [("80.00", D(2026, 3, 1), None, "active",
       {"promotions": [("fixed", "30.00", D(2026, 3, 1), D(2026, 6, 1))]})],
     ["80.00", "-30.00"]),
    ("plan change on the 16th: each plan for its days", D(2026, 4, 1),
     [("100.00", D(2025, 1, 1), D(2026, 4, 16), "cancelled", {}),
      ("130.00", D(2026, 4, 16), None, "active", {})], ["50.00", "65.00"]),
    ("future-dated plan change: the old one still 'active', ends on the 21st", D(2026, 4, 1),
     [("100.00", D(2025, 1, 1), D(2026, 4, 21), "active", {}),
      ("60.00", D(2026, 4, 21), None, "active", {})], ["66.67", "20.00"]),
    ("activated after the cycle: nothing", D(2026, 4, 1),
     [("100.00", D(2026, 5, 1), None, "active", {})], []),
    ("prepaid: never billed by the run", D(2026, 4, 1),
     [("100.00", D(2026, 1, 1), None, "active", {"prepaid": True})], []),
    ("pending (never activated): not billed", D(2026, 4, 1),
     [("100.00", None, None, "pending", {})], []),
]  # fmt: skip


@pytest.mark.parametrize(("case", "start", "subs", "expected"), CASES, ids=[c[0] for c in CASES])
def test_hand_computed_cases(in_a1, run_cycle, case, start, subs, expected):
    customer = CustomerFactory()
    sales_plan = plan()
    for price, activated, ends, status, extra in subs:
        subscribe(
            customer,
            sales_plan=sales_plan,
            price=price,
            activated_on=activated,
            ends_on=ends,
            status=status,
            **extra,
        )
    run = run_cycle(start)
    assert run.status == RunStatus.DONE
    invoices = list(Invoice.objects.filter(run=run, customer=customer))
    if not expected:
        assert invoices == []
        return
    (invoice,) = invoices
    assert amounts(invoice) == expected
    assert invoice.total == sum(Decimal(a) for a in expected)
    assert invoice.status == "open"
    assert invoice.cycle_start == start
    line = invoice.lines.order_by("position").first()
    assert line.cycle_days == (run.cycle_end - run.cycle_start).days
    assert line.subscription.customer_id == customer.pk
    assert line.plan_id == sales_plan.pk and line.product_id == line.subscription.product_id


def test_taxes_added_and_included_and_traceable_lines(in_a1, run_cycle):
    rate("internet", "ISS", "5", "added")
    rate("tv", "ICMS", "25", "included")
    customer = CustomerFactory()
    net = subscribe(customer, prod=product("100.00", "internet"), activated_on=D(2026, 1, 1))
    tv = subscribe(
        customer,
        prod=product("50.00", "tv"),
        activated_on=D(2026, 1, 1),
        promotions=[("percent", "10.00", D(2026, 1, 1), D(2027, 1, 1))],
    )
    run = run_cycle(D(2026, 3, 1))
    invoice = Invoice.objects.get(run=run, customer=customer)
    lines = list(invoice.lines.order_by("position"))
    assert [(line.kind, str(line.amount)) for line in lines] == [
        ("product", "100.00"),
        ("product", "50.00"),
        ("promotion", "-5.00"),
    ]
    assert lines[0].subscription == net and lines[0].added_tax == Decimal("5.00")
    assert lines[0].taxes == [{"name": "ISS", "mode": "added", "rate": "5.0000", "amount": "5.00"}]
    assert lines[1].subscription == tv and lines[1].included_tax == Decimal("12.50")
    assert lines[2].promotion == tv.promotions.get() and lines[2].included_tax == Decimal("-1.25")
    assert (lines[2].period_start, lines[2].period_end, lines[2].days) == (
        D(2026, 3, 1),
        D(2026, 4, 1),
        31,
    )
    assert invoice.subtotal == Decimal("145.00")
    assert invoice.added_tax == Decimal("5.00")
    assert invoice.included_tax == Decimal("11.25")
    assert invoice.total == Decimal("150.00") == invoice.open_amount
    assert invoice.taxes == [
        {"name": "ISS", "mode": "added", "rate": "5.0000", "amount": "5.00"},
        {"name": "ICMS", "mode": "included", "rate": "25.0000", "amount": "11.25"},
    ]
    assert run.totals_by_system == {"internet": "105.00", "tv": "45.00"}
    assert run.exceptions == []


def test_group_member_with_split_products(in_a1, run_cycle):
    group = GroupFactory()
    member = CustomerFactory()
    other = CustomerFactory()
    own = subscribe(member, price="70.00", activated_on=D(2026, 1, 1))
    shared = subscribe(member, price="40.00", activated_on=D(2026, 1, 1), group=group)
    other_shared = subscribe(other, price="40.00", activated_on=D(2026, 1, 1), group=group)
    run = run_cycle(D(2026, 3, 1))
    mine = Invoice.objects.get(run=run, customer=member)
    assert [(line.subscription_id, str(line.amount)) for line in mine.lines.all()] == [
        (own.pk, "70.00")
    ]
    theirs = Invoice.objects.get(run=run, group=group)
    assert theirs.customer_id is None
    assert [(line.customer_id, line.subscription_id) for line in theirs.lines.all()] == [
        (member.pk, shared.pk),
        (other.pk, other_shared.pk),
    ]
    assert theirs.total == Decimal("80.00")
    assert not Invoice.objects.filter(run=run, customer=other).exists()
    # Numbered customers first, then groups; the group's account was opened.
    assert mine.number < theirs.number
    assert theirs.entry.account.group_id == group.pk


def test_one_off_charge_and_credit_billed_in_the_next_run_and_never_twice(in_a1, run_cycle):
    customer = CustomerFactory()
    subscribe(customer, price="100.00", activated_on=D(2026, 1, 1))
    penalty = charge_add(
        actor=ACTOR,
        kind=ChargeKind.PENALTY,
        amount=Decimal("10.00"),
        description="Multa",
        source=ChargeSource.SERVICE_ORDER,
        idempotency_key="t:penalty",
        customer=customer,
    )
    credit = charge_add(
        actor=ACTOR,
        kind=ChargeKind.CREDIT,
        amount=Decimal("25.00"),
        description="Crédito do agente",
        source=ChargeSource.AGENT,
        idempotency_key="t:credit",
        customer=customer,
    )
    march = run_cycle(D(2026, 3, 1))
    invoice = Invoice.objects.get(run=march, customer=customer)
    lines = list(invoice.lines.order_by("position"))
    assert [(line.kind, str(line.amount), line.charge_id) for line in lines] == [
        ("product", "100.00", None),
        ("charge", "10.00", penalty.pk),
        ("credit", "-25.00", credit.pk),
    ]
    assert lines[1].period_start is None and lines[1].days is None
    assert invoice.total == Decimal("85.00")
    penalty.refresh_from_db()
    assert penalty.invoice == invoice
    april = run_cycle(D(2026, 4, 1))
    again = Invoice.objects.get(run=april, customer=customer)
    assert amounts(again) == ["100.00"]
    assert OneOffCharge.objects.filter(invoice__isnull=True).count() == 0


def test_credit_larger_than_the_invoice_waits(in_a1, run_cycle):
    customer = CustomerFactory()
    subscribe(customer, price="20.00", activated_on=D(2026, 1, 1))
    credit = charge_add(
        actor=ACTOR,
        kind=ChargeKind.CREDIT,
        amount=Decimal("50.00"),
        description="Crédito",
        source=ChargeSource.AGENT,
        idempotency_key="t:big-credit",
        customer=customer,
    )
    run = run_cycle(D(2026, 3, 1))
    assert amounts(Invoice.objects.get(run=run, customer=customer)) == ["20.00"]
    credit.refresh_from_db()
    assert credit.invoice is None
    carried = [row for row in run.exceptions if row["code"] == "credit_carried"]
    assert carried == [
        {"code": "credit_carried", "count": 1, "payers": [f"customer:{customer.pk}"]}
    ]


def test_installation_fee_from_a_sale_is_billed(in_a1, run_cycle):
    from tenant_apps.sales.services.selling import sale_create, subscription_activate
    from tenant_apps.sales.tests.test_selling_services import make_shop

    params(billing_timing="advance")  # the sale is today's: bill the cycle starting
    shop = make_shop()
    sale = sale_create(actor=ACTOR, customer=shop.customer, address=shop.address, plan=shop.plan)
    today = company_today()
    for sub in sale.subscriptions.all():
        subscription_activate(actor=ACTOR, subscription=sub, on=today)
    fee = OneOffCharge.objects.get(customer=shop.customer, kind=ChargeKind.INSTALLATION)
    run = run_cycle(today.replace(day=1))
    invoice = Invoice.objects.get(run=run, customer=shop.customer)
    charge_lines = list(invoice.lines.filter(charge=fee))
    assert [str(line.amount) for line in charge_lines] == ["150.00"]
    days = (run.cycle_end - today).days
    cycle_days = (run.cycle_end - run.cycle_start).days
    internet = Decimal("89.90") * days / cycle_days
    tv = Decimal("79.90") * days / cycle_days
    cents = Decimal("0.01")
    assert amounts(invoice) == [
        str(internet.quantize(cents, "ROUND_HALF_UP")),
        str((-internet / 2).quantize(cents, "ROUND_HALF_UP")),
        str(tv.quantize(cents, "ROUND_HALF_UP")),
        "150.00",
    ]


def test_running_a_cycle_twice_bills_once(in_a1, run_cycle):
    for _ in range(3):
        subscribe(price="10.00", activated_on=D(2026, 1, 1))
    first = run_cycle(D(2026, 3, 1))
    before = (Invoice.objects.count(), Entry.objects.count())
    second = run_cycle(D(2026, 3, 1))
    assert second.pk == first.pk and second.status == RunStatus.DONE
    assert (Invoice.objects.count(), Entry.objects.count()) == before
    assert first.invoices_count == 3 and first.total == Decimal("30.00")
    done = AuditEvent.objects.filter(action="billing.run_done", object_id=str(first.pk))
    assert done.count() == 1


@override_settings(BILLING_RUN_CHUNK_PAYERS=2)
def test_chunks_and_finalize_run_twice_and_numbers_are_gapless(in_a1, run_cycle):
    series = DocumentSeries.objects.get(kind="invoice")
    first_number = series.next_number
    customers = [CustomerFactory() for _ in range(5)]
    for customer in customers:
        subscribe(customer, price="10.00", activated_on=D(2026, 1, 1))
    group = GroupFactory()
    subscribe(price="5.00", activated_on=D(2026, 1, 1), group=group)
    # Start without running the tasks: the chunks are pending.
    run = billing_run_start(actor=ACTOR, cycle_start=D(2026, 3, 1))
    assert run.chunks_total == 4  # 5 customers by 2, then the group
    assert billing_chunk_run(run_id=run.pk, index=0) is False
    assert billing_chunk_run(run_id=run.pk, index=0) is False  # done: nothing twice
    assert Invoice.objects.filter(run=run).count() == 2
    run.refresh_from_db()
    assert (run.chunks_done, run.invoices_count, run.status) == (1, 2, RunStatus.RUNNING)
    assert billing_run_finalize(run_id=run.pk).status != RunStatus.DONE  # chunks pending
    for index in (1, 2):
        assert billing_chunk_run(run_id=run.pk, index=index) is False
    assert billing_chunk_run(run_id=run.pk, index=3) is True  # the last one
    billing_run_finalize(run_id=run.pk)
    billing_run_finalize(run_id=run.pk)  # twice: nothing more
    invoices = list(Invoice.objects.filter(run=run).order_by("number"))
    assert len(invoices) == 6
    assert [inv.number for inv in invoices] == [series.format(first_number + i) for i in range(6)]
    assert [inv.customer_id for inv in invoices] == [c.pk for c in customers] + [None]
    series.refresh_from_db()
    assert series.next_number == first_number + 6
    assert Entry.objects.filter(idempotency_key__startswith="invoice:").count() == 6
    for inv in invoices:
        assert inv.entry.amount == inv.total and inv.entry.kind == "invoice"
        assert inv.entry.idempotency_key == f"invoice:{inv.pk}"
        assert inv.entry.description == f"Fatura {inv.number}"
        assert inv.entry.due_on == inv.due_on == run.due_on
    assert not BillingChunk.objects.filter(run=run, status=ChunkStatus.PENDING).exists()


def test_preview_figures_equal_the_run(in_a1, run_cycle):
    rate("internet", "ISS", "5", "added")
    for i in range(4):
        subscribe(
            price="99.90",
            activated_on=D(2026, 3, 10 + i),
            promotions=[("percent", "50.00", D(2026, 3, 10), D(2026, 6, 10))] if i % 2 else [],
        )
    subscribe(prod=product("30.00", "tv"), activated_on=D(2026, 1, 1))  # TV has no tax rate
    lonely = CustomerFactory()
    subscribe(lonely, activated_on=D(2026, 5, 1))  # active, nothing in March
    preview = billing_run_preview(cycle_start=D(2026, 3, 1))
    run = run_cycle(D(2026, 3, 1))
    assert preview.invoices == run.invoices_count == 5
    assert preview.total == run.total
    assert {k: str(v) for k, v in preview.totals_by_system.items()} == run.totals_by_system
    assert preview.exceptions == run.exceptions
    codes = {row["code"]: row for row in run.exceptions}
    assert codes["missing_tax"]["systems"] == ["tv"]
    assert codes["nothing_billable"]["payers"] == [f"customer:{lonely.pk}"]
    assert run.total == sum(i.total for i in Invoice.objects.filter(run=run))
    # After the run, the preview gives the run's figures.
    assert billing_run_preview(cycle_start=D(2026, 3, 1)).run == run


def test_bulk_path_equals_invoice_issue(in_a1, run_cycle):
    """The same facts billed by the run and by invoice_issue give the same invoice."""
    rate("internet", "ISS", "5", "added")
    rate("internet", "PIS", "0.65", "included")
    prod = product("99.90", "internet", name="Fibra 300")
    sales_plan = plan()
    promos = [("percent", "33.33", D(2026, 3, 5), D(2026, 6, 5))]
    bulk = CustomerFactory()
    sub = subscribe(
        bulk, prod=prod, sales_plan=sales_plan, activated_on=D(2026, 3, 5), promotions=promos
    )
    run = run_cycle(D(2026, 3, 1))
    a = Invoice.objects.get(run=run, customer=bulk)
    # The same facts through the ORM path, for another customer.
    orm = CustomerFactory()
    promo = sub.promotions.get()
    specs = [
        LineSpec(
            kind="product",
            description="Fibra 300",
            amount=Decimal("99.90") * 27 / 31,
            system="internet",
            customer_id=orm.pk,
            subscription_id=sub.pk,
            product_id=prod.pk,
            plan_id=sales_plan.pk,
            period_start=D(2026, 3, 5),
            period_end=D(2026, 4, 1),
            days=27,
            cycle_days=31,
        ),
        LineSpec(
            kind="promotion",
            description="Promo 1",
            amount=-(Decimal("99.90") * 27 * Decimal("33.33") / (31 * 100)),
            system="internet",
            customer_id=orm.pk,
            subscription_id=sub.pk,
            product_id=prod.pk,
            plan_id=sales_plan.pk,
            promotion_id=promo.pk,
            period_start=D(2026, 3, 5),
            period_end=D(2026, 4, 1),
            days=27,
            cycle_days=31,
        ),
    ]
    from tenant_apps.billing.cycles import Cycle

    b = invoice_issue(
        actor=ACTOR,
        kind="cycle",
        lines=specs,
        idempotency_key="t:orm",
        customer=orm,
        issued_on=run.issued_on,
        cycle=Cycle(D(2026, 3, 1), D(2026, 4, 1)),
    )
    fields = [
        "kind", "status", "cycle_start", "cycle_end", "issued_on", "due_on", "currency",
        "language", "subtotal", "added_tax", "included_tax", "total", "open_amount", "taxes",
    ]  # fmt: skip
    assert {f: getattr(a, f) for f in fields} == {f: getattr(b, f) for f in fields}
    line_fields = [
        "position", "kind", "description", "subscription_id", "product_id", "plan_id",
        "promotion_id", "charge_id", "system", "period_start", "period_end", "days",
        "cycle_days", "amount", "added_tax", "included_tax", "taxes",
    ]  # fmt: skip
    assert [{f: getattr(x, f) for f in line_fields} for x in a.lines.all()] == [
        {f: getattr(x, f) for f in line_fields} for x in b.lines.all()
    ]
    assert (a.entry.kind, a.entry.amount, a.entry.due_on) == (
        b.entry.kind,
        b.entry.amount,
        b.entry.due_on,
    )
    assert a.entry.description == f"Fatura {a.number}"  # the company's language, pt-BR
    assert b.entry.description == f"Fatura {b.number}"
    assert a.entry.idempotency_key == f"invoice:{a.pk}"


def test_cycle_refusals(in_a1):
    with pytest.raises(ValidationError) as err:
        billing_run_start(actor=ACTOR, cycle_start=D(2026, 12, 1))  # not closed (arrears)
    assert "cycle_start" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        billing_run_start(actor=ACTOR, cycle_start=D(2026, 3, 5))  # not the billing day
    assert "cycle_start" in err.value.message_dict
    params(billing_timing="advance")
    with pytest.raises(ValidationError):
        billing_run_start(actor=ACTOR, cycle_start=D(2027, 1, 1))
    assert not BillingRun.objects.exists()


def test_default_cycle_and_due_date(in_a1, run_cycle):
    params(billing_day=10, days_to_due=7)
    subscribe(price="31.00", activated_on=D(2026, 1, 1))
    with pytest.raises(ValidationError):
        billing_run_start(actor=ACTOR, cycle_start=D(2026, 11, 1))
    run = run_cycle(D(2026, 10, 10), issued_on=D(2026, 11, 12))
    assert (run.cycle_start, run.cycle_end) == (D(2026, 10, 10), D(2026, 11, 10))
    assert run.due_on == D(2026, 11, 19)
    assert Invoice.objects.get(run=run).due_on == D(2026, 11, 19)


def test_a_chunk_that_keeps_failing_fails_the_run_and_resume_finishes_it(
    in_a1, monkeypatch, django_capture_on_commit_callbacks
):
    from tenant_apps.billing import engine
    from tenant_apps.billing.services.runs import billing_run_resume
    from tenant_apps.billing.tasks_runs import billing_run_chunk

    subscribe(price="10.00", activated_on=D(2026, 1, 1))
    run = billing_run_start(actor=ACTOR, cycle_start=D(2026, 3, 1))  # tasks not run

    def boom():
        raise RuntimeError("database went away")

    monkeypatch.setattr(engine, "AFTER_WRITE", boom)
    result = billing_run_chunk.apply(args=(run.pk, 0))
    assert result.failed()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "database went away" in run.error
    assert not Invoice.objects.filter(run=run).exists()  # rolled back whole
    monkeypatch.setattr(engine, "AFTER_WRITE", None)
    with django_capture_on_commit_callbacks(execute=True):
        billing_run_resume(actor=ACTOR, run=run)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.error == ""
    assert Invoice.objects.filter(run=run).count() == 1
