"""Collections (B2) and dunning: receiving and reversing payments, applying credit, bank return
imports, and suspending / resuming services for debt.

Every write locks the payer's current account row first (``select_for_update``), so two
payments, a reversal and a credit application of one account never interleave; invoices are
locked too before their ``open_amount`` changes, in the same transaction as the allocation.

Rules applied (the pure modules decide, this module persists):

* a payment settles, in this order: the invoice it names (a bank slip's), what remains of the
  account's migrated opening balances (older than any invoice, see ``ledger.debt``), then the
  open invoices oldest due date first (``allocation.allocate``); the rest is credit on the
  account (``credit_apply`` uses it when new invoices arrive);
* a reversal gives back exactly what the payment settled (negative allocation rows);
* dunning (``allocation.dunning``): an account's services are suspended when its overdue debt
  is older than the company's grace days, and resumed when no overdue debt remains.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from shared_apps.audit.actor import Actor
from shared_apps.audit.services import audit_record
from tenant_apps.billing.choices import InvoiceStatus
from tenant_apps.billing.models import Invoice
from tenant_apps.ledger import debt as debt_rules
from tenant_apps.ledger.choices import EntryKind
from tenant_apps.ledger.models import Account
from tenant_apps.ledger.selectors import account_facts, debt_from_facts, opening_facts
from tenant_apps.ledger.services import account_open, entry_post, entry_reverse
from tenant_apps.parameters.selectors import company_parameters, company_today

from . import allocation as rules
from . import bank_return as returns
from .choices import (
    DunningKind,
    PaymentOrigin,
    PaymentStatus,
    ReturnLayout,
    ReturnOutcome,
    ReturnStatus,
)
from .models import Allocation, BankReturn, BankReturnLine, DunningEvent, Payment

logger = logging.getLogger(__name__)
MONEY_ZERO = Decimal("0.00")
KEY_MAX = Payment._meta.get_field("idempotency_key").max_length


def _lock_account(account: Account) -> Account:
    return Account.objects.select_for_update().get(pk=account.pk)


def _open_invoices(account_id: int) -> list[Invoice]:
    """The account's open invoices, locked, oldest first (the allocation rule's order)."""
    rows = list(
        Invoice.objects.select_for_update()
        .filter(account_id=account_id, status=InvoiceStatus.OPEN, open_amount__gt=0)
        .order_by("due_on", "id")
    )
    order = {
        inv.number: i
        for i, inv in enumerate(
            rules.oldest_first(rules.OpenInvoice(r.number, r.due_on, r.open_amount) for r in rows)
        )
    }
    return sorted(rows, key=lambda r: order[r.number])


def _for_invoices(account_id: int) -> Decimal:
    """The account's payment credit (posted payments minus their allocations) left for
    invoices once the migrated openings took theirs."""
    facts = account_facts(account_id)
    return debt_rules.credit_for_invoices(opening_facts(facts), Decimal(facts["credit"]))


def _settle(
    payment: Payment, invoices: list[Invoice], amount: Decimal, places: int
) -> list[Allocation]:
    """Allocate ``amount`` of ``payment`` to ``invoices`` in the order given (the first ones
    are settled first); writes the rows and the invoices' open amounts."""
    if amount <= 0 or not invoices:
        return []
    # Keep the caller's order: ``allocate`` sorts by due date, so feed it a sequence of
    # synthetic due dates that preserves ours.
    base = date(2000, 1, 1)
    facts = [
        rules.OpenInvoice(str(i), base + timedelta(days=i), inv.open_amount)
        for i, inv in enumerate(invoices)
    ]
    result = rules.allocate(amount, facts, places=places)
    rows = []
    for settlement in result.settlements:
        invoice = invoices[int(settlement.invoice_number)]
        rows.append(Allocation(payment=payment, invoice=invoice, amount=settlement.amount))
        invoice.open_amount -= settlement.amount
        invoice.status = InvoiceStatus.PAID if invoice.open_amount == 0 else InvoiceStatus.OPEN
        Invoice.objects.filter(pk=invoice.pk).update(
            open_amount=invoice.open_amount, status=invoice.status
        )
    for row in rows:
        row.full_clean(exclude=["payment", "invoice"])
    Allocation.objects.bulk_create(rows)
    return rows


def _same_payment(existing: Payment, **values) -> bool:
    return all(getattr(existing, k) == v for k, v in values.items())


