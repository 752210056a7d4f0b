"""Locations API: cities and zones (list, filter, create, patch), refusals and isolation."""

import pytest

from tenant_apps.factories import CityFactory, ZoneFactory
from tenant_apps.locations.models import Zone
from tenants.schemas import company_context

pytestmark = pytest.mark.django_db

CITIES = "/c/a-one/api/v1/cities/"
ZONES = "/c/a-one/api/v1/zones/"


@pytest.fixture
def admin(login, world):
    return login("a1_admin", company=world.a1, branch="a-one-service")


@pytest.fixture
def places(world):
    with company_context(world.a1):
        poa = CityFactory(name="Porto Alegre", state="RS")
        canoas = CityFactory(name="Canoas", state="RS")
        return {
            "poa": poa,
            "canoas": canoas,
            "centro": ZoneFactory(city=poa, name="Centro", technologies=["ftth", "hfc"]),
            "menino": ZoneFactory(city=poa, name="Menino Deus", technologies=["hfc"]),
            "mathias": ZoneFactory(city=canoas, name="Mathias Velho", technologies=["wireless"]),
        }


def test_create_city_and_zone_then_filter(admin, world):
    """POST a city and a zone (201); zones filter by city and by technology."""
    city = admin.post(
        CITIES, {"name": "Novo Hamburgo", "state": "rs"}, content_type="application/json"
    )
    assert city.status_code == 201, city.json()
    assert city.json()["state"] == "RS" and city.json()["zone_count"] == 0
    zone = admin.post(
        ZONES,
        {"city": city.json()["id"], "name": "Centro", "technologies": ["ftth"]},
        content_type="application/json",
    )
    assert zone.status_code == 201, zone.json()
    assert zone.json()["technologies"] == ["ftth"]
    assert zone.json()["city_name"] == "Novo Hamburgo/RS"
    listed = admin.get(f"{ZONES}?city={city.json()['id']}&technology=ftth").json()
    assert [z["name"] for z in listed["results"]] == ["Centro"]


def test_zone_filters(admin, places):
    """?city= and ?technology= select the zones that match; bad values are 400."""

    def names(query):
        response = admin.get(ZONES + query)
        assert response.status_code == 200, response.json()
        return sorted(z["name"] for z in response.json()["results"])

    assert names(f"?city={places['poa'].pk}") == ["Centro", "Menino Deus"]
    assert names("?technology=hfc") == ["Centro", "Menino Deus"]
    assert names(f"?city={places['canoas'].pk}&technology=hfc") == []
    assert names("?technology=wireless") == ["Mathias Velho"]
    assert admin.get(ZONES + "?technology=5g").status_code == 400
    assert admin.get(ZONES + "?city=999999").status_code == 400
    cities = admin.get(CITIES).json()
    assert cities["count"] == 2
    assert {c["name"]: c["zone_count"] for c in cities["results"]} == {
        "Canoas": 1,
        "Porto Alegre": 2,
    }


def test_patch_zone_technologies_and_city(admin, places, world):
    """PATCH replaces the technologies; the city's fields patch too."""
    response = admin.patch(
        f"{ZONES}{places['menino'].pk}/",
        {"technologies": ["ftth", "hfc"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["technologies"] == ["hfc", "ftth"]
    response = admin.patch(
        f"{CITIES}{places['poa'].pk}/", {"code": "4314902"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["code"] == "4314902"
    assert response.json()["name"] == "Porto Alegre"


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        (CITIES, {"name": "Porto Alegre", "state": "RS"}, "name"),
        (CITIES, {"name": "X", "state": "R5"}, "state"),
        (CITIES, {"state": "RS"}, "name"),
        (ZONES, {"city": 999999, "name": "A"}, "city"),
        (ZONES, {"name": "A"}, "city"),
        (ZONES, {"city": "POA", "name": "Centro", "technologies": ["ftth"]}, "name"),
        (ZONES, {"city": "POA", "name": "Nova", "technologies": ["5g"]}, "technologies"),
    ],
)
def test_bad_input_is_400_naming_the_field(admin, places, world, url, data, field):
    """Repeated, missing or unknown values are refused with the field named."""
    if data.get("city") == "POA":
        data = {**data, "city": places["poa"].pk}
    response = admin.post(url, data, content_type="application/json")
    assert response.status_code == 400, response.json()
    assert field in response.json()["fields"], response.json()
    with company_context(world.a1):
        assert not Zone.objects.filter(name="Nova").exists()


@pytest.mark.parametrize("url", [CITIES, ZONES])
def test_seller_reads_but_cannot_write(login, world, places, url):
    """a1_vendedor reads cities and zones but writing is 403 (catalog.manage missing)."""
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    assert seller.get(url).status_code == 200
    response = seller.post(url, {"name": "X", "state": "RS"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "function_missing"
    pk = places["poa"].pk if url == CITIES else places["centro"].pk
    assert (
        seller.patch(f"{url}{pk}/", {"name": "Y"}, content_type="application/json").status_code
        == 403
    )


def test_writing_needs_a_branch(login, world, places):
    """Without a position in a branch, writing is 403 (reading still works)."""
    unpositioned = login("a1_admin", company=world.a1)
    assert unpositioned.get(ZONES).status_code == 200
    response = unpositioned.post(
        CITIES, {"name": "X", "state": "RS"}, content_type="application/json"
    )
    assert response.status_code == 403 and response.json()["code"] == "branch_required"


def test_other_companies_cannot_see_a1_locations(login, world, places):
    """A2 lists none of A1's cities or zones (and 404 for their ids); operator B gets 404."""
    central = login("a_central", company=world.a2)
    cities = central.get("/c/a-two/api/v1/cities/").json()["results"]
    assert "Porto Alegre" not in [c["name"] for c in cities]
    zones = central.get("/c/a-two/api/v1/zones/").json()["results"]
    assert "Menino Deus" not in [z["name"] for z in zones]
    with company_context(world.a2):
        clash = Zone.objects.filter(pk=places["centro"].pk).exists()
    if not clash:
        assert central.get(f"/c/a-two/api/v1/zones/{places['centro'].pk}/").status_code == 404
    b_admin = login("b1_admin", company=world.b1, branch="b-one-service")
    assert b_admin.get(CITIES).status_code == 404
    assert b_admin.get(f"{ZONES}{places['centro'].pk}/").status_code == 404
    own = b_admin.get("/c/b-one/api/v1/zones/").json()["results"]
    assert "Centro" not in [z["name"] for z in own] or all(
        z["city_name"] != "Porto Alegre/RS" for z in own
    )
