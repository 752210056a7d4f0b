"""API conventions: one error format, page-number pagination."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, pagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class Pagination(pagination.PageNumberPagination):
    """?page=N&page_size=M (at most 500); the body says count, next and previous."""

    page_size_query_param = "page_size"
    max_page_size = 500


def _fields(detail) -> dict:
    if isinstance(detail, dict):
        return {
            k: _fields(v)
            if isinstance(v, dict)
            else [str(x) for x in (v if isinstance(v, list) else [v])]
            for k, v in detail.items()
        }
    return {}


def exception_handler(exc, context):
    """Every error: {"code": ..., "detail": "...", "fields": {field: [messages]}}.

    Django's ValidationError raised by services becomes a 400 with field messages, so a
    service's full_clean() reaches the client as field-level errors.
    """
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(
            str(exc) or None, code=getattr(exc, "code", "permission_denied")
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = (
            _fields(exc.detail)
            if isinstance(exc.detail, dict)
            else {"non_field_errors": [str(x) for x in exc.detail]}
        )
        non_field = fields.get("non_field_errors")
        body = {
            "code": "invalid",
            "detail": non_field[0] if non_field else str(_first_message(fields)),
            "fields": fields,
        }
    else:
        codes = exc.get_codes() if hasattr(exc, "get_codes") else "error"
        body = {
            "code": codes if isinstance(codes, str) else "error",
            "detail": str(exc.detail) if hasattr(exc, "detail") else str(exc),
            "fields": {},
        }
    return Response(body, status=response.status_code, headers=_headers(response))


def _first_message(fields: dict) -> str:
    for value in fields.values():
        if isinstance(value, dict):
            return _first_message(value)
        if value:
            return value[0]
    return ""


def _headers(response) -> dict:
    return {k: v for k, v in response.items() if k in ("WWW-Authenticate", "Retry-After")}
