"""Builds request.access and guards company pages: login required, membership checked."""

from urllib.parse import quote

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.utils.functional import SimpleLazyObject

from .context import for_user

API_MARK = "/api/"


def is_api_request(request) -> bool:
    return API_MARK in request.path_info


class AccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        company = getattr(request, "company", None)
        request.access = SimpleLazyObject(lambda: for_user(request.user, company, request.session))
        if company is not None and not is_api_request(request):
            if not request.user.is_authenticated:
                return HttpResponseRedirect(
                    f"{settings.LOGIN_URL}?next={quote(request.get_full_path())}"
                )
            if not request.access.is_member:
                # Not "forbidden": whether the company exists is none of this user's business.
                raise Http404
        return self.get_response(request)
