"""Invoices as documents: cancelling one (a credit note), billing a payer's one-off charges and
credits now, cancelling an unbilled charge, and the company's tax rates.

An issued invoice never changes its lines or totals: cancelling it issues a credit note
numbered in the company's ``credit_note`` series and posts a credit of the invoice's total on
the payer's account (idempotent: key ``credit_note:<invoice id>``). The charges it billed stay
billed (the credit note gives their amount back).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.audit.actor import Actor
from shared_apps.audit.services import audit_record
from tenant_apps.ledger.choices import EntryKind
from tenant_apps.ledger.models import Account
from tenant_apps.ledger.services import entry_post
from tenant_apps.parameters.choices import SeriesKind
from tenant_apps.parameters.selectors import company_today
from tenant_apps.parameters.services import series_take

from ..choices import InvoiceKind, InvoiceStatus
from ..models import CreditNote, Invoice, OneOffCharge, TaxRate
from ..selectors import invoice_allocated, unbilled_charges
from .issue import charge_line, invoice_issue

ZERO = Decimal("0")


@transaction.atomic
def invoice_cancel(*, actor: Actor, invoice: Invoice, reason: str) -> CreditNote:
    """Cancel an issued invoice: a credit note of its total, credited on the payer's account.

    Cancelling an invoice already cancelled returns its credit note. Refused for a draft, for
    an invoice with payments allocated to it (reverse them first) and for an invoice of zero
    total (there is nothing to credit)."""
    # Lock order as in collections: the payer's account first, then the invoice (a payment
    # being allocated to it waits, or is seen here once committed).
    Account.objects.select_for_update().filter(pk=invoice.account_id).first()
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.status == InvoiceStatus.CANCELLED:
        existing = CreditNote.objects.filter(invoice=locked).first()
        if existing is not None:
            return existing
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the invoice is cancelled.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("Use at most 200 characters.")})
    if locked.status == InvoiceStatus.DRAFT or not locked.number:
        raise ValidationError({"invoice": _("A draft invoice cannot be cancelled.")})
    if locked.total <= 0:
        raise ValidationError(
            {"invoice": _("This invoice has a zero total: there is nothing to credit.")}
        )
    if invoice_allocated(locked) > 0:
        raise ValidationError(
            {"invoice": _("Payments are allocated to this invoice: reverse the payments first.")}
        )
    number = series_take(kind=SeriesKind.CREDIT_NOTE)[0]
    entry = entry_post(
        actor=actor,
        account=locked.account,
        kind=EntryKind.CREDIT_NOTE,
        amount=-locked.total,
        description=_("Credit note %(number)s (invoice %(invoice)s)")
        % {"number": number, "invoice": locked.number},
        idempotency_key=f"credit_note:{locked.pk}",
        due_on=locked.due_on,
    )
    note = CreditNote(
        number=number,
        invoice=locked,
        amount=locked.total,
        reason=reason,
        issued_on=company_today(),
        issued_by=actor.label,
        entry=entry,
    )
    note.full_clean()
    note.save()
    before = {"status": locked.status, "open_amount": str(locked.open_amount)}
    locked.status = InvoiceStatus.CANCELLED
    locked.open_amount = ZERO
    locked.save(update_fields=["status", "open_amount"])
    invoice.status, invoice.open_amount = locked.status, locked.open_amount
    audit_record(
        actor=actor,
        action="billing.invoice_cancel",
        target=locked,
        changes={
            "status": [before["status"], locked.status],
            "open_amount": [before["open_amount"], "0.00"],
            "credit_note": number,
            "reason": reason,
        },
    )
    if locked.customer_id:
        from tenant_apps.collections.services import dunning_refresh

        dunning_refresh(actor=actor, customer=locked.customer)
    if locked.pdf:  # the stored PDF says "cancelled" from now on
        _enqueue_pdf(locked.pk, force=True)
    return note


def _enqueue_pdf(invoice_id: int, *, force: bool = False) -> None:
    from ..tasks_documents import render_pdf

    transaction.on_commit(lambda: render_pdf.delay(invoice_id, force=force))


@transaction.atomic
def charges_bill_now(*, actor: Actor, customer=None, group=None) -> Invoice:
    """Bill the payer's unbilled one-off charges and credits now, on an invoice of their own
    (kind ``one_off``), instead of waiting for the next billing run. The charges are locked
    first, so two calls at once bill them once; the invoice's key is made of the charges'
    ids, so a retry of the same set returns the same invoice."""
    if (customer is None) == (group is None):
        raise ValueError("charges are billed to exactly one payer")
    charges = list(unbilled_charges(customer=customer, group=group).select_for_update())
    if not charges:
        raise ValidationError({"charges": _("There are no unbilled charges or credits to bill.")})
    if sum((c.amount for c in charges), ZERO) < 0:
        raise ValidationError(
            {
                "charges": _(
                    "The credits exceed the charges: they stay for the payer's next invoice."
                )
            }
        )
    ids = ",".join(str(c.pk) for c in sorted(charges, key=lambda c: c.pk))
    digest = hashlib.sha256(ids.encode()).hexdigest()[:24]
    payer = f"c{customer.pk}" if customer is not None else f"g{group.pk}"
    invoice = invoice_issue(
        actor=actor,
        kind=InvoiceKind.ONE_OFF,
        lines=[charge_line(c) for c in charges],
        idempotency_key=f"one_off:{payer}:{digest}",
        customer=customer,
        group=group,
        issued_on=company_today(),
    )
    _enqueue_pdf(invoice.pk)
    return invoice


@transaction.atomic
def charge_cancel(*, actor: Actor, charge: OneOffCharge) -> OneOffCharge:
    """Cancel a one-off charge or credit not yet billed (cancelling it again changes
    nothing). A billed one is on an invoice: cancel the invoice instead."""
    locked = OneOffCharge.objects.select_for_update().get(pk=charge.pk)
    if locked.invoice_id is not None:
        raise ValidationError(
            {"charge": _("This charge is already on an invoice: cancel the invoice instead.")}
        )
    if locked.cancelled:
        return locked
    locked.cancelled = True
    locked.save(update_fields=["cancelled"])
    charge.cancelled = True
    audit_record(
        actor=actor,
        action="billing.charge_cancel",
        target=locked,
        changes={"cancelled": [False, True], "amount": str(locked.amount)},
    )
    return locked


# --- tax rates ---------------------------------------------------------------------------------

TAX_FIELDS = ("system", "name", "rate", "mode", "position", "is_active")


def _tax_rate_save(row: TaxRate) -> None:
    row.name = (row.name or "").strip()
    clash = TaxRate.objects.filter(system=row.system, name__iexact=row.name)
    if row.pk:
        clash = clash.exclude(pk=row.pk)
    if row.name and clash.exists():
        raise ValidationError({"name": _("This system already has a tax with this name.")})
    row.full_clean()
    row.save()


def _snapshot(row: TaxRate) -> dict[str, str]:
    return {f: str(getattr(row, f)) for f in TAX_FIELDS}


@transaction.atomic
def tax_rate_create(*, actor: Actor, data: dict[str, Any]) -> TaxRate:
    """A named rate for a system, added to the price or included in it; it applies to the
    invoices issued from now on (issued invoices keep the taxes they were issued with)."""
    row = TaxRate(**{k: v for k, v in data.items() if k in TAX_FIELDS})
    _tax_rate_save(row)
    audit_record(actor=actor, action="billing.tax_rate_create", target=row, changes=_snapshot(row))
    return row


@transaction.atomic
def tax_rate_update(*, actor: Actor, tax_rate: TaxRate, data: dict[str, Any]) -> TaxRate:
    row = TaxRate.objects.select_for_update().get(pk=tax_rate.pk)
    before = _snapshot(row)
    for key, value in data.items():
        if key in TAX_FIELDS:
            setattr(row, key, value)
    _tax_rate_save(row)
    after = _snapshot(row)
    changes = {k: [before[k], after[k]] for k in TAX_FIELDS if before[k] != after[k]}
    if changes:
        audit_record(actor=actor, action="billing.tax_rate_update", target=row, changes=changes)
    return row


@transaction.atomic
def tax_rate_deactivate(*, actor: Actor, tax_rate: TaxRate) -> TaxRate:
    """Stop applying a rate to new invoices (kept for the invoices that show it)."""
    row = TaxRate.objects.select_for_update().get(pk=tax_rate.pk)
    if row.is_active:
        row.is_active = False
        row.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="billing.tax_rate_deactivate",
            target=row,
            changes={"is_active": [True, False]},
        )
    return row
