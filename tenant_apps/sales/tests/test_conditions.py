"""The sale conditions (S1) as a pure table: facts in, failures (code + message) out."""

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from tenant_apps.sales import conditions as c

TODAY = dt.date(2026, 6, 15)  # pinned

PLAN = c.PlanFacts(
    name="Fibra 300",
    is_active=True,
    valid_from=dt.date(2026, 1, 1),
    valid_until=dt.date(2026, 12, 31),
)
CUSTOMER = c.CustomerFacts(
    customer_type="residential",
    customer_type_label="Residential",
    overdue_debt=Decimal("0.00"),
    days_overdue=0,
)
ADDRESS = c.AddressFacts(
    zone_id=10,
    zone_name="Centro",
    city_id=1,
    city_name="Porto Alegre/RS",
    technologies=frozenset({"ftth", "hfc"}),
)
INTERNET = c.ItemFacts(
    product_id=100,
    product_name="Fibra 300 Mega",
    system="internet",
    system_label="Internet",
    role="main",
    technology="ftth",
    technology_label="FTTH",
)
TV_EXTRA = c.ItemFacts(
    product_id=200,
    product_name="Pacote Filmes",
    system="tv",
    system_label="TV",
    role="additional",
    technology="hfc",
    technology_label="HFC",
)
TV_MAIN = dataclasses.replace(
    TV_EXTRA, product_id=201, product_name="TV Básica", role="main", technology="hfc"
)


def r(obj, **kw):
    return dataclasses.replace(obj, **kw)


CASES = [
    # (id, plan, customer, address, items, expected codes)
    ("all met", PLAN, CUSTOMER, ADDRESS, [INTERNET], []),
    ("inactive plan", r(PLAN, is_active=False), CUSTOMER, ADDRESS, [INTERNET], [c.PLAN_INACTIVE]),
    (
        "not yet valid",
        r(PLAN, valid_from=dt.date(2026, 6, 16)),
        CUSTOMER,
        ADDRESS,
        [INTERNET],
        [c.PLAN_NOT_YET_VALID],
    ),
    ("first valid day", r(PLAN, valid_from=TODAY), CUSTOMER, ADDRESS, [INTERNET], []),
    ("last valid day", r(PLAN, valid_until=TODAY), CUSTOMER, ADDRESS, [INTERNET], []),
    (
        "past validity",
        r(PLAN, valid_until=dt.date(2026, 6, 14)),
        CUSTOMER,
        ADDRESS,
        [INTERNET],
        [c.PLAN_EXPIRED],
    ),
    ("open-ended validity", r(PLAN, valid_until=None), CUSTOMER, ADDRESS, [INTERNET], []),
    ("no products", PLAN, CUSTOMER, ADDRESS, [], [c.PLAN_WITHOUT_PRODUCTS]),
    (
        "business-only plan, residential customer",
        r(PLAN, customer_types=frozenset({"business"})),
        CUSTOMER,
        ADDRESS,
        [INTERNET],
        [c.CUSTOMER_TYPE_NOT_ALLOWED],
    ),
    (
        "type allowed",
        r(PLAN, customer_types=frozenset({"business", "residential"})),
        CUSTOMER,
        ADDRESS,
        [INTERNET],
        [],
    ),
    (
        "outside the plan's cities and zones",
        r(PLAN, city_ids=frozenset({2}), zone_ids=frozenset({99})),
        CUSTOMER,
        ADDRESS,
        [INTERNET],
        [c.LOCATION_NOT_COVERED],
    ),
    ("in a valid city", r(PLAN, city_ids=frozenset({1})), CUSTOMER, ADDRESS, [INTERNET], []),
    ("in a valid zone", r(PLAN, zone_ids=frozenset({10})), CUSTOMER, ADDRESS, [INTERNET], []),
    (
        "technology not covered at the zone",
        PLAN,
        CUSTOMER,
        r(ADDRESS, technologies=frozenset({"hfc"})),
        [INTERNET],
        [c.TECHNOLOGY_NOT_COVERED],
    ),
    (
        "debt above maximum",
        r(PLAN, max_debt=Decimal("50.00")),
        r(CUSTOMER, overdue_debt=Decimal("50.01"), days_overdue=3),
        ADDRESS,
        [INTERNET],
        [c.DEBT_ABOVE_MAXIMUM],
    ),
    (
        "debt at the maximum",
        r(PLAN, max_debt=Decimal("50.00")),
        r(CUSTOMER, overdue_debt=Decimal("50.00"), days_overdue=3),
        ADDRESS,
        [INTERNET],
        [],
    ),
    (
        "zero tolerance",
        r(PLAN, max_debt=Decimal("0")),
        r(CUSTOMER, overdue_debt=Decimal("0.01"), days_overdue=1),
        ADDRESS,
        [INTERNET],
        [c.DEBT_ABOVE_MAXIMUM],
    ),
    (
        "overdue too old",
        r(PLAN, max_overdue_days=30),
        r(CUSTOMER, overdue_debt=Decimal("10.00"), days_overdue=31),
        ADDRESS,
        [INTERNET],
        [c.OVERDUE_TOO_OLD],
    ),
    (
        "overdue at the limit",
        r(PLAN, max_overdue_days=30),
        r(CUSTOMER, overdue_debt=Decimal("10.00"), days_overdue=30),
        ADDRESS,
        [INTERNET],
        [],
    ),
    (
        "no limits: debt does not matter",
        PLAN,
        r(CUSTOMER, overdue_debt=Decimal("999.00"), days_overdue=400),
        ADDRESS,
        [INTERNET],
        [],
    ),
    (
        "prepaid plan without limits is sold to a debtor (documented decision)",
        r(PLAN, prepaid=True),
        r(CUSTOMER, overdue_debt=Decimal("300.00"), days_overdue=90),
        ADDRESS,
        [INTERNET],
        [],
    ),
    (
        "prepaid plan with limits checks them like any plan",
        r(PLAN, prepaid=True, max_debt=Decimal("100.00"), max_overdue_days=60),
        r(CUSTOMER, overdue_debt=Decimal("300.00"), days_overdue=90),
        ADDRESS,
        [INTERNET],
        [c.DEBT_ABOVE_MAXIMUM, c.OVERDUE_TOO_OLD],
    ),
    (
        "additional without its main",
        PLAN,
        CUSTOMER,
        r(ADDRESS, main_systems=frozenset({"internet"})),
        [TV_EXTRA],
        [c.MAIN_PRODUCT_MISSING],
    ),
    (
        "additional with its main at the address",
        PLAN,
        CUSTOMER,
        r(ADDRESS, main_systems=frozenset({"tv"})),
        [TV_EXTRA],
        [],
    ),
    ("additional with its main in the same sale", PLAN, CUSTOMER, ADDRESS, [TV_MAIN, TV_EXTRA], []),
    (
        "product already at the address",
        PLAN,
        CUSTOMER,
        r(ADDRESS, product_ids=frozenset({100})),
        [INTERNET],
        [c.PRODUCT_ALREADY_AT_ADDRESS],
    ),
    (
        "inactive product",
        PLAN,
        CUSTOMER,
        ADDRESS,
        [r(INTERNET, product_active=False)],
        [c.PRODUCT_INACTIVE],
    ),
    (
        "every failing condition is reported, not only the first",
        r(
            PLAN,
            is_active=False,
            valid_until=dt.date(2026, 1, 31),
            customer_types=frozenset({"business"}),
            zone_ids=frozenset({99}),
            max_debt=Decimal("10"),
            max_overdue_days=5,
        ),
        r(CUSTOMER, overdue_debt=Decimal("20.00"), days_overdue=6),
        r(ADDRESS, technologies=frozenset()),
        [INTERNET, TV_EXTRA],
        [
            c.PLAN_INACTIVE,
            c.PLAN_EXPIRED,
            c.CUSTOMER_TYPE_NOT_ALLOWED,
            c.LOCATION_NOT_COVERED,
            c.TECHNOLOGY_NOT_COVERED,
            c.TECHNOLOGY_NOT_COVERED,
            c.DEBT_ABOVE_MAXIMUM,
            c.OVERDUE_TOO_OLD,
            c.MAIN_PRODUCT_MISSING,
        ],
    ),
]


