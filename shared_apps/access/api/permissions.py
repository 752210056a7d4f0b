"""One permission class for every API view: membership, function and position checks."""

from rest_framework import exceptions, permissions

from ..context import AccessContext, for_api_key, for_user
from ..models import PartnerApiKey


def access_for(request) -> AccessContext:
    """The access context of a DRF request (session user or partner key), computed once."""
    cached = getattr(request, "_access_ctx", None)
    if cached is not None:
        return cached
    company = getattr(request._request, "company", None)
    if isinstance(request.auth, PartnerApiKey):
        ctx = for_api_key(request.auth, company)
    else:
        ctx = getattr(request._request, "access", None) or for_user(
            request.user, company, request.session
        )
        if request.user.is_authenticated and ctx.user_id != request.user.pk:
            ctx = for_user(request.user, company, request.session)
    request._access_ctx = ctx
    request._request.access = ctx
    return ctx


class HasFunction(permissions.BasePermission):
    """Views declare ``required_functions`` ({method or action: code}) or ``required_function``.

    In a company, a principal that is not a member gets 404 (the company's existence is not
    disclosed); a member lacking the function or the right position gets 403 with the reason.
    """

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        ctx = access_for(request)
        if getattr(request._request, "company", None) is not None and not ctx.is_member:
            raise exceptions.NotFound()
        code = required_function(request, view)
        if code:
            ctx.check(
                code,
                operator=getattr(view, "operator_for_check", lambda r: None)(request),
                write=request.method not in permissions.SAFE_METHODS,
            )
        return True


def required_function(request, view) -> str | None:
    mapping = getattr(view, "required_functions", None)
    if mapping:
        action = getattr(view, "action", None)
        if action and action in mapping:
            return mapping[action]
        if request.method in mapping:
            return mapping[request.method]
        if request.method in permissions.SAFE_METHODS:
            return mapping.get("read")
        return mapping.get("write")
    return getattr(view, "required_function", None)
