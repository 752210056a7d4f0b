"""Tasks of the billing run (see tasks.py and services.runs): one per chunk, then finalize.

``acks_late`` with ``reject_on_worker_lost``: a worker killed mid-chunk has its message
redelivered, and the chunk, rolled back whole, is billed again from nothing.
"""

from celery import shared_task

from tenants.guards import company_task

__all__ = [
    "billing_run_apply_credit",
    "billing_run_chunk",
    "billing_run_finalize",
    "billing_run_preview",
]

RETRIES = 5


@shared_task(
    name="billing.run_chunk",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=RETRIES,
    default_retry_delay=5,
)
@company_task
def billing_run_chunk(self, run_id: int, index: int) -> bool:
    from .services.runs import billing_chunk_run, billing_run_fail

    try:
        return billing_chunk_run(run_id=run_id, index=index)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            billing_run_fail(run_id=run_id, error=f"chunk {index}: {exc!r}")
            raise
        raise self.retry(exc=exc) from exc


@shared_task(
    name="billing.run_finalize",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=RETRIES,
    default_retry_delay=5,
)
@company_task
def billing_run_finalize(self, run_id: int) -> str:
    from .services.runs import billing_run_fail
    from .services.runs import billing_run_finalize as finalize

    try:
        return finalize(run_id=run_id).status
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            billing_run_fail(run_id=run_id, error=f"finalize: {exc!r}")
            raise
        raise self.retry(exc=exc) from exc


@shared_task(name="billing.run_apply_credit", acks_late=True, max_retries=RETRIES)
@company_task
def billing_run_apply_credit(run_id: int) -> int:
    """After a run: the unallocated payment credit of its payers' accounts settles their new
    invoices, oldest first (collections.credit_apply; running it again writes nothing)."""
    from shared_apps.audit.actor import Actor
    from tenant_apps.collections.services import credit_apply

    from .models import Invoice

    accounts = Invoice.objects.filter(run_id=run_id).values_list("account_id", flat=True)
    return credit_apply(actor=Actor.system("billing-run"), account_ids=accounts)


@shared_task(name="billing.run_preview", acks_late=True, reject_on_worker_lost=True)
@company_task
def billing_run_preview(preview_id: int) -> str | None:
    """Compute a requested preview (services.runs.billing_preview_compute); a failure is
    stored on the preview, which the page and the API show."""
    from .services.runs import billing_preview_compute, billing_preview_fail

    try:
        preview = billing_preview_compute(preview_id=preview_id)
    except Exception as exc:
        billing_preview_fail(preview_id=preview_id, error=repr(exc))
        raise
    return preview.status if preview is not None else None
