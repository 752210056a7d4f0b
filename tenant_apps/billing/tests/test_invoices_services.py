"""Invoices as documents: issuing (numbering, idempotency, taxes per line and per invoice, a
negative credit line), cancelling (credit note, ledger back to its previous balance, refusals),
billing one-off charges now, cancelling charges, tax rates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shared_apps.audit.actor import Actor
from tenant_apps.billing.choices import (
    ChargeKind,
    ChargeSource,
    InvoiceKind,
    InvoiceStatus,
    LineKind,
)
from tenant_apps.billing.cycles import Cycle
from tenant_apps.billing.models import CreditNote, Invoice, OneOffCharge, TaxRate
from tenant_apps.billing.services import (
    LineSpec,
    charge_add,
    invoice_cancel,
    invoice_issue,
)
from tenant_apps.billing.services.issue import charge_line
from tenant_apps.catalog.choices import System
from tenant_apps.factories import CustomerFactory
from tenant_apps.ledger.models import Account, Entry
from tenant_apps.ledger.selectors import account_balance
from tenant_apps.parameters.models import DocumentSeries
from tenant_apps.sales.models import SubscriptionPromotion
from tenant_apps.sales.tests.test_selling_services import make_shop, sell

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests")
D = Decimal
CYCLE = Cycle(dt.date(2026, 11, 1), dt.date(2026, 12, 1))
ISSUED = dt.date(2026, 12, 1)


@dataclass
class Sample:
    invoice: Invoice
    customer: object
    internet: object
    tv: object
    promotion: object
    install: OneOffCharge
    credit: OneOffCharge


def tax_setup() -> None:
    """Internet: SCM 10 % added; TV: ICMS 25 % included and FUST 1 % added."""
    TaxRate.objects.create(system=System.INTERNET, name="SCM", rate=D("10"), mode="added")
    TaxRate.objects.create(system=System.TV, name="ICMS", rate=D("25"), mode="included", position=1)
    TaxRate.objects.create(system=System.TV, name="FUST", rate=D("1"), mode="added", position=2)


def make_sample(key: str = "sample-1") -> Sample:
    """A customer's cycle invoice, by hand:

    ====================================  =======  ====================
    line                                  amount   taxes
    ====================================  =======  ====================
    Internet 89.90, 30/30 days             89.90   SCM 8.99
    Promotion 50 % on it                  -44.95   SCM -4.50 (half up)
    TV 79.90, 15/30 days                   39.95   ICMS incl. 9.99, FUST 0.40
    Installation fee                      150.00   —
    Credit from the agent                 -10.00   —
    ====================================  =======  ====================
    subtotal 224.90, added 4.89 (SCM 4.49 + FUST 0.40), included 9.99, total 229.79.
    """
    tax_setup()
    shop = make_shop()
    sale = sell(shop)
    subs = {s.product_id: s for s in sale.subscriptions.all()}
    internet, tv = subs[shop.internet.pk], subs[shop.tv.pk]
    promotion = SubscriptionPromotion.objects.filter(subscription=internet).first()
    install = charge_add(
        actor=ACTOR,
        kind=ChargeKind.INSTALLATION,
        amount=D("150.00"),
        description="Taxa de instalação",
        source=ChargeSource.SALE,
        idempotency_key=f"{key}-install",
        customer=shop.customer,
    )
    credit = charge_add(
        actor=ACTOR,
        kind=ChargeKind.CREDIT,
        amount=D("10.00"),
        description="Crédito de atendimento",
        source=ChargeSource.AGENT,
        idempotency_key=f"{key}-credit",
        customer=shop.customer,
    )
    common = {"customer_id": shop.customer.pk, "plan_id": shop.plan.pk, "cycle_days": 30}
    lines = [
        LineSpec(
            kind=LineKind.PRODUCT,
            description="Internet 300M",
            amount=D("89.90"),
            system=System.INTERNET,
            subscription_id=internet.pk,
            product_id=shop.internet.pk,
            period_start=CYCLE.start,
            period_end=CYCLE.end,
            days=30,
            **common,
        ),
        LineSpec(
            kind=LineKind.PROMOTION,
            description="Promoção 50%",
            amount=D("-44.95"),
            system=System.INTERNET,
            subscription_id=internet.pk,
            product_id=shop.internet.pk,
            promotion_id=promotion.pk if promotion else None,
            period_start=CYCLE.start,
            period_end=CYCLE.end,
            days=30,
            **common,
        ),
        LineSpec(
            kind=LineKind.PRODUCT,
            description="TV HD",
            amount=D("79.90") * 15 / 30,
            system=System.TV,
            subscription_id=tv.pk,
            product_id=shop.tv.pk,
            period_start=dt.date(2026, 11, 16),
            period_end=CYCLE.end,
            days=15,
            **common,
        ),
        charge_line(install),
        charge_line(credit),
    ]
    invoice = invoice_issue(
        actor=ACTOR,
        kind=InvoiceKind.CYCLE,
        lines=lines,
        idempotency_key=key,
        customer=shop.customer,
        issued_on=ISSUED,
        cycle=CYCLE,
    )
    return Sample(invoice, shop.customer, internet, tv, promotion, install, credit)


def test_invoice_lines_taxes_and_totals(in_a1):
    """Every line is quantized and taxed on its own amount; the invoice's taxes are the sums of
    the line taxes per rate; the total is the lines plus the added taxes; the credit is a
    negative line; the ledger debit is the total, due on the parameters' due date."""
    s = make_sample()
    inv = Invoice.objects.get(pk=s.invoice.pk)
    amounts = [line.amount for line in inv.lines.order_by("position")]
    assert amounts == [D("89.90"), D("-44.95"), D("39.95"), D("150.00"), D("-10.00")]
    kinds = list(inv.lines.order_by("position").values_list("kind", flat=True))
    assert kinds[-1] == LineKind.CREDIT and kinds[-2] == LineKind.CHARGE
    taxes = {
        line.position: [(t["name"], t["amount"]) for t in line.taxes] for line in inv.lines.all()
    }
    assert taxes == {
        1: [("SCM", "8.99")],
        2: [("SCM", "-4.50")],
        3: [("ICMS", "9.99"), ("FUST", "0.40")],
        4: [],
        5: [],
    }
    assert [(t["name"], t["mode"], t["amount"]) for t in inv.taxes] == [
        ("SCM", "added", "4.49"),
        ("ICMS", "included", "9.99"),
        ("FUST", "added", "0.40"),
    ]
    assert (inv.subtotal, inv.added_tax, inv.included_tax, inv.total) == (
        D("224.90"),
        D("4.89"),
        D("9.99"),
        D("229.79"),
    )
    assert inv.open_amount == inv.total and inv.status == InvoiceStatus.OPEN
    assert inv.entry.amount == inv.total
    assert inv.due_on == ISSUED + dt.timedelta(days=10) == inv.entry.due_on
    assert inv.language == "pt-br" and inv.currency == "BRL"
    line = inv.lines.get(position=2)
    assert (line.subscription_id, line.promotion_id, line.plan_id) == (
        s.internet.pk,
        s.promotion.pk,
        s.internet.plan_id,
    )
    assert inv.lines.get(position=4).charge_id == s.install.pk
    s.install.refresh_from_db()
    assert s.install.invoice_id == inv.pk


