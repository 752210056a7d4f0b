"""The money tag shows an amount in the company's currency and the user's language."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

pytestmark = pytest.mark.django_db

TEMPLATE = Template("{% load money %}{% money value %}")


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [
        ("pt-br", Decimal("1234.5"), "R$\u00a01.234,50"),
        ("en", Decimal("1234.5"), "R$\u00a01,234.50"),
        ("es", Decimal("0"), "R$\u00a00,00"),
        ("pt-br", "99.90", "R$\u00a099,90"),
        ("pt-br", None, ""),
    ],
)
def test_amounts_in_the_company_currency_and_user_language(in_a1, language, value, expected):
    request = RequestFactory().get("/")
    with translation.override(language):
        assert TEMPLATE.render(Context({"request": request, "value": value})) == expected


def test_the_currency_follows_the_company_parameters(in_a1):
    """A company billing in euros shows euros."""
    from tenant_apps.parameters.models import CompanyParameters

    CompanyParameters.objects.update(currency="EUR")
    with translation.override("pt-br"):
        text = TEMPLATE.render(Context({"request": RequestFactory().get("/"), "value": "10"}))
    assert text == "€\u00a010,00"
