"""customer_search: each kind of query finds its customers, and each path uses its index."""

import re

import pytest
from django.db import connection

from tenant_apps.customers.selectors import customer_search, search_plan, search_stages
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


# Each path with a query and the index that must serve each of its statements.
INDEX_PATHS = [
    ("52998224725", {"exact": ["customers_tax_id_prefix", "customers_code_upper"]}),
    ("5132221100", {"exact": ["customers_tax_id_prefix", "customers_code_upper"]}),
    ("T0000123", {"exact": ["customers_code_upper"], "name": ["customers_search_name_prefix"]}),
    (
        "maria jo",
        {"name": ["customers_search_name_prefix"], "text": ["customers_search_text_fts"]},
    ),
    ("padre chagas", {"text": ["customers_search_text_fts"]}),
]
SUBQUERY_INDEXES = {
    "52998224725": ["customers_contact_prefix", "sales_sale_number"],
    "5132221100": ["customers_contact_prefix", "sales_sale_number"],
    "T0000123": ["sales_sale_number"],
}


def _explain(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _assert_uses(text: str, index: str) -> None:
    assert "Seq Scan" not in text, text
    if index == "sales_sale_number":  # the unique constraint's indexes have generated names
        assert re.search(r"Index (Only )?Scan using sales_sale_number\w*", text), text
    else:
        assert f"using {index}" in text or f"on {index}" in text, (index, text)


@pytest.mark.parametrize(("query", "indexes"), INDEX_PATHS)
def test_every_path_uses_its_index(people, query, indexes):
    """With sequential scans disabled, each statement of the search is served by its index
    (a statement that cannot use an index still shows a Seq Scan): the expressions match
    those of the indexes exactly."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = search_plan(query)
    stages = dict(search_stages(plan, [1]))
    assert set(stages) >= set(indexes), stages
    for stage, names in indexes.items():
        text = _explain(stages[stage][:20])
        for index in names:
            _assert_uses(text, index)
    for sub in (plan.contact_ids, plan.sale_ids):
        if sub is not None:
            text = _explain(sub[:200])
            assert any(re.search(rf"using {i}\w*", text) for i in SUBQUERY_INDEXES[query]), text


def test_name_stage_is_an_ordered_index_scan(people):
    """Names starting with the query are read in the index's order (no sort of every match):
    the scan stops after ``limit`` rows even when thousands of names share the prefix."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
    stages = dict(search_stages(search_plan("maria")))
    text = _explain(stages["name"][:20])
    assert "Index Scan using customers_search_name_prefix" in text, text
    assert "Sort Key: search_name USING ~<~, id" in text or "Incremental Sort" in text, text


def test_identifiers_come_before_names_before_words(people, in_a1):
    """Exact identifiers first, then names starting with the query, then word matches."""
    from tenant_apps.factories import CustomerFactory

    CustomerFactory(name="Ouro Preto Turismo")
    assert names(customer_search("ouro")) == ["Ouro Preto Turismo", "Padaria Silva Ltda"]


def test_common_words_are_left_out_of_the_full_text(people):
    """ "rua padre chagas": the street type and short words do not widen the full-text
    look-up (they match nearly every address); the other words still find the customer."""
    plan = search_plan("Rua da Padre Chagas")
    assert plan.fts_text == "'padre':* & 'chagas':*"
    assert names(customer_search("rua padre chagas")) == ["Maria José da Silva"]
    assert search_plan("rua").fts_text == "'rua':*"
