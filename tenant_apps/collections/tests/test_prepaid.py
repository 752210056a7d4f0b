"""Prepaid run-time rules (S4) as tables of hand-computed cases, with a pinned clock."""

import datetime as dt
from decimal import Decimal as D

import pytest

from tenant_apps.collections import allocation as a
from tenant_apps.collections import prepaid as p

TODAY = dt.date(2026, 6, 10)  # pinned
SUB = 7

# Daily value 1.0000 + 0.6667 + 0.3333 = 2.00; minimum recharge 30.00 (15 days).
PLAN = p.PrepaidPlan(daily_costs=(D("1.0000"), D("0.6667"), D("0.3333")), min_recharge=D("30.00"))


def state(balance, active=True, last=None):
    return p.PrepaidState(SUB, D(balance), active, last)


DAILY_VALUES = [
    # products' daily costs, daily value
    (("1.0000", "0.6667", "0.3333"), "2.00"),
    (("3.3333",), "3.33"),
    (("0.0050",), "0.01"),  # half up
    (("0.0049",), "0.00"),
    (("1.1250", "1.1250"), "2.25"),
    (("0.3333", "0.3333", "0.3333"), "1.00"),  # summed unrounded (0.9999), not 0.33 x 3
    ((), "0.00"),
]


@pytest.mark.parametrize(("costs", "value"), DAILY_VALUES)
def test_daily_value_is_the_sum_of_the_products_daily_costs(costs, value):
    """The plan's daily value is its products' daily costs summed, then rounded half up."""
    assert p.daily_value(tuple(D(c) for c in costs)) == D(value)


MINIMUM_DAYS = [
    # daily costs, minimum recharge, minimum active days
    (("2.0000",), "30.00", 15),
    (("3.0000",), "50.00", 16),  # 16.67 rounded down
    (("3.3300",), "10.00", 3),  # 3.003
    (("7.0000",), "6.99", 0),
    (("0.0000",), "10.00", None),  # no daily cost: no day limit
]


@pytest.mark.parametrize(("costs", "minimum", "days"), MINIMUM_DAYS)
def test_minimum_recharge_forces_minimum_active_days(costs, minimum, days):
    """A minimum recharge keeps the plan active minimum / daily value days, rounded down."""
    plan = p.PrepaidPlan(tuple(D(c) for c in costs), D(minimum))
    assert p.minimum_active_days(plan) == days


RUNNING_OUT = [
    # day, outcome, charged, balance after, active after
    (dt.date(2026, 6, 1), p.CHARGED, "2.00", "3.00", True),
    (dt.date(2026, 6, 2), p.CHARGED, "2.00", "1.00", True),
    (dt.date(2026, 6, 3), p.DEACTIVATED, "0.00", "1.00", False),  # 1.00 < 2.00: nothing charged
    (dt.date(2026, 6, 4), p.INACTIVE, "0.00", "1.00", False),
]


def test_balance_running_out():
    """From 5.00 at 2.00 a day: two days charged, then deactivated with 1.00 left, and an
    inactive subscription is not charged."""
    current = state("5.00")
    for day, outcome, charged, balance, active in RUNNING_OUT:
        result = p.charge_day(current, PLAN, day=day)
        assert (result.outcome, result.charged, result.state.balance, result.state.active) == (
            outcome,
            D(charged),
            D(balance),
            active,
        ), day
        assert result.deactivate is (outcome == p.DEACTIVATED)
        current = result.state


@pytest.mark.parametrize(
    ("balance", "outcome", "after"),
    [("2.00", p.CHARGED, "0.00"), ("1.99", p.DEACTIVATED, "1.99"), ("0.00", p.DEACTIVATED, "0.00")],
)
def test_charge_when_balance_covers_the_daily_value(balance, outcome, after):
    """A balance equal to the daily value is charged; one cent less deactivates."""
    result = p.charge_day(state(balance), PLAN, day=TODAY)
    assert (result.outcome, result.state.balance) == (outcome, D(after))


def test_running_the_same_day_twice_charges_once():
    """The second run for the same day changes nothing; the day key is the same."""
    first = p.charge_day(state("10.00"), PLAN, day=TODAY)
    second = p.charge_day(first.state, PLAN, day=TODAY)
    assert (first.outcome, first.charged, first.state.balance) == (p.CHARGED, D("2.00"), D("8.00"))
    assert (second.outcome, second.charged) == (p.ALREADY_CHARGED, D("0.00"))
    assert second.state == first.state
    assert first.day_key == second.day_key == "prepaid:7:2026-06-10"
    nxt = p.charge_day(second.state, PLAN, day=TODAY + dt.timedelta(days=1))
    assert (nxt.outcome, nxt.state.balance, nxt.day_key) == (
        p.CHARGED,
        D("6.00"),
        "prepaid:7:2026-06-11",
    )


