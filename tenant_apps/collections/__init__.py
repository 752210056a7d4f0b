"""Collections (B2), dunning and prepaid run-time rules (S4) of issue 4.

For now only pure rules live here, as plain modules with no ORM, request or settings access
(dataclasses in, dataclasses out, ``Decimal`` only, quantized ROUND_HALF_UP to the currency's
minor unit with :func:`quantize`):

* ``allocation``: a payment allocated to the oldest open invoices first, its reversal, and the
  dunning facts (overdue invoices, debt and its age, suspend / resume);
* ``bank_return``: bank return files (a documented CSV layout and FEBRABAN CNAB 240) parsed
  into plain records with per-line errors and an idempotency key per record;
* ``prepaid``: the daily value, minimum recharge, the daily charge at a company's local
  midnight, reactivation and the prepaid <-> postpaid switches.

The app is not registered yet (no models): the services that persist these facts come later.
"""

from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0")


def quantize(amount: Decimal, places: int = 2) -> Decimal:
    """``amount`` rounded ROUND_HALF_UP to ``places`` decimals (the currency's minor unit).

    Refuses anything but a ``Decimal`` (a float would already have lost cents)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(amount).__name__}")
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
