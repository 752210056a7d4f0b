"""The customer 360 selector: one statement, the same balance and debt as the ledger's own
selectors."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenant_apps.customers.selectors import customer_overview
from tenant_apps.ledger.models import Account
from tenant_apps.ledger.selectors import account_balance, customer_debt

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("today", [dt.date(2026, 1, 5), dt.date(2026, 1, 6), dt.date(2027, 1, 1)])
def test_overview_is_one_statement_with_the_ledgers_balance_and_debt(in_a1, today):
    """One SQL statement; balance and debt equal account_balance and customer_debt."""
    from tenant_apps.parameters.selectors import company_parameters

    from .factories import rich_customer

    customer = rich_customer()
    time_zone = company_parameters().time_zone
    with CaptureQueriesContext(connection) as ctx:
        data = customer_overview(customer.pk, today=today, time_zone=time_zone)
    assert len(ctx.captured_queries) == 1
    debt = customer_debt(customer.pk, today=today)
    assert data["balance"] == str(account_balance(Account.objects.get(customer=customer)))
    assert data["debt"] == {
        "overdue": str(debt.overdue),
        "oldest_overdue_on": debt.oldest_overdue_on.isoformat() if debt.oldest_overdue_on else None,
        "days_overdue": debt.days_overdue,
    }
    assert "entries" not in data


def test_overview_of_a_customer_without_anything(in_a1):
    """A customer with no contacts, addresses or entries: empty lists, zero balance."""
    from tenant_apps.factories import CustomerFactory

    customer = CustomerFactory()
    data = customer_overview(customer.pk, today=dt.date(2026, 6, 1))
    assert data["addresses"] == [] and data["contacts"] == [] and data["history"] == []
    assert data["balance"] == "0.00"
    assert data["debt"]["overdue"] == "0.00"
    assert customer_overview(999999, today=dt.date(2026, 6, 1)) is None


def test_overview_statement_reads_every_table_by_an_index(in_a1):
    """With sequential scans disabled, the 360 statement has no Seq Scan: every nested list
    (contacts, addresses, subscriptions, promotions, requests, records, history, entries) is
    read through an index of its customer, address or subscription."""
    from django.utils import timezone

    from tenant_apps.customers.models import Customer
    from tenant_apps.customers.selectors import _overview_sql

    from .factories import rich_customer

    customer = rich_customer()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN " + _overview_sql(),
            [timezone.get_current_timezone_name(), Customer._meta.label_lower, customer.pk],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
    assert "audit_event_object" in plan, plan  # the history, by the audit trail's index


def test_an_opening_without_due_date_is_due_the_local_day_it_was_posted(in_a1):
    """A migrated opening balance posted at 01:30 UTC on 2 March is 22:30 on 1 March in São
    Paulo: on 2 March it is one day overdue, for the 360 and for the ledger's own selector
    (whatever the server's time zone)."""
    from tenant_apps.factories import CustomerFactory

    customer = CustomerFactory()
    account = Account.objects.get(customer=customer)
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO ledger_entry (account_id, kind, amount, description, posted_at, "
            "idempotency_key, posted_by) VALUES (%s, 'opening', 10.00, 'opening', "
            "'2026-03-02 01:30:00+00', %s, 'tests')",
            [account.pk, f"tz-{customer.pk}"],
        )
    today = dt.date(2026, 3, 2)
    data = customer_overview(customer.pk, today=today, time_zone="America/Sao_Paulo")
    assert data["debt"] == {
        "overdue": "10.00",
        "oldest_overdue_on": "2026-03-01",
        "days_overdue": 1,
    }
    debt = customer_debt(customer.pk, today=today, time_zone="America/Sao_Paulo")
    assert (debt.overdue, debt.days_overdue) == (Decimal("10.00"), 1)
    utc = customer_debt(customer.pk, today=today, time_zone="UTC")
    assert utc.overdue == Decimal("0.00")
