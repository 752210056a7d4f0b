"""Smoke test of the run command (bin/run) as a newcomer uses it, with the embedded services.

Starts bin/run with DATABASE_URL, REDIS_URL and CELERY_BROKER_URL removed from its
environment, waits for /healthz to answer 200, logs in over HTTP with a demo user whose
password it reads from the run command's own output (CSRF cookie, form post, redirect, page),
checks the WebSocket server, Celery worker and beat are up, then sends SIGINT and checks that
bin/run exits 0 and that every process it started, the embedded PostgreSQL and Redis included,
has ended.

    .venv/bin/python tests/smoke_run.py          (run by .ci/run; not collected by pytest)
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

BASE_DIR = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("PORT", 8000))
WS_PORT = int(os.environ.get("WS_PORT", 8001))
BASE_URL = f"http://127.0.0.1:{PORT}"
HEALTH_TIMEOUT = 180
STOP_TIMEOUT = 60
USER = "vendedor"


class SmokeFailure(Exception):
    pass


def log(message: str) -> None:
    print(f"smoke: {message}", flush=True)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class RunCommand:
    """bin/run in its own session, its output echoed and kept."""

    def __init__(self) -> None:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE")
        }
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [str(BASE_DIR / "bin" / "run")],
            cwd=BASE_DIR,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.reader = threading.Thread(target=self._pump, daemon=True)
        self.reader.start()

    def _pump(self) -> None:
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace").rstrip("\n")
            self.lines.append(line)
            print(f"  | {line}", flush=True)

    def password_of(self, username: str) -> str:
        """The password printed for this user in the run command's credentials table."""
        pattern = re.compile(rf"\|\s+{re.escape(username)}\s+(\S+)\s")
        for line in reversed(self.lines):
            match = pattern.search(line)
            if match:
                return match.group(1)
        raise SmokeFailure(f"bin/run printed no credentials for {username!r}")

    def processes(self) -> list[psutil.Process]:
        """bin/run, its descendants (each child runs in its own session), and the embedded
        PostgreSQL and Redis servers with their own children."""
        found = []
        try:
            root = psutil.Process(self.proc.pid)
            found = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            pass
        for pid in embedded_server_pids():
            try:
                server = psutil.Process(pid)
            except psutil.NoSuchProcess:
                continue
            found += [server, *server.children(recursive=True)]
        unique = {p.pid: p for p in found}
        return list(unique.values())


def embedded_server_pids() -> list[int]:
    pids = []
    with contextlib.suppress(OSError, ValueError, IndexError):
        pids.append(int((BASE_DIR / "var/pgdata/postmaster.pid").read_text().split()[0]))
    with contextlib.suppress(OSError, ValueError, KeyError):
        pids.append(int(json.loads((BASE_DIR / "var/redis/server.json").read_text())["pid"]))
    return pids


def alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def describe(process: psutil.Process) -> str:
    try:
        return f"{process.pid} {' '.join(process.cmdline())[:120]}"
    except psutil.Error:
        return str(process.pid)


def wait_healthy(run: RunCommand) -> float:
    started = time.monotonic()
    last = ""
    while time.monotonic() - started < HEALTH_TIMEOUT:
        if run.proc.poll() is not None:
            raise SmokeFailure(f"bin/run exited with {run.proc.returncode} before /healthz")
        try:
            with urllib.request.urlopen(f"{BASE_URL}/healthz", timeout=5) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except urllib.error.HTTPError as exc:
            last = f"{exc.code} {exc.read(300).decode(errors='replace')}"
        except OSError as exc:
            last = str(exc)
        time.sleep(1)
    raise SmokeFailure(f"/healthz did not answer 200 within {HEALTH_TIMEOUT} s (last: {last})")


