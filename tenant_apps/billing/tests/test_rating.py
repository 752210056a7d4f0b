"""Rating: proration, promotion lines, rounding and the group split. Every expected figure
below is computed by hand in the comment beside it (never by the code under test); the dates
are given, no clock is read."""

import datetime as dt
from decimal import Decimal

import pytest

from tenant_apps.billing.cycles import Cycle
from tenant_apps.billing.rating import (
    CUSTOMER,
    FIXED,
    GROUP,
    PERCENT,
    PRODUCT_LINE,
    PROMOTION_LINE,
    Payer,
    PromotionFacts,
    SubscriptionFacts,
    build_invoices,
    promotion_window,
    quantize,
    rate_subscription,
)

D = dt.date
M = Decimal
FEB26 = Cycle(D(2026, 2, 1), D(2026, 3, 1))  # 28 days
MAR26 = Cycle(D(2026, 3, 1), D(2026, 4, 1))  # 31 days
APR26 = Cycle(D(2026, 4, 1), D(2026, 5, 1))  # 30 days
JAN26 = Cycle(D(2026, 1, 1), D(2026, 2, 1))  # 31 days
FEB28 = Cycle(D(2028, 2, 1), D(2028, 3, 1))  # 29 days (leap year)
JAN15 = Cycle(D(2026, 1, 15), D(2026, 2, 15))  # billing day 15: 31 days
FEB15 = Cycle(D(2026, 2, 15), D(2026, 3, 15))  # billing day 15: 28 days


def sub(price, activated_on, ends_on=None, promotions=(), **kw):
    fields = {"id": 1, "customer_id": 7, "product_id": 30, "plan_id": 10, "system": "internet"}
    fields.update(kw)
    return SubscriptionFacts(
        price=M(price),
        activated_on=activated_on,
        ends_on=ends_on,
        promotions=tuple(promotions),
        **fields,
    )


def promo(kind, value, starts_on, months, id=90):
    start, end = promotion_window(starts_on, months)
    return PromotionFacts(id=id, kind=kind, value=M(value), starts_on=start, ends_on=end)


def summary(lines):
    return [(x.kind, x.period_start, x.period_end, x.days, x.amount) for x in lines]


P, R = PRODUCT_LINE, PROMOTION_LINE

