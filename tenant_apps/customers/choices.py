from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Person")
    BUSINESS = "business", _("Business")


class CustomerType(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    BUSINESS = "business", _("Business")
    GOVERNMENT = "government", _("Government")
    NON_PROFIT = "non_profit", _("Non-profit")


class CustomerStatus(models.TextChoices):
    """Derived from the customer's subscriptions (customers.status.derive_status)."""

    PROSPECT = "prospect", _("No products")
    PENDING = "pending", _("Awaiting installation")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    CANCELLED = "cancelled", _("Cancelled")


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    MOBILE = "mobile", _("Mobile")
    EMAIL = "email", _("E-mail")


class GroupKind(models.TextChoices):
    CONSORTIUM = "consortium", _("Building consortium")
    SHOPPING_CENTRE = "shopping", _("Shopping centre")
    OTHER = "other", _("Other group")


class ContactChannel(models.TextChoices):
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("E-mail")
    OTHER = "other", _("Other")
