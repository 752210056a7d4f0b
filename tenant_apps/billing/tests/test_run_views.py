"""The billing run's pages and API: the preview (computed by its task, run eagerly here) with its
progress, start (tasks run eagerly), progress polled while it runs, resume, permissions and
field errors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tenant_apps.billing.choices import RunStatus
from tenant_apps.billing.models import BillingPreview, BillingRun, Invoice
from tenant_apps.billing.services.runs import billing_run_start
from tenants.schemas import company_context

from .run_facts import ACTOR, subscribe

pytestmark = pytest.mark.django_db
WEB = "/c/a-one/billing/"
API = "/c/a-one/api/v1/"


@pytest.fixture
def facts(world):
    with company_context(world.a1):
        for price in ("10.00", "20.00"):
            subscribe(price=price, activated_on=dt.date(2026, 1, 1))


@pytest.fixture
def admin(login, world):
    return login("a1_admin", company=world.a1, branch="a-one-service")


def test_preview_start_and_progress_pages(admin, facts, world, django_capture_on_commit_callbacks):
    page = admin.get(f"{WEB}runs/")
    assert page.status_code == 200
    assert b'data-testid="run-preview-form"' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        asked = admin.post(f"{WEB}runs/preview/", {"cycle_start": "2026-10-01"})
    assert asked.status_code == 302
    with company_context(world.a1):
        preview = BillingPreview.objects.get()
    assert asked["Location"].endswith(f"/billing/runs/previews/{preview.pk}/")
    page = admin.get(asked["Location"])
    assert page.status_code == 200
    assert page.context["preview"].status == RunStatus.DONE
    assert page.context["preview"].invoices_count == 2
    assert page.context["preview"].total == Decimal("30.00")
    html = page.content.decode()
    assert 'data-testid="run-start-form"' in html and "hx-trigger" not in html
    assert "<td>Internet</td>" in html  # the system's name, not its code
    assert admin.get(f"{WEB}runs/preview/").context["previews"][0] == preview
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"{WEB}runs/", {"cycle_start": "2026-10-01", "issued_on": ""})
    with company_context(world.a1):
        run = BillingRun.objects.get(cycle_start=dt.date(2026, 10, 1))
        assert run.status == RunStatus.DONE
        assert Invoice.objects.filter(run=run).count() == 2
    assert response.status_code == 302
    assert response["Location"].endswith(f"/billing/runs/{run.pk}/")
    detail = admin.get(response["Location"])
    assert detail.status_code == 200
    assert b'data-testid="run-progress"' in detail.content
    assert b"hx-trigger" not in detail.content  # done: no polling
    # Starting it again bills nothing and says so.
    again = admin.post(f"{WEB}runs/", {"cycle_start": "2026-10-01"}, follow=True)
    assert "Este ciclo já foi faturado" in again.content.decode()
    with company_context(world.a1):
        assert Invoice.objects.filter(run=run).count() == 2


def test_progress_partial_polls_while_running(admin, facts, world):
    with company_context(world.a1):
        run = billing_run_start(actor=ACTOR, cycle_start=dt.date(2026, 10, 1))  # tasks not run
    partial = admin.get(f"{WEB}runs/{run.pk}/progress/")
    assert partial.status_code == 200
    html = partial.content.decode()
    assert 'hx-trigger="every 1s"' in html and "0 / 1" in html
    with company_context(world.a1):
        from tenant_apps.billing.services.runs import billing_chunk_run, billing_run_finalize

        billing_chunk_run(run_id=run.pk, index=0)
        billing_run_finalize(run_id=run.pk)
    html = admin.get(f"{WEB}runs/{run.pk}/progress/").content.decode()
    assert "hx-trigger" not in html and "1 / 1" in html


def test_resume_page_and_bad_cycle(admin, facts, world, django_capture_on_commit_callbacks):
    with company_context(world.a1):
        run = billing_run_start(actor=ACTOR, cycle_start=dt.date(2026, 10, 1))
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(f"{WEB}runs/{run.pk}/resume/")
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    bad = admin.post(f"{WEB}runs/", {"cycle_start": "2027-01-01"}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400
    assert "cycle_start" in bad.context["form"].errors
    bad_preview = admin.post(f"{WEB}runs/preview/", {"cycle_start": "2026-10-05"})
    assert bad_preview.status_code == 400
    assert "cycle_start" in bad_preview.context["form"].errors
    with company_context(world.a1):
        assert not BillingPreview.objects.exists()


def test_preview_progress_polls_until_computed(admin, facts, world):
    from tenant_apps.billing.services.runs import billing_preview_compute, billing_preview_request

    with company_context(world.a1):
        preview = billing_preview_request(actor=ACTOR, cycle_start=dt.date(2026, 10, 1))
        # Asked for again while it waits: the same one, not a second computation.
        assert billing_preview_request(actor=ACTOR, cycle_start=dt.date(2026, 10, 1)) == preview
    partial = admin.get(f"{WEB}runs/previews/{preview.pk}/progress/")
    html = partial.content.decode()
    assert partial.status_code == 200
    assert 'hx-trigger="every 1s"' in html and 'data-status="queued"' in html
    assert 'data-testid="run-preview"' not in html
    with company_context(world.a1):
        done = billing_preview_compute(preview_id=preview.pk)
    assert (done.status, done.chunks_done, done.chunks_total) == (RunStatus.DONE, 1, 1)
    html = admin.get(f"{WEB}runs/previews/{preview.pk}/progress/").content.decode()
    assert "hx-trigger" not in html and 'data-testid="run-preview"' in html
    assert 'data-testid="preview-invoices">2<' in html
    with company_context(world.a1):
        assert not Invoice.objects.exists()  # a preview writes nothing else


def test_preview_of_a_cycle_refused_meanwhile_fails_with_the_reason(admin, facts, world):
    from tenant_apps.billing.services.runs import billing_preview_compute, billing_preview_request
    from tenant_apps.parameters.models import CompanyParameters

    with company_context(world.a1):
        preview = billing_preview_request(actor=ACTOR, cycle_start=dt.date(2026, 10, 1))
        CompanyParameters.objects.update(billing_day=5)  # the cycle no longer starts on the 1st
        failed = billing_preview_compute(preview_id=preview.pk)
    assert failed.status == RunStatus.FAILED and "5" in failed.error
    html = admin.get(f"{WEB}runs/previews/{preview.pk}/").content.decode()
    assert 'role="alert"' in html and "hx-trigger" not in html


def test_permissions(login, world, facts):
    clerk = login("a1_cobranca", company=world.a1, branch="a-one-service")  # billing.view only
    assert clerk.get(f"{WEB}runs/").status_code == 200
    assert clerk.post(f"{WEB}runs/", {"cycle_start": "2026-10-01"}).status_code == 403
    assert clerk.get(f"{WEB}runs/preview/").status_code == 403
    assert clerk.post(f"{WEB}runs/preview/", {}).status_code == 403
    assert clerk.get(f"{API}billing-previews/").status_code == 403
    assert clerk.post(f"{API}billing-runs/", {}, content_type="application/json").status_code == 403
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert seller.get(f"{WEB}runs/").status_code == 403
    nobranch = login("a1_admin", company=world.a1)
    response = nobranch.post(f"{API}billing-runs/", {}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "branch_required"
    with company_context(world.a1):
        assert not BillingRun.objects.exists()


def test_api_start_detail_preview_resume(admin, facts, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        preview = admin.post(
            f"{API}billing-previews/",
            {"cycle_start": "2026-10-01"},
            content_type="application/json",
        )
    assert preview.status_code == 202, preview.json()
    data = admin.get(f"{API}billing-previews/{preview.json()['id']}/").json()
    assert (data["status"], data["progress"]) == ("done", 100)
    assert (data["invoices_count"], data["total"], data["run"]) == (2, "30.00", None)
    assert data["cycle_end"] == "2026-11-01"
    assert data["totals_by_system"] == {"internet": "30.00"}
    assert data["exceptions"][0]["code"] == "missing_tax"
    assert [p["id"] for p in admin.get(f"{API}billing-previews/").json()["results"]] == [data["id"]]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            f"{API}billing-runs/", {"cycle_start": "2026-10-01"}, content_type="application/json"
        )
    assert response.status_code == 201, response.json()
    run = response.json()
    detail = admin.get(f"{API}billing-runs/{run['id']}/").json()
    assert detail["status"] == "done" and detail["progress"] == 100
    assert (detail["chunks_total"], detail["chunks_done"]) == (1, 1)
    assert (detail["invoices_count"], detail["total"]) == (2, "30.00")
    assert detail["totals_by_system"] == {"internet": "30.00"}
    assert detail["exceptions"][0]["code"] == "missing_tax"
    assert detail["exceptions"][0]["message"]
    again = admin.post(
        f"{API}billing-runs/", {"cycle_start": "2026-10-01"}, content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["id"] == run["id"]
    resumed = admin.post(f"{API}billing-runs/{run['id']}/resume/")
    assert resumed.status_code == 200 and resumed.json()["status"] == "done"
    listing = admin.get(f"{API}billing-runs/").json()
    assert [r["id"] for r in listing["results"]] == [run["id"]]
    bad = admin.post(
        f"{API}billing-runs/",
        {"cycle_start": "2027-02-01"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400 and "cycle_start" in bad.json()["fields"]
    bad = admin.post(
        f"{API}billing-previews/",
        {"cycle_start": "2026-10-05"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert bad.status_code == 400 and "cycle_start" in bad.json()["fields"]
    assert (
        admin.post(
            f"{API}billing-previews/", {"cycle_start": "x"}, content_type="application/json"
        ).status_code
        == 400
    )
    with company_context(world.a1):
        assert BillingPreview.objects.count() == 1
