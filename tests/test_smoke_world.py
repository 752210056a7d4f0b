import pytest

pytestmark = pytest.mark.django_db


def test_world_companies_are_ready_in_their_own_schemas(world):
    """Each company gets its own schema, cloned from the template, with its parameters row."""
    from django.db import connection

    from tenant_apps.parameters.selectors import company_parameters
    from tenants.schemas import company_context

    schemas = {c.schema_name for c in (world.a1, world.a2, world.b1)}
    assert len(schemas) == 3
    for c in (world.a1, world.a2, world.b1):
        assert c.status == "ready"
        with company_context(c):
            assert connection.schema_name == c.schema_name
            assert company_parameters().currency == "BRL"
