"""The catalogue of functions that access profiles grant (P4).

Each function says where it may be used: reading needs no branch; a write needs the user to be
positioned in a branch of the company of the right kind (P2, P3); operator functions are used
from the central view.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from shared_apps.org.choices import BranchKind


class Scope(Enum):
    READ = "read"  # company view, no branch needed
    SERVICE = "service"  # a customer-service branch of the company
    TECHNICAL = "technical"  # a technical branch of the company
    ANY_BRANCH = "any"  # any branch of the company
    OPERATOR = "operator"  # central view of the operator


@dataclass(frozen=True)
class Function:
    code: str
    label: Promise
    area: Promise
    scope: Scope

    @property
    def branch_kind(self) -> str | None:
        return {Scope.SERVICE: BranchKind.SERVICE, Scope.TECHNICAL: BranchKind.TECHNICAL}.get(
            self.scope
        )

    @property
    def needs_branch(self) -> bool:
        return self.scope in (Scope.SERVICE, Scope.TECHNICAL, Scope.ANY_BRANCH)


_COMMERCIAL = _("Commercial")
_FINANCE = _("Billing and collections")
_TECHNICAL = _("Technical")
_SERVICE = _("Customer service")
_ADMIN = _("Administration")
_REPORTS = _("Reports")

FUNCTIONS: dict[str, Function] = {
    f.code: f
    for f in [
        Function("customers.view", _("View customers"), _COMMERCIAL, Scope.READ),
        Function("customers.manage", _("Register and edit customers"), _COMMERCIAL, Scope.SERVICE),
        Function("sales.sell", _("Sell plans"), _COMMERCIAL, Scope.SERVICE),
        Function("sales.cancel", _("Cancel products and customers"), _COMMERCIAL, Scope.SERVICE),
        Function(
            "subscriptions.activate",
            _("Activate pending subscriptions by hand"),
            _COMMERCIAL,
            Scope.ANY_BRANCH,
        ),
        Function(
            "customers.import", _("Import customers from another system"), _ADMIN, Scope.ANY_BRANCH
        ),
        Function("catalog.manage", _("Manage catalog and plans"), _COMMERCIAL, Scope.ANY_BRANCH),
        Function("billing.view", _("View invoices and billing"), _FINANCE, Scope.READ),
        Function("billing.run", _("Run billing"), _FINANCE, Scope.ANY_BRANCH),
        Function(
            "billing.adjust",
            _("Cancel invoices, add one-off charges and credits"),
            _FINANCE,
            Scope.ANY_BRANCH,
        ),
        Function(
            "collections.receive", _("Receive payments and recharges"), _FINANCE, Scope.SERVICE
        ),
        Function(
            "collections.manage",
            _("Reverse payments and import bank return files"),
            _FINANCE,
            Scope.ANY_BRANCH,
        ),
        Function("service_orders.view", _("View service orders"), _TECHNICAL, Scope.READ),
        Function(
            "service_orders.schedule", _("Schedule service orders"), _TECHNICAL, Scope.TECHNICAL
        ),
        Function("service_orders.close", _("Close service orders"), _TECHNICAL, Scope.TECHNICAL),
        Function("inventory.view", _("View inventory"), _TECHNICAL, Scope.READ),
        Function("inventory.move", _("Move inventory"), _TECHNICAL, Scope.TECHNICAL),
        Function("contacts.register", _("Register customer contacts"), _SERVICE, Scope.SERVICE),
        Function("complaints.manage", _("Handle complaints"), _SERVICE, Scope.SERVICE),
        Function("reports.company", _("Company dashboards"), _REPORTS, Scope.READ),
        Function("reports.central", _("Central view dashboards"), _REPORTS, Scope.OPERATOR),
        Function("company.settings", _("Edit company parameters"), _ADMIN, Scope.ANY_BRANCH),
        Function("profiles.manage", _("Edit access profiles"), _ADMIN, Scope.ANY_BRANCH),
        Function("audit.view", _("View the audit trail"), _ADMIN, Scope.READ),
        Function(
            "operator.manage",
            _("Manage companies, branches, users and API keys"),
            _ADMIN,
            Scope.OPERATOR,
        ),
    ]
}

ALL = frozenset(FUNCTIONS)

# Default profiles seeded in every new company (names stay in pt-BR: they are data).
DEFAULT_PROFILES: dict[str, frozenset[str]] = {
    "Administrador": ALL - {"operator.manage", "reports.central"},
    "Gerente": frozenset(
        {
            "customers.view",
            "billing.view",
            "service_orders.view",
            "inventory.view",
            "reports.company",
            "audit.view",
            "catalog.manage",
            "billing.run",
            "billing.adjust",
            "collections.manage",
            "company.settings",
            "subscriptions.activate",
        }
    ),
    "Vendedor": frozenset({"customers.view", "customers.manage", "sales.sell"}),
    "Atendente": frozenset(
        {
            "customers.view",
            "customers.manage",
            "sales.cancel",
            "contacts.register",
            "complaints.manage",
            "billing.view",
            "service_orders.view",
        }
    ),
    "Cobrança": frozenset(
        {
            "customers.view",
            "billing.view",
            "billing.adjust",
            "collections.receive",
            "collections.manage",
            "contacts.register",
        }
    ),
    "Técnico": frozenset(
        {"customers.view", "service_orders.view", "service_orders.close", "inventory.view"}
    ),
    "Supervisor técnico": frozenset(
        {
            "customers.view",
            "service_orders.view",
            "service_orders.schedule",
            "service_orders.close",
            "inventory.view",
            "inventory.move",
            "reports.company",
            "subscriptions.activate",
        }
    ),
}

# Operator-level profile for central memberships.
OPERATOR_ADMIN_PROFILE = "Administrador do operador"
OPERATOR_PROFILES: dict[str, frozenset[str]] = {
    OPERATOR_ADMIN_PROFILE: frozenset(
        {
            "operator.manage",
            "reports.central",
            "customers.view",
            "billing.view",
            "service_orders.view",
            "inventory.view",
            "reports.company",
            "audit.view",
        }
    ),
    "Analista central": frozenset(
        {
            "reports.central",
            "customers.view",
            "billing.view",
            "service_orders.view",
            "inventory.view",
            "reports.company",
        }
    ),
}


def get(code: str) -> Function:
    return FUNCTIONS[code]
