"""Customer services: registration, edits, contacts, addresses, groups, contact records."""

import pytest
from django.core.exceptions import ValidationError

from shared_apps.audit.actor import Actor
from shared_apps.audit.models import AuditEvent
from tenant_apps.customers.models import Contact, ContactRecord, Customer, Group
from tenant_apps.customers.services import (
    address_add,
    address_update,
    contact_add,
    contact_record_create,
    contact_remove,
    customer_create,
    customer_status_refresh,
    customer_update,
    group_create,
    group_update,
)
from tenant_apps.factories import GroupFactory, ZoneFactory
from tenant_apps.ledger.models import Account
from tenant_apps.parameters.models import DocumentSeries

from .factories import ACTOR, subscribe

pytestmark = pytest.mark.django_db

CPF = "529.982.247-25"
CNPJ = "11.222.333/0001-81"


def _history(customer):
    return list(
        AuditEvent.objects.filter(
            object_type="customers.customer", object_id=str(customer.pk)
        ).values_list("action", flat=True)
    )


def test_create_person_with_contacts_and_address(in_a1):
    """A customer gets the next customer number, a compact tax id, its contacts (phones as
    digits), its first address, an account, search fields and an audit trail on itself."""
    zone = ZoneFactory(name="Bela Vista")
    series = DocumentSeries.objects.get(kind="customer")
    expected_code = series.format(series.next_number)
    customer = customer_create(
        actor=ACTOR,
        kind="person",
        name="  João D'Ávila ",
        tax_id=CPF,
        customer_type="residential",
        contacts=[
            {"kind": "mobile", "value": "(51) 99999-1234", "is_primary": True},
            {"kind": "email", "value": "joao@example.com"},
        ],
        address={"zone": zone, "street": "Rua Ramiro Barcelos", "number": "1500"},
    )
    assert customer.code == expected_code
    assert customer.tax_id == "52998224725"
    assert customer.name == "João D'Ávila"
    assert customer.status == "prospect"
    assert Account.objects.filter(customer=customer).exists()
    assert sorted(customer.contacts.values_list("normalized", flat=True)) == [
        "51999991234",
        "joao@example.com",
    ]
    assert customer.addresses.get().zone == zone
    assert customer.search_name == "joao d'avila"
    for word in ("joao", "52998224725", "51999991234", "ramiro", "1500", "bela", expected_code):
        assert word in customer.search_text.split(), word
    assert _history(customer) == [
        "customers.address_add",
        "customers.contact_add",
        "customers.contact_add",
        "customers.create",
    ]


def test_create_business_with_cnpj(in_a1):
    """A business is registered with its CNPJ and trade name."""
    customer = customer_create(
        actor=ACTOR,
        kind="business",
        name="Padaria Pão Quente Ltda",
        trade_name="Pão Quente",
        tax_id=CNPJ,
        customer_type="business",
    )
    assert customer.tax_id == "11222333000181"
    assert "quente" in customer.search_text.split()


@pytest.mark.parametrize(
    ("kind", "tax_id"),
    [("person", "529.982.247-24"), ("business", CPF), ("person", "")],
)
def test_invalid_tax_id_is_a_field_error_and_writes_nothing(in_a1, kind, tax_id):
    """An invalid tax id (or a CPF for a business) is refused on tax_id; no number is used."""
    series_before = DocumentSeries.objects.get(kind="customer").next_number
    count = Customer.objects.count()
    with pytest.raises(ValidationError) as info:
        customer_create(
            actor=ACTOR, kind=kind, name="X", tax_id=tax_id, customer_type="residential"
        )
    assert "tax_id" in info.value.message_dict
    assert Customer.objects.count() == count
    assert DocumentSeries.objects.get(kind="customer").next_number == series_before


def test_duplicate_tax_id_is_refused_on_tax_id(in_a1):
    """Two customers cannot share a tax id in one company (formatted or not)."""
    customer_create(actor=ACTOR, kind="person", name="A", tax_id=CPF, customer_type="residential")
    with pytest.raises(ValidationError) as info:
        customer_create(
            actor=ACTOR, kind="person", name="B", tax_id="52998224725", customer_type="residential"
        )
    assert "already exists" in info.value.message_dict["tax_id"][0]


