"""Prepaid at run time (S4): wallets, the daily job, recharges, the first day at activation and
the prepaid <-> postpaid switches. The rules are ``tenant_apps.collections.prepaid``; this
module applies them to the database.

How the rules meet the data:

* **One wallet per customer.** The daily value charged is that of *all* the customer's
  prepaid products active on the day (``status`` active, ``activated_on`` <= day < ``ends_on``),
  summed unrounded and quantized ROUND_HALF_UP (in SQL ``round(sum(daily_cost), places)``, which
  rounds halves away from zero like ROUND_HALF_UP for these non-negative sums). The minimum
  recharge is the highest of the customer's prepaid plans' minimums (an empty one is the
  company's ``prepaid_min_recharge``).
* **A day is charged once per wallet**, with the key ``prepaid:day:<wallet>:<day>`` (unique on
  the entries), whoever charges it: the midnight job, a reactivating recharge or an activation.
  ``last_charged_on`` says the same and keeps the job from looking at those wallets again.
* **Deactivation** (the balance does not cover the day): the wallet's ``active`` goes false,
  its active prepaid products are suspended with ``suspension = 'prepaid'`` and one
  ``deactivate`` provisioning command each (reason ``prepaid_balance``). A recharge that brings
  the balance to the minimum (and covers the day) turns them back on (``activate``, reason
  ``prepaid_recharge``) and charges the day at once.
* **The daily job** (:func:`prepaid_day_run`) is set-based: a few SQL statements for the whole
  company, serialised by an advisory lock, wallets locked ``FOR UPDATE`` while they are charged.
  Running it twice for a day changes nothing.
* **The first day at activation** (:func:`prepaid_subscription_started`): charged at once on
  the company's current local day. When the balance does not cover it the customer's prepaid
  services are deactivated at once (no credit, no negative balance): a recharge reaching the
  minimum turns them on.
* **Switches** are effective today only (:func:`prepaid_switch_check`). Postpaid -> prepaid is
  refused with overdue debt and issues the final postpaid invoice (see :func:`_final_lines`);
  prepaid -> postpaid moves the remaining balance to the current account.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from shared_apps.audit.actor import Actor
from shared_apps.audit.services import audit_record
from tenant_apps.billing import rating
from tenant_apps.billing.choices import InvoiceKind, LineKind
from tenant_apps.billing.cycles import ARREARS, cycle_containing
from tenant_apps.billing.models import Invoice
from tenant_apps.billing.selectors import subscription_facts, unbilled_charges
from tenant_apps.billing.services.issue import LineSpec, charge_line, invoice_issue
from tenant_apps.collections import prepaid as rules
from tenant_apps.collections import quantize
from tenant_apps.collections.services import payment_receive
from tenant_apps.customers.models import Customer
from tenant_apps.customers.services import customer_status_refresh
from tenant_apps.customers.status import derive_status
from tenant_apps.ledger.choices import EntryKind
from tenant_apps.ledger.selectors import customer_debt
from tenant_apps.ledger.services import account_open, entry_post
from tenant_apps.parameters.selectors import company_parameters, company_today
from tenant_apps.provisioning.choices import CommandAction, CommandReason
from tenant_apps.provisioning.services import command_issue
from tenant_apps.sales.choices import PlanKind, SubscriptionStatus, SuspensionReason
from tenant_apps.sales.models import SalesPlan, Subscription

from .choices import WalletEntryKind
from .models import Wallet, WalletEntry

ACTIVE = SubscriptionStatus.ACTIVE
SUSPENDED = SubscriptionStatus.SUSPENDED
ALIVE = (SubscriptionStatus.PENDING, ACTIVE, SUSPENDED)
TO_PREPAID = "to_prepaid"
TO_POSTPAID = "to_postpaid"
KEY_MAX = 100  # a caller's idempotency key (the stored keys add a prefix)


# --- reading -------------------------------------------------------------------------------------


def _on_day(day: dt.date) -> Q:
    return Q(activated_on__lte=day) & (Q(ends_on__isnull=True) | Q(ends_on__gt=day))


def prepaid_products(customer_id: int, *, day: dt.date, statuses=(ACTIVE,)):
    """The customer's prepaid products in ``statuses`` that run on ``day``."""
    return Subscription.objects.filter(
        customer_id=customer_id, prepaid=True, status__in=statuses
    ).filter(_on_day(day))


