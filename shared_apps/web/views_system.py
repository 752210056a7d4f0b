"""Health check, PWA manifest and service worker (served at the root so they cover it all)."""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_redis() -> None:
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()


def _check_broker() -> None:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)


@never_cache
def healthz(request):
    """200 when the database, Redis and the Celery broker answer; 503 naming what failed."""
    checks = {}
    ok = True
    for name, check in (
        ("database", _check_database),
        ("redis", _check_redis),
        ("broker", _check_broker),
    ):
        started = time.perf_counter()
        try:
            check()
        except Exception as exc:
            ok = False
            checks[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}
        else:
            checks[name] = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    return JsonResponse(
        {"status": "ok" if ok else "failing", "checks": checks}, status=200 if ok else 503
    )


def manifest(request):
    data = {
        "name": "Aleator Convergente",
        "short_name": "Aleator",
        "description": _("CRM and billing for convergent operators"),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5394",
        "lang": request.LANGUAGE_CODE,
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {
                "src": static("img/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "any maskable",
            },
        ],
    }
    return HttpResponse(json.dumps(data), content_type="application/manifest+json")


def service_worker(request):
    """The service worker script, served from / so its scope is the whole app."""
    body = (settings.BASE_DIR / "static" / "js" / "sw.js").read_text()
    body = body.replace("__OFFLINE_URL__", static("offline.html"))
    response = HttpResponse(body, content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
