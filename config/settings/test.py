"""Tests: real PostgreSQL and Redis (configured, or embedded), fast password hashing."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = "test-asgi"  # noqa: F405
TENANT_ROUTE_CACHE_SECONDS = 30
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Each test session writes its documents (invoice PDFs) in its own temporary folder.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="aleator-test-media-"))
# Tests of the run do not render every invoice's PDF eagerly; the PDF tests call the tasks.
BILLING_RENDER_PDFS_AFTER_RUN = False
