"""Profiles, memberships, users, partner keys and positioning (public schema)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shared_apps.audit.actor import Actor
from shared_apps.audit.services import audit_record
from shared_apps.org.models import Branch
from tenants.models import Company, Operator

from . import functions as fn
from .context import SESSION_BRANCH, SESSION_COMPANY, SESSION_OPERATOR
from .models import AccessProfile, Membership, PartnerApiKey

User = get_user_model()


def company_profiles_seed(*, company: Company) -> list[AccessProfile]:
    """The default profiles of a new company (idempotent)."""
    return [
        AccessProfile.objects.get_or_create(
            operator_id=company.operator_id,
            company=company,
            name=name,
            defaults={"functions": sorted(codes)},
        )[0]
        for name, codes in fn.DEFAULT_PROFILES.items()
    ]


def operator_profiles_seed(*, operator: Operator) -> list[AccessProfile]:
    return [
        AccessProfile.objects.get_or_create(
            operator=operator, company=None, name=name, defaults={"functions": sorted(codes)}
        )[0]
        for name, codes in fn.OPERATOR_PROFILES.items()
    ]


@transaction.atomic
def profile_save(
    *,
    actor: Actor,
    operator: Operator,
    company: Company | None,
    name: str,
    functions: Iterable[str],
    profile: AccessProfile | None = None,
) -> AccessProfile:
    """Create or edit a profile. Company profiles may not hold operator functions."""
    codes = sorted(set(functions))
    if company is not None:
        operator_only = [
            c for c in codes if c in fn.FUNCTIONS and fn.get(c).scope is fn.Scope.OPERATOR
        ]
        if operator_only:
            raise ValidationError(
                {
                    "functions": _(
                        "Central-view functions cannot be given by a company profile: %(codes)s"
                    )
                    % {"codes": ", ".join(operator_only)}
                }
            )
    is_new = profile is None
    before = {} if is_new else {"name": profile.name, "functions": list(profile.functions)}
    profile = profile or AccessProfile(operator=operator, company=company)
    profile.name = name
    profile.functions = codes
    profile.full_clean()
    profile.save()
    audit_record(
        actor=actor,
        action="profile.create" if is_new else "profile.update",
        target=profile,
        operator_id=operator.pk,
        company_id=company.pk if company else None,
        changes={"before": before, "after": {"name": name, "functions": codes}},
    )
    return profile


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    full_name: str = "",
    email: str = "",
    language: str = "",
) -> User:
    user = User(username=username, full_name=full_name, email=email, language=language)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=actor, action="user.create", target=user)
    return user


@transaction.atomic
def membership_grant(
    *,
    actor: Actor,
    user: User,
    operator: Operator,
    company: Company | None,
    profiles: Iterable[AccessProfile],
    branches: Iterable[Branch] = (),
) -> Membership:
    """Give a user a company (with profiles and branches) or the operator's central view."""
    profiles = list(profiles)
    branches = list(branches)
    if company is not None and company.operator_id != operator.pk:
        raise ValidationError({"company": _("The company belongs to another operator.")})
    wrong_profiles = [
        p.name
        for p in profiles
        if p.operator_id != operator.pk or p.company_id != (company.pk if company else None)
    ]
    if wrong_profiles:
        raise ValidationError(
            {
                "profiles": _("These profiles belong elsewhere: %(names)s")
                % {"names": ", ".join(wrong_profiles)}
            }
        )
    if company is None and branches:
        raise ValidationError({"branches": _("A central-view membership has no branches.")})
    wrong_branches = [b.name for b in branches if company and b.company_id != company.pk]
    if wrong_branches:
        raise ValidationError(
            {
                "branches": _("These branches belong to another company: %(names)s")
                % {"names": ", ".join(wrong_branches)}
            }
        )
    membership, _created = Membership.objects.get_or_create(
        user=user, operator=operator, company=company
    )
    membership.is_active = True
    membership.save()
    membership.profiles.set(profiles)
    membership.branches.set(branches)
    audit_record(
        actor=actor,
        action="membership.grant",
        target=membership,
        operator_id=operator.pk,
        company_id=company.pk if company else None,
        changes={
            "profiles": sorted(p.name for p in profiles),
            "branches": sorted(b.code for b in branches),
        },
    )
    return membership


def _hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_key_create(
    *,
    actor: Actor,
    operator: Operator,
    name: str,
    profiles: Iterable[AccessProfile],
    company: Company | None = None,
    branch: Branch | None = None,
) -> tuple[PartnerApiKey, str]:
    """A new partner key. Returns the key and its secret, shown once and stored hashed."""
    profiles = list(profiles)
    if company is not None and company.operator_id != operator.pk:
        raise ValidationError({"company": _("The company belongs to another operator.")})
    if branch is not None and (company is None or branch.company_id != company.pk):
        raise ValidationError({"branch": _("The branch must belong to the key's company.")})
    if any(p.operator_id != operator.pk for p in profiles):
        raise ValidationError({"profiles": _("Profiles must belong to the key's operator.")})
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = PartnerApiKey(
        operator=operator,
        company=company,
        branch=branch,
        name=name,
        prefix=prefix,
        key_hash=_hash_key(secret),
    )
    key.full_clean()
    key.save()
    key.profiles.set(profiles)
    audit_record(
        actor=actor,
        action="api_key.create",
        target=key,
        operator_id=operator.pk,
        company_id=company.pk if company else None,
    )
    return key, f"{prefix}.{secret}"


