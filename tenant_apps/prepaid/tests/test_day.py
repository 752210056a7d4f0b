"""The daily job, the first day at activation and the company's local midnight (S4), as tables
of hand-computed cases, through the services (inside company A1)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from tenant_apps.collections import prepaid as rules
from tenant_apps.customers.models import Customer
from tenant_apps.parameters.selectors import company_today
from tenant_apps.prepaid.models import Wallet, WalletEntry
from tenant_apps.prepaid.services import prepaid_day_run
from tenant_apps.provisioning.models import Command
from tenant_apps.sales.models import Subscription
from tenant_apps.sales.services.selling import subscription_activate

from .helpers import ACTOR, days, prepaid_plan, sell_prepaid, set_parameters, statuses

pytestmark = pytest.mark.django_db


def wallet_of(customer) -> Wallet:
    return Wallet.objects.get(customer=customer)


DAILY_VALUES = [
    # products' daily costs, the day's charge
    (("1.0000", "0.6667", "0.3333"), "2.00"),
    (("3.3333",), "3.33"),
    (("0.0050",), "0.01"),  # half up
    (("0.3333", "0.3333", "0.3333"), "1.00"),  # summed unrounded (0.9999), not 0.33 x 3
    (("1.1250", "1.1250"), "2.25"),
    (("2.6600", "3.3300"), "5.99"),
]


@pytest.mark.parametrize(("costs", "value"), DAILY_VALUES)
def test_the_day_charged_is_the_sum_of_the_daily_costs(in_a1, costs, value):
    """At activation and at each midnight the wallet pays its products' daily costs summed,
    then rounded half up (the midnight job's SQL rounds like the rule)."""
    shop = sell_prepaid(prepaid_plan(costs), balance="100.00")
    today = company_today()
    assert wallet_of(shop.customer).balance == D("100.00") - D(value)
    prepaid_day_run(actor=ACTOR, day=today + dt.timedelta(days=1))
    wallet = wallet_of(shop.customer)
    assert wallet.balance == D("100.00") - 2 * D(value)
    assert wallet.last_charged_on == today + dt.timedelta(days=1)
    by_day = {}
    for entry in WalletEntry.objects.filter(wallet=wallet, kind="daily"):
        by_day[entry.day] = by_day.get(entry.day, D(0)) + entry.amount
    assert by_day == {today: -D(value), today + dt.timedelta(days=1): -D(value)}


RUNNING_OUT = [
    # balance before activation; after the activation day, then each midnight: (balance, on?)
    ("6.00", [("4.00", True), ("2.00", True), ("0.00", True), ("0.00", False), ("0.00", False)]),
    ("5.00", [("3.00", True), ("1.00", True), ("1.00", False), ("1.00", False)]),
    ("0.50", [("0.50", False), ("0.50", False)]),  # the first day is not covered
    ("2.00", [("0.00", True), ("0.00", False)]),
]


@pytest.mark.parametrize(("start", "expected"), RUNNING_OUT)
def test_a_balance_running_out_deactivates_exactly_when_below(in_a1, start, expected):
    """Daily value 2.00: each midnight charges 2.00 while the balance covers it (a balance of
    exactly 2.00 pays the day); the first midnight it is below, nothing is charged and the
    services go off (one deactivate command per product, the customer suspended)."""
    shop = sell_prepaid(balance=start)
    today = company_today()
    seen = []
    for i, day in enumerate(days(today, len(expected))):
        if i:
            prepaid_day_run(actor=ACTOR, day=day)
        wallet = wallet_of(shop.customer)
        seen.append((str(wallet.balance), wallet.active))
    assert seen == [(D(b).to_eng_string(), on) for b, on in expected]
    off_day = next(i for i, (_b, on) in enumerate(expected) if not on)
    assert statuses(shop.customer) == [("suspended", "prepaid")] * 3
    commands = Command.objects.filter(subscription__customer=shop.customer)
    assert (
        sorted(commands.values_list("action", "reason")) == [("deactivate", "prepaid_balance")] * 3
    )
    assert Customer.objects.get(pk=shop.customer.pk).status == "suspended"
    # Nothing was charged from the day the services went off.
    off_on = today + dt.timedelta(days=off_day)
    assert not WalletEntry.objects.filter(wallet__customer=shop.customer, day__gte=off_on).exists()


def test_running_the_day_twice_changes_nothing(in_a1):
    """The same day run again charges nobody twice, deactivates nobody twice and issues no
    second command; the second run reports zeros."""
    rich = sell_prepaid(balance="50.00")
    poor = sell_prepaid(balance="3.00")
    tomorrow = company_today() + dt.timedelta(days=1)
    first = prepaid_day_run(actor=ACTOR, day=tomorrow)
    assert (first["charged"], first["deactivated"], first["commands"]) == (1, 1, 3)
    assert first["amount"] == "2.00"
    snapshot = (
        list(Wallet.objects.order_by("id").values_list("balance", "active", "last_charged_on")),
        WalletEntry.objects.count(),
        Command.objects.count(),
    )
    second = prepaid_day_run(actor=ACTOR, day=tomorrow)
    assert (second["charged"], second["deactivated"], second["commands"]) == (0, 0, 0)
    assert snapshot == (
        list(Wallet.objects.order_by("id").values_list("balance", "active", "last_charged_on")),
        WalletEntry.objects.count(),
        Command.objects.count(),
    )
    assert wallet_of(rich.customer).balance == D("46.00")
    assert wallet_of(poor.customer).balance == D("1.00")
    assert not wallet_of(poor.customer).active


def test_a_day_already_charged_by_hand_is_not_charged_again(in_a1):
    """The day key is shared: an entry already posted for the day (by a reactivation or an
    activation) keeps the job from charging it, even if last_charged_on lagged."""
    shop = sell_prepaid(balance="20.00")
    wallet = wallet_of(shop.customer)
    tomorrow = company_today() + dt.timedelta(days=1)
    WalletEntry.objects.create(
        wallet=wallet,
        kind="daily",
        amount=D("-2.00"),
        day=tomorrow,
        description="already",
        idempotency_key=rules.wallet_day_key(wallet.pk, tomorrow),
        posted_by="test",
    )
    result = prepaid_day_run(actor=ACTOR, day=tomorrow)
    assert result["charged"] == 0
    assert WalletEntry.objects.filter(wallet=wallet, day=tomorrow).count() == 1


def test_products_not_running_on_the_day_are_not_charged(in_a1):
    """A product ending at the next midnight is not in that day's value."""
    shop = sell_prepaid(balance="20.00")
    first = shop.subs[0]
    today = company_today()
    first.ends_on = today + dt.timedelta(days=1)  # ends at the next midnight
    first.save(update_fields=["ends_on"])
    prepaid_day_run(actor=ACTOR, day=today + dt.timedelta(days=1))
    # 20.00 - 2.00 (activation) - 1.00 (0.6667 + 0.3333)
    assert wallet_of(shop.customer).balance == D("17.00")


def test_first_day_is_charged_at_activation_and_not_at_midnight(in_a1):
    """Activation charges the current local day with the day key; the job for the same day then
    charges nothing."""
    shop = sell_prepaid(balance="10.00")
    today = company_today()
    wallet = wallet_of(shop.customer)
    assert (wallet.balance, wallet.active, wallet.last_charged_on) == (D("8.00"), True, today)
    keys = list(
        WalletEntry.objects.filter(wallet=wallet, kind="daily")
        .order_by("id")
        .values_list("idempotency_key", flat=True)
    )
    subs = [s.pk for s in shop.subs]
    assert keys == [
        rules.wallet_day_key(wallet.pk, today),
        rules.start_key(subs[1], today),
        rules.start_key(subs[2], today),
    ]
    assert prepaid_day_run(actor=ACTOR, day=today)["charged"] == 0
    assert wallet_of(shop.customer).balance == D("8.00")
    assert statuses(shop.customer) == [("active", "")] * 3


def test_activation_without_balance_deactivates_at_once(in_a1):
    """No balance for the first day: nothing charged, the product is suspended for prepaid
    balance at once with a deactivate command; the next products too."""
    shop = sell_prepaid(balance=None)
    wallet = wallet_of(shop.customer)
    assert (wallet.balance, wallet.active, wallet.last_charged_on) == (D("0"), False, None)
    assert statuses(shop.customer) == [("suspended", "prepaid")] * 3
    assert (
        Command.objects.filter(subscription__customer=shop.customer, action="deactivate").count()
        == 3
    )
    assert not WalletEntry.objects.filter(wallet=wallet).exists()


def test_a_product_started_on_a_day_already_charged_pays_its_own_day(in_a1):
    """Products activated one after the other the same day (0.3333 x 3): the first pays the
    wallet's day (its cost alone), each next one what the day's value grows by, so the day
    costs the plan's daily value rounded once (1.00), not 0.33 x 3."""
    shop = sell_prepaid(prepaid_plan(("0.3333",) * 3), balance="10.00", activate=False)
    today = company_today()
    for sub in shop.subs:
        subscription_activate(actor=ACTOR, subscription=sub, on=today)
    wallet = wallet_of(shop.customer)
    amounts = list(
        WalletEntry.objects.filter(wallet=wallet, kind="daily")
        .order_by("id")
        .values_list("amount", flat=True)
    )
    assert amounts == [D("-0.33"), D("-0.34"), D("-0.33")]  # 0.33, 0.67, 1.00
    assert wallet.balance == D("9.00")


LOCAL_MIDNIGHT = [
    # time zone, UTC instant, local day
    ("America/Sao_Paulo", dt.datetime(2026, 12, 4, 2, 30, tzinfo=dt.UTC), dt.date(2026, 12, 3)),
    ("America/Sao_Paulo", dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC), dt.date(2026, 12, 4)),
    ("UTC", dt.datetime(2026, 12, 4, 2, 30, tzinfo=dt.UTC), dt.date(2026, 12, 4)),
    ("UTC", dt.datetime(2026, 12, 3, 23, 59, tzinfo=dt.UTC), dt.date(2026, 12, 3)),
    ("Asia/Tokyo", dt.datetime(2026, 12, 3, 15, 0, tzinfo=dt.UTC), dt.date(2026, 12, 4)),
]


