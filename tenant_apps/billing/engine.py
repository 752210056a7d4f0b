# ruff: noqa: S608 (the SQL here is assembled from this module's constants only; values are parameters)
"""The billing run's bulk path: the facts of a slice of payers streamed with raw SQL, rated and
taxed by the pure rules (``rating``, ``taxes``), and written with COPY.

One chunk is one slice of payer ids of one kind (customers billed on their own invoice, or
groups). ``chunk_compute`` reads its facts and returns its invoices without writing anything
(the preview calls it for every chunk); ``chunk_write`` writes them: lines first, then, with
the company's invoice series locked until the caller commits, the ledger entries and the
invoices numbered, open (paid when the total is 0) and posted, and marks the one-off charges
billed and opens the missing accounts. The caller (``services.runs``) does both in the
transaction that marks the chunk done, after locking the chunk row, so a repeated or resumed
chunk bills nothing twice and a rolled-back one gives its numbers back; the invoice's
idempotency key ``cycle:<cycle start>:<customer|group>:<id>`` (unique) is the second guard.

Only the numbered part is serial (the series row lock, from the entries' COPY to the commit);
reading, rating and the lines' COPY of two chunks run side by side. Writing each invoice once,
final, costs half of writing drafts and numbering them afterwards (an UPDATE rewrites the row
and every index entry of it).

The results are those of ``services.issue.invoice_issue`` (the one-invoice ORM path) for the
same facts: same lines, amounts, taxes (JSON list of name, mode, rate and amount as strings),
totals, status (paid when the total is 0, with no entry), entry kind, key and description.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tenant_apps.ledger.choices import EntryKind
from tenant_apps.parameters.choices import SeriesKind
from tenant_apps.parameters.services import series_reserve

from . import rating, taxes
from .choices import InvoiceKind, InvoiceStatus, PayerKind
from .cycles import Cycle
from .models import OneOffCharge
from .services.issue import charge_line, rule_line, taxes_json

__all__ = [
    "ChunkResult",
    "Context",
    "PayerBill",
    "Summary",
    "chunk_compute",
    "chunk_write",
    "invoice_key",
    "no_jit",
    "payer_ranges",
]

ZERO = Decimal(0)
MAX_ID = 9_223_372_036_854_775_807  # the last chunk is open-ended: payers created later fit
SAMPLE = 20  # payers listed per exception (the count is always complete)
BILLED_STATUSES = ("active", "suspended")  # a payer with these and no invoice is an exception

# A test seam: called after a chunk's rows are written, before its transaction commits (the
# kill test makes it SIGKILL the process there). Nothing sets it in production.
AFTER_WRITE: Callable[[], None] | None = None


@dataclass(frozen=True)
class Context:
    """What every chunk of a run shares."""

    cycle: Cycle
    issued_on: dt.date
    due_on: dt.date
    decimals: int
    currency: str
    language: str
    table: taxes.TaxTable
    run_id: int | None = None
    posted_by: str = ""  # the ledger entries' author (who started the run)


@dataclass(frozen=True)
class Taxed:
    """What ``taxes.tax_invoice`` gives for an invoice's lines, reduced to what is written:
    per line (added, included, taxes JSON); the invoice's taxes JSON, sums and the systems with
    no rate. It depends only on each line's (system, amount), so ``_taxed`` computes it once
    per distinct shape of invoice with the rule itself, and reuses it."""

    line_values: tuple[tuple[Decimal, Decimal, str], ...]
    taxes_text: str
    subtotal: Decimal
    added: Decimal
    included: Decimal
    total: Decimal
    systems_without_rates: tuple[str, ...]


@dataclass
class PayerBill:
    """One payer's invoice: its rule lines, per line its description and one-off charge, and
    their taxes."""

    payer: rating.Payer
    lines: tuple[rating.Line, ...]
    descriptions: list[str]
    line_charges: list[int | None]  # the one-off charge of each line (None: a product line)
    taxed: Taxed

    @property
    def total(self) -> Decimal:
        return self.taxed.total


@dataclass
class Summary:
    """A chunk's (or a whole run's) figures and exceptions, JSON-able (``as_json``)."""

    invoices: int = 0
    total: Decimal = ZERO
    by_system: dict[str, Decimal] = field(default_factory=dict)
    missing_tax: dict[str, int] = field(default_factory=dict)  # system -> lines
    nothing_billable: list[str] = field(default_factory=list)  # sample of payer refs
    nothing_billable_count: int = 0
    credit_carried: list[str] = field(default_factory=list)
    credit_carried_count: int = 0
    zero_total: int = 0

    def add(self, other: Summary) -> None:
        self.invoices += other.invoices
        self.total += other.total
        for system, amount in other.by_system.items():
            self.by_system[system] = self.by_system.get(system, ZERO) + amount
        for system, count in other.missing_tax.items():
            self.missing_tax[system] = self.missing_tax.get(system, 0) + count
        self.nothing_billable = (self.nothing_billable + other.nothing_billable)[:SAMPLE]
        self.nothing_billable_count += other.nothing_billable_count
        self.credit_carried = (self.credit_carried + other.credit_carried)[:SAMPLE]
        self.credit_carried_count += other.credit_carried_count
        self.zero_total += other.zero_total

    def as_json(self) -> dict:
        return {
            "invoices": self.invoices,
            "total": str(self.total),
            "by_system": {k: str(v) for k, v in sorted(self.by_system.items())},
            "missing_tax": dict(sorted(self.missing_tax.items())),
            "nothing_billable": self.nothing_billable,
            "nothing_billable_count": self.nothing_billable_count,
            "credit_carried": self.credit_carried,
            "credit_carried_count": self.credit_carried_count,
            "zero_total": self.zero_total,
        }

    @classmethod
    def from_json(cls, data: dict) -> Summary:
        if not data:
            return cls()
        return cls(
            invoices=data["invoices"],
            total=Decimal(data["total"]),
            by_system={k: Decimal(v) for k, v in data["by_system"].items()},
            missing_tax=dict(data["missing_tax"]),
            nothing_billable=list(data["nothing_billable"]),
            nothing_billable_count=data["nothing_billable_count"],
            credit_carried=list(data["credit_carried"]),
            credit_carried_count=data["credit_carried_count"],
            zero_total=data["zero_total"],
        )

    def exceptions(self) -> list[dict]:
        """The exceptions as stored on the run (codes; the pages word them)."""
        out = []
        if self.nothing_billable_count:
            out.append(
                {
                    "code": "nothing_billable",
                    "count": self.nothing_billable_count,
                    "payers": self.nothing_billable,
                }
            )
        if self.missing_tax:
            out.append(
                {
                    "code": "missing_tax",
                    "count": sum(self.missing_tax.values()),
                    "systems": sorted(self.missing_tax),
                }
            )
        if self.credit_carried_count:
            out.append(
                {
                    "code": "credit_carried",
                    "count": self.credit_carried_count,
                    "payers": self.credit_carried,
                }
            )
        if self.zero_total:
            out.append({"code": "zero_total", "count": self.zero_total})
        return out


@dataclass
class ChunkResult:
    bills: list[PayerBill]
    summary: Summary
    charge_ids: dict[rating.Payer, list[int]]


def invoice_key(cycle_start: dt.date, payer: rating.Payer) -> str:
    return f"cycle:{cycle_start.isoformat()}:{payer.kind}:{payer.id}"


# --- reading ----------------------------------------------------------------------------------

# A subscription is billed by its dates, never by its status alone: postpaid, activated, and
# active some day of the cycle (a cancelled one is billed for its days; a future-dated plan
# change leaves the old one "active" with an end date).
#
# Days already on a final invoice (the close of a move to prepaid bills an ended product up
# to the change) are not billed again: such a product's billable start is the end of the last
# period its final invoices billed. Only products with an end date can have one, so the
# look-up is skipped for the others; it goes through the customer's invoices (a final invoice
# is the customer's own) and their lines, so the lines need no index by subscription (a run
# writes one line per subscription: each index costs every one of them).
_START = (
    "CASE WHEN s.ends_on IS NULL THEN s.activated_on ELSE GREATEST(s.activated_on,"
    " (SELECT max(fl.period_end) FROM billing_invoice fi"
    " JOIN billing_invoiceline fl ON fl.invoice_id = fi.id"
    " WHERE fi.customer_id = s.customer_id AND fi.kind = 'final' AND fi.status <> 'cancelled'"
    " AND fl.subscription_id = s.id AND fl.kind = 'product')) END"
)
_DATES = (
    f"s.activated_on IS NOT NULL AND ({_START}) < %(end)s"
    f" AND (s.ends_on IS NULL OR (s.ends_on > %(start)s AND s.ends_on > ({_START})))"
)
_IN_CYCLE = f"NOT s.prepaid AND {_DATES}"
_PAYER = {
    PayerKind.CUSTOMER: (
        "s.billed_to_group_id IS NULL AND s.customer_id BETWEEN %(low)s AND %(high)s"
    ),
    PayerKind.GROUP: "s.billed_to_group_id BETWEEN %(low)s AND %(high)s",
}
_CHARGE_PAYER = {PayerKind.CUSTOMER: "customer_id", PayerKind.GROUP: "group_id"}


def no_jit(cursor) -> None:
    """Turn PostgreSQL's JIT off for the rest of the transaction. The facts' statements are
    index look-ups whose estimated cost (the final-invoice subplan) passes ``jit_above_cost``:
    compiling them took about 2 s of a chunk's 2.1 s, the statements themselves 30 ms."""
    cursor.execute("SET LOCAL jit = off")


