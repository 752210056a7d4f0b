from . import functions as fn
from .menus import menu_for


def access(request):
    ctx = getattr(request, "access", None)
    if ctx is None or not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    from django.conf import settings

    return {
        "access": ctx,
        "menu": menu_for(request),
        "FUNCTIONS": fn.FUNCTIONS,
        "websocket_port": settings.WEBSOCKET_PORT,
    }