PRORATION = [
    # (cycle, price, activated_on, ends_on, [(kind, start, end, days, amount)])
    pytest.param(
        FEB26,
        "99.90",
        D(2026, 1, 10),
        None,
        [(P, D(2026, 2, 1), D(2026, 3, 1), 28, M("99.90"))],  # 99.90 x 28/28
        id="whole-28-day-cycle",
    ),
    pytest.param(
        FEB26,
        "99.90",
        D(2026, 2, 1),
        None,
        [(P, D(2026, 2, 1), D(2026, 3, 1), 28, M("99.90"))],  # 99.90 x 28/28
        id="activated-first-day",
    ),
    pytest.param(
        FEB26,
        "99.90",
        D(2026, 2, 28),
        None,
        [(P, D(2026, 2, 28), D(2026, 3, 1), 1, M("3.57"))],  # 99.90/28 = 3.5678...
        id="activated-last-day",
    ),
    pytest.param(FEB26, "99.90", D(2025, 5, 1), D(2026, 2, 1), [], id="ended-on-first-day"),
    pytest.param(
        FEB26,
        "99.90",
        D(2025, 5, 1),
        D(2026, 2, 2),
        [(P, D(2026, 2, 1), D(2026, 2, 2), 1, M("3.57"))],  # 99.90 x 1/28 = 3.5678...
        id="last-active-on-first-day",
    ),
    pytest.param(
        FEB26,
        "99.90",
        D(2025, 5, 1),
        D(2026, 2, 28),
        [(P, D(2026, 2, 1), D(2026, 2, 28), 27, M("96.33"))],  # 2697.30/28 = 96.3321...
        id="ended-on-last-day",
    ),
    pytest.param(
        FEB26,
        "99.90",
        D(2025, 5, 1),
        D(2026, 3, 1),
        [(P, D(2026, 2, 1), D(2026, 3, 1), 28, M("99.90"))],  # active to the last day
        id="ended-on-cycle-end",
    ),
    pytest.param(
        FEB26,
        "99.90",
        D(2026, 2, 10),
        D(2026, 2, 20),
        [(P, D(2026, 2, 10), D(2026, 2, 20), 10, M("35.68"))],  # 999.00/28 = 35.6785...
        id="activated-and-ended-same-cycle",
    ),
    pytest.param(
        MAR26,
        "62.00",
        D(2026, 3, 16),
        None,
        [(P, D(2026, 3, 16), D(2026, 4, 1), 16, M("32.00"))],  # 62 x 16/31 = 32
        id="31-day-cycle",
    ),
    pytest.param(
        APR26,
        "45.00",
        D(2026, 4, 21),
        None,
        [(P, D(2026, 4, 21), D(2026, 5, 1), 10, M("15.00"))],  # 45 x 10/30 = 15
        id="30-day-cycle",
    ),
    pytest.param(
        FEB28,
        "29.00",
        D(2028, 2, 15),
        None,
        [(P, D(2028, 2, 15), D(2028, 3, 1), 15, M("15.00"))],  # 29 x 15/29 = 15
        id="29-day-leap-february",
    ),
    pytest.param(
        FEB15,
        "56.00",
        D(2026, 3, 1),
        None,
        [(P, D(2026, 3, 1), D(2026, 3, 15), 14, M("28.00"))],  # 56 x 14/28 = 28
        id="billing-day-15-february-cycle",
    ),
    pytest.param(
        JAN15,
        "93.00",
        D(2025, 6, 1),
        D(2026, 2, 5),
        [(P, D(2026, 1, 15), D(2026, 2, 5), 21, M("63.00"))],  # 93 x 21/31 = 63
        id="billing-day-15-ends-in-february",
    ),
    pytest.param(
        APR26,
        "10.01",
        D(2026, 4, 16),
        None,
        [(P, D(2026, 4, 16), D(2026, 5, 1), 15, M("5.01"))],  # 10.01 x 15/30 = 5.005 -> up
        id="half-up-5.005",
    ),
    pytest.param(
        FEB26,
        "20.09",
        D(2026, 2, 15),
        None,
        [(P, D(2026, 2, 15), D(2026, 3, 1), 14, M("10.05"))],  # 20.09 x 14/28 = 10.045 -> up
        id="half-up-10.045-not-bankers",
    ),
    pytest.param(APR26, "50.00", D(2026, 5, 1), None, [], id="activated-after-cycle"),
    pytest.param(APR26, "50.00", None, None, [], id="never-activated"),
]


@pytest.mark.parametrize(("cycle", "price", "activated_on", "ends_on", "expected"), PRORATION)
def test_proration(cycle, price, activated_on, ends_on, expected):
    """A product pays monthly price x active days / days in the cycle, active from its
    activation (inclusive) to its end (exclusive), each line quantized ROUND_HALF_UP."""
    assert summary(rate_subscription(cycle, sub(price, activated_on, ends_on))) == expected


