"""CSV migration import of 100,000 customers with addresses and subscriptions (issue 3).

Generates a file of N customers (default 100,000; ~1.5 products per customer: 60 % one
product, 30 % two, 10 % three; 5 % businesses with a CNPJ; 5 % with a second address; 20 %
with an opening balance) in company bench-002 of the benchmark database, then imports it
through the real service: ``customer_import_enqueue`` (eager Celery runs the task
``imports.customer_import`` on commit, in the calling process, as a worker would). Prints rows/s,
the phase split recorded by the job, and the SQL statements issued. The company's customer data
is emptied (TRUNCATE) before each run, so runs are comparable.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_customers \\
        .venv/bin/python -m benchmarks.customer_import [--customers 100000] [--keep]
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import time

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_customers")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")

from . import common

TARGET_S = 60.0
TABLES = ["customers_customer", "imports_importjob", "customers_group"]


def generate_csv(n: int, *, seed: int = 7) -> tuple[bytes, int]:
    """The file and its number of rows."""
    from tenant_apps.imports.layout import COLUMN_NAMES

    from .customer_search import People, cnpj_from, cpf_for

    people = People(seed)
    rnd = people.rnd
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMN_NAMES)
    rows = 0
    for i in range(n):
        business = rnd.random() < 0.05
        name = people.name()
        if business:
            name = f"{name.split(' ')[-1]} Comércio e Serviços Ltda"
            tax_id = cnpj_from(10_000_000 + i)
        else:
            tax_id = cpf_for(i, salt=seed)
        city, state, zone, street, number = people.place()
        customer = {
            "external_ref": f"LEG-{i:07d}",
            "kind": "business" if business else "person",
            "name": name,
            "trade_name": name.split(" ")[0] if business else "",
            "tax_id": tax_id,
            "customer_type": "business" if business else "residential",
            "phone": people.mobile(state) if rnd.random() < 0.9 else "",
            "email": people.email(name, i) if rnd.random() < 0.5 else "",
        }
        if rnd.random() < 0.2:
            debt = rnd.random() < 0.8
            amount = rnd.randrange(1000, 50000) / 100
            customer["balance"] = f"{amount:.2f}" if debt else f"{-amount:.2f}"
            customer["balance_due_on"] = "2026-11-10" if debt else ""
        else:
            customer["balance"] = customer["balance_due_on"] = ""
        places = [(city, state, zone, street, number)]
        if rnd.random() < 0.05:
            places.append(people.place())
        r = rnd.random()
        products = ["NET-300"] if r < 0.6 else ["NET-300", "TV-HD"] if r < 0.75 else (
            ["NET-300", "WIFI-PLUS"] if r < 0.9 else ["NET-300", "WIFI-PLUS", "TV-HD"]
        )  # fmt: skip
        active = rnd.random() < 0.85
        activated = (
            f"{rnd.randrange(2019, 2026)}-{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}"
        )
        for j, product in enumerate(products):
            place = places[min(j, len(places) - 1)] if product != "WIFI-PLUS" else places[0]
            if product == "TV-HD" and len(places) > 1:
                place = places[1]
            row = {
                **customer,
                "city": place[0],
                "state": place[1],
                "zone": place[2],
                "street": place[3],
                "number": place[4],
                "complement": "",
                "postal_code": "",
                "plan": "COMBO",
                "product": product,
                "status": "active" if active else "pending",
                "activated_on": activated if active else "",
                "price": f"{rnd.randrange(5000, 15000) / 100:.2f}" if rnd.random() < 0.3 else "",
            }
            writer.writerow([row[c] for c in COLUMN_NAMES])
            rows += 1
    return out.getvalue().encode(), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--keep", action="store_true", help="do not empty the company first")
    args = parser.parse_args()

    common.header(f"customer import: {args.customers} customers from CSV")
    common.prepare_database()
    common.setup_django()
    from django.db import connection

    from shared_apps.audit.actor import Actor
    from tenant_apps.imports.models import ImportJob
    from tenant_apps.imports.services import customer_import_enqueue
    from tenants.models import Company
    from tenants.schemas import company_context

    from .customer_search import ensure_catalog

    common.ensure_companies(2)
    company = Company.objects.get(slug=common.company_slug(2))
    with company_context(company):
        ensure_catalog()
        if not args.keep:
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
        t0 = time.perf_counter()
        content, rows = generate_csv(args.customers)
        gen_s = time.perf_counter() - t0
        print(f"   file: {rows} rows, {len(content) / 1e6:.1f} MB (generated in {gen_s:.1f} s)")

        statements = []

        def count(execute, sql, params, many, context):
            statements.append(sql.split(None, 1)[0].upper())
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            t0 = time.perf_counter()
            job = customer_import_enqueue(
                actor=Actor.system("bench"), file_name="bench.csv", content=content
            )
            wall = time.perf_counter() - t0
        job = ImportJob.objects.get(pk=job.pk)
        if job.status != "done":
            raise SystemExit(f"import {job.status}: {job.message} {job.errors[:5]}")
    timings = job.timings
    print(
        f"   {job.status}: {job.customers_created} customers, {job.addresses_created} addresses,"
        f" {job.subscriptions_created} subscriptions, {job.entries_created} opening entries"
    )
    print(
        f"   wall {wall:.1f} s  ->  {rows / wall:,.0f} rows/s, "
        f"{job.customers_created / wall:,.0f} customers/s"
    )
    print("   phases (s): " + ", ".join(f"{k} {v:.2f}" for k, v in timings.items()))
    other = wall - sum(timings.values())
    print(f"   outside the phases (upload row, job updates, commit): {other:.2f} s")
    copies = sum(1 for k in timings if k.startswith("copy_"))
    print(f"   SQL statements: {len(statements)} through execute(), plus {copies} COPY")
    print(f"   target < {TARGET_S:.0f} s: {common.verdict(wall < TARGET_S)}")
    common.save(
        "customer_import",
        {
            "customers": job.customers_created,
            "rows": rows,
            "file_mb": round(len(content) / 1e6, 1),
            "wall_s": round(wall, 2),
            "rows_per_s": round(rows / wall),
            "phases_s": timings,
            "statements": len(statements),
            "copy_statements": copies,
            "target_s": TARGET_S,
            "ok": wall < TARGET_S,
        },
    )


if __name__ == "__main__":
    main()
