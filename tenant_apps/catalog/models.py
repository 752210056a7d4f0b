"""The product catalog: device models and products (what is sold, per system and technology)."""

from decimal import Decimal

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import DeviceKind, ProductRole, System, Technology

code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9_-]*$", _("Use upper-case letters, digits, _ or - only.")
)


class DeviceModel(models.Model):
    """A model of device or material the operator installs (e.g. an ONT of one vendor)."""

    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    kind = models.CharField(_("kind"), max_length=20, choices=DeviceKind.choices)
    vendor = models.CharField(_("vendor"), max_length=60)
    model = models.CharField(_("model"), max_length=60)
    serialised = models.BooleanField(
        _("serialised"), default=True, help_text=_("Each unit has its own serial number.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["vendor", "model"]
        verbose_name = _("device model")
        verbose_name_plural = _("device models")

    def __str__(self) -> str:
        return f"{self.vendor} {self.model}"


class Product(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    system = models.CharField(_("system"), max_length=12, choices=System.choices)
    role = models.CharField(_("role"), max_length=12, choices=ProductRole.choices)
    technology = models.CharField(_("technology"), max_length=12, choices=Technology.choices)
    monthly_price = models.DecimalField(
        _("monthly price"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    daily_cost = models.DecimalField(
        _("daily cost (prepaid)"),
        max_digits=12,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Charged each day to a prepaid balance."),
    )
    provisioning = models.JSONField(
        _("provisioning attributes"),
        default=dict,
        blank=True,
        help_text=_("Typed attributes for the provisioning platform of the product's system."),
    )
    device_models = models.ManyToManyField(
        DeviceModel,
        through="ProductDevice",
        blank=True,
        related_name="products",
        verbose_name=_("device models"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["system", "role", "name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name

    def provisioning_items(self) -> list[tuple[str, str]]:
        """The provisioning attributes as (label, text) pairs, in the system's order."""
        from .provisioning_attributes import attributes_for

        items = []
        for attribute in attributes_for(self.system):
            if attribute.name not in (self.provisioning or {}):
                continue
            value = self.provisioning[attribute.name]
            if isinstance(value, bool):
                text = str(_("yes") if value else _("no"))
            elif isinstance(value, list):
                text = ", ".join(map(str, value))
            else:
                text = str(value)
            items.append((str(attribute.label), text))
        return items


class ProductDevice(models.Model):
    """A device model a product needs, and how many."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="devices")
    device_model = models.ForeignKey(
        DeviceModel, on_delete=models.PROTECT, verbose_name=_("device model")
    )
    quantity = models.PositiveSmallIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["product", "device_model"], name="catalog_product_device_unique"
            )
        ]
        verbose_name = _("device needed")
        verbose_name_plural = _("devices needed")

    def __str__(self) -> str:
        return f"{self.quantity} × {self.device_model}"
