from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    OPENING = "opening", _("Opening balance (migrated)")
    INVOICE = "invoice", _("Invoice")
    FEE = "fee", _("Fee")
    PAYMENT = "payment", _("Payment")
    CREDIT_NOTE = "credit_note", _("Credit note")
    ADJUSTMENT = "adjustment", _("Adjustment")
    REVERSAL = "reversal", _("Reversal")
