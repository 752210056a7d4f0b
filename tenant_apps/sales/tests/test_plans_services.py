"""Sales plan services (S1, S2, S3): every rule refuses field by field, writes nothing when it
refuses, and every change is audited. Selectors read plans sellable on a date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from shared_apps.audit.actor import Actor
from shared_apps.audit.models import AuditEvent
from tenant_apps.factories import (
    AddressFactory,
    CityFactory,
    DeviceModelFactory,
    GroupFactory,
    PlanItemFactory,
    PlanPromotionFactory,
    ProductDeviceFactory,
    ProductFactory,
    SalesPlanFactory,
    ZoneFactory,
)
from tenant_apps.sales.choices import DiscountKind, PlanKind
from tenant_apps.sales.models import (
    PlanDevice,
    PlanItem,
    PlanPromotion,
    Sale,
    SalesPlan,
    Subscription,
)
from tenant_apps.sales.plans_selectors import (
    plan_detail,
    plan_list,
    plan_min_recharge,
    plans_sellable_on,
)
from tenant_apps.sales.services import plans as svc

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("tests")


def _plan_data(**overrides):
    data = {
        "code": "FIBRA-300",
        "name": "Fibra 300",
        "kind": PlanKind.POSTPAID,
        "valid_from": dt.date(2026, 1, 1),
        "valid_until": dt.date(2026, 12, 31),
        "customer_types": ["residential"],
        "max_debt": Decimal("50.00"),
        "max_overdue_days": 30,
        "installation_fee": Decimal("120.00"),
        "free_installation": False,
        "min_recharge": None,
        "is_active": True,
    }
    data.update(overrides)
    return data


def _refused(call, field: str) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call()
    assert field in info.value.message_dict, info.value.message_dict
    return info.value


# --- plans -------------------------------------------------------------------------------


def test_plan_create_saves_conditions_and_audits(in_a1):
    """A plan is created with its conditions, cities and zones, and the creation is audited."""
    city = CityFactory()
    zone = ZoneFactory(city=city)
    plan = svc.plan_create(actor=ACTOR, data=_plan_data(cities=[city], zones=[zone]))
    plan.refresh_from_db()
    assert plan.customer_types == ["residential"]
    assert list(plan.cities.all()) == [city]
    assert list(plan.zones.all()) == [zone]
    assert plan.installation_fee == Decimal("120.00")
    event = AuditEvent.objects.get(action="plan.create", object_id=str(plan.pk))
    assert event.changes["code"] == [None, "FIBRA-300"]
    assert event.changes["zones"] == [None, [zone.pk]]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"valid_until": dt.date(2025, 12, 31)}, "valid_until"),
        ({"free_installation": True, "installation_fee": Decimal("10.00")}, "installation_fee"),
        ({"installation_fee": Decimal("-1.00")}, "installation_fee"),
        ({"min_recharge": Decimal("20.00")}, "min_recharge"),  # postpaid
        ({"kind": PlanKind.PREPAID, "min_recharge": Decimal("0")}, "min_recharge"),
        ({"code": "fibra 300"}, "code"),
        ({"code": ""}, "code"),
        ({"name": ""}, "name"),
        ({"kind": "weekly"}, "kind"),
        ({"max_debt": Decimal("-0.01")}, "max_debt"),
        ({"max_debt": Decimal("1.234")}, "max_debt"),
        ({"customer_types": ["vip"]}, "customer_types"),
        ({"customer_types": ["business", "business"]}, "customer_types"),
        ({"valid_from": None}, "valid_from"),
    ],
)
def test_plan_create_refuses_field_by_field(in_a1, overrides, field):
    """Each bad condition is refused on its own field, and nothing is written."""
    before = (SalesPlan.objects.count(), AuditEvent.objects.count())
    _refused(lambda: svc.plan_create(actor=ACTOR, data=_plan_data(**overrides)), field)
    assert (SalesPlan.objects.count(), AuditEvent.objects.count()) == before


def test_plan_free_installation_with_no_fee_and_prepaid_min_recharge_are_accepted(in_a1):
    """Free installation with fee 0 is fine; a prepaid plan may set its minimum recharge."""
    plan = svc.plan_create(
        actor=ACTOR,
        data=_plan_data(
            kind=PlanKind.PREPAID,
            free_installation=True,
            installation_fee=Decimal("0"),
            min_recharge=Decimal("15.00"),
            valid_until=dt.date(2026, 1, 1),  # one-day plan: until == from is valid
        ),
    )
    assert plan.min_recharge == Decimal("15.00")


def test_plan_create_refuses_zone_outside_the_plans_cities(in_a1):
    """With cities chosen, every zone must be in one of them."""
    porto, canoas = CityFactory(name="Porto Alegre"), CityFactory(name="Canoas")
    zone = ZoneFactory(city=canoas)
    _refused(
        lambda: svc.plan_create(actor=ACTOR, data=_plan_data(cities=[porto], zones=[zone])),
        "zones",
    )
    assert not SalesPlan.objects.filter(code="FIBRA-300").exists()


def test_plan_duplicate_code_is_refused_on_code(in_a1):
    """Plan codes are unique."""
    SalesPlanFactory(code="FIBRA-300")
    _refused(lambda: svc.plan_create(actor=ACTOR, data=_plan_data()), "code")


def test_plan_update_changes_only_given_fields_and_audits_the_diff(in_a1):
    """An update keeps the fields not given and records old and new values."""
    city = CityFactory()
    plan = svc.plan_create(actor=ACTOR, data=_plan_data(cities=[city]))
    plan = svc.plan_update(
        actor=ACTOR, plan=plan, data={"name": "Fibra 300 Mais", "is_active": False}
    )
    plan.refresh_from_db()
    assert (plan.name, plan.is_active, plan.code) == ("Fibra 300 Mais", False, "FIBRA-300")
    assert list(plan.cities.all()) == [city]
    event = AuditEvent.objects.filter(action="plan.update", object_id=str(plan.pk)).get()
    assert event.changes == {"name": ["Fibra 300", "Fibra 300 Mais"], "is_active": [True, False]}


def test_plan_update_refusal_leaves_the_row_untouched(in_a1):
    """A refused update changes nothing."""
    plan = svc.plan_create(actor=ACTOR, data=_plan_data())
    _refused(
        lambda: svc.plan_update(
            actor=ACTOR, plan=plan, data={"name": "X", "valid_until": dt.date(2020, 1, 1)}
        ),
        "valid_until",
    )
    plan.refresh_from_db()
    assert plan.name == "Fibra 300"


def test_plan_turning_prepaid_needs_daily_cost_on_every_product(in_a1):
    """A plan cannot become prepaid while one of its products has no daily cost."""
    plan = SalesPlanFactory()
    PlanItemFactory(plan=plan, product=ProductFactory(name="Sem custo", daily_cost=Decimal("0")))
    error = _refused(
        lambda: svc.plan_update(actor=ACTOR, plan=plan, data={"kind": PlanKind.PREPAID}), "kind"
    )
    assert "Sem custo" in error.message_dict["kind"][0]
    plan.refresh_from_db()
    assert plan.kind == PlanKind.POSTPAID


def test_plan_turning_postpaid_with_min_recharge_is_refused(in_a1):
    """A minimum recharge only belongs to prepaid plans."""
    plan = SalesPlanFactory(kind=PlanKind.PREPAID, min_recharge=Decimal("10.00"))
    _refused(
        lambda: svc.plan_update(actor=ACTOR, plan=plan, data={"kind": PlanKind.POSTPAID}),
        "min_recharge",
    )
    svc.plan_update(actor=ACTOR, plan=plan, data={"kind": PlanKind.POSTPAID, "min_recharge": None})
    plan.refresh_from_db()
    assert plan.kind == PlanKind.POSTPAID


# --- items -------------------------------------------------------------------------------


def test_item_add_copies_the_products_devices_merging_shared_models(in_a1):
    """Adding a product adds the device models it needs; a model already in the plan keeps
    the larger quantity."""
    plan = SalesPlanFactory()
    ont = DeviceModelFactory(code="ONT-1")
    router = DeviceModelFactory(code="RTR-1")
    internet, phone = ProductFactory(), ProductFactory(system="telephony")
    ProductDeviceFactory(product=internet, device_model=ont, quantity=1)
    ProductDeviceFactory(product=internet, device_model=router, quantity=1)
    ProductDeviceFactory(product=phone, device_model=ont, quantity=2)
    svc.plan_item_add(actor=ACTOR, plan=plan, product=internet, price=Decimal("89.90"))
    svc.plan_item_add(actor=ACTOR, plan=plan, product=phone)
    devices = {d.device_model.code: d.quantity for d in PlanDevice.objects.filter(plan=plan)}
    assert devices == {"ONT-1": 2, "RTR-1": 1}
    items = {i.product_id: i.effective_price for i in PlanItem.objects.filter(plan=plan)}
    assert items == {internet.pk: Decimal("89.90"), phone.pk: phone.monthly_price}
    assert AuditEvent.objects.filter(action="plan.item_add").count() == 2


def test_item_add_without_devices(in_a1):
    """with_devices=False leaves the plan's devices alone."""
    plan = SalesPlanFactory()
    product = ProductFactory()
    ProductDeviceFactory(product=product)
    svc.plan_item_add(actor=ACTOR, plan=plan, product=product, with_devices=False)
    assert not PlanDevice.objects.filter(plan=plan).exists()


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("duplicate", "product"),
        ("inactive", "product"),
        ("prepaid_without_daily_cost", "product"),
        ("negative_price", "price"),
        ("too_many_decimals", "price"),
    ],
)
def test_item_add_refuses(in_a1, case, field):
    """Each bad product is refused on its field, and nothing is written."""
    plan = SalesPlanFactory(kind=PlanKind.PREPAID if case.startswith("prepaid") else "postpaid")
    product = ProductFactory(
        is_active=case != "inactive",
        daily_cost=Decimal("0") if case.startswith("prepaid") else Decimal("1.0000"),
    )
    ProductDeviceFactory(product=product)
    price = {"negative_price": Decimal("-1"), "too_many_decimals": Decimal("9.999")}.get(case)
    if case == "duplicate":
        PlanItemFactory(plan=plan, product=product)
    count = PlanItem.objects.filter(plan=plan).count()
    _refused(lambda: svc.plan_item_add(actor=ACTOR, plan=plan, product=product, price=price), field)
    assert PlanItem.objects.filter(plan=plan).count() == count
    assert not PlanDevice.objects.filter(plan=plan).exists()


