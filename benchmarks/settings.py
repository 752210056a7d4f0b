"""Benchmark settings: production-like request path (DEBUG off), a database and a Redis
database of their own, Celery eager (company creation runs in the creating process).

The benchmarks create hundreds of companies and may drop and re-create their database, so they
never read DATABASE_URL / REDIS_URL: they use BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/bench_aleator) and BENCH_REDIS_URL (default
redis://127.0.0.1:6379/9).
"""

import os

BENCH_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_aleator"
)
BENCH_REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
# config.settings.base reads these when imported.
os.environ["DATABASE_URL"] = BENCH_DATABASE_URL
os.environ["REDIS_URL"] = BENCH_REDIS_URL
# Eager unless a benchmark starts real workers (billing_run.py: BENCH_CELERY_EAGER=false).
EAGER = os.environ.get("BENCH_CELERY_EAGER", "true") == "true"
os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true" if EAGER else "false"
os.environ.setdefault("LOG_LEVEL", "WARNING")

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import MIDDLEWARE  # noqa: E402

DEBUG = False
CELERY_TASK_ALWAYS_EAGER = EAGER
# A billing run's PDFs are a separate step, not rendered behind a measured run (they would take
# a core from the next one).
BILLING_RENDER_PDFS_AFTER_RUN = False
CELERY_TASK_EAGER_PROPAGATES = True  # a failed provisioning fails the benchmark
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = "bench-asgi"  # noqa: F405
# Static files from the finders, as in the run command (no collectstatic needed).
WHITENOISE_USE_FINDERS = True
# Users are created with a known password only to get a session; the hash is never checked
# on the measured path (sessions are created with force_login).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The "no tenant middleware" variant of tenant_overhead.py: the same stack with
# CompanyRouteMiddleware replaced by one that pins one company once (FixedCompanyMiddleware).
NO_TENANT_MIDDLEWARE = [
    "benchmarks.fixed_company.FixedCompanyMiddleware" if m.endswith("CompanyRouteMiddleware") else m
    for m in MIDDLEWARE
]
# The stock django-tenants variant: its TenantSubfolderMiddleware (one route query and one
# SET search_path per request), plus a shim giving our access middleware `request.company`.
STOCK_TENANT_MIDDLEWARE = [
    "django_tenants.middleware.subfolder.TenantSubfolderMiddleware",
    "benchmarks.fixed_company.StockCompanyShim",
    *[m for m in MIDDLEWARE if not m.endswith("CompanyRouteMiddleware")],
]
