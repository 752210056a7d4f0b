"""Throughput of an authenticated request through the full middleware stack in a company,
versus the same view with no tenant middleware.

The request: GET /c/bench-001/api/v1/parameters/ (DRF, session cookie of a company
administrator positioned in a branch; one row read), answered 200 with JSON.

Variants (same process, same settings, only the first middleware differs):
  full      settings.MIDDLEWARE: tenants.middleware.CompanyRouteMiddleware first (the project).
  no-tenant CompanyRouteMiddleware replaced by benchmarks.fixed_company.FixedCompanyMiddleware,
            which pins the company's schema once; the view is served at /api/v1/parameters/.
  stock     django-tenants' own TenantSubfolderMiddleware (route query + SET search_path +
            a new URLconf and cleared URL caches on every request), for reference.

Requests are run in-process through django.core.handlers.wsgi.WSGIHandler, the handler gunicorn
calls (unlike django.test.Client, it keeps the request_started/finished signals that recycle and
health-check the database connection, as in production). django.test.Client figures are given
too. Rounds of each variant are interleaved so that other load on the machine hits all of them
alike; the median round is reported. Statements per request are counted at the psycopg level
(every statement sent, SET search_path and connection health checks included).

    .venv/bin/python -m benchmarks.tenant_overhead [--requests 600] [--rounds 9] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time

from . import common

TARGET_RATIO = 0.90
ROUTE = common.company_slug(1)


def environ(path: str, cookie: str) -> dict:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_ACCEPT": "application/json",
        "HTTP_COOKIE": f"sessionid={cookie}",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


class Variant:
    def __init__(self, name: str, middleware: list[str], path: str, cookie: str):
        from django.core.handlers.wsgi import WSGIHandler
        from django.test import Client
        from django.test.utils import override_settings

        self.name, self.path, self.cookie = name, path, cookie
        with override_settings(MIDDLEWARE=middleware):
            self.handler = WSGIHandler()
            self.client = Client(HTTP_HOST="127.0.0.1:8000", HTTP_ACCEPT="application/json")
            self.client.handler.load_middleware()
        from django.conf import settings

        self.client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        self.rates: list[float] = []
        self.client_rates: list[float] = []

    def request(self) -> tuple[str, bytes]:
        box = []
        response = self.handler(environ(self.path, self.cookie), lambda s, h, e=None: box.append(s))
        try:
            body = b"".join(response)
        finally:
            response.close()
        return box[0], body

    def run(self, n: int) -> float:
        handler, path, cookie = self.handler, self.path, self.cookie
        noop = lambda s, h, e=None: None  # noqa: E731
        t0 = time.perf_counter()
        for _ in range(n):
            response = handler(environ(path, cookie), noop)
            b"".join(response)
            response.close()
        return n / (time.perf_counter() - t0)

    def run_client(self, n: int) -> float:
        get, path = self.client.get, self.path
        t0 = time.perf_counter()
        for _ in range(n):
            get(path)
        return n / (time.perf_counter() - t0)


def count_statements(variant: Variant) -> list[str]:
    """Every statement psycopg sends during one request (steady state)."""
    import psycopg

    sent: list[str] = []
    original = psycopg.Cursor.execute

    def execute(self, query, *args, **kwargs):
        sent.append(query if isinstance(query, str) else repr(query))
        return original(self, query, *args, **kwargs)

    psycopg.Cursor.execute = execute
    try:
        status, _body = variant.request()
    finally:
        psycopg.Cursor.execute = original
    assert status.startswith("200"), status
    return sent


def profile(variant: Variant, n: int, limit: int = 30) -> str:
    prof = cProfile.Profile()
    prof.enable()
    variant.run(n)
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out).sort_stats("cumulative")
    stats.print_stats(limit)
    return out.getvalue()


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=600, help="requests per round")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--client-requests", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="cProfile each variant")
    args = parser.parse_args(argv)

    common.header("Tenant middleware overhead (in-process WSGI handler)")
    common.prepare_database()
    common.setup_django()
    from django.conf import settings
    from django.db import connection

    from benchmarks.fixed_company import FixedCompanyMiddleware

    common.ensure_companies(1)
    company = common.bench_company()
    user = common.bench_user(company)
    cookie = common.session_cookie(user, company)
    FixedCompanyMiddleware.company = company
    connection.set_schema_to_public()

    variants = [
        Variant("full", settings.MIDDLEWARE, f"/c/{ROUTE}/api/v1/parameters/", cookie),
        Variant("no-tenant", settings.NO_TENANT_MIDDLEWARE, "/api/v1/parameters/", cookie),
        Variant(
            "stock", settings.STOCK_TENANT_MIDDLEWARE, f"/c/{ROUTE}/api/v1/parameters/", cookie
        ),
    ]
    bodies = {}
    for v in variants:
        for _ in range(20):  # warm: URL resolvers, route cache, connection
            status, body = v.request()
        if not status.startswith("200"):
            raise SystemExit(f"{v.name}: GET {v.path} answered {status}: {body[:300]!r}")
        bodies[v.name] = body
    if len(set(bodies.values())) != 1:
        raise SystemExit(f"the variants answer differently: {bodies}")
    print(f"   GET /c/{ROUTE}/api/v1/parameters/ -> 200, {len(bodies['full'])} bytes of JSON")

    statements = {v.name: count_statements(v) for v in variants}
    for r in range(args.rounds):
        order = variants[r % 3 :] + variants[: r % 3]
        for v in order:
            v.rates.append(v.run(args.requests))
    for r in range(max(1, args.rounds // 2)):
        for v in variants[r % 3 :] + variants[: r % 3]:
            v.client_rates.append(v.run_client(args.client_requests))
    connection.set_schema_to_public()

    by = {v.name: v for v in variants}
    full, base, stock = (common.median(by[n].rates) for n in ("full", "no-tenant", "stock"))
    cfull, cbase, cstock = (
        common.median(by[n].client_rates) for n in ("full", "no-tenant", "stock")
    )
    ratio = full / base
    result = {
        "request": f"GET /c/{ROUTE}/api/v1/parameters/ (session, positioned)",
        "requests_per_round": args.requests,
        "rounds": args.rounds,
        "wsgi_handler_req_per_s": {v.name: v.rates for v in variants},
        "wsgi_handler_median_req_per_s": {"full": full, "no-tenant": base, "stock": stock},
        "ratio_full_to_no_tenant": ratio,
        "ratio_stock_to_no_tenant": stock / base,
        "added_us_per_request": {
            "full": (1 / full - 1 / base) * 1e6,
            "stock": (1 / stock - 1 / base) * 1e6,
        },
        "test_client_median_req_per_s": {"full": cfull, "no-tenant": cbase, "stock": cstock},
        "test_client_ratio_full_to_no_tenant": cfull / cbase,
        "statements_per_request": {k: len(s) for k, s in statements.items()},
        "statements": statements,
        "target_met": ratio >= TARGET_RATIO,
    }
    print(f"   {args.rounds} rounds x {args.requests} requests per variant, interleaved")
    print(
        f"   {'variant':10} {'req/s (median)':>15} {'min..max':>16} {'vs no-tenant':>13} "
        f"{'SQL/request':>12} {'test Client req/s':>18}"
    )
    for v in variants:
        med = common.median(v.rates)
        print(
            f"   {v.name:10} {med:15.0f} {min(v.rates):7.0f}..{max(v.rates):<8.0f} "
            f"{med / base:12.1%} {len(statements[v.name]):12d} "
            f"{common.median(v.client_rates):18.0f}"
        )
    for v in variants:
        print(f"   statements, {v.name}:")
        for s in statements[v.name]:
            print(f"     {' '.join(s.split())[:150]}")
    added = result["added_us_per_request"]
    print(
        f"   time added per request vs no-tenant: full {added['full']:+.0f} us, "
        f"stock {added['stock']:+.0f} us"
    )
    print(
        f"   target: full >= {TARGET_RATIO:.0%} of no-tenant -> {ratio:.1%}: "
        f"{common.verdict(result['target_met'])}"
    )
    if args.profile or not result["target_met"]:
        for v in variants[:2]:
            print(f"\n   cProfile, {v.name}, {args.requests} requests (cumulative):")
            print(profile(v, args.requests))
        connection.set_schema_to_public()
    print(f"   figures: {common.save('tenant_overhead', result)}")
    return result


if __name__ == "__main__":
    main()
