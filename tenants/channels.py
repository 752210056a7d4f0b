"""WebSocket tenancy: resolve user, company and membership for each connection.

The scope gets ``company`` (or the connection is refused) and ``schema_name``. Consumers run
every database call through ``tenants.channels.in_company`` which enters the schema inside the
worker thread: the schema chosen in one thread does not follow into another.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.db import close_old_connections

from .routing import company_for_subfolder, route_from_path
from .schemas import company_context

T = TypeVar("T")


@database_sync_to_async
def _resolve(user, path: str) -> dict[str, Any] | None:
    from shared_apps.access.context import for_user

    route = route_from_path(path.removeprefix("/ws"))
    if route is None:
        return None
    company = company_for_subfolder(route)
    if company is None or user is None or not user.is_authenticated:
        return None
    ctx = for_user(user, company, None)
    if not ctx.is_member:
        return None
    return {"company": company, "schema_name": company.schema_name, "access": ctx}


class _CompanyScopeMiddleware:
    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        resolved = await _resolve(scope.get("user"), scope["path"])
        if resolved is None:
            # Refuse before accepting: the client sees the handshake rejected (HTTP 403).
            await send({"type": "websocket.close", "code": 4403})
            return None
        scope = dict(scope, **resolved)
        return await self.inner(scope, receive, send)


def CompanyWebsocketMiddleware(inner):
    return AuthMiddlewareStack(_CompanyScopeMiddleware(inner))


async def in_company(scope: dict, func: Callable[..., T], *args, **kwargs) -> T:
    """Run ``func`` in a worker thread, inside the scope's company schema."""

    def run() -> T:
        close_old_connections()
        with company_context(scope["company"]):
            return func(*args, **kwargs)

    return await sync_to_async(run, thread_sensitive=True)()