def payer_ranges(cursor, cycle: Cycle, size: int) -> list[tuple[str, int, int]]:
    """The chunks of a run: (payer kind, low id, high id), contiguous per kind from id 0, the
    last of each kind open-ended, each with about ``size`` candidate payers (those with a
    postpaid subscription active in the cycle or in a billed status, or an unbilled charge)."""
    dates = {"start": cycle.start, "end": cycle.end}
    out: list[tuple[str, int, int]] = []
    for kind, column in ((PayerKind.CUSTOMER, "customer_id"), (PayerKind.GROUP, "group_id")):
        if kind == PayerKind.CUSTOMER:
            subs = "s.customer_id FROM sales_subscription s WHERE s.billed_to_group_id IS NULL"
        else:
            subs = (
                "s.billed_to_group_id FROM sales_subscription s"
                " WHERE s.billed_to_group_id IS NOT NULL"
            )
        cursor.execute(
            f"SELECT {subs} AND NOT s.prepaid AND (({_DATES})"
            " OR s.status IN ('active', 'suspended'))"
            f" UNION SELECT {column} FROM billing_oneoffcharge WHERE {column} IS NOT NULL"
            " AND invoice_id IS NULL AND NOT cancelled ORDER BY 1",
            dates,
        )
        ids = [row[0] for row in cursor.fetchall()]
        low = 0
        for i in range(0, len(ids), size):
            last = i + size >= len(ids)
            high = MAX_ID if last else ids[i + size - 1]
            out.append((kind, low, high))
            low = high + 1
    return out