def wallet_daily_value(customer_id: int, *, day: dt.date, places: int | None = None) -> Decimal:
    """The daily value of the customer's active prepaid products on ``day``."""
    if places is None:
        places = company_parameters().currency_decimals
    costs = prepaid_products(customer_id, day=day).values_list("daily_cost", flat=True)
    return rules.daily_value(list(costs), places=places)


def wallet_minimum_recharge(customer_id: int) -> Decimal:
    """The highest minimum recharge of the customer's prepaid plans still in service (the
    company's ``prepaid_min_recharge`` for a plan without one, or without prepaid plans)."""
    plan_ids = Subscription.objects.filter(
        customer_id=customer_id, prepaid=True, status__in=ALIVE
    ).values("plan_id")
    minimums = SalesPlan.objects.filter(pk__in=plan_ids, kind=PlanKind.PREPAID).values_list(
        "min_recharge", flat=True
    )
    return rules.wallet_minimum(list(minimums), company_parameters().prepaid_min_recharge)


# --- wallets -------------------------------------------------------------------------------------


def wallet_open(customer: Customer) -> Wallet:
    """The customer's wallet, created (empty, services on) the first time."""
    wallet, _created = Wallet.objects.get_or_create(customer=customer)
    return wallet


def _lock(customer: Customer) -> Wallet:
    wallet = wallet_open(customer)
    return Wallet.objects.select_for_update().get(pk=wallet.pk)


def _post(
    *,
    actor: Actor,
    wallet: Wallet,
    kind: str,
    amount: Decimal,
    key: str,
    description: str,
    day: dt.date | None = None,
    invoice=None,
    payment=None,
    charged_day: dt.date | None = None,
) -> tuple[WalletEntry, bool]:
    """Post one entry on a *locked* wallet and move its balance with it (same transaction);
    the same key posts once. ``charged_day`` also records the day as charged."""
    existing = WalletEntry.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing, False
    entry = WalletEntry(
        wallet=wallet,
        kind=kind,
        amount=amount,
        day=day,
        description=description[:200],
        invoice=invoice,
        payment=payment,
        idempotency_key=key,
        posted_by=actor.label,
    )
    entry.full_clean()
    entry.save()
    wallet.balance += amount
    fields = ["balance", "updated_at"]
    if charged_day is not None:
        wallet.last_charged_on = charged_day
        fields.append("last_charged_on")
    wallet.save(update_fields=fields)
    return entry, True


def _day_description(day: dt.date) -> str:
    return _("Daily charge for %(day)s") % {"day": day.isoformat()}


def _switch_off(*, actor: Actor, wallet: Wallet, day: dt.date, cause: str) -> list[Subscription]:
    """Deactivate the wallet and suspend its active prepaid products, one provisioning command
    each (keyed by ``cause``)."""
    wallet.active = False
    wallet.save(update_fields=["active", "updated_at"])
    subs = list(
        Subscription.objects.select_for_update()
        .filter(customer_id=wallet.customer_id, prepaid=True, status=ACTIVE)
        .select_related("product")
        .order_by("id")
    )
    for sub in subs:
        sub.status, sub.suspension = SUSPENDED, SuspensionReason.PREPAID_BALANCE
        sub.save(update_fields=["status", "suspension"])
        audit_record(
            actor=actor,
            action="subscriptions.suspend",
            target=sub,
            changes={"status": [ACTIVE, SUSPENDED], "suspension": "prepaid", "day": str(day)},
        )
        command_issue(
            actor=actor,
            subscription=sub,
            action=CommandAction.DEACTIVATE,
            reason=CommandReason.PREPAID_BALANCE,
            idempotency_key=f"prepaid:off:{sub.pk}:{cause}",
            note=_("Prepaid balance does not cover %(day)s") % {"day": day.isoformat()},
        )
    audit_record(
        actor=actor,
        action="prepaid.deactivate",
        target=wallet,
        changes={"day": str(day), "balance": str(wallet.balance), "products": len(subs)},
    )
    customer_status_refresh(customer_id=wallet.customer_id)
    return subs


