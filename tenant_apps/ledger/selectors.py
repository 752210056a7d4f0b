"""Reading current accounts: balances and debt (what the sale conditions check)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Coalesce, TruncDate

from .debt import Debt, EntryFact, debt_of
from .models import Account, Entry


def account_balance(account: Account | int) -> Decimal:
    """The balance: always the sum of the account's entries (positive: the holder owes)."""
    account_id = account if isinstance(account, int) else account.pk
    return Entry.objects.filter(account_id=account_id).aggregate(
        total=Coalesce(Sum("amount"), Decimal("0.00"))
    )["total"]


def customer_debt(customer_id: int, *, today: date) -> Debt:
    rows = (
        Entry.objects.filter(account__customer_id=customer_id)
        .annotate(posted_on=TruncDate("posted_at"))
        .values_list("amount", "due_on", "posted_on")
    )
    return debt_of((EntryFact(a, due or posted) for a, due, posted in rows), today=today)


def entries_for(account: Account | int):
    account_id = account if isinstance(account, int) else account.pk
    return Entry.objects.filter(account_id=account_id).order_by("posted_at", "id")
