"""Locations services and selectors: cities, zones, coverage per technology, audited."""

import pytest
from django.core.exceptions import ValidationError

from shared_apps.audit.actor import Actor
from shared_apps.audit.models import AuditEvent
from tenant_apps.factories import CityFactory, ZoneFactory
from tenant_apps.locations.models import City, Zone
from tenant_apps.locations.selectors import zone_covers, zone_list, zones_with_coverage
from tenant_apps.locations.services import city_create, city_update, zone_create, zone_update

pytestmark = pytest.mark.django_db

ACTOR = Actor.system("tests")


def test_city_create_normalises_and_audits(in_a1):
    """A city is saved with its state upper-cased and spaces tidied; the creation is audited."""
    city = city_create(
        actor=ACTOR, data={"name": "  Porto   Alegre ", "state": "rs", "code": "4314902"}
    )
    assert (city.name, city.state) == ("Porto Alegre", "RS")
    event = AuditEvent.objects.get(action="city.create", object_id=str(city.pk))
    assert event.changes["name"] == [None, "Porto Alegre"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "state": "RS"}, "name"),
        ({"name": "Canoas", "state": "R1"}, "state"),
        ({"name": "Canoas", "state": "RSXX"}, "state"),
        ({"name": "PORTO alegre", "state": "RS"}, "name"),
    ],
)
def test_city_create_refuses_bad_or_repeated_cities(in_a1, data, field):
    """Bad names/states and a repeated city (same name, any case, same state) are refused."""
    CityFactory(name="Porto Alegre", state="RS")
    with pytest.raises(ValidationError) as caught:
        city_create(actor=ACTOR, data=data)
    assert field in caught.value.message_dict


def test_same_city_name_in_another_state_is_allowed(in_a1):
    """The same name in another state is another city."""
    CityFactory(name="Bom Jesus", state="RS")
    assert city_create(actor=ACTOR, data={"name": "Bom Jesus", "state": "PI"}).pk


def test_city_update_audits_the_diff(in_a1):
    """A change records old and new values; no change records nothing."""
    city = CityFactory(name="Canoas", state="RS")
    city_update(actor=ACTOR, city=city, data={"code": "4304606"})
    city_update(actor=ACTOR, city=city, data={"code": "4304606"})
    events = AuditEvent.objects.filter(action="city.update", object_id=str(city.pk))
    assert [e.changes for e in events] == [{"code": ["", "4304606"]}]


def test_zone_create_orders_technologies_and_audits(in_a1):
    """Technologies are kept once each, in the order of their choices; audited."""
    city = CityFactory()
    zone = zone_create(
        actor=ACTOR,
        data={"city": city, "name": "Centro", "technologies": ["ftth", "hfc", "ftth"]},
    )
    assert zone.technologies == ["hfc", "ftth"]
    assert AuditEvent.objects.filter(action="zone.create", object_id=str(zone.pk)).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Centro", "technologies": ["5g"]}, "technologies"),
        ({"name": "Centro", "technologies": "ftth"}, "technologies"),
        ({"name": "", "technologies": []}, "name"),
        ({"name": "centro", "technologies": []}, "name"),
    ],
)
def test_zone_create_refuses_bad_input(in_a1, data, field):
    """Unknown technologies, empty or repeated names are refused, naming the field."""
    city = CityFactory()
    ZoneFactory(city=city, name="Centro")
    with pytest.raises(ValidationError) as caught:
        zone_create(actor=ACTOR, data={"city": city, **data})
    assert field in caught.value.message_dict
    assert Zone.objects.filter(city=city).count() == 1


def test_zone_needs_a_city(in_a1):
    """A zone without a city is refused on ``city``."""
    with pytest.raises(ValidationError) as caught:
        zone_create(actor=ACTOR, data={"city": None, "name": "X"})
    assert "city" in caught.value.message_dict


def test_zone_update_changes_coverage(in_a1):
    """Changing the technologies replaces the list and is audited with old and new."""
    zone = ZoneFactory(technologies=["hfc"])
    zone_update(actor=ACTOR, zone=zone, data={"technologies": ["ftth", "wireless"]})
    zone.refresh_from_db()
    assert zone.technologies == ["ftth", "wireless"]
    event = AuditEvent.objects.filter(action="zone.update").latest("id")
    assert event.changes == {"technologies": [["hfc"], ["ftth", "wireless"]]}


def test_coverage_selectors(in_a1):
    """zone_covers answers per technology; the lists select zones by city and technology."""
    city = CityFactory(name="Gravataí")
    fibre = ZoneFactory(city=city, name="Centro", technologies=["ftth"])
    cable = ZoneFactory(city=city, name="Parque", technologies=["hfc", "dth"])
    bare = ZoneFactory(city=city, name="Rural", technologies=[])
    assert zone_covers(fibre, "ftth") and not zone_covers(fibre, "hfc")
    assert not zone_covers(bare, "ftth")
    assert list(zone_list(city=city, technology="dth")) == [cable]
    assert set(zones_with_coverage().filter(city=city)) == {fibre, cable}
    assert list(zones_with_coverage(technology="ftth").filter(city=city)) == [fibre]
    assert City.objects.filter(pk=city.pk).exists()
