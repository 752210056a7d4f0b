"""Reading for the billing and collections reports (issue 4). Every figure is a set-based
aggregate computed by PostgreSQL; Python only arranges the (small) aggregated rows.

**Billing by cycle and system.** An invoice's cycle is its ``cycle_start``, or the first day of
its issue month for an invoice outside a cycle (one-off charges, recharges). A line's system is
its ``system``, or ``other`` for a line without one (one-off charges, credits). Drafts are left
out. *Billed* counts every numbered invoice (open, paid or cancelled since); *cancelled* shows
the part of it cancelled since (by a credit note, which cancels an invoice whole) and *net* is
billed minus cancelled. A line's total is its amount plus its added taxes (included taxes are
inside the amount).

**Collections by period, origin and system.** Payments by ``received_on`` (inclusive range),
grouped by day or month and by origin. Collected amounts count payments posted now; a payment
reversed since is left out of them and shown in its own columns (count and amount). Each
payment's allocations (net of reversal rows) are spread over the invoice's systems pro rata to
the invoice's line totals per system, each part quantized half up to the currency's minor unit
with the remainder put on the largest share, so the parts add up to the allocation exactly;
what a payment did not allocate (credit on the account) is ``not_allocated``. Allocations are
counted in the period of their payment.

**Receivables ageing.** Open invoices issued on or before ``as_of``, by their open amount now
and by ``days = as_of − due_on``: *not yet due* when days < 0 (due after ``as_of``), then
0–30 (0 ≤ days ≤ 30: due today counts as 0 days), 31–60, 61–90 and 90+ (days ≥ 91).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    F,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncMonth
from django.utils.translation import gettext_lazy as _

from tenant_apps.billing.choices import InvoiceStatus
from tenant_apps.billing.models import Invoice, InvoiceLine
from tenant_apps.catalog.choices import System
from tenant_apps.collections.choices import PaymentOrigin, PaymentStatus
from tenant_apps.collections.models import Allocation, Payment
from tenant_apps.ledger.statement import ZERO, money_sum
from tenant_apps.parameters.selectors import company_parameters, company_today

OTHER = "other"
NOT_ALLOCATED = "not_allocated"
DAY = "day"
MONTH = "month"


def system_label(code: str) -> str:
    if code == OTHER:
        return str(_("Other"))
    if code == NOT_ALLOCATED:
        return str(_("Not allocated"))
    try:
        return str(System(code).label)
    except ValueError:
        return code


def origin_label(code: str) -> str:
    try:
        return str(PaymentOrigin(code).label)
    except ValueError:
        return code


# --- billing by cycle and system ------------------------------------------------------------


@dataclass
class BillingRow:
    cycle: dt.date
    system: str
    invoices: int
    amount: Decimal
    added_tax: Decimal
    included_tax: Decimal
    total: Decimal
    cancelled_invoices: int
    cancelled_total: Decimal

    @property
    def system_label(self) -> str:
        return system_label(self.system)

    @property
    def net_total(self) -> Decimal:
        return self.total - self.cancelled_total


@dataclass
class BillingReport:
    rows: list[BillingRow]
    cycles: list[BillingRow]  # one per cycle, system "" (all systems)
    totals: BillingRow


def _cycle_expression(prefix: str = ""):
    return Coalesce(
        F(f"{prefix}cycle_start"),
        Cast(TruncMonth(f"{prefix}issued_on"), output_field=DateField()),
        output_field=DateField(),
    )


def billing_report(
    *, cycle_from: dt.date | None = None, cycle_to: dt.date | None = None
) -> BillingReport:
    """Billed and cancelled amounts per cycle and system (see the module's rules); ``cycle_from``
    and ``cycle_to`` bound the cycle (its start date), inclusive."""
    cancelled = Q(invoice__status=InvoiceStatus.CANCELLED)
    lines = (
        InvoiceLine.objects.exclude(invoice__status=InvoiceStatus.DRAFT)
        .annotate(
            cycle=_cycle_expression("invoice__"),
            sys=Case(
                When(system="", then=Value(OTHER)),
                default=F("system"),
                output_field=CharField(),
            ),
        )
        .order_by()
    )
    invoices = (
        Invoice.objects.exclude(status=InvoiceStatus.DRAFT).annotate(cycle=_cycle_expression())
    ).order_by()
    if cycle_from:
        lines = lines.filter(cycle__gte=cycle_from)
        invoices = invoices.filter(cycle__gte=cycle_from)
    if cycle_to:
        lines = lines.filter(cycle__lte=cycle_to)
        invoices = invoices.filter(cycle__lte=cycle_to)
    line_total = F("amount") + F("added_tax")
    rows = [
        BillingRow(
            cycle=r["cycle"],
            system=r["sys"],
            invoices=r["n_invoices"],
            amount=r["s_amount"],
            added_tax=r["s_added"],
            included_tax=r["s_included"],
            total=r["s_amount"] + r["s_added"],
            cancelled_invoices=r["n_cancelled"],
            cancelled_total=r["s_cancelled"],
        )
        for r in lines.values("cycle", "sys")
        .annotate(
            n_invoices=Count("invoice_id", distinct=True),
            s_amount=money_sum("amount"),
            s_added=money_sum("added_tax"),
            s_included=money_sum("included_tax"),
            n_cancelled=Count("invoice_id", distinct=True, filter=cancelled),
            s_cancelled=money_sum(line_total, filter=cancelled),
        )
        .order_by("cycle", "sys")
    ]
    inv_cancelled = Q(status=InvoiceStatus.CANCELLED)

    def _invoice_row(r, cycle) -> BillingRow:
        return BillingRow(
            cycle=cycle,
            system="",
            invoices=r["n_invoices"],
            amount=r["s_amount"],
            added_tax=r["s_added"],
            included_tax=r["s_included"],
            total=r["s_total"],
            cancelled_invoices=r["n_cancelled"],
            cancelled_total=r["s_cancelled"],
        )

    aggregates = {
        "n_invoices": Count("id"),
        "s_amount": money_sum("subtotal"),
        "s_added": money_sum("added_tax"),
        "s_included": money_sum("included_tax"),
        "s_total": money_sum("total"),
        "n_cancelled": Count("id", filter=inv_cancelled),
        "s_cancelled": money_sum("total", filter=inv_cancelled),
    }
    cycles = [
        _invoice_row(r, r["cycle"])
        for r in invoices.values("cycle").annotate(**aggregates).order_by("cycle")
    ]
    totals = _invoice_row(invoices.aggregate(**aggregates), None)
    return BillingReport(rows=rows, cycles=cycles, totals=totals)


# --- collections by period, origin and system -----------------------------------------------

SYSTEM_COLUMNS = [*System.values, OTHER, NOT_ALLOCATED]


@dataclass
class CollectionsRow:
    period: dt.date | None
    origin: str
    payments: int = 0
    amount: Decimal = ZERO
    systems: dict[str, Decimal] = field(default_factory=dict)
    reversed_payments: int = 0
    reversed_amount: Decimal = ZERO

    @property
    def origin_label(self) -> str:
        return origin_label(self.origin) if self.origin else ""

    @property
    def system_amounts(self) -> list[Decimal]:
        """The amount of each of ``SYSTEM_COLUMNS``, in that order."""
        return [self.systems.get(code, ZERO) for code in SYSTEM_COLUMNS]


@dataclass
class CollectionsReport:
    start: dt.date
    end: dt.date
    group_by: str
    rows: list[CollectionsRow]
    by_origin: list[CollectionsRow]  # period None: the whole range
    totals: CollectionsRow

    @property
    def system_columns(self) -> list[tuple[str, str]]:
        return [(code, system_label(code)) for code in SYSTEM_COLUMNS]


_SPLIT_SQL = """
WITH pay AS (
    SELECT p.id, p.origin, p.amount, {period} AS period
    FROM {payment} p
    WHERE p.status = %(posted)s AND p.received_on BETWEEN %(start)s AND %(end)s
),
alloc AS (
    SELECT a.payment_id, a.invoice_id, SUM(a.amount) AS amount
    FROM {allocation} a JOIN pay ON pay.id = a.payment_id
    GROUP BY a.payment_id, a.invoice_id
    HAVING SUM(a.amount) <> 0
),
sys AS (
    SELECT l.invoice_id,
           CASE WHEN l.system = '' THEN %(other)s ELSE l.system END AS system,
           SUM(l.amount + l.added_tax) AS total
    FROM {line} l
    WHERE l.invoice_id IN (SELECT invoice_id FROM alloc)
    GROUP BY 1, 2
),
inv AS (
    SELECT invoice_id, SUM(total) AS total FROM sys GROUP BY 1
),
share AS (
    SELECT alloc.payment_id, alloc.invoice_id, sys.system, alloc.amount AS allocated,
           ROUND(alloc.amount * sys.total / inv.total, %(places)s) AS part,
           ROW_NUMBER() OVER (
               PARTITION BY alloc.payment_id, alloc.invoice_id
               ORDER BY sys.total DESC, sys.system
           ) AS rank
    FROM alloc
    JOIN sys ON sys.invoice_id = alloc.invoice_id
    JOIN inv ON inv.invoice_id = alloc.invoice_id
    WHERE inv.total <> 0
),
fixed AS (
    SELECT payment_id, system,
           part + CASE WHEN rank = 1
                       THEN allocated - SUM(part) OVER (PARTITION BY payment_id, invoice_id)
                       ELSE 0 END AS part
    FROM share
),
placed AS (
    SELECT payment_id, SUM(part) AS amount FROM fixed GROUP BY 1
)
SELECT pay.period, pay.origin, fixed.system, SUM(fixed.part)
FROM fixed JOIN pay ON pay.id = fixed.payment_id
GROUP BY 1, 2, 3
UNION ALL
SELECT pay.period, pay.origin, %(not_allocated)s, SUM(pay.amount - COALESCE(placed.amount, 0))
FROM pay LEFT JOIN placed ON placed.payment_id = pay.id
GROUP BY 1, 2
HAVING SUM(pay.amount - COALESCE(placed.amount, 0)) <> 0
"""


def _split_rows(start: dt.date, end: dt.date, group_by: str, places: int):
    period = "date_trunc('month', p.received_on)::date" if group_by == MONTH else "p.received_on"
    # Only table names and the period expression (both written in code) go into the text.
    sql = _SPLIT_SQL.format(
        period=period,
        payment=Payment._meta.db_table,
        allocation=Allocation._meta.db_table,
        line=InvoiceLine._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "posted": PaymentStatus.POSTED,
                "start": start,
                "end": end,
                "other": OTHER,
                "not_allocated": NOT_ALLOCATED,
                "places": places,
            },
        )
        return cursor.fetchall()


def collections_report(*, start: dt.date, end: dt.date, group_by: str = DAY) -> CollectionsReport:
    """Payments received from ``start`` to ``end`` (inclusive) per period (``day`` or
    ``month``) and origin, with the split by system (see the module's rules)."""
    if group_by not in (DAY, MONTH):
        raise ValueError(f"unknown grouping {group_by!r}")
    places = company_parameters().currency_decimals
    payments = Payment.objects.filter(received_on__gte=start, received_on__lte=end).order_by()
    if group_by == MONTH:
        payments = payments.annotate(
            period=Cast(TruncMonth("received_on"), output_field=DateField())
        )
    else:
        payments = payments.annotate(period=F("received_on"))
    posted = Q(status=PaymentStatus.POSTED)
    reversed_ = Q(status=PaymentStatus.REVERSED)
    found: dict[tuple, CollectionsRow] = {}
    for r in payments.values("period", "origin").annotate(
        n_payments=Count("id", filter=posted),
        s_amount=money_sum("amount", filter=posted),
        n_reversed=Count("id", filter=reversed_),
        s_reversed=money_sum("amount", filter=reversed_),
    ):
        found[(r["period"], r["origin"])] = CollectionsRow(
            period=r["period"],
            origin=r["origin"],
            payments=r["n_payments"],
            amount=r["s_amount"],
            reversed_payments=r["n_reversed"],
            reversed_amount=r["s_reversed"],
        )
    for period, origin, system, amount in _split_rows(start, end, group_by, places):
        row = found[(period, origin)]
        row.systems[system] = row.systems.get(system, ZERO) + amount
    rows = sorted(found.values(), key=lambda r: (r.period, r.origin))
    by_origin: dict[str, CollectionsRow] = {}
    totals = CollectionsRow(period=None, origin="")
    for row in rows:
        target = by_origin.setdefault(row.origin, CollectionsRow(period=None, origin=row.origin))
        for into in (target, totals):
            into.payments += row.payments
            into.amount += row.amount
            into.reversed_payments += row.reversed_payments
            into.reversed_amount += row.reversed_amount
            for code, value in row.systems.items():
                into.systems[code] = into.systems.get(code, ZERO) + value
    return CollectionsReport(
        start=start,
        end=end,
        group_by=group_by,
        rows=rows,
        by_origin=sorted(by_origin.values(), key=lambda r: r.origin),
        totals=totals,
    )


# --- receivables ageing ---------------------------------------------------------------------

BUCKETS = ["not_due", "d0_30", "d31_60", "d61_90", "d90_plus"]


def bucket_labels() -> list[tuple[str, str]]:
    return [
        ("not_due", str(_("Not yet due"))),
        ("d0_30", str(_("0–30 days"))),
        ("d31_60", str(_("31–60 days"))),
        ("d61_90", str(_("61–90 days"))),
        ("d90_plus", str(_("90+ days"))),
    ]


def _bucket_filters(as_of: dt.date) -> dict[str, Q]:
    def ago(days: int) -> dt.date:
        return as_of - dt.timedelta(days=days)

    return {
        "not_due": Q(due_on__gt=as_of),
        "d0_30": Q(due_on__lte=as_of, due_on__gte=ago(30)),
        "d31_60": Q(due_on__lte=ago(31), due_on__gte=ago(60)),
        "d61_90": Q(due_on__lte=ago(61), due_on__gte=ago(90)),
        "d90_plus": Q(due_on__lte=ago(91)),
    }


@dataclass
class AgeingRow:
    customer_id: int | None
    group_id: int | None
    name: str
    code: str
    amounts: dict[str, Decimal]
    counts: dict[str, int]
    total: Decimal
    invoices: int

    @property
    def bucket_amounts(self) -> list[Decimal]:
        return [self.amounts[b] for b in BUCKETS]

    @property
    def bucket_counts(self) -> list[int]:
        return [self.counts[b] for b in BUCKETS]


@dataclass
class AgeingReport:
    as_of: dt.date
    totals: AgeingRow
    rows: list[AgeingRow]  # the top payers by open amount
    payers: int  # payers with an open amount (rows may show fewer)

    @property
    def buckets(self) -> list[tuple[str, str]]:
        return bucket_labels()


def _ageing_aggregates(as_of: dt.date) -> dict:
    aggregates = {}
    for name, condition in _bucket_filters(as_of).items():
        aggregates[f"amount_{name}"] = money_sum("open_amount", filter=condition)
        aggregates[f"count_{name}"] = Count("id", filter=condition)
    aggregates["s_total"] = money_sum("open_amount")
    aggregates["n_invoices"] = Count("id")
    return aggregates


def _ageing_row(r: dict, **holder) -> AgeingRow:
    return AgeingRow(
        amounts={b: r[f"amount_{b}"] for b in BUCKETS},
        counts={b: r[f"count_{b}"] for b in BUCKETS},
        total=r["s_total"],
        invoices=r["n_invoices"],
        **holder,
    )


def ageing_report(*, as_of: dt.date | None = None, top: int | None = 20) -> AgeingReport:
    """Open amounts by age (see the module's rules) on ``as_of`` (default: today in the
    company's zone): totals and the ``top`` payers owing most (``None``: every payer)."""
    as_of = as_of or company_today()
    open_invoices = Invoice.objects.filter(
        status=InvoiceStatus.OPEN, open_amount__gt=0, issued_on__lte=as_of
    ).order_by()
    aggregates = _ageing_aggregates(as_of)
    totals = _ageing_row(
        open_invoices.aggregate(**aggregates),
        customer_id=None,
        group_id=None,
        name="",
        code="",
    )
    per_payer = open_invoices.values(
        "customer_id", "group_id", "customer__name", "customer__code", "group__name"
    ).annotate(**aggregates)
    payers = per_payer.count()
    ordered = per_payer.order_by("-s_total", "customer__name", "group__name", "customer_id")
    if top is not None:
        ordered = ordered[:top]
    rows = [
        _ageing_row(
            r,
            customer_id=r["customer_id"],
            group_id=r["group_id"],
            name=r["customer__name"] or r["group__name"] or "",
            code=r["customer__code"] or "",
        )
        for r in ordered
    ]
    return AgeingReport(as_of=as_of, totals=totals, rows=rows, payers=payers)


# --- the statement (a current account's entries with running balance) ------------------------
