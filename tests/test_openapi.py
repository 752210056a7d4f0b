"""The one OpenAPI document (public and company endpoints) is valid and generated without a
warning: every view is described, every choice set has one name."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_is_valid_and_has_no_warnings(tmp_path):
    out = tmp_path / "schema.yml"
    call_command(
        "spectacular",
        urlconf="config.urls_openapi",
        validate=True,
        fail_on_warn=True,
        file=str(out),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    text = out.read_text()
    for path in ("/c/{route}/api/v1/customers/{id}/overview/", "/c/{route}/api/v1/sales/"):
        assert path in text or path.replace("{id}", "{pk}") in text, path