def _switch_on(*, actor: Actor, wallet: Wallet, day: dt.date, cause: str, places: int) -> Decimal:
    """Turn the wallet's products suspended for balance back on and charge ``day`` at once
    (unless already charged). Returns the amount charged."""
    subs = list(
        Subscription.objects.select_for_update()
        .filter(
            customer_id=wallet.customer_id,
            prepaid=True,
            status=SUSPENDED,
            suspension=SuspensionReason.PREPAID_BALANCE,
        )
        .select_related("product")
        .order_by("id")
    )
    for sub in subs:
        sub.status, sub.suspension = ACTIVE, ""
        sub.save(update_fields=["status", "suspension"])
        audit_record(
            actor=actor,
            action="subscriptions.resume",
            target=sub,
            changes={"status": [SUSPENDED, ACTIVE], "suspension": ["prepaid", ""]},
        )
        command_issue(
            actor=actor,
            subscription=sub,
            action=CommandAction.ACTIVATE,
            reason=CommandReason.PREPAID_RECHARGE,
            idempotency_key=f"prepaid:on:{sub.pk}:{cause}",
        )
    wallet.active = True
    wallet.save(update_fields=["active", "updated_at"])
    charged = Decimal("0")
    if wallet.last_charged_on is None or wallet.last_charged_on < day:
        value = wallet_daily_value(wallet.customer_id, day=day, places=places)
        if value > 0:
            _entry, created = _post(
                actor=actor,
                wallet=wallet,
                kind=WalletEntryKind.DAILY,
                amount=-value,
                key=rules.wallet_day_key(wallet.pk, day),
                description=_day_description(day),
                day=day,
                charged_day=day,
            )
            charged = value if created else charged
    audit_record(
        actor=actor,
        action="prepaid.reactivate",
        target=wallet,
        changes={"day": str(day), "charged": str(charged), "products": len(subs)},
    )
    customer_status_refresh(customer_id=wallet.customer_id)
    return charged


# --- recharge ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recharge:
    wallet: Wallet
    entry: WalletEntry
    invoice: Invoice
    payment: object  # collections.Payment
    reactivated: bool
    charged: Decimal  # the reactivation day's charge
    replayed: bool = False


