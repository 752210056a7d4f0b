"""Test helpers for the catalog: the shared factories plus valid input payloads."""

from decimal import Decimal

from tenant_apps.factories import DeviceModelFactory, ProductDeviceFactory, ProductFactory

__all__ = ["DeviceModelFactory", "ProductDeviceFactory", "ProductFactory", "product_data"]


def product_data(**overrides):
    """A valid ``product_create`` input (an Internet FTTH product)."""
    data = {
        "code": "NET-300",
        "name": "Fibra 300",
        "system": "internet",
        "role": "main",
        "technology": "ftth",
        "monthly_price": Decimal("99.90"),
        "daily_cost": Decimal("3.3300"),
        "provisioning": {
            "speed_profile": "FIBRA-300",
            "download_kbps": 300000,
            "upload_kbps": 150000,
        },
    }
    data.update(overrides)
    return data
