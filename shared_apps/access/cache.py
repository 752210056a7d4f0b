"""Cache of what users' memberships grant (shared_apps.access.context._facts).

Computing it costs three queries on every request; it changes rarely. Entries are keyed by a
*generation*: any save or delete of a membership, its profiles or branches, an access profile,
a branch, an operator or a user (signals, shared_apps.access.apps) moves the generation on,
which invalidates every entry at once — immediately and again when the transaction commits (an
entry computed in between would hold what was committed before). Entries also expire after
``ACCESS_CACHE_SECONDS``. The platform cache has no tenant key function: it is the same
whichever schema the connection is in.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import caches
from django.db import transaction

log = logging.getLogger(__name__)

GENERATION_KEY = "access:generation"


def _cache():
    return caches["platform"]


def generation() -> int:
    value = _cache().get(GENERATION_KEY)
    if value is None:
        _cache().add(GENERATION_KEY, 1, timeout=None)
        value = _cache().get(GENERATION_KEY) or 1
    return int(value)


def _key(user_id: int, company_id: int | None, gen: int) -> str:
    return f"access:{gen}:{user_id}:{company_id or 0}"


def get(user_id: int, company_id: int | None):
    """The cached facts, or None (also when Redis cannot be reached: they are recomputed)."""
    if not settings.ACCESS_CACHE_SECONDS:
        return None
    try:
        return _cache().get(_key(user_id, company_id, generation()))
    except Exception:  # Redis unreachable: serve from the database
        log.warning("access cache unreachable; reading grants from the database", exc_info=True)
        return None


def current_generation() -> int | None:
    """The generation to store under, or None when the cache cannot be reached."""
    if not settings.ACCESS_CACHE_SECONDS:
        return None
    try:
        return generation()
    except Exception:
        return None


def put(user_id: int, company_id: int | None, facts, gen: int | None) -> None:
    """Store facts computed under generation ``gen`` (read before computing them: an
    invalidation meanwhile makes the entry unreachable)."""
    if gen is None or not settings.ACCESS_CACHE_SECONDS:
        return
    try:
        _cache().set(_key(user_id, company_id, gen), facts, settings.ACCESS_CACHE_SECONDS)
    except Exception:
        log.warning("access cache unreachable; grants not cached", exc_info=True)


def invalidate() -> None:
    """Every cached entry is stale from now on (and again once the transaction commits).

    Unlike reading, this does not tolerate an unreachable cache: the change that called it
    fails (its transaction rolls back) rather than leave entries that still grant access."""

    def bump() -> None:
        try:
            _cache().incr(GENERATION_KEY)
        except ValueError:  # no generation yet
            _cache().add(GENERATION_KEY, 2, timeout=None)

    bump()
    transaction.on_commit(bump)


def invalidate_on_change(sender, **kwargs) -> None:
    """Signal receiver (post_save, post_delete, m2m_changed's post_* actions). A login's
    ``last_login`` update changes nothing cached."""
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return
    if kwargs.get("update_fields") == frozenset({"last_login"}):
        return
    invalidate()
