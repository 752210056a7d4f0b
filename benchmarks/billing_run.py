"""The billing run (issue 4, B1): one company with 100,000 postpaid customers (250,000
subscriptions, 20 % with an active promotion, 5 % of the customers in groups), billed end to end
by REAL Celery worker processes (one ``celery worker -Q billing --concurrency 2``), timed from
``billing_run_start`` to the run being done (finalize included; PDFs are a separate step).
Targets: under 15 s; with ``--subscriptions 1000000``, under 60 s. Also a bare COPY of the
same invoice, line and entry rows into same-shaped indexed tables, for the ratio.

The data (deterministic, written once with COPY, reused afterwards): company bench-001 for
250,000 subscriptions, bench-002 for 1,000,000, of database bench_billing; the cycle billed is
November 2026 (billing day 1, in arrears), with a few activations and cancellations inside it
and taxes on both systems. Before each run the previous run's rows are truncated.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_billing \\
        .venv/bin/python -m benchmarks.billing_run [--subscriptions 250000] [--runs 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_billing")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

from . import common

CYCLE_START = dt.date(2026, 11, 1)
CYCLE_END = dt.date(2026, 12, 1)
GROUP_SIZE = 20
BATCH = 50_000


def _copy(cursor, table: str, columns: str, rows) -> None:
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def generate(subscriptions: int, *, say=print) -> None:
    """Customers with 2 or 3 subscriptions each (2.5 on average), their addresses, sales and
    accounts; 20 % of the subscriptions with a 50 % promotion covering the cycle; 5 % of the
    customers members of a group (of 20) that pays their main product; 3 % activated and 2 %
    cancelled inside the cycle. Foreign keys unchecked during the load (consistent ids)."""
    from django.db import connection
    from django.utils import timezone

    from tenant_apps.billing.models import TaxRate

    from .customer_search import ensure_catalog

    catalog = ensure_catalog()
    items, products, plan = catalog["items"], catalog["products"], catalog["plan"]
    zone_id = _zone_id()
    TaxRate.objects.get_or_create(
        system="internet", name="ISS", defaults={"rate": Decimal("5"), "mode": "added"}
    )
    TaxRate.objects.get_or_create(
        system="tv", name="ICMS", defaults={"rate": Decimal("25"), "mode": "included"}
    )
    customers = int(subscriptions / 2.5)
    rnd = random.Random(2026)
    now = timezone.now()
    codes = ("NET-300", "TV-HD", "WIFI-PLUS")
    sub_id = promo_id = 0
    groups = max(1, customers * 5 // 100 // GROUP_SIZE)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        _copy(
            cursor,
            "customers_group",
            "id, name, kind, tax_id, notes, created_at",
            ((g, f"Condomínio {g}", "consortium", "", "", now) for g in range(1, groups + 1)),
        )
        _copy(
            cursor,
            "ledger_account",
            "group_id, created_at",
            ((g, now) for g in range(1, groups + 1)),
        )
        for start in range(0, customers, BATCH):
            rows = {k: [] for k in ("c", "a", "acc", "s", "sub", "p")}
            for i in range(start, min(customers, start + BATCH)):
                cid = i + 1
                rows["c"].append(
                    (cid, f"B{cid:08d}", "person", f"Cliente {cid}", "", f"{cid:011d}", "BR",
                     "residential", "active", "", "", f"cliente {cid}", f"cliente {cid}", now,
                     now)
                )  # fmt: skip
                rows["a"].append((cid, cid, zone_id, "Rua A", "1", "", "90000-000", True, now))
                rows["acc"].append((cid, now))
                rows["s"].append((cid, f"BC{cid:08d}", "new", cid, cid, plan.pk, now, "bench", 0))
                group = (cid % groups) + 1 if i % 20 == 0 else None  # 5 % in groups
                count = subscriptions // customers + (1 if rnd.random() < 0.5 else 0)
                for k in range(count):
                    sub_id += 1
                    code = codes[k % 3]
                    product = products[code]
                    activated = dt.date(2025, 1, 1) + dt.timedelta(days=rnd.randrange(0, 600))
                    ends = None
                    status = "active"
                    r = rnd.random()
                    if r < 0.03:
                        activated = CYCLE_START + dt.timedelta(days=rnd.randrange(0, 30))
                    elif r < 0.05:
                        ends = CYCLE_START + dt.timedelta(days=rnd.randrange(0, 30))
                        status = "cancelled"
                    rows["sub"].append(
                        (sub_id, cid, cid, cid, plan.pk, items[code].pk, product.pk, None,
                         status, "", False, product.monthly_price, product.daily_cost,
                         group if k == 0 else None, activated, ends, "", "", now)
                    )  # fmt: skip
                    if rnd.random() < 0.2:
                        promo_id += 1
                        rows["p"].append(
                            (promo_id, sub_id, None, "Boas-vindas", "percent", Decimal("50.00"),
                             3, dt.date(2026, 10, 1), dt.date(2027, 1, 1))
                        )  # fmt: skip
            _copy(cursor, "customers_customer",
                  "id, code, kind, name, trade_name, tax_id, tax_id_country, customer_type,"
                  " status, external_ref, notes, search_name, search_text, created_at,"
                  " updated_at", rows["c"])  # fmt: skip
            _copy(cursor, "customers_address",
                  "id, customer_id, zone_id, street, number, complement, postal_code,"
                  " is_active, created_at", rows["a"])  # fmt: skip
            _copy(cursor, "ledger_account", "customer_id, created_at", rows["acc"])
            _copy(cursor, "sales_sale",
                  "id, number, kind, customer_id, address_id, plan_id, at, seller_label,"
                  " installation_fee", rows["s"])  # fmt: skip
            _copy(cursor, "sales_subscription",
                  "id, customer_id, address_id, sale_id, plan_id, plan_item_id, product_id,"
                  " main_id, status, suspension, prepaid, price, daily_cost, billed_to_group_id,"
                  " activated_on, ends_on, cancel_reason, cancel_note, created_at",
                  rows["sub"])  # fmt: skip
            _copy(cursor, "sales_subscriptionpromotion",
                  "id, subscription_id, source_id, name, discount_kind, value, months,"
                  " starts_on, ends_on", rows["p"])  # fmt: skip
            say(f"   {min(customers, start + BATCH):>9,} customers, {sub_id:,} subscriptions")
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        for table in ("customers_group", "customers_customer", "customers_address",
                      "ledger_account", "sales_sale", "sales_subscription",
                      "sales_subscriptionpromotion"):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
            )
            cursor.execute(f"ANALYZE {table}")


def _zone_id() -> int:
    from tenant_apps.locations.models import Zone

    return Zone.objects.order_by("pk").values_list("pk", flat=True).first()


def ensure_dataset(subscriptions: int, *, say=print):
    from django.db import transaction

    from tenant_apps.sales.models import Subscription
    from tenants.models import Company
    from tenants.schemas import company_context

    common.prepare_database()
    number = 1 if subscriptions <= 250_000 else 2
    common.ensure_companies(number, say=say)
    company = Company.objects.get(slug=common.company_slug(number))
    with company_context(company):
        have = Subscription.objects.count()
        if have == 0:
            say(f"   generating {subscriptions:,} subscriptions in {company.slug} (not timed)")
            t0 = time.perf_counter()
            with transaction.atomic():
                generate(subscriptions, say=say)
            say(f"   generated in {time.perf_counter() - t0:.0f} s")
        elif abs(have - subscriptions) > subscriptions // 10:
            raise SystemExit(f"{company.slug} has {have:,} subscriptions, not ~{subscriptions:,}")
    return company


RUN_TABLES = (
    "billing_invoiceline, billing_invoice, billing_billingchunk, billing_billingrun, ledger_entry"
)


def reset_run() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {RUN_TABLES} CASCADE")
        cursor.execute("UPDATE parameters_documentseries SET next_number = 1 WHERE kind='invoice'")
        cursor.execute("VACUUM ANALYZE billing_invoice")


def start_worker(concurrency: int) -> subprocess.Popen:
    """One worker on the billing queue, started and ready before the clock starts."""
    env = common.bench_env(BENCH_CELERY_EAGER="false")
    worker = subprocess.Popen(
        [common.PYTHON, "-m", "celery", "-A", "config.celery", "worker", "-Q", "billing",
         "--concurrency", str(concurrency), "--pool", "prefork", "--loglevel", "INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=common.ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    deadline = time.perf_counter() + 120
    for line in worker.stdout:
        if " ready." in line:
            break
        if time.perf_counter() > deadline:
            raise SystemExit("the Celery worker did not start")
    threading.Thread(target=_drain, args=(worker.stdout,), daemon=True).start()
    time.sleep(1)
    return worker


def _drain(stream) -> None:
    for line in stream:
        if "ERROR" in line or "Traceback" in line:
            print("   worker:", line.rstrip())


def timed_run() -> tuple[float, object]:
    from shared_apps.audit.actor import Actor
    from tenant_apps.billing.models import BillingRun
    from tenant_apps.billing.services.runs import billing_run_start

    t0 = time.perf_counter()
    run = billing_run_start(actor=Actor.system("bench"), cycle_start=CYCLE_START)
    while True:
        run.refresh_from_db()
        if run.status in ("done", "failed"):
            break
        if time.perf_counter() - t0 > 900:
            raise SystemExit("the run did not finish in 15 minutes")
        time.sleep(0.05)
    elapsed = time.perf_counter() - t0
    if run.status != "done":
        raise SystemExit(f"the run failed: {run.error}")
    return elapsed, BillingRun.objects.get(pk=run.pk)


def phases(run) -> dict:
    """Where the time went: start to the first chunk's transaction, the chunks, finalize."""
    first = run.chunks.order_by("finished_at").first()
    last = run.chunks.order_by("-finished_at").first()
    if first is None:
        return {}
    return {
        "start_to_first_chunk_s": round((run.started_at - run.requested_at).total_seconds(), 2),
        "chunks_s": round((last.finished_at - run.started_at).total_seconds(), 2),
        "finalize_s": round((run.finished_at - last.finished_at).total_seconds(), 2),
    }


