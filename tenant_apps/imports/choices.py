from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    CUSTOMERS = "customers", _("Customers, addresses and subscriptions")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Imported")
    INVALID = "invalid", _("Refused: invalid rows")
    SKIPPED = "skipped", _("Skipped: file already imported")
    FAILED = "failed", _("Failed")

    @classmethod
    def finished(cls) -> frozenset[str]:
        return frozenset({cls.DONE, cls.INVALID, cls.SKIPPED, cls.FAILED})