@transaction.atomic
def payment_receive(
    *,
    actor: Actor,
    amount: Decimal,
    origin: str,
    received_on: date,
    idempotency_key: str,
    customer=None,
    group=None,
    reference: str = "",
    note: str = "",
    invoice=None,
    bank_return=None,
) -> Payment:
    """Receive a payment from ``customer`` or ``group``: post its credit on the account, settle
    invoices (``invoice`` first when given, then the migrated openings, then the oldest open
    invoices), keep the rest as credit, and resume services when no overdue debt remains.
    The same key returns the payment already received (other values: a conflict)."""
    if isinstance(amount, float):
        raise TypeError("money is Decimal, never float")
    if customer is None and group is None and invoice is not None:
        customer, group = invoice.customer, invoice.group
    if (customer is None) == (group is None):
        raise ValidationError({"customer": _("Choose the customer or the group who pays.")})
    if amount is None or Decimal(amount) <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    params = company_parameters()
    places = params.currency_decimals
    amount = rules.quantize(Decimal(amount), places)
    if amount <= 0:
        raise ValidationError({"amount": _("Enter an amount above zero.")})
    if origin not in PaymentOrigin.values:
        raise ValidationError({"origin": _("Choose where the payment was received.")})
    if not idempotency_key or len(idempotency_key) > KEY_MAX:
        raise ValidationError(
            {"idempotency_key": _("Give a key of 1 to %(max)s characters.") % {"max": KEY_MAX}}
        )
    account = account_open(customer=customer, group=group)
    account = _lock_account(account)
    existing = Payment.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if not _same_payment(
            existing,
            account_id=account.pk,
            amount=amount,
            origin=origin,
            received_on=received_on,
        ):
            raise ValidationError(
                _("This payment was already received with other values."), code="conflict"
            )
        return existing
    if invoice is not None and invoice.account_id != account.pk:
        raise ValidationError({"invoice": _("This invoice is not the payer's.")})
    entry = entry_post(
        actor=actor,
        account=account,
        kind=EntryKind.PAYMENT,
        amount=-amount,
        description=(
            _("Payment (%(origin)s) %(reference)s")
            % {"origin": PaymentOrigin(origin).label, "reference": reference}
        ).strip()[:200],
        idempotency_key="payment:" + hashlib.sha256(idempotency_key.encode()).hexdigest(),
    )
    payment = Payment(
        account=account,
        customer=customer,
        group=group,
        amount=amount,
        origin=origin,
        branch_id=actor.branch_id,
        branch_label=actor.branch_label[:150],
        received_on=received_on,
        reference=reference[:60],
        note=note[:200],
        entry=entry,
        bank_return=bank_return,
        idempotency_key=idempotency_key,
        received_by=actor.label,
    )
    # The fields' own checks; not the per-payment look-ups of full_clean: the key was looked up
    # above, the payer is the account's, and each reference is a database constraint too.
    payment.full_clean(
        exclude=["entry", "account", "bank_return", "customer", "group"],
        validate_unique=False,
        validate_constraints=False,
    )
    payment.save()

    invoices = _open_invoices(account.pk)
    left = amount
    allocations: list[Allocation] = []
    if invoice is not None:
        named = [inv for inv in invoices if inv.pk == invoice.pk]
        allocations += _settle(payment, named, left, places)
        left -= sum((a.amount for a in allocations), MONEY_ZERO)
        invoices = [inv for inv in invoices if inv.pk != invoice.pk]
    # The migrated openings are older than any invoice: the credit settles them first. The
    # credit before this payment already took its share; what they still need is kept here.
    facts = account_facts(account.pk, time_zone=params.time_zone)
    before = Decimal(facts["credit"]) - left  # this payment's unallocated part is in "credit"
    openings = opening_facts(facts)
    for_invoices = debt_rules.credit_for_invoices(openings, before + left) - (
        debt_rules.credit_for_invoices(openings, before)
    )
    allocations += _settle(payment, invoices, min(left, for_invoices), places)
    settled = sum((a.amount for a in allocations), MONEY_ZERO)
    audit_record(
        actor=actor,
        action="collections.payment_receive",
        target=payment,
        changes={
            "amount": str(amount),
            "origin": origin,
            "received_on": received_on.isoformat(),
            "reference": reference,
            "settled": {a.invoice.number: str(a.amount) for a in allocations},
            "credit": str(amount - settled),
        },
    )
    if customer is not None:
        dunning_refresh(actor=actor, customer=customer, payment=payment, suspend=False)
    return payment