def test_item_update_price_and_back_to_catalog(in_a1):
    """The plan's price can be set and cleared (back to the catalog's)."""
    item = PlanItemFactory(product=ProductFactory(monthly_price=Decimal("100.00")))
    item = svc.plan_item_update(actor=ACTOR, item=item, data={"price": Decimal("80.00")})
    assert item.effective_price == Decimal("80.00")
    item = svc.plan_item_update(actor=ACTOR, item=item, data={"price": None, "included": False})
    item.refresh_from_db()
    assert (item.effective_price, item.included) == (Decimal("100.00"), False)
    event = AuditEvent.objects.filter(action="plan.item_update").latest("id")
    assert event.changes == {"price": ["80.00", None], "included": [True, False]}


def test_item_update_refuses_a_price_below_a_fixed_promotion(in_a1):
    """A fixed discount may not exceed the product's price in the plan."""
    item = PlanItemFactory(price=Decimal("100.00"))
    PlanPromotionFactory(item=item, discount_kind=DiscountKind.FIXED, value=Decimal("60.00"))
    _refused(
        lambda: svc.plan_item_update(actor=ACTOR, item=item, data={"price": Decimal("50.00")}),
        "price",
    )
    item.refresh_from_db()
    assert item.price == Decimal("100.00")


def test_item_remove_drops_promotions_and_devices_only_it_needed(in_a1):
    """Removing a product removes its promotions and the devices no other product needs."""
    plan = SalesPlanFactory()
    ont, stb = DeviceModelFactory(code="ONT-9"), DeviceModelFactory(code="STB-9")
    internet, tv = ProductFactory(), ProductFactory(system="tv")
    ProductDeviceFactory(product=internet, device_model=ont)
    ProductDeviceFactory(product=tv, device_model=ont)
    ProductDeviceFactory(product=tv, device_model=stb)
    svc.plan_item_add(actor=ACTOR, plan=plan, product=internet)
    tv_item = svc.plan_item_add(actor=ACTOR, plan=plan, product=tv)
    PlanPromotionFactory(item=tv_item)
    svc.plan_item_remove(actor=ACTOR, item=tv_item)
    assert list(PlanItem.objects.filter(plan=plan).values_list("product", flat=True)) == [
        internet.pk
    ]
    assert not PlanPromotion.objects.filter(plan=plan).exists()
    assert [d.device_model.code for d in PlanDevice.objects.filter(plan=plan)] == ["ONT-9"]
    assert AuditEvent.objects.filter(action="plan.item_remove").exists()


