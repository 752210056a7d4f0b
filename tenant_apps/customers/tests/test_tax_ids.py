"""Tax ids: CPF/CNPJ validated (python-stdnum), compact form kept, errors named per field."""

import pytest
from django.core.exceptions import ValidationError

from tenant_apps.customers.tax_ids import tax_id_label, validate_tax_id


@pytest.mark.parametrize(
    ("kind", "value", "compact"),
    [
        ("person", "529.982.247-25", "52998224725"),
        ("person", "52998224725", "52998224725"),
        ("person", " 111.444.777-35 ", "11144477735"),
        ("business", "11.222.333/0001-81", "11222333000181"),
        ("business", "11222333000181", "11222333000181"),
    ],
)
def test_valid_cpf_and_cnpj_are_kept_compact(kind, value, compact):
    """A valid CPF (person) or CNPJ (business) comes back as digits only."""
    assert validate_tax_id("BR", kind, value) == compact


@pytest.mark.parametrize(
    ("kind", "value", "fragment"),
    [
        ("person", "529.982.247-24", "check digits"),
        ("person", "5299822472", "number of digits"),
        ("person", "11222333000181", "number of digits"),  # a CNPJ is not a CPF
        ("business", "11.222.333/0001-80", "check digits"),
        ("business", "52998224725", "number of digits"),
        ("person", "abc", "CPF"),
        ("person", "", "required"),
    ],
)
def test_invalid_cpf_and_cnpj_raise_on_tax_id(kind, value, fragment):
    """Wrong check digits, wrong length or letters are refused with a message on tax_id."""
    with pytest.raises(ValidationError) as info:
        validate_tax_id("BR", kind, value)
    messages = info.value.message_dict["tax_id"]
    assert any(fragment in m for m in messages), messages


def test_labels_follow_country_and_kind():
    """Brazil labels person/business ids CPF/CNPJ; an unknown country gets a generic label."""
    assert tax_id_label("BR", "person") == "CPF"
    assert tax_id_label("BR", "business") == "CNPJ"
    assert tax_id_label("ZZ", "person") == "Tax id"
