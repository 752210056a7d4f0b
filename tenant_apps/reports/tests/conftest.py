import pytest


@pytest.fixture(autouse=True)
def _english():
    """Labels asserted in English (the source language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
