"""The run command's supervisor (``bin/run``): one process that brings the whole platform up.

1. Starts embedded PostgreSQL and Redis unless DATABASE_URL / REDIS_URL are set
   (config.embedded).
2. Prepares the database in one Django process: ``migrate_schemas``, ``collectstatic`` when the
   web server cannot serve static files from the apps (DEBUG off), ``seed_demo``.
3. Serves until Ctrl-C, each child in its own session with its output prefixed:
   ``web`` gunicorn (WSGI, config.wsgi) on 127.0.0.1:$PORT (8000), ``ws`` daphne (config.asgi,
   WebSockets) on :$WS_PORT (8001), ``worker`` a Celery worker on the default, billing and
   provisioning queues, ``beat`` Celery beat.
4. On SIGINT, SIGTERM or SIGHUP, or when a child dies, stops every child (SIGTERM, then
   SIGKILL to its process group after a grace period) and then the embedded servers.

    python -m config.devserver [--port 8000] [--ws-port 8001]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from config.embedded import BASE_DIR, VAR_DIR, EmbeddedServices

BIN = Path(sys.executable).parent
SETTINGS = "config.settings.local"
GRACE_SECONDS = 15
HEALTH_TIMEOUT = 120
CREDENTIALS_HEADING = "Demo credentials"

_print_lock = threading.Lock()


def say(message: str, name: str = "run") -> None:
    with _print_lock:
        for line in message.splitlines() or [""]:
            sys.stdout.write(f"{name:>6} | {line}\n")
        sys.stdout.flush()


class Stop(Exception):
    """A stop was asked for (signal)."""


class ChildFailed(Exception):
    pass


@dataclass
class Child:
    name: str
    argv: list[str]
    proc: subprocess.Popen | None = None
    output: list[str] = field(default_factory=list)  # kept lines, when asked to keep them
    keep_output: bool = False
    _reader: threading.Thread | None = None

    def start(self, env: dict[str, str]) -> None:
        # Its own session: the terminal's Ctrl-C reaches only the supervisor, which stops the
        # children in order, and a process group to kill whatever a child leaves behind.
        self.proc = subprocess.Popen(  # noqa: S603 (fixed argv)
            self.argv,
            env=env,
            cwd=BASE_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._pump, daemon=True, name=self.name)
        self._reader.start()

    def _pump(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for raw in io.TextIOWrapper(self.proc.stdout, encoding="utf-8", errors="replace"):
            line = raw.rstrip("\n")
            if self.keep_output:
                self.output.append(line)
            say(line, self.name)

    def poll(self) -> int | None:
        return None if self.proc is None else self.proc.poll()

    def terminate(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signal.SIGTERM)

    def wait(self, deadline: float) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        if self.proc.poll() is None:
            say(f"{self.name} did not stop in time: killing it", "run")
        # Whatever is left in its group (pool processes, a stuck main process) goes now.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        if self._reader is not None:
            self._reader.join(timeout=2)


def _raise_stop(signum, frame):
    raise Stop(signal.Signals(signum).name)


def _port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


def _health(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (our own URL)
            return response.status, response.read(500).decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(500).decode(errors="replace")
    except OSError as exc:
        return 0, str(exc)


class Supervisor:
    def __init__(self, port: int, ws_port: int, host: str = "127.0.0.1") -> None:
        self.port = port
        self.ws_port = ws_port
        self.host = host
        self.services = EmbeddedServices(log=lambda m: say(m, "db"))
        self.children: list[Child] = []

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(self.services.env)
        env.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
        env.setdefault("WEBSOCKET_PORT", str(self.ws_port))
        env["PYTHONUNBUFFERED"] = "1"
        env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
        return env

    def run(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _raise_stop)
        started = time.monotonic()
        code = 0
        try:
            for port in (self.port, self.ws_port):
                if _port_in_use(self.host, port):
                    say(
                        f"port {port} is in use on {self.host}: stop what holds it, or set "
                        "PORT / WS_PORT"
                    )
                    return 1
            self.services.start()
            env = self.env()
            credentials = self.prepare(env)
            self.serve(env)
            self.wait_healthy(started, credentials)
            self.watch()
        except Stop as stop:
            say(f"{stop.args[0]}: stopping")
        except ChildFailed as exc:
            say(str(exc))
            code = 1
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                signal.signal(signum, signal.SIG_IGN)  # a second Ctrl-C must not cut the cleanup
            self.shutdown()
        return code

    def prepare(self, env: dict[str, str]) -> str:
        child = Child(
            "setup", [sys.executable, "-m", "config.devserver", "prepare"], keep_output=True
        )
        self.children.append(child)
        child.start(env)
        while child.poll() is None:
            time.sleep(0.1)
        child.wait(time.monotonic())
        self.children.remove(child)
        if child.proc.returncode != 0:
            raise ChildFailed(f"preparing the database failed (exit {child.proc.returncode})")
        lines = child.output
        start = next(
            (i for i, line in enumerate(lines) if line.startswith(CREDENTIALS_HEADING)), len(lines)
        )
        return "\n".join(lines[start:])

    def serve(self, env: dict[str, str]) -> None:
        binds = [f"{self.host}:{self.port}"]
        ws_endpoints = [f"tcp:port={self.ws_port}:interface={self.host}"]
        if self.host == "127.0.0.1" and _ipv6_loopback():
            # "localhost" may resolve to ::1 first; answer there too.
            binds.append(f"[::1]:{self.port}")
            ws_endpoints.append(f"tcp6:port={self.ws_port}:interface=\\:\\:1")
        celery = [str(BIN / "celery"), "-A", "config"]
        self.children += [
            Child(
                "web",
                [
                    str(BIN / "gunicorn"),
                    "config.wsgi:application",
                    *[arg for b in binds for arg in ("--bind", b)],
                    "--workers",
                    os.environ.get("WEB_CONCURRENCY", "2"),
                    "--threads",
                    "4",
                    "--graceful-timeout",
                    "5",
                    "--timeout",
                    "120",
                    "--preload",  # import Django once, then fork the workers
                    "--no-control-socket",  # its fixed path would clash between two clones
                    "--access-logfile",
                    "-",
                    "--error-logfile",
                    "-",
                ],
            ),
            Child(
                "ws",
                [
                    str(BIN / "daphne"),
                    *[arg for e in ws_endpoints for arg in ("-e", e)],
                    "--access-log",
                    "-",
                    "--application-close-timeout",
                    "5",
                    "config.asgi:application",
                ],
            ),
            Child(
                "worker",
                [
                    *celery,
                    "worker",
                    "-Q",
                    "default,billing,provisioning",
                    "-l",
                    "INFO",
                    "--concurrency",
                    os.environ.get("CELERY_CONCURRENCY", "2"),
                    "-n",
                    "dev@%h",
                    "--without-gossip",
                    "--without-mingle",
                ],
            ),
            Child(
                "beat",
                [
                    *celery,
                    "beat",
                    "-l",
                    "INFO",
                    "--schedule",
                    str(VAR_DIR / "celerybeat-schedule"),
                ],
            ),
        ]
        for child in self.children:
            child.start(env)

    def wait_healthy(self, started: float, credentials: str) -> None:
        url = f"http://{self.host}:{self.port}/healthz"
        deadline = time.monotonic() + HEALTH_TIMEOUT
        status, body = 0, ""
        while time.monotonic() < deadline:
            self.check_children()
            status, body = _health(url)
            if status == 200:
                break
            time.sleep(0.5)
        else:
            say(f"/healthz did not answer 200 in {HEALTH_TIMEOUT} s (last: {status} {body})")
        elapsed = time.monotonic() - started
        health = "ok" if status == 200 else f"answered {status}"
        database = self.services.env.get("DATABASE_URL", "DATABASE_URL from the environment")
        redis_url = self.services.env.get("REDIS_URL", "REDIS_URL from the environment")
        rule = "-" * 78
        lines = [
            rule,
            f"Aleator is up in {elapsed:.0f} s: http://localhost:{self.port}/",
            f"  WebSockets (Daphne): ws://localhost:{self.ws_port}/ · Celery worker and beat"
            f" running · /healthz {health}",
            f"  Database: {database}",
            f"  Redis:    {redis_url}",
            "",
            credentials,
            "",
            "Ctrl-C stops everything.",
            rule,
        ]
        say("\n".join(lines))

    def check_children(self) -> None:
        for child in self.children:
            code = child.poll()
            if code is not None:
                raise ChildFailed(f"{child.name} exited unexpectedly (exit {code}): stopping")

    def watch(self) -> None:
        while True:
            self.check_children()
            time.sleep(0.5)

    def shutdown(self) -> None:
        running = [c for c in self.children if c.poll() is None]
        if running:
            say("stopping " + ", ".join(c.name for c in running))
        # All at once: gunicorn finishes its requests, the worker its current task (warm
        # shutdown), each within the grace period; then their process groups are killed.
        for child in self.children:
            child.terminate()
        deadline = time.monotonic() + GRACE_SECONDS
        for child in self.children:
            child.wait(deadline)
        self.services.stop()
        say("stopped")


def prepare() -> int:
    """Migrate, collect static files if needed, seed the demo (one Django start-up for all)."""
    import django
    from django.conf import settings
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    django.setup()
    started = time.monotonic()
    call_command("migrate_schemas", interactive=False, verbosity=1)
    print(f"migrate_schemas: {time.monotonic() - started:.1f} s", flush=True)
    if not settings.DEBUG or not getattr(settings, "WHITENOISE_USE_FINDERS", settings.DEBUG):
        # With DEBUG on, WhiteNoise serves straight from the apps' and node_modules' folders.
        call_command("collectstatic", interactive=False, verbosity=0)
        print("collectstatic: done", flush=True)
    call_command("seed_demo")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m config.devserver",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("action", nargs="?", choices=["serve", "prepare"], default="serve")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument("--ws-port", type=int, default=int(os.environ.get("WS_PORT", 8001)))
    args = parser.parse_args(argv)
    if args.action == "prepare":
        return prepare()
    return Supervisor(port=args.port, ws_port=args.ws_port).run()


if __name__ == "__main__":
    sys.exit(main())
