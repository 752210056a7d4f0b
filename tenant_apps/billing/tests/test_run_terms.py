"""A run bills every chunk with the terms (currency, language, tax rates) it started with: a
tax rate changed while its chunks are pending does not tax two chunks differently."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings

from tenant_apps.billing.models import Invoice, TaxRate
from tenant_apps.billing.services.runs import (
    billing_chunk_run,
    billing_run_finalize,
    billing_run_start,
)
from tenant_apps.factories import CustomerFactory

from .run_facts import ACTOR, product, rate, subscribe

pytestmark = pytest.mark.django_db


@override_settings(BILLING_RUN_CHUNK_PAYERS=1)
def test_a_rate_changed_mid_run_does_not_change_the_run(in_a1):
    TaxRate.objects.all().delete()
    iss = rate("internet", "ISS", "5", "added")
    internet = product("100.00", system="internet")
    first, second = CustomerFactory(), CustomerFactory()
    for customer in (first, second):
        subscribe(customer, prod=internet, activated_on=dt.date(2025, 1, 1))
    run = billing_run_start(actor=ACTOR, cycle_start=dt.date(2026, 3, 1))  # tasks not run
    assert run.terms["taxes"] == {"internet": [{"name": "ISS", "rate": "5.0000", "mode": "added"}]}
    assert run.chunks_total == 2
    billing_chunk_run(run_id=run.pk, index=0)
    iss.rate = Decimal("10")  # changed while the second chunk waits
    iss.save()
    billing_chunk_run(run_id=run.pk, index=1)
    billing_run_finalize(run_id=run.pk)
    totals = sorted(Invoice.objects.filter(run=run).values_list("total", flat=True))
    assert totals == [Decimal("105.00"), Decimal("105.00")]


def test_a_cycle_overlapping_one_billed_is_refused(in_a1, django_capture_on_commit_callbacks):
    """After the billing day moves from 1 to 15, the cycle 15 March - 15 April overlaps the
    March cycle already billed: starting it is refused (its first days would be billed twice)."""
    from django.core.exceptions import ValidationError

    from .run_facts import params

    subscribe(CustomerFactory(), prod=product("100.00"), activated_on=dt.date(2025, 1, 1))
    params(billing_day=1)
    with django_capture_on_commit_callbacks(execute=True):
        billing_run_start(actor=ACTOR, cycle_start=dt.date(2026, 3, 1))
    params(billing_day=15)
    with pytest.raises(ValidationError) as exc:
        billing_run_start(actor=ACTOR, cycle_start=dt.date(2026, 3, 15))
    assert "2026-03-01" in str(exc.value.message_dict["cycle_start"])
    with django_capture_on_commit_callbacks(execute=True):  # a cycle after it is fine
        run = billing_run_start(actor=ACTOR, cycle_start=dt.date(2026, 4, 15))
    run.refresh_from_db()
    assert run.status == "done"
