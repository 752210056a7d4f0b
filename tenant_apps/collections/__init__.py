"""Collections (B2), dunning and prepaid run-time rules (S4) of issue 4.

The pure rules live in plain modules with no ORM, request or settings access (dataclasses in,
dataclasses out, ``Decimal`` only, quantized with :func:`tenant_apps.money.quantize`):

* ``allocation``: a payment allocated to the oldest open invoices first, its reversal, and the
  dunning facts (overdue invoices, debt and its age, suspend / resume);
* ``bank_return``: bank return files (a documented CSV layout and FEBRABAN CNAB 240) parsed
  into plain records with per-line errors and an idempotency key per record;
* ``prepaid``: the daily value, minimum recharge, the daily charge at a company's local
  midnight, reactivation and the prepaid <-> postpaid switches.

``services`` applies them to payments, allocations, bank return files and dunning (the prepaid
ones are applied by ``tenant_apps.prepaid``).
"""

from decimal import Decimal

from tenant_apps.money import quantize

__all__ = ["ZERO", "quantize"]

ZERO = Decimal("0")