def chunk_compute(
    cursor, ctx: Context, kind: str, low: int, high: int, *, lock_charges: bool = False
) -> ChunkResult:
    """The invoices of the payers of kind ``kind`` with ids ``low``..``high``: rated, taxed,
    one-off charges and credits after the products. Writes nothing (``lock_charges`` locks the
    unbilled charges read, for the run)."""
    no_jit(cursor)
    cycle = ctx.cycle
    args = {"start": cycle.start, "end": cycle.end, "low": low, "high": high}
    where = f"{_PAYER[kind]} AND {_IN_CYCLE}"
    cursor.execute(
        "SELECT sp.subscription_id, sp.id, sp.discount_kind, sp.value, sp.starts_on, sp.ends_on,"
        " sp.name FROM sales_subscriptionpromotion sp JOIN sales_subscription s"
        f" ON s.id = sp.subscription_id WHERE {where} AND sp.starts_on IS NOT NULL"
        " AND sp.starts_on < %(end)s AND (sp.ends_on IS NULL OR sp.ends_on > %(start)s)"
        " ORDER BY sp.subscription_id, sp.id",
        args,
    )
    promotions: dict[int, list[rating.PromotionFacts]] = {}
    promotion_names: dict[int, str] = {}
    for sub_id, pid, pkind, value, starts_on, ends_on, name in cursor.fetchall():
        promotions.setdefault(sub_id, []).append(
            rating.PromotionFacts(pid, pkind, value, starts_on, ends_on)
        )
        promotion_names[pid] = name
    # One read of the range's postpaid subscriptions: those active in the cycle are rated;
    # those in a billed status tell which payers should have had an invoice.
    cursor.execute(
        f"SELECT s.id, s.customer_id, s.product_id, s.plan_id, s.price, ({_START}),"
        f" s.ends_on, p.system, s.billed_to_group_id, p.name, ({_DATES}),"
        f" s.status = ANY(%(states)s) FROM sales_subscription s"
        f" JOIN catalog_product p ON p.id = s.product_id WHERE {_PAYER[kind]}"
        f" AND NOT s.prepaid AND (({_DATES}) OR s.status = ANY(%(states)s)) ORDER BY s.id",
        {**args, "states": list(BILLED_STATUSES)},
    )
    subs = []
    product_names: dict[int, str] = {}
    expected: set[int] = set()
    customers = kind == PayerKind.CUSTOMER
    for row in cursor.fetchall():
        sid, cid, pid, plan_id, price, activated, ends, system, group_id, pname, on, billed = row
        if billed:
            expected.add(cid if customers else group_id)
        if not on:
            continue
        subs.append(
            rating.SubscriptionFacts(
                id=sid,
                customer_id=cid,
                product_id=pid,
                plan_id=plan_id,
                price=price,
                activated_on=activated,
                ends_on=ends,
                system=system,
                billed_to_group_id=group_id,
                promotions=tuple(promotions.get(sid, ())),
            )
        )
        product_names[pid] = pname
    rule_invoices = {inv.payer: inv for inv in rating.build_invoices(cycle, subs, ctx.decimals)}

    column = _CHARGE_PAYER[kind]
    cursor.execute(
        "SELECT id, customer_id, group_id, kind, description, amount, system, subscription_id"
        f" FROM billing_oneoffcharge WHERE {column} BETWEEN %(low)s AND %(high)s"
        " AND invoice_id IS NULL AND NOT cancelled ORDER BY created_at, id"
        + (" FOR UPDATE" if lock_charges else ""),
        args,
    )
    charges: dict[rating.Payer, list[OneOffCharge]] = {}
    for cid, customer_id, group_id, ckind, description, amount, system, sub_id in cursor.fetchall():
        payer = rating.Payer(kind, customer_id if kind == PayerKind.CUSTOMER else group_id)
        charges.setdefault(payer, []).append(
            OneOffCharge(
                pk=cid,
                customer_id=customer_id,
                group_id=group_id,
                kind=ckind,
                description=description,
                amount=amount,
                system=system,
                subscription_id=sub_id,
            )
        )

    summary = Summary()
    cache = _taxed_cache(ctx)  # invoice shape -> Taxed (see Taxed)
    bills: list[PayerBill] = []
    billed_charges: dict[rating.Payer, list[int]] = {}
    for payer in sorted(set(rule_invoices) | set(charges)):
        invoice = rule_invoices.get(payer)
        lines = list(invoice.lines) if invoice else []
        descriptions = [
            promotion_names[line.promotion_id]
            if line.promotion_id is not None
            else product_names[line.product_id]
            for line in lines
        ]
        payer_charges = charges.get(payer, [])
        bill = _bill(ctx, payer, lines, descriptions, payer_charges, cache)
        if bill is not None and bill.total < 0:
            # The credits are larger than what is billed: they wait for a later invoice.
            payer_charges = [c for c in payer_charges if c.amount > 0]
            bill = _bill(ctx, payer, lines, descriptions, payer_charges, cache)
            summary.credit_carried_count += 1
            if len(summary.credit_carried) < SAMPLE:
                summary.credit_carried.append(f"{payer.kind}:{payer.id}")
        if bill is None:
            continue
        bills.append(bill)
        billed_charges[payer] = [c.pk for c in payer_charges]
        _count(summary, bill)

    # Payers with subscriptions in a billed status that got no invoice: an exception.
    invoiced = {bill.payer.id for bill in bills}
    for payer_id in sorted(expected - invoiced):
        summary.nothing_billable_count += 1
        if len(summary.nothing_billable) < SAMPLE:
            summary.nothing_billable.append(f"{kind}:{payer_id}")
    return ChunkResult(bills=bills, summary=summary, charge_ids=billed_charges)


