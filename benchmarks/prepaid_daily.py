"""The daily prepaid job for 100,000 prepaid subscriptions (issue 4): wall time of
``tenant_apps.prepaid.services.prepaid_day_run`` for one day, then again for the same day
(nothing left to do), then the next day. Target: under 10 s for the first run.

The data (company bench-001 of its own database, written with COPY, once; reused afterwards):
``--wallets`` customers (default 50,000), each with one prepaid contract of two products
(daily costs 1.0000 + 0.6667: a daily value of 1.67), so 100,000 prepaid subscriptions; every
wallet starts with one recharge entry (the balance is the sum of its entries): 10 % of them
below the daily value (their services go off at the first midnight, two deactivate commands
each), the rest between 10.00 and 100.00. Before each measurement the prepaid state is put back
(entries and commands truncated, balances, statuses reset; not timed) and the tables analysed.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_prepaid \\
        .venv/bin/python -m benchmarks.prepaid_daily [--wallets 50000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import time
from decimal import Decimal

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_prepaid")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")

from . import common

DAY = dt.date(2026, 12, 4)
ACTIVATED = dt.date(2026, 1, 5)
PRODUCTS = [  # code, name, system, technology, monthly price, daily cost
    ("PRE-NET", "Internet pré-pago", "internet", "ftth", "50.00", "1.0000"),
    ("PRE-TV", "TV pré-paga", "tv", "hfc", "20.00", "0.6667"),
]
TARGET_S = 10.0


def _copy(cursor, model, names: list[str], rows) -> None:
    columns = ", ".join(f'"{model._meta.get_field(n).column}"' for n in names)
    with cursor.copy(f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)


def ensure_catalog():
    from tenant_apps.catalog.models import Product
    from tenant_apps.locations.models import City, Zone
    from tenant_apps.sales.models import PlanItem, SalesPlan

    city, _ = City.objects.get_or_create(name="Porto Alegre", state="RS")
    zone, _ = Zone.objects.get_or_create(
        city=city, name="Centro", defaults={"technologies": ["ftth", "hfc"]}
    )
    plan, _ = SalesPlan.objects.get_or_create(
        code="PRE-COMBO",
        defaults={
            "name": "Combo pré-pago",
            "kind": "prepaid",
            "valid_from": dt.date(2020, 1, 1),
            "free_installation": True,
            "min_recharge": Decimal("20.00"),
        },
    )
    items = []
    for code, name, system, tech, price, cost in PRODUCTS:
        product, _ = Product.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "system": system,
                "role": "main",
                "technology": tech,
                "monthly_price": Decimal(price),
                "daily_cost": Decimal(cost),
            },
        )
        item, _ = PlanItem.objects.get_or_create(plan=plan, product=product)
        items.append(item)
    return zone, plan, items


def generate(n: int, *, say=print) -> float:
    """``n`` prepaid customers (two products each) with their wallets, by COPY."""
    from django.db import connection
    from django.utils import timezone

    from tenant_apps.customers.models import Address, Customer
    from tenant_apps.customers.normalize import fold
    from tenant_apps.ledger.models import Account
    from tenant_apps.parameters.services import series_take
    from tenant_apps.prepaid.models import Wallet, WalletEntry
    from tenant_apps.sales.models import Sale, Subscription

    from .customer_search import People, cpf_for

    t0 = time.perf_counter()
    zone, plan, items = ensure_catalog()
    codes = series_take(kind="customer", count=n)
    numbers = series_take(kind="contract", count=n)
    people = People(404)
    rnd = random.Random(404)
    now = timezone.now()
    rows = {m: [] for m in (Customer, Address, Account, Sale, Subscription, Wallet, WalletEntry)}
    sid = 0
    for i in range(n):
        cid = i + 1
        name = people.name()
        cpf = cpf_for(i, salt=404)
        rows[Customer].append(
            (cid, codes[i], "person", name, "", cpf, "BR", "residential", "active", "", "",
             fold(name)[:150], f"{fold(name)} {cpf} {codes[i]}", now, now)
        )  # fmt: skip
        rows[Address].append((cid, cid, zone.pk, "Rua da Praia", str(i % 4000 + 1), "",
                              "90010-000", True, now))  # fmt: skip
        rows[Account].append((cid, cid, now))
        rows[Sale].append((cid, numbers[i], "new", cid, cid, plan.pk, now, None, "bench", None, 0))
        for item in items:
            sid += 1
            rows[Subscription].append(
                (sid, cid, cid, cid, plan.pk, item.pk, item.product_id, None, "active", "",
                 True, item.product.monthly_price, item.product.daily_cost, ACTIVATED, "", "",
                 now)
            )  # fmt: skip
        short = rnd.random() < 0.10
        balance = Decimal(rnd.randrange(0, 167) if short else rnd.randrange(1000, 10001)) / 100
        rows[Wallet].append((cid, cid, balance, True, None, now))
        if balance:
            rows[WalletEntry].append(
                (cid, cid, "recharge", balance, ACTIVATED, "Recarga inicial",
                 f"bench:opening:{cid}", now, "bench")
            )  # fmt: skip
    say(f"   generated {n:,} customers, {sid:,} prepaid subscriptions in memory")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        _copy(cursor, Customer, ["id", "code", "kind", "name", "trade_name", "tax_id",
                                 "tax_id_country", "customer_type", "status", "external_ref",
                                 "notes", "search_name", "search_text", "created_at",
                                 "updated_at"], rows[Customer])  # fmt: skip
        address_columns = ["id", "customer", "zone", "street", "number", "complement",
                           "postal_code", "is_active", "created_at"]  # fmt: skip
        _copy(cursor, Address, address_columns, rows[Address])
        _copy(cursor, Account, ["id", "customer", "created_at"], rows[Account])
        _copy(cursor, Sale, ["id", "number", "kind", "customer", "address", "plan", "at",
                             "seller_user_id", "seller_label", "branch_id", "installation_fee"],
              rows[Sale])  # fmt: skip
        _copy(cursor, Subscription, ["id", "customer", "address", "sale", "plan", "plan_item",
                                     "product", "main", "status", "suspension", "prepaid",
                                     "price", "daily_cost", "activated_on", "cancel_reason",
                                     "cancel_note", "created_at"], rows[Subscription])  # fmt: skip
        _copy(cursor, Wallet, ["id", "customer", "balance", "active", "last_charged_on",
                               "updated_at"], rows[Wallet])  # fmt: skip
        _copy(cursor, WalletEntry, ["id", "wallet", "kind", "amount", "day", "description",
                                    "idempotency_key", "posted_at", "posted_by"],
              rows[WalletEntry])  # fmt: skip
        for model in (Customer, Address, Account, Sale, Subscription, Wallet, WalletEntry):
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
    return time.perf_counter() - t0


def reset_state() -> None:
    """Back to the state before the first midnight (not timed): the opening entries only,
    balances equal to them, every product on, no command."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE provisioning_command")
        cursor.execute(
            "CREATE TEMP TABLE opening ON COMMIT DROP AS SELECT * FROM prepaid_walletentry "
            "WHERE idempotency_key LIKE 'bench:opening:%%'"
        )
        cursor.execute("TRUNCATE prepaid_walletentry")  # TRUNCATE passes the append-only trigger
        cursor.execute("INSERT INTO prepaid_walletentry SELECT * FROM opening")
        cursor.execute(
            "UPDATE prepaid_wallet w SET active = true, last_charged_on = NULL, balance = "
            "coalesce((SELECT sum(amount) FROM prepaid_walletentry e WHERE e.wallet_id = w.id), 0)"
        )
        cursor.execute(
            "UPDATE sales_subscription SET status = 'active', suspension = '' "
            "WHERE prepaid AND (status <> 'active' OR suspension <> '')"
        )
        cursor.execute("UPDATE customers_customer SET status = 'active' WHERE status <> 'active'")


