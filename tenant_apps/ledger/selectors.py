"""Reading current accounts: balances and debt (what the sale conditions check)."""

from __future__ import annotations

import zoneinfo
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


def customer_debt(customer_id: int, *, today: date, time_zone: str | None = None) -> Debt:
    """The customer's debt on ``today``; an entry without a due date is due the day it was
    posted, in the company's time zone."""
    from tenant_apps.parameters.selectors import company_parameters

    zone = zoneinfo.ZoneInfo(time_zone or company_parameters().time_zone)
    rows = (
        Entry.objects.filter(account__customer_id=customer_id)
        .annotate(posted_on=TruncDate("posted_at", tzinfo=zone))
        .values_list("amount", "due_on", "posted_on")
    )
    return debt_of((EntryFact(a, due or posted) for a, due, posted in rows), today=today)


def entries_for(account: Account | int):
    account_id = account if isinstance(account, int) else account.pk
    return Entry.objects.filter(account_id=account_id).order_by("posted_at", "id")


def customer_entry_facts_sql(customer_id_sql: str) -> str:
    """A SQL expression: the JSON array of a customer's entries as debt facts
    (``amount`` as text, ``due_on``: its due date, else the day it was posted, in the time zone
    given as the one %s parameter), for a read that gathers everything in one statement
    (the customer 360). ``debt_from_facts`` turns the array into a Debt, as ``customer_debt``
    does from rows."""
    entry = Entry._meta.db_table
    account = Account._meta.db_table
    # Only table names and a column reference written in code go into the text; values are
    # parameters.
    template = (
        "COALESCE((SELECT json_agg(json_build_object("
        "'amount', e.amount::text, "
        "'due_on', COALESCE(e.due_on, (e.posted_at AT TIME ZONE %s)::date)) ORDER BY e.id) "
        'FROM "{entry}" e JOIN "{account}" a ON a.id = e.account_id '
        "WHERE a.customer_id = {customer}), '[]'::json)"
    )
    return template.format(entry=entry, account=account, customer=customer_id_sql)


def debt_from_facts(facts: list[dict], *, today: date) -> Debt:
    """The Debt of the facts built by ``customer_entry_facts_sql``."""
    return debt_of(
        (EntryFact(Decimal(f["amount"]), date.fromisoformat(f["due_on"])) for f in facts),
        today=today,
    )
