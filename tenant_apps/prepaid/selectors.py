"""Reading prepaid: wallets (searchable), a wallet's entries with the running balance, and the
customer 360's prepaid facts."""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet, Sum, Window

from tenant_apps.collections import prepaid as rules
from tenant_apps.customers.normalize import fold
from tenant_apps.parameters.selectors import company_parameters, company_today
from tenant_apps.sales.choices import SubscriptionStatus, SuspensionReason
from tenant_apps.sales.models import Subscription

from .models import Wallet, WalletEntry

ALIVE = (SubscriptionStatus.PENDING, SubscriptionStatus.ACTIVE, SubscriptionStatus.SUSPENDED)


def wallet_list(*, q: str = "", active: bool | None = None) -> QuerySet[Wallet]:
    """Wallets with their customer, newest activity first; ``q`` matches the customer's number
    (exactly), the start of the name (accents and case ignored) or of the tax id."""
    rows = Wallet.objects.select_related("customer").annotate(
        products=Count(
            "customer__subscriptions",
            filter=Q(
                customer__subscriptions__prepaid=True, customer__subscriptions__status__in=ALIVE
            ),
        )
    )
    q = (q or "").strip()
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        match = Q(customer__code__iexact=q) | Q(customer__search_name__startswith=fold(q))
        if digits and len(digits) >= 3:
            match |= Q(customer__tax_id__startswith=digits)
        rows = rows.filter(match)
    if active is not None:
        rows = rows.filter(active=active)
    return rows.order_by("-updated_at", "-id")


def wallet_detail_queryset() -> QuerySet[Wallet]:
    return Wallet.objects.select_related("customer")


def wallet_entries(wallet: Wallet) -> QuerySet[WalletEntry]:
    """The wallet's entries, newest first, each with ``running`` (the balance after it)."""
    return (
        WalletEntry.objects.filter(wallet=wallet)
        .select_related("invoice", "payment")
        .annotate(running=Window(Sum("amount"), order_by=[F("posted_at").asc(), F("id").asc()]))
        .order_by("-posted_at", "-id")
    )


def customer_prepaid(customer_id: int) -> dict | None:
    """The 360's prepaid facts, or ``None`` for a customer without prepaid products or wallet:
    balance, services on/off and why, the daily value today, the days it pays, the minimum."""
    from .services import wallet_daily_value, wallet_minimum_recharge

    wallet = Wallet.objects.filter(customer_id=customer_id).first()
    subs = list(
        Subscription.objects.filter(customer_id=customer_id, prepaid=True, status__in=ALIVE)
        .select_related("product")
        .order_by("id")
    )
    if wallet is None and not subs:
        return None
    params = company_parameters()
    today = company_today(params.time_zone)
    value = wallet_daily_value(customer_id, day=today, places=params.currency_decimals)
    off = [s for s in subs if s.suspension == SuspensionReason.PREPAID_BALANCE]
    if wallet is not None and not wallet.active and not value:
        # Off: the value the products would cost once back on.
        costs = [s.daily_cost for s in off]
        value = rules.daily_value(costs, places=params.currency_decimals)
    balance = wallet.balance if wallet else 0
    return {
        "wallet": wallet,
        "balance": balance,
        "active": wallet.active if wallet else True,
        "products": subs,
        "off_products": off,
        "daily_value": value,
        "days_left": rules.days_left(balance, value) if wallet else None,
        "minimum": wallet_minimum_recharge(customer_id),
        "last_charged_on": wallet.last_charged_on if wallet else None,
    }
