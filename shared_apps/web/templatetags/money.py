"""``{% money amount %}``: an amount in the company's currency, in the user's language.

"R$ 1.234,56" in pt-BR, "R$1,234.56" style grouping in en; the currency (and its minor
units) comes from the company's parameters, read once per request.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()

SYMBOLS = {
    "BRL": "R$",
    "USD": "US$",
    "EUR": "€",
    "ARS": "$",
    "CLP": "$",
    "COP": "$",
    "MXN": "$",
    "PEN": "S/",
    "PYG": "₲",
    "UYU": "$U",
}


def _currency(context) -> tuple[str, int]:
    request = context.get("request")
    cached = getattr(request, "_money_currency", None)
    if cached is not None:
        return cached
    from tenant_apps.parameters.selectors import company_parameters

    try:
        params = company_parameters()
        found = (params.currency, params.currency_decimals)
    except RuntimeError:  # public schema: no company currency
        found = ("", 2)
    if request is not None:
        request._money_currency = found
    return found


@register.simple_tag(takes_context=True)
def money(context, value) -> str:
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    currency, places = _currency(context)
    text = number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    symbol = SYMBOLS.get(currency, currency)
    return f"{symbol}\N{NO-BREAK SPACE}{text}" if symbol else text
