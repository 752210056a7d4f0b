from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentOrigin(models.TextChoices):
    CASH_DESK = "cash_desk", _("Branch cash desk")
    BANK_SLIP = "bank_slip", _("Bank slip")
    PIX = "pix", _("PIX")
    CARD = "card", _("Card")
    DIRECT_DEBIT = "direct_debit", _("Direct debit")
    AGENT = "agent", _("Collection agent")
    OTHER = "other", _("Other")


class PaymentStatus(models.TextChoices):
    POSTED = "posted", _("Posted")
    REVERSED = "reversed", _("Reversed")


class ReturnLayout(models.TextChoices):
    CSV = "csv", _("CSV (documented layout)")
    CNAB240 = "cnab240", _("CNAB 240 (FEBRABAN)")


class ReturnStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReturnOutcome(models.TextChoices):
    MATCHED = "matched", _("Matched: payment posted")
    ALREADY = "already", _("Already imported")
    UNMATCHED = "unmatched", _("Unmatched")
    ERROR = "error", _("Error")
    IGNORED = "ignored", _("Ignored")


class DunningKind(models.TextChoices):
    OVERDUE = "overdue", _("Invoices overdue")
    SUSPEND = "suspend", _("Services suspended for debt")
    RESUME = "resume", _("Services resumed")
