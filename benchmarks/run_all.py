"""Run every benchmark in turn and print a summary of the figures (about 25 minutes).

    .venv/bin/python -m benchmarks.run_all [--quick] [--only NAMES] [--drop]

Steps, in this order (NAMES for --only, comma-separated):
  before            company_creation.py as the project was before commit ecf81ae (django-tenants'
                    clone_schema, information_schema look-ups), fresh database, 200 companies
  company_creation  company_creation.py, the project as it is, fresh database, 200 companies
  migrate_noop      migrate_noop.py over those 200 companies
  tenant_overhead   tenant_overhead.py
  http_servers      http_servers.py
  schema_size       schema_size.py (synthetic schemas of 55 and 155 tables; own database:
                    the project's clone, django-tenants' clone, replaying migrations)

--quick: 30 companies, short runs, no schema_size (a smoke test, not figures to quote).
--drop:  drop the benchmark database at the end.
Figures: benchmarks/results/*.json (not committed); the table in README.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from . import common

STEPS = [
    "before",
    "company_creation",
    "migrate_noop",
    "tenant_overhead",
    "http_servers",
    "schema_size",
]
# Issue 3's scenarios (own database bench_customers; the 1M-customer company takes ~6 minutes
# to generate the first time): --only customer_import,customer_search,customer_overview
CUSTOMER_STEPS = ["customer_import", "customer_search", "customer_overview"]
# Issue 4's scenarios, each with its own database: --only prepaid_daily,billing_run,bank_return
ISSUE4_STEPS = ["prepaid_daily", "billing_run", "bank_return"]


def run(module: str, *args: str) -> None:
    print(flush=True)
    subprocess.run(
        [common.PYTHON, "-m", f"benchmarks.{module}", *args],
        cwd=common.ROOT,
        env=common.bench_env(),
        check=True,
    )


def load(name: str) -> dict:
    path = common.RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def _creation_rows(rows: list, data: dict, label: str) -> None:
    if not data:
        return
    n = data["companies"]
    tenth, last = data.get("clone_10th"), data.get(f"clone_{n}th")
    if tenth and last:
        rows.append(
            (f"create 10th company, {label}", f"{tenth['window_median'] * 1000:.0f} ms", "< 2 s")
        )
        rows.append(
            (f"create {n}th company, {label}", f"{last['window_median'] * 1000:.0f} ms", "< 2 s")
        )
        rows.append((f"  {n}th / 10th", f"{data['ratio_last_to_10th']:.2f}", "<= 1.2"))


def summary() -> None:
    cc, fx, mn, to, hs, ss = (
        load(n)
        for n in (
            "company_creation",
            "company_creation_before",
            "migrate_noop",
            "tenant_overhead",
            "http_servers",
            "schema_size",
        )
    )
    print("\n== Summary (medians; see each script's output for the details)")
    rows: list[tuple[str, str, str]] = []
    _creation_rows(rows, cc, "project")
    _creation_rows(rows, fx, "before ecf81ae")
    if cc.get("replay_in_process_median_s"):
        rows.append(
            (
                "create 10th company by replaying migrations",
                f"{cc['replay_in_process_median_s'] * 1000:.0f} ms",
                "(comparison)",
            )
        )
    for r in ss.get("rows", []):
        for kind in ("project", "django-tenants"):
            if r.get(f"{kind}_clone_s"):
                rows.append(
                    (
                        f"  {r['tables_per_company_schema']} tables: {kind} clone",
                        f"{r[f'{kind}_clone_s'] * 1000:.0f} ms",
                        "< 2 s",
                    )
                )
        rows.append(
            (
                f"  {r['tables_per_company_schema']} tables: replay",
                f"{r['replay_in_process_s'] * 1000:.0f} ms",
                "(comparison)",
            )
        )
    if mn:
        rows.append(
            (
                f"migrate_schemas, nothing to do, {mn['companies']} companies",
                f"{mn['ours_subprocess_median_s']:.2f} s",
                "< 10 s",
            )
        )
        if mn.get("stock_full"):
            rows.append(
                (
                    "  stock django-tenants migrate_schemas",
                    f"{mn['stock_full']['process_wall_s']:.1f} s",
                    "(comparison)",
                )
            )
        elif mn.get("stock_estimate_s"):
            rows.append(
                (
                    "  stock django-tenants (estimated)",
                    f"{mn['stock_estimate_s']:.0f} s",
                    "(comparison)",
                )
            )
    if to:
        m = to["wsgi_handler_median_req_per_s"]
        rows.append(("request, full stack", f"{m['full']:.0f} req/s", ""))
        rows.append(("request, no tenant middleware", f"{m['no-tenant']:.0f} req/s", ""))
        rows.append(("  full / no-tenant", f"{to['ratio_full_to_no_tenant']:.1%}", ">= 90%"))
        rows.append(
            (
                "  stock django-tenants / no-tenant",
                f"{to['ratio_stock_to_no_tenant']:.1%}",
                "(comparison)",
            )
        )
    for r in hs.get("best_runs", hs.get("runs", [])):
        rows.append(
            (
                f"HTTP {r['server']} c={r['connections']}",
                f"{r['req_per_s']:.0f} req/s, p95 {r['p95_ms']:.0f} ms",
                "",
            )
        )
    width = max((len(r[0]) for r in rows), default=10)
    for name, value, target in rows:
        print(f"   {name:<{width}}  {value:>22}  {target}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated steps")
    parser.add_argument("--drop", action="store_true")
    args = parser.parse_args(argv)
    wanted = args.only.split(",") if args.only else []
    steps = [s for s in STEPS if not wanted or s in wanted]
    steps += [s for s in CUSTOMER_STEPS if s in wanted]
    steps += [s for s in ISSUE4_STEPS if s in wanted]
    if args.quick and "schema_size" in steps and not args.only:
        steps.remove("schema_size")
    t0 = time.perf_counter()
    companies = "30" if args.quick else "200"
    quick = args.quick
    try:
        for step in steps:
            if step == "before":
                run(
                    "company_creation",
                    *("--companies", companies, "--clone", "django-tenants"),
                    *("--check", "information_schema", "--save-as", "company_creation_before"),
                )
            elif step == "company_creation":
                run("company_creation", "--companies", companies)
            elif step == "migrate_noop":
                run("migrate_noop", "--companies", companies, *(["--runs", "1"] if quick else []))
            elif step == "tenant_overhead":
                run("tenant_overhead", *(["--requests", "200", "--rounds", "3"] if quick else []))
            elif step == "http_servers":
                run(
                    "http_servers",
                    *(
                        ["--connections", "8", "--duration", "5", "--warmup", "1", "--repeats", "1"]
                        if quick
                        else []
                    ),
                )
            elif step == "schema_size":
                run("schema_size", *(["--tables", "20", "--companies", "4"] if quick else []))
            elif step in CUSTOMER_STEPS or step in ISSUE4_STEPS:
                run(step)
    except subprocess.CalledProcessError as exc:
        sys.exit(f"benchmark failed: {exc}")
    summary()
    print(f"\n   all benchmarks: {time.perf_counter() - t0:.0f} s")
    if args.drop:
        pg_args, name = common._pg_args()
        subprocess.run(
            ["dropdb", *pg_args, "--if-exists", "--force", name], check=True, env=common._pg_env()
        )


if __name__ == "__main__":
    main()