@pytest.mark.parametrize(
    ("plan", "customer", "address", "items", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_condition_table(plan, customer, address, items, expected):
    """Each condition fails exactly when its rule is broken, with its stable code."""
    failures = c.sale_failures(
        plan=plan, customer=customer, address=address, items=items, today=TODAY
    )
    assert [f.code for f in failures] == expected


def test_messages_name_the_condition_and_why():
    """Messages name the plan, the product and technology, and show both debt amounts."""
    with translation.override("en"):
        failures = c.sale_failures(
            plan=r(
                PLAN,
                max_debt=Decimal("50"),
                valid_until=dt.date(2026, 6, 14),
                customer_types=frozenset({"business"}),
                customer_types_label="Business",
            ),
            customer=r(CUSTOMER, overdue_debt=Decimal("120.5"), days_overdue=10),
            address=r(ADDRESS, technologies=frozenset({"hfc"})),
            items=[INTERNET],
            today=TODAY,
        )
    by_code = {f.code: f for f in failures}
    assert "2026-06-14" in by_code[c.PLAN_EXPIRED].message
    assert "Fibra 300" in by_code[c.PLAN_EXPIRED].message
    tech = by_code[c.TECHNOLOGY_NOT_COVERED]
    assert "Fibra 300 Mega" in tech.message and "FTTH" in tech.message and "Centro" in tech.message
    assert tech.field == "address"
    debt = by_code[c.DEBT_ABOVE_MAXIMUM].message
    assert "120.50" in debt and "50.00" in debt
    assert by_code[c.DEBT_ABOVE_MAXIMUM].field == "customer"
    kind = by_code[c.CUSTOMER_TYPE_NOT_ALLOWED].message
    assert "Residential" in kind and "Business" in kind
