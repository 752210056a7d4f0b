"""Building invoices and payments for the report tests through the billing service (numbered,
taxed, posted on the ledger as in production)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from shared_apps.audit.actor import Actor
from tenant_apps.billing.choices import InvoiceKind, InvoiceStatus, LineKind, TaxMode
from tenant_apps.billing.cycles import Cycle
from tenant_apps.billing.models import Invoice, TaxRate
from tenant_apps.billing.services.issue import LineSpec, invoice_issue

ACTOR = Actor.system("tests")
OCT = Cycle(dt.date(2026, 10, 1), dt.date(2026, 11, 1))
NOV = Cycle(dt.date(2026, 11, 1), dt.date(2026, 12, 1))


def taxes() -> None:
    """TV: 10 % added; internet: 5 % included."""
    TaxRate.objects.create(system="tv", name="ICMS", rate=Decimal("10"), mode=TaxMode.ADDED)
    TaxRate.objects.create(system="internet", name="ISS", rate=Decimal("5"), mode=TaxMode.INCLUDED)


def line(amount: str, system: str = "", kind: str = LineKind.PRODUCT) -> LineSpec:
    return LineSpec(
        kind=kind,
        description=f"{system or 'charge'} {amount}",
        amount=Decimal(amount),
        system=system,
    )


_counter = iter(range(1, 10**6))


def invoice(
    payer,
    *lines: LineSpec,
    cycle: Cycle | None = None,
    issued_on: dt.date | None = None,
    due_on: dt.date | None = None,
    kind: str | None = None,
) -> Invoice:
    holder = {"group": payer} if payer.__class__.__name__ == "Group" else {"customer": payer}
    return invoice_issue(
        actor=ACTOR,
        kind=kind or (InvoiceKind.CYCLE if cycle else InvoiceKind.ONE_OFF),
        lines=lines,
        idempotency_key=f"report-test:{next(_counter)}",
        issued_on=issued_on or (cycle.end if cycle else dt.date(2026, 11, 15)),
        due_on=due_on,
        cycle=cycle,
        **holder,
    )


def cancel(inv: Invoice) -> None:
    """The state a credit note leaves (the credit note service belongs to billing)."""
    Invoice.objects.filter(pk=inv.pk).update(status=InvoiceStatus.CANCELLED, open_amount=0)


def as_draft(inv: Invoice) -> None:
    Invoice.objects.filter(pk=inv.pk).update(status=InvoiceStatus.DRAFT, number=None)


def pay(payer, amount: str, origin: str, on: dt.date, invoice=None, *, reverse: bool = False):
    """A payment through the collections service (``invoice`` settled first, then the oldest
    open invoices, the rest kept as credit), reversed by its service when ``reverse``."""
    from tenant_apps.collections.services import payment_receive, payment_reverse

    holder = {"group": payer} if payer.__class__.__name__ == "Group" else {"customer": payer}
    payment = payment_receive(
        actor=ACTOR,
        amount=Decimal(amount),
        origin=origin,
        received_on=on,
        idempotency_key=f"report-test-pay:{next(_counter)}",
        invoice=invoice,
        **holder,
    )
    if reverse:
        payment = payment_reverse(actor=ACTOR, payment=payment, reason="returned")
    return payment


def allocated(payment) -> dict:
    """{invoice id: net amount} of a payment's allocations."""
    from django.db.models import Sum

    rows = payment.allocations.values("invoice_id").annotate(total=Sum("amount"))
    return {r["invoice_id"]: r["total"] for r in rows if r["total"]}
