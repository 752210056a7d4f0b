"""A real browser (Debian's chromium driven by Playwright) on a phone-sized viewport: login,
positioning, navigation, and the PWA's manifest and service worker."""

import os
import shutil
import threading

import pytest

# No per-test transaction: Playwright's sync API keeps an event loop in this thread, and the
# server thread must see committed data anyway. The world is committed once per session.
pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if not shutil.which(CHROMIUM) and not os.environ.get("CI"):
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True
    )


@pytest.fixture(scope="module")
def server(world, django_db_blocker):
    """The WSGI app in a thread on a free port; it sees the committed test data."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=True)
    httpd.set_app(WSGIHandler())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    with django_db_blocker.unblock():
        yield f"http://localhost:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="pt-BR", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


def _in_thread(func):
    errors = []

    def run():
        from django.db import connection

        try:
            func()
        except Exception as exc:  # reported in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    if errors:
        raise errors[0]


def _login(page, server, username, password):
    page.goto(f"{server}/accounts/login/")
    assert page.get_attribute("input[name=username]", "autocomplete") == "username"
    assert page.get_attribute("input[name=password]", "autocomplete") == "current-password"
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_login_position_and_navigate_on_a_phone(phone, server, world):
    _login(phone, server, "a1_admin", world.password)
    # Several choices: the position picker is shown; pick the customer-service branch.
    phone.click("[data-testid=branch-a-one-service]")
    phone.wait_for_url(f"{server}/c/a-one/")
    assert world.branches["a-one-service"].name in phone.inner_text("[data-testid=position]")
    # The menu is collapsed on a phone and opens with its button.
    nav = phone.locator("#main-nav")
    assert not nav.is_visible()
    phone.click("[data-menu-toggle]")
    assert nav.is_visible()
    phone.click("#main-nav a[href='/c/a-one/settings/']")
    phone.wait_for_url(f"{server}/c/a-one/settings/")
    assert phone.locator("#id_billing_day").is_visible()
    # Nothing overflows sideways at 390 px.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    # Saving works from the phone (positioned in a branch) and stays on the page.
    phone.fill("#id_days_to_due", "11")  # committed: restored below for the other tests
    phone.click("main form button[type=submit]")
    phone.wait_for_url(f"{server}/c/a-one/settings/")
    assert phone.input_value("#id_days_to_due") == "11"
    from tenant_apps.parameters.models import CompanyParameters
    from tenants.schemas import company_context

    def restore():
        with company_context(world.a1):
            assert CompanyParameters.objects.get().days_to_due == 11
            CompanyParameters.objects.update(days_to_due=10)

    _in_thread(restore)  # Playwright's loop runs in this thread: use another for the ORM


def test_menu_shows_only_what_the_profile_allows(phone, server, world):
    _login(phone, server, "a1_vendedor", world.password)  # one choice: positioned at once
    phone.wait_for_url(f"{server}/c/a-one/")
    phone.click("[data-menu-toggle]")
    links = phone.eval_on_selector_all("#main-nav a", "els => els.map(e => e.getAttribute('href'))")
    assert "/c/a-one/settings/" not in links
    assert "/c/a-one/profiles/" not in links


def test_manifest_and_service_worker_register(phone, server, world):
    _login(phone, server, "a1_admin", world.password)
    phone.wait_for_selector("html[data-sw-registered=true]", state="attached", timeout=15000)
    scope = phone.evaluate("navigator.serviceWorker.getRegistration('/').then(r => r && r.scope)")
    assert scope == f"{server}/"
    manifest_href = phone.get_attribute("link[rel=manifest]", "href")
    manifest = phone.evaluate(f"fetch('{manifest_href}').then(r => r.json())")
    assert manifest["display"] == "standalone"
    assert phone.locator("[data-install]").count() >= 1


@pytest.fixture(scope="module")
def daphne(world):
    """Daphne serving the WebSockets, in its own process, on this test database."""
    import socket
    import subprocess
    import sys
    import time

    from django.conf import settings

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = settings.DATABASES["default"]
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "config.asgi:application",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    old = settings.WEBSOCKET_PORT
    settings.WEBSOCKET_PORT = str(port)
    yield port
    settings.WEBSOCKET_PORT = old
    proc.terminate()
    proc.wait(timeout=10)


def test_live_event_reaches_an_open_page(browser, server, daphne, world):
    """One user changes the parameters; another user's open page shows it at once."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="pt-BR")
    watcher = context.new_page()
    _login(watcher, server, "a1_gerente", world.password)
    watcher.goto(f"{server}/c/a-one/")
    watcher.wait_for_selector("body[data-live=connected]", state="attached", timeout=15000)

    other = browser.new_context(viewport={"width": 1280, "height": 800})
    editor = other.new_page()
    _login(editor, server, "a1_admin", world.password)
    editor.click("[data-testid=branch-a-one-service]")
    editor.goto(f"{server}/c/a-one/settings/")
    current = int(editor.input_value("#id_grace_days"))
    editor.fill("#id_grace_days", str(current % 60 + 1))  # a real change, whatever was there
    editor.click("main form button[type=submit]")
    editor.wait_for_url(f"{server}/c/a-one/settings/")

    watcher.wait_for_selector("[data-testid=live-events] p", timeout=10000)
    assert "a1_admin" in watcher.inner_text("[data-testid=live-events]")
    context.close()
    other.close()