def _bill(
    ctx: Context,
    payer: rating.Payer,
    lines: list[rating.Line],
    descriptions: list[str],
    charges: list[OneOffCharge],
    cache: dict,
) -> PayerBill | None:
    all_lines = list(lines)
    all_descriptions = list(descriptions)
    line_charges: list[int | None] = [None] * len(lines)
    for charge in charges:
        spec = charge_line(charge)
        all_lines.append(rule_line(spec, ctx.decimals))
        all_descriptions.append(spec.description[:200])
        line_charges.append(charge.pk)
    if not all_lines:
        return None
    lines_tuple = tuple(all_lines)
    shape = tuple((line.system, line.amount) for line in lines_tuple)
    taxed = cache.get(shape)
    if taxed is None:
        taxed = cache[shape] = _taxed(ctx, payer, lines_tuple)
    return PayerBill(
        payer=payer,
        lines=lines_tuple,
        descriptions=all_descriptions,
        line_charges=line_charges,
        taxed=taxed,
    )


# Taxed per invoice shape, kept across the chunks a worker process bills with the same tax
# table and currency (a run's terms are fixed when it starts): most shapes repeat from chunk
# to chunk. Bounded: emptied when it holds too many shapes.
_TAXED: dict[tuple, dict] = {}
_TAXED_LIMIT = 100_000


