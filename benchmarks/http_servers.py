"""Requests per second and latency of a typical authenticated JSON endpoint, served by gunicorn
(WSGI, config.wsgi) and by Daphne (ASGI, config.asgi), on this machine, loopback only.

The request: GET /c/bench-001/api/v1/parameters/ with the session cookie of a positioned
company administrator (200, JSON). Load generator: wrk (C; `apt-get install wrk`), one thread,
a fixed number of open connections, a warm-up then a measured run of fixed duration; p50, p95
and p99 come from wrk's latency histogram (a Lua done() hook). Without wrk, a bounded
asyncio load generator (httpx) is used instead, which costs far more CPU (the figures then
understate both servers). Server and load generator share the machine's cores.

Servers (each started fresh, DJANGO_SETTINGS_MODULE=benchmarks.settings, DEBUG off):
  gunicorn sync   -w 2, -w 4          (one request at a time per process)
  gunicorn gthread -w 2 --threads 4   (as bin/run serves HTTP)
  gunicorn sync -w 2 with CONN_MAX_AGE=0 (reference: a new database connection per request,
                  as Daphne needs)
  daphne          one process (how the run command would serve it over ASGI)
  daphne x2       two processes sharing one listening socket (--fd), to use both cores

    .venv/bin/python -m benchmarks.http_servers [--connections 8,32] [--duration 15]
                                                [--warmup 3] [--only gunicorn-sync-2,daphne-1]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

from . import common

ROUTE = common.company_slug(1)
PATH = f"/c/{ROUTE}/api/v1/parameters/"

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format(
    "JSON {\\"requests\\":%d,\\"duration_us\\":%d,\\"p50_us\\":%d,\\"p95_us\\":%d,"
    .. "\\"p99_us\\":%d,\\"max_us\\":%d,\\"mean_us\\":%f,\\"err_connect\\":%d,"
    .. "\\"err_read\\":%d,\\"err_write\\":%d,\\"err_status\\":%d,\\"err_timeout\\":%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean, summary.errors.connect,
    summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bin_path(name: str) -> str:
    return (
        str(common.ROOT / ".venv" / "bin" / name)
        if (common.ROOT / ".venv" / "bin" / name).exists()
        else name
    )


class Server:
    """A server command; started in its own process group, stopped by that group's id."""

    def __init__(
        self, name: str, kind: str, argv_for_port, processes: int = 1, shared_fd=False, env=None
    ):
        self.name, self.kind, self.argv_for_port = name, kind, argv_for_port
        self.env = env or {}
        self.processes, self.shared_fd = processes, shared_fd
        self.procs: list[subprocess.Popen] = []
        self.sock: socket.socket | None = None
        self.port = 0

    def start(self, log) -> None:
        env = common.bench_env(**self.env)
        if self.shared_fd:
            self.sock = socket.socket()
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.sock.bind(("127.0.0.1", 0))
            self.sock.listen(1024)
            self.port = self.sock.getsockname()[1]
            fd = self.sock.fileno()
            for _ in range(self.processes):
                self.procs.append(
                    subprocess.Popen(
                        self.argv_for_port(fd),
                        cwd=common.ROOT,
                        env=env,
                        stdout=log,
                        stderr=log,
                        pass_fds=(fd,),
                        start_new_session=True,
                    )
                )
        else:
            self.port = free_port()
            self.procs.append(
                subprocess.Popen(
                    self.argv_for_port(self.port),
                    cwd=common.ROOT,
                    env=env,
                    stdout=log,
                    stderr=log,
                    start_new_session=True,
                )
            )

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if self.sock is not None:
            self.sock.close()


# Under ASGI Django runs each request's sync code in a thread of its own (asgiref
# ThreadSensitiveContext), so a persistent connection (CONN_MAX_AGE > 0) is left open by every
# request until that thread's wrapper is collected: PostgreSQL runs out of connections within
# seconds (see check_asgi_connections). Django's documented setting for ASGI is CONN_MAX_AGE=0,
# used here for Daphne.
ASGI_ENV = {"DB_CONN_MAX_AGE": "0"}