def test_item_remove_refused_when_sold(in_a1):
    """A product sold with the plan cannot be removed from it."""
    item = PlanItemFactory()
    address = AddressFactory()
    sale = Sale.objects.create(
        number="CT-1",
        kind="new",
        customer=address.customer,
        address=address,
        plan=item.plan,
        seller_label="tests",
    )
    Subscription.objects.create(
        customer=address.customer,
        address=address,
        sale=sale,
        plan=item.plan,
        plan_item=item,
        product=item.product,
        price=item.effective_price,
        daily_cost=item.product.daily_cost,
    )
    _refused(lambda: svc.plan_item_remove(actor=ACTOR, item=item), "item")
    assert PlanItem.objects.filter(pk=item.pk).exists()


# --- devices -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("duplicate", "device_model"),
        ("inactive", "device_model"),
        ("zero", "quantity"),
    ],
)
def test_device_add_refuses(in_a1, case, field):
    """A device model is in a plan once, active, with a quantity of at least 1."""
    plan = SalesPlanFactory()
    model = DeviceModelFactory(is_active=case != "inactive")
    if case == "duplicate":
        PlanDevice.objects.create(plan=plan, device_model=model)
    count = PlanDevice.objects.filter(plan=plan).count()
    quantity = 0 if case == "zero" else 1
    _refused(
        lambda: svc.plan_device_add(actor=ACTOR, plan=plan, device_model=model, quantity=quantity),
        field,
    )
    assert PlanDevice.objects.filter(plan=plan).count() == count


