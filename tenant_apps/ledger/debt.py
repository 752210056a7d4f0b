"""Debt of a current account. Pure: facts in, a summary out.

Rule (issue 4's ledger rule): **the debt is the sum of the open invoices' open amounts whose
due date is before today, and its age is counted from the oldest such due date.**

Migrated opening balances (ledger entries of kind ``opening``, which have no invoice) count
too, for what remains of them after the account's unallocated credit: the payments' credit
that no invoice took (payments posted minus their allocations) settles the openings oldest due
date first (a negative opening, a migrated credit, adds to that credit); an opening without a
due date is due the day it was posted. What remains of an opening due before today is overdue
debt like an invoice. Other entries (fees, adjustments, credit notes...) only move the
balance: they reach the debt through the invoice that bills them.

An item due on ``today`` is not yet overdue (it is overdue from the next day).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class EntryFact:
    """An opening-balance entry: debit positive, credit negative."""

    amount: Decimal
    due_on: date


@dataclass(frozen=True)
class InvoiceFact:
    """An open invoice: what is still owed on it."""

    number: str
    open_amount: Decimal
    due_on: date


@dataclass(frozen=True)
class Debt:
    balance: Decimal  # sum of every entry
    overdue: Decimal  # open amounts (and opening balances left) due before today
    oldest_overdue_on: date | None
    days_overdue: int
    overdue_invoices: tuple[str, ...] = ()  # numbers of the overdue invoices, oldest first
    overdue_opening: Decimal = ZERO  # the part of ``overdue`` that is migrated opening balance


def openings_left(openings: Iterable[EntryFact], credit: Decimal) -> list[EntryFact]:
    """The positive openings with what remains of each after ``credit`` (and the negative
    openings) settled them, oldest due date first; settled ones are left out."""
    pool = credit
    debits = []
    for entry in openings:
        if entry.amount > 0:
            debits.append(entry)
        else:
            pool += -entry.amount
    left = []
    for entry in sorted(debits, key=lambda e: e.due_on):
        used = min(entry.amount, max(pool, ZERO))
        pool -= used
        if entry.amount - used > 0:
            left.append(EntryFact(entry.amount - used, entry.due_on))
    return left


def credit_for_invoices(openings: Iterable[EntryFact], credit: Decimal) -> Decimal:
    """What of the payments' ``credit`` is left for invoices once the openings took theirs."""
    openings = list(openings)
    owed = sum((e.amount for e in openings if e.amount > 0), ZERO)
    migrated_credit = -sum((e.amount for e in openings if e.amount < 0), ZERO)
    needed = max(owed - migrated_credit, ZERO)
    return max(credit - needed, ZERO)


def debt_of(
    *,
    balance: Decimal,
    invoices: Iterable[InvoiceFact],
    openings: Iterable[EntryFact] = (),
    credit: Decimal = ZERO,
    today: date,
) -> Debt:
    """The debt on ``today`` (see the module docstring)."""
    overdue_invoices = sorted(
        (inv for inv in invoices if inv.open_amount > 0 and inv.due_on < today),
        key=lambda inv: (inv.due_on, inv.number),
    )
    overdue_openings = [e for e in openings_left(openings, credit) if e.due_on < today]
    opening = sum((e.amount for e in overdue_openings), ZERO)
    overdue = sum((inv.open_amount for inv in overdue_invoices), ZERO) + opening
    dates = [inv.due_on for inv in overdue_invoices] + [e.due_on for e in overdue_openings]
    oldest = min(dates) if dates else None
    return Debt(
        balance=balance,
        overdue=overdue,
        oldest_overdue_on=oldest,
        days_overdue=(today - oldest).days if oldest else 0,
        overdue_invoices=tuple(inv.number for inv in overdue_invoices),
        overdue_opening=opening,
    )
