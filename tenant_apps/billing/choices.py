from django.db import models
from django.utils.translation import gettext_lazy as _


class TaxMode(models.TextChoices):
    ADDED = "added", _("Added to the price")
    INCLUDED = "included", _("Included in the price")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    FINALIZING = "finalizing", _("Closing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ChunkStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")


class PayerKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    GROUP = "group", _("Group")


class InvoiceKind(models.TextChoices):
    CYCLE = "cycle", _("Monthly cycle")
    ONE_OFF = "one_off", _("One-off charges")
    RECHARGE = "recharge", _("Prepaid recharge")
    FINAL = "final", _("Final (move to prepaid)")


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", _("Draft (being numbered)")
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class LineKind(models.TextChoices):
    PRODUCT = "product", _("Product")
    PROMOTION = "promotion", _("Promotion")
    CHARGE = "charge", _("One-off charge")
    CREDIT = "credit", _("Credit")
    RECHARGE = "recharge", _("Prepaid recharge")


class ChargeKind(models.TextChoices):
    INSTALLATION = "installation", _("Installation fee")
    DEVICE_SALE = "device_sale", _("Device sale")
    PENALTY = "penalty", _("Penalty")
    SERVICE = "service", _("Service")
    CREDIT = "credit", _("Credit")
    PRORATION = "proration", _("Adjustment of a cycle billed in advance")
    OTHER = "other", _("Other")


# The kinds an agent or a partner enters (a proration is only made by billing itself).
ENTERED_CHARGE_KINDS = [c for c in ChargeKind.choices if c[0] != ChargeKind.PRORATION]


class ChargeSource(models.TextChoices):
    SALE = "sale", _("Sale")
    SERVICE_ORDER = "service_order", _("Service order")
    AGENT = "agent", _("Agent")
    COLLECTIONS = "collections", _("Collections")
    BILLING = "billing", _("Billing")
