"""Report pages and their CSV: status codes, permission (billing.view), filters refused with a
400 and the field's message, exact CSV content (BOM, header, plain decimals), and the
customer's statement on the 360 page (lazy htmx fragment, paging, CSV)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from tenant_apps.factories import CustomerFactory
from tenants.schemas import company_context

from .helpers import NOV, OCT, cancel, invoice, line, pay, taxes

pytestmark = pytest.mark.django_db

BASE = "/c/a-one/reports"
BOM = "\ufeff"


@pytest.fixture
def admin(login, world):
    return login("a1_admin", company=world.a1, branch="a-one-service")


@pytest.fixture
def figures(world, db):
    with company_context(world.a1):
        taxes()
        x = CustomerFactory(name="Xavier Souza")
        y = CustomerFactory(name='Yara, "a" Lima')
        a = invoice(
            x, line("100", "tv"), line("50", "internet"), cycle=OCT, due_on=dt.date(2026, 11, 10)
        )
        b = invoice(
            y,
            line("10", "telephony"),
            line("10", "vod"),
            line("10", ""),
            cycle=NOV,
            due_on=dt.date(2026, 12, 10),
        )
        cancel(invoice(y, line("40", ""), issued_on=dt.date(2026, 11, 15)))
        pay(x, "100", "pix", dt.date(2026, 11, 5), a)
        pay(y, "10", "cash_desk", dt.date(2026, 11, 5), b)
        pay(x, "50", "pix", dt.date(2026, 11, 20), a, reverse=True)
        return x, y, a, b


@pytest.mark.parametrize("path", ["/", "/billing/", "/collections/", "/ageing/"])
@pytest.mark.parametrize(
    ("user", "branch", "status"),
    [
        ("a1_admin", "a-one-service", 200),
        ("a1_cobranca", "a-one-service", 200),
        ("a1_gerente", None, 200),  # reading needs no position
        ("a1_vendedor", "a-one-service", 403),
        ("a1_tecnico", "a-one-technical", 403),
    ],
)
def test_pages_need_billing_view(login, world, figures, path, user, branch, status):
    client = login(user, company=world.a1, branch=branch)
    assert client.get(f"{BASE}{path}").status_code == status
    if path != "/":
        assert client.get(f"{BASE}{path}?format=csv").status_code == status


def test_index_links_the_three_reports(admin):
    body = admin.get(f"{BASE}/").content.decode()
    for name in ("billing", "collections", "ageing"):
        assert f'href="{BASE}/{name}/"' in body


def test_billing_page_and_csv(admin, figures):
    page = admin.get(f"{BASE}/billing/?cycle_from=2026-10-01&cycle_to=2026-11-30")
    assert page.status_code == 200
    assert 'href="?cycle_from=2026-10-01&amp;cycle_to=2026-11-30&amp;format=csv"' in (
        page.content.decode()
    )
    csv = admin.get(f"{BASE}/billing/?cycle_from=2026-10-01&cycle_to=2026-11-30&format=csv")
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    assert csv["Content-Disposition"] == 'attachment; filename="billing.csv"'
    assert csv.content.decode("utf-8") == BOM + (
        "Cycle,System,Invoices,Amount,Added taxes,Included taxes,Total,Cancelled invoices,"
        "Cancelled total,Net total\r\n"
        "2026-10-01,Internet,1,50.00,0.00,2.50,50.00,0,0.00,50.00\r\n"
        "2026-10-01,TV,1,100.00,10.00,0.00,110.00,0,0.00,110.00\r\n"
        "2026-11-01,Other,2,50.00,0.00,0.00,50.00,1,40.00,10.00\r\n"
        "2026-11-01,Telephony,1,10.00,0.00,0.00,10.00,0,0.00,10.00\r\n"
        "2026-11-01,VOD,1,10.00,0.00,0.00,10.00,0,0.00,10.00\r\n"
    )


def test_collections_csv(admin, figures):
    csv = admin.get(f"{BASE}/collections/?start=2026-11-01&end=2026-11-30&format=csv")
    assert csv.status_code == 200
    assert csv.content.decode("utf-8") == BOM + (
        "Period,Origin,Payments,Collected,TV,Internet,Telephony,VOD,Other,Not allocated,"
        "Reversed payments,Reversed amount\r\n"
        "2026-11-05,Branch cash desk,1,10.00,0.00,0.00,3.33,3.33,3.34,0.00,0,0.00\r\n"
        "2026-11-05,PIX,1,100.00,68.75,31.25,0.00,0.00,0.00,0.00,0,0.00\r\n"
        "2026-11-20,PIX,0,0.00,0.00,0.00,0.00,0.00,0.00,0.00,1,50.00\r\n"
    )
    month = admin.get(f"{BASE}/collections/?start=2026-11-01&end=2026-11-30&group_by=month")
    assert month.status_code == 200


def test_ageing_csv_lists_every_payer(admin, figures):
    x, y, _a, _b = figures
    csv = admin.get(f"{BASE}/ageing/?as_of=2026-12-03&top=1&format=csv")
    assert csv["Content-Disposition"] == 'attachment; filename="ageing-2026-12-03.csv"'
    assert csv.content.decode("utf-8") == BOM + (
        "Customer number,Customer or group,Not yet due,0–30 days,31–60 days,61–90 days,"
        "90+ days,Total open,Invoices\r\n"
        f"{x.code},Xavier Souza,0.00,60.00,0.00,0.00,0.00,60.00,1\r\n"
        f'{y.code},"Yara, ""a"" Lima",20.00,0.00,0.00,0.00,0.00,20.00,1\r\n'
    )
    page = admin.get(f"{BASE}/ageing/?as_of=2026-12-03&top=1").content.decode()
    assert "Xavier Souza" in page and "Lima" not in page


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/billing/?cycle_from=2026-12-01&cycle_to=2026-11-01", "cycle_to"),
        ("/billing/?cycle_from=yesterday", "cycle_from"),
        ("/collections/?start=2026-12-01&end=2026-11-01", "end"),
        ("/collections/?start=2024-01-01&end=2026-11-01&group_by=day", "group_by"),
        ("/collections/?group_by=week", "group_by"),
        ("/ageing/?as_of=31/02/2026", "as_of"),
        ("/ageing/?top=0", "top"),
    ],
)
def test_bad_filters_are_400_with_the_field(admin, path, field):
    page = admin.get(f"{BASE}{path}")
    assert page.status_code == 400
    assert 'class="errorlist"' in page.content.decode()
    csv = admin.get(f"{BASE}{path}&format=csv")
    assert csv.status_code == 400
    assert csv.content.decode().startswith(f"{field}:")


# --- the statement on the 360 page -----------------------------------------------------------


def test_360_page_loads_the_statement_lazily(login, world, figures):
    x = figures[0]
    url = f"/c/a-one/customers/{x.pk}/"
    page = login("a1_admin", company=world.a1, branch="a-one-service").get(url).content.decode()
    assert f'hx-get="/c/a-one/reports/customers/{x.pk}/statement/"' in page
    # An agent without billing.view sees the 360 page without the statement.
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    response = seller.get(url)
    assert response.status_code == 200
    assert "customer-statement" not in response.content.decode()


def test_statement_fragment(admin, figures):
    x = figures[0]
    response = admin.get(f"{BASE}/customers/{x.pk}/statement/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body  # a fragment for htmx
    assert 'data-testid="statement-rows"' in body
    assert response.context["statement"].closing == D("60.00")  # 160 − 100 − 50 + 50
    rows = list(response.context["page"])
    assert [r.running for r in rows] == [D("160.00"), D("60.00"), D("10.00"), D("60.00")]
    assert rows[0].link == f"/c/a-one/billing/invoices/{figures[2].pk}/"
    page = admin.get(f"{BASE}/customers/{x.pk}/statement/")  # without htmx: a page
    assert page.status_code == 200 and "<html" in page.content.decode()


def test_statement_paging_and_period(admin, figures, world):
    x = figures[0]
    with company_context(world.a1):
        for _ in range(30):
            pay(x, "1", "pix", dt.date(2026, 11, 25))
    first = admin.get(f"{BASE}/customers/{x.pk}/statement/", HTTP_HX_REQUEST="true")
    assert first.context["page"].paginator.count == 34
    second = admin.get(f"{BASE}/customers/{x.pk}/statement/?page=2", HTTP_HX_REQUEST="true")
    rows = list(second.context["page"])
    assert len(rows) == 9
    assert rows[-1].running == D("30.00")
    assert 'hx-get="/c/a-one/reports/customers/' in first.content.decode()
    later = admin.get(f"{BASE}/customers/{x.pk}/statement/?start=2099-01-01")
    assert later.context["statement"].opening == D("30.00")
    assert later.context["page"].paginator.count == 0


def test_statement_csv(admin, figures, world):
    y = figures[1]
    response = admin.get(f"{BASE}/customers/{y.pk}/statement/?format=csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    lines = text.split("\r\n")
    assert lines[0] == BOM + "Posted at,Kind,Description,Due on,Document,Amount,Balance"
    invoice_b = figures[3]
    assert lines[1].endswith(
        f",Invoice,Invoice {invoice_b.number},2026-12-10,{invoice_b.number},30.00,30.00"
    )
    assert [line.rsplit(",", 2)[1:] for line in lines[1:-1]] == [
        ["30.00", "30.00"],
        ["40.00", "70.00"],
        ["-10.00", "60.00"],
    ]


def test_statement_of_unknown_customer_is_404(admin):
    assert admin.get(f"{BASE}/customers/999999/statement/").status_code == 404


def test_statement_needs_billing_view(login, world, figures):
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert seller.get(f"{BASE}/customers/{figures[0].pk}/statement/").status_code == 403


def test_statement_csv_opens_with_the_balance_before_the_period(admin, figures):
    x = figures[0]
    response = admin.get(f"{BASE}/customers/{x.pk}/statement/?start=2099-01-01&format=csv")
    assert response.content.decode("utf-8") == BOM + (
        "Posted at,Kind,Description,Due on,Document,Amount,Balance\r\n"
        "2099-01-01,Opening balance,,,,,60.00\r\n"
    )