def servers() -> list[Server]:
    gunicorn, daphne = bin_path("gunicorn"), bin_path("daphne")
    quiet = ["--log-level", "warning"]
    return [
        Server(
            "gunicorn-sync-2",
            "WSGI",
            lambda p: [
                gunicorn,
                "config.wsgi:application",
                "-b",
                f"127.0.0.1:{p}",
                "-w",
                "2",
                *quiet,
            ],
        ),
        Server(
            "gunicorn-sync-4",
            "WSGI",
            lambda p: [
                gunicorn,
                "config.wsgi:application",
                "-b",
                f"127.0.0.1:{p}",
                "-w",
                "4",
                *quiet,
            ],
        ),
        Server(
            "gunicorn-gthread-2x4",
            "WSGI",
            lambda p: [
                gunicorn,
                "config.wsgi:application",
                "-b",
                f"127.0.0.1:{p}",
                "-k",
                "gthread",
                "-w",
                "2",
                "--threads",
                "4",
                *quiet,
            ],
        ),
        Server(  # reference: what re-connecting to PostgreSQL on every request costs (as Daphne)
            "gunicorn-sync-2-conn0",
            "ref",
            lambda p: [
                gunicorn,
                "config.wsgi:application",
                "-b",
                f"127.0.0.1:{p}",
                "-w",
                "2",
                *quiet,
            ],
            env=ASGI_ENV,
        ),
        Server(
            "daphne-1",
            "ASGI",
            lambda p: [
                daphne,
                "-b",
                "127.0.0.1",
                "-p",
                str(p),
                "-v",
                "0",
                "config.asgi:application",
            ],
            env=ASGI_ENV,
        ),
        Server(
            "daphne-2",
            "ASGI",
            lambda fd: [daphne, "--fd", str(fd), "-v", "0", "config.asgi:application"],
            processes=2,
            shared_fd=True,
            env=ASGI_ENV,
        ),
    ]


def wait_ready(port: int, cookie: str, timeout: float = 90.0) -> None:
    url = f"http://127.0.0.1:{port}{PATH}"
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            req = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
            with urllib.request.urlopen(req, timeout=5) as resp:
                if resp.status == 200:
                    return
        except Exception as exc:  # not listening yet
            last = exc
        time.sleep(0.3)
    raise RuntimeError(f"server on {port} not ready: {last}")


def wrk(port: int, cookie: str, connections: int, duration: float, script: str) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{duration:.0f}s",
            "--timeout",
            "10s",
            "-H",
            f"Cookie: sessionid={cookie}",
            "-H",
            "Accept: application/json",
            "-s",
            script,
            f"http://127.0.0.1:{port}{PATH}",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in out.stdout.splitlines() if x.startswith("JSON "))
    data = json.loads(line[5:])
    seconds = data["duration_us"] / 1e6
    errors = sum(v for k, v in data.items() if k.startswith("err_"))
    return {
        "tool": "wrk",
        "connections": connections,
        "seconds": seconds,
        "requests": data["requests"],
        "req_per_s": data["requests"] / seconds,
        "p50_ms": data["p50_us"] / 1000,
        "p95_ms": data["p95_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "max_ms": data["max_us"] / 1000,
        "errors": errors,
        "errors_detail": {k: v for k, v in data.items() if k.startswith("err_") and v},
    }


def pyload(port: int, cookie: str, connections: int, duration: float) -> dict:
    """Fallback load generator: `connections` asyncio workers over httpx for `duration` s."""
    import asyncio

    import httpx

    async def run():
        latencies: list[float] = []
        errors = 0
        stop = time.perf_counter() + duration
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}",
            headers={"Cookie": f"sessionid={cookie}", "Accept": "application/json"},
            limits=limits,
            timeout=10,
        ) as client:

            async def worker():
                nonlocal errors
                while time.perf_counter() < stop:
                    t0 = time.perf_counter()
                    try:
                        r = await client.get(PATH)
                        if r.status_code != 200:
                            errors += 1
                    except httpx.HTTPError:
                        errors += 1
                    latencies.append(time.perf_counter() - t0)

            t0 = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(connections)))
            return latencies, errors, time.perf_counter() - t0

    latencies, errors, seconds = asyncio.run(run())
    return {
        "tool": "httpx",
        "connections": connections,
        "seconds": seconds,
        "requests": len(latencies),
        "req_per_s": len(latencies) / seconds,
        "p50_ms": common.percentile(latencies, 50) * 1000,
        "p95_ms": common.percentile(latencies, 95) * 1000,
        "p99_ms": common.percentile(latencies, 99) * 1000,
        "max_ms": max(latencies) * 1000,
        "errors": errors,
    }


