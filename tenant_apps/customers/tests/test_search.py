"""customer_search: each kind of query finds its customers, and each path uses its index."""

import re

import pytest
from django.db import connection

from tenant_apps.customers.selectors import customer_search, search_plan, search_queryset
from tenant_apps.customers.services import address_add, contact_add, customer_create
from tenant_apps.factories import ZoneFactory

from .factories import ACTOR, subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(in_a1):
    zone = ZoneFactory(name="Moinhos de Vento")
    maria = customer_create(
        actor=ACTOR,
        kind="person",
        name="Maria José da Silva",
        tax_id="529.982.247-25",
        customer_type="residential",
        contacts=[{"kind": "mobile", "value": "(51) 99876-5432"}],
        address={"zone": zone, "street": "Rua Padre Chagas", "number": "300"},
    )
    marcos = customer_create(
        actor=ACTOR,
        kind="person",
        name="Márcio Álvares",
        tax_id="111.444.777-35",
        customer_type="residential",
        contacts=[{"kind": "phone", "value": "51 3222-1100"}],
    )
    padaria = customer_create(
        actor=ACTOR,
        kind="business",
        name="Padaria Silva Ltda",
        trade_name="Pão de Ouro",
        tax_id="11.222.333/0001-81",
        customer_type="business",
    )
    sub = subscribe(
        padaria,
        address_add(actor=ACTOR, customer=padaria, zone=zone, street="Av. Ipiranga", number="10"),
    )
    contact_add(actor=ACTOR, customer=padaria, kind="email", value="contato@paodeouro.com.br")
    return {"maria": maria, "marcos": marcos, "padaria": padaria, "sale": sub.sale}


def names(rows):
    return [c.name for c in rows]


def test_tax_id_exact_cpf_and_cnpj(people):
    """11 or 14 digits (formatted or not) find the customer with that CPF/CNPJ."""
    assert names(customer_search("529.982.247-25")) == ["Maria José da Silva"]
    assert names(customer_search("11222333000181")) == ["Padaria Silva Ltda"]
    assert search_plan("52998224725").kind == "tax_id"


def test_eleven_digit_mobile_number_is_found_too(people):
    """A Brazilian mobile has 11 digits, like a CPF: the exact phone is looked up as well."""
    assert names(customer_search("51998765432")) == ["Maria José da Silva"]


def test_phone_exact_and_prefix_and_tax_id_prefix(people):
    """Other digit strings of 8 or more: phone exact or prefix, tax id prefix."""
    assert names(customer_search("5132221100")) == ["Márcio Álvares"]
    assert names(customer_search("(51) 3222")) == []  # 6 digits: not a phone
    assert names(customer_search("51 3222-11")) == ["Márcio Álvares"]  # prefix
    assert names(customer_search("11222333")) == ["Padaria Silva Ltda"]  # tax id prefix
    assert search_plan("51 3222-11").kind == "phone"


def test_customer_number_and_contract_number(people):
    """A customer number or a contract number (case-insensitive) finds its customer."""
    assert names(customer_search(people["marcos"].code)) == ["Márcio Álvares"]
    number = people["sale"].number
    assert names(customer_search(number)) == ["Padaria Silva Ltda"]
    assert names(customer_search(number.lower())) == ["Padaria Silva Ltda"]


def test_name_prefix_ignores_case_and_accents(people):
    """The folded name's prefix: "marc" finds Márcio, "MARIA JOSE" finds Maria José."""
    assert names(customer_search("marc")) == ["Márcio Álvares"]
    assert names(customer_search("MARIA JOSE")) == ["Maria José da Silva"]


def test_words_anywhere_full_text(people):
    """Words of the name, trade name, e-mail or address, each as a prefix, in any order."""
    assert names(customer_search("silva")) == ["Maria José da Silva", "Padaria Silva Ltda"]
    assert names(customer_search("ouro pão")) == ["Padaria Silva Ltda"]
    assert names(customer_search("padre chag")) == ["Maria José da Silva"]
    assert names(customer_search("moinhos")) == ["Maria José da Silva", "Padaria Silva Ltda"]
    assert names(customer_search("contato@paodeouro.com.br")) == ["Padaria Silva Ltda"]
    assert names(customer_search("alvares márcio")) == ["Márcio Álvares"]
    assert customer_search("zebra") == []
    assert customer_search("   ") == []


def test_results_are_ordered_by_name_and_limited(people):
    """Ordered by name, at most ``limit``; filters narrow the results."""
    assert names(customer_search("silva", limit=1)) == ["Maria José da Silva"]
    assert names(customer_search("silva", kind="business")) == ["Padaria Silva Ltda"]
    assert names(customer_search("silva", status="active")) == ["Padaria Silva Ltda"]


def test_special_characters_do_not_break_the_query(people):
    """Quotes, colons and tsquery operators are plain text."""
    for query in ["o'neil", "a:b & c | !d", "100%", "silva)", "*"]:
        customer_search(query)


# Each path with a query and the index that must serve it.
INDEX_PATHS = [
    ("52998224725", ["customers_tax_id_prefix", "customers_contact_prefix"]),
    ("5132221100", ["customers_tax_id_prefix", "customers_contact_prefix"]),
    ("T0000123", ["customers_code_upper", "sales_sale_number"]),
    ("maria jo", ["customers_search_name_prefix", "customers_search_text_fts"]),
    ("padre chagas", ["customers_search_name_prefix", "customers_search_text_fts"]),
]


def _explain(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.parametrize(("query", "indexes"), INDEX_PATHS)
def test_every_path_uses_its_index(people, query, indexes):
    """With sequential scans disabled, each statement of the search is served by its index
    (a plan that cannot use an index still shows a Seq Scan): the expressions match those of
    the indexes exactly."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = search_plan(query)
    plans = [_explain(search_queryset(plan, [1]).order_by("search_name", "id")[:20])]
    for sub in (plan.contact_ids, plan.sale_ids):
        if sub is not None:
            plans.append(_explain(sub[:200]))
    text = "\n".join(plans)
    assert "Seq Scan" not in text, text
    for index in indexes:
        if index == "sales_sale_number":
            assert re.search(r"Index (Only )?Scan using sales_sale_number\w*", text), text
        else:
            assert index in text, (index, text)
