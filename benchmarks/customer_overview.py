"""The customer 360 API under load (issue 3): ``GET /c/<route>/api/v1/customers/{id}/overview/``
with 16 concurrent clients against the 1,000,000-customer company, on the production HTTP
server (gunicorn, sync workers, ``-w 2``), loopback only.

Data: company bench-001 from customer_search.py (generated when missing). Load: wrk, one
thread, 16 connections, each request for a random customer id (Lua ``request`` hook), 3 s of
warm-up then 15 s measured; p50/p95/p99 from wrk's histogram. Also the SQL statements of one
request, counted in-process. Server and load generator share the machine's two cores.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_customers \\
        .venv/bin/python -m benchmarks.customer_overview [--customers 1000000] [--duration 15]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_customers")
os.environ.setdefault("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")

from . import common
from .http_servers import WRK_SCRIPT, Server, bin_path

ROUTE = common.company_slug(1)
TARGET_MS = 50.0
CONNECTIONS = 16

REQUEST_SCRIPT = """
math.randomseed(%(seed)d)
delay = function()
  return %(think_ms)d
end
request = function()
  local id = math.random(1, %(top)d)
  return wrk.format("GET", "/c/%(route)s/api/v1/customers/" .. id .. "/overview/")
end
"""


def overview_path(customer_id: int) -> str:
    return f"/c/{ROUTE}/api/v1/customers/{customer_id}/overview/"


def statements_per_request(user, company, customer_id: int) -> tuple[int, int, float, float]:
    """(status, SQL statements, median ms of a request and of the selector alone) through the
    whole stack, in-process (django.test.Client: the handler without the network)."""
    from django.db import connection
    from django.test import Client

    from shared_apps.access.context import SESSION_BRANCH, SESSION_COMPANY, SESSION_OPERATOR
    from shared_apps.org.models import Branch

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    session = client.session
    session[SESSION_OPERATOR] = company.operator_id
    session[SESSION_COMPANY] = company.pk
    session[SESSION_BRANCH] = Branch.objects.get(company=company, code=f"{company.slug}-service").pk
    session.save()
    client.get(overview_path(customer_id))  # warm the route cache and the connection
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    connection.set_schema_to_public()
    with connection.execute_wrapper(count):
        response = client.get(overview_path(customer_id))
    request_ms, selector_ms = [], []

    from tenant_apps.customers.selectors import customer_overview
    from tenants.schemas import company_context

    for i in range(60):
        t0 = time.perf_counter()
        client.get(overview_path(customer_id + i * 997))
        request_ms.append((time.perf_counter() - t0) * 1000)
    with company_context(company):
        for i in range(60):
            t0 = time.perf_counter()
            customer_overview(customer_id + i * 997)
            selector_ms.append((time.perf_counter() - t0) * 1000)
    return (
        response.status_code,
        len(statements),
        common.median(request_ms),
        common.median(selector_ms),
    )


def wait_ready(port: int, cookie: str, path: str, timeout: float = 90.0) -> int:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            req = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"sessionid={cookie}"}
            )
            with urllib.request.urlopen(req, timeout=5) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except Exception as exc:  # not listening yet
            last = exc
        time.sleep(0.3)
    raise RuntimeError(f"server on {port} not ready: {last}")


def run_wrk(port: int, cookie: str, script: str, duration: float) -> dict:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{duration:.0f}s", "--timeout", "10s",
         "-H", f"Cookie: sessionid={cookie}", "-H", "Accept: application/json",
         "-s", script, f"http://127.0.0.1:{port}/"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(x for x in out.stdout.splitlines() if x.startswith("JSON "))
    data = json.loads(line[5:])
    seconds = data["duration_us"] / 1e6
    return {
        "requests": data["requests"],
        "req_per_s": round(data["requests"] / seconds, 1),
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "max_ms": data["max_us"] / 1000,
        "errors": {k: v for k, v in data.items() if k.startswith("err_") and v},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--duration", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument(
        "--think-ms",
        default="0,500",
        help="pause of each client between requests: 0 = saturating; 500 = 16 users",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("needs wrk (apt-get install wrk)")
    common.header(f"customer 360 API: {args.customers:,} customers, {CONNECTIONS} clients")
    common.prepare_database()
    common.setup_django()
    from django.urls import NoReverseMatch, reverse

    from tenants.schemas import company_context

    from .customer_search import ensure_dataset

    company = ensure_dataset(args.customers)
    user = common.bench_user(company)
    cookie = common.session_cookie(user, company)
    with company_context(company):
        try:
            reverse("api-customer-overview", kwargs={"pk": 1})
        except NoReverseMatch:
            raise SystemExit("the overview endpoint does not exist yet") from None
    status, statements, request_ms, selector_ms = statements_per_request(
        user, company, args.customers // 2
    )
    print(
        f"   in-process: HTTP {status}, {statements} SQL statements per request; median "
        f"{request_ms:.1f} ms per request, of which the selector {selector_ms:.1f} ms"
    )
    if status != 200:
        raise SystemExit(f"the overview answered {status}")

    gunicorn = bin_path("gunicorn")
    server = Server(
        "gunicorn-sync-2",
        "WSGI",
        lambda p: [gunicorn, "config.wsgi:application", "-b", f"127.0.0.1:{p}", "-w", "2",
                   "--log-level", "warning"],
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        with open(os.path.join(tmp, "server.log"), "w") as log:
            server.start(log)
            try:
                if wait_ready(server.port, cookie, overview_path(1)) != 200:
                    raise SystemExit("the server does not answer 200")
                for think in [int(x) for x in args.think_ms.split(",")]:
                    script = os.path.join(tmp, f"overview-{think}.lua")
                    with open(script, "w") as fh:
                        values = {"seed": 42, "top": args.customers, "route": ROUTE}
                        fh.write(REQUEST_SCRIPT % {**values, "think_ms": think})
                        fh.write(WRK_SCRIPT)
                    run_wrk(server.port, cookie, script, args.warmup)
                    result = run_wrk(server.port, cookie, script, args.duration)
                    result["ok"] = result["p95_ms"] < TARGET_MS and not result["errors"]
                    results[f"think_{think}ms"] = result
                    print(
                        f"   gunicorn sync -w 2, wrk -c{CONNECTIONS}, think {think} ms: "
                        f"{result['req_per_s']} req/s, p50 {result['p50_ms']:.1f} ms, "
                        f"p95 {result['p95_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms, "
                        f"max {result['max_ms']:.0f} ms, errors {result['errors']}  "
                        f"(target p95 < {TARGET_MS:.0f} ms: {common.verdict(result['ok'])})"
                    )
            finally:
                server.stop()
    common.save(
        "customer_overview",
        {"customers": args.customers, "connections": CONNECTIONS, "statements": statements,
         "request_ms_in_process": request_ms, "selector_ms": selector_ms, "runs": results},
    )  # fmt: skip


if __name__ == "__main__":
    main()
