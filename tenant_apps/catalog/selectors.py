"""Reading the product catalog."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet

from .choices import System
from .models import DeviceModel, Product, ProductDevice
from .provisioning_attributes import SPECS


def device_model_list(*, active: bool | None = None) -> QuerySet[DeviceModel]:
    qs = DeviceModel.objects.all()
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def product_list(
    *,
    system: str | None = None,
    role: str | None = None,
    technology: str | None = None,
    active: bool | None = None,
) -> QuerySet[Product]:
    """Products with their device lines prefetched (two queries whatever the count)."""
    qs = Product.objects.prefetch_related(
        Prefetch(
            "devices",
            queryset=ProductDevice.objects.select_related("device_model").order_by(
                "device_model__vendor", "device_model__model"
            ),
        )
    )
    if system:
        qs = qs.filter(system=system)
    if role:
        qs = qs.filter(role=role)
    if technology:
        qs = qs.filter(technology=technology)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs


def product_get(*, pk: int) -> Product | None:
    return product_list().filter(pk=pk).first()


@dataclass(frozen=True)
class SystemProducts:
    system: str
    label: str
    products: list[Product]


def products_by_system() -> list[SystemProducts]:
    """Every system, in the order of its choices, with its products (possibly none)."""
    grouped: dict[str, list[Product]] = {value: [] for value in System.values}
    for product in product_list():
        grouped.setdefault(product.system, []).append(product)
    return [
        SystemProducts(system=value, label=str(System(value).label), products=grouped[value])
        for value in System.values
    ]


def provisioning_spec() -> list[dict[str, Any]]:
    """The provisioning attributes each system declares (what its products must carry)."""
    kinds = {int: "integer", str: "string", bool: "boolean", list: "codes"}
    return [
        {
            "system": value,
            "label": str(System(value).label),
            "attributes": [
                {
                    "name": a.name,
                    "label": str(a.label),
                    "type": kinds[a.kind],
                    "required": a.required,
                    "minimum": a.minimum,
                    "maximum": a.maximum,
                    "choices": list(a.choices),
                }
                for a in SPECS.get(value, ())
            ],
        }
        for value in System.values
    ]