@transaction.atomic
def recharge(
    *,
    actor: Actor,
    customer: Customer,
    amount: Decimal,
    origin: str,
    received_on: dt.date | None = None,
    idempotency_key: str,
    reference: str = "",
) -> Recharge:
    """A recharge: its invoice (prepaid customers get one per recharge), its payment (allocated
    to that invoice, so the ledger nets to zero) and the wallet credit, in one transaction.
    Refused below the minimum recharge (field ``amount``). When the services were off and the
    balance reaches the minimum (and covers the day) they are turned back on and today is
    charged. The same key returns the first recharge."""
    if isinstance(amount, float):
        raise TypeError("money is Decimal, never float")
    key = (idempotency_key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise ValidationError(
            {"idempotency_key": _("Give an idempotency key of 1 to 100 characters.")}
        )
    entry_key = f"recharge:{key}"
    params = company_parameters()
    places = params.currency_decimals
    wallet = _lock(customer)
    existing = (
        WalletEntry.objects.filter(idempotency_key=entry_key)
        .select_related("invoice", "payment")
        .first()
    )
    if existing is not None:
        if existing.wallet_id != wallet.pk or existing.amount != quantize(Decimal(amount), places):
            raise ValidationError(
                _("This recharge was already posted with other values."), code="conflict"
            )
        return Recharge(
            wallet, existing, existing.invoice, existing.payment, False, Decimal(0), True
        )
    today = company_today(params.time_zone)
    received_on = received_on or today
    if received_on > today:
        raise ValidationError({"received_on": _("The date received cannot be in the future.")})
    amount = quantize(Decimal(amount), places)
    # The products the day's value is counted on: the active ones, or those a reactivation
    # would turn back on.
    statuses = (ACTIVE,) if wallet.active else (SUSPENDED,)
    costs = tuple(
        prepaid_products(customer.pk, day=today, statuses=statuses).values_list(
            "daily_cost", flat=True
        )
    )
    plan = rules.PrepaidPlan(daily_costs=costs, min_recharge=wallet_minimum_recharge(customer.pk))
    state = rules.PrepaidState(wallet.pk, wallet.balance, wallet.active, wallet.last_charged_on)
    outcome = rules.recharge(state, plan, amount, day=today, places=places)
    if not outcome.accepted:
        raise ValidationError(
            {
                outcome.refusal.field: ValidationError(
                    outcome.refusal.message, code=outcome.refusal.code
                )
            }
        )
    invoice = invoice_issue(
        actor=actor,
        kind=InvoiceKind.RECHARGE,
        lines=[
            LineSpec(
                kind=LineKind.RECHARGE,
                description=_("Prepaid recharge"),
                amount=amount,
                customer_id=customer.pk,
            )
        ],
        idempotency_key=f"{entry_key}:invoice",
        customer=customer,
        issued_on=today,
        due_on=received_on,
    )
    payment = payment_receive(
        actor=actor,
        amount=invoice.total,
        origin=origin,
        received_on=received_on,
        idempotency_key=f"{entry_key}:payment",
        customer=customer,
        reference=reference,
        note=_("Prepaid recharge, invoice %(number)s") % {"number": invoice.number},
        invoice=invoice,
    )
    entry, _created = _post(
        actor=actor,
        wallet=wallet,
        kind=WalletEntryKind.RECHARGE,
        amount=amount,
        key=entry_key,
        description=_("Recharge, invoice %(number)s") % {"number": invoice.number},
        day=today,
        invoice=invoice,
        payment=payment,
    )
    charged = Decimal("0")
    if outcome.reactivated:
        charged = _switch_on(
            actor=actor, wallet=wallet, day=today, cause=f"recharge:{entry.pk}", places=places
        )
    audit_record(
        actor=actor,
        action="prepaid.recharge",
        target=wallet,
        changes={
            "amount": str(amount),
            "invoice": invoice.number,
            "balance": str(wallet.balance),
            "reactivated": outcome.reactivated,
        },
    )
    return Recharge(wallet, entry, invoice, payment, outcome.reactivated, charged)


# --- the first day at activation -----------------------------------------------------------------


def prepaid_subscription_started(*, actor: Actor, subscription: Subscription, on: dt.date) -> None:
    """A prepaid product was just activated (from ``on``): charge its first day at once, on the
    company's current local day. The wallet's day not charged yet: the whole day's value is
    charged with the day key (the midnight job will not charge it again); already charged: what
    the day's value grows by with this product. Not covered, or the services already off: the
    customer's prepaid services are deactivated at once. Runs inside the caller's transaction."""
    if not subscription.prepaid or subscription.status != ACTIVE:
        return
    params = company_parameters()
    places = params.currency_decimals
    day = max(on, company_today(params.time_zone))
    wallet = _lock(subscription.customer)
    if not wallet.active:
        _switch_off(actor=actor, wallet=wallet, day=day, cause=f"start:{subscription.pk}")
        subscription.refresh_from_db(fields=["status", "suspension"])
        return
    value = wallet_daily_value(wallet.customer_id, day=day, places=places)
    if wallet.last_charged_on is None or wallet.last_charged_on < day:
        key = rules.wallet_day_key(wallet.pk, day)
    else:
        # The day was charged for the products already on: this one adds what the day's value
        # grows by (so the day's charges add up to the day's value, rounded once).
        paid = WalletEntry.objects.filter(
            wallet=wallet, kind=WalletEntryKind.DAILY, day=day
        ).aggregate(total=Sum("amount"))["total"] or Decimal("0")
        value += paid
        key = rules.start_key(subscription.pk, day)
    if value <= 0:
        return
    if wallet.balance >= value:
        _post(
            actor=actor,
            wallet=wallet,
            kind=WalletEntryKind.DAILY,
            amount=-value,
            key=key,
            description=_day_description(day),
            day=day,
            charged_day=day,
        )
        return
    _switch_off(actor=actor, wallet=wallet, day=day, cause=f"start:{subscription.pk}")
    subscription.refresh_from_db(fields=["status", "suspension"])


# --- the daily job -------------------------------------------------------------------------------

_CHARGE_SQL = """
WITH value AS (
    SELECT s.customer_id, round(sum(s.daily_cost), %(places)s) AS value
    FROM sales_subscription s
    WHERE s.prepaid AND s.status = 'active' AND s.activated_on <= %(day)s
      AND (s.ends_on IS NULL OR s.ends_on > %(day)s)
    GROUP BY s.customer_id
), due AS (
    SELECT w.id, w.customer_id, w.balance, v.value
    FROM prepaid_wallet w JOIN value v ON v.customer_id = w.customer_id
    WHERE w.active AND v.value > 0
      AND (w.last_charged_on IS NULL OR w.last_charged_on < %(day)s)
    FOR UPDATE OF w
), charged AS (
    INSERT INTO prepaid_walletentry
        (wallet_id, kind, amount, day, description, idempotency_key, posted_at, posted_by)
    SELECT id, 'daily', -value, %(day)s, %(description)s,
           'prepaid:day:' || id || ':' || %(day_text)s, now(), %(actor)s
    FROM due WHERE balance >= value
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING wallet_id, amount
), moved AS (
    UPDATE prepaid_wallet w
    SET balance = w.balance + c.amount, last_charged_on = %(day)s, updated_at = now()
    FROM charged c WHERE w.id = c.wallet_id
    RETURNING w.id
), off AS (
    UPDATE prepaid_wallet w SET active = false, updated_at = now()
    FROM due d WHERE w.id = d.id AND d.balance < d.value
    RETURNING w.customer_id
)
SELECT (SELECT count(*) FROM moved),
       (SELECT coalesce(-sum(amount), 0) FROM charged),
       (SELECT coalesce(array_agg(customer_id), '{}') FROM off)
"""

_SUSPEND_SQL = """
WITH off AS (
    UPDATE sales_subscription s SET status = 'suspended', suspension = 'prepaid'
    WHERE s.customer_id = ANY(%(customers)s) AND s.prepaid AND s.status = 'active'
    RETURNING s.id, s.product_id
), sent AS (
    INSERT INTO provisioning_command
        (subscription_id, action, reason, system, status, note, idempotency_key, created_at,
         created_by, attempts, last_error)
    SELECT off.id, 'deactivate', 'prepaid_balance', p.system, 'pending', %(note)s,
           'prepaid:off:' || off.id || ':' || %(day_text)s, now(), %(actor)s, 0, ''
    FROM off JOIN catalog_product p ON p.id = off.product_id
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id
)
SELECT (SELECT count(*) FROM off), (SELECT count(*) FROM sent)
"""

_OPEN_WALLETS_SQL = """
INSERT INTO prepaid_wallet (customer_id, balance, active, updated_at)
SELECT DISTINCT s.customer_id, 0, true, now()
FROM sales_subscription s
WHERE s.prepaid AND s.status = 'active' AND s.activated_on <= %(day)s
  AND NOT EXISTS (SELECT 1 FROM prepaid_wallet w WHERE w.customer_id = s.customer_id)
ON CONFLICT (customer_id) DO NOTHING
"""


def _statuses_refresh(customer_ids: list[int]) -> int:
    """``customer_status_refresh`` for many customers: one read, one update per status."""
    statuses: dict[int, list[str]] = defaultdict(list)
    for customer_id, status in Subscription.objects.filter(
        customer_id__in=customer_ids
    ).values_list("customer_id", "status"):
        statuses[customer_id].append(status)
    by_status: dict[str, list[int]] = defaultdict(list)
    for customer_id in customer_ids:
        by_status[derive_status(statuses.get(customer_id, []))].append(customer_id)
    changed = 0
    for status, ids in by_status.items():
        changed += Customer.objects.filter(pk__in=ids).exclude(status=status).update(status=status)
    return changed


def prepaid_day_run(*, actor: Actor, day: dt.date | None = None) -> dict:
    """Charge the company's prepaid ``day`` (default: its current local date) on every wallet
    whose services are on and whose day is not charged yet; deactivate those whose balance does
    not cover it. Set-based; running it again for the same day changes nothing."""
    params = company_parameters()
    if day is None:
        day = company_today(params.time_zone)
    values = {
        "day": day,
        "day_text": day.isoformat(),
        "places": params.currency_decimals,
        "actor": actor.label[:150],
        "description": _day_description(day)[:200],
        "note": (_("Prepaid balance does not cover %(day)s") % {"day": day.isoformat()})[:200],
    }
    with transaction.atomic(), connection.cursor() as cursor:
        # One run at a time per company (the beat fires every 15 minutes).
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':prepaid'))")
        cursor.execute(_OPEN_WALLETS_SQL, values)
        opened = cursor.rowcount
        cursor.execute(_CHARGE_SQL, values)
        charged, amount, off_customers = cursor.fetchone()
        suspended = commands = refreshed = 0
        if off_customers:
            cursor.execute(_SUSPEND_SQL, {**values, "customers": list(off_customers)})
            suspended, commands = cursor.fetchone()
            refreshed = _statuses_refresh(list(off_customers))
        result = {
            "day": day.isoformat(),
            "wallets_opened": opened,
            "charged": charged,
            "amount": str(quantize(Decimal(amount), params.currency_decimals)),
            "deactivated": len(off_customers),
            "suspended": suspended,
            "commands": commands,
            "customers_refreshed": refreshed,
        }
        if opened or charged or off_customers:
            audit_record(actor=actor, action="prepaid.day_run", object_type="prepaid.day",
                         changes=result)  # fmt: skip
    return result