def ensure_dataset(n: int, *, say=print):
    from django.db import connection, transaction

    from tenant_apps.prepaid.models import Wallet
    from tenants.models import Company
    from tenants.schemas import company_context

    common.prepare_database()
    common.bench_company()
    company = Company.objects.get(slug=common.company_slug(1))
    with company_context(company):
        if Wallet.objects.count() != n:
            say(f"   generating {n:,} prepaid customers in {company.slug} (set-up, not timed)")
            with connection.cursor() as cursor:
                cursor.execute(
                    "TRUNCATE prepaid_walletentry, prepaid_wallet, provisioning_command, "
                    "sales_subscription, sales_sale, ledger_account, customers_address, "
                    "customers_customer CASCADE"
                )
            with transaction.atomic():
                seconds = generate(n, say=say)
            say(f"   generated in {seconds:.1f} s")
    return company


def _vacuum() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("prepaid_wallet", "prepaid_walletentry", "sales_subscription",
                      "provisioning_command", "customers_customer"):  # fmt: skip
            cursor.execute(f"VACUUM ANALYZE {table}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wallets", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    common.header(
        f"prepaid daily job: {args.wallets:,} wallets, {2 * args.wallets:,} subscriptions"
    )
    common.prepare_database()
    common.setup_django()
    from django.db import connection, transaction

    from shared_apps.audit.actor import Actor
    from tenant_apps.prepaid.services import prepaid_day_run
    from tenants.schemas import company_context

    company = ensure_dataset(args.wallets)
    actor = Actor.system("bench")
    rounds = []
    with company_context(company):
        for r in range(args.rounds):
            with transaction.atomic():
                reset_state()
            _vacuum()  # outside a transaction
            figures = {}
            for label, day in (("first", DAY), ("again", DAY), ("next day", DAY + dt.timedelta(1))):
                statements = []

                def count(execute, sql, params, many, context, _s=statements):
                    _s.append(sql)
                    return execute(sql, params, many, context)

                with connection.execute_wrapper(count):
                    t0 = time.perf_counter()
                    result = prepaid_day_run(actor=actor, day=day)
                    seconds = time.perf_counter() - t0
                figures[label] = {"s": round(seconds, 3), "statements": len(statements), **result}
                print(
                    f"   round {r + 1} {label:<9} {seconds:6.2f} s, {len(statements):2d} "
                    f"statements: charged {result['charged']:,} wallets ({result['amount']}), "
                    f"deactivated {result['deactivated']:,} ({result['suspended']:,} products, "
                    f"{result['commands']:,} commands)"
                )
            rounds.append(figures)
    best = min(f["first"]["s"] for f in rounds)
    median = common.median([f["first"]["s"] for f in rounds])
    again = common.median([f["again"]["s"] for f in rounds])
    ok = median < TARGET_S
    print(
        f"   first run: median {median:.2f} s, best {best:.2f} s; the same day again: median "
        f"{again:.3f} s  (target < {TARGET_S:.0f} s: {common.verdict(ok)})"
    )
    common.save(
        "prepaid_daily",
        {
            "wallets": args.wallets,
            "subscriptions": 2 * args.wallets,
            "rounds": rounds,
            "first_median_s": median,
            "again_median_s": again,
            "ok": ok,
        },
    )


if __name__ == "__main__":
    main()
