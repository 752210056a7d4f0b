"""Prepaid's Celery task (on the billing queue). Beat runs ``tenants.dispatch_per_company``
with ``billing.prepaid_daily`` every 15 minutes; each run charges the company's current local
day once (a day already charged is skipped), so the first run after the company's midnight
charges the new day and the others find nothing to do."""

from celery import shared_task

from shared_apps.audit.actor import Actor
from tenants.guards import company_task

from .services import prepaid_day_run


@shared_task(name="billing.prepaid_daily")
@company_task
def prepaid_daily() -> dict:
    return prepaid_day_run(actor=Actor.system("billing.prepaid_daily"))
