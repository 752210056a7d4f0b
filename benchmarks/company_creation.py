"""Time to create a company with its full schema: the 10th and the 200th, by template clone.

Each company is created as in production: tenants.services.company_create (public-schema rows,
audit) whose on-commit task (Celery eager here) runs company_provision: check the template
schema, clone it (tenants.clone since commit ecf81ae; django-tenants' clone_schema before),
seed profiles and parameters, mark it ready. The time is that of the company_create call, which
returns with the company READY. --clone django-tenants --check information_schema measures the
project as it was before ecf81ae (django-tenants' clone, information_schema look-ups).

For comparison, companies are also created by replaying migrations, as django-tenants does
without TENANT_BASE_SCHEMA (CREATE SCHEMA + migrate_schemas --schema=X, then the same seeds),
in place of the 10th company (in-process call_command, as TenantMixin.create_schema does, and
once as a `manage.py migrate_schemas --schema=X` subprocess); those companies are removed
afterwards so that the count of companies stays right.

Starts from a fresh database (BENCH_DATABASE_URL, default bench_aleator) unless --keep.

    .venv/bin/python -m benchmarks.company_creation [--companies 200] [--keep]
        [--clone project|django-tenants] [--check project|information_schema]
"""

from __future__ import annotations

import argparse
import functools
import subprocess
import time
from collections import defaultdict

from . import common

TARGET_RATIO = 1.2
TARGET_SECONDS = 2.0


class Phases:
    """Adds the time spent in wrapped functions to the current company's record."""

    def __init__(self):
        self.current: dict[str, float] = defaultdict(float)

    def wrap(self, owner, attr: str, label: str) -> None:
        original = getattr(owner, attr)

        @functools.wraps(original)
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.current[label] += time.perf_counter() - t0

        setattr(owner, attr, timed)

    def take(self) -> dict[str, float]:
        taken, self.current = dict(self.current), defaultdict(float)
        return taken


def instrument() -> Phases:
    from django_tenants.clone import CloneSchema

    from tenants import services, template_schema

    phases = Phases()
    phases.wrap(services, "company_provision", "provision")
    phases.wrap(services, "ensure_template_schema", "ensure_template")
    phases.wrap(services, "drop_schema", "drop_schema")
    phases.wrap(services, "clone_template_into", "clone")
    phases.wrap(CloneSchema, "_create_clone_schema_function", "clone_fn_install")
    if hasattr(template_schema, "clone_schema"):  # since ecf81ae: tenants.clone
        phases.wrap(template_schema, "clone_schema", "clone_sql")
    else:  # before: django-tenants' CloneSchema
        phases.wrap(template_schema.CloneSchema, "clone_schema", "clone_sql")
    phases.wrap(template_schema, "schemas_up_to_date", "up_to_date_checks")
    return phases


def create_by_replay(n: int, *, subprocess_migrate: bool = False) -> dict[str, float]:
    """Company n with its schema built by replaying the tenant migrations (no template)."""
    from unittest import mock

    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from django_tenants.utils import quote_schema_name

    from shared_apps.access.services import company_profiles_seed
    from shared_apps.audit.actor import Actor
    from tenant_apps.parameters.services import parameters_seed
    from tenants import routing
    from tenants.choices import CompanyStatus
    from tenants.models import Company
    from tenants.schemas import company_context
    from tenants.services import CompanyInput, company_create
    from tenants.tasks import company_provision_task

    figures = {}
    t0 = time.perf_counter()
    with mock.patch.object(company_provision_task, "delay"):  # no clone: we build it below
        company = company_create(
            actor=Actor.system("bench"),
            operator=common.bench_operator(),
            data=CompanyInput(name=f"Replay {n:03d}", slug=f"replay-{n:03d}"),
        )
    t1 = time.perf_counter()
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quote_schema_name(company.schema_name)}")
    if subprocess_migrate:
        common.manage("migrate_schemas", f"--schema={company.schema_name}", "--noinput")
    else:
        call_command(
            "migrate_schemas",
            schema_name=company.schema_name,
            tenant=True,
            interactive=False,
            verbosity=0,
        )
    connection.set_schema_to_public()
    t2 = time.perf_counter()
    with transaction.atomic():
        company_profiles_seed(company=company)
        with company_context(company):
            parameters_seed()
        Company.objects.filter(pk=company.pk).update(
            status=CompanyStatus.READY, progress=100, ready_at=timezone.now()
        )
    routing.forget_routes()
    t3 = time.perf_counter()
    figures.update(total=t3 - t0, register=t1 - t0, migrate=t2 - t1, seed=t3 - t2)
    figures["tables"] = _table_count(company.schema_name)
    # Remove it: the benchmark counts companies made by the default (clone) path.
    Company.objects.filter(pk=company.pk).delete()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA {quote_schema_name(company.schema_name)} CASCADE")
    return figures


def _table_count(schema: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
            [schema],
        )
        return cursor.fetchone()[0]


def _migration_count() -> int:
    from django.db import connection

    from tenants.template_schema import template_schema_name

    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{template_schema_name()}".django_migrations')
        return cursor.fetchone()[0]


