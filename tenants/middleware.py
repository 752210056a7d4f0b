"""HTTP tenant middleware: one company schema (or the public schema) per request."""

from django.http import Http404

from . import routing
from .schemas import activate_company, activate_public


class CompanyRouteMiddleware:
    """Picks the company from /c/<route>/ or the host, and the matching schema and URLconf.

    Unlike django-tenants' stock middlewares it keeps no per-request query (lookups are
    cached), keeps URL resolvers between requests, and skips re-issuing SET search_path when
    the pooled connection already points at the right schema.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            hostname = request.get_host().split(":")[0]
        except Exception:  # DisallowedHost is answered by CommonMiddleware as a 400
            hostname = ""
        # A cache miss reads tenants_route, which every search_path reaches through "public".
        resolved = routing.resolve(request.path_info, hostname)
        if resolved is None:
            activate_public()
            raise Http404("No such company")
        if resolved.company is None:
            activate_public()
            request.tenant = None
        else:
            activate_company(resolved.company)
            request.tenant = resolved.company
        request.company = resolved.company
        request.route_via = resolved.via
        request.urlconf = resolved.urlconf
        return self.get_response(request)
