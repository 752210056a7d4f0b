"""Navigation: each entry shows only when the user's profiles grant its function."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Entry:
    label: Promise
    url_name: str
    function: str | None  # None: every member
    company: bool  # a company page (under /c/<route>/) or a public page


ENTRIES = [
    Entry(_("Home"), "company-home", None, True),
    Entry(_("Customers"), "customers", "customers.view", True),
    Entry(_("Groups"), "groups", "customers.view", True),
    Entry(_("Sales"), "sales", "customers.view", True),
    Entry(_("Service requests"), "service-requests", "customers.view", True),
    Entry(_("Sales plans"), "plans", "customers.view", True),
    Entry(_("Catalog"), "catalog", "customers.view", True),
    Entry(_("Coverage"), "locations", "customers.view", True),
    Entry(_("Invoices"), "invoices", "billing.view", True),
    Entry(_("Billing runs"), "billing-runs", "billing.view", True),
    Entry(_("Payments"), "payments", "billing.view", True),
    Entry(_("Bank return files"), "bank-returns", "collections.manage", True),
    Entry(_("Prepaid"), "prepaid", "billing.view", True),
    Entry(_("Billing reports"), "reports", "billing.view", True),
    Entry(_("Provisioning commands"), "provisioning-commands", "customers.view", True),
    Entry(_("Tax rates"), "tax-rates", "billing.view", True),
    Entry(_("Import customers"), "customer-import", "customers.import", True),
    Entry(_("Parameters"), "parameters", "company.settings", True),
    Entry(_("Access profiles"), "profiles", "profiles.manage", True),
    Entry(_("Audit trail"), "audit", "audit.view", True),
    Entry(_("Central view"), "central", "reports.central", False),
    Entry(_("Companies and branches"), "operator-companies", "operator.manage", False),
    Entry(_("Users"), "operator-members-home", "operator.manage", False),
    Entry(_("Partner API keys"), "api-keys", "operator.manage", False),
]


def menu_for(request) -> list[dict]:
    access = request.access
    items = []
    in_company = getattr(request, "company", None) is not None
    for entry in ENTRIES:
        if entry.company and not in_company:
            continue
        if entry.function is not None:
            if entry.company:
                allowed = access.can(entry.function)
            else:
                allowed = any(
                    entry.function in codes for codes in access.operator_functions.values()
                )
            if not allowed:
                continue
        try:
            url = (
                reverse(entry.url_name)
                if entry.company
                else reverse(entry.url_name, urlconf="config.urls_public")
            )
        except NoReverseMatch:
            continue
        items.append({"label": entry.label, "url": url, "active": request.path == url})
    if request.user.is_superuser:
        items.append(
            {
                "label": _("Operators"),
                "url": reverse("platform-operators", urlconf="config.urls_public"),
                "active": False,
            }
        )
    return items
