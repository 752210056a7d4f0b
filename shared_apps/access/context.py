"""Who is acting, where, and with which functions: one mechanism for UI, API and WebSocket."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from shared_apps.org.choices import BranchKind
from shared_apps.org.models import Branch
from tenants.models import Company, Operator

from . import cache as access_cache
from . import functions as fn
from .models import Membership, PartnerApiKey

SESSION_COMPANY = "position_company_id"
SESSION_BRANCH = "position_branch_id"
SESSION_OPERATOR = "position_operator_id"


class AccessDenied(PermissionDenied):
    """Refusal with a message that says what is missing."""

    def __init__(self, message: str, *, code: str = "permission_denied"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass
class AccessContext:
    """What the principal may do in this request.

    ``company_functions`` are usable in the request's company (``company``); ``branch`` is the
    branch the principal is positioned in, when it belongs to that company; ``operator_functions``
    maps operator id to the functions of the principal's central memberships.
    """

    user_id: int | None = None
    api_key: PartnerApiKey | None = None
    company: Company | None = None
    is_member: bool = False
    company_functions: frozenset[str] = frozenset()
    branch: Branch | None = None
    branch_ids: frozenset[int] = frozenset()
    operator_functions: dict[int, frozenset[str]] = field(default_factory=dict)

    @property
    def operator_ids(self) -> list[int]:
        return list(self.operator_functions)

    def can(self, code: str, *, operator: Operator | int | None = None) -> bool:
        function = fn.get(code)
        if function.scope is fn.Scope.OPERATOR:
            op_id = _operator_id(operator) or (self.company.operator_id if self.company else None)
            if op_id is None:
                return any(code in codes for codes in self.operator_functions.values())
            return code in self.operator_functions.get(op_id, frozenset())
        return code in self.company_functions

    def check(
        self, code: str, *, operator: Operator | int | None = None, write: bool = True
    ) -> None:
        """Raise AccessDenied unless the function may be used here and now.

        Reading (``write=False``) needs the function only; writing also needs a position in a
        branch of the request's company, of the kind the function asks for (P2, P3).
        """
        function = fn.get(code)
        if not self.can(code, operator=operator):
            raise AccessDenied(
                _("Your access profiles do not include “%(function)s”.")
                % {"function": function.label},
                code="function_missing",
            )
        if not write or not function.needs_branch:
            return
        if self.branch is None:
            if function.branch_kind:
                message = _(
                    "Position yourself in a %(kind)s branch of %(company)s to use “%(function)s”."
                ) % {
                    "kind": _branch_kind_label(function.branch_kind),
                    "company": self.company,
                    "function": function.label,
                }
            else:
                message = _(
                    "Position yourself in a branch of %(company)s to use “%(function)s”."
                ) % {"company": self.company, "function": function.label}
            raise AccessDenied(message, code="branch_required")
        if function.branch_kind and self.branch.kind != function.branch_kind:
            raise AccessDenied(
                _(
                    "Position yourself in a %(kind)s branch to use “%(function)s”: "
                    "%(branch)s is a %(current)s branch."
                )
                % {
                    "kind": _branch_kind_label(function.branch_kind),
                    "function": function.label,
                    "branch": self.branch.name,
                    "current": _branch_kind_label(self.branch.kind),
                },
                code="wrong_branch_kind",
            )


def _branch_kind_label(kind: str) -> str:
    return {BranchKind.SERVICE: _("customer-service"), BranchKind.TECHNICAL: _("technical")}[kind]


def _operator_id(operator: Operator | int | None) -> int | None:
    if operator is None:
        return None
    return operator if isinstance(operator, int) else operator.pk


@dataclass(frozen=True)
class _Facts:
    """What a user's memberships grant in one company (or none), without the position."""

    operator_functions: dict[int, frozenset[str]]
    is_member: bool = False
    company_functions: frozenset[str] = frozenset()
    branches: dict[int, Branch] = field(default_factory=dict)


def _facts(user_id: int, company: Company | None) -> _Facts:
    memberships = list(
        Membership.objects.filter(user_id=user_id, is_active=True, operator__is_active=True)
        .prefetch_related("profiles")
        .only("id", "operator_id", "company_id")
    )
    operator_functions: dict[int, frozenset[str]] = {}
    for m in memberships:
        if m.company_id is None:
            codes = {c for p in m.profiles.all() if p.company_id is None for c in p.functions}
            operator_functions[m.operator_id] = operator_functions.get(
                m.operator_id, frozenset()
            ) | frozenset(codes)
    if company is None:
        return _Facts(operator_functions=operator_functions)
    is_member = False
    functions: set[str] = set()
    branches: dict[int, Branch] = {}
    membership = next((m for m in memberships if m.company_id == company.pk), None)
    if membership is not None:
        is_member = True
        functions |= {
            c for p in membership.profiles.all() if p.company_id == company.pk for c in p.functions
        }
        branches = {
            b.pk: b for b in membership.branches.filter(is_active=True, company_id=company.pk)
        }
    central = operator_functions.get(company.operator_id)
    if central is not None:
        is_member = True
        functions |= {c for c in central if fn.get(c).scope is fn.Scope.READ}
    return _Facts(
        operator_functions=operator_functions,
        is_member=is_member,
        company_functions=frozenset(functions),
        branches=branches,
    )


def for_user(user, company: Company | None, session) -> AccessContext:
    """The context of a logged-in user, from its memberships and its position in the session.

    What the memberships grant is cached (shared_apps.access.cache: any change to memberships,
    profiles, branches, operators or users invalidates every entry at once); the position is
    read from the session on every request.
    """
    if user is None or not user.is_authenticated:
        return AccessContext(company=company)
    company_id = company.pk if company is not None else None
    facts = access_cache.get(user.pk, company_id)
    if facts is None:
        generation = access_cache.current_generation()
        facts = _facts(user.pk, company)
        access_cache.put(user.pk, company_id, facts, generation)
    ctx = AccessContext(
        user_id=user.pk,
        company=company,
        operator_functions=dict(facts.operator_functions),
        is_member=facts.is_member,
        company_functions=facts.company_functions,
        branch_ids=frozenset(facts.branches),
    )
    if company is None:
        return ctx
    branch_id = session.get(SESSION_BRANCH) if session is not None else None
    if branch_id and session.get(SESSION_COMPANY) == company.pk:
        # Active branches of this company that the membership may use (read above).
        ctx.branch = facts.branches.get(branch_id)
    return ctx


def for_api_key(key: PartnerApiKey, company: Company | None) -> AccessContext:
    """The context of a partner key: its operator, optional company and branch, its profiles."""
    profiles = list(key.profiles.all())
    operator_codes = frozenset(c for p in profiles if p.company_id is None for c in p.functions)
    ctx = AccessContext(api_key=key, company=company)
    ctx.operator_functions = {key.operator_id: operator_codes}
    if company is None:
        return ctx
    if company.operator_id != key.operator_id or key.company_id not in (None, company.pk):
        return ctx
    ctx.is_member = True
    # As for users: the company's own profiles, plus the read functions of operator profiles.
    ctx.company_functions = frozenset(
        {c for p in profiles if p.company_id == company.pk for c in p.functions}
        | {c for c in operator_codes if fn.get(c).scope is fn.Scope.READ}
    )
    if key.branch_id and key.branch.company_id == company.pk and key.branch.is_active:
        ctx.branch = key.branch
        ctx.branch_ids = frozenset({key.branch_id})
    return ctx
