"""`manage.py migrate_schemas` with nothing to migrate, over 200 companies.

Measures:
  * ours: the whole command as a subprocess (`manage.py migrate_schemas --noinput`), as a
    deploy runs it, several times; plus the start-up of a bare Django process for reference and
    an in-process split (public schema / look at every company schema).
  * django-tenants' stock MigrateSchemasCommand (what ours falls back to), which runs a full
    `migrate` in every schema: over a sample of company schemas, in one process, then
    extrapolated to all of them; or over all of them with --stock full.

    .venv/bin/python -m benchmarks.migrate_noop [--companies 200] [--runs 3]
                                                [--stock sample|full|none] [--sample 20]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

from . import common

TARGET_SECONDS = 10.0


def helper(mode: str, *extra: str) -> dict:
    """Run this module's helper in a fresh process; return its JSON figures."""
    t0 = time.perf_counter()
    out = subprocess.run(
        [common.PYTHON, "-m", "benchmarks.migrate_noop", "--helper", mode, *extra],
        cwd=common.ROOT,
        env=common.bench_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["process_wall_s"] = time.perf_counter() - t0
    return figures


def _quiet_stdout():
    import io

    return io.StringIO()


def run_helper(mode: str, rest: list[str]) -> None:
    """In the helper process: time what is asked, print one JSON line."""
    t_start = time.perf_counter()
    common.setup_django()
    from django.core.management import call_command
    from django.db import connection

    from tenants.models import Company

    figures: dict = {"setup_s": time.perf_counter() - t_start}
    if mode == "startup":
        pass
    elif mode == "ours":
        from django_tenants.migration_executors.standard import StandardExecutor

        from tenants import template_schema
        from tenants.management.commands.migrate_schemas import Command

        spent = {"public": 0.0, "up_to_date": 0.0}
        original_run, original_check = (
            StandardExecutor.run_migrations,
            template_schema.schemas_up_to_date,
        )

        def run(self, tenants=None):
            label = "public" if list(tenants or []) == ["public"] else "companies"
            t0 = time.perf_counter()
            try:
                return original_run(self, tenants)
            finally:
                spent[label] = time.perf_counter() - t0

        def check(names):
            t0 = time.perf_counter()
            try:
                return original_check(names)
            finally:
                spent["up_to_date"] += time.perf_counter() - t0

        StandardExecutor.run_migrations = run
        import tenants.management.commands.migrate_schemas as ours_module

        ours_module.schemas_up_to_date = check
        t0 = time.perf_counter()
        call_command(Command(), interactive=False, verbosity=0, stdout=_quiet_stdout())
        figures["command_s"] = time.perf_counter() - t0
        figures.update({f"{k}_s": v for k, v in spent.items()})
    elif mode in ("stock-sample", "stock-full"):
        from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
        from django_tenants.migration_executors.standard import StandardExecutor

        schemas = list(Company.objects.order_by("id").values_list("schema_name", flat=True))
        figures["company_schemas"] = len(schemas)
        stdout = _quiet_stdout()
        if mode == "stock-full":
            t0 = time.perf_counter()
            call_command(MigrateSchemasCommand(), interactive=False, verbosity=0, stdout=stdout)
            figures["command_s"] = time.perf_counter() - t0
        else:
            # The stock command as is, with its executor limited to a sample of the company
            # schemas (evenly spread), each timed.
            sample_size = int(rest[0])
            original = StandardExecutor.run_migrations
            per: list[float] = []

            def sampled(self, tenants=None):
                tenants = list(tenants or [])
                if tenants == ["public"]:
                    t0 = time.perf_counter()
                    original(self, tenants)
                    figures["public_s"] = time.perf_counter() - t0
                    return
                step = max(1, len(tenants) // sample_size)
                for schema in tenants[::step][:sample_size]:
                    t0 = time.perf_counter()
                    original(self, [schema])
                    per.append(time.perf_counter() - t0)

            StandardExecutor.run_migrations = sampled
            t0 = time.perf_counter()
            call_command(MigrateSchemasCommand(), interactive=False, verbosity=0, stdout=stdout)
            figures["command_s"] = time.perf_counter() - t0
            figures["sample"] = len(per)
            figures["per_schema_s"] = per
            figures["per_schema_median_s"] = common.median(per)
            figures["per_schema_mean_s"] = sum(per) / len(per)
    connection.set_schema_to_public()
    sys.stdout.write(json.dumps(figures) + "\n")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stock", choices=["sample", "full", "none"], default="full")
    parser.add_argument("--sample", type=int, default=20)
    parser.add_argument("--helper", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.helper:
        run_helper(args.helper[0], args.helper[1:])
        return {}

    common.header(f"migrate_schemas with nothing to migrate, {args.companies} companies")
    common.prepare_database()
    common.setup_django()
    common.ensure_companies(args.companies)
    companies = common.company_count()
    common.manage("migrate_schemas", "--noinput")  # make sure nothing is left to migrate
    print(f"   companies: {companies} (+ the template schema)")

    runs = [common.manage("migrate_schemas", "--noinput") for _ in range(args.runs)]
    startup = [helper("startup")["process_wall_s"] for _ in range(args.runs)]
    split = helper("ours")
    ours = common.median(runs)
    result = {
        "companies": companies,
        "ours_subprocess_runs_s": runs,
        "ours_subprocess_median_s": ours,
        "bare_django_process_median_s": common.median(startup),
        "ours_in_process": split,
        "target_met": ours < TARGET_SECONDS,
    }
    print(
        "   ours, `manage.py migrate_schemas` (whole command): "
        + ", ".join(f"{r:.2f} s" for r in runs)
        + f" -> median {ours:.2f} s"
    )
    print(
        "     of which a bare Django process start (python + django.setup()): "
        f"{common.median(startup):.2f} s"
    )
    print(
        f"     in-process: command {split['command_s']:.2f} s = public schema migrate "
        f"{split.get('public_s', 0):.2f} s + look at {companies + 1} schemas "
        f"{split.get('up_to_date_s', 0):.2f} s"
        + (f" + migrating {split['companies_s']:.2f} s" if "companies_s" in split else "")
    )

    if args.stock == "sample":
        stock = helper("stock-sample", str(args.sample))
        estimate = (
            common.median(startup) + stock["public_s"] + stock["per_schema_mean_s"] * companies
        )
        result["stock_sample"] = stock
        result["stock_estimate_s"] = estimate
        print(
            f"   stock django-tenants: public {stock['public_s']:.2f} s, per company schema "
            f"{stock['per_schema_mean_s'] * 1000:.0f} ms (mean of {stock['sample']}, median "
            f"{stock['per_schema_median_s'] * 1000:.0f} ms) -> estimated for {companies} "
            f"companies: {estimate:.0f} s"
        )
    elif args.stock == "full":
        stock = helper("stock-full")
        result["stock_full"] = stock
        print(
            f"   stock django-tenants over all {stock['company_schemas']} companies: "
            f"{stock['process_wall_s']:.1f} s (command {stock['command_s']:.1f} s)"
        )
    print(f"   target: < {TARGET_SECONDS:.0f} s: {common.verdict(result['target_met'])}")
    print(f"   figures: {common.save('migrate_noop', result)}")
    return result


if __name__ == "__main__":
    main()
