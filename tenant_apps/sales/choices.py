from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanKind(models.TextChoices):
    POSTPAID = "postpaid", _("Postpaid")
    PREPAID = "prepaid", _("Prepaid")


class DiscountKind(models.TextChoices):
    PERCENT = "percent", _("Percentage")
    FIXED = "fixed", _("Fixed amount")


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", _("Pending installation")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


class SuspensionReason(models.TextChoices):
    """Why an active product is suspended (empty while it is not)."""

    DEBT = "debt", _("Overdue debt")
    PREPAID_BALANCE = "prepaid", _("Prepaid balance ran out")


class SaleKind(models.TextChoices):
    NEW = "new", _("New sale")
    ADDITIONAL = "additional", _("Additional product")
    PLAN_CHANGE = "plan_change", _("Plan change")


class RequestKind(models.TextChoices):
    """Work asked of the technical side (it turns each into a service order)."""

    INSTALLATION = "installation", _("Installation")
    DISCONNECTION = "disconnection", _("Disconnection")
    DEVICE_REMOVAL = "device_removal", _("Device removal")
    DEVICE_CHANGE = "device_change", _("Device change")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    TAKEN = "taken", _("Taken by the technical side")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class CancelReason(models.TextChoices):
    PRICE = "price", _("Price")
    SERVICE_QUALITY = "quality", _("Service quality")
    MOVING = "moving", _("Moving away")
    COMPETITOR = "competitor", _("Went to a competitor")
    NON_PAYMENT = "non_payment", _("Non-payment")
    DECEASED = "deceased", _("Deceased / company closed")
    OTHER = "other", _("Other")
