"""Collections' Celery tasks (names start with ``billing.``: they run on the billing queue)."""

from celery import shared_task

from tenants.guards import company_task

__all__ = ["dunning_daily"]


@shared_task(name="billing.dunning_daily", acks_late=True)
@company_task
def dunning_daily() -> dict:
    """The company's daily dunning: suspend for debt past the grace days, resume the cleared.
    Safe to run twice a day (``dunning_run`` changes nothing the second time)."""
    from shared_apps.audit.actor import Actor

    from .services import dunning_run

    return dunning_run(actor=Actor.system("dunning"))
