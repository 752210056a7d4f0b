"""The CSV layout of the customer import: one row per product at an address.

The customer's columns (and its opening balance) repeat on each of its rows; rows with the
same ``external_ref`` are one customer, rows of that customer with the same zone, street,
number and complement are one address, and the products of one address under one plan are
one sale (contract). Shown on the import page; used by the validation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    description: Promise
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("external_ref", True, _("The customer's reference in the old system."), "OLD-1001"),
    Column("kind", True, _("person or business (PF/PJ accepted)."), "person"),
    Column("name", True, _("Name (company name for a business)."), "Maria da Silva"),
    Column("trade_name", False, _("Trade name of a business."), ""),
    Column(
        "tax_id",
        True,
        _("CPF or CNPJ (punctuation allowed), per the company's country."),
        "529.982.247-25",
    ),
    Column(
        "customer_type",
        True,
        _("residential, business, government or non_profit."),
        "residential",
    ),
    Column("phone", False, _("Phone or mobile number."), "(51) 99876-5432"),
    Column("email", False, _("E-mail address."), "maria@example.com"),
    Column("city", True, _("City name, as registered in locations."), "Porto Alegre"),
    Column("state", True, _("State code of the city."), "RS"),
    Column("zone", True, _("Zone (neighbourhood) of the city, as registered."), "Centro"),
    Column("street", True, _("Street of the installation address."), "Rua dos Andradas"),
    Column("number", True, _("Street number."), "1234"),
    Column("complement", False, _("Complement (flat, block...)."), "ap 301"),
    Column("postal_code", False, _("Postal code."), "90020-008"),
    Column("plan", True, _("Code of the sales plan."), "FIBRA-300"),
    Column("product", True, _("Code of a product of that plan."), "NET-300"),
    Column("status", True, _("active or pending (installation)."), "active"),
    Column(
        "activated_on",
        False,
        _("Activation date (YYYY-MM-DD or DD/MM/YYYY); required when active."),
        "2024-03-15",
    ),
    Column("price", False, _("Monthly price; empty: the plan's price."), "99.90"),
    Column(
        "balance",
        False,
        _("Opening balance of the customer's account: debt positive, credit negative."),
        "120.50",
    ),
    Column("balance_due_on", False, _("Due date of the opening debt."), "2024-04-10"),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
REQUIRED: frozenset[str] = frozenset(c.name for c in COLUMNS if c.required)


def example_csv() -> str:
    """The header and two example rows (an Internet product and an additional one)."""
    first = [c.example for c in COLUMNS]
    second = list(first)
    second[COLUMN_NAMES.index("product")] = "WIFI-PLUS"
    second[COLUMN_NAMES.index("price")] = ""

    def line(values):
        return ",".join(f'"{v}"' if "," in v else v for v in values)

    return "\n".join([",".join(COLUMN_NAMES), line(first), line(second)]) + "\n"