def bare_copy() -> tuple[float, int]:
    """COPY the run's invoice, line and entry rows into same-shaped tables with the same
    indexes (``LIKE ... INCLUDING ALL``), timed; the rows are read into memory first."""
    from django.db import connection

    tables = ("billing_invoice", "billing_invoiceline", "ledger_entry")
    buffers = {}
    rows = 0
    with connection.cursor() as cursor:
        for table in tables:
            buffer = io.BytesIO()
            with cursor.copy(f"COPY {table} TO STDOUT (FORMAT binary)") as copy:
                for data in copy:
                    buffer.write(data)
            buffers[table] = buffer.getvalue()
            cursor.execute(f"SELECT count(*) FROM {table}")
            rows += cursor.fetchone()[0]
            cursor.execute(f"DROP TABLE IF EXISTS bare_{table}")
            cursor.execute(f"CREATE TABLE bare_{table} (LIKE {table} INCLUDING ALL)")
        t0 = time.perf_counter()
        for table in tables:
            with cursor.copy(f"COPY bare_{table} FROM STDIN (FORMAT binary)") as copy:
                copy.write(buffers[table])
        elapsed = time.perf_counter() - t0
        for table in tables:
            cursor.execute(f"DROP TABLE bare_{table}")
    return elapsed, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--generate-only", action="store_true")
    args = parser.parse_args()
    common.header(
        f"billing run: {args.subscriptions:,} subscriptions, worker concurrency {args.concurrency}"
    )
    common.prepare_database()
    common.setup_django()
    from config.celery import app
    from tenant_apps.billing.models import InvoiceLine
    from tenants.schemas import company_context

    company = ensure_dataset(args.subscriptions)  # (company creation: eager tasks)
    if args.generate_only:
        return
    app.conf.task_always_eager = False  # the run's tasks go to the real workers
    target = 15.0 if args.subscriptions <= 250_000 else 60.0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the worker on the way out
    worker = start_worker(args.concurrency)
    results = []
    try:
        with company_context(company):
            for _ in range(args.runs):
                reset_run()
                elapsed, run = timed_run()
                copy_s, rows = bare_copy()
                lines = InvoiceLine.objects.count()
                results.append(
                    {
                        "seconds": round(elapsed, 2),
                        "invoices": run.invoices_count,
                        "lines": lines,
                        "total": str(run.total),
                        "chunks": run.chunks_total,
                        "bare_copy_seconds": round(copy_s, 2),
                        "bare_copy_rows": rows,
                        "ratio_to_copy": round(elapsed / copy_s, 1),
                        "phases": phases(run),
                        "ok": elapsed < target,
                    }
                )
                print(
                    f"   run {elapsed:6.2f} s: {run.invoices_count:,} invoices, {lines:,} lines,"
                    f" {run.chunks_total} chunks, total {run.total};"
                    f" bare COPY of the {rows:,} rows {copy_s:.2f} s"
                    f" ({rows / copy_s:,.0f} rows/s), ratio {elapsed / copy_s:.1f}"
                    f"  (target < {target:.0f} s: {common.verdict(elapsed < target)})"
                )
                figures = results[-1]["phases"].items()
                print("   phases: " + ", ".join(f"{k} {v} s" for k, v in figures))
        with company_context(company):
            # The preview (a background task in the product) computes every chunk as the run
            # does, in one process, writing nothing: its time, for the note.
            from tenant_apps.billing.services.runs import billing_run_preview

            reset_run()  # (a cycle already run previews as its run's figures)
            t0 = time.perf_counter()
            preview = billing_run_preview(cycle_start=CYCLE_START)
            preview_s = time.perf_counter() - t0
            print(f"   preview {preview_s:6.2f} s (one process): {preview.invoices:,} invoices")
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    results.append({"preview_seconds": round(preview_s, 2)})
    common.save(
        f"billing_run_{args.subscriptions}", {"subscriptions": args.subscriptions, "runs": results}
    )


if __name__ == "__main__":
    main()
