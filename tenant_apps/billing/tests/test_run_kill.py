"""Exactly once when a process dies mid-run (issue 4): a real process is SIGKILLed after writing
a chunk's invoices (numbered and posted), before its commit, and again in the middle of
finalize; two chunks are billed by two processes at the same moment; the run is then resumed
and every invoice exists once, numbered without gaps, with one ledger entry each.

A subprocess cannot see a test's transaction, so this module works in a company of its own
(``bill-kill``, created once and committed, like the session world; its rows are wiped at the
start of each run of the module) outside the per-test transaction.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[3]
SLUG = "bill-kill"
WIPE = (
    "billing_invoiceline, billing_oneoffcharge, billing_invoice, billing_billingchunk,"
    " billing_billingrun, ledger_entry, ledger_account, sales_subscriptionpromotion,"
    " sales_subscription, sales_sale, customers_address, customers_customer, customers_group,"
    " sales_planitem, sales_salesplan, catalog_product"
)

SCRIPT = textwrap.dedent(
    """
    import os, signal, sys
    import django
    django.setup()
    from tenants.models import Company
    from tenants.schemas import company_context
    from tenant_apps.billing import engine
    from tenant_apps.billing.services.runs import billing_chunk_run, billing_run_finalize

    what, run_id, index, slug = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    if what not in ("bill", "hold", "issue"):  # "bill": a chunk billed to the end
        engine.AFTER_WRITE = lambda: os.kill(os.getpid(), signal.SIGKILL)
    with company_context(Company.objects.get(slug=slug)):
        if what == "hold":  # as a plan change does: a customer locked, then an invoice number
            import time
            from django.db import transaction
            from tenant_apps.customers.models import Customer
            from tenant_apps.parameters.services import series_take

            with transaction.atomic():
                Customer.objects.select_for_update().get(pk=index)
                print("locked", flush=True)
                time.sleep(float(os.environ.get("HOLD_SECONDS", "1.5")))
                print(series_take(kind="invoice")[0], flush=True)
        elif what == "issue":  # one invoice for a customer (an agent billing charges now)
            from decimal import Decimal
            from shared_apps.audit.actor import Actor
            from tenant_apps.billing.services import LineSpec, invoice_issue
            from tenant_apps.customers.models import Customer

            invoice = invoice_issue(
                actor=Actor.system("kill-test"), kind="one_off",
                customer=Customer.objects.get(pk=index), idempotency_key=f"issue:{index}",
                lines=[LineSpec(kind="charge", description="Visita", amount=Decimal("5.00"))],
                issued_on=__import__("datetime").date(2026, 3, 2),
            )
            print(invoice.number, flush=True)
        elif what in ("chunk", "bill"):
            billing_chunk_run(run_id=run_id, index=index)
        else:
            billing_run_finalize(run_id=run_id)
    print("not killed")
    """
)


def _company():
    from shared_apps.audit.actor import Actor
    from tenants import services
    from tenants.choices import CompanyStatus
    from tenants.models import Company, Operator

    company = Company.objects.filter(slug=SLUG).first()
    if company is None:
        operator = Operator.objects.filter(slug="op-bill-kill").first()
        if operator is None:
            operator, company = services.operator_create(
                actor=Actor.system("tests"),
                name="Operadora Kill",
                slug="op-bill-kill",
                first_company=services.CompanyInput(name="Bill Kill", slug=SLUG),
            )
        company = Company.objects.get(slug=SLUG)
    company.refresh_from_db()
    if company.status != CompanyStatus.READY:
        services.company_provision(company_id=company.pk)
        company.refresh_from_db()
    return company


def _env() -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}"
    if db.get("PASSWORD"):
        url += f":{db['PASSWORD']}"
    url += f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "PYTHONPATH": str(ROOT),
    }


def _subprocess(what: str, run_id: int, index: int = 0) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, what, str(run_id), str(index), SLUG],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _side_by_side(run_id: int, indexes: list[int]) -> list[subprocess.Popen]:
    """Chunks billed to the end by processes of their own, all started at once."""
    return [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT, "bill", str(run_id), str(index), SLUG],
            cwd=ROOT,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in indexes
    ]


@pytest.fixture
def committed(world, django_db_blocker, monkeypatch):
    """Company bill-kill, wiped, with committed facts: 5 customers and a group."""
    from tenant_apps.factories import CustomerFactory, GroupFactory
    from tenants.schemas import company_context

    from .run_facts import subscribe

    with django_db_blocker.unblock():
        company = _company()
        with company_context(company):
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {WIPE} CASCADE")
            group = GroupFactory()
            for i in range(5):
                subscribe(
                    CustomerFactory(),
                    price=f"{10 + i}.00",
                    activated_on=dt.date(2026, 1, 1),
                    promotions=[("percent", "50.00", dt.date(2026, 1, 1), None)] if i == 2 else [],
                )
            subscribe(price="7.00", activated_on=dt.date(2026, 1, 1), group=group)
            yield company
        connection.set_schema_to_public()


@override_settings(BILLING_RUN_CHUNK_PAYERS=2)
def test_killed_chunk_and_killed_finalize_then_resume_bill_each_invoice_once(
    committed, monkeypatch
):
    from tenant_apps.billing.choices import ChunkStatus, RunStatus
    from tenant_apps.billing.models import BillingChunk, BillingRun, Invoice
    from tenant_apps.billing.services import runs
    from tenant_apps.ledger.models import Entry
    from tenant_apps.parameters.models import DocumentSeries

    from .run_facts import ACTOR

    series = DocumentSeries.objects.get(kind="invoice")
    first_number = series.next_number
    # Start without the tasks (they would run eagerly here): the chunks stay pending.
    enqueue = runs._enqueue
    monkeypatch.setattr(runs, "_enqueue", lambda run, indexes: None)
    run = runs.billing_run_start(actor=ACTOR, cycle_start=dt.date(2026, 3, 1))
    assert run.chunks_total == 4
    runs.billing_chunk_run(run_id=run.pk, index=0)
    series.refresh_from_db()
    assert series.next_number == first_number + 2  # chunk 0's invoices are numbered
    assert Entry.objects.filter(idempotency_key__startswith="invoice:").count() == 2

    # A process is killed after writing chunk 1's invoices, lines and entries (numbered: the
    # series row is locked), before its commit.
    killed = _subprocess("chunk", run.pk, 1)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    assert BillingChunk.objects.get(run=run, index=1).status == ChunkStatus.PENDING
    assert Invoice.objects.filter(run=run).count() == 2  # chunk 0's only: 1's rolled back
    series.refresh_from_db()
    assert series.next_number == first_number + 2  # its numbers were given back
    assert Entry.objects.filter(idempotency_key__startswith="invoice:").count() == 2

    # The chunk is billed again from nothing (as its redelivered task does), side by side with
    # chunk 2 in another process: both take numbers from the locked series, one after the other.
    processes = _side_by_side(run.pk, [1, 2])
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0 and "not killed" in out, err[-2000:]
    runs.billing_chunk_run(run_id=run.pk, index=3)
    run.refresh_from_db()
    assert run.chunks_done == 4
    assert not Invoice.objects.filter(run=run, status="draft").exists()
    chunks = {c.index: c for c in BillingChunk.objects.filter(run=run)}
    assert chunks[0].first_number == first_number and chunks[3].invoices_count == 1
    blocks = sorted(
        n for c in chunks.values() for n in range(c.first_number, c.first_number + c.invoices_count)
    )
    assert blocks == list(range(first_number, first_number + 6))  # disjoint, no gap
    for chunk in chunks.values():  # each chunk's invoices hold its block of numbers
        low, high = chunk.first_number, chunk.first_number + chunk.invoices_count
        payer = "customer_id" if chunk.payer_kind == "customer" else "group_id"
        numbers = Invoice.objects.filter(
            run=run, **{f"{payer}__gte": chunk.low_id, f"{payer}__lte": chunk.high_id}
        ).order_by(payer)
        assert [inv.number for inv in numbers] == [series.format(n) for n in range(low, high)]

    # A process is killed in the middle of finalize (the run's figures, not committed).
    killed = _subprocess("finalize", run.pk)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    series.refresh_from_db()
    assert series.next_number == first_number + 6

    # Resumed (its tasks run now, eagerly): finalize, once.
    run.refresh_from_db()
    assert run.status == RunStatus.FINALIZING  # left so by the killed process
    monkeypatch.setattr(runs, "_enqueue", enqueue)
    runs.billing_run_resume(actor=ACTOR, run=run)
    run = BillingRun.objects.get(pk=run.pk)
    assert run.status == RunStatus.DONE
    runs.billing_run_start(actor=ACTOR, cycle_start=dt.date(2026, 3, 1))  # again: nothing
    invoices = list(Invoice.objects.filter(run=run).order_by("number"))
    payers = [(inv.customer_id, inv.group_id) for inv in invoices]
    assert len(payers) == len(set(payers)) == 6
    assert [inv.number for inv in invoices] == [series.format(first_number + i) for i in range(6)]
    series.refresh_from_db()
    assert series.next_number == first_number + 6
    entries = Entry.objects.filter(idempotency_key__startswith="invoice:")
    assert entries.count() == 6
    assert sorted(e.amount for e in entries) == sorted(inv.total for inv in invoices)
    assert sum(inv.total for inv in invoices) == Decimal("61.00")  # 10+11+6+13+14 + 7
    assert run.invoices_count == 6 and run.total == Decimal("61.00")


@pytest.mark.django_db  # (also what makes pytest-django set up the test database for this module)
def test_every_exception_code_is_worded(in_a1):
    from tenant_apps.billing.engine import Summary
    from tenant_apps.billing.services.runs import EXCEPTION_MESSAGES, exception_rows

    summary = Summary(
        missing_tax={"tv": 2},
        nothing_billable=["customer:1"],
        nothing_billable_count=1,
        credit_carried=["group:3"],
        credit_carried_count=1,
        zero_total=1,
    )
    rows = exception_rows(summary.exceptions())
    assert {row["code"] for row in rows} == set(EXCEPTION_MESSAGES)
    assert all(row["message"] and row["message"] != row["code"] for row in rows)


@override_settings(BILLING_RUN_CHUNK_PAYERS=10)
def test_a_chunk_and_a_customer_lock_then_an_invoice_number_never_deadlock(committed):
    """A process locks a customer of the chunk, then takes an invoice number, as a plan change
    to prepaid does (its final invoice); the chunk is billed meanwhile. The chunk locks its
    payers before the series, so it waits for that process instead of holding the series while
    waiting for the customer: both finish, and the numbers have no gap."""
    from tenant_apps.billing.models import BillingChunk, Invoice
    from tenant_apps.billing.services import runs
    from tenant_apps.customers.models import Customer
    from tenant_apps.parameters.models import DocumentSeries

    from .run_facts import ACTOR

    series = DocumentSeries.objects.get(kind="invoice")
    first_number = series.next_number
    runs._enqueue, enqueue = (lambda run, indexes: None), runs._enqueue
    try:
        run = runs.billing_run_start(actor=ACTOR, cycle_start=dt.date(2026, 3, 1))
    finally:
        runs._enqueue = enqueue
    customer = Customer.objects.order_by("id").first()
    holder = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, "hold", str(run.pk), str(customer.pk), SLUG],
        cwd=ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "locked"
    billed = _side_by_side(run.pk, [0])  # the customers' chunk, while the customer is held
    out, err = holder.communicate(timeout=120)
    assert holder.returncode == 0, err[-2000:]
    for process in billed:
        chunk_out, chunk_err = process.communicate(timeout=120)
        assert process.returncode == 0 and "not killed" in chunk_out, chunk_err[-2000:]
    chunk = BillingChunk.objects.get(run=run, index=0)
    assert chunk.status == "done" and chunk.invoices_count == 5
    taken = out.splitlines()[0]  # (its first line, "locked", was read above)
    numbers = sorted([taken, *Invoice.objects.filter(run=run).values_list("number", flat=True)])
    assert numbers == [series.format(first_number + i) for i in range(6)]


def test_one_invoice_and_a_customer_lock_then_an_invoice_number_never_deadlock(committed):
    """The same for one invoice (an agent billing a customer's charges now) while a plan change
    holds that customer: the invoice locks its payer before the series, so both finish."""
    from tenant_apps.customers.models import Customer
    from tenant_apps.parameters.models import DocumentSeries

    series = DocumentSeries.objects.get(kind="invoice")
    first_number = series.next_number
    customer = Customer.objects.order_by("id").first()

    def start(what: str) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-c", SCRIPT, what, "0", str(customer.pk), SLUG],
            cwd=ROOT,
            env={**_env(), "HOLD_SECONDS": "4"},  # the invoice gets to the series first
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    holder = start("hold")
    assert holder.stdout.readline().strip() == "locked"
    issuer = start("issue")
    held, held_err = holder.communicate(timeout=120)
    issued, issued_err = issuer.communicate(timeout=120)
    assert holder.returncode == 0, held_err[-2000:]
    assert issuer.returncode == 0, issued_err[-2000:]
    numbers = sorted([held.splitlines()[0], issued.splitlines()[0]])
    assert numbers == [series.format(first_number), series.format(first_number + 1)]
