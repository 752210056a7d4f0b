"""Taxes on invoice lines. Pure rules, no ORM, request or settings access; ``Decimal`` only.

Each company has, per system (TV, internet, telephony, VOD), a list of named tax rates, each
either *added* to the price or *included* in it.

The rule (quantized per line, with ``rating.quantize``, ROUND_HALF_UP):

- The base of every rate is the line's amount as billed (quantized; promotion lines are
  negative and lower the tax), never another tax: no tax on tax.
- *Added*: ``tax = quantize(amount x rate / 100)``, charged on top of the line.
- *Included* (the Brazilian "por dentro" way, as ICMS, PIS and COFINS are shown on a telecom
  invoice): the rate is the share of the price that is tax,
  ``tax = quantize(amount x rate / 100)``; the price does not change.
- An invoice's tax per rate is the sum of that rate's line taxes (not a recomputation on the
  invoice total), so the lines always add up to the invoice. The amount due is the sum of the
  lines plus the added taxes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .rating import HUNDRED, ZERO, Invoice, Line, quantize

ADDED = "added"
INCLUDED = "included"


@dataclass(frozen=True)
class TaxRate:
    """A named rate in percent (``Decimal("25")`` is 25 %), added to or included in the price."""

    name: str
    rate: Decimal
    mode: str

    def __post_init__(self) -> None:
        if self.mode not in (ADDED, INCLUDED):
            raise ValueError(f"unknown tax mode {self.mode!r}")
        if not isinstance(self.rate, Decimal) or self.rate < 0:
            raise ValueError("a tax rate is a non-negative Decimal")


# A company's tax set-up: system -> its rates.
TaxTable = Mapping[str, tuple[TaxRate, ...]]


@dataclass(frozen=True)
class TaxAmount:
    name: str
    mode: str
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True)
class TaxedLine:
    line: Line
    taxes: tuple[TaxAmount, ...]

    @property
    def added(self) -> Decimal:
        return sum((t.amount for t in self.taxes if t.mode == ADDED), ZERO)

    @property
    def included(self) -> Decimal:
        return sum((t.amount for t in self.taxes if t.mode == INCLUDED), ZERO)

    @property
    def total(self) -> Decimal:
        """What the line costs the customer: its amount plus the added taxes."""
        return self.line.amount + self.added


@dataclass(frozen=True)
class TaxedInvoice:
    invoice: Invoice
    lines: tuple[TaxedLine, ...]
    taxes: tuple[TaxAmount, ...]
    systems_without_rates: tuple[str, ...]

    @property
    def subtotal(self) -> Decimal:
        return self.invoice.total

    @property
    def added(self) -> Decimal:
        return sum((line.added for line in self.lines), ZERO)

    @property
    def included(self) -> Decimal:
        return sum((line.included for line in self.lines), ZERO)

    @property
    def total(self) -> Decimal:
        """The amount due: the lines plus the added taxes."""
        return self.subtotal + self.added


def line_taxes(
    amount: Decimal, rates: Iterable[TaxRate], decimals: int = 2
) -> tuple[TaxAmount, ...]:
    """The tax of each rate on a line of ``amount`` (see the module's rule)."""
    return tuple(
        TaxAmount(r.name, r.mode, r.rate, quantize(amount * r.rate / HUNDRED, decimals))
        for r in rates
    )


def tax_invoice(invoice: Invoice, table: TaxTable, decimals: int = 2) -> TaxedInvoice:
    """Taxes per line and per invoice. Per invoice, one entry per (name, mode, rate) in the
    order first met; ``systems_without_rates`` lists the systems of lines the table has no
    rate for (an exception the billing preview reports)."""
    taxed = []
    totals: dict[tuple[str, str, Decimal], Decimal] = {}
    missing: list[str] = []
    for line in invoice.lines:
        rates = table.get(line.system, ())
        if not rates and line.system not in missing:
            missing.append(line.system)
        taxes = line_taxes(line.amount, rates, decimals)
        taxed.append(TaxedLine(line, taxes))
        for t in taxes:
            key = (t.name, t.mode, t.rate)
            totals[key] = totals.get(key, ZERO) + t.amount
    return TaxedInvoice(
        invoice=invoice,
        lines=tuple(taxed),
        taxes=tuple(TaxAmount(n, m, r, a) for (n, m, r), a in totals.items()),
        systems_without_rates=tuple(missing),
    )