def window(records: dict[int, dict], last: int, size: int) -> list[float]:
    return [records[i]["total"] for i in range(max(1, last - size + 1), last + 1) if i in records]


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--companies", type=int, default=200)
    parser.add_argument("--replay-at", type=int, default=10, help="replay in place of company N")
    parser.add_argument("--replays", type=int, default=3, help="in-process replay samples")
    parser.add_argument("--window", type=int, default=5, help="median of the N companies up to")
    parser.add_argument("--keep", action="store_true", help="keep the database and its companies")
    parser.add_argument(
        "--clone",
        choices=["project", "django-tenants"],
        default="project",
        help="project: as the project does (tenants.clone); django-tenants: its clone_schema "
        "(the project before ecf81ae)",
    )
    parser.add_argument(
        "--check",
        choices=["project", "information_schema"],
        default="project",
        help="schemas_up_to_date: as the project does; information_schema: as before ecf81ae",
    )
    parser.add_argument("--save-as", default="company_creation", help="name of the figures file")
    args = parser.parse_args(argv)

    common.header("Company creation (template clone vs replaying migrations)")
    common.prepare_database(reset=not args.keep)
    common.setup_django()
    from django.db import connection

    from . import clone_variants

    clone_variants.use(clone=args.clone, check=args.check)
    print(f"   clone: {args.clone}; up-to-date check: {args.check}")
    phases = instrument()
    records: dict[int, dict] = {}
    replays: list[dict] = []
    replay_subprocess: dict | None = None

    start = common.company_count()
    if start == 0:
        t0 = time.perf_counter()
        common.bench_operator()  # operator_create: the operator and company 1 (clone)
        records[1] = {"total": time.perf_counter() - t0, **phases.take(), "with_operator": True}
        start = 1
    print(f"   companies before: {start}; creating up to {args.companies}")
    tables = None
    for n in range(start + 1, args.companies + 1):
        if n == args.replay_at:
            for i in range(args.replays):
                replays.append(create_by_replay(n * 100 + i))
            replay_subprocess = create_by_replay(n * 100 + 99, subprocess_migrate=True)
        phases.take()
        t0 = time.perf_counter()
        company = common.create_company(n)
        records[n] = {"total": time.perf_counter() - t0, **phases.take()}
        if tables is None:
            tables = _table_count(company.schema_name)
        if n % 25 == 0 or n == args.replay_at:
            print(f"   company {n:3d}: {records[n]['total'] * 1000:7.1f} ms")
    connection.set_schema_to_public()

    def summary(k: int) -> dict | None:
        if k not in records:
            return None
        w = window(records, k, args.window)
        phase_names = sorted(
            {p for i in range(k - len(w) + 1, k + 1) for p in records[i]} - {"total"}
        )
        return {
            "company": k,
            "seconds": records[k]["total"],
            "window": f"{k - len(w) + 1}..{k}",
            "window_median": common.median(w),
            "window_min": min(w),
            "phases_median": {
                p: common.median([records[i].get(p, 0.0) for i in range(k - len(w) + 1, k + 1)])
                for p in phase_names
                if p != "with_operator"
            },
        }

    tenth, last = summary(10), summary(args.companies)
    curve = {
        k: common.median(window(records, k, args.window))
        for k in (10, 25, 50, 100, 150, 200, args.companies)
        if k in records
    }
    result = {
        "clone": args.clone,
        "check": args.check,
        "companies": args.companies,
        "migrations_in_company_schema": _migration_count(),
        "tables_per_company_schema": tables,
        "clone_10th": tenth,
        f"clone_{args.companies}th": last,
        "curve_window_median_s": curve,
        "replay_in_process": replays,
        "replay_in_process_median_s": common.median([r["total"] for r in replays])
        if replays
        else None,
        "replay_subprocess": replay_subprocess,
        "all_seconds": {n: r["total"] for n, r in sorted(records.items())},
    }

    print()
    print(
        f"   company schema: {tables} tables, {result['migrations_in_company_schema']} migrations"
    )
    print(f"   {'':34} {'this one':>10} {'median of window':>24}")
    for s in (tenth, last) if last is not tenth and args.companies != 10 else (tenth,):
        if s:
            print(
                f"   clone, company {s['company']:<17} {s['seconds'] * 1000:8.0f} ms"
                f"   {s['window_median'] * 1000:8.0f} ms ({s['window']})"
            )
    if tenth:
        print("   phases (median, ms):", _fmt_phases(tenth["phases_median"]))
    if last and args.companies != 10:
        print("   phases (median, ms):", _fmt_phases(last["phases_median"]))
    if replays:
        r = result["replay_in_process_median_s"]
        print(
            f"   replay migrations, in place of company {args.replay_at} (in-process, median of "
            f"{len(replays)}): {r * 1000:.0f} ms "
            f"(migrate {common.median([x['migrate'] for x in replays]) * 1000:.0f} ms)"
        )
    if replay_subprocess:
        print(
            f"   replay migrations with `manage.py migrate_schemas --schema=X` subprocess: "
            f"{replay_subprocess['total'] * 1000:.0f} ms"
        )
    print(
        "   growth (median of the window ending at N, ms):",
        {k: round(v * 1000) for k, v in curve.items()},
    )
    if tenth and last:
        ratio = last["window_median"] / tenth["window_median"]
        ok = (
            tenth["window_median"] < TARGET_SECONDS
            and last["window_median"] < TARGET_SECONDS
            and ratio <= TARGET_RATIO
        )
        result["ratio_last_to_10th"] = ratio
        result["target_met"] = ok
        print(
            f"   target: both < {TARGET_SECONDS:.0f} s and {args.companies}th <= "
            f"{TARGET_RATIO}x 10th -> ratio {ratio:.2f}: {common.verdict(ok)}"
        )
    print(f"   figures: {common.save(args.save_as, result)}")
    return result


def _fmt_phases(p: dict) -> str:
    return ", ".join(f"{k} {v * 1000:.0f}" for k, v in p.items())


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"command failed: {exc}") from exc
