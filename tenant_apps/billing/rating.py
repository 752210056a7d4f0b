"""Rating: what a subscription owes for a cycle. Pure rules, no ORM, request or settings access;
immutable records in, immutable records out, ``Decimal`` only. The records a billing run makes
by the thousand (facts, lines, payers) are named tuples: a fifth of a frozen dataclass's cost to
build, and compared and hashed in C.

Rules (issue 4, "Cycle", "Lines and rounding", "Promotions", "Group billing"):

- A subscription is active from ``activated_on`` (inclusive) to ``ends_on`` (exclusive; ``None``
  while it runs). Its segment in a cycle is the part of that span inside the cycle; it pays
  ``monthly price x active days / days in the cycle``. A plan change mid-cycle is two
  subscriptions (the old one ends on the day the new one is activated), so each plan is billed
  for its own days.
- One product line per subscription and segment. Each promotion sold with it is its own
  negative line beside it, for the days of the segment inside the promotion's window
  (``starts_on`` inclusive to ``ends_on`` exclusive, see ``promotion_window``), computed from
  the *unrounded* product amount: a percentage takes ``value`` % of
  ``price x promotion days / days in the cycle``; a fixed discount is a monthly amount prorated
  the same way (``value x promotion days / days in the cycle``). A discount never exceeds what is
  left of the product amount, so a line pair never goes below zero.
- Every line is quantized once, in ``quantize``, to the currency's minor unit with
  ROUND_HALF_UP (halves away from zero, so a discount of 1.005 is the line -1.01); the invoice
  total is the sum of its quantized lines.
- Subscriptions billed to a group go on the group's invoice, one line per member and product
  (each line keeps the member's ``customer_id``); the rest on each member's own invoice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from dateutil.relativedelta import relativedelta

from tenant_apps.money import quantize

from .cycles import Cycle

PERCENT = "percent"
FIXED = "fixed"
PRODUCT_LINE = "product"
PROMOTION_LINE = "promotion"
CUSTOMER = "customer"
GROUP = "group"
ZERO = Decimal(0)
HUNDRED = Decimal(100)


def promotion_window(starts_on: dt.date, months: int) -> tuple[dt.date, dt.date]:
    """The days a promotion of ``months`` months covers: ``starts_on`` inclusive to
    ``starts_on`` plus ``months`` calendar months exclusive, clamped to the month's last day
    where that day does not exist (as ``relativedelta`` does: 31 January + 1 month is
    28 February, or 29 in a leap year)."""
    if months < 0:
        raise ValueError("a promotion lasts zero or more months")
    return starts_on, starts_on + relativedelta(months=months)


def prorate(monthly: Decimal, days: int, cycle_days: int) -> Decimal:
    """``monthly x days / cycle_days``, unrounded (multiplied first, so an exact result stays
    exact)."""
    return monthly * days / cycle_days


class PromotionFacts(NamedTuple):
    """A promotion as sold. ``starts_on`` ``None``: not started (the subscription is not
    active yet); ``ends_on`` is exclusive (see ``promotion_window``)."""

    id: int
    kind: str
    value: Decimal
    starts_on: dt.date | None
    ends_on: dt.date | None


class SubscriptionFacts(NamedTuple):
    """What rating needs of a subscription. ``activated_on`` ``None``: never activated."""

    id: int
    customer_id: int
    product_id: int
    plan_id: int
    price: Decimal
    activated_on: dt.date | None
    ends_on: dt.date | None = None
    system: str = ""
    billed_to_group_id: int | None = None
    promotions: tuple[PromotionFacts, ...] = ()


class Line(NamedTuple):
    """One invoice line, with everything that traces it: the subscription, the member it
    belongs to, product, plan, promotion (promotion lines only) and period (``period_end``
    exclusive). ``exact`` is the unrounded amount, ``amount`` the quantized one."""

    kind: str
    subscription_id: int
    customer_id: int
    product_id: int
    plan_id: int
    system: str
    period_start: dt.date
    period_end: dt.date
    days: int
    cycle_days: int
    exact: Decimal
    amount: Decimal
    promotion_id: int | None = None


class Payer(NamedTuple):
    """Who an invoice is for: a customer or a group (ordered: customers, then groups, by id)."""

    kind: str
    id: int


@dataclass(frozen=True)
class Invoice:
    payer: Payer
    cycle: Cycle
    lines: tuple[Line, ...] = field(default_factory=tuple)

    @property
    def total(self) -> Decimal:
        """The sum of the (already quantized) lines."""
        return sum((line.amount for line in self.lines), ZERO)


def _discount(promotion: PromotionFacts, price: Decimal, days: int, cycle_days: int) -> Decimal:
    """The unrounded discount of ``promotion`` over ``days`` days (positive)."""
    if promotion.value < 0:
        raise ValueError("a promotion's value is not negative")
    if promotion.kind == PERCENT:
        return price * days * promotion.value / (cycle_days * HUNDRED)
    if promotion.kind == FIXED:
        return prorate(min(promotion.value, price), days, cycle_days)
    raise ValueError(f"unknown discount kind {promotion.kind!r}")


def rate_subscription(cycle: Cycle, sub: SubscriptionFacts, decimals: int = 2) -> list[Line]:
    """The lines ``sub`` owes for ``cycle``: its product line for the days active in the cycle,
    each followed by the negative lines of the promotions that cover some of those days.
    Empty when the subscription is not active in the cycle."""
    if sub.activated_on is None:
        return []
    if sub.price < 0:
        raise ValueError("a monthly price is not negative")
    segment = cycle.overlap(sub.activated_on, sub.ends_on)
    if segment is None:
        return []
    start, end = segment
    days = (end - start).days
    exact = prorate(sub.price, days, cycle.days)

    def line(kind, p_start, p_end, p_days, p_exact, promotion_id=None) -> Line:
        # Positional, in Line's field order (kind, subscription, member, product, plan,
        # system, period, days, cycle days, exact, amount, promotion): the run's hot path.
        return Line(
            kind,
            sub.id,
            sub.customer_id,
            sub.product_id,
            sub.plan_id,
            sub.system,
            p_start,
            p_end,
            p_days,
            cycle.days,
            p_exact,
            quantize(p_exact, decimals),
            promotion_id,
        )

    lines = [line(PRODUCT_LINE, start, end, days, exact)]
    left = exact
    for promotion in sub.promotions:
        if promotion.starts_on is None:
            continue
        lo = max(start, promotion.starts_on)
        hi = end if promotion.ends_on is None else min(end, promotion.ends_on)
        if lo >= hi:
            continue
        p_days = (hi - lo).days
        discount = min(_discount(promotion, sub.price, p_days, cycle.days), left)
        if discount <= 0:
            continue
        left -= discount
        # ROUND_HALF_UP rounds halves away from zero: -1.005 is -1.01, the mirror of 1.005.
        lines.append(line(PROMOTION_LINE, lo, hi, p_days, -discount, promotion.id))
    return lines


def payer_of(sub: SubscriptionFacts) -> Payer:
    """The group when the subscription is billed to one, otherwise its own customer."""
    if sub.billed_to_group_id is not None:
        return Payer(GROUP, sub.billed_to_group_id)
    return Payer(CUSTOMER, sub.customer_id)


def build_invoices(
    cycle: Cycle, subscriptions: Iterable[SubscriptionFacts], decimals: int = 2
) -> list[Invoice]:
    """The invoices of ``cycle``: one per payer with at least one line, in payer order
    (customers, then groups, by id); lines in subscription order."""
    by_payer: dict[Payer, list[Line]] = {}
    for sub in sorted(subscriptions, key=lambda s: s.id):
        lines = rate_subscription(cycle, sub, decimals)
        if lines:
            by_payer.setdefault(payer_of(sub), []).extend(lines)
    return [Invoice(payer, cycle, tuple(lines)) for payer, lines in sorted(by_payer.items())]
