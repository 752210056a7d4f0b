"""The actor of a change, passed explicitly to every service that writes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    label: str
    user_id: int | None = None
    api_key_id: int | None = None
    branch_id: int | None = None
    branch_label: str = ""
    ip_address: str | None = None

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        return cls(label=label)

    @classmethod
    def for_user(cls, user, *, branch=None, ip_address: str | None = None) -> Actor:
        return cls(
            label=user.get_username(),
            user_id=user.pk,
            branch_id=branch.pk if branch else None,
            branch_label=str(branch.name) if branch else "",
            ip_address=ip_address,
        )

    @classmethod
    def from_request(cls, request) -> Actor:
        access = getattr(request, "access", None)
        branch = getattr(access, "branch", None)
        ip = request.META.get("REMOTE_ADDR")
        key = getattr(access, "api_key", None)
        if key is not None:
            return cls(
                label=f"api-key:{key.prefix}",
                api_key_id=key.pk,
                branch_id=branch.pk if branch else None,
                branch_label=branch.name if branch else "",
                ip_address=ip,
            )
        return cls.for_user(request.user, branch=branch, ip_address=ip)
