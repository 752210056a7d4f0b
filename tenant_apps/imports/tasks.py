"""Company tasks of the imports (the schema travels in the message)."""

from celery import shared_task

from tenants.guards import company_task


@shared_task(name="imports.customer_import")
@company_task
def customer_import_task(job_id: int) -> str:
    from .services import customer_import_run

    return customer_import_run(job_id=job_id).status
