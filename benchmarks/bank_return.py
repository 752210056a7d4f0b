"""Importing a bank return file (issue 4, B2): the CSV of N paid bank slips of the billing run
benchmark's company (bench-001: its November run billed again in this process first, not
timed), imported by ``collections.services.bank_return_import`` (the upload,
then what the background task does, in this process), timed with its statements counted. Then
the same file again (every record "already imported").

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_billing \\
        .venv/bin/python -m benchmarks.bank_return [--records 5000]
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_billing")

from . import common


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    args = parser.parse_args()
    common.header(f"bank return import: {args.records:,} records")
    common.prepare_database()
    common.setup_django()
    from django.db import connection

    from shared_apps.audit.actor import Actor
    from tenant_apps.billing.models import Invoice
    from tenant_apps.billing.services.runs import billing_run_start
    from tenant_apps.collections.models import BankReturn, Payment
    from tenant_apps.collections.services import bank_return_import
    from tenants.schemas import company_context

    from .billing_run import CYCLE_START, ensure_dataset, reset_run

    company = ensure_dataset(250_000)
    actor = Actor.system("bench")
    with company_context(company):
        print("   billing November in this process (not timed)")
        reset_run()  # (the invoices, entries and, by cascade, the payments of earlier runs)
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE collections_bankreturn CASCADE")
        billing_run_start(actor=actor, cycle_start=CYCLE_START)
        rows = list(
            Invoice.objects.filter(status="open")
            .order_by("id")
            .values_list("number", "total")[: args.records]
        )
        data = ("invoice_number;amount_paid;paid_on;bank_id\n" + "".join(
            f"{number};{total};2026-12-10;B{i}\n" for i, (number, total) in enumerate(rows)
        )).encode()  # fmt: skip
        figures = {}
        for label in ("first", "again"):
            statements = []

            def count(execute, sql, params, many, context, _s=statements):
                _s.append(sql)
                return execute(sql, params, many, context)

            t0 = time.perf_counter()
            with connection.execute_wrapper(count):
                batch = bank_return_import(actor=actor, file_name=f"{label}.csv", data=data)
            seconds = time.perf_counter() - t0
            figures[label] = {
                "s": round(seconds, 2),
                "records_per_s": round(len(rows) / seconds),
                "statements_per_record": round(len(statements) / len(rows), 1),
                "matched": batch.matched,
                "already": batch.already,
            }
            print(
                f"   {label:<5} {seconds:6.2f} s: {len(rows) / seconds:,.0f} records/s,"
                f" {len(statements) / len(rows):.1f} statements per record;"
                f" {batch.matched:,} posted, {batch.already:,} already imported"
            )
        assert Payment.objects.count() == len(rows) and BankReturn.objects.count() == 2
    common.save("bank_return", {"records": len(rows), **figures})


if __name__ == "__main__":
    main()
