"""Prepaid run-time rules (S4). Pure: no ORM, request or settings; dataclasses in and out.

Rules:

* **Daily value.** A prepaid plan's daily value is the sum of its products' daily costs
  (stored with 4 decimals), summed unrounded and then quantized ROUND_HALF_UP to the
  currency's minor unit: 1.0000 + 0.6667 + 0.3333 = 2.00.
* **Minimum recharge.** A recharge below the plan's minimum recharge is refused (nothing is
  credited); a recharge equal to the minimum is accepted. The minimum recharge forces a minimum
  number of active days: ``minimum / daily value`` rounded down (50.00 / 3.00 = 16 days; a plan
  with a daily value of 0 has no day limit: ``None``).
* **Daily charge.** At each of the company's local midnights (the day is the company's local
  date, :func:`local_day`), an active subscription is charged the daily value for that day
  when its balance is at or above the daily value; otherwise nothing is charged and it is
  deactivated (a provisioning command). An inactive subscription is not charged. A day already
  charged (the day key, ``prepaid:<subscription>:<YYYY-MM-DD>``, is the ledger entry's
  idempotency key) is not charged again: running the job twice for a day changes nothing.
* **Reactivation.** A recharge that brings an inactive subscription's balance to the plan's
  minimum recharge or above (and covering the day's value) reactivates it, and the day of the
  reactivation is charged at once (with that day's key, so the midnight job does not charge it
  again). An accepted recharge that leaves the balance below the minimum (or the day's value)
  is credited and the subscription stays inactive.
* **Wallet.** At run time the balance is the customer's (one wallet per customer): the daily
  value charged is that of all the customer's active prepaid products on the day, its day key
  is :func:`wallet_day_key`, and the minimum recharge is the highest of its plans' minimums
  (:func:`wallet_minimum`). A product started on a day the wallet was already charged pays what
  the day's value grows by (:func:`start_key`), so a day's charges add up to its value.
* **Switches.** Prepaid -> postpaid credits the remaining prepaid balance to the current
  account (nothing when it is zero). Postpaid -> prepaid is refused while the customer has
  overdue debt (the prorated final postpaid invoice is billing's job).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_FLOOR, Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from . import ZERO, quantize

# Stable refusal codes.
RECHARGE_BELOW_MINIMUM = "recharge_below_minimum"
RECHARGE_NOT_POSITIVE = "recharge_not_positive"
OVERDUE_DEBT = "overdue_debt"

# Daily outcomes.
CHARGED = "charged"
DEACTIVATED = "deactivated"
ALREADY_CHARGED = "already_charged"
INACTIVE = "inactive"


@dataclass(frozen=True)
class PrepaidPlan:
    daily_costs: tuple[Decimal, ...]  # one per product of the plan
    min_recharge: Decimal


@dataclass(frozen=True)
class PrepaidState:
    subscription_id: int
    balance: Decimal
    active: bool
    last_charged_on: date | None = None  # the last day charged (its key is in the ledger)


@dataclass(frozen=True)
class Refusal:
    code: str
    field: str
    message: str


@dataclass(frozen=True)
class DailyOutcome:
    outcome: str  # CHARGED, DEACTIVATED, ALREADY_CHARGED or INACTIVE
    day: date
    charged: Decimal
    state: PrepaidState  # the state after the run
    day_key: str

    @property
    def deactivate(self) -> bool:
        return self.outcome == DEACTIVATED


@dataclass(frozen=True)
class RechargeOutcome:
    accepted: bool
    refusal: Refusal | None
    credited: Decimal  # the recharge credited to the balance (0 when refused)
    reactivated: bool
    charged: Decimal  # the reactivation day's charge
    day_key: str | None  # the key of the charged day, when charged
    state: PrepaidState


@dataclass(frozen=True)
class SwitchOutcome:
    allowed: bool
    refusal: Refusal | None
    credit_to_account: Decimal  # prepaid -> postpaid: the balance credited to the account
    balance_after: Decimal


def daily_value(daily_costs: Iterable[Decimal], *, places: int = 2) -> Decimal:
    """The plan's daily value: its products' daily costs summed, then quantized."""
    return quantize(sum(daily_costs, ZERO), places)


def minimum_active_days(plan: PrepaidPlan, *, places: int = 2) -> int | None:
    """Days a minimum recharge keeps the plan active: minimum / daily value, rounded down."""
    value = daily_value(plan.daily_costs, places=places)
    if value == 0:
        return None
    return int((plan.min_recharge / value).to_integral_value(rounding=ROUND_FLOOR))


def day_key(subscription_id: int, day: date) -> str:
    """The idempotency key of a subscription's daily charge (unique per subscription and day)."""
    return f"prepaid:{subscription_id}:{day.isoformat()}"


