"""Creating operators, companies and branches (public schema)."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from shared_apps.audit.actor import Actor
from shared_apps.audit.services import audit_record
from shared_apps.org.models import Branch

from . import routing
from .choices import CompanyStatus, RouteKind
from .models import Company, Operator, Route
from .schemas import activate_public, company_context, in_public_schema
from .template_schema import clone_template_into, drop_schema, ensure_template_schema

log = logging.getLogger(__name__)


def _require_public() -> None:
    if not in_public_schema():
        raise RuntimeError("operators, companies and branches are written in the public schema")


def schema_name_for(slug: str) -> str:
    return "c_" + slug.replace("-", "_")


@dataclass(frozen=True)
class CompanyInput:
    name: str
    slug: str
    legal_name: str = ""
    tax_id: str = ""


@transaction.atomic
def operator_create(
    *, actor: Actor, name: str, slug: str, first_company: CompanyInput
) -> tuple[Operator, Company]:
    """A new SaaS subscriber with its first company (created asynchronously)."""
    _require_public()
    operator = Operator(name=name, slug=slug)
    operator.full_clean()
    operator.save()
    from shared_apps.access.services import operator_profiles_seed

    operator_profiles_seed(operator=operator)
    audit_record(actor=actor, action="operator.create", target=operator, operator_id=operator.pk)
    company = company_create(actor=actor, operator=operator, data=first_company)
    return operator, company


@transaction.atomic
def company_create(*, actor: Actor, operator: Operator, data: CompanyInput) -> Company:
    """Register a company and enqueue the creation of its schema (see company_provision)."""
    _require_public()
    if Company.objects.filter(slug=data.slug).exists():
        raise ValidationError({"slug": _("This route is already used by another company.")})
    company = Company(
        operator=operator,
        name=data.name,
        slug=data.slug,
        legal_name=data.legal_name,
        tax_id=data.tax_id,
        schema_name=schema_name_for(data.slug),
    )
    company.full_clean()
    company.save()
    Route.objects.create(
        domain=data.slug, tenant=company, kind=RouteKind.SUBFOLDER, is_primary=True
    )
    audit_record(
        actor=actor,
        action="company.create",
        target=company,
        operator_id=operator.pk,
        company_id=company.pk,
        changes={"slug": data.slug, "name": data.name},
    )
    from .tasks import company_provision_task

    transaction.on_commit(lambda: company_provision_task.delay(company.pk))
    return company


def _progress(company: Company, status: str, progress: int, message: str = "") -> None:
    Company.objects.filter(pk=company.pk).update(
        status=status, progress=progress, status_message=message[:300]
    )


def company_provision(*, company_id: int) -> Company:
    """Create the company's schema from the template, seed its defaults and mark it ready.

    Idempotent: a company already ready is left alone; a failed or interrupted attempt is
    retried from a clean schema.
    """
    activate_public()
    with _provision_lock(company_id):
        return _provision_locked(company_id)


@contextmanager
def _provision_lock(company_id: int):
    """One provisioning per company at a time, across processes (a session advisory lock)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [PROVISION_LOCK_CLASS, company_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [PROVISION_LOCK_CLASS, company_id])


PROVISION_LOCK_CLASS = 7101


def _provision_locked(company_id: int) -> Company:
    company = Company.objects.select_related("operator").get(pk=company_id)
    if company.status == CompanyStatus.READY:
        return company
    try:
        _progress(
            company, CompanyStatus.CREATING, 10, gettext_noop("Preparing the template schema")
        )
        ensure_template_schema()
        _progress(company, CompanyStatus.CREATING, 40, gettext_noop("Copying the company schema"))
        drop_schema(company.schema_name)
        clone_template_into(company.schema_name)
        _progress(company, CompanyStatus.CREATING, 75, gettext_noop("Writing default parameters"))
        with transaction.atomic():
            from shared_apps.access.services import company_profiles_seed
            from tenant_apps.parameters.services import parameters_seed

            company_profiles_seed(company=company)
            with company_context(company):
                parameters_seed()
            Company.objects.filter(pk=company.pk).update(
                status=CompanyStatus.READY,
                progress=100,
                status_message="",
                ready_at=timezone.now(),
            )
    except Exception:
        log.exception("creating company %s failed", company.slug)
        activate_public()
        _progress(
            company,
            CompanyStatus.FAILED,
            0,
            gettext_noop("The company could not be created; the team was alerted."),
        )
        raise
    routing.forget_routes()
    company.refresh_from_db()
    return company


@transaction.atomic
def branch_create(
    *, actor: Actor, company: Company, code: str, name: str, kind: str, city: str = ""
) -> Branch:
    _require_public()
    branch = Branch(company=company, code=code, name=name, kind=kind, city=city)
    branch.full_clean()
    branch.save()
    audit_record(
        actor=actor,
        action="branch.create",
        target=branch,
        operator_id=company.operator_id,
        company_id=company.pk,
        changes={"code": code, "name": name, "kind": kind},
    )
    return branch


@transaction.atomic
def branch_update(*, actor: Actor, branch: Branch, data: dict) -> Branch:
    _require_public()
    before = {f: getattr(branch, f) for f in ("code", "name", "kind", "city", "is_active")}
    for field_name in before:
        if field_name in data:
            setattr(branch, field_name, data[field_name])
    branch.full_clean()
    branch.save()
    after = {f: getattr(branch, f) for f in before}
    from shared_apps.audit.services import diff

    changes = diff(before, after)
    if changes:
        audit_record(
            actor=actor,
            action="branch.update",
            target=branch,
            operator_id=branch.company.operator_id,
            company_id=branch.company_id,
            changes=changes,
        )
    return branch


def current_schema() -> str:
    return connection.schema_name