@pytest.mark.parametrize(("zone", "now", "day"), LOCAL_MIDNIGHT)
def test_the_job_charges_the_companys_local_day(in_a1, monkeypatch, zone, now, day):
    """Without a day the job charges the company's local date: 02:30 UTC is still the
    previous day in São Paulo (UTC-3), already the next one in UTC."""
    set_parameters(time_zone=zone)
    shop = sell_prepaid(balance="50.00")
    activated = company_today()
    monkeypatch.setattr("django.utils.timezone.now", lambda: now)
    result = prepaid_day_run(actor=ACTOR)
    assert result["day"] == day.isoformat()
    wallet = wallet_of(shop.customer)
    expected = D("48.00") if day <= activated else D("46.00")
    assert wallet.balance == expected
    assert wallet.last_charged_on == max(day, activated)


def test_a_customer_with_prepaid_products_but_no_wallet_gets_one(in_a1):
    """A prepaid product active without a wallet (data loaded from elsewhere): the job opens an
    empty wallet and, the day not being covered, turns the services off."""
    shop = sell_prepaid(activate=False)
    today = company_today()
    Subscription.objects.filter(customer=shop.customer).update(status="active", activated_on=today)
    result = prepaid_day_run(actor=ACTOR, day=today)
    assert result["wallets_opened"] == 1
    wallet = wallet_of(shop.customer)
    assert (wallet.balance, wallet.active) == (D("0"), False)
    assert statuses(shop.customer) == [("suspended", "prepaid")] * 3


def test_the_beat_task_charges_the_local_day_in_the_companys_schema(in_a1):
    """billing.prepaid_daily (run eagerly) charges today in A1; run again, nothing more."""
    from tenant_apps.prepaid.tasks import prepaid_daily

    shop = sell_prepaid(balance="10.00")
    Wallet.objects.filter(customer=shop.customer).update(last_charged_on=None)
    first = prepaid_daily.apply().get()
    assert first["day"] == company_today().isoformat()
    assert wallet_of(shop.customer).balance == D("8.00")  # the activation's key: not again
    assert prepaid_daily.apply().get()["charged"] == 0


def test_the_task_refuses_the_public_schema(db):
    from tenant_apps.prepaid.tasks import prepaid_daily
    from tenants.guards import WrongSchema

    with pytest.raises(WrongSchema):
        prepaid_daily()
