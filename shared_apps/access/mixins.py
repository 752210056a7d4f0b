"""HTML views use the same check as the API (shared_apps.access.api.permissions)."""

from django.contrib.auth.mixins import LoginRequiredMixin


class FunctionRequiredMixin(LoginRequiredMixin):
    """Declare ``function`` (or ``functions_by_method``); refused with a 403 naming what is
    missing. Writes (POST) use ``write_function`` when set."""

    function: str | None = None
    write_function: str | None = None

    def required_function(self, request) -> str | None:
        if request.method not in ("GET", "HEAD", "OPTIONS") and self.write_function:
            return self.write_function
        return self.function

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        code = self.required_function(request)
        if code:
            request.access.check(
                code,
                operator=self.operator_for_check(request),
                write=request.method not in ("GET", "HEAD", "OPTIONS"),
            )
        return super().dispatch(request, *args, **kwargs)

    def operator_for_check(self, request):
        return None