def _taxed_cache(ctx: Context) -> dict:
    key = (ctx.decimals, tuple(sorted(ctx.table.items())))
    cache = _TAXED.get(key)
    if cache is None or len(cache) > _TAXED_LIMIT:
        _TAXED.clear()
        cache = _TAXED[key] = {}
    return cache


def _taxed(ctx: Context, payer: rating.Payer, lines: tuple[rating.Line, ...]) -> Taxed:
    rule = taxes.tax_invoice(rating.Invoice(payer, ctx.cycle, lines), ctx.table, ctx.decimals)
    values = []
    for taxed_line in rule.lines:
        values.append((taxed_line.added, taxed_line.included, _taxes_text(taxed_line.taxes)))
    return Taxed(
        line_values=tuple(values),
        taxes_text=_taxes_text(rule.taxes),
        subtotal=rule.subtotal,
        added=rule.added,
        included=rule.included,
        total=rule.total,
        systems_without_rates=rule.systems_without_rates,
    )


@functools.lru_cache(maxsize=8192)
def _taxes_text(amounts: tuple[taxes.TaxAmount, ...]) -> str:
    """The taxes JSON of a line or invoice (as invoice_issue stores it), cached: most lines
    repeat a few amounts."""
    return json.dumps(taxes_json(amounts))


def _count(summary: Summary, bill: PayerBill) -> None:
    taxed = bill.taxed
    summary.invoices += 1
    summary.total += taxed.total
    if taxed.total == 0:
        summary.zero_total += 1
    by_system = summary.by_system
    for line, (added, _included, _text) in zip(bill.lines, taxed.line_values, strict=True):
        by_system[line.system] = by_system.get(line.system, ZERO) + line.amount + added
    for system in taxed.systems_without_rates:
        summary.missing_tax[system] = summary.missing_tax.get(system, 0) + sum(
            1 for line in bill.lines if line.system == system
        )