def wallet_day_key(wallet_id: int, day: date) -> str:
    """The idempotency key of a wallet's daily charge (one per wallet and day), shared by the
    midnight job, the reactivation and the activation, so a day is never charged twice."""
    return f"prepaid:day:{wallet_id}:{day.isoformat()}"


def start_key(subscription_id: int, day: date) -> str:
    """The key of a product's own first day, when it starts on a day already charged."""
    return f"prepaid:start:{subscription_id}:{day.isoformat()}"


def wallet_minimum(minimums: Iterable[Decimal | None], default: Decimal) -> Decimal:
    """The minimum recharge of a wallet: the highest of its plans' minimums (an empty one is
    the company's ``default``); ``default`` when it has no prepaid plan."""
    values = [default if m is None else m for m in minimums]
    return max(values) if values else default


def days_left(balance: Decimal, value: Decimal) -> int | None:
    """Whole days the balance pays at the daily value (``None``: no daily value)."""
    if value <= 0:
        return None
    if balance <= 0:
        return 0
    return int((balance / value).to_integral_value(rounding=ROUND_FLOOR))


def local_day(now: datetime, timezone: str) -> date:
    """The company's local date at ``now`` (an aware datetime): the day its last midnight began."""
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(ZoneInfo(timezone)).date()


def charge_day(
    state: PrepaidState, plan: PrepaidPlan, *, day: date, places: int = 2
) -> DailyOutcome:
    """The daily charge for ``day`` (the company's local date after its midnight)."""
    key = day_key(state.subscription_id, day)
    if state.last_charged_on is not None and state.last_charged_on >= day:
        return DailyOutcome(ALREADY_CHARGED, day, ZERO, state, key)
    if not state.active:
        return DailyOutcome(INACTIVE, day, ZERO, state, key)
    value = daily_value(plan.daily_costs, places=places)
    if state.balance >= value:
        after = PrepaidState(state.subscription_id, state.balance - value, True, day)
        return DailyOutcome(CHARGED, day, value, after, key)
    after = PrepaidState(state.subscription_id, state.balance, False, state.last_charged_on)
    return DailyOutcome(DEACTIVATED, day, ZERO, after, key)


def recharge(
    state: PrepaidState, plan: PrepaidPlan, amount: Decimal, *, day: date, places: int = 2
) -> RechargeOutcome:
    """A recharge of ``amount`` on ``day`` (the company's local date)."""
    amount = quantize(amount, places)
    minimum = quantize(plan.min_recharge, places)
    refusal = None
    if amount <= 0:
        refusal = Refusal(
            RECHARGE_NOT_POSITIVE, "amount", _("A recharge must be an amount above zero.")
        )
    elif amount < minimum:
        refusal = Refusal(
            RECHARGE_BELOW_MINIMUM,
            "amount",
            _("The recharge of %(amount)s is below the plan's minimum recharge of %(minimum)s.")
            % {"amount": amount, "minimum": minimum},
        )
    if refusal:
        return RechargeOutcome(False, refusal, ZERO, False, ZERO, None, state)
    balance = state.balance + amount
    value = daily_value(plan.daily_costs, places=places)
    if state.active or balance < minimum or balance < value:
        after = PrepaidState(state.subscription_id, balance, state.active, state.last_charged_on)
        return RechargeOutcome(True, None, amount, False, ZERO, None, after)
    # Reactivation: the day is charged now, unless it was already charged.
    if state.last_charged_on is not None and state.last_charged_on >= day:
        after = PrepaidState(state.subscription_id, balance, True, state.last_charged_on)
        return RechargeOutcome(True, None, amount, True, ZERO, None, after)
    after = PrepaidState(state.subscription_id, balance - value, True, day)
    return RechargeOutcome(
        True, None, amount, True, value, day_key(state.subscription_id, day), after
    )


def to_postpaid(state: PrepaidState) -> SwitchOutcome:
    """Prepaid -> postpaid: the remaining balance is credited to the current account."""
    return SwitchOutcome(True, None, max(state.balance, ZERO), ZERO)


def to_prepaid(*, overdue_debt: Decimal) -> SwitchOutcome:
    """Postpaid -> prepaid: allowed only without overdue debt."""
    if overdue_debt > 0:
        refusal = Refusal(
            OVERDUE_DEBT,
            "plan",
            _("The customer has an overdue debt of %(debt)s: settle it before moving to prepaid.")
            % {"debt": overdue_debt},
        )
        return SwitchOutcome(False, refusal, ZERO, ZERO)
    return SwitchOutcome(True, None, ZERO, ZERO)