def api_key_verify(token: str) -> PartnerApiKey | None:
    prefix, _sep, secret = token.partition(".")
    if not prefix or not secret:
        return None
    key = (
        PartnerApiKey.objects.select_related("operator", "company", "branch")
        .prefetch_related("profiles")
        .filter(prefix=prefix, is_active=True, operator__is_active=True)
        .first()
    )
    if key is None or not hmac.compare_digest(key.key_hash, _hash_key(secret)):
        return None
    return key


@transaction.atomic
def api_key_revoke(*, actor: Actor, key: PartnerApiKey) -> None:
    key.is_active = False
    key.save(update_fields=["is_active"])
    audit_record(actor=actor, action="api_key.revoke", target=key, operator_id=key.operator_id)


# --- Positioning (P2) ---------------------------------------------------------------------------


def position_options(user) -> list[dict]:
    """Where a user may position itself: each company with its branches, and central views."""
    options = []
    memberships = (
        Membership.objects.filter(user=user, is_active=True, operator__is_active=True)
        .select_related("operator", "company")
        .prefetch_related("branches")
        .order_by("operator__name", "company__name")
    )
    for m in memberships:
        if m.company_id is None:
            options.append({"operator": m.operator, "company": None, "branches": []})
        elif m.company.is_active and m.company.is_ready:
            options.append(
                {
                    "operator": m.operator,
                    "company": m.company,
                    "branches": [b for b in m.branches.all() if b.is_active],
                }
            )
    return options


def position_set(
    *,
    session,
    user,
    company_id: int | None,
    branch_id: int | None = None,
    operator_id: int | None = None,
) -> None:
    """Position the user: in a company (optionally one of its branches) or a central view."""
    options = position_options(user)
    if company_id is None:
        if not any(o["company"] is None and o["operator"].pk == operator_id for o in options):
            raise ValidationError({"operator": _("You have no central view of this operator.")})
        session[SESSION_OPERATOR] = operator_id
        session.pop(SESSION_COMPANY, None)
        session.pop(SESSION_BRANCH, None)
        return
    option = next((o for o in options if o["company"] and o["company"].pk == company_id), None)
    if option is None:
        raise ValidationError({"company": _("You have no access to this company.")})
    if branch_id is not None and branch_id not in {b.pk for b in option["branches"]}:
        raise ValidationError({"branch": _("You may not position yourself in this branch.")})
    session[SESSION_OPERATOR] = option["operator"].pk
    session[SESSION_COMPANY] = company_id
    if branch_id is None:
        session.pop(SESSION_BRANCH, None)
    else:
        session[SESSION_BRANCH] = branch_id


def position_auto(*, session, user) -> bool:
    """Position a user that has exactly one choice. True when it did."""
    options = position_options(user)
    if len(options) != 1:
        return False
    option = options[0]
    if option["company"] is None:
        position_set(session=session, user=user, company_id=None, operator_id=option["operator"].pk)
        return True
    branches = option["branches"]
    if len(branches) > 1:
        return False
    position_set(
        session=session,
        user=user,
        company_id=option["company"].pk,
        branch_id=branches[0].pk if branches else None,
    )
    return True


@transaction.atomic
def membership_revoke(*, actor: Actor, membership: Membership) -> None:
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="membership.revoke",
        target=membership,
        operator_id=membership.operator_id,
        company_id=membership.company_id,
    )


@transaction.atomic
def member_add(
    *,
    actor: Actor,
    operator_id: int,
    company_id: int | None,
    profile_ids: list[int],
    branch_ids: list[int],
    user_id: int | None = None,
    username: str | None = None,
    password: str | None = None,
    full_name: str = "",
) -> Membership:
    """Grant a membership by ids, all checked to belong to the operator (and company); creates
    the user when a user name is given instead of a user id."""
    operator = Operator.objects.filter(pk=operator_id, is_active=True).first()
    if operator is None:
        raise ValidationError({"operator": _("Unknown operator.")})
    company = None
    if company_id:
        company = Company.objects.filter(pk=company_id, operator=operator).first()
        if company is None:
            raise ValidationError({"company": _("This company is not of this operator.")})
    profiles = list(
        AccessProfile.objects.filter(pk__in=profile_ids, operator=operator, company=company)
    )
    if not profiles or len(profiles) != len(set(profile_ids)):
        raise ValidationError(
            {
                "profiles": _(
                    "Choose profiles of this company (or, for a central view, of the operator)."
                )
            }
        )
    branches = list(Branch.objects.filter(pk__in=branch_ids, company=company))
    if len(branches) != len(set(branch_ids)):
        raise ValidationError({"branches": _("Choose branches of this company.")})
    if user_id:
        user = User.objects.filter(pk=user_id, is_active=True).first()
        if user is None:
            raise ValidationError({"user": _("Unknown user.")})
    else:
        if User.objects.filter(username=username).exists():
            raise ValidationError({"username": _("This user name is taken.")})
        user = user_create(
            actor=actor, username=username or "", password=password or "", full_name=full_name
        )
    return membership_grant(
        actor=actor,
        user=user,
        operator=operator,
        company=company,
        profiles=profiles,
        branches=branches,
    )
