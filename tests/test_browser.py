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


# --- Selling on a phone ----------------------------------------------------------------------

SELLER = "nav_vendedor"


def _selling_world(password: str) -> None:
    """An operator of its own (nothing of the shared world changes): a company with a
    customer-service branch, a seller, a fibre product, a zone that covers it and a plan.
    Committed and idempotent (the test database is reused between runs)."""
    from decimal import Decimal

    from shared_apps.access.models import AccessProfile, Membership
    from shared_apps.access.services import membership_grant, user_create
    from shared_apps.accounts.models import User
    from shared_apps.audit.actor import Actor
    from shared_apps.org.models import Branch
    from tenant_apps.catalog.models import Product
    from tenant_apps.catalog.services import product_create
    from tenant_apps.locations.services import city_create, zone_create
    from tenant_apps.sales.services.plans import plan_create, plan_item_add
    from tenants import services
    from tenants.models import Company, Operator
    from tenants.schemas import company_context

    actor = Actor.system("browser tests")
    operator = Operator.objects.filter(slug="op-nav").first()
    if operator is None:
        operator, _company = services.operator_create(
            actor=actor,
            name="Operadora Navegador",
            slug="op-nav",
            first_company=services.CompanyInput(name="Navegador TV", slug="nav-tv"),
        )
    company = Company.objects.get(slug="nav-tv")
    if company.status != "ready":
        services.company_provision(company_id=company.pk)
        company.refresh_from_db()
    branch = Branch.objects.filter(company=company, code="NAV-AT").first() or (
        services.branch_create(
            actor=actor, company=company, code="NAV-AT", name="Atendimento Navegador",
            kind="service",
        )
    )  # fmt: skip
    user = User.objects.filter(username=SELLER).first() or user_create(
        actor=actor, username=SELLER, password=password
    )
    if not Membership.objects.filter(user=user, company=company, is_active=True).exists():
        membership_grant(
            actor=actor,
            user=user,
            operator=operator,
            company=company,
            profiles=AccessProfile.objects.filter(company=company, name="Vendedor"),
            branches=[branch],
        )
    with company_context(company):
        if Product.objects.filter(code="NAV-FIBRA").exists():
            return
        city = city_create(actor=actor, data={"name": "Porto Alegre", "state": "RS"})
        zone_create(actor=actor, data={"city": city, "name": "Centro", "technologies": ["ftth"]})
        product = product_create(
            actor=actor,
            data={
                "code": "NAV-FIBRA",
                "name": "Fibra 500 Mega",
                "system": "internet",
                "role": "main",
                "technology": "ftth",
                "monthly_price": Decimal("109.90"),
                "daily_cost": Decimal("3.6600"),
                "provisioning": {
                    "speed_profile": "FTTH-500",
                    "download_kbps": 500000,
                    "upload_kbps": 250000,
                },
            },
        )
        plan = plan_create(
            actor=actor,
            data={
                "code": "NAV-500",
                "name": "Fibra 500 Residencial",
                "kind": "postpaid",
                "valid_from": __import__("datetime").date(2024, 1, 1),
                "customer_types": [],
                "cities": [],
                "zones": [],
                "installation_fee": Decimal("0"),
                "free_installation": True,
                "is_active": True,
            },
        )
        plan_item_add(actor=actor, plan=plan, product=product)


def _new_customer(name: str) -> None:
    """A customer with an address in the covered zone (a new one each run)."""
    import random

    from shared_apps.audit.actor import Actor
    from tenant_apps.customers.services import customer_create
    from tenant_apps.locations.models import Zone
    from tenants.models import Company
    from tenants.schemas import company_context

    digits = [random.randint(0, 9) for _ in range(9)]
    for start in (10, 11):
        total = sum(d * w for d, w in zip(digits, range(start, 1, -1), strict=False))
        digits.append(0 if (total * 10) % 11 == 10 else (total * 10) % 11)
    with company_context(Company.objects.get(slug="nav-tv")):
        customer_create(
            actor=Actor.system("browser tests"),
            kind="person",
            name=name,
            tax_id="".join(map(str, digits)),
            customer_type="residential",
            address={"zone": Zone.objects.get(name="Centro"), "street": "Rua da Praia",
                     "number": "100"},
        )  # fmt: skip


def test_find_a_customer_and_sell_on_a_phone(phone, server, world):
    """A seller positioned at once finds the customer with the live search, opens the 360
    page, sells the plan after the condition check and lands on the contract."""
    import uuid

    name = f"Cliente Navegador {uuid.uuid4().hex[:6]}"
    _in_thread(lambda: _selling_world(world.password))
    _in_thread(lambda: _new_customer(name))
    _login(phone, server, SELLER, world.password)  # one branch: positioned at once
    phone.wait_for_url(f"{server}/c/nav-tv/")
    phone.goto(f"{server}/c/nav-tv/customers/")
    phone.fill("[data-testid=customer-search]", name.split()[-1])  # live search (htmx)
    result = phone.locator("#customer-results a", has_text=name)
    result.first.wait_for(timeout=10000)
    result.first.click()
    phone.wait_for_selector("h1")
    assert name in phone.inner_text("h1")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.click("a[href*='/sales/new/']")
    phone.select_option("select[name=plan]", label="Fibra 500 Residencial")
    phone.click("[data-testid=check]")
    phone.wait_for_selector("[data-testid=check-ok]")
    phone.click("[data-testid=confirm]")
    phone.wait_for_url(f"{server}/c/nav-tv/sales/*/")
    text = phone.inner_text("main")
    assert "CT-" in text and "Fibra 500 Mega" in text
