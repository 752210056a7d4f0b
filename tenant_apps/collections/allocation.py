"""Payment allocation, reversal and dunning facts (B2, dunning). Pure: no ORM, request, settings.

Rules:

* **Allocation.** A payment settles the open invoices oldest first: by due date, then by
  invoice number (in natural order, so ``A-9`` comes before ``A-10``). Each invoice is settled
  in full while the payment lasts; the last one reached may be settled in part; what remains
  of the payment is credit on the account. Amounts are quantized to the currency's minor unit
  (ROUND_HALF_UP) before allocating.
* **Reversal.** Reversing a payment gives back exactly what it settled: each invoice reopens by
  the amount the payment settled on it, and the credit the payment left is withdrawn.
* **Overdue.** An open invoice (open amount above zero) is overdue on a date when its due date
  is before that date (on its due date it is still on time). The overdue debt is the sum of
  the open amounts of the overdue invoices; its age is counted in days from the oldest of
  their due dates.
* **Suspend.** The grace days have passed (suspend the services) when the debt is older than
  the company's grace days: with 5 grace days, an invoice due on the 1st is overdue on the 2nd
  (1 day) and the services are suspended on the 7th (6 days). With 0 grace days they are
  suspended as soon as an invoice is overdue.
* **Resume.** A payment clears the overdue debt (resume the services) when, allocated as above,
  it leaves no overdue invoice open.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from . import ZERO, quantize


@dataclass(frozen=True)
class OpenInvoice:
    number: str
    due_on: date
    open_amount: Decimal  # what is still owed on it (0 when settled)


@dataclass(frozen=True)
class Settlement:
    invoice_number: str
    amount: Decimal  # settled by the payment on this invoice
    closes: bool  # the invoice is settled in full by it


@dataclass(frozen=True)
class Allocation:
    payment: Decimal
    settlements: tuple[Settlement, ...]
    credit: Decimal  # the rest of the payment, credit on the account

    @property
    def settled(self) -> Decimal:
        return sum((s.amount for s in self.settlements), ZERO)


@dataclass(frozen=True)
class Reversal:
    reopenings: tuple[Settlement, ...]  # each invoice reopens by ``amount``
    credit_withdrawn: Decimal


@dataclass(frozen=True)
class Dunning:
    on: date
    overdue_invoices: tuple[OpenInvoice, ...]  # oldest first
    overdue: Decimal
    oldest_due_on: date | None
    days_overdue: int
    grace_days: int
    suspend: bool  # the grace days have passed


def _natural(number: str) -> tuple:
    # "A-10" -> ("a-", 10, ""): str and int alternate at the same positions for every number.
    parts = re.split(r"(\d+)", number.lower())
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


def oldest_first(invoices: Iterable[OpenInvoice]) -> list[OpenInvoice]:
    """The open invoices (open amount above zero), oldest due date first, then by number."""
    return sorted(
        (inv for inv in invoices if inv.open_amount > 0),
        key=lambda inv: (inv.due_on, _natural(inv.number), inv.number),
    )


def allocate(payment: Decimal, invoices: Iterable[OpenInvoice], *, places: int = 2) -> Allocation:
    """Allocate ``payment`` to the oldest open invoices first; the rest is credit."""
    left = quantize(payment, places)
    if left <= 0:
        raise ValueError("a payment must be positive")
    settlements = []
    for inv in oldest_first(invoices):
        if left <= 0:
            break
        owed = quantize(inv.open_amount, places)
        used = min(owed, left)
        settlements.append(Settlement(inv.number, used, closes=used == owed))
        left -= used
    return Allocation(
        payment=quantize(payment, places), settlements=tuple(settlements), credit=left
    )


def reverse(allocation: Allocation) -> Reversal:
    """What reversing the payment gives back: exactly what it settled, and its credit."""
    return Reversal(
        reopenings=tuple(replace(s, closes=False) for s in allocation.settlements),
        credit_withdrawn=allocation.credit,
    )


def apply(invoices: Iterable[OpenInvoice], allocation: Allocation) -> list[OpenInvoice]:
    """The invoices after the allocation (same order as given)."""
    settled = {s.invoice_number: s.amount for s in allocation.settlements}
    return [
        replace(inv, open_amount=inv.open_amount - settled.get(inv.number, ZERO))
        for inv in invoices
    ]


def apply_reversal(invoices: Iterable[OpenInvoice], reversal: Reversal) -> list[OpenInvoice]:
    """The invoices after the reversal (same order as given)."""
    reopened = {s.invoice_number: s.amount for s in reversal.reopenings}
    return [
        replace(inv, open_amount=inv.open_amount + reopened.get(inv.number, ZERO))
        for inv in invoices
    ]


def overdue_invoices(invoices: Iterable[OpenInvoice], *, on: date) -> tuple[OpenInvoice, ...]:
    """The open invoices overdue on ``on`` (due before it), oldest first."""
    return tuple(inv for inv in oldest_first(invoices) if inv.due_on < on)


def dunning(
    invoices: Iterable[OpenInvoice], *, on: date, grace_days: int, places: int = 2
) -> Dunning:
    """The dunning facts on ``on``: overdue invoices, debt, its age, and whether to suspend."""
    if grace_days < 0:
        raise ValueError("grace days cannot be negative")
    overdue = overdue_invoices(invoices, on=on)
    oldest = overdue[0].due_on if overdue else None
    days = (on - oldest).days if oldest else 0
    return Dunning(
        on=on,
        overdue_invoices=overdue,
        overdue=quantize(sum((inv.open_amount for inv in overdue), ZERO), places),
        oldest_due_on=oldest,
        days_overdue=days,
        grace_days=grace_days,
        suspend=bool(overdue) and days > grace_days,
    )


def clears_overdue(
    payment: Decimal, invoices: Iterable[OpenInvoice], *, on: date, places: int = 2
) -> bool:
    """Whether ``payment``, allocated oldest first, leaves no overdue invoice open on ``on``."""
    invoices = list(invoices)
    after = apply(invoices, allocate(payment, invoices, places=places))
    return not overdue_invoices(after, on=on)
