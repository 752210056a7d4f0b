"""Import jobs: one uploaded file, validated as a whole and imported in one transaction."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ImportKind, ImportStatus


class ImportJob(models.Model):
    """An uploaded file and what became of it. ``errors`` is a list of
    ``{"line", "column", "message"}`` (in the uploader's language); ``content`` is kept until
    the job finishes."""

    kind = models.CharField(
        _("kind"), max_length=12, choices=ImportKind.choices, default=ImportKind.CUSTOMERS
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    file_name = models.CharField(_("file name"), max_length=200)
    checksum = models.CharField(_("checksum (SHA-256)"), max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    content = models.BinaryField(editable=False, default=bytes)
    language = models.CharField(max_length=10, default="en", editable=False)
    created_by = models.CharField(_("uploaded by"), max_length=150)
    created_by_user_id = models.BigIntegerField(null=True, blank=True)
    branch_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_imported = models.PositiveIntegerField(_("rows imported"), default=0)
    rows_skipped = models.PositiveIntegerField(_("rows skipped"), default=0)
    customers_created = models.PositiveIntegerField(_("customers created"), default=0)
    addresses_created = models.PositiveIntegerField(_("addresses created"), default=0)
    subscriptions_created = models.PositiveIntegerField(_("subscriptions created"), default=0)
    entries_created = models.PositiveIntegerField(_("opening entries created"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    timings = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in ImportStatus.finished()
