"""Taxes: added to or included in the price, per line and per invoice. Every expected figure
is computed by hand in the comment beside it."""

import datetime as dt
from decimal import Decimal

import pytest

from tenant_apps.billing.cycles import Cycle
from tenant_apps.billing.rating import (
    PERCENT,
    Invoice,
    Payer,
    PromotionFacts,
    SubscriptionFacts,
    build_invoices,
    rate_subscription,
)
from tenant_apps.billing.taxes import ADDED, INCLUDED, TaxAmount, TaxRate, line_taxes, tax_invoice

D = dt.date
M = Decimal
MAR26 = Cycle(D(2026, 3, 1), D(2026, 4, 1))  # 31 days


@pytest.mark.parametrize(
    ("amount", "rate", "mode", "decimals", "expected"),
    [
        (M("100.00"), M("25"), INCLUDED, 2, M("25.00")),  # 25% of the price is tax
        (M("99.90"), M("25"), INCLUDED, 2, M("24.98")),  # 24.975 -> up
        (M("99.90"), M("3.65"), INCLUDED, 2, M("3.65")),  # 3.64635 -> 3.65
        (M("10.00"), M("1.5"), ADDED, 2, M("0.15")),  # 0.15 on top
        (M("-14.52"), M("25"), INCLUDED, 2, M("-3.63")),  # a discount line lowers the tax
        (M("-0.90"), M("5"), ADDED, 2, M("-0.05")),  # -0.045 -> -0.05, half away from zero
        (M("12345"), M("19"), ADDED, 0, M("2346")),  # CLP: 2345.55 -> 2346
    ],
)
def test_line_tax(amount, rate, mode, decimals, expected):
    """A line's tax is amount x rate / 100, quantized per line ROUND_HALF_UP, added or
    included alike (the mode decides only whether it is charged on top)."""
    [tax] = line_taxes(amount, [TaxRate("T", rate, mode)], decimals)
    assert tax == TaxAmount("T", mode, rate, expected)


TABLE = {
    "internet": (TaxRate("ICMS", M("25"), INCLUDED), TaxRate("PIS", M("0.65"), INCLUDED)),
    "tv": (TaxRate("ISS", M("5"), ADDED),),
}


def test_invoice_with_added_and_included_taxes():
    """Included taxes are the part of the price that is tax (the price does not change);
    added taxes are charged on top; the invoice's tax per rate is the sum of its lines."""
    internet = SubscriptionFacts(
        id=1,
        customer_id=7,
        product_id=30,
        plan_id=10,
        system="internet",
        price=M("100.00"),
        activated_on=D(2026, 1, 10),
        promotions=(
            PromotionFacts(
                id=90, kind=PERCENT, value=M("50"), starts_on=D(2026, 1, 10), ends_on=D(2026, 3, 10)
            ),
        ),
    )
    tv = SubscriptionFacts(
        id=2,
        customer_id=7,
        product_id=40,
        plan_id=10,
        system="tv",
        price=M("50.00"),
        activated_on=D(2026, 1, 10),
    )
    [invoice] = build_invoices(MAR26, [internet, tv])
    # lines: internet 100.00, its promotion -14.52 (100 x 9/31 x 50%), tv 50.00
    assert [x.amount for x in invoice.lines] == [M("100.00"), M("-14.52"), M("50.00")]
    taxed = tax_invoice(invoice, TABLE)
    assert [[(t.name, t.amount) for t in x.taxes] for x in taxed.lines] == [
        [("ICMS", M("25.00")), ("PIS", M("0.65"))],  # 100 x 25%, 100 x 0.65%
        [("ICMS", M("-3.63")), ("PIS", M("-0.09"))],  # -14.52 x 25%, -14.52 x 0.65% = -0.094
        [("ISS", M("2.50"))],  # 50 x 5%
    ]
    assert [x.total for x in taxed.lines] == [M("100.00"), M("-14.52"), M("52.50")]
    assert [(t.name, t.mode, t.amount) for t in taxed.taxes] == [
        ("ICMS", INCLUDED, M("21.37")),  # 25.00 - 3.63
        ("PIS", INCLUDED, M("0.56")),  # 0.65 - 0.09
        ("ISS", ADDED, M("2.50")),
    ]
    assert taxed.subtotal == M("135.48")  # 100.00 - 14.52 + 50.00
    assert taxed.included == M("21.93")  # 21.37 + 0.56, inside the subtotal
    assert taxed.added == M("2.50")
    assert taxed.total == M("137.98")  # 135.48 + 2.50
    assert taxed.systems_without_rates == ()


def test_taxes_are_quantized_per_line():
    """Three lines of 0.10 with 5% added: 0.005 per line rounds up to 0.01 each, so the
    invoice shows 0.03 (not 5% of 0.30 = 0.015 -> 0.02): the invoice adds up its lines."""
    subs = [
        SubscriptionFacts(
            id=i,
            customer_id=7,
            product_id=40,
            plan_id=10,
            system="tv",
            price=M("0.10"),
            activated_on=D(2026, 1, 1),
        )
        for i in (1, 2, 3)
    ]
    [invoice] = build_invoices(MAR26, subs)
    taxed = tax_invoice(invoice, {"tv": (TaxRate("ISS", M("5"), ADDED),)})
    assert [x.added for x in taxed.lines] == [M("0.01")] * 3
    assert taxed.added == M("0.03")
    assert taxed.total == M("0.33")


def test_system_without_rates_is_reported():
    """A line of a system the company has no tax set-up for is untaxed and reported."""
    phone = SubscriptionFacts(
        id=3,
        customer_id=7,
        product_id=50,
        plan_id=10,
        system="telephony",
        price=M("31.00"),
        activated_on=D(2026, 1, 1),
    )
    invoice = Invoice(Payer("customer", 7), MAR26, tuple(rate_subscription(MAR26, phone)))
    taxed = tax_invoice(invoice, TABLE)
    assert taxed.systems_without_rates == ("telephony",)
    assert taxed.taxes == ()
    assert taxed.total == M("31.00")


@pytest.mark.parametrize(("rate", "mode"), [(M("5"), "sometimes"), (M("-1"), ADDED), (5.0, ADDED)])
def test_bad_rate_is_refused(rate, mode):
    """An unknown mode, a negative rate or a float rate is refused."""
    with pytest.raises(ValueError):
        TaxRate("X", rate, mode)
