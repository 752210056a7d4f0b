"""Debt of a current account, from its entries. Pure: entries in, a summary out.

Rule (until invoices carry their own settlement, issue 4): credits settle debits oldest due
date first (a debit with no due date is due the day it was posted); the debt is what remains of
the debits whose due date is before today, and its age is counted from the oldest of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class EntryFact:
    amount: Decimal  # debit positive, credit negative
    due_on: date


@dataclass(frozen=True)
class Debt:
    balance: Decimal  # sum of every entry
    overdue: Decimal  # what remains of debits due before today
    oldest_overdue_on: date | None
    days_overdue: int


def debt_of(entries: Iterable[EntryFact], *, today: date) -> Debt:
    debits: list[list] = []  # [due_on, remaining]
    credit = ZERO
    balance = ZERO
    for entry in entries:
        balance += entry.amount
        if entry.amount > 0:
            debits.append([entry.due_on, entry.amount])
        else:
            credit += -entry.amount
    debits.sort(key=lambda d: d[0])
    for debit in debits:
        used = min(debit[1], credit)
        debit[1] -= used
        credit -= used
    overdue_debits = [d for d in debits if d[1] > 0 and d[0] < today]
    overdue = sum((d[1] for d in overdue_debits), ZERO)
    oldest = overdue_debits[0][0] if overdue_debits else None
    return Debt(
        balance=balance,
        overdue=overdue,
        oldest_overdue_on=oldest,
        days_overdue=(today - oldest).days if oldest else 0,
    )
