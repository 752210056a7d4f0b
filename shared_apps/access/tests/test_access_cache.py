"""What memberships grant is cached between requests, and every change reaches the next
request at once: a revoked membership, a profile losing a function, a deactivated branch."""

import pytest

from shared_apps.access import cache as access_cache
from shared_apps.access.models import AccessProfile, Membership
from shared_apps.access.services import membership_revoke, profile_save
from shared_apps.audit.actor import Actor
from tenants.services import branch_update

pytestmark = pytest.mark.django_db

URL = "/c/a-one/api/v1/parameters/"
ACTOR = Actor.system("tests")


@pytest.fixture
def admin(login, world):
    return login("a1_admin", company=world.a1, branch="a-one-service")


def test_a_second_request_reads_the_grants_from_the_cache(admin):
    """The second request runs three statements fewer (memberships, profiles, branches)."""
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    assert admin.get(URL).status_code == 200  # warms the route lookup and the connection
    caches["platform"].clear()
    with CaptureQueriesContext(connection) as first:
        assert admin.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert admin.get(URL).status_code == 200
    assert len(first) - len(second) == 3
    assert not any("access_membership" in q["sql"] for q in second.captured_queries)


def test_a_revoked_membership_is_refused_at_the_next_request(admin, world):
    assert admin.get(URL).status_code == 200
    membership = Membership.objects.get(user=world.users["a1_admin"], company=world.a1)
    membership_revoke(actor=ACTOR, membership=membership)
    assert admin.get(URL).status_code == 404


def test_a_function_removed_from_a_profile_is_refused_at_the_next_request(admin, world):
    assert admin.get(URL).status_code == 200
    profile = AccessProfile.objects.get(company=world.a1, name="Administrador")
    profile_save(
        actor=ACTOR,
        operator=world.operator_a,
        company=world.a1,
        name=profile.name,
        functions=[f for f in profile.functions if f != "company.settings"],
        profile=profile,
    )
    response = admin.get(URL)
    assert response.status_code == 403
    assert response.json()["code"] == "function_missing"


def test_a_deactivated_branch_no_longer_positions_the_user(admin, world):
    """Writing needs a branch: once the branch is deactivated the write is refused."""
    assert admin.patch(URL, {"grace_days": 9}, content_type="application/json").status_code == 200
    from django.db import connection

    connection.set_schema_to_public()  # the test client left the connection in the company
    branch_update(actor=ACTOR, branch=world.branches["a-one-service"], data={"is_active": False})
    response = admin.patch(URL, {"grace_days": 8}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "branch_required"


def test_an_entry_computed_before_an_invalidation_is_never_served():
    """The generation is read before computing: a change meanwhile makes the entry unreachable."""
    gen = access_cache.generation()
    access_cache.invalidate()
    access_cache.put(1, 2, "stale", gen)
    assert access_cache.get(1, 2) is None


def test_requests_still_work_when_the_cache_cannot_be_reached(admin, monkeypatch):
    """Grants are then read from the database on every request (a real Redis client pointed
    at a port where nothing listens)."""
    from django.core.cache.backends.redis import RedisCache

    unreachable = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {}})
    monkeypatch.setattr(access_cache, "_cache", lambda: unreachable)
    assert admin.get(URL).status_code == 200
    assert admin.get(URL).status_code == 200


def test_a_revocation_fails_whole_when_the_cache_cannot_be_told(world, monkeypatch):
    """Were the revocation saved without moving the generation, cached entries would go on
    granting access: the change is refused instead and nothing is written."""
    from django.core.cache.backends.redis import RedisCache

    membership = Membership.objects.get(user=world.users["a1_admin"], company=world.a1)
    unreachable = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {}})
    monkeypatch.setattr(access_cache, "_cache", lambda: unreachable)
    with pytest.raises(Exception, match=r"(?i)connect"):
        membership_revoke(actor=ACTOR, membership=membership)
    membership.refresh_from_db()
    assert membership.is_active