@transaction.atomic
def payment_reverse(*, actor: Actor, payment: Payment, reason: str) -> Payment:
    """Reverse a payment: a reversing ledger entry, the invoices it settled reopened by exactly
    what it settled (negative allocation rows), its credit withdrawn. Idempotent."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the payment is reversed.")})
    _lock_account(payment.account)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.status == PaymentStatus.REVERSED:
        return payment
    reversal = entry_reverse(actor=actor, entry=payment.entry, reason=reason[:100])
    net = (
        Allocation.objects.filter(payment=payment)
        .values("invoice_id")
        .annotate(total=Sum("amount"))
        .filter(total__gt=0)
    )
    by_invoice = {row["invoice_id"]: row["total"] for row in net}
    invoices = Invoice.objects.select_for_update().filter(pk__in=by_invoice).order_by("id")
    rows = []
    for invoice in invoices:
        back = by_invoice[invoice.pk]
        rows.append(Allocation(payment=payment, invoice=invoice, amount=-back, reversal=True))
        Invoice.objects.filter(pk=invoice.pk).update(
            open_amount=F("open_amount") + back,
            status=(
                invoice.status if invoice.status == InvoiceStatus.CANCELLED else InvoiceStatus.OPEN
            ),
        )
    Allocation.objects.bulk_create(rows)
    payment.status = PaymentStatus.REVERSED
    payment.reversal_entry = reversal
    payment.reversal_reason = reason[:200]
    payment.reversed_at = timezone.now()
    payment.reversed_by = actor.label
    payment.save(
        update_fields=["status", "reversal_entry", "reversal_reason", "reversed_at", "reversed_by"]
    )
    audit_record(
        actor=actor,
        action="collections.payment_reverse",
        target=payment,
        changes={
            "reason": reason,
            "reopened": {str(k): str(v) for k, v in by_invoice.items()},
        },
    )
    if payment.customer_id:
        dunning_refresh(actor=actor, customer=payment.customer)
    return payment


def _credit_accounts(account_ids=None) -> list[int]:
    """Accounts with payment credit left and an open invoice: one aggregate query."""
    allocated = (
        Allocation.objects.filter(payment=OuterRef("pk"))
        .values("payment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    rows = Payment.objects.filter(status=PaymentStatus.POSTED)
    if account_ids is not None:
        # A queryset stays a subquery (a billing run's payers: no list of 100,000 ids).
        if not isinstance(account_ids, QuerySet):
            account_ids = list(account_ids)
        rows = rows.filter(account_id__in=account_ids)
    rows = (
        rows.annotate(left=F("amount") - Coalesce(Subquery(allocated), Value(MONEY_ZERO)))
        .filter(left__gt=0)
        .filter(
            Exists(
                Invoice.objects.filter(
                    account_id=OuterRef("account_id"),
                    status=InvoiceStatus.OPEN,
                    open_amount__gt=0,
                )
            )
        )
        .values_list("account_id", flat=True)
        .distinct()
    )
    return sorted(rows)


def credit_apply(*, actor: Actor, account_ids=None) -> int:
    """Apply the unallocated payment credit of ``account_ids`` (None: every account that has
    some) to their open invoices, oldest first (after the migrated openings took theirs).
    Returns the number of allocations written. One query when no account has credit."""
    written = 0
    for account_id in _credit_accounts(account_ids):
        written += _credit_apply_one(actor=actor, account_id=account_id)
    return written


@transaction.atomic
def _credit_apply_one(*, actor: Actor, account_id: int) -> int:
    account = Account.objects.select_for_update().get(pk=account_id)
    available = _for_invoices(account_id)
    places = company_parameters().currency_decimals
    invoices = _open_invoices(account_id)
    if available <= 0 or not invoices:
        return 0
    allocated = (
        Allocation.objects.filter(payment=OuterRef("pk"))
        .values("payment")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    payments = (
        Payment.objects.filter(account_id=account_id, status=PaymentStatus.POSTED)
        .annotate(left=F("amount") - Coalesce(Subquery(allocated), Value(MONEY_ZERO)))
        .filter(left__gt=0)
        .order_by("received_on", "id")
    )
    rows = []
    for payment in payments:
        if available <= 0 or not invoices:
            break
        use = min(payment.left, available)
        made = _settle(payment, invoices, use, places)
        rows += made
        available -= sum((a.amount for a in made), MONEY_ZERO)
        invoices = [inv for inv in invoices if inv.open_amount > 0]
    if rows:
        audit_record(
            actor=actor,
            action="collections.credit_apply",
            target=account,
            changes={"settled": {a.invoice.number: str(a.amount) for a in rows}},
        )
        if account.customer_id:
            dunning_refresh(actor=actor, customer=account.customer, suspend=False)
    return len(rows)


# --- dunning -------------------------------------------------------------------------------


def _dunning_facts(customer, today: date, params) -> rules.Dunning:
    account = account_open(customer=customer)
    facts = account_facts(account.pk, time_zone=params.time_zone)
    debt = debt_from_facts(facts, today=today)
    items = [
        rules.OpenInvoice(i["number"], date.fromisoformat(i["due_on"]), Decimal(i["open_amount"]))
        for i in facts["invoices"]
    ]
    label = _("opening balance")
    items += [
        rules.OpenInvoice(label, e.due_on, e.amount)
        for e in debt_rules.openings_left(opening_facts(facts), Decimal(facts["credit"]))
    ]
    return rules.dunning(
        items, on=today, grace_days=params.grace_days, places=params.currency_decimals
    ), debt


def _reason(facts: rules.Dunning) -> str:
    numbers = ", ".join(inv.number for inv in facts.overdue_invoices)
    return _(
        "Invoices %(numbers)s overdue since %(since)s (%(days)s days; grace %(grace)s days)"
    ) % {
        "numbers": numbers,
        "since": facts.oldest_due_on.isoformat(),
        "days": facts.days_overdue,
        "grace": facts.grace_days,
    }


def _postpaid_subscriptions(customer):
    from tenant_apps.sales.models import Subscription

    return Subscription.objects.select_for_update().filter(
        customer=customer, prepaid=False, billed_to_group__isnull=True
    )


@transaction.atomic
def dunning_refresh(
    *, actor: Actor, customer, today: date | None = None, payment=None, suspend: bool = True
) -> DunningEvent | None:
    """Suspend the customer's active postpaid services when the overdue debt is older than the
    grace days; resume those suspended for debt when no overdue debt remains. One provisioning
    command per service; a DunningEvent says why. Services suspended for a prepaid balance
    (prepaid) and cancelled ones are never touched. Doing it again changes nothing. With
    ``suspend=False`` (after a payment) it only resumes."""
    from tenant_apps.customers.services import customer_status_refresh
    from tenant_apps.provisioning.choices import CommandAction, CommandReason
    from tenant_apps.provisioning.services import command_issue
    from tenant_apps.sales.choices import SubscriptionStatus, SuspensionReason

    subs = list(_postpaid_subscriptions(customer).order_by("id"))
    debt_suspended = [
        s
        for s in subs
        if s.status == SubscriptionStatus.SUSPENDED and s.suspension == SuspensionReason.DEBT
    ]
    if not suspend and not debt_suspended:
        return None  # after a payment: nothing to resume
    params = company_parameters()
    today = today or company_today(params.time_zone)
    facts, _debt = _dunning_facts(customer, today, params)
    last = DunningEvent.objects.filter(customer=customer).order_by("-id").first()
    if facts.suspend:
        if not suspend:
            return None
        targets = [s for s in subs if s.status == SubscriptionStatus.ACTIVE and not s.suspension]
        if not targets:
            return None
        kind, action, reason = DunningKind.SUSPEND, CommandAction.SUSPEND, CommandReason.DEBT
        new_status, suspension = SubscriptionStatus.SUSPENDED, SuspensionReason.DEBT
        text = _reason(facts)
    elif not facts.overdue_invoices:
        targets = debt_suspended
        if not targets:
            return None
        kind, action = DunningKind.RESUME, CommandAction.RESUME
        reason = CommandReason.DEBT_CLEARED
        new_status, suspension = SubscriptionStatus.ACTIVE, ""
        text = (
            _("Overdue debt cleared by the payment of %(amount)s on %(day)s")
            % {"amount": payment.amount, "day": payment.received_on.isoformat()}
            if payment is not None
            else _("No overdue debt remains")
        )
    else:
        return None
    # One event per customer, kind, day and previous event: a second run the same day finds it;
    # a suspension after a resume the same day is a new one.
    key = f"dunning:{kind}:{customer.pk}:{today.isoformat()}:{last.pk if last else 0}"
    event, created = DunningEvent.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "customer": customer,
            "kind": kind,
            "on": today,
            "overdue": facts.overdue,
            "oldest_due_on": facts.oldest_due_on,
            "days_overdue": facts.days_overdue,
            "invoices": [inv.number for inv in facts.overdue_invoices],
            "reason": text[:300],
            "payment": payment if kind == DunningKind.RESUME else None,
        },
    )
    for sub in targets:
        sub.status, sub.suspension = new_status, suspension
        sub.save(update_fields=["status", "suspension"])
        command_issue(
            actor=actor,
            subscription=sub,
            action=action,
            reason=reason,
            idempotency_key=f"{action}:debt:{sub.pk}:{event.pk}",
            note=text,
        )
    customer_status_refresh(customer_id=customer.pk)
    audit_record(
        actor=actor,
        action=f"collections.dunning_{kind}",
        target=customer,
        changes={
            "event": event.pk,
            "subscriptions": [s.pk for s in targets],
            "reason": text,
            "created": created,
        },
    )
    return event


def dunning_run(*, actor: Actor, today: date | None = None) -> dict:
    """The daily job: refresh every candidate, found set-based: customers with active
    postpaid services and an open invoice (or an opening balance) due before today minus the
    grace days, and customers with services suspended for debt. Safe to run twice."""
    from tenant_apps.customers.models import Customer
    from tenant_apps.ledger.models import Entry
    from tenant_apps.sales.choices import SubscriptionStatus, SuspensionReason
    from tenant_apps.sales.models import Subscription

    today = today or company_today()
    cutoff = today - timedelta(days=company_parameters().grace_days)
    live = Subscription.objects.filter(
        customer_id=OuterRef("pk"),
        status=SubscriptionStatus.ACTIVE,
        prepaid=False,
        billed_to_group__isnull=True,
    )
    late_invoice = Invoice.objects.filter(
        customer_id=OuterRef("pk"), status=InvoiceStatus.OPEN, open_amount__gt=0, due_on__lt=cutoff
    )
    late_opening = Entry.objects.filter(
        account__customer_id=OuterRef("pk"), kind=EntryKind.OPENING, amount__gt=0
    ).filter(Q(due_on__lt=cutoff) | Q(due_on__isnull=True, posted_at__date__lt=cutoff))
    suspended = Subscription.objects.filter(
        customer_id=OuterRef("pk"),
        status=SubscriptionStatus.SUSPENDED,
        suspension=SuspensionReason.DEBT,
    )
    candidates = Customer.objects.filter(
        (Exists(live) & (Exists(late_invoice) | Exists(late_opening))) | Exists(suspended)
    ).order_by("pk")
    counts = {"checked": 0, "suspended": 0, "resumed": 0}
    # The ids first (no cursor held open across the per-customer transactions).
    for customer_id in list(candidates.values_list("pk", flat=True)):
        customer = Customer.objects.get(pk=customer_id)
        counts["checked"] += 1
        try:
            event = dunning_refresh(actor=actor, customer=customer, today=today)
        except Exception:  # one customer's failure must not stop the others' dunning
            logger.exception("dunning of customer %s failed", customer_id)
            counts["failed"] = counts.get("failed", 0) + 1
            continue
        if event is not None:
            counts["suspended" if event.kind == DunningKind.SUSPEND else "resumed"] += 1
    return counts


# --- bank return files ---------------------------------------------------------------------

# Errors that make a file unreadable as a whole (refused): the rest are per line.
STRUCTURAL = {
    "empty",
    "missing_column",
    "line_length",
    "not_a_return",
    "record_type",
    "sequence",
    "segment",
    "segment_t_missing",
    "segment_u_missing",
    "trailer_count",
    "trailer_missing",
}


def _reference_candidates(reference: str) -> list[str]:
    """The invoice numbers a payment reference may stand for: the reference itself, and the
    number of the company's invoice series whose digits it carries (leading zeros and the
    series prefix's own digits optional): with prefix ``FT`` and 6 digits, ``123``,
    ``000123`` and ``00000000000000000123`` all stand for ``FT000123``."""
    from tenant_apps.parameters.choices import SeriesKind
    from tenant_apps.parameters.models import DocumentSeries

    reference = reference.strip()
    candidates = [reference] if reference else []
    digits = re.sub(r"\D", "", reference)
    series = DocumentSeries.objects.filter(kind=SeriesKind.INVOICE).first()
    if digits and series is not None:
        prefix_digits = re.sub(r"\D", "", series.prefix)
        options = [digits]
        if prefix_digits and digits.lstrip("0").startswith(prefix_digits):
            options.append(digits.lstrip("0")[len(prefix_digits) :])
        for option in options:
            if option.strip("0") and len(option.lstrip("0")) <= 18:
                candidates.append(series.format(int(option)))
    return list(dict.fromkeys(candidates))


def _match(record: returns.ReturnRecord) -> tuple[Invoice | None, str]:
    if record.invoice_number:
        found = (
            Invoice.objects.filter(number=record.invoice_number.strip())
            .exclude(status=InvoiceStatus.DRAFT)
            .first()
        )
        if found is not None:
            return found, "number"
    if record.payment_reference:
        found = (
            Invoice.objects.filter(number__in=_reference_candidates(record.payment_reference))
            .exclude(status=InvoiceStatus.DRAFT)
            .order_by("id")
            .first()
        )
        if found is not None:
            return found, "reference"
    return None, ""


MAX_RETURN_BYTES = 10 * 1024 * 1024


def bank_return_check_size(*, size: int) -> None:
    """Refuse a bank return file larger than 10 MB (call it before reading the upload)."""
    if size > MAX_RETURN_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})


RETURN_SLICE = 200  # records imported per transaction


def _parse_return(data: bytes):
    """The file parsed; a file whose structure is wrong (empty, a missing column, a bad CNAB
    record) is refused whole, with the first lines' reasons."""
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    parsed = returns.parse(data, places=company_parameters().currency_decimals)
    structural = [e for e in parsed.errors if e.code in STRUCTURAL]
    if structural:
        raise ValidationError(
            {
                "file": [
                    _("Line %(line)s: %(message)s") % {"line": e.line, "message": e.message}
                    for e in structural[:20]
                ]
            }
        )
    return parsed


