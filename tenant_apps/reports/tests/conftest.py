import pytest


@pytest.fixture(autouse=True)
def _english():
    """Labels asserted in English (the source language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english_requests(client, settings):
    """Pages and CSV asserted in English: the client asks for it (the default is pt-BR)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
