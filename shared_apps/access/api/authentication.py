"""Partner API keys: ``Authorization: Api-Key <prefix>.<secret>``."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from ..models import PartnerApiKey
from ..services import api_key_verify


class ApiKeyPrincipal:
    """Stands in for request.user when a partner key authenticates."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False
    is_anonymous = False
    pk = None
    id = None

    def __init__(self, key: PartnerApiKey):
        self.key = key

    def get_username(self) -> str:
        return f"api-key:{self.key.prefix}"

    def __str__(self) -> str:
        return self.key.name


class ApiKeyAuthentication(authentication.BaseAuthentication):
    keyword = "Api-Key"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header.startswith(self.keyword + " "):
            return None
        key = api_key_verify(header[len(self.keyword) + 1 :].strip())
        if key is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked API key."))
        now = timezone.now()
        if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
            PartnerApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return ApiKeyPrincipal(key), key

    def authenticate_header(self, request):
        return self.keyword


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "shared_apps.access.api.authentication.ApiKeyAuthentication"
    name = "partnerApiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Partner key, sent as `Authorization: Api-Key <prefix>.<secret>`.",
        }