@transaction.atomic
def bank_return_upload(
    *, actor: Actor, file_name: str, data: bytes, enqueue: bool = True
) -> BankReturn:
    """Accept a bank return file (CSV layout or CNAB 240, see ``bank_return``): checked whole
    at once (a wrong structure is a ValidationError on ``file``), stored with its bad lines and
    the CNAB movements that are not payments reported, and its records imported in the
    background by ``billing.bank_return_import`` (``bank_return_process``) once committed."""
    parsed = _parse_return(data)
    batch = BankReturn(
        file_name=(file_name or "return")[:200],
        layout=ReturnLayout.CNAB240 if parsed.layout == returns.CNAB240 else ReturnLayout.CSV,
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by=actor.label,
        uploaded_by_user_id=actor.user_id,
        branch_id=actor.branch_id,
        branch_label=actor.branch_label[:150],
        records=len(parsed.records),
        errors=len(parsed.errors),
    )
    batch.full_clean()
    batch.save()
    lines = [
        BankReturnLine(
            bank_return=batch,
            line_no=error.line,
            outcome=ReturnOutcome.ERROR,
            message=f"{error.field}: {error.message}"[:300],
        )
        for error in parsed.errors
    ]
    lines += [
        BankReturnLine(
            bank_return=batch,
            line_no=ignored.line,
            outcome=ReturnOutcome.IGNORED,
            message=_("Movement %(code)s is not a payment.") % {"code": ignored.movement},
        )
        for ignored in parsed.ignored
    ]
    BankReturnLine.objects.bulk_create(lines)
    audit_record(
        actor=actor,
        action="collections.bank_return_upload",
        target=batch,
        changes={
            "file": batch.file_name,
            "layout": batch.layout,
            "records": batch.records,
            "errors": batch.errors,
        },
    )
    if enqueue:
        from .tasks import bank_return_import as import_task

        batch_id = batch.pk
        transaction.on_commit(lambda: import_task.delay(batch_id))
    return batch