def test_bad_first_contact_rolls_back_everything(in_a1):
    """A bad contact in the registration is named (contacts.0.value); nothing is written."""
    count = Customer.objects.count()
    with pytest.raises(ValidationError) as info:
        customer_create(
            actor=ACTOR,
            kind="person",
            name="A",
            tax_id=CPF,
            customer_type="residential",
            contacts=[{"kind": "email", "value": "not-an-email"}],
        )
    assert "contacts.0.value" in info.value.message_dict
    assert Customer.objects.count() == count


def test_first_address_needs_a_zone(in_a1):
    """The first address without a zone is refused on address.zone."""
    with pytest.raises(ValidationError) as info:
        customer_create(
            actor=ACTOR,
            kind="person",
            name="A",
            tax_id=CPF,
            customer_type="residential",
            address={"street": "Rua X", "number": "1"},
        )
    assert "address.zone" in info.value.message_dict


def test_update_revalidates_tax_id_and_refreshes_search(in_a1):
    """Changing the name refreshes the search fields; a bad or duplicate tax id is refused;
    the change is audited with before/after."""
    customer = customer_create(
        actor=ACTOR, kind="person", name="Ana", tax_id=CPF, customer_type="residential"
    )
    other = customer_create(
        actor=ACTOR, kind="person", name="Bia", tax_id="111.444.777-35", customer_type="residential"
    )
    customer = customer_update(actor=ACTOR, customer=customer, data={"name": "Ana Souza"})
    assert customer.search_name == "ana souza"
    assert "souza" in customer.search_text.split()
    event = AuditEvent.objects.filter(action="customers.update").latest("id")
    assert event.changes["name"] == ["Ana", "Ana Souza"]
    assert event.object_id == str(customer.pk)
    with pytest.raises(ValidationError) as info:
        customer_update(actor=ACTOR, customer=customer, data={"tax_id": other.tax_id})
    assert "tax_id" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        customer_update(actor=ACTOR, customer=customer, data={"tax_id": "123"})
    assert "tax_id" in info.value.message_dict
    customer.refresh_from_db()
    assert customer.tax_id == "52998224725"


def test_status_is_not_editable_by_update(in_a1):
    """The status is derived: customer_update ignores it."""
    customer = customer_create(
        actor=ACTOR, kind="person", name="Ana", tax_id=CPF, customer_type="residential"
    )
    customer_update(actor=ACTOR, customer=customer, data={"status": "active"})
    customer.refresh_from_db()
    assert customer.status == "prospect"


def test_status_derived_from_subscriptions(in_a1):
    """customer_status_refresh stores the status derived from the subscriptions."""
    customer = customer_create(
        actor=ACTOR, kind="person", name="Ana", tax_id=CPF, customer_type="residential"
    )
    address = address_add(
        actor=ACTOR, customer=customer, zone=ZoneFactory(), street="R", number="1"
    )
    sub = subscribe(customer, address, status="pending")
    customer.refresh_from_db()
    assert customer.status == "pending"
    sub.status = "active"
    sub.save()
    assert customer_status_refresh(customer_id=customer.pk) == "active"


def test_contacts_normalized_validated_and_removed(in_a1):
    """Phones are searched by their digits; bad phones/e-mails and duplicates are refused on
    value; removing a contact takes it out of the search text."""
    customer = customer_create(
        actor=ACTOR, kind="person", name="Ana", tax_id=CPF, customer_type="residential"
    )
    phone = contact_add(actor=ACTOR, customer=customer, kind="phone", value="+55 (51) 3333-2222")
    assert phone.normalized == "555133332222"
    customer.refresh_from_db()
    assert "555133332222" in customer.search_text.split()
    for kind, value in [("phone", "12-34"), ("email", "ana@"), ("phone", "+55 (51) 33332222")]:
        with pytest.raises(ValidationError) as info:
            contact_add(actor=ACTOR, customer=customer, kind=kind, value=value)
        assert "value" in info.value.message_dict, (kind, value)
    email = contact_add(actor=ACTOR, customer=customer, kind="email", value="Ana@Example.COM")
    assert email.normalized == "ana@example.com"
    contact_remove(actor=ACTOR, contact=phone)
    customer.refresh_from_db()
    assert "555133332222" not in customer.search_text.split()
    assert list(Contact.objects.filter(customer=customer)) == [email]
    assert "customers.contact_remove" in _history(customer)