# --- switches ------------------------------------------------------------------------------------


def switch_of(old_plan: SalesPlan, new_plan: SalesPlan) -> str | None:
    """``to_prepaid``, ``to_postpaid`` or ``None`` for a plan change."""
    if old_plan.kind == new_plan.kind:
        return None
    return TO_PREPAID if new_plan.kind == PlanKind.PREPAID else TO_POSTPAID


def prepaid_switch_check(
    *, switch: str, customer: Customer, effective_on: dt.date, today: dt.date
) -> None:
    """Before a plan change that switches: it is effective today (the balance and the final
    invoice are settled on the day); to prepaid, no overdue debt."""
    if effective_on != today:
        raise ValidationError(
            {
                "effective_on": _(
                    "A move between prepaid and postpaid takes effect today; choose today's date."
                )
            }
        )
    if switch == TO_PREPAID:
        debt = customer_debt(customer.pk, today=today)
        outcome = rules.to_prepaid(overdue_debt=debt.overdue)
        if not outcome.allowed:
            raise ValidationError(
                {outcome.refusal.field: ValidationError(outcome.refusal.message, code="overdue")}
            )


def _final_lines(customer: Customer, old: list[Subscription], on: dt.date):
    """The final postpaid invoice's lines and cycle. In arrears the cycle containing ``on`` has
    not been billed: each ended product pays its days of that cycle up to ``on`` (exclusive),
    with its promotions, rated by ``billing.rating``. In advance the cycle was billed when it
    started: no recurring line (the unused days are not credited here). Both: the customer's
    unbilled one-off charges. Products billed to a group stay on the group's invoice."""
    params = company_parameters()
    cycle = cycle_containing(on, params.billing_day)
    specs: list[LineSpec] = []
    if params.billing_timing == ARREARS:
        for sub in old:
            if sub.activated_on is None or sub.billed_to_group_id:
                continue
            for line in rating.rate_subscription(
                cycle, subscription_facts(sub), params.currency_decimals
            ):
                specs.append(
                    LineSpec(
                        kind=line.kind,
                        description=str(sub.product.name)
                        if line.kind == rating.PRODUCT_LINE
                        else _("Promotion on %(product)s") % {"product": sub.product.name},
                        amount=line.amount,
                        system=line.system,
                        customer_id=line.customer_id,
                        subscription_id=line.subscription_id,
                        product_id=line.product_id,
                        plan_id=line.plan_id,
                        promotion_id=line.promotion_id,
                        period_start=line.period_start,
                        period_end=line.period_end,
                        days=line.days,
                        cycle_days=line.cycle_days,
                    )
                )
    specs += [charge_line(charge) for charge in unbilled_charges(customer=customer)]
    return specs, cycle


