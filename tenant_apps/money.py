"""The one rounding rule for money (pure: no ORM, request or settings).

Amounts are ``Decimal``, never float, quantized to the currency's minor unit
(``parameters.choices.CURRENCY_DECIMALS``: 2 places, 0 for CLP and PYG) with ROUND_HALF_UP:
halves away from zero, so 1.005 is 1.01 and -1.005 is -1.01. Billing's rating and taxes,
collections, prepaid and the ledger all round through :func:`quantize`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

_EXPONENTS = {places: Decimal(1).scaleb(-places) for places in range(5)}


def quantize(amount: Decimal, places: int = 2) -> Decimal:
    """``amount`` rounded ROUND_HALF_UP to ``places`` decimals. Refuses anything but a
    ``Decimal`` (a float would already have lost cents)."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(amount).__name__}")
    exponent = _EXPONENTS.get(places) or Decimal(1).scaleb(-places)
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)
