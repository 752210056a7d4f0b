"""A customer's status, derived from its subscriptions' statuses. Pure."""

from __future__ import annotations

from collections.abc import Iterable

from .choices import CustomerStatus


def derive_status(subscription_statuses: Iterable[str]) -> str:
    """Active if any product is active; else suspended if any is suspended; else awaiting
    installation if any is pending; else cancelled if it had products; else no products."""
    statuses = set(subscription_statuses)
    if not statuses:
        return CustomerStatus.PROSPECT
    for status, result in (
        ("active", CustomerStatus.ACTIVE),
        ("suspended", CustomerStatus.SUSPENDED),
        ("pending", CustomerStatus.PENDING),
    ):
        if status in statuses:
            return result
    return CustomerStatus.CANCELLED