PROMOTIONS = [
    # (cycle, subscription, [(kind, start, end, days, amount)], invoice total)
    pytest.param(
        MAR26,
        sub("100.00", D(2026, 1, 10), promotions=[promo(PERCENT, "50", D(2026, 1, 10), 2)]),
        [
            (P, D(2026, 3, 1), D(2026, 4, 1), 31, M("100.00")),
            # window ends 2026-03-10: 9 days; 100 x 9/31 x 50% = 450/31 = 14.5161...
            (R, D(2026, 3, 1), D(2026, 3, 10), 9, M("-14.52")),
        ],
        M("85.48"),
        id="percent-ending-mid-cycle",
    ),
    pytest.param(
        APR26,
        sub("100.00", D(2026, 1, 10), promotions=[promo(PERCENT, "50", D(2026, 1, 10), 2)]),
        [(P, D(2026, 4, 1), D(2026, 5, 1), 30, M("100.00"))],  # window over: full price
        M("100.00"),
        id="full-price-after-window",
    ),
    pytest.param(
        FEB26,
        sub("56.00", D(2026, 1, 31), promotions=[promo(PERCENT, "50", D(2026, 1, 31), 1)]),
        [
            (P, D(2026, 2, 1), D(2026, 3, 1), 28, M("56.00")),
            # Jan 31 + 1 month = Feb 28 (exclusive): 27 days; 56 x 27/28 x 50% = 27
            (R, D(2026, 2, 1), D(2026, 2, 28), 27, M("-27.00")),
        ],
        M("29.00"),
        id="jan-31-one-month-ends-feb-28",
    ),
    pytest.param(
        JAN26,
        sub("56.00", D(2026, 1, 31), promotions=[promo(PERCENT, "50", D(2026, 1, 31), 1)]),
        [
            (P, D(2026, 1, 31), D(2026, 2, 1), 1, M("1.81")),  # 56/31 = 1.8064...
            # 56 x 1/31 x 50% = 0.9032... -> -0.90 (from the unrounded 1.8064, not 1.81)
            (R, D(2026, 1, 31), D(2026, 2, 1), 1, M("-0.90")),
        ],
        M("0.91"),
        id="jan-31-activation-first-day",
    ),
    pytest.param(
        FEB28,
        sub("58.00", D(2028, 1, 31), promotions=[promo(PERCENT, "50", D(2028, 1, 31), 1)]),
        [
            (P, D(2028, 2, 1), D(2028, 3, 1), 29, M("58.00")),
            # leap year: Jan 31 + 1 month = Feb 29: 28 days; 58 x 28/29 x 50% = 28
            (R, D(2028, 2, 1), D(2028, 2, 29), 28, M("-28.00")),
        ],
        M("30.00"),
        id="jan-31-one-month-ends-feb-29-leap",
    ),
    pytest.param(
        APR26,
        sub("10.01", D(2026, 1, 1), promotions=[promo(PERCENT, "50", D(2026, 1, 1), 6)]),
        [
            (P, D(2026, 4, 1), D(2026, 5, 1), 30, M("10.01")),
            (R, D(2026, 4, 1), D(2026, 5, 1), 30, M("-5.01")),  # 5.005 -> -5.01, half up
        ],
        M("5.00"),  # 10.01 - 5.01, the sum of the rounded lines
        id="percent-half-up-negative",
    ),
    pytest.param(
        APR26,
        sub("60.00", D(2026, 1, 1), promotions=[promo(PERCENT, "50", D(2026, 4, 21), 1)]),
        [
            (P, D(2026, 4, 1), D(2026, 5, 1), 30, M("60.00")),
            # window 2026-04-21 to 2026-05-21: 10 days here; 60 x 10/30 x 50% = 10
            (R, D(2026, 4, 21), D(2026, 5, 1), 10, M("-10.00")),
        ],
        M("50.00"),
        id="percent-starting-mid-cycle",
    ),
    pytest.param(
        APR26,
        sub("80.00", D(2026, 1, 1), promotions=[promo(FIXED, "20.00", D(2026, 1, 1), 6)]),
        [
            (P, D(2026, 4, 1), D(2026, 5, 1), 30, M("80.00")),
            (R, D(2026, 4, 1), D(2026, 5, 1), 30, M("-20.00")),  # 20 x 30/30
        ],
        M("60.00"),
        id="fixed-whole-cycle",
    ),
    pytest.param(
        APR26,
        sub("80.00", D(2026, 1, 16), promotions=[promo(FIXED, "20.00", D(2026, 1, 16), 3)]),
        [
            (P, D(2026, 4, 1), D(2026, 5, 1), 30, M("80.00")),
            # window ends 2026-04-16: 15 days; 20 x 15/30 = 10
            (R, D(2026, 4, 1), D(2026, 4, 16), 15, M("-10.00")),
        ],
        M("70.00"),
        id="fixed-ending-mid-cycle",
    ),
    pytest.param(
        APR26,
        sub("90.00", D(2026, 4, 11), promotions=[promo(FIXED, "30.00", D(2026, 4, 11), 1)]),
        [
            (P, D(2026, 4, 11), D(2026, 5, 1), 20, M("60.00")),  # 90 x 20/30
            (R, D(2026, 4, 11), D(2026, 5, 1), 20, M("-20.00")),  # 30 x 20/30
        ],
        M("40.00"),
        id="fixed-prorated-with-activation",
    ),
    pytest.param(
        APR26,
        sub("15.00", D(2026, 1, 1), promotions=[promo(FIXED, "20.00", D(2026, 1, 1), 6)]),
        [
            (P, D(2026, 4, 1), D(2026, 5, 1), 30, M("15.00")),
            (R, D(2026, 4, 1), D(2026, 5, 1), 30, M("-15.00")),  # 20 capped at 15
        ],
        M("0.00"),
        id="fixed-above-price-capped",
    ),
    pytest.param(
        APR26,
        sub("15.00", D(2026, 1, 16), promotions=[promo(FIXED, "20.00", D(2026, 1, 16), 3)]),
        [
            (P, D(2026, 4, 1), D(2026, 5, 1), 30, M("15.00")),
            (R, D(2026, 4, 1), D(2026, 4, 16), 15, M("-7.50")),  # min(20, 15) x 15/30
        ],
        M("7.50"),
        id="fixed-above-price-capped-partial",
    ),
    pytest.param(
        APR26,
        sub(
            "40.00",
            D(2026, 1, 1),
            promotions=[
                promo(PERCENT, "75", D(2026, 1, 1), 6, id=91),
                promo(FIXED, "25.00", D(2026, 1, 1), 6, id=92),
            ],
        ),
        [
            (P, D(2026, 4, 1), D(2026, 5, 1), 30, M("40.00")),
            (R, D(2026, 4, 1), D(2026, 5, 1), 30, M("-30.00")),  # 75% of 40
            (R, D(2026, 4, 1), D(2026, 5, 1), 30, M("-10.00")),  # 25 capped at the 10 left
        ],
        M("0.00"),
        id="two-promotions-never-below-zero",
    ),
    pytest.param(
        APR26,
        sub(
            "50.00",
            D(2026, 1, 1),
            promotions=[
                PromotionFacts(id=93, kind=PERCENT, value=M("50"), starts_on=None, ends_on=None)
            ],
        ),
        [(P, D(2026, 4, 1), D(2026, 5, 1), 30, M("50.00"))],
        M("50.00"),
        id="promotion-not-started",
    ),
]