def test_device_add_update_remove(in_a1):
    """Devices are added, their quantity edited and removed, each audited."""
    plan = SalesPlanFactory()
    device = svc.plan_device_add(
        actor=ACTOR, plan=plan, device_model=DeviceModelFactory(), quantity=1
    )
    device = svc.plan_device_update(actor=ACTOR, device=device, quantity=3)
    assert PlanDevice.objects.get(pk=device.pk).quantity == 3
    _refused(lambda: svc.plan_device_update(actor=ACTOR, device=device, quantity=0), "quantity")
    svc.plan_device_remove(actor=ACTOR, device=device)
    assert not PlanDevice.objects.filter(plan=plan).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"plan.device_add", "plan.device_update", "plan.device_remove"} <= actions


# --- promotions --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value", "months", "field"),
    [
        (DiscountKind.PERCENT, Decimal("0"), 3, "value"),
        (DiscountKind.PERCENT, Decimal("100.01"), 3, "value"),
        (DiscountKind.PERCENT, Decimal("-5"), 3, "value"),
        (DiscountKind.FIXED, Decimal("80.01"), 3, "value"),  # the item costs 80.00 in the plan
        (DiscountKind.FIXED, Decimal("0"), 3, "value"),
        (DiscountKind.PERCENT, Decimal("10"), 0, "months"),
        ("gift", Decimal("10"), 3, "discount_kind"),
    ],
)
def test_promotion_refuses(in_a1, kind, value, months, field):
    """Percentages are above 0 and at most 100; a fixed discount is at most the product's price
    in the plan; a promotion lasts at least one month."""
    item = PlanItemFactory(price=Decimal("80.00"))
    _refused(
        lambda: svc.plan_promotion_add(
            actor=ACTOR,
            plan=item.plan,
            item=item,
            name="Promo",
            discount_kind=kind,
            value=value,
            months=months,
        ),
        field,
    )
    assert not PlanPromotion.objects.exists()