def test_primary_contact_is_unique(in_a1):
    """Marking a contact primary clears the previous primary."""
    customer = customer_create(
        actor=ACTOR, kind="person", name="Ana", tax_id=CPF, customer_type="residential"
    )
    first = contact_add(
        actor=ACTOR, customer=customer, kind="mobile", value="51999990000", is_primary=True
    )
    second = contact_add(
        actor=ACTOR, customer=customer, kind="mobile", value="51999990001", is_primary=True
    )
    first.refresh_from_db()
    assert not first.is_primary and second.is_primary


def test_addresses_zone_required_group_optional(in_a1):
    """An address needs a zone; a group is optional; updates are audited on the customer and
    refresh the search text."""
    customer = customer_create(
        actor=ACTOR, kind="person", name="Ana", tax_id=CPF, customer_type="residential"
    )
    with pytest.raises(ValidationError) as info:
        address_add(actor=ACTOR, customer=customer, zone=None, street="Rua A", number="1")
    assert "zone" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        address_add(actor=ACTOR, customer=customer, zone=ZoneFactory(), street="", number="1")
    assert "street" in info.value.message_dict
    group = GroupFactory(name="Condomínio Solar")
    address = address_add(
        actor=ACTOR,
        customer=customer,
        zone=ZoneFactory(),
        street="Rua Girassol",
        number="7",
        group=group,
    )
    assert address.group == group
    address = address_update(actor=ACTOR, address=address, data={"street": "Rua Margarida"})
    customer.refresh_from_db()
    assert "margarida" in customer.search_text.split()
    assert "girassol" not in customer.search_text.split()
    event = AuditEvent.objects.filter(action="customers.address_update").latest("id")
    assert event.object_id == str(customer.pk)
    assert event.changes["street"] == ["Rua Girassol", "Rua Margarida"]
    with pytest.raises(ValidationError) as info:
        address_update(actor=ACTOR, address=address, data={"zone": None})
    assert "zone" in info.value.message_dict


def test_group_create_opens_its_account_and_validates_cnpj(in_a1):
    """A group gets its own account; its tax id, when given, must be a valid CNPJ."""
    group = group_create(actor=ACTOR, name="Shopping Norte", kind="shopping", tax_id=CNPJ)
    assert group.tax_id == "11222333000181"
    assert Account.objects.filter(group=group).exists()
    with pytest.raises(ValidationError) as info:
        group_create(actor=ACTOR, name="X", kind="consortium", tax_id="11.222.333/0001-80")
    assert "tax_id" in info.value.message_dict
    with pytest.raises(ValidationError) as info:
        group_update(actor=ACTOR, group=group, data={"name": ""})
    assert "name" in info.value.message_dict
    group = group_update(actor=ACTOR, group=group, data={"name": "Shopping Norte II"})
    assert Group.objects.get(pk=group.pk).name == "Shopping Norte II"
    assert AuditEvent.objects.filter(action="customers.group_update", object_id=str(group.pk))


def test_contact_record_takes_agent_from_actor(in_a1, world):
    """A contact record names the agent and branch of the actor; it is audited on the
    customer; bad channel or empty reason are field errors."""
    customer = customer_create(
        actor=ACTOR, kind="person", name="Ana", tax_id=CPF, customer_type="residential"
    )
    branch = world.branches["a-one-service"]
    actor = Actor.for_user(world.users["a1_atendente"], branch=branch)
    record = contact_record_create(
        actor=actor,
        customer=customer,
        channel="phone",
        reason="Slow internet",
        answer="Restarted the ONT",
        actions="Opened a ticket",
    )
    assert (record.agent_label, record.agent_user_id, record.branch_id) == (
        "a1_atendente",
        world.users["a1_atendente"].pk,
        branch.pk,
    )
    assert "customers.contact_record" in _history(customer)
    for bad in ({"channel": "fax", "reason": "x"}, {"channel": "phone", "reason": " "}):
        with pytest.raises(ValidationError) as info:
            contact_record_create(actor=actor, customer=customer, **bad)
        assert set(info.value.message_dict) & {"channel", "reason"}
    assert ContactRecord.objects.filter(customer=customer).count() == 1