@pytest.mark.parametrize(("cycle", "subscription", "expected", "total"), PROMOTIONS)
def test_promotion_lines(cycle, subscription, expected, total):
    """A promotion is its own negative line beside the product line, for the days inside its
    window only, computed from the unrounded product amount; percent or a prorated fixed
    amount never above the product; the invoice total is the sum of the rounded lines."""
    lines = rate_subscription(cycle, subscription)
    assert summary(lines) == expected
    [invoice] = build_invoices(cycle, [subscription])
    assert invoice.total == total


@pytest.mark.parametrize(
    ("starts_on", "months", "ends_on"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),
        (D(2026, 1, 31), 3, D(2026, 4, 30)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
        (D(2026, 1, 15), 12, D(2027, 1, 15)),
    ],
)
def test_promotion_window(starts_on, months, ends_on):
    """A promotion of N months ends (exclusive) N calendar months after it starts, on the
    month's last day where that day does not exist."""
    assert promotion_window(starts_on, months) == (starts_on, ends_on)


@pytest.mark.parametrize(
    ("amount", "decimals", "expected"),
    [
        (M("1.005"), 2, M("1.01")),
        (M("-1.005"), 2, M("-1.01")),
        (M("2.675"), 2, M("2.68")),  # the float 2.675 would round to 2.67
        (M("1.0049999"), 2, M("1.00")),
        (M("1234.5"), 0, M("1235")),  # a currency without minor unit (CLP, PYG)
    ],
)
def test_quantize_half_up(amount, decimals, expected):
    """Amounts are quantized to the currency's minor unit, halves away from zero."""
    assert quantize(amount, decimals) == expected
    assert str(quantize(amount, decimals)) == str(expected)


def test_quantize_refuses_float():
    """Money is Decimal only: a float is refused."""
    with pytest.raises(TypeError):
        quantize(1.005)