@pytest.mark.parametrize(
    ("kind", "value"),
    [(DiscountKind.PERCENT, Decimal("100")), (DiscountKind.FIXED, Decimal("80.00"))],
)
def test_promotion_limits_are_inclusive(in_a1, kind, value):
    """100 % and a fixed discount equal to the price are accepted."""
    item = PlanItemFactory(price=Decimal("80.00"))
    promotion = svc.plan_promotion_add(
        actor=ACTOR,
        plan=item.plan,
        item=item,
        name="Grátis",
        discount_kind=kind,
        value=value,
        months=1,
    )
    assert promotion.pk and AuditEvent.objects.filter(action="plan.promotion_add").exists()


def test_promotion_on_another_plans_item_is_refused(in_a1):
    """A promotion is on a product of the same plan."""
    plan, other = SalesPlanFactory(), PlanItemFactory()
    _refused(
        lambda: svc.plan_promotion_add(
            actor=ACTOR,
            plan=plan,
            item=other,
            name="Promo",
            discount_kind=DiscountKind.PERCENT,
            value=Decimal("10"),
            months=3,
        ),
        "item",
    )


def test_promotion_update_checks_the_rules_and_remove(in_a1):
    """An update is checked like an addition; removal is audited."""
    promotion = PlanPromotionFactory(item=PlanItemFactory(price=Decimal("50.00")))
    svc.plan_promotion_update(actor=ACTOR, promotion=promotion, data={"months": 6})
    assert PlanPromotion.objects.get(pk=promotion.pk).months == 6
    _refused(
        lambda: svc.plan_promotion_update(
            actor=ACTOR,
            promotion=promotion,
            data={"discount_kind": DiscountKind.FIXED, "value": Decimal("60.00")},
        ),
        "value",
    )
    _refused(
        lambda: svc.plan_promotion_update(
            actor=ACTOR, promotion=promotion, data={"item": PlanItemFactory()}
        ),
        "item",
    )
    assert PlanPromotion.objects.get(pk=promotion.pk).discount_kind == DiscountKind.PERCENT
    svc.plan_promotion_remove(actor=ACTOR, promotion=promotion)
    assert not PlanPromotion.objects.filter(pk=promotion.pk).exists()
    assert AuditEvent.objects.filter(action="plan.promotion_remove").exists()


# --- group plans -------------------------------------------------------------------------


def test_group_plan_create_update_remove(in_a1):
    """A group plan names the products the group pays (a subset of the plan's)."""
    plan = SalesPlanFactory()
    tv, internet = PlanItemFactory(plan=plan), PlanItemFactory(plan=plan)
    group = GroupFactory()
    row = svc.group_plan_create(actor=ACTOR, group=group, plan=plan, group_items=[tv])
    assert list(row.group_items.all()) == [tv]
    svc.group_plan_update(actor=ACTOR, group_plan=row, group_items=[tv, internet])
    assert set(row.group_items.all()) == {tv, internet}
    assert AuditEvent.objects.get(action="group_plan.update").changes["group_items"] == [
        [tv.pk],
        sorted([tv.pk, internet.pk]),
    ]
    svc.group_plan_remove(actor=ACTOR, group_plan=row)
    assert not plan.group_plans.exists()


