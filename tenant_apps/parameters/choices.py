from django.db import models
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    BRL = "BRL", _("Brazilian real (R$)")
    USD = "USD", _("US dollar (US$)")
    EUR = "EUR", _("Euro (€)")
    ARS = "ARS", _("Argentine peso")
    CLP = "CLP", _("Chilean peso")
    COP = "COP", _("Colombian peso")
    MXN = "MXN", _("Mexican peso")
    PEN = "PEN", _("Peruvian sol")
    PYG = "PYG", _("Paraguayan guarani")
    UYU = "UYU", _("Uruguayan peso")


# Minor units per ISO 4217 (amounts are quantized to these places, ROUND_HALF_UP).
CURRENCY_DECIMALS = {"CLP": 0, "PYG": 0}


class Locale(models.TextChoices):
    PT_BR = "pt-br", _("Portuguese (Brazil)")
    EN = "en", _("English")
    ES = "es", _("Spanish")


class BillingTiming(models.TextChoices):
    ARREARS = "arrears", _("In arrears (the cycle just closed)")
    ADVANCE = "advance", _("In advance (the cycle starting)")


class SeriesKind(models.TextChoices):
    INVOICE = "invoice", _("Invoices")
    CREDIT_NOTE = "credit_note", _("Credit notes")
    RECEIPT = "receipt", _("Receipts")
    SERVICE_ORDER = "service_order", _("Service orders")
    CONTRACT = "contract", _("Contracts")
    CUSTOMER = "customer", _("Customer numbers")
