"""Issuing one invoice (the ORM path, for one payer at a time) and recording one-off charges.

``invoice_issue`` is used where an invoice is made outside a billing run: a prepaid recharge,
the final invoice of a move to prepaid, one-off charges billed on their own. It applies the
same rules as the run (``rating.quantize`` per line, ``taxes.tax_invoice`` per line and per
invoice), numbers the invoice in the company's series (gapless: the series row is locked until
the transaction commits) and posts its debit on the payer's current account, all in one
transaction. The idempotency key makes a retry return the invoice already issued.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from shared_apps.audit.actor import Actor
from shared_apps.audit.services import audit_record
from tenant_apps.ledger.choices import EntryKind
from tenant_apps.ledger.services import account_open, entry_post
from tenant_apps.parameters.choices import SeriesKind
from tenant_apps.parameters.selectors import company_parameters
from tenant_apps.parameters.services import series_take

from .. import rating, taxes
from ..choices import ChargeKind, ChargeSource, InvoiceStatus, LineKind
from ..cycles import Cycle
from ..models import Invoice, InvoiceLine, OneOffCharge
from ..selectors import tax_table


@dataclass(frozen=True)
class LineSpec:
    """A line to bill (amount unrounded or rounded: it is quantized here)."""

    kind: str
    description: str
    amount: Decimal
    system: str = ""
    customer_id: int | None = None
    subscription_id: int | None = None
    product_id: int | None = None
    plan_id: int | None = None
    promotion_id: int | None = None
    charge_id: int | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    days: int | None = None
    cycle_days: int | None = None


def rule_line(spec: LineSpec, decimals: int) -> rating.Line:
    """The rule's line of ``spec`` (the tax rule works on rating.Line; a one-off line has no
    subscription or period)."""
    start = spec.period_start or dt.date.min
    return rating.Line(
        kind=spec.kind,
        subscription_id=spec.subscription_id or 0,
        customer_id=spec.customer_id or 0,
        product_id=spec.product_id or 0,
        plan_id=spec.plan_id or 0,
        system=spec.system,
        period_start=start,
        period_end=spec.period_end or start,
        days=spec.days or 0,
        cycle_days=spec.cycle_days or 0,
        exact=spec.amount,
        amount=rating.quantize(Decimal(spec.amount), decimals),
        promotion_id=spec.promotion_id,
    )


def taxes_json(amounts: Sequence[taxes.TaxAmount]) -> list[dict]:
    return [
        {"name": t.name, "mode": t.mode, "rate": str(t.rate), "amount": str(t.amount)}
        for t in amounts
    ]


@transaction.atomic
def invoice_issue(
    *,
    actor: Actor,
    kind: str,
    lines: Sequence[LineSpec],
    idempotency_key: str,
    customer=None,
    group=None,
    issued_on: dt.date,
    due_on: dt.date | None = None,
    cycle: Cycle | None = None,
) -> Invoice:
    """Issue, number and post one invoice for ``customer`` or ``group``. Refuses an invoice with
    no lines or a negative total; issuing again with the same key returns the first one."""
    if (customer is None) == (group is None):
        raise ValueError("an invoice has exactly one payer")
    existing = Invoice.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if not lines:
        raise ValidationError(_("An invoice needs at least one line."), code="empty")
    if any(isinstance(spec.amount, float) for spec in lines):
        raise TypeError("money is Decimal, never float")
    params = company_parameters()
    decimals = params.currency_decimals
    rule_lines = tuple(rule_line(spec, decimals) for spec in lines)
    taxed = taxes.tax_invoice(
        rating.Invoice(
            rating.Payer(rating.CUSTOMER if customer else rating.GROUP, (customer or group).pk),
            cycle or Cycle(issued_on, issued_on),
            rule_lines,
        ),
        tax_table(),
        decimals,
    )
    if taxed.total < 0:
        raise ValidationError(
            _("The invoice total would be negative (%(total)s).") % {"total": taxed.total},
            code="negative",
        )
    account = account_open(customer=customer, group=group)
    # The payer locked as the invoice's foreign-key check locks it at commit, but before the
    # series (as the billing run's chunks do): a plan change holding this customer and waiting
    # for the series would otherwise deadlock with this invoice.
    payer = customer or group
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {type(payer)._meta.db_table} WHERE id = %s FOR KEY SHARE",  # noqa: S608
            [payer.pk],
        )
    number = series_take(kind=SeriesKind.INVOICE)[0]
    due_on = due_on or issued_on + dt.timedelta(days=params.days_to_due)
    invoice = Invoice(
        number=number,
        kind=kind,
        status=InvoiceStatus.OPEN if taxed.total > 0 else InvoiceStatus.PAID,
        customer=customer,
        group=group,
        account=account,
        cycle_start=cycle.start if cycle else None,
        cycle_end=cycle.end if cycle else None,
        issued_on=issued_on,
        due_on=due_on,
        currency=params.currency,
        language=params.locale,
        subtotal=taxed.subtotal,
        added_tax=taxed.added,
        included_tax=taxed.included,
        total=taxed.total,
        open_amount=taxed.total,
        taxes=taxes_json(taxed.taxes),
        idempotency_key=idempotency_key,
    )
    invoice.full_clean(exclude=["entry", "pdf"])
    invoice.save()
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=i + 1,
            kind=spec.kind,
            description=spec.description[:200],
            customer_id=spec.customer_id,
            subscription_id=spec.subscription_id,
            product_id=spec.product_id,
            plan_id=spec.plan_id,
            promotion_id=spec.promotion_id,
            charge_id=spec.charge_id,
            system=spec.system,
            period_start=spec.period_start,
            period_end=spec.period_end,
            days=spec.days,
            cycle_days=spec.cycle_days,
            amount=line.line.amount,
            added_tax=line.added,
            included_tax=line.included,
            taxes=taxes_json(line.taxes),
        )
        for i, (spec, line) in enumerate(zip(lines, taxed.lines, strict=True))
    )
    charge_ids = [spec.charge_id for spec in lines if spec.charge_id]
    if charge_ids:
        billed = OneOffCharge.objects.filter(
            pk__in=charge_ids, invoice__isnull=True, cancelled=False
        ).update(invoice=invoice)
        if billed != len(set(charge_ids)):
            raise ValidationError(
                _("A charge on this invoice was already billed or cancelled."), code="conflict"
            )
    if taxed.total != 0:
        invoice.entry = entry_post(
            actor=actor,
            account=account,
            kind=EntryKind.INVOICE,
            amount=taxed.total,
            description=_("Invoice %(number)s") % {"number": number},
            idempotency_key=f"invoice:{invoice.pk}",
            due_on=due_on,
        )
        invoice.save(update_fields=["entry"])
    audit_record(
        actor=actor,
        action="billing.invoice_issue",
        target=invoice,
        changes={"number": number, "kind": kind, "total": str(taxed.total)},
    )
    return invoice


CREDIT_KINDS = {ChargeKind.CREDIT}
SIGNED_KINDS = {ChargeKind.PRORATION}  # a charge or a credit, as its amount says


@transaction.atomic
def charge_add(
    *,
    actor: Actor,
    kind: str,
    amount: Decimal,
    description: str,
    source: str,
    idempotency_key: str,
    customer=None,
    group=None,
    source_ref: str = "",
    system: str = "",
    subscription=None,
) -> OneOffCharge:
    """Record a one-off charge (positive) or credit (negative, kind ``credit``) for the payer's
    next invoice. Adding again with the same key returns the first one."""
    if (customer is None) == (group is None):
        raise ValueError("a charge has exactly one payer")
    existing = OneOffCharge.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if isinstance(amount, float):
        raise TypeError("money is Decimal, never float")
    decimals = company_parameters().currency_decimals
    amount = rating.quantize(Decimal(amount), decimals)
    if amount == 0:
        raise ValidationError({"amount": _("Enter an amount other than zero.")})
    if kind in CREDIT_KINDS and amount > 0:
        amount = -amount  # a credit is entered as a positive value and billed as negative
    elif kind not in CREDIT_KINDS | SIGNED_KINDS and amount < 0:
        raise ValidationError({"amount": _("A charge is positive; use a credit to give back.")})
    if source not in ChargeSource.values:
        raise ValueError(f"unknown charge source {source!r}")
    charge = OneOffCharge(
        customer=customer,
        group=group,
        kind=kind,
        amount=amount,
        description=description,
        source=source,
        source_ref=source_ref,
        system=system,
        subscription=subscription,
        idempotency_key=idempotency_key,
        created_by=actor.label,
    )
    charge.full_clean()
    charge.save()
    audit_record(
        actor=actor,
        action="billing.charge_add",
        target=charge,
        changes={"kind": kind, "amount": str(amount), "source": source, "ref": source_ref},
    )
    return charge


def charge_line(charge: OneOffCharge) -> LineSpec:
    """The invoice line of a one-off charge or credit."""
    return LineSpec(
        kind=LineKind.CREDIT if charge.amount < 0 else LineKind.CHARGE,
        description=charge.description,
        amount=charge.amount,
        system=charge.system,
        customer_id=charge.customer_id,
        subscription_id=charge.subscription_id,
        charge_id=charge.pk,
    )
