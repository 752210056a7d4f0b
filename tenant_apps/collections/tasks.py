"""Collections' Celery tasks (names start with ``billing.``: they run on the billing queue)."""

from celery import shared_task

from tenants.guards import company_task

__all__ = ["bank_return_import", "dunning_daily"]


@shared_task(name="billing.dunning_daily", acks_late=True)
@company_task
def dunning_daily() -> dict:
    """The company's daily dunning: suspend for debt past the grace days, resume the cleared.
    Safe to run twice a day (``dunning_run`` changes nothing the second time)."""
    from shared_apps.audit.actor import Actor

    from .services import dunning_run

    return dunning_run(actor=Actor.system("dunning"))


@shared_task(name="billing.bank_return_import", acks_late=True, reject_on_worker_lost=True)
@company_task
def bank_return_import(return_id: int) -> str:
    """Import an uploaded bank return file (services.bank_return_process: slices of records,
    each committed with its progress, so a redelivered task goes on from there); a failure is
    stored on the file, which its page and the API show."""
    from .services import bank_return_fail, bank_return_process

    try:
        return bank_return_process(return_id=return_id).status
    except Exception as exc:
        bank_return_fail(return_id=return_id, error=repr(exc))
        raise
