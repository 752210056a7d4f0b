"""factory-boy factories for the company apps (catalog, locations, customers, sales, ledger).

Use inside a company schema (the ``in_a1`` fixture). Amounts are Decimal.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from tenant_apps.catalog.choices import ProductRole, System, Technology
from tenant_apps.catalog.models import DeviceModel, Product, ProductDevice
from tenant_apps.customers.choices import CustomerKind, CustomerType
from tenant_apps.customers.models import Address, Contact, Customer, Group
from tenant_apps.customers.normalize import contact_normalized, fold, search_text
from tenant_apps.ledger.models import Account
from tenant_apps.locations.models import City, Zone
from tenant_apps.sales.choices import DiscountKind, PlanKind
from tenant_apps.sales.models import GroupPlan, PlanItem, PlanPromotion, SalesPlan

# Valid CPFs (check digits right) for tests that need several distinct customers.
_CPF_BASES = iter(range(100_000_000, 999_999_999, 7919))


def valid_cpf() -> str:
    """A new valid CPF (11 digits) on each call."""
    base = [int(d) for d in str(next(_CPF_BASES))]
    for weight_start in (10, 11):
        total = sum(d * w for d, w in zip(base, range(weight_start, 1, -1), strict=False))
        digit = (total * 10) % 11
        base.append(0 if digit == 10 else digit)
    return "".join(map(str, base))


class DeviceModelFactory(DjangoModelFactory):
    class Meta:
        model = DeviceModel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"DEV-{n:04d}")
    kind = "ont"
    vendor = "Acme"
    model = factory.Sequence(lambda n: f"X{n}")
    serialised = True


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PRD-{n:04d}")
    name = factory.Sequence(lambda n: f"Produto {n}")
    system = System.INTERNET
    role = ProductRole.MAIN
    technology = Technology.FTTH
    monthly_price = Decimal("99.90")
    daily_cost = Decimal("3.3300")
    provisioning = factory.LazyAttribute(
        lambda o: {
            System.INTERNET: {
                "speed_profile": "FIBRA-300",
                "download_kbps": 300_000,
                "upload_kbps": 150_000,
            },
            System.TV: {"cas_packages": ["BASIC"]},
            System.TELEPHONY: {"lines": 1, "calling_plan": "LOCAL"},
            System.VOD: {"catalogue_tier": "GOLD"},
        }[o.system]
    )


class ProductDeviceFactory(DjangoModelFactory):
    class Meta:
        model = ProductDevice

    product = factory.SubFactory(ProductFactory)
    device_model = factory.SubFactory(DeviceModelFactory)
    quantity = 1


class CityFactory(DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("name", "state")

    name = factory.Sequence(lambda n: f"Cidade {n}")
    state = "RS"


class ZoneFactory(DjangoModelFactory):
    class Meta:
        model = Zone
        django_get_or_create = ("city", "name")

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"Bairro {n}")
    technologies = factory.LazyFunction(lambda: [Technology.FTTH, Technology.HFC])


class CustomerFactory(DjangoModelFactory):
    """A customer with its account; ``search_*`` filled as the services do."""

    class Meta:
        model = Customer
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n:07d}")
    kind = CustomerKind.PERSON
    name = factory.Sequence(lambda n: f"Cliente Teste {n}")
    tax_id = factory.LazyFunction(valid_cpf)
    tax_id_country = "BR"
    customer_type = CustomerType.RESIDENTIAL
    search_name = factory.LazyAttribute(lambda o: fold(o.name))
    search_text = factory.LazyAttribute(
        lambda o: search_text(name=o.name, tax_id=o.tax_id, code=o.code)
    )

    @factory.post_generation
    def account(obj, create, extracted, **kwargs):
        if create:
            Account.objects.get_or_create(customer=obj)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    kind = "mobile"
    value = factory.Sequence(lambda n: f"(51) 99{n:07d}")
    normalized = factory.LazyAttribute(lambda o: contact_normalized(o.kind, o.value))


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Condomínio {n}")
    kind = "consortium"

    @factory.post_generation
    def account(obj, create, extracted, **kwargs):
        if create:
            Account.objects.get_or_create(group=obj)


class AddressFactory(DjangoModelFactory):
    class Meta:
        model = Address

    customer = factory.SubFactory(CustomerFactory)
    zone = factory.SubFactory(ZoneFactory)
    street = factory.Sequence(lambda n: f"Rua das Flores {n}")
    number = "100"


class SalesPlanFactory(DjangoModelFactory):
    class Meta:
        model = SalesPlan
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PLAN-{n:04d}")
    name = factory.Sequence(lambda n: f"Plano {n}")
    kind = PlanKind.POSTPAID
    valid_from = dt.date(2020, 1, 1)


class PlanItemFactory(DjangoModelFactory):
    class Meta:
        model = PlanItem

    plan = factory.SubFactory(SalesPlanFactory)
    product = factory.SubFactory(ProductFactory)
    price = None
    included = True


class PlanPromotionFactory(DjangoModelFactory):
    class Meta:
        model = PlanPromotion

    item = factory.SubFactory(PlanItemFactory)
    plan = factory.LazyAttribute(lambda o: o.item.plan)
    name = "Desconto de boas-vindas"
    discount_kind = DiscountKind.PERCENT
    value = Decimal("50.00")
    months = 3


class GroupPlanFactory(DjangoModelFactory):
    class Meta:
        model = GroupPlan

    group = factory.SubFactory(GroupFactory)
    plan = factory.SubFactory(SalesPlanFactory)