def test_plan_change_mid_cycle_bills_each_plan_for_its_days():
    """A plan change on 11 April ends the old subscription and activates the new one that
    day: 10 days of the old plan and 20 of the new on one invoice."""
    old = sub("60.00", D(2026, 1, 1), D(2026, 4, 11), id=1, plan_id=10)
    new = sub("90.00", D(2026, 4, 11), id=2, plan_id=20)
    [invoice] = build_invoices(APR26, [new, old])
    assert invoice.payer == Payer(CUSTOMER, 7)
    assert [
        (x.subscription_id, x.plan_id, x.period_start, x.period_end, x.amount)
        for x in invoice.lines
    ] == [
        (1, 10, D(2026, 4, 1), D(2026, 4, 11), M("20.00")),  # 60 x 10/30
        (2, 20, D(2026, 4, 11), D(2026, 5, 1), M("60.00")),  # 90 x 20/30
    ]
    assert invoice.total == M("80.00")


def test_every_line_is_traceable():
    """Each line names its subscription, member, product, plan, promotion and period."""
    s = sub(
        "100.00",
        D(2026, 1, 10),
        id=5,
        customer_id=8,
        product_id=31,
        plan_id=11,
        promotions=[promo(PERCENT, "50", D(2026, 1, 10), 2, id=77)],
    )
    product, discount = rate_subscription(MAR26, s)
    for x in (product, discount):
        assert (x.subscription_id, x.customer_id, x.product_id, x.plan_id) == (5, 8, 31, 11)
        assert x.cycle_days == 31
    assert product.promotion_id is None
    assert (discount.promotion_id, discount.period_start, discount.period_end) == (
        77,
        D(2026, 3, 1),
        D(2026, 3, 10),
    )
    assert discount.exact == M(-450) / M(31)  # unrounded, kept beside the rounded amount


def test_group_member_with_split_products():
    """Products billed to the group go on the group's invoice, one line per member and
    product; the member's other products stay on the member's own invoice."""
    subs = [
        sub("100.00", D(2026, 1, 1), id=101, customer_id=7, product_id=30, billed_to_group_id=3),
        sub("50.00", D(2026, 1, 1), id=102, customer_id=7, product_id=40, system="tv"),
        sub("100.00", D(2026, 4, 16), id=103, customer_id=8, product_id=30, billed_to_group_id=3),
        sub("30.00", D(2026, 1, 1), id=104, customer_id=9, product_id=40, system="tv"),
    ]
    invoices = build_invoices(APR26, subs)
    got = [
        (
            i.payer,
            [(x.subscription_id, x.customer_id, x.product_id, x.amount) for x in i.lines],
            i.total,
        )
        for i in invoices
    ]
    assert got == [
        (Payer(CUSTOMER, 7), [(102, 7, 40, M("50.00"))], M("50.00")),
        (Payer(CUSTOMER, 9), [(104, 9, 40, M("30.00"))], M("30.00")),
        (
            Payer(GROUP, 3),
            [(101, 7, 30, M("100.00")), (103, 8, 30, M("50.00"))],  # 103: 100 x 15/30
            M("150.00"),
        ),
    ]


def test_no_invoice_for_a_payer_without_lines():
    """A customer whose only subscription ended before the cycle gets no invoice."""
    assert build_invoices(APR26, [sub("50.00", D(2026, 1, 1), D(2026, 3, 20))]) == []


@pytest.mark.parametrize(
    "bad",
    [
        {"price": "-1.00"},
        {
            "promotions": [
                PromotionFacts(
                    id=1, kind="gift", value=M("1"), starts_on=D(2026, 1, 1), ends_on=None
                )
            ]
        },
        {
            "promotions": [
                PromotionFacts(
                    id=1, kind=FIXED, value=M("-1"), starts_on=D(2026, 1, 1), ends_on=None
                )
            ]
        },
    ],
)
def test_bad_facts_are_refused(bad):
    """A negative price, a negative discount or an unknown discount kind is refused."""
    fields = {"price": "50.00", "activated_on": D(2026, 1, 1)} | bad
    with pytest.raises(ValueError):
        rate_subscription(APR26, sub(**fields))
