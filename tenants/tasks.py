"""Platform tasks (run in the public schema)."""

from celery import shared_task

from .guards import public_task


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
