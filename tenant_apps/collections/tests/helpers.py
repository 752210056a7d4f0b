"""Shared helpers of the collections tests: real invoices (``invoice_issue``), customers and
subscriptions from the factories, and the company's grace days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shared_apps.audit.actor import Actor
from tenant_apps.billing.choices import InvoiceKind, LineKind
from tenant_apps.billing.services.issue import LineSpec, invoice_issue

ACTOR = Actor(label="tests", branch_id=None, branch_label="Loja Centro")
_seq = iter(range(1, 10_000_000))


def invoice(customer=None, amount="100.00", due_on=dt.date(2026, 10, 10), *, group=None):
    """A real invoice of ``amount`` (one one-off line, no tax) due on ``due_on``."""
    n = next(_seq)
    return invoice_issue(
        actor=ACTOR,
        kind=InvoiceKind.ONE_OFF,
        lines=[LineSpec(kind=LineKind.CHARGE, description=f"Charge {n}", amount=Decimal(amount))],
        idempotency_key=f"test-invoice-{n}-{(customer or group).pk}",
        customer=customer,
        group=group,
        issued_on=due_on - dt.timedelta(days=10),
        due_on=due_on,
    )


def grace(days: int) -> None:
    from tenant_apps.parameters.models import CompanyParameters

    row = CompanyParameters.objects.first()
    if row is None:
        CompanyParameters.objects.create(grace_days=days)
    else:
        CompanyParameters.objects.filter(pk=row.pk).update(grace_days=days)


def pay(customer, amount, key, *, on=dt.date(2026, 11, 1), invoice=None, **kw):
    from tenant_apps.collections.services import payment_receive

    return payment_receive(
        actor=ACTOR,
        amount=Decimal(amount),
        origin=kw.pop("origin", "cash_desk"),
        received_on=on,
        idempotency_key=key,
        customer=customer,
        invoice=invoice,
        **kw,
    )


def opening(customer, amount, due_on, key):
    from tenant_apps.ledger.choices import EntryKind
    from tenant_apps.ledger.models import Account
    from tenant_apps.ledger.services import entry_post

    return entry_post(
        actor=ACTOR,
        account=Account.objects.get(customer=customer),
        kind=EntryKind.OPENING,
        amount=Decimal(amount),
        description="Saldo migrado",
        idempotency_key=key,
        due_on=due_on,
    )