def test_numbering_is_gapless_and_idempotent(in_a1):
    """Each invoice takes the next number; issuing again with the same key returns the same
    invoice and takes no number; a refused invoice (negative total) gives its number back."""
    customer = CustomerFactory()
    series = DocumentSeries.objects.get(kind="invoice")
    first_number = series.format(series.next_number)
    line = LineSpec(kind=LineKind.CHARGE, description="Multa", amount=D("5.00"))
    args = {"actor": ACTOR, "kind": InvoiceKind.ONE_OFF, "customer": customer, "issued_on": ISSUED}
    one = invoice_issue(lines=[line], idempotency_key="num-1", **args)
    again = invoice_issue(lines=[line], idempotency_key="num-1", **args)
    assert again.pk == one.pk and one.number == first_number
    with pytest.raises(ValidationError):
        invoice_issue(
            lines=[LineSpec(kind=LineKind.CREDIT, description="x", amount=D("-1"))],
            idempotency_key="num-neg",
            **args,
        )
    two = invoice_issue(lines=[line], idempotency_key="num-2", **args)
    series.refresh_from_db()
    assert two.number == series.format(series.next_number - 1)
    assert int(two.number[-6:]) == int(one.number[-6:]) + 1


def test_cancel_issues_a_credit_note_and_restores_the_balance(in_a1):
    """Cancelling posts a credit of the total (kind credit_note, key credit_note:<id>, due on
    the invoice's due date) numbered in the credit-note series; the balance is back to what it
    was before the invoice; the invoice is cancelled with nothing open; its charges stay
    billed; cancelling again returns the same credit note and posts nothing."""
    s = make_sample()
    account = Account.objects.get(customer=s.customer)
    before_invoice = account_balance(account) - s.invoice.total
    series = DocumentSeries.objects.get(kind="credit_note")
    expected_number = series.format(series.next_number)
    note = invoice_cancel(actor=ACTOR, invoice=s.invoice, reason="Erro de cadastro")
    assert note.number == expected_number
    assert note.amount == D("229.79")
    assert note.entry.amount == D("-229.79")
    assert note.entry.kind == "credit_note"
    assert note.entry.idempotency_key == f"credit_note:{s.invoice.pk}"
    assert note.entry.due_on == s.invoice.due_on
    assert account_balance(account) == before_invoice
    inv = Invoice.objects.get(pk=s.invoice.pk)
    assert (inv.status, inv.open_amount) == (InvoiceStatus.CANCELLED, D("0"))
    s.install.refresh_from_db()
    assert s.install.invoice_id == inv.pk
    entries = Entry.objects.count()
    assert invoice_cancel(actor=ACTOR, invoice=inv, reason="again").pk == note.pk
    assert Entry.objects.count() == entries
    assert CreditNote.objects.filter(invoice=inv).count() == 1


