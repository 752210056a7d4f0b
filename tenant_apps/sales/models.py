"""Sales plans (S1), their promotions (S2), group plans (S3), sales and subscriptions.

A subscription is one product sold at one address under one plan. Its price, and its
promotions, are copied from the plan at the sale: later plan edits never change what was sold.
A product is active from ``activated_on`` (inclusive) to ``ends_on`` (exclusive).
"""

from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tenant_apps.catalog.models import code_validator
from tenant_apps.customers.choices import CustomerType

from .choices import (
    CancelReason,
    DiscountKind,
    PlanKind,
    RequestKind,
    RequestStatus,
    SaleKind,
    SubscriptionStatus,
    SuspensionReason,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


class SalesPlan(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("postpaid or prepaid"), max_length=10, choices=PlanKind.choices, default=PlanKind.POSTPAID
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Last day it can be sold.")
    )
    customer_types = ArrayField(
        models.CharField(max_length=12, choices=CustomerType.choices),
        default=list,
        blank=True,
        verbose_name=_("customer types"),
        help_text=_("Empty: every customer type."),
    )
    cities = models.ManyToManyField(
        "locations.City", blank=True, related_name="+", verbose_name=_("valid cities")
    )
    zones = models.ManyToManyField(
        "locations.Zone", blank=True, related_name="+", verbose_name=_("valid zones")
    )
    max_debt = models.DecimalField(
        _("maximum debt"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Refuse the sale when the customer's overdue debt is above this."),
        **MONEY,
    )
    max_overdue_days = models.PositiveIntegerField(
        _("maximum overdue days"),
        null=True,
        blank=True,
        help_text=_("Refuse the sale when the customer's oldest overdue debt is older."),
    )
    installation_fee = models.DecimalField(
        _("installation fee"),
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        **MONEY,
    )
    free_installation = models.BooleanField(_("free installation"), default=False)
    min_recharge = models.DecimalField(
        _("minimum recharge (prepaid)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Empty: the company's prepaid minimum recharge."),
        **MONEY,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sales plan")
        verbose_name_plural = _("sales plans")

    def __str__(self) -> str:
        return self.name


class PlanItem(models.Model):
    """A product of a plan, at the plan's price (empty: the catalog price). ``included``
    products are sold with the plan; the others can be added later as additional products."""

    plan = models.ForeignKey(SalesPlan, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(
        "catalog.Product", on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    price = models.DecimalField(
        _("price in the plan"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Empty: the catalog's monthly price."),
        **MONEY,
    )
    included = models.BooleanField(_("included in the sale"), default=True)

    class Meta:
        ordering = ["plan_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "product"], name="sales_plan_item_unique")
        ]
        verbose_name = _("plan product")
        verbose_name_plural = _("plan products")

    def __str__(self) -> str:
        return f"{self.plan}: {self.product}"

    @property
    def effective_price(self) -> Decimal:
        return self.price if self.price is not None else self.product.monthly_price


class PlanDevice(models.Model):
    """A device model the plan needs at the installation, and how many."""

    plan = models.ForeignKey(SalesPlan, on_delete=models.CASCADE, related_name="devices")
    device_model = models.ForeignKey(
        "catalog.DeviceModel", on_delete=models.PROTECT, verbose_name=_("device model")
    )
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "device_model"], name="sales_plan_device_unique"
            )
        ]
        verbose_name = _("plan device")
        verbose_name_plural = _("plan devices")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.device_model}"


class PlanPromotion(models.Model):
    """A discount on one product of the plan for ``months`` months from activation (S2)."""

    plan = models.ForeignKey(SalesPlan, on_delete=models.CASCADE, related_name="promotions")
    item = models.ForeignKey(
        PlanItem, on_delete=models.CASCADE, related_name="promotions", verbose_name=_("product")
    )
    name = models.CharField(_("name"), max_length=100)
    discount_kind = models.CharField(_("discount"), max_length=8, choices=DiscountKind.choices)
    value = models.DecimalField(
        _("value"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    months = models.PositiveSmallIntegerField(_("months"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["plan_id", "id"]
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")

    def __str__(self) -> str:
        return self.name


class GroupPlan(models.Model):
    """A plan sold to the members of a group (S3): the group pays ``group_items``, each member
    pays the rest."""

    group = models.ForeignKey(
        "customers.Group", on_delete=models.CASCADE, related_name="plans", verbose_name=_("group")
    )
    plan = models.ForeignKey(
        SalesPlan, on_delete=models.PROTECT, related_name="group_plans", verbose_name=_("plan")
    )
    group_items = models.ManyToManyField(
        PlanItem, blank=True, related_name="+", verbose_name=_("products the group pays")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "plan"], name="sales_group_plan_unique")
        ]
        verbose_name = _("group plan")
        verbose_name_plural = _("group plans")

    def __str__(self) -> str:
        return f"{self.group}: {self.plan}"


class Sale(models.Model):
    """One sale (a contract): a plan sold to a customer at an address, by whom and where."""

    number = models.CharField(_("contract number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=SaleKind.choices)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="sales"
    )
    address = models.ForeignKey("customers.Address", on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(SalesPlan, on_delete=models.PROTECT, related_name="sales")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    seller_user_id = models.BigIntegerField(null=True, blank=True)
    seller_label = models.CharField(_("seller"), max_length=150)
    branch_id = models.BigIntegerField(null=True, blank=True)
    installation_fee = models.DecimalField(_("installation fee"), default=Decimal("0"), **MONEY)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("sale")
        verbose_name_plural = _("sales")

    def __str__(self) -> str:
        return self.number


class Subscription(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="subscriptions"
    )
    address = models.ForeignKey(
        "customers.Address", on_delete=models.PROTECT, related_name="subscriptions"
    )
    sale = models.ForeignKey(Sale, on_delete=models.PROTECT, related_name="subscriptions")
    plan = models.ForeignKey(SalesPlan, on_delete=models.PROTECT, related_name="+")
    plan_item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    main = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="additionals",
        help_text=_("For an additional product: the main product it depends on."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.PENDING,
    )
    suspension = models.CharField(
        _("suspended for"),
        max_length=8,
        choices=SuspensionReason.choices,
        blank=True,
        db_default="",  # bulk writers (the import's COPY) may leave it out
    )
    prepaid = models.BooleanField(_("prepaid"), default=False)
    price = models.DecimalField(_("monthly price"), **MONEY)
    daily_cost = models.DecimalField(_("daily cost"), max_digits=12, decimal_places=4)
    billed_to_group = models.ForeignKey(
        "customers.Group",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="billed_subscriptions",
        verbose_name=_("billed to group"),
    )
    activated_on = models.DateField(_("activated on"), null=True, blank=True)
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("First day no longer active.")
    )
    cancel_reason = models.CharField(
        _("cancellation reason"), max_length=12, choices=CancelReason.choices, blank=True
    )
    cancel_note = models.CharField(_("cancellation note"), max_length=200, blank=True)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["address_id", "id"]
        indexes = [
            models.Index(fields=["customer", "status"], name="sales_sub_customer_status"),
            models.Index(fields=["status", "prepaid"], name="sales_sub_status_prepaid"),
        ]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return f"{self.product} @ {self.address}"


class SubscriptionPromotion(models.Model):
    """A promotion as sold: copied from the plan, dated from the activation."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="promotions"
    )
    source = models.ForeignKey(
        PlanPromotion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    discount_kind = models.CharField(_("discount"), max_length=8, choices=DiscountKind.choices)
    value = models.DecimalField(_("value"), **MONEY)
    months = models.PositiveSmallIntegerField(_("months"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("First day without the discount.")
    )

    class Meta:
        ordering = ["subscription_id", "id"]
        verbose_name = _("promotion sold")
        verbose_name_plural = _("promotions sold")

    def __str__(self) -> str:
        return self.name


class ServiceRequest(models.Model):
    """Work asked of the technical side by a sale or a cancellation (installation,
    disconnection, device removal); the technical side turns it into a service order."""

    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="service_requests"
    )
    address = models.ForeignKey("customers.Address", on_delete=models.PROTECT, related_name="+")
    sale = models.ForeignKey(
        Sale, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    subscriptions = models.ManyToManyField(Subscription, related_name="requests")
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.CharField(_("created by"), max_length=150)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "status"], name="sales_request_open")]
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"
