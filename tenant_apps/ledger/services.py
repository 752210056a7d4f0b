"""Writing current accounts: opening them and posting entries (append-only, idempotent)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.audit.actor import Actor
from shared_apps.audit.services import audit_record
from tenant_apps import money

from .choices import EntryKind
from .models import Account, Entry


def quantize(amount: Decimal, places: int = 2) -> Decimal:
    """Amounts are kept to the currency's minor unit, rounding half up (``tenant_apps.money``)."""
    return money.quantize(Decimal(amount), places)


def account_open(*, customer=None, group=None) -> Account:
    """The holder's account, created when missing (idempotent)."""
    if (customer is None) == (group is None):
        raise ValueError("an account has exactly one holder")
    if customer is not None:
        return Account.objects.get_or_create(customer=customer)[0]
    return Account.objects.get_or_create(group=group)[0]


@transaction.atomic
def entry_post(
    *,
    actor: Actor,
    account: Account,
    kind: str,
    amount: Decimal,
    description: str,
    idempotency_key: str,
    due_on: date | None = None,
) -> Entry:
    """Post one entry. Posting again with the same key returns the entry already posted."""
    existing = Entry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.account_id != account.pk or existing.amount != quantize(amount):
            raise ValidationError(
                _("This operation was already posted with other values."), code="conflict"
            )
        return existing
    if isinstance(amount, float):
        raise TypeError("money is Decimal, never float")
    entry = Entry(
        account=account,
        kind=kind,
        amount=quantize(amount),
        description=description,
        idempotency_key=idempotency_key,
        due_on=due_on,
        posted_by=actor.label,
    )
    if entry.amount == 0:
        raise ValidationError({"amount": _("Enter an amount other than zero.")})
    # The fields' own checks. Not the look-ups full_clean would add per entry: the key was
    # looked up above and the account is the caller's row (both are database constraints too).
    entry.full_clean(
        exclude=["account", "reverses"], validate_unique=False, validate_constraints=False
    )
    entry.save()
    audit_record(
        actor=actor,
        action="ledger.post",
        target=entry,
        changes={"account": account.pk, "kind": kind, "amount": str(entry.amount)},
    )
    return entry


@transaction.atomic
def entry_reverse(*, actor: Actor, entry: Entry, reason: str) -> Entry:
    """The correction of a posted entry: a new entry of the opposite amount (idempotent)."""
    if entry.reverses_id is not None:
        raise ValidationError(_("A reversal cannot itself be reversed."), code="invalid")
    existing = Entry.objects.filter(reverses=entry).first()
    if existing is not None:
        return existing
    reversal = Entry(
        account_id=entry.account_id,
        kind=EntryKind.REVERSAL,
        amount=-entry.amount,
        description=_("Reversal of %(entry)s: %(reason)s")
        % {"entry": entry.description, "reason": reason},
        idempotency_key=f"reversal:{entry.pk}",
        reverses=entry,
        due_on=entry.due_on,
        posted_by=actor.label,
    )
    reversal.full_clean()
    reversal.save()
    audit_record(
        actor=actor,
        action="ledger.reverse",
        target=reversal,
        changes={"reverses": entry.pk, "amount": str(reversal.amount), "reason": reason},
    )
    return reversal
