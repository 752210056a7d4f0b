"""What follows a run's finalize: credit waiting on an account (a payment made before its
invoice existed) settles the invoice the run issued, once; the invoices' PDFs are rendered."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings

from tenant_apps.billing.models import Invoice
from tenant_apps.billing.services.runs import billing_run_start
from tenant_apps.billing.tasks_runs import billing_run_apply_credit
from tenant_apps.collections.models import Allocation
from tenant_apps.collections.services import payment_receive
from tenant_apps.factories import CustomerFactory
from tenant_apps.ledger.selectors import account_balance

from .run_facts import ACTOR, plan, subscribe

pytestmark = pytest.mark.django_db


def test_a_payment_in_advance_settles_the_next_run_invoice(
    in_a1, django_capture_on_commit_callbacks
):
    customer = CustomerFactory()
    subscribe(customer, sales_plan=plan(), price="100.00", activated_on=dt.date(2025, 1, 1))
    other = CustomerFactory()  # no credit: its invoice stays open
    subscribe(other, sales_plan=plan(), price="100.00", activated_on=dt.date(2025, 1, 1))
    payment = payment_receive(
        actor=ACTOR,
        customer=customer,
        amount=Decimal("60.00"),
        origin="pix",
        received_on=dt.date(2026, 3, 20),
        idempotency_key="advance-1",
    )
    assert not payment.allocations.exists()  # nothing to settle yet: all credit

    with django_capture_on_commit_callbacks(execute=True):
        run = billing_run_start(actor=ACTOR, cycle_start=dt.date(2026, 3, 1))
    invoice = Invoice.objects.get(run=run, customer=customer)
    assert (invoice.total, invoice.open_amount, invoice.status) == (
        Decimal("100.00"),
        Decimal("40.00"),
        "open",
    )
    assert Invoice.objects.get(run=run, customer=other).open_amount == Decimal("100.00")
    assert account_balance(invoice.account) == Decimal("40.00")

    # Running the credit step again (a retried task) allocates nothing more.
    assert billing_run_apply_credit(run.pk) == 0
    assert Allocation.objects.filter(invoice=invoice).count() == 1


@override_settings(BILLING_RENDER_PDFS_AFTER_RUN=True)
def test_a_finished_run_renders_its_invoices_pdfs(in_a1, django_capture_on_commit_callbacks):
    customer = CustomerFactory()
    subscribe(customer, sales_plan=plan(), price="100.00", activated_on=dt.date(2025, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        run = billing_run_start(actor=ACTOR, cycle_start=dt.date(2026, 3, 1))
    invoice = Invoice.objects.get(run=run, customer=customer)
    assert invoice.pdf.name.endswith(".pdf")
    assert invoice.pdf.open("rb").read(5) == b"%PDF-"
