"""WebSocket messages and Celery tasks run in the schema they belong to, and nowhere else."""

import time

import pytest
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.db import connection

pytestmark = pytest.mark.django_db


async def _connect(world, user, path):
    from channels.db import database_sync_to_async
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from config.asgi import application

    @database_sync_to_async
    def make_session():
        s = SessionStore()
        s[SESSION_KEY] = str(user.pk)
        s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        s[HASH_SESSION_KEY] = user.get_session_auth_hash()
        s.create()
        return s.session_key

    key = await make_session()
    communicator = WebsocketCommunicator(
        application,
        path,
        headers=[
            (b"cookie", f"sessionid={key}".encode()),
            (b"origin", b"http://localhost"),
            (b"host", b"localhost"),
        ],
    )
    connected, _code = await communicator.connect()
    return communicator, connected


@pytest.mark.django_db
@pytest.mark.asyncio
async def test_websocket_message_runs_in_its_company_schema(world):
    comm, connected = await _connect(world, world.users["a1_admin"], "/ws/c/a-one/events/")
    assert connected
    await comm.send_json_to({"type": "ping"})
    reply = await comm.receive_json_from(timeout=5)
    assert reply["type"] == "pong"
    assert reply["company"] == "a-one"
    assert reply["schema"] == world.a1.schema_name
    await comm.disconnect()


@pytest.mark.django_db
@pytest.mark.asyncio
@pytest.mark.parametrize(
    "path", ["/ws/c/b-one/events/", "/ws/c/a-two/events/", "/ws/c/nope/events/"]
)
async def test_websocket_refused_outside_membership(world, path):
    _comm, connected = await _connect(world, world.users["a1_admin"], path)
    assert not connected


@pytest.mark.django_db
@pytest.mark.asyncio
async def test_websocket_refused_without_login(world):
    from config.asgi import application

    comm = WebsocketCommunicator(
        application,
        "/ws/c/a-one/events/",
        headers=[(b"origin", b"http://localhost"), (b"host", b"localhost")],
    )
    connected, _ = await comm.connect()
    assert not connected


@pytest.mark.django_db
@pytest.mark.asyncio
async def test_events_reach_only_the_same_company(world):
    """Group names carry the schema: an event published in A1 is not delivered to B1."""
    from channels.db import database_sync_to_async

    from shared_apps.web.events import publish
    from tenants.schemas import company_context

    a, ok_a = await _connect(world, world.users["a1_admin"], "/ws/c/a-one/events/")
    b, ok_b = await _connect(world, world.users["b1_admin"], "/ws/c/b-one/events/")
    assert ok_a and ok_b

    @database_sync_to_async
    def send():
        with company_context(world.a1):
            publish("test.event", {"n": 1})

    await send()
    got = await a.receive_json_from(timeout=5)
    assert got == {"type": "event", "event": "test.event", "data": {"n": 1}}
    assert await b.receive_nothing(timeout=0.5)
    await a.disconnect()
    await b.disconnect()


def test_company_task_refuses_public_schema(world):
    from tenants.guards import WrongSchema
    from tenants.tasks import company_diagnostics

    with pytest.raises(WrongSchema):
        company_diagnostics.apply(throw=True).get()


@pytest.fixture
def celery_worker_process(world, settings):
    """A real Celery worker process on the Redis broker, using this test database."""
    import os
    import subprocess
    import sys

    from django.conf import settings as dj

    db = dj.DATABASES["default"]
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = dict(
        os.environ,
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "-Q",
            "default",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield proc
    proc.terminate()
    proc.wait(timeout=20)


def _wait_for(key, seconds=30):
    for _ in range(int(seconds * 10)):
        seen = cache.get(key)
        if seen:
            return seen
        time.sleep(0.1)
    return None


def test_task_carries_the_schema_it_was_sent_from(world, celery_worker_process):
    """Through a real worker over the Redis broker: the task runs in A1 and reads A1's data;
    nothing runs in B1."""
    from config.celery import app
    from tenants.schemas import company_context
    from tenants.tasks import company_diagnostics

    for c in (world.a1, world.b1):
        with company_context(c):
            cache.delete(f"diagnostics:{c.schema_name}")
    app.conf.task_always_eager = False
    try:
        with company_context(world.a1):
            company_diagnostics.delay()
            seen = _wait_for(f"diagnostics:{world.a1.schema_name}")
    finally:
        app.conf.task_always_eager = True
    assert seen is not None, "the worker did not run the task"
    assert seen["schema"] == world.a1.schema_name
    assert seen["currency"] == "BRL"
    with company_context(world.b1):
        assert cache.get(f"diagnostics:{world.b1.schema_name}") is None
    assert connection.schema_name == "public"


def test_dispatcher_runs_a_company_task_in_every_company(world, celery_worker_process):
    from config.celery import app
    from tenants.schemas import company_context
    from tenants.tasks import dispatch_per_company

    companies = (world.a1, world.a2, world.b1)
    for c in companies:
        with company_context(c):
            cache.delete(f"diagnostics:{c.schema_name}")
    app.conf.task_always_eager = False
    try:
        assert dispatch_per_company.apply(args=["tenants.company_diagnostics", 0]).get() >= 3
        for c in companies:
            with company_context(c):
                seen = _wait_for(f"diagnostics:{c.schema_name}")
                assert seen and seen["schema"] == c.schema_name
    finally:
        app.conf.task_always_eager = True