def prepaid_switch_apply(
    *,
    actor: Actor,
    switch: str,
    sale,
    old: list[Subscription],
    new: list[Subscription],
    effective_on: dt.date,
) -> dict:
    """After a plan change that switches (inside its transaction). To prepaid: the final
    postpaid invoice and the first day of the new prepaid products. To postpaid: the balance
    moves to the current account."""
    customer = sale.customer
    if switch == TO_PREPAID:
        return to_prepaid(actor=actor, customer=customer, sale=sale, old=old, new=new,
                          on=effective_on)  # fmt: skip
    return to_postpaid(actor=actor, customer=customer, sale=sale, on=effective_on)


def to_prepaid(*, actor, customer, sale, old, new, on) -> dict:
    """Postpaid -> prepaid (checked by :func:`prepaid_switch_check`): the prorated final
    invoice closes the postpaid period; the new prepaid products' first day is charged."""
    wallet_open(customer)
    specs, cycle = _final_lines(customer, [s for s in old if s.activated_on], on)
    invoice = None
    if specs:
        invoice = invoice_issue(
            actor=actor,
            kind=InvoiceKind.FINAL,
            lines=specs,
            idempotency_key=f"final:{sale.pk}",
            customer=customer,
            issued_on=on,
            cycle=cycle,
        )
    for sub in new:
        prepaid_subscription_started(actor=actor, subscription=sub, on=on)
    audit_record(
        actor=actor,
        action="prepaid.to_prepaid",
        target=customer,
        changes={"sale": sale.number, "final_invoice": invoice.number if invoice else None},
    )
    return {"invoice": invoice}


