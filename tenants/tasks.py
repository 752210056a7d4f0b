"""Platform tasks (run in the public schema)."""

from celery import shared_task

from .guards import company_task, public_task


@shared_task(name="tenants.company_provision", bind=True, max_retries=3)
@public_task
def company_provision_task(self, company_id: int) -> str:
    from .services import company_provision

    return company_provision(company_id=company_id).status


@shared_task(name="tenants.heartbeat")
@public_task
def heartbeat() -> str:
    """Beat's liveness tick: proves beat → broker → worker works (see /healthz)."""
    from django.core.cache import cache
    from django.utils import timezone

    now = timezone.now().isoformat()
    cache.set("platform:heartbeat", now, 600)
    return now


@shared_task(name="tenants.dispatch_per_company")
@public_task
def dispatch_per_company(task_name: str, stagger_seconds: float = 0.5) -> int:
    """Enqueue ``task_name`` once per ready company, in that company's schema, staggered so
    that hundreds of companies do not hit the workers at the same instant."""
    from config.celery import app

    from .choices import CompanyStatus
    from .models import Company

    count = 0
    for count, schema in enumerate(
        Company.objects.filter(status=CompanyStatus.READY, is_active=True)
        .order_by("id")
        .values_list("schema_name", flat=True),
        start=1,
    ):
        app.send_task(
            task_name, headers={"_schema_name": schema}, countdown=(count - 1) * stagger_seconds
        )
    return count


@shared_task(name="tenants.company_diagnostics")
@company_task
def company_diagnostics() -> dict:
    """Runs in one company's schema: records that the company's queue path works, and what
    the task saw (its schema and currency), for /healthz and the operators' checks."""
    from django.core.cache import cache
    from django.db import connection
    from django.utils import timezone

    from tenant_apps.parameters.selectors import company_parameters

    seen = {
        "schema": connection.schema_name,
        "currency": company_parameters().currency,
        "at": timezone.now().isoformat(),
    }
    cache.set(f"diagnostics:{connection.schema_name}", seen, 3600)
    return seen
