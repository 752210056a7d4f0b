"""Reading import jobs."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ImportJob

LIST_FIELDS = [
    "id",
    "kind",
    "status",
    "file_name",
    "checksum",
    "size",
    "created_by",
    "created_at",
    "started_at",
    "finished_at",
    "rows_total",
    "rows_imported",
    "rows_skipped",
    "customers_created",
    "addresses_created",
    "subscriptions_created",
    "entries_created",
    "error_count",
    "message",
]


def import_job_list() -> QuerySet[ImportJob]:
    """Jobs, newest first, without the file's content or the error list."""
    return ImportJob.objects.only(*LIST_FIELDS).order_by("-created_at", "-id")


def import_job_get(*, job_id: int) -> ImportJob:
    """One job with its errors (ImportJob.DoesNotExist when absent)."""
    return ImportJob.objects.defer("content").get(pk=job_id)
