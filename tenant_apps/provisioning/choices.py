from django.db import models
from django.utils.translation import gettext_lazy as _


class CommandAction(models.TextChoices):
    ACTIVATE = "activate", _("Activate")
    SUSPEND = "suspend", _("Suspend")
    RESUME = "resume", _("Resume")
    DEACTIVATE = "deactivate", _("Deactivate")


class CommandReason(models.TextChoices):
    DEBT = "debt", _("Overdue debt")
    DEBT_CLEARED = "debt_cleared", _("Debt cleared")
    PREPAID_BALANCE = "prepaid_balance", _("Prepaid balance ran out")
    PREPAID_RECHARGE = "prepaid_recharge", _("Prepaid recharge")
    OTHER = "other", _("Other")


class CommandStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