# --- writing ----------------------------------------------------------------------------------

INVOICE_COLUMNS = (
    "id, number, kind, status, customer_id, group_id, account_id, run_id, cycle_start,"
    " cycle_end, issued_on, due_on, currency, language, subtotal, added_tax, included_tax, total,"
    " open_amount, taxes, entry_id, pdf, idempotency_key, created_at"
)
LINE_COLUMNS = (
    "invoice_id, position, kind, description, customer_id, subscription_id, product_id,"
    " plan_id, promotion_id, charge_id, system, period_start, period_end, days, cycle_days,"
    " amount, added_tax, included_tax, taxes"
)
ENTRY_COLUMNS = (
    "id, account_id, kind, amount, description, posted_at, due_on, idempotency_key, posted_by"
)


def _accounts(cursor, kind: str, ids: list[int]) -> dict[int, int]:
    """The payers' account ids (a range scan of the chunk's ids), opening the missing ones
    set-based."""
    column = _CHARGE_PAYER[kind]
    cursor.execute(
        f"SELECT {column}, id FROM ledger_account WHERE {column} BETWEEN %s AND %s",
        [min(ids), max(ids)],
    )
    accounts = dict(cursor.fetchall())
    missing = [i for i in ids if i not in accounts]
    if missing:
        cursor.execute(
            f"INSERT INTO ledger_account ({column}, created_at)"
            " SELECT unnest(%s::bigint[]), now() ON CONFLICT DO NOTHING",
            [missing],
        )
        cursor.execute(
            f"SELECT {column}, id FROM ledger_account WHERE {column} = ANY(%s)", [missing]
        )
        accounts.update(cursor.fetchall())
    return accounts


def _ids(cursor, table: str, count: int) -> list[int]:
    """``count`` ids of ``table``'s sequence, taken at once."""
    if not count:
        return []
    # The sequence looked up once, not per id (a catalog look-up each).
    cursor.execute(
        "SELECT nextval(q.seq) FROM (SELECT pg_get_serial_sequence(%s, 'id')::regclass AS seq) q"
        " CROSS JOIN generate_series(1, %s)",
        [table, count],
    )
    return [row[0] for row in cursor.fetchall()]