def bench_connections() -> int:
    """Open PostgreSQL connections to the benchmark database (from pg_stat_activity)."""
    args, name = common._pg_args()
    out = subprocess.run(
        [
            "psql",
            *args,
            "-d",
            "postgres",
            "-tAc",
            f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}'",
        ],
        capture_output=True,
        text=True,
        check=True,
        env=common._pg_env(),
    )
    return int(out.stdout.strip())


def check_asgi_connections(
    cookie: str, conn_max_age: int, requests: int = 40, concurrency: int = 4
) -> dict:
    """Daphne with this CONN_MAX_AGE: database connections left open after `requests`
    requests, `concurrency` at a time (bounded, so as not to exhaust a shared server: at most
    one connection per request can leak)."""
    daphne = bin_path("daphne")
    server = Server(
        f"daphne-conn-max-age-{conn_max_age}",
        "ASGI",
        lambda p: [daphne, "-b", "127.0.0.1", "-p", str(p), "-v", "0", "config.asgi:application"],
        env={"DB_CONN_MAX_AGE": str(conn_max_age)},
    )
    before = bench_connections()
    with open(common.RESULTS / "server-daphne-conn-check.log", "w") as log:
        server.start(log)
        try:
            wait_ready(server.port, cookie)
            after_first = bench_connections()
            url = f"http://127.0.0.1:{server.port}{PATH}"

            def get(_):
                req = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
                with urllib.request.urlopen(req, timeout=10) as resp:
                    return resp.status

            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(concurrency) as pool:
                statuses = list(pool.map(get, range(requests)))
            time.sleep(0.5)
            after = bench_connections()
        finally:
            server.stop()
    return {
        "conn_max_age": conn_max_age,
        "requests": requests,
        "concurrency": concurrency,
        "statuses": sorted(set(statuses)),
        "connections_before_server": before,
        "connections_after_readiness": after_first,
        "connections_after_requests": after,
        "leaked_per_request": (after - after_first) / requests,
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", default="8,32", help="comma-separated concurrency levels")
    parser.add_argument("--duration", type=float, default=12)
    parser.add_argument("--repeats", type=int, default=2, help="passes over the servers")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--only", default="", help="comma-separated server names")
    parser.add_argument("--loadgen", choices=["auto", "wrk", "httpx"], default="auto")
    parser.add_argument(
        "--no-conn-check", action="store_true", help="skip the ASGI CONN_MAX_AGE=60 check"
    )
    args = parser.parse_args(argv)
    levels = [int(c) for c in args.connections.split(",")]
    use_wrk = args.loadgen == "wrk" or (args.loadgen == "auto" and shutil.which("wrk"))

    common.header("HTTP servers: gunicorn (WSGI) vs Daphne (ASGI), loopback")
    common.prepare_database()
    common.setup_django()
    from django.db import connection

    common.ensure_companies(1)
    company = common.bench_company()
    cookie = common.session_cookie(common.bench_user(company), company)
    connection.close()
    print(
        f"   GET {PATH}, session cookie; "
        f"load generator: {'wrk -t1' if use_wrk else 'httpx asyncio'}"
    )
    print(
        f"   connections: {levels}; {args.warmup:.0f} s warm-up + {args.duration:.0f} s per run; "
        f"{args.repeats} passes"
    )

    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    common.RESULTS.mkdir(exist_ok=True)
    wanted = set(filter(None, args.only.split(",")))
    chosen = [s for s in servers() if not wanted or s.name in wanted]
    runs = []
    try:
        # Each pass starts every server afresh; passes alternate the order of the servers so
        # that other load on the machine hits them alike.
        for rep in range(args.repeats):
            for server in chosen if rep % 2 == 0 else list(reversed(chosen)):
                server = next(s for s in servers() if s.name == server.name)  # fresh object
                log_path = common.RESULTS / f"server-{server.name}.log"
                with open(log_path, "a") as log:
                    server.start(log)
                    try:
                        wait_ready(server.port, cookie)
                        for c in levels:
                            if use_wrk:
                                wrk(server.port, cookie, c, args.warmup, script.name)
                                fig = wrk(server.port, cookie, c, args.duration, script.name)
                            else:
                                pyload(server.port, cookie, c, args.warmup)
                                fig = pyload(server.port, cookie, c, args.duration)
                            fig.update(server=server.name, kind=server.kind, repeat=rep + 1)
                            runs.append(fig)
                            print(
                                f"   {server.name:22} {server.kind:4} c={c:<3} "
                                f"{fig['req_per_s']:7.1f} req/s  p50 {fig['p50_ms']:7.1f} ms  "
                                f"p95 {fig['p95_ms']:7.1f} ms  p99 {fig['p99_ms']:7.1f} ms  "
                                f"errors {fig['errors']}",
                                flush=True,
                            )
                    finally:
                        server.stop()
    finally:
        os.unlink(script.name)

    # Per server and concurrency, the pass with the most requests per second (least disturbed).
    best_runs = {}
    for r in runs:
        key = (r["server"], r["connections"])
        if key not in best_runs or r["req_per_s"] > best_runs[key]["req_per_s"]:
            best_runs[key] = r
    print(f"   best of {args.repeats} passes:")
    print(
        f"   {'server':22} {'':4} {'conc.':>5} {'req/s':>8} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    )
    for (name, c), r in best_runs.items():
        print(
            f"   {name:22} {r['kind']:4} {c:5d} {r['req_per_s']:8.1f} {r['p50_ms']:8.1f} "
            f"{r['p95_ms']:8.1f} {r['p99_ms']:8.1f}"
        )

    conn_check = []
    if not args.no_conn_check:
        for age, label in ((60, "the project's setting"), (0, "as for the runs above")):
            check = check_asgi_connections(cookie, age)
            conn_check.append(check)
            print(
                f"   Daphne with CONN_MAX_AGE={age} ({label}): "
                f"{check['connections_after_readiness']} -> "
                f"{check['connections_after_requests']} open database connections after "
                f"{check['requests']} requests, {check['concurrency']} at a time"
            )

    best = {}
    for c in levels:
        at = [r for r in best_runs.values() if r["connections"] == c]
        wsgi = max(
            (r for r in at if r["kind"] == "WSGI"), key=lambda r: r["req_per_s"], default=None
        )
        asgi = max(
            (r for r in at if r["kind"] == "ASGI"), key=lambda r: r["req_per_s"], default=None
        )
        if wsgi and asgi:
            best[c] = {
                "best_wsgi": wsgi["server"],
                "best_asgi": asgi["server"],
                "wsgi_over_asgi_throughput": wsgi["req_per_s"] / asgi["req_per_s"],
                "asgi_over_wsgi_p95": asgi["p95_ms"] / wsgi["p95_ms"],
            }
            print(
                f"   c={c}: best WSGI ({wsgi['server']}) / best ASGI ({asgi['server']}): "
                f"{best[c]['wsgi_over_asgi_throughput']:.2f}x the req/s, "
                f"p95 {wsgi['p95_ms']:.0f} vs {asgi['p95_ms']:.0f} ms"
            )
    result = {
        "request": f"GET {PATH} (session)",
        "load_generator": "wrk -t1" if use_wrk else "httpx",
        "duration_s": args.duration,
        "runs": runs,
        "best_runs": list(best_runs.values()),
        "comparison": best,
        "asgi_connection_check": conn_check,
    }
    print(f"   figures: {common.save('http_servers', result)}")
    return result


if __name__ == "__main__":
    main()