def test_deactivation_twice_the_same_day_changes_nothing():
    """A subscription deactivated at midnight is left alone by a second run of that day."""
    first = p.charge_day(state("1.00"), PLAN, day=TODAY)
    second = p.charge_day(first.state, PLAN, day=TODAY)
    assert (first.outcome, second.outcome) == (p.DEACTIVATED, p.INACTIVE)
    assert second.state == first.state


RECHARGES = [
    # id, state before, amount, accepted, refusal code, credited, reactivated, charged,
    # balance after, active after, day key
    ("below minimum", state("1.00", False), "29.99", False, p.RECHARGE_BELOW_MINIMUM, "0.00",
     False, "0.00", "1.00", False, None),
    ("zero", state("1.00", False), "0.00", False, p.RECHARGE_NOT_POSITIVE, "0.00",
     False, "0.00", "1.00", False, None),
    ("minimum reactivates", state("1.00", False), "30.00", True, None, "30.00",
     True, "2.00", "29.00", True, "prepaid:7:2026-06-10"),  # 1 + 30 - 2
    ("above minimum reactivates", state("0.00", False), "50.00", True, None, "50.00",
     True, "2.00", "48.00", True, "prepaid:7:2026-06-10"),
    ("half a cent rounds up to the minimum", state("0.00", False), "29.995", True, None, "30.00",
     True, "2.00", "28.00", True, "prepaid:7:2026-06-10"),
    ("active: only credited", state("10.00"), "30.00", True, None, "30.00",
     False, "0.00", "40.00", True, None),
    ("negative balance stays below minimum", state("-5.00", False), "30.00", True, None, "30.00",
     False, "0.00", "25.00", False, None),
    ("day already charged", state("0.00", False, TODAY), "30.00", True, None, "30.00",
     True, "0.00", "30.00", True, None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("before", "amount", "accepted", "code", "credited", "reactivated", "charged", "balance",
     "active", "key"),
    [case[1:] for case in RECHARGES],
    ids=[case[0] for case in RECHARGES],
)  # fmt: skip
def test_recharge(
    before, amount, accepted, code, credited, reactivated, charged, balance, active, key
):
    """A recharge below the minimum is refused; an accepted one is credited, and when it brings
    an inactive subscription to the minimum or above it is reactivated with its day charged."""
    result = p.recharge(before, PLAN, D(amount), day=TODAY)
    assert result.accepted is accepted
    assert (result.refusal.code if result.refusal else None) == code
    if result.refusal:
        assert result.refusal.field == "amount" and result.refusal.message
    assert result.credited == D(credited)
    assert result.reactivated is reactivated
    assert result.charged == D(charged)
    assert result.state.balance == D(balance)
    assert result.state.active is active
    assert result.day_key == key


def test_midnight_after_a_reactivation_does_not_charge_that_day_again():
    """Reactivated on the 10th (charged), the job for the 10th skips it and the 11th charges."""
    reactivated = p.recharge(state("0.00", False), PLAN, D("30.00"), day=TODAY).state
    same_day = p.charge_day(reactivated, PLAN, day=TODAY)
    next_day = p.charge_day(reactivated, PLAN, day=dt.date(2026, 6, 11))
    assert (same_day.outcome, same_day.state.balance) == (p.ALREADY_CHARGED, D("28.00"))
    assert (next_day.outcome, next_day.state.balance) == (p.CHARGED, D("26.00"))


LOCAL_DAYS = [
    # now (UTC), company time zone, the local day being charged
    (dt.datetime(2026, 6, 15, 2, 59, tzinfo=dt.UTC), "America/Sao_Paulo", dt.date(2026, 6, 14)),
    (dt.datetime(2026, 6, 15, 3, 0, tzinfo=dt.UTC), "America/Sao_Paulo", dt.date(2026, 6, 15)),
    (dt.datetime(2026, 6, 14, 22, 0, tzinfo=dt.UTC), "Europe/Madrid", dt.date(2026, 6, 15)),
    (dt.datetime(2026, 1, 14, 22, 59, tzinfo=dt.UTC), "Europe/Madrid", dt.date(2026, 1, 14)),
    (dt.datetime(2026, 1, 14, 23, 0, tzinfo=dt.UTC), "Europe/Madrid", dt.date(2026, 1, 15)),
]


@pytest.mark.parametrize(("now", "tz", "day"), LOCAL_DAYS)
def test_local_day_follows_the_company_midnight(now, tz, day):
    """The day charged is the company's local date: its midnight, not UTC's."""
    assert p.local_day(now, tz) == day


def test_local_day_refuses_a_naive_clock():
    """A naive datetime has no time zone to convert from."""
    with pytest.raises(ValueError):
        p.local_day(dt.datetime(2026, 6, 15, 3, 0), "America/Sao_Paulo")


@pytest.mark.parametrize(("balance", "credit"), [("17.50", "17.50"), ("0.00", "0.00")])
def test_prepaid_to_postpaid_credits_the_balance(balance, credit):
    """Moving to postpaid credits the remaining prepaid balance to the current account."""
    result = p.to_postpaid(state(balance))
    assert result.allowed
    assert (result.credit_to_account, result.balance_after) == (D(credit), D("0.00"))


@pytest.mark.parametrize(
    ("overdue", "allowed", "code"),
    [("0.00", True, None), ("0.01", False, p.OVERDUE_DEBT), ("120.00", False, p.OVERDUE_DEBT)],
)
def test_postpaid_to_prepaid_requires_no_overdue_debt(overdue, allowed, code):
    """Moving to prepaid is refused while there is overdue debt."""
    result = p.to_prepaid(overdue_debt=D(overdue))
    assert result.allowed is allowed
    assert (result.refusal.code if result.refusal else None) == code


def test_postpaid_to_prepaid_from_the_dunning_facts():
    """An invoice due yesterday blocks the move; one due today does not (not yet overdue)."""
    due_yesterday = [a.OpenInvoice("F-1", TODAY - dt.timedelta(days=1), D("89.90"))]
    due_today = [a.OpenInvoice("F-2", TODAY, D("89.90"))]
    blocked = p.to_prepaid(overdue_debt=a.dunning(due_yesterday, on=TODAY, grace_days=5).overdue)
    allowed = p.to_prepaid(overdue_debt=a.dunning(due_today, on=TODAY, grace_days=5).overdue)
    assert (blocked.allowed, allowed.allowed) == (False, True)


WALLET_MINIMUMS = [
    # the plans' minimums (None: empty), the company's default, the wallet's minimum
    ((), "20.00", "20.00"),
    ((None,), "20.00", "20.00"),
    (("30.00", None), "20.00", "30.00"),
    (("30.00", "50.00"), "20.00", "50.00"),
    (("10.00", None), "20.00", "20.00"),
]


@pytest.mark.parametrize(("minimums", "default", "expected"), WALLET_MINIMUMS)
def test_a_wallets_minimum_is_the_highest_of_its_plans(minimums, default, expected):
    values = tuple(None if m is None else D(m) for m in minimums)
    assert p.wallet_minimum(values, D(default)) == D(expected)


DAYS_LEFT = [
    # balance, daily value, whole days left
    ("10.00", "2.00", 5),
    ("9.99", "2.00", 4),
    ("0.00", "2.00", 0),
    ("-3.00", "2.00", 0),
    ("5.00", "0.00", None),
]


@pytest.mark.parametrize(("balance", "value", "left"), DAYS_LEFT)
def test_days_left_at_the_daily_value(balance, value, left):
    assert p.days_left(D(balance), D(value)) == left


def test_wallet_keys():
    assert p.wallet_day_key(12, dt.date(2026, 6, 10)) == "prepaid:day:12:2026-06-10"
    assert p.start_key(40, dt.date(2026, 6, 10)) == "prepaid:start:40:2026-06-10"


def test_a_recharge_reaching_the_minimum_but_not_the_day_does_not_reactivate():
    """Minimum 30.00 but a daily value of 31.00: 30.00 is credited, the services stay off
    (turning them on would make the balance negative)."""
    plan = p.PrepaidPlan(daily_costs=(D("31.0000"),), min_recharge=D("30.00"))
    result = p.recharge(state("0.00", False), plan, D("30.00"), day=TODAY)
    assert (result.accepted, result.reactivated, result.charged) == (True, False, D("0"))
    assert (result.state.balance, result.state.active) == (D("30.00"), False)