def test_cancel_refusals(in_a1):
    """No reason, a draft, a zero-total invoice and an invoice with payments allocated are
    refused with a field error; nothing is written."""
    from tenant_apps.collections.models import Allocation, Payment

    s = make_sample()
    with pytest.raises(ValidationError) as exc:
        invoice_cancel(actor=ACTOR, invoice=s.invoice, reason="  ")
    assert "reason" in exc.value.message_dict
    customer = CustomerFactory()
    zero = invoice_issue(
        actor=ACTOR,
        kind=InvoiceKind.ONE_OFF,
        lines=[
            LineSpec(kind=LineKind.CHARGE, description="a", amount=D("5")),
            LineSpec(kind=LineKind.CREDIT, description="b", amount=D("-5")),
        ],
        idempotency_key="zero",
        customer=customer,
        issued_on=ISSUED,
    )
    with pytest.raises(ValidationError) as exc:
        invoice_cancel(actor=ACTOR, invoice=zero, reason="x")
    assert "invoice" in exc.value.message_dict
    draft = Invoice.objects.create(
        kind=InvoiceKind.CYCLE,
        customer=customer,
        account=Account.objects.get(customer=customer),
        issued_on=ISSUED,
        due_on=ISSUED,
        currency="BRL",
        language="pt-br",
        subtotal=D("1"),
        total=D("1"),
        open_amount=D("1"),
        idempotency_key="draft-1",
    )
    with pytest.raises(ValidationError) as exc:
        invoice_cancel(actor=ACTOR, invoice=draft, reason="x")
    assert "invoice" in exc.value.message_dict
    account = Account.objects.get(customer=s.customer)
    payment = Payment.objects.create(
        account=account,
        customer=s.customer,
        amount=D("50.00"),
        origin="cash_desk",
        received_on=ISSUED,
        entry=Entry.objects.create(
            account=account,
            kind="payment",
            amount=D("-50.00"),
            description="p",
            idempotency_key="pay-1",
            posted_by="t",
        ),
    )
    Allocation.objects.create(payment=payment, invoice=s.invoice, amount=D("50.00"))
    with pytest.raises(ValidationError) as exc:
        invoice_cancel(actor=ACTOR, invoice=s.invoice, reason="x")
    assert "estorne os pagamentos primeiro" in str(exc.value.message_dict["invoice"])
    assert not CreditNote.objects.exists()
    assert Invoice.objects.get(pk=s.invoice.pk).status == InvoiceStatus.OPEN


def test_cancelling_the_overdue_invoice_resumes_a_suspended_customer(in_a1):
    """Dunning is refreshed after a cancellation: the customer suspended for that invoice's
    debt is resumed (collections' dunning_refresh decides)."""
    from tenant_apps.collections.services import dunning_refresh
    from tenant_apps.collections.tests.helpers import grace, invoice
    from tenant_apps.customers.tests.factories import subscribe
    from tenant_apps.factories import AddressFactory

    grace(10)
    customer = CustomerFactory()
    sub = subscribe(customer, AddressFactory(customer=customer), status="active")
    overdue = invoice(customer, "100.00", dt.date(2026, 10, 10))
    dunning_refresh(actor=ACTOR, customer=customer, today=dt.date(2026, 11, 14))
    sub.refresh_from_db()
    assert (sub.status, sub.suspension) == ("suspended", "debt")
    invoice_cancel(actor=ACTOR, invoice=overdue, reason="Cobrança indevida")
    sub.refresh_from_db()
    assert (sub.status, sub.suspension) == ("active", "")