@pytest.mark.parametrize(("case", "field"), [("foreign_item", "group_items"), ("dup", "plan")])
def test_group_plan_refuses(in_a1, case, field):
    """The group pays products of the plan only; a group has a plan once."""
    plan, group = SalesPlanFactory(), GroupFactory()
    items = [PlanItemFactory()] if case == "foreign_item" else []
    if case == "dup":
        svc.group_plan_create(actor=ACTOR, group=group, plan=plan)
    count = plan.group_plans.count()
    _refused(
        lambda: svc.group_plan_create(actor=ACTOR, group=group, plan=plan, group_items=items),
        field,
    )
    assert plan.group_plans.count() == count


def test_group_plan_update_refuses_foreign_items(in_a1):
    """Updating keeps the rule: only the plan's products."""
    plan = SalesPlanFactory()
    row = svc.group_plan_create(actor=ACTOR, group=GroupFactory(), plan=plan)
    _refused(
        lambda: svc.group_plan_update(actor=ACTOR, group_plan=row, group_items=[PlanItemFactory()]),
        "group_items",
    )
    assert not row.group_items.exists()


# --- selectors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (dt.date(2025, 12, 31), set()),
        (dt.date(2026, 1, 1), {"OPEN", "YEAR"}),
        (dt.date(2026, 12, 31), {"OPEN", "YEAR"}),  # valid_until is the last day
        (dt.date(2027, 1, 1), {"OPEN"}),
    ],
)
def test_plans_sellable_on_a_date(in_a1, on, expected):
    """Sellable: active, valid_from <= day <= valid_until (open end when empty)."""
    SalesPlanFactory(code="OPEN", valid_from=dt.date(2026, 1, 1), valid_until=None)
    SalesPlanFactory(code="YEAR", valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2026, 12, 31))
    SalesPlanFactory(code="OFF", valid_from=dt.date(2020, 1, 1), is_active=False)
    assert set(plans_sellable_on(on=on).values_list("code", flat=True)) == expected


def test_plan_list_filters_by_kind(in_a1):
    """plan_list filters by kind and active flag."""
    SalesPlanFactory(code="POS")
    SalesPlanFactory(code="PRE", kind=PlanKind.PREPAID)
    assert [p.code for p in plan_list(kind=PlanKind.PREPAID)] == ["PRE"]
    assert {p.code for p in plan_list(active=True)} >= {"POS", "PRE"}


def test_plan_detail_prefetches_everything(in_a1, django_assert_max_num_queries):
    """The detail reads cities, zones, products, devices, promotions and group plans in a fixed
    number of queries, whatever their number."""
    plan = SalesPlanFactory()
    plan.cities.add(CityFactory())
    plan.zones.add(ZoneFactory())
    for _ in range(3):
        item = PlanItemFactory(plan=plan)
        PlanPromotionFactory(item=item)
        PlanDevice.objects.create(plan=plan, device_model=DeviceModelFactory())
    svc.group_plan_create(actor=ACTOR, group=GroupFactory(), plan=plan, group_items=[item])
    with django_assert_max_num_queries(8):
        row = plan_detail(pk=plan.pk)
        names = [
            *[str(c) for c in row.cities.all()],
            *[str(z) for z in row.zones.all()],
            *[str(i.product) + str(i.effective_price) for i in row.items.all()],
            *[str(d.device_model) for d in row.devices.all()],
            *[str(p.item.product) for p in row.promotions.all()],
            *[
                str(g.group) + str([i.product for i in g.group_items.all()])
                for g in row.group_plans.all()
            ],
        ]
    assert len(names) == 1 + 1 + 3 + 3 + 3 + 1


@pytest.mark.parametrize(
    ("kind", "own", "expected"),
    [
        (PlanKind.PREPAID, Decimal("35.00"), Decimal("35.00")),
        (PlanKind.PREPAID, None, Decimal("20.00")),  # the company's prepaid_min_recharge
        (PlanKind.POSTPAID, None, None),
    ],
)
def test_plan_min_recharge(in_a1, kind, own, expected):
    """A prepaid plan's minimum recharge is its own or else the company's; postpaid has none."""
    plan = SalesPlanFactory(kind=kind, min_recharge=own)
    assert plan_min_recharge(plan=plan) == expected
