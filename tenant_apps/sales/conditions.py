"""The conditions of a sale (S1). Pure: facts in (dataclasses), a list of failures out.

No ORM, request or settings: ``services.selling`` gathers the facts and calls ``sale_failures``.
Every failing condition is reported (not only the first), each with a stable ``code`` (for API
clients and tests), the input ``field`` it is about, and a translated message that names the
condition and says why it fails.

Rules:

* the plan must be active, and today within ``valid_from`` .. ``valid_until`` (both inclusive:
  ``valid_until`` is the last day the plan can be sold);
* the customer's type must be one of the plan's customer types (none listed: every type);
* the address must be in one of the plan's cities or zones (none listed: everywhere);
* each product's technology must be covered by the address's zone;
* the customer's overdue debt must not be above the plan's maximum debt, and its oldest overdue
  debt must not be older than the plan's maximum overdue days (limits left empty: no limit);
* an additional product needs a main product of the same system at the address, active or
  pending installation, or sold in the same operation;
* a product already pending, active or suspended at the address is not sold there again.

**Prepaid plans and overdue debt (decision).** A prepaid plan is checked against the same debt
limits as any plan: they are the plan's own conditions, and the operator decides them per plan.
A prepaid plan whose limits are left empty is sold to a customer with overdue debt: nothing is
billed after the fact on a prepaid product (the customer pays before using it), which is why
operators offer prepaid to customers they would not give credit to. The overdue debt stays on
the account and collections still pursue it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

# Stable failure codes (API clients and tests rely on them).
PLAN_INACTIVE = "plan_inactive"
PLAN_NOT_YET_VALID = "plan_not_yet_valid"
PLAN_EXPIRED = "plan_expired"
PLAN_WITHOUT_PRODUCTS = "plan_without_products"
CUSTOMER_TYPE_NOT_ALLOWED = "customer_type_not_allowed"
LOCATION_NOT_COVERED = "location_not_covered"
TECHNOLOGY_NOT_COVERED = "technology_not_covered"
DEBT_ABOVE_MAXIMUM = "debt_above_maximum"
OVERDUE_TOO_OLD = "overdue_too_old"
MAIN_PRODUCT_MISSING = "main_product_missing"
PRODUCT_ALREADY_AT_ADDRESS = "product_already_at_address"
PRODUCT_INACTIVE = "product_inactive"

MAIN = "main"
ADDITIONAL = "additional"


@dataclass(frozen=True)
class PlanFacts:
    name: str
    is_active: bool
    valid_from: date
    valid_until: date | None
    customer_types: frozenset[str] = frozenset()  # empty: every type
    customer_types_label: str = ""  # the allowed types, as shown to people
    city_ids: frozenset[int] = frozenset()  # cities and zones both empty: everywhere
    zone_ids: frozenset[int] = frozenset()
    max_debt: Decimal | None = None
    max_overdue_days: int | None = None
    prepaid: bool = False


@dataclass(frozen=True)
class CustomerFacts:
    customer_type: str
    customer_type_label: str
    overdue_debt: Decimal
    days_overdue: int


@dataclass(frozen=True)
class AddressFacts:
    zone_id: int
    zone_name: str
    city_id: int
    city_name: str
    technologies: frozenset[str]
    main_systems: frozenset[str] = frozenset()  # systems with an active/pending main product
    product_ids: frozenset[int] = frozenset()  # products pending/active/suspended there


@dataclass(frozen=True)
class ItemFacts:
    product_id: int
    product_name: str
    system: str
    system_label: str
    role: str  # "main" or "additional"
    technology: str
    technology_label: str
    product_active: bool = True


@dataclass(frozen=True)
class Failure:
    code: str
    message: str
    field: str = "plan"
    params: dict = dataclasses.field(default_factory=dict, compare=False)


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def sale_failures(
    *,
    plan: PlanFacts,
    customer: CustomerFacts,
    address: AddressFacts,
    items: Iterable[ItemFacts],
    today: date,
) -> list[Failure]:
    """Every condition of selling ``items`` of ``plan`` to ``customer`` at ``address`` that
    fails on ``today``; an empty list means the sale may go ahead."""
    items = list(items)
    failures: list[Failure] = []
    name = plan.name

    if not plan.is_active:
        failures.append(
            Failure(
                PLAN_INACTIVE,
                _("Plan “%(plan)s” is not active: it is no longer offered.") % {"plan": name},
            )
        )
    if today < plan.valid_from:
        failures.append(
            Failure(
                PLAN_NOT_YET_VALID,
                _("Validity: plan “%(plan)s” can only be sold from %(date)s.")
                % {"plan": name, "date": plan.valid_from.isoformat()},
            )
        )
    if plan.valid_until is not None and today > plan.valid_until:
        failures.append(
            Failure(
                PLAN_EXPIRED,
                _(
                    "Validity: plan “%(plan)s” could be sold until %(date)s; "
                    "it is past its validity."
                )
                % {"plan": name, "date": plan.valid_until.isoformat()},
            )
        )
    if not items:
        failures.append(
            Failure(
                PLAN_WITHOUT_PRODUCTS,
                _("Plan “%(plan)s” has no product to sell.") % {"plan": name},
            )
        )
    if plan.customer_types and customer.customer_type not in plan.customer_types:
        failures.append(
            Failure(
                CUSTOMER_TYPE_NOT_ALLOWED,
                _(
                    "Customer type: plan “%(plan)s” is not sold to %(type)s customers "
                    "(allowed: %(allowed)s)."
                )
                % {
                    "plan": name,
                    "type": customer.customer_type_label,
                    "allowed": plan.customer_types_label or ", ".join(sorted(plan.customer_types)),
                },
                field="customer",
            )
        )
    if (plan.city_ids or plan.zone_ids) and not (
        address.zone_id in plan.zone_ids or address.city_id in plan.city_ids
    ):
        failures.append(
            Failure(
                LOCATION_NOT_COVERED,
                _(
                    "Location: plan “%(plan)s” is not sold in %(zone)s, %(city)s "
                    "(outside its cities and zones)."
                )
                % {"plan": name, "zone": address.zone_name, "city": address.city_name},
                field="address",
            )
        )
    for item in items:
        if item.technology not in address.technologies:
            failures.append(
                Failure(
                    TECHNOLOGY_NOT_COVERED,
                    _(
                        "Coverage: %(product)s needs %(technology)s, which zone %(zone)s "
                        "does not cover."
                    )
                    % {
                        "product": item.product_name,
                        "technology": item.technology_label,
                        "zone": address.zone_name,
                    },
                    field="address",
                    params={"product_id": item.product_id},
                )
            )
    if plan.max_debt is not None and customer.overdue_debt > plan.max_debt:
        failures.append(
            Failure(
                DEBT_ABOVE_MAXIMUM,
                _(
                    "Debt: the customer's overdue debt is %(debt)s, above the maximum of "
                    "%(maximum)s allowed by plan “%(plan)s”."
                )
                % {
                    "debt": _money(customer.overdue_debt),
                    "maximum": _money(plan.max_debt),
                    "plan": name,
                },
                field="customer",
            )
        )
    if plan.max_overdue_days is not None and customer.days_overdue > plan.max_overdue_days:
        failures.append(
            Failure(
                OVERDUE_TOO_OLD,
                _(
                    "Overdue days: the customer's oldest overdue debt is %(days)s days old, "
                    "more than the %(maximum)s days allowed by plan “%(plan)s”."
                )
                % {"days": customer.days_overdue, "maximum": plan.max_overdue_days, "plan": name},
                field="customer",
            )
        )
    mains_here = set(address.main_systems) | {i.system for i in items if i.role == MAIN}
    for item in items:
        if item.role == ADDITIONAL and item.system not in mains_here:
            failures.append(
                Failure(
                    MAIN_PRODUCT_MISSING,
                    _(
                        "Main product: %(product)s is an additional %(system)s product and the "
                        "address has no active or pending main %(system)s product."
                    )
                    % {"product": item.product_name, "system": item.system_label},
                    field="address",
                    params={"product_id": item.product_id},
                )
            )
        if item.product_id in address.product_ids:
            failures.append(
                Failure(
                    PRODUCT_ALREADY_AT_ADDRESS,
                    _(
                        "Duplicate: %(product)s is already at this address "
                        "(pending, active or suspended)."
                    )
                    % {"product": item.product_name},
                    field="address",
                    params={"product_id": item.product_id},
                )
            )
        if not item.product_active:
            failures.append(
                Failure(
                    PRODUCT_INACTIVE,
                    _("Catalog: %(product)s is no longer sold (inactive in the catalog).")
                    % {"product": item.product_name},
                    params={"product_id": item.product_id},
                )
            )
    return failures