def bank_return_import(*, actor: Actor, file_name: str, data: bytes) -> BankReturn:
    """Upload and import a bank return file at once, in this process (what the background
    import does, for scripts and tests)."""
    batch = bank_return_upload(actor=actor, file_name=file_name, data=data, enqueue=False)
    return bank_return_process(return_id=batch.pk)


def bank_return_process(*, return_id: int) -> BankReturn:
    """Import an uploaded file's records, ``RETURN_SLICE`` at a time, each slice in one
    transaction with its lines, counts and ``records_done`` (the file row locked): a retried or
    repeated import goes on where the last committed slice ended, and each record's payment key
    (the record's own) posts it at most once. Each record is matched to an invoice by its
    number, else by its payment reference, and posted as a payment of the invoice's payer by
    the uploader at their branch; unmatched records are reported line by line."""
    data = BankReturn.objects.values_list("data", flat=True).get(pk=return_id)
    records = sorted(_parse_return(bytes(data)).records, key=lambda r: r.line)
    while True:
        with transaction.atomic():
            batch = BankReturn.objects.select_for_update().get(pk=return_id)
            if batch.finished:
                return batch
            todo = records[batch.records_done : batch.records_done + RETURN_SLICE]
            actor = Actor(
                label=batch.uploaded_by,
                user_id=batch.uploaded_by_user_id,
                branch_id=batch.branch_id,
                branch_label=batch.branch_label,
            )
            lines = [_return_record(actor, batch, record) for record in todo]
            BankReturnLine.objects.bulk_create(lines)
            for line in lines:
                if line.outcome == ReturnOutcome.MATCHED:
                    batch.matched += 1
                    batch.total += line.payment.amount
                elif line.outcome == ReturnOutcome.ALREADY:
                    batch.already += 1
                else:
                    batch.unmatched += 1
            batch.records_done += len(todo)
            batch.status = ReturnStatus.RUNNING
            finished = batch.records_done >= len(records)
            if finished:
                batch.status = ReturnStatus.DONE
                batch.finished_at = timezone.now()
            batch.save()
            if finished:
                audit_record(
                    actor=actor,
                    action="collections.bank_return_import",
                    target=batch,
                    changes={
                        "file": batch.file_name,
                        "layout": batch.layout,
                        "matched": batch.matched,
                        "already": batch.already,
                        "unmatched": batch.unmatched,
                        "errors": batch.errors,
                        "total": str(batch.total),
                    },
                )
                return batch


