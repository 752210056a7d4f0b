"""Adjustments of cycles billed in advance (issue 4, "Cycle": a company parameter bills each
cycle in advance, when it starts).

A run in advance bills each subscription for the days its dates say when its chunk runs. When
the dates change afterwards inside a cycle already billed (a product activated after the run,
cancelled or replaced before the cycle ends), that cycle's bill for it no longer follows the
rules. The difference is what the rules give for the cycle with the dates as they are now
(prorated by days, promotions included, each line quantized as the run does), less what the
cycle's invoice billed for the subscription (its product and promotion lines) and less the
adjustments already made. It becomes a one-off charge of kind ``proration`` (positive: days
not billed; negative: days billed and not used), billed on the payer's next invoice with the
subscription's system (so taxed as the product). Computed from totals: running it again adds
nothing, and several changes in one cycle add up to what the rules say.

Not adjusted: a cycle whose invoice for the payer was cancelled (a credit note gave it back:
the operator decides what to bill again) and prepaid products (charged per day). A chunk still
pending bills the dates as they are when it runs; its row is locked here, so a chunk billing
right now is waited for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from shared_apps.audit.actor import Actor
from tenant_apps.parameters.selectors import company_parameters

from .. import rating
from ..choices import ChargeKind, ChargeSource, ChunkStatus, InvoiceStatus, LineKind, PayerKind
from ..cycles import ADVANCE, Cycle
from ..models import BillingChunk, BillingRun, Invoice, InvoiceLine, OneOffCharge
from ..selectors import subscription_facts
from .issue import charge_add

__all__ = ["advance_adjust"]

ZERO = Decimal(0)


def _ref(cycle_start: dt.date) -> str:
    return f"advance:{cycle_start.isoformat()}"


def advance_adjust(*, actor: Actor, subscriptions: Iterable, since: dt.date) -> list[OneOffCharge]:
    """Adjust the cycles billed in advance after ``since`` (the date that changed: an
    activation, an end) to the subscriptions' current dates (see the module). Call it in the
    transaction that changed the dates, with the rows locked. Returns the charges and credits
    added."""
    subs = [s for s in subscriptions if not s.prepaid and s.activated_on is not None]
    if not subs:
        return []
    runs = list(
        BillingRun.objects.filter(timing=ADVANCE, cycle_end__gt=since).order_by("cycle_start")
    )
    if not runs:
        return []
    decimals = company_parameters().currency_decimals
    added = []
    for sub in subs:
        facts = subscription_facts(sub)
        for run in runs:
            charge = _adjust_cycle(actor, sub, facts, run, decimals)
            if charge is not None:
                added.append(charge)
    return added


def _adjust_cycle(actor, sub, facts, run: BillingRun, decimals: int) -> OneOffCharge | None:
    cycle = Cycle(run.cycle_start, run.cycle_end)
    group_id = sub.billed_to_group_id
    kind, payer_id = (
        (PayerKind.GROUP, group_id) if group_id else (PayerKind.CUSTOMER, sub.customer_id)
    )
    chunk = (
        BillingChunk.objects.select_for_update()
        .filter(run=run, payer_kind=kind, low_id__lte=payer_id, high_id__gte=payer_id)
        .first()
    )
    if chunk is not None and chunk.status != ChunkStatus.DONE:
        return None  # not billed yet: the chunk bills the dates as they are
    # (No chunk: the run had no payer of this kind to bill, so it billed this one nothing.)
    payer = Q(group_id=payer_id) if group_id else Q(customer_id=payer_id)
    invoice = Invoice.objects.filter(payer, run=run).first()
    if invoice is not None and invoice.status == InvoiceStatus.CANCELLED:
        return None
    billed, billed_days = ZERO, 0
    if invoice is not None:
        lines = InvoiceLine.objects.filter(
            invoice=invoice,
            subscription_id=sub.pk,
            kind__in=[LineKind.PRODUCT, LineKind.PROMOTION],
        ).aggregate(total=Sum("amount"), days=Sum("days", filter=Q(kind=LineKind.PRODUCT)))
        billed, billed_days = lines["total"] or ZERO, lines["days"] or 0
    # Every adjustment counts for the next one's key; the cancelled ones not for the amount.
    made = OneOffCharge.objects.filter(
        subscription_id=sub.pk, source=ChargeSource.BILLING, source_ref=_ref(cycle.start)
    ).aggregate(total=Sum("amount", filter=Q(cancelled=False)), count=Count("id"))
    adjusted = made["total"] or ZERO
    due = rating.rate_subscription(cycle, facts, decimals)
    should = sum((line.amount for line in due), ZERO)
    difference = should - billed - adjusted
    if difference == 0:
        return None
    days = sum(line.days for line in due if line.kind == rating.PRODUCT_LINE)
    text = _(
        "%(product)s, cycle %(start)s – %(end)s billed in advance: %(days)s days active, "
        "%(billed)s billed"
    ) % {
        "product": sub.product.name,
        "start": cycle.start.isoformat(),
        "end": cycle.end.isoformat(),
        "days": days,
        "billed": billed_days,
    }
    return charge_add(
        actor=actor,
        kind=ChargeKind.PRORATION,
        amount=difference,
        description=text[:200],
        source=ChargeSource.BILLING,
        source_ref=_ref(cycle.start),
        idempotency_key=f"advance:{sub.pk}:{cycle.start.isoformat()}:{made['count'] + 1}",
        customer=None if group_id else sub.customer,
        group=sub.billed_to_group if group_id else None,
        system=sub.product.system,
        subscription=sub,
    )
