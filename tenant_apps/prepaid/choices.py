from django.db import models
from django.utils.translation import gettext_lazy as _


class WalletEntryKind(models.TextChoices):
    RECHARGE = "recharge", _("Recharge")
    DAILY = "daily", _("Daily charge")
    TRANSFER = "transfer", _("Moved to the current account")
    REVERSAL = "reversal", _("Reversal")