def check_static_files(page: str) -> None:
    """The scripts and style sheets the page links to are served (the app's and npm's)."""
    paths = sorted(set(re.findall(r'(?:href|src)="(/static/[^"?#]+)', page)))
    if not paths:
        raise SmokeFailure("the login page links to no static file")
    for path in paths:
        try:
            with urllib.request.urlopen(f"{BASE_URL}{path}", timeout=10) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            raise SmokeFailure(f"GET {path} answered {exc.code}") from exc
    log(f"the login page's {len(paths)} static files are served")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(username: str, password: str) -> str:
    """Log in like a browser; returns the path of the page reached after the redirect."""
    jar = http.cookiejar.CookieJar()
    cookies = urllib.request.HTTPCookieProcessor(jar)
    browser = urllib.request.build_opener(cookies)
    no_redirect = urllib.request.build_opener(cookies, _NoRedirect)

    with browser.open(f"{BASE_URL}/accounts/login/", timeout=10) as response:
        if response.status != 200:
            raise SmokeFailure(f"GET /accounts/login/ answered {response.status}")
        form = response.read().decode(errors="replace")
    for field in ('name="username"', 'name="password"', 'name="csrfmiddlewaretoken"'):
        if field not in form:
            raise SmokeFailure(f"the login page has no {field} field")
    check_static_files(form)
    token = next((c.value for c in jar if c.name == "csrftoken"), None)
    if not token:
        raise SmokeFailure("GET /accounts/login/ set no csrftoken cookie")

    def post(pw: str):
        data = urllib.parse.urlencode(
            {"username": username, "password": pw, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            f"{BASE_URL}/accounts/login/",
            data=data,
            headers={"Referer": f"{BASE_URL}/accounts/login/"},
        )
        try:
            with no_redirect.open(request, timeout=20) as response:
                return response.status, response.headers.get("Location")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers.get("Location")

    status, _location = post(password + "-wrong")
    if status != 200:
        raise SmokeFailure(f"a wrong password answered {status}, not the form again (200)")
    status, location = post(password)
    if status not in (301, 302, 303) or not location:
        raise SmokeFailure(f"logging in as {username} answered {status}, not a redirect")
    if not any(c.name == "sessionid" for c in jar):
        raise SmokeFailure("logging in set no session cookie")
    with browser.open(
        urllib.parse.urljoin(f"{BASE_URL}/accounts/login/", location), timeout=20
    ) as response:
        path = urllib.parse.urlsplit(response.geturl()).path
        if response.status != 200:
            raise SmokeFailure(f"the page after login ({path}) answered {response.status}")
        page = response.read().decode(errors="replace")
    if path.startswith("/accounts/login/"):
        raise SmokeFailure("after logging in, the browser was sent back to the login page")
    if 'name="password"' in page:
        raise SmokeFailure(f"the page after login ({path}) still shows a password field")
    return path


def check_services(run: RunCommand) -> None:
    if not port_open(WS_PORT):
        raise SmokeFailure(f"nothing listens for WebSockets on port {WS_PORT}")
    commands = [" ".join(p.cmdline()) for p in run.processes() if alive(p)]
    for role in ("worker", "beat"):
        if not any("celery" in c and f" {role}" in c for c in commands):
            raise SmokeFailure(f"no Celery {role} process runs")


def stop(run: RunCommand) -> float:
    started = time.monotonic()
    os.kill(run.proc.pid, signal.SIGINT)
    try:
        code = run.proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise SmokeFailure(f"bin/run did not stop within {STOP_TIMEOUT} s of SIGINT") from exc
    if code != 0:
        raise SmokeFailure(f"bin/run exited with {code} after SIGINT, not 0")
    return time.monotonic() - started


def kill_everything(run: RunCommand, processes: list[psutil.Process]) -> None:
    for process in [*processes, *run.processes()]:
        if alive(process):
            with contextlib.suppress(psutil.Error):
                process.kill()
    subprocess.run([sys.executable, "-m", "config.embedded", "stop"], cwd=BASE_DIR, check=False)


def main() -> int:
    for port in (PORT, WS_PORT):
        if port_open(port):
            log(f"FAILED: port {port} is already in use; stop what listens there first")
            return 1
    started = time.monotonic()
    log("starting bin/run with the embedded services")
    run = RunCommand()
    processes: list[psutil.Process] = []
    try:
        healthy_after = wait_healthy(run)
        log(f"/healthz answered 200 after {healthy_after:.0f} s")
        time.sleep(1)  # let the banner with the credentials reach the output
        password = run.password_of(USER)
        page = login(USER, password)
        log(f"logged in as {USER}: redirected to {page}, which answered 200")
        check_services(run)
        log(f"WebSocket server on :{WS_PORT}, Celery worker and beat are running")
        processes = run.processes()
        log(f"{len(processes)} processes belong to the run; sending SIGINT")
        stopped_after = stop(run)
        time.sleep(0.5)
        left = [p for p in processes if alive(p)]
        if left:
            raise SmokeFailure(
                "processes still running after bin/run exited:\n  "
                + "\n  ".join(describe(p) for p in left)
            )
        busy = [p for p in (PORT, WS_PORT) if port_open(p)]
        if busy:
            raise SmokeFailure(f"ports still open after the stop: {busy}")
        if (BASE_DIR / "var/pgdata/postmaster.pid").exists():
            raise SmokeFailure("the embedded PostgreSQL left its postmaster.pid behind")
        log(
            f"bin/run exited 0 {stopped_after:.1f} s after SIGINT; all {len(processes)} "
            "processes ended"
        )
    except SmokeFailure as failure:
        log(f"FAILED: {failure}")
        if run.proc.poll() is None:
            os.kill(run.proc.pid, signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                run.proc.wait(timeout=STOP_TIMEOUT)
        kill_everything(run, processes)
        return 1
    finally:
        run.reader.join(timeout=5)
    log(f"OK: the run command works ({time.monotonic() - started:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
