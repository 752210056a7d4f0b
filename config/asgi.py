"""ASGI entry point (Daphne): HTTP and the WebSockets of the console and live pages."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
# Under ASGI each request runs its sync code in a thread of its own, so a persistent connection
# (CONN_MAX_AGE > 0) is left open by every request until PostgreSQL refuses clients
# (benchmarks/http_servers.py measured it). Django's advice for ASGI: no persistent connections.
os.environ["DB_CONN_MAX_AGE"] = "0"
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.websocket_urls import websocket_urlpatterns  # noqa: E402
from tenants.channels import CompanyWebsocketMiddleware  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            CompanyWebsocketMiddleware(URLRouter(websocket_urlpatterns))
        ),
    }
)
