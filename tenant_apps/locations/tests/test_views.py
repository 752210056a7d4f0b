"""Coverage page: cities, zones and technologies; add and edit forms; errors with 400."""

import pytest

from tenant_apps.factories import CityFactory, ZoneFactory
from tenant_apps.locations.models import City, Zone
from tenants.schemas import company_context

pytestmark = pytest.mark.django_db

PAGE = "/c/a-one/locations/"


@pytest.fixture
def admin(login, world):
    return login("a1_admin", company=world.a1, branch="a-one-service")


@pytest.fixture
def centro(world):
    with company_context(world.a1):
        return ZoneFactory(
            city=CityFactory(name="Porto Alegre", state="RS"), name="Centro", technologies=["ftth"]
        )


def test_page_shows_cities_zones_and_coverage(admin, centro):
    """The page lists each city with its zones and marks the technologies covered."""
    page = admin.get(PAGE)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Porto Alegre/RS" in html and "Centro" in html
    row = html[html.index(f'data-testid="zone-{centro.pk}"') :]
    row = row[: row.index("</tr>")]
    assert 'class="covered" data-technology="ftth"' in row
    assert 'class="uncovered" data-technology="hfc"' in row
    assert 'data-testid="city-form"' in html and 'data-testid="zone-form"' in html
    assert 'type="checkbox" name="zone-technologies" value="ftth"' in html
    assert f'data-testid="edit-zone-{centro.pk}"' in html


def test_reader_sees_no_forms(login, world, centro):
    """A seller reads the coverage but sees no forms or edit links, and cannot post."""
    seller = login("a1_vendedor", company=world.a1, branch="a-one-service")
    html = seller.get(PAGE).content.decode()
    assert "Centro" in html
    assert 'data-testid="city-form"' not in html and "edit-zone-" not in html
    assert (
        seller.post(PAGE + "cities/new/", {"city-name": "X", "city-state": "RS"}).status_code == 403
    )
    assert seller.get(f"{PAGE}zones/{centro.pk}/").status_code == 403


def test_add_city_and_zone(admin, world, centro):
    """The add forms create a city and a zone with the technologies ticked."""
    response = admin.post(
        PAGE + "cities/new/", {"city-name": "Canoas", "city-state": "rs", "city-code": ""}
    )
    assert response.status_code == 302
    with company_context(world.a1):
        canoas = City.objects.get(name="Canoas")
    response = admin.post(
        PAGE + "zones/new/",
        {"zone-city": canoas.pk, "zone-name": "Niterói", "zone-technologies": ["hfc", "wireless"]},
    )
    assert response.status_code == 302
    with company_context(world.a1):
        assert Zone.objects.get(city=canoas, name="Niterói").technologies == ["hfc", "wireless"]


def test_add_forms_show_errors_with_400(admin, world, centro):
    """A repeated city or zone, or a bad state, re-renders the page (400) with the errors."""
    bad = admin.post(PAGE + "cities/new/", {"city-name": "porto alegre", "city-state": "RS"})
    assert bad.status_code == 400
    assert 'id="id_city-name"' in bad.content.decode() and "errorlist" in bad.content.decode()
    bad = admin.post(PAGE + "cities/new/", {"city-name": "Viamão", "city-state": "R"})
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()
    bad = admin.post(
        PAGE + "zones/new/",
        {"zone-city": centro.city_id, "zone-name": "centro", "zone-technologies": ["ftth"]},
    )
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()
    bad = admin.post(
        PAGE + "zones/new/",
        {"zone-city": centro.city_id, "zone-name": "Nova", "zone-technologies": ["5g"]},
    )
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()
    with company_context(world.a1):
        assert not City.objects.filter(name="Viamão").exists()
        assert not Zone.objects.filter(name="Nova").exists()


def test_edit_zone_technologies_and_city(admin, world, centro):
    """The zone form ticks technologies; the city form renames; errors give 400."""
    url = f"{PAGE}zones/{centro.pk}/"
    html = admin.get(url).content.decode()
    assert 'value="ftth"' in html and "checked" in html
    response = admin.post(
        url, {"city": centro.city_id, "name": "Centro", "technologies": ["hfc", "ftth"]}
    )
    assert response.status_code == 302
    with company_context(world.a1):
        centro.refresh_from_db()
        assert centro.technologies == ["hfc", "ftth"]
    bad = admin.post(url, {"city": centro.city_id, "name": "", "technologies": []})
    assert bad.status_code == 400 and "errorlist" in bad.content.decode()
    city_url = f"{PAGE}cities/{centro.city_id}/"
    assert admin.get(city_url).status_code == 200
    assert (
        admin.post(city_url, {"name": "Porto Alegre", "state": "RS", "code": "4314902"}).status_code
        == 302
    )
    assert admin.post(city_url, {"name": "Porto Alegre", "state": "xx1"}).status_code == 400
    assert admin.get(f"{PAGE}zones/999999/").status_code == 404


def test_other_operator_gets_404_on_a1_pages(login, world, centro):
    """Operator B's administrator cannot open or post to A1's coverage pages (404)."""
    b_admin = login("b1_admin", company=world.b1, branch="b-one-service")
    assert b_admin.get(PAGE).status_code == 404
    assert b_admin.get(f"{PAGE}zones/{centro.pk}/").status_code == 404
    response = b_admin.post(PAGE + "cities/new/", {"city-name": "X", "city-state": "RS"})
    assert response.status_code == 404
