"""The current account's statement (entries with a running balance over a period) and the
list of accounts with their balances: the ledger's own reads, used by the 360 page, the
reports' CSV and the ledger API."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    CharField,
    DecimalField,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce

from tenant_apps.parameters.selectors import company_parameters

from .models import Account, Entry

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)


def money_sum(expression, **kwargs):
    """``Sum`` of money, 0.00 rather than NULL when there is nothing to add."""
    return Coalesce(Sum(expression, **kwargs), Value(ZERO), output_field=MONEY_FIELD)


@dataclass
class Statement:
    account_id: int
    start: dt.date | None
    end: dt.date | None
    opening: Decimal
    closing: Decimal
    entries: QuerySet  # Entry rows annotated with ``running`` and their links


def _local_midnight(day: dt.date, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


def account_statement(
    *, account_id: int, start: dt.date | None = None, end: dt.date | None = None
) -> Statement:
    """The account's entries posted from ``start`` to ``end`` (inclusive, days in the
    company's zone), ordered by (posted_at, id), each with ``running``: the balance after it
    (the opening balance before ``start`` plus a window sum), and its links: ``invoice_ref``
    / ``invoice_number``, ``payment_ref`` (the payment it posts or reverses),
    ``credit_note_ref`` / ``credit_note_number``."""
    zone = zoneinfo.ZoneInfo(company_parameters().time_zone)
    entries = Entry.objects.filter(account_id=account_id)
    opening = ZERO
    if start is not None:
        since = _local_midnight(start, zone)
        opening = Entry.objects.filter(account_id=account_id, posted_at__lt=since).aggregate(
            total=money_sum("amount")
        )["total"]
        entries = entries.filter(posted_at__gte=since)
    if end is not None:
        entries = entries.filter(posted_at__lt=_local_midnight(end + dt.timedelta(days=1), zone))
    closing = opening + entries.aggregate(total=money_sum("amount"))["total"]
    entries = entries.annotate(
        running=Window(
            Sum("amount"),
            order_by=[F("posted_at").asc(), F("id").asc()],
            output_field=MONEY_FIELD,
        )
        + Value(opening, output_field=MONEY_FIELD),
        invoice_ref=Coalesce(F("invoice__id"), F("credit_note__invoice_id")),
        invoice_number=Coalesce(
            F("invoice__number"), F("credit_note__invoice__number"), output_field=CharField()
        ),
        payment_ref=Coalesce(F("payment__id"), F("reversed_payment__id")),
        credit_note_ref=F("credit_note__id"),
        credit_note_number=F("credit_note__number"),
    ).order_by("posted_at", "id")
    return Statement(
        account_id=account_id,
        start=start,
        end=end,
        opening=opening,
        closing=closing,
        entries=entries,
    )


def customer_account_id(customer_id: int) -> int | None:
    return Account.objects.filter(customer_id=customer_id).values_list("id", flat=True).first()


def account_list(*, customer: int | None = None, group: int | None = None) -> QuerySet:
    """Current accounts with ``balance``: the sum of their entries."""
    balance = (
        Entry.objects.filter(account_id=OuterRef("pk"))
        .order_by()
        .values("account_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    rows = Account.objects.select_related("customer", "group").annotate(
        balance=Coalesce(Subquery(balance, output_field=MONEY_FIELD), Value(ZERO))
    )
    if customer is not None:
        rows = rows.filter(customer_id=customer)
    if group is not None:
        rows = rows.filter(group_id=group)
    return rows.order_by("id")
