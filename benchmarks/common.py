"""Shared set-up of the benchmarks: database, companies, a logged-in user, statistics.

Every benchmark runs with DJANGO_SETTINGS_MODULE=benchmarks.settings (its own database,
BENCH_DATABASE_URL, default ``bench_aleator``) and can be run on its own: what it needs
(a migrated database, N companies, a user) is created when missing.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PYTHON = sys.executable
# benchmarks.settings, or benchmarks.settings_synthetic (schema_size.py)
SETTINGS = os.environ.get("BENCH_SETTINGS", "benchmarks.settings")

os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS

OPERATOR_SLUG = "bench-op"
USER_NAME = "bench-admin"
USER_PASSWORD = "Bench-senha-123"


# --- environment ------------------------------------------------------------------------------


def bench_env(**extra: str) -> dict[str, str]:
    """Environment for subprocesses (manage.py, gunicorn, daphne): the benchmark settings."""
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = SETTINGS
    env["BENCH_SETTINGS"] = SETTINGS
    env.setdefault("PYTHONPATH", str(ROOT))
    env.update(extra)
    return env


def database_url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_aleator")


def _pg_args() -> tuple[list[str], str]:
    url = urlparse(database_url())
    name = url.path.lstrip("/")
    args = ["-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432)]
    if url.username:
        args += ["-U", url.username]
    return args, name


def _pg_env() -> dict[str, str]:
    env = dict(os.environ)
    password = urlparse(database_url()).password
    if password:
        env["PGPASSWORD"] = password
    return env


def database_exists() -> bool:
    args, name = _pg_args()
    out = subprocess.run(
        [
            "psql",
            *args,
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname='{name}'",
        ],
        capture_output=True,
        text=True,
        env=_pg_env(),
        check=True,
    )
    return out.stdout.strip() == "1"


def reset_database() -> None:
    """Drop and re-create the benchmark database (refuses unless its name starts with bench)."""
    args, name = _pg_args()
    if not name.startswith("bench"):
        raise SystemExit(f"refusing to drop {name!r}: the benchmark database must be named bench*")
    subprocess.run(["dropdb", *args, "--if-exists", "--force", name], check=True, env=_pg_env())
    subprocess.run(["createdb", *args, name], check=True, env=_pg_env())


def manage(*args: str, quiet: bool = True) -> float:
    """Run manage.py with the benchmark settings; return its wall time in seconds."""
    t0 = time.perf_counter()
    subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=bench_env(),
        check=True,
        stdout=subprocess.DEVNULL if quiet else None,
    )
    return time.perf_counter() - t0


def prepare_database(*, reset: bool = False) -> None:
    """A migrated benchmark database (public schema and company template)."""
    if reset or not database_exists():
        if not reset:
            args, name = _pg_args()
            subprocess.run(["createdb", *args, name], check=True, env=_pg_env())
        else:
            reset_database()
        manage("migrate_schemas", "--noinput")


def setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- data -------------------------------------------------------------------------------------


def bench_operator():
    """The benchmark operator (created with its first company, bench-001, when missing)."""
    from shared_apps.audit.actor import Actor
    from tenants.models import Operator
    from tenants.services import CompanyInput, operator_create

    op = Operator.objects.filter(slug=OPERATOR_SLUG).first()
    if op is None:
        op, _company = operator_create(
            actor=Actor.system("bench"),
            name="Operadora Bench",
            slug=OPERATOR_SLUG,
            first_company=CompanyInput(name="Bench 001", slug=company_slug(1)),
        )
    return op


def company_slug(n: int) -> str:
    return f"bench-{n:03d}"


def company_count() -> int:
    from tenants.models import Company

    return Company.objects.count()


def create_company(n: int):
    """Create company number n through the service (eager Celery provisions it on commit)."""
    from shared_apps.audit.actor import Actor
    from tenants.choices import CompanyStatus
    from tenants.services import CompanyInput, company_create

    company = company_create(
        actor=Actor.system("bench"),
        operator=bench_operator(),
        data=CompanyInput(name=f"Bench {n:03d}", slug=company_slug(n)),
    )
    company.refresh_from_db()
    if company.status != CompanyStatus.READY:
        raise RuntimeError(f"{company.slug} is {company.status} after company_create")
    return company


def ensure_companies(count: int, *, say=print) -> None:
    """At least `count` ready companies (creating the missing ones, not timed)."""
    from tenants.models import Company

    bench_operator()
    have = company_count()
    if have < count:
        say(f"  creating companies {have + 1}..{count} (set-up, not timed)")
    n = have
    while company_count() < count:
        n += 1
        if not Company.objects.filter(slug=company_slug(n)).exists():
            create_company(n)


def bench_company():
    """The company the request benchmarks use (bench-001), with a branch of each kind."""
    from shared_apps.audit.actor import Actor
    from shared_apps.org.models import Branch
    from tenants.models import Company
    from tenants.services import branch_create

    bench_operator()
    company = Company.objects.get(slug=company_slug(1))
    for kind in ("service", "technical"):
        code = f"{company.slug}-{kind}"
        if not Branch.objects.filter(company=company, code=code).exists():
            branch_create(
                actor=Actor.system("bench"),
                company=company,
                code=code,
                name=f"{company.name} {kind}",
                kind=kind,
            )
    return company


def bench_user(company):
    """A company administrator of `company` (profile Administrador, both branches)."""
    from shared_apps.access.models import AccessProfile
    from shared_apps.access.services import membership_grant, user_create
    from shared_apps.accounts.models import User
    from shared_apps.audit.actor import Actor
    from shared_apps.org.models import Branch

    user = User.objects.filter(username=USER_NAME).first()
    if user is None:
        user = user_create(actor=Actor.system("bench"), username=USER_NAME, password=USER_PASSWORD)
        membership_grant(
            actor=Actor.system("bench"),
            user=user,
            operator=company.operator,
            company=company,
            profiles=AccessProfile.objects.filter(company=company, name="Administrador"),
            branches=Branch.objects.filter(company=company),
        )
    return user


def session_cookie(user, company) -> str:
    """A session id of `user`, positioned in `company` and its customer-service branch."""
    from django.test import Client

    from shared_apps.access.context import SESSION_BRANCH, SESSION_COMPANY, SESSION_OPERATOR
    from shared_apps.org.models import Branch

    client = Client()
    client.force_login(user)
    session = client.session
    session[SESSION_OPERATOR] = company.operator_id
    session[SESSION_COMPANY] = company.pk
    session[SESSION_BRANCH] = Branch.objects.get(company=company, code=f"{company.slug}-service").pk
    session.save()
    return session.session_key


# --- figures ----------------------------------------------------------------------------------


@contextmanager
def timer():
    box = {}
    t0 = time.perf_counter()
    try:
        yield box
    finally:
        box["s"] = time.perf_counter() - t0


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * pct / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine() -> dict:
    load = os.getloadavg()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor()
    return {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "load_average_1m": round(load[0], 2),
    }


def header(title: str) -> None:
    m = machine()
    print(f"== {title}")
    print(
        f"   {m['date']}, {m['cpus']} CPUs ({m['cpu_model']}), Python {m['python']}, "
        f"load average {m['load_average_1m']}"
    )


def save(name: str, data: dict) -> Path:
    """Write the figures to benchmarks/results/<name>.json (read by run_all for its summary)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {"machine": machine(), **data}
    path.write_text(json.dumps(data, indent=2, default=str))
    return path


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"