def bank_return_fail(*, return_id: int, error: str) -> None:
    BankReturn.objects.filter(pk=return_id).exclude(status=ReturnStatus.DONE).update(
        status=ReturnStatus.FAILED, error=error[:2000]
    )


def _return_record(actor: Actor, batch: BankReturn, record) -> BankReturnLine:
    """One record of a file: its line, with the payment posted when it matches."""
    line = BankReturnLine(
        bank_return=batch,
        line_no=record.line,
        record_key=record.idempotency_key[:120],
        invoice_number=record.invoice_number[:30],
        reference=record.payment_reference[:60],
        amount=record.amount_paid,
        paid_on=record.paid_on,
    )
    key = f"ret:{record.idempotency_key}"[:KEY_MAX]
    existing = Payment.objects.filter(idempotency_key=key).first()
    if existing is not None:
        line.outcome, line.payment = ReturnOutcome.ALREADY, existing
        line.message = _("Already imported (payment #%(id)s).") % {"id": existing.pk}
        return line
    invoice, how = _match(record)
    if invoice is None:
        line.outcome = ReturnOutcome.UNMATCHED
        line.message = _("No invoice with number “%(number)s” or reference “%(ref)s”.") % {
            "number": record.invoice_number,
            "ref": record.payment_reference,
        }
        return line
    payment = payment_receive(
        actor=actor,
        amount=record.amount_paid,
        origin=PaymentOrigin.PIX if record.channel == "pix" else PaymentOrigin.BANK_SLIP,
        received_on=record.paid_on,
        idempotency_key=key,
        customer=invoice.customer,
        group=invoice.group,
        reference=(record.payment_reference or record.invoice_number)[:60],
        note=_("%(file)s, line %(line)s") % {"file": batch.file_name, "line": record.line},
        invoice=invoice if invoice.status == InvoiceStatus.OPEN else None,
        bank_return=batch,
    )
    line.outcome, line.payment = ReturnOutcome.MATCHED, payment
    line.message = (
        _("Invoice %(number)s (by number).")
        if how == "number"
        else _("Invoice %(number)s (by payment reference).")
    ) % {"number": invoice.number}
    if invoice.status != InvoiceStatus.OPEN:
        line.message += " " + _("The invoice was not open: the payment is credit.")
    return line
