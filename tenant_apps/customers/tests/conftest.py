import pytest

from tenants.schemas import company_context

from .factories import rich_customer


@pytest.fixture
def admin(login, world):
    """a1_admin positioned in A1's customer-service branch."""
    return login("a1_admin", company=world.a1, branch="a-one-service")


@pytest.fixture
def rich(world, db):
    """A1 customer with 2 addresses, 5 subscriptions, promotions, contacts and records."""
    with company_context(world.a1):
        return rich_customer()


@pytest.fixture(autouse=True)
def _english():
    """Messages asserted in English (the source language); requests pick their own."""
    from django.utils import translation

    with translation.override("en"):
        yield