def chunk_write(cursor, ctx: Context, kind: str, result: ChunkResult) -> int | None:
    """Write a chunk's invoices, final: their lines, then their ledger entries and the invoices
    numbered in the company's invoice series (customers, then groups, by id), open and posted;
    mark its one-off charges billed. Runs inside the caller's transaction, which holds the
    series row locked from the numbering to its end. Returns the first number taken (the
    chunk's numbers are that one and the next ones, one per invoice), None with no invoice."""
    bills = result.bills
    if not bills:
        return None
    accounts = _accounts(cursor, kind, [bill.payer.id for bill in bills])
    ids = _ids(cursor, "billing_invoice", len(bills))
    raw = cursor.cursor if hasattr(cursor, "cursor") else cursor
    with raw.copy(f"COPY billing_invoiceline ({LINE_COLUMNS}) FROM STDIN") as copy:
        for invoice_id, bill in zip(ids, bills, strict=True):
            for position, (line, description, charge_id, values) in enumerate(
                zip(
                    bill.lines,
                    bill.descriptions,
                    bill.line_charges,
                    bill.taxed.line_values,
                    strict=True,
                ),
                start=1,
            ):
                copy.write_row(
                    _line_row(invoice_id, position, line, description, charge_id, values)
                )
    charge_rows = [
        (charge_id, invoice_id)
        for invoice_id, bill in zip(ids, bills, strict=True)
        for charge_id in result.charge_ids.get(bill.payer, ())
    ]
    if charge_rows:
        cursor.execute(
            "UPDATE billing_oneoffcharge c SET invoice_id = v.invoice_id FROM"
            " unnest(%s::bigint[], %s::bigint[]) AS v(id, invoice_id)"
            " WHERE c.id = v.id AND c.invoice_id IS NULL AND NOT c.cancelled",
            [[c for c, _i in charge_rows], [i for _c, i in charge_rows]],
        )
        if cursor.rowcount != len(charge_rows):
            raise RuntimeError("a one-off charge of this chunk was billed or cancelled meanwhile")

    # The payers, locked as the invoices' foreign-key checks lock them at commit, but before
    # the series: a plan change locks its customer and then takes an invoice number (its final
    # invoice), and would otherwise deadlock with this chunk. (Not the accounts: a recharge
    # takes a number and then locks its account, the other way round; a chunk holding the
    # series only waits for such a lock, never the reverse.)
    payer_table = "customers_customer" if kind == PayerKind.CUSTOMER else "customers_group"
    cursor.execute(
        f"SELECT 1 FROM {payer_table} WHERE id = ANY(%s) ORDER BY id FOR KEY SHARE",
        [[bill.payer.id for bill in bills]],
    )
    # Serial from here to the caller's commit: the series row stays locked.
    series, first = series_reserve(kind=SeriesKind.INVOICE, count=len(bills))
    with translation.override(ctx.language):
        described = _("Invoice %(number)s")
    posted = [bill for bill in bills if bill.total != 0]
    entry_ids = iter(_ids(cursor, "ledger_entry", len(posted)))
    now = timezone.now()
    cycle = ctx.cycle
    is_customer = kind == PayerKind.CUSTOMER
    invoice_rows = []
    entry_rows = []
    for offset, (invoice_id, bill) in enumerate(zip(ids, bills, strict=True)):
        taxed = bill.taxed
        total = taxed.total
        number = series.format(first + offset)
        account_id = accounts[bill.payer.id]
        entry_id = None
        if total != 0:
            entry_id = next(entry_ids)
            entry_rows.append(
                (
                    entry_id,
                    account_id,
                    EntryKind.INVOICE.value,
                    total,
                    described % {"number": number},
                    now,
                    ctx.due_on,
                    f"invoice:{invoice_id}",
                    ctx.posted_by,
                )
            )
        invoice_rows.append(
            (
                invoice_id,
                number,
                InvoiceKind.CYCLE.value,
                (InvoiceStatus.OPEN if total > 0 else InvoiceStatus.PAID).value,
                bill.payer.id if is_customer else None,
                None if is_customer else bill.payer.id,
                account_id,
                ctx.run_id,
                cycle.start,
                cycle.end,
                ctx.issued_on,
                ctx.due_on,
                ctx.currency,
                ctx.language,
                taxed.subtotal,
                taxed.added,
                taxed.included,
                total,
                total,
                taxed.taxes_text,
                entry_id,
                "",
                invoice_key(cycle.start, bill.payer),
                now,
            )
        )
    if entry_rows:
        with raw.copy(f"COPY ledger_entry ({ENTRY_COLUMNS}) FROM STDIN") as copy:
            for row in entry_rows:
                copy.write_row(row)
    with raw.copy(f"COPY billing_invoice ({INVOICE_COLUMNS}) FROM STDIN") as copy:
        for row in invoice_rows:
            copy.write_row(row)
    return first


def _line_row(
    invoice_id: int,
    position: int,
    line: rating.Line,
    description: str,
    charge_id: int | None,
    values: tuple[Decimal, Decimal, str],
):
    added, included, taxes_text = values
    if charge_id is not None:
        # As invoice_issue stores a one-off line: no product, plan, period or days.
        return (
            invoice_id,
            position,
            line.kind,
            description,
            line.customer_id or None,
            line.subscription_id or None,
            None,
            None,
            None,
            charge_id,
            line.system,
            None,
            None,
            None,
            None,
            line.amount,
            added,
            included,
            taxes_text,
        )
    return (
        invoice_id,
        position,
        line.kind,
        description,
        line.customer_id,
        line.subscription_id,
        line.product_id,
        line.plan_id,
        line.promotion_id,
        None,
        line.system,
        line.period_start,
        line.period_end,
        line.days,
        line.cycle_days,
        line.amount,
        added,
        included,
        taxes_text,
    )
