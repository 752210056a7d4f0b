"""Reading current accounts: balances and debt (what the sale conditions check)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.db.models.functions import Coalesce

from .debt import Debt, EntryFact, InvoiceFact, debt_of
from .models import Account, Entry

CENT = Decimal("0.01")


def account_balance(account: Account | int) -> Decimal:
    """The balance: always the sum of the account's entries (positive: the holder owes)."""
    account_id = account if isinstance(account, int) else account.pk
    return Entry.objects.filter(account_id=account_id).aggregate(
        total=Coalesce(Sum("amount"), Decimal("0.00"))
    )["total"]


def customer_debt(customer_id: int, *, today: date, time_zone: str | None = None) -> Debt:
    """The customer's debt on ``today`` (the rule in ``ledger.debt``), in one statement; an
    opening without a due date is due the day it was posted, in the company's time zone."""
    facts = _read_facts(customer_entry_facts_sql("%s"), customer_id, time_zone=time_zone)
    return debt_from_facts(facts, today=today)


def entries_for(account: Account | int):
    account_id = account if isinstance(account, int) else account.pk
    return Entry.objects.filter(account_id=account_id).order_by("posted_at", "id")


def customer_entry_facts_sql(customer_id_sql: str) -> str:
    """The debt facts of the customer whose id is the SQL expression ``customer_id_sql``
    (see ``account_facts_sql``)."""
    return account_facts_sql(f"a.customer_id = {customer_id_sql}")


def account_facts(account_id: int, *, time_zone: str | None = None) -> dict:
    """The raw debt facts of one account (see ``account_facts_sql``), in one statement."""
    return _read_facts(account_facts_sql("a.id = %s"), account_id, time_zone=time_zone)


def _read_facts(facts_sql: str, holder_id: int, *, time_zone: str | None) -> dict:
    """Run ``SELECT <facts_sql>`` (its %s parameters: the time zone, then ``holder_id``)."""
    from django.db import connection

    from tenant_apps.parameters.selectors import company_parameters

    zone = time_zone or company_parameters().time_zone
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {facts_sql}", [zone, holder_id])
        facts = cursor.fetchone()[0]
    return facts if isinstance(facts, dict) else json.loads(facts)


def opening_facts(facts: dict) -> list[EntryFact]:
    """The openings of ``account_facts`` as EntryFacts."""
    return [
        EntryFact(_money(e["amount"]), date.fromisoformat(e["due_on"])) for e in facts["openings"]
    ]


def account_facts_sql(account_where: str) -> str:
    """A SQL expression: the JSON object of a customer's debt facts, for a read that gathers
    everything in one statement (the customer 360, ``customer_debt``): ``balance`` (the sum of
    the entries), ``invoices`` (the open invoices with their open amount and due date),
    ``openings`` (the migrated opening-balance entries not reversed: ``amount`` and ``due_on``,
    else the day posted in the time zone given as the one %s parameter) and ``credit`` (the
    posted payments' amounts minus their allocations). ``debt_from_facts`` turns it into a
    Debt. Every part is read through an index of the customer's account."""
    from tenant_apps.billing.choices import InvoiceStatus
    from tenant_apps.billing.models import Invoice
    from tenant_apps.collections.choices import PaymentStatus
    from tenant_apps.collections.models import Allocation, Payment

    from .choices import EntryKind

    # Only table names, constants and a column reference written in code go into the text;
    # values are parameters.
    template = """COALESCE((SELECT json_build_object(
  'balance', COALESCE((SELECT SUM(e.amount) FROM "{entry}" e WHERE e.account_id = a.id),
                      0.00)::text,
  'invoices', COALESCE((SELECT json_agg(json_build_object(
      'number', i.number, 'open_amount', i.open_amount::text, 'due_on', i.due_on)
      ORDER BY i.due_on, i.id)
    FROM "{invoice}" i WHERE i.account_id = a.id AND i.status = '{open}'
      AND i.open_amount > 0), '[]'::json),
  'openings', COALESCE((SELECT json_agg(json_build_object(
      'amount', e.amount::text,
      'due_on', COALESCE(e.due_on, (e.posted_at AT TIME ZONE %s)::date)) ORDER BY e.id)
    FROM "{entry}" e WHERE e.account_id = a.id AND e.kind = '{opening}'
      AND NOT EXISTS (SELECT 1 FROM "{entry}" r WHERE r.reverses_id = e.id)), '[]'::json),
  'credit', (COALESCE((SELECT SUM(p.amount) FROM "{payment}" p
                       WHERE p.account_id = a.id AND p.status = '{posted}'), 0.00)
           - COALESCE((SELECT SUM(al.amount) FROM "{allocation}" al
                       JOIN "{payment}" p ON p.id = al.payment_id
                       WHERE p.account_id = a.id AND p.status = '{posted}'), 0.00))::text)
  FROM "{account}" a WHERE {where}),
  json_build_object('balance', '0.00', 'invoices', '[]'::json, 'openings', '[]'::json,
                    'credit', '0.00'))"""
    return template.format(
        entry=Entry._meta.db_table,
        account=Account._meta.db_table,
        invoice=Invoice._meta.db_table,
        payment=Payment._meta.db_table,
        allocation=Allocation._meta.db_table,
        open=InvoiceStatus.OPEN.value,
        opening=EntryKind.OPENING.value,
        posted=PaymentStatus.POSTED.value,
        where=account_where,
    )


def debt_from_facts(facts: dict, *, today: date) -> Debt:
    """The Debt of the facts built by ``customer_entry_facts_sql``."""
    return debt_of(
        balance=_money(facts["balance"]),
        invoices=(
            InvoiceFact(i["number"], _money(i["open_amount"]), date.fromisoformat(i["due_on"]))
            for i in facts["invoices"]
        ),
        openings=opening_facts(facts),
        credit=_money(facts["credit"]),
        today=today,
    )


def _money(text: str) -> Decimal:
    return Decimal(text).quantize(CENT)