def to_postpaid(*, actor, customer, sale, on) -> dict:
    """Prepaid -> postpaid: the remaining balance moves to the current account (a transfer out
    of the wallet and an ``adjustment`` credit on the account, one key), unless the customer
    still has other prepaid products in service, which keep using it. Today's daily charge is
    given back first: the prepaid products end today and the postpaid ones pay from today."""
    wallet = _lock(customer)
    if Subscription.objects.filter(customer=customer, prepaid=True, status__in=ALIVE).exists():
        return {"credited": Decimal("0")}
    # The prepaid products end today (exclusive) and the postpaid ones are billed from today:
    # today's prepaid charge, if any, goes back to the balance before it moves.
    paid_today = -(
        WalletEntry.objects.filter(wallet=wallet, kind=WalletEntryKind.DAILY, day=on).aggregate(
            total=Sum("amount")
        )["total"]
        or Decimal("0")
    )
    if paid_today > 0:
        _post(actor=actor, wallet=wallet, kind=WalletEntryKind.REVERSAL, amount=paid_today,
              key=f"prepaid:unday:{sale.pk}", day=on,
              description=_("Daily charge for %(day)s given back (moved to postpaid)")
              % {"day": on.isoformat()})  # fmt: skip
    state = rules.PrepaidState(wallet.pk, wallet.balance, wallet.active, wallet.last_charged_on)
    credit = rules.to_postpaid(state).credit_to_account
    if credit > 0:
        key = f"prepaid:transfer:{sale.pk}"
        description = _("Prepaid balance moved to the current account")
        _post(actor=actor, wallet=wallet, kind=WalletEntryKind.TRANSFER, amount=-credit,
              key=key, description=description, day=on)  # fmt: skip
        entry_post(
            actor=actor,
            account=account_open(customer=customer),
            kind=EntryKind.ADJUSTMENT,
            amount=-credit,
            description=description,
            idempotency_key=key,
        )
    audit_record(
        actor=actor,
        action="prepaid.to_postpaid",
        target=wallet,
        changes={"sale": sale.number, "credited": str(credit)},
    )
    return {"credited": credit}
