"""Reading customers: the fast search and the customer 360 (one statement of JSON)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import F, OrderBy, Q, QuerySet

from shared_apps.audit.models import AuditEvent

from .choices import (
    ContactChannel,
    ContactKind,
    CustomerKind,
    CustomerStatus,
    CustomerType,
    GroupKind,
)
from .models import Address, Contact, ContactRecord, Customer, Group
from .normalize import digits, fold, words

HISTORY_SIZE = 20
RECENT_RECORDS = 10
_DIGIT_QUERY = re.compile(r"^[\d\s.\-/()+]+$")
_NUMBER_QUERY = re.compile(r"^(?=.*\d)[\w./-]+$")
_MAX_IDS = 200  # customers taken from one phone or contract look-up
_MAX_TEXT_CANDIDATES = 500  # full-text matches considered for ordering by name
# Street types found in nearly every address: reading their posting lists would cost more than
# the rest of the search; they are left out of the full text when other words are given.
_UBIQUITOUS = frozenset(
    {"rua", "r", "av", "avenida", "travessa", "tv", "alameda", "al", "praca", "estrada", "rod"}
)


class PatternOrder(OrderBy):
    """ORDER BY <column> USING ~<~: the order of a text_pattern_ops index (byte order; the
    folded names are lower case without accents), so the index serves the prefix and the
    order and the scan stops after ``limit`` rows. (The trailing comment is for Django's
    compiler, which looks for ASC/DESC in every ORDER BY term; PostgreSQL allows USING alone.)"""

    template = "%(expression)s USING ~<~ /* ASC */"

    def __init__(self, expression):
        super().__init__(F(expression) if isinstance(expression, str) else expression)


@dataclass
class SearchPlan:
    """What a search query is taken to be, and its stages: each stage is one statement served
    by an index; results come stage after stage (exact identifiers, then names starting with
    the query, then other word matches), each stage ordered by name."""

    kind: str  # "tax_id", "phone", "number", "name"
    paths: list[str] = field(default_factory=list)
    contact_ids: QuerySet | None = None  # customers found by phone (Contact.normalized)
    sale_ids: QuerySet | None = None  # customers found by contract number (Sale.number)
    exact: Q | None = None  # tax id, customer number (and the ids found above)
    name_prefix: str = ""  # folded query, prefix of search_name
    fts: SearchQuery | None = None  # every word as a prefix, over search_text
    fts_text: str = ""  # the tsquery given to ``fts``


def _fts_vector() -> SearchVector:
    # Exactly the expression of the GIN index customers_search_text_fts.
    return SearchVector("search_text", config="simple")


def _prefix_tsquery(terms: list[str]) -> str:
    # Words hold no quotes (normalize.words keeps letters, digits, @ . + -): quoting is safe.
    return " & ".join(f"'{t}':*" for t in terms)


def search_plan(query: str) -> SearchPlan:
    """Detect the kind of query: a CPF/CNPJ (11 or 14 digits: exact tax id, and exact phone,
    since a mobile number has 11 digits too), other digits of 8 or more (phone exact or prefix,
    tax id prefix), a customer or contract number (case-insensitive), or names and address
    words (prefix of the folded name, and every word as a full-text prefix)."""
    from tenant_apps.sales.models import Sale

    query = (query or "").strip()
    plan = SearchPlan(kind="name")
    exact = Q(pk__in=[])
    if _NUMBER_QUERY.match(query):
        plan.kind = "number"
        plan.paths.append("number")
        exact |= Q(code__iexact=query)
        plan.sale_ids = (
            Sale.objects.filter(number__in=sorted({query, query.upper()}))
            .order_by()
            .values("customer_id")
        )
    if _DIGIT_QUERY.match(query):
        d = digits(query)
        if len(d) in (11, 14):
            plan.kind = "tax_id"
            plan.paths += ["tax_id", "phone"]
            exact |= Q(tax_id=d)
            plan.contact_ids = Contact.objects.filter(normalized=d).order_by().values("customer_id")
        elif len(d) >= 8:
            plan.kind = "phone"
            plan.paths += ["phone", "tax_id_prefix"]
            exact |= Q(tax_id__startswith=d)
            plan.contact_ids = (
                Contact.objects.filter(normalized__startswith=d).order_by().values("customer_id")
            )
        plan.exact = exact
        return plan
    if plan.kind == "number":
        plan.exact = exact
    plan.name_prefix = fold(query)[:150]
    if plan.name_prefix:
        plan.paths.append("name")
    terms = words(query)
    # Words of one or two letters ("da", "de") and street types match most customers; they
    # still count in the name prefix, and in the full text when nothing else is given.
    terms = [t for t in terms if len(t) > 2 and t not in _UBIQUITOUS] or terms
    if terms:
        plan.paths.append("text")
        plan.fts_text = _prefix_tsquery(terms)
        plan.fts = SearchQuery(plan.fts_text, search_type="raw", config="simple")
    return plan


def search_stages(plan: SearchPlan, ids: list[int] | None = None) -> list[tuple[str, QuerySet]]:
    """The statements of a search, in order, each served by an index (tests check the plans).
    ``ids``: customers already found by phone or contract number."""
    stages: list[tuple[str, QuerySet]] = []
    exact = plan.exact
    if ids:
        exact = (exact or Q(pk__in=[])) | Q(pk__in=ids)
    if exact is not None:
        stages.append(("exact", Customer.objects.filter(exact).order_by("search_name", "id")))
    if plan.name_prefix:
        stages.append(
            (
                "name",
                Customer.objects.filter(search_name__startswith=plan.name_prefix).order_by(
                    PatternOrder("search_name"), "id"
                ),
            )
        )
    if plan.fts is not None:
        candidates = (
            Customer.objects.alias(fts=_fts_vector())
            .filter(fts=plan.fts)
            .order_by()
            .values("pk")[:_MAX_TEXT_CANDIDATES]
        )
        stages.append(
            ("text", Customer.objects.filter(pk__in=candidates).order_by("search_name", "id"))
        )
    return stages


def customer_search(
    query: str,
    *,
    limit: int = 20,
    status: str | None = None,
    customer_type: str | None = None,
    kind: str | None = None,
) -> list[Customer]:
    """Customers matching ``query`` (see ``search_plan``), at most ``limit``: exact identifiers
    first, then names starting with the query, then customers having every word (name, trade
    name, e-mail, address); each group ordered by name. Every statement uses an index; a
    stage runs only while fewer than ``limit`` customers were found."""
    query = (query or "").strip()
    if not query or limit < 1:
        return []
    plan = search_plan(query)
    ids: list[int] = []
    for sub in (plan.contact_ids, plan.sale_ids):
        if sub is not None:
            ids += [row["customer_id"] for row in sub[:_MAX_IDS]]
    filters = {
        k: v for k, v in (("status", status), ("customer_type", customer_type), ("kind", kind)) if v
    }
    found: list[Customer] = []
    seen: set[int] = set()
    for _name, qs in search_stages(plan, ids):
        remaining = limit - len(found)
        if remaining <= 0:
            break
        if filters:
            qs = qs.filter(**filters)
        if seen:
            qs = qs.exclude(pk__in=seen)
        for customer in qs[:remaining]:
            seen.add(customer.pk)
            found.append(customer)
    return found


def customer_list(
    *, status: str | None = None, customer_type: str | None = None, kind: str | None = None
) -> QuerySet:
    qs = Customer.objects.all()
    if status:
        qs = qs.filter(status=status)
    if customer_type:
        qs = qs.filter(customer_type=customer_type)
    if kind:
        qs = qs.filter(kind=kind)
    # In the prefix index's order: a page is read from the index, not sorted from every row.
    return qs.order_by(PatternOrder("search_name"), "id")


def customer_contacts(customer: Customer) -> QuerySet:
    return Contact.objects.filter(customer=customer)


def customer_addresses(customer: Customer) -> QuerySet:
    return Address.objects.filter(customer=customer).select_related("zone__city", "group")


def customer_contact_records(customer: Customer) -> QuerySet:
    return ContactRecord.objects.filter(customer=customer).order_by("-at", "-id")


def group_list() -> QuerySet:
    return Group.objects.all().order_by("name", "id")


def customer_history(customer_id: int, *, limit: int = HISTORY_SIZE) -> QuerySet:
    return AuditEvent.objects.filter(
        object_type=Customer._meta.label_lower, object_id=str(customer_id)
    ).order_by("-at", "-id")[:limit]


# The customer 360 in one statement: nested JSON built by PostgreSQL. Money as text (exact).
_OVERVIEW_SQL = """
SELECT json_build_object(
  'id', c.id, 'code', c.code, 'kind', c.kind, 'name', c.name, 'trade_name', c.trade_name,
  'tax_id', c.tax_id, 'tax_id_country', c.tax_id_country, 'customer_type', c.customer_type,
  'birth_date', c.birth_date, 'status', c.status, 'external_ref', c.external_ref,
  'notes', c.notes, 'created_at', c.created_at, 'updated_at', c.updated_at,
  'account_id', (SELECT a.id FROM {account} a WHERE a.customer_id = c.id),
  'entries', {entries},
  'contacts', COALESCE((
    SELECT json_agg(json_build_object(
      'id', k.id, 'kind', k.kind, 'value', k.value, 'normalized', k.normalized,
      'is_primary', k.is_primary, 'name', k.name) ORDER BY k.is_primary DESC, k.kind, k.id)
    FROM {contact} k WHERE k.customer_id = c.id), '[]'::json),
  'addresses', COALESCE((
    SELECT json_agg(json_build_object(
      'id', ad.id, 'street', ad.street, 'number', ad.number, 'complement', ad.complement,
      'postal_code', ad.postal_code, 'is_active', ad.is_active,
      'zone', json_build_object('id', z.id, 'name', z.name, 'technologies', z.technologies,
        'city', json_build_object('id', ci.id, 'name', ci.name, 'state', ci.state)),
      'group', CASE WHEN g.id IS NULL THEN NULL
        ELSE json_build_object('id', g.id, 'name', g.name, 'kind', g.kind) END,
      'subscriptions', COALESCE((
        SELECT json_agg(json_build_object(
          'id', s.id, 'status', s.status, 'prepaid', s.prepaid, 'price', s.price::text,
          'activated_on', s.activated_on, 'ends_on', s.ends_on, 'main_id', s.main_id,
          'sale_id', s.sale_id,
          'product', json_build_object('id', p.id, 'code', p.code, 'name', p.name,
            'role', p.role),
          'system', p.system, 'technology', p.technology,
          'plan', json_build_object('id', pl.id, 'code', pl.code, 'name', pl.name),
          'billed_to_group', CASE WHEN bg.id IS NULL THEN NULL
            ELSE json_build_object('id', bg.id, 'name', bg.name) END,
          'promotions', COALESCE((
            SELECT json_agg(json_build_object(
              'id', sp.id, 'name', sp.name, 'discount_kind', sp.discount_kind,
              'value', sp.value::text, 'months', sp.months, 'starts_on', sp.starts_on,
              'ends_on', sp.ends_on) ORDER BY sp.id)
            FROM {promotion} sp WHERE sp.subscription_id = s.id), '[]'::json)
        ) ORDER BY s.id)
        FROM {subscription} s
        JOIN {product} p ON p.id = s.product_id
        JOIN {plan} pl ON pl.id = s.plan_id
        LEFT JOIN {group} bg ON bg.id = s.billed_to_group_id
        WHERE s.address_id = ad.id), '[]'::json)
    ) ORDER BY ad.id)
    FROM {address} ad
    JOIN {zone} z ON z.id = ad.zone_id
    JOIN {city} ci ON ci.id = z.city_id
    LEFT JOIN {group} g ON g.id = ad.group_id
    WHERE ad.customer_id = c.id), '[]'::json),
  'open_requests', COALESCE((
    SELECT json_agg(json_build_object(
      'id', r.id, 'kind', r.kind, 'status', r.status, 'address_id', r.address_id,
      'sale_id', r.sale_id, 'note', r.note, 'created_at', r.created_at,
      'created_by', r.created_by) ORDER BY r.created_at DESC, r.id DESC)
    FROM {request} r WHERE r.customer_id = c.id AND r.status IN ('open', 'taken')),
    '[]'::json),
  'contact_records', COALESCE((
    SELECT json_agg(json_build_object(
      'id', cr.id, 'at', cr.at, 'channel', cr.channel, 'agent', cr.agent_label,
      'reason', cr.reason, 'answer', cr.answer, 'actions', cr.actions)
      ORDER BY cr.at DESC, cr.id DESC)
    FROM (SELECT * FROM {record} WHERE customer_id = c.id
          ORDER BY at DESC, id DESC LIMIT {records}) cr), '[]'::json),
  'history', COALESCE((
    SELECT json_agg(json_build_object(
      'id', e.id, 'at', e.at, 'who', e.actor_label, 'branch', e.branch_label,
      'action', e.action, 'changes', e.changes) ORDER BY e.at DESC, e.id DESC)
    FROM (SELECT * FROM {audit} WHERE object_type = %s AND object_id = c.id::text
          ORDER BY at DESC, id DESC LIMIT {history}) e), '[]'::json)
)
FROM {customer} c WHERE c.id = %s
"""


def _overview_sql() -> str:
    from tenant_apps.catalog.models import Product
    from tenant_apps.ledger.models import Account
    from tenant_apps.ledger.selectors import customer_entry_facts_sql
    from tenant_apps.locations.models import City, Zone
    from tenant_apps.sales.models import (
        SalesPlan,
        ServiceRequest,
        Subscription,
        SubscriptionPromotion,
    )

    tables = {
        "customer": Customer,
        "account": Account,
        "contact": Contact,
        "address": Address,
        "zone": Zone,
        "city": City,
        "group": Group,
        "subscription": Subscription,
        "product": Product,
        "plan": SalesPlan,
        "promotion": SubscriptionPromotion,
        "request": ServiceRequest,
        "record": ContactRecord,
        "audit": AuditEvent,
    }
    names = {k: connection.ops.quote_name(m._meta.db_table) for k, m in tables.items()}
    # The ledger's own expression of the entries (its debt rule stays in the ledger app).
    entries = customer_entry_facts_sql("c.id")
    return _OVERVIEW_SQL.format(
        records=RECENT_RECORDS, history=HISTORY_SIZE, entries=entries, **names
    )


def _labels(data: dict[str, Any]) -> dict[str, Any]:
    """Add the display labels of the coded values (in the user's language)."""
    from tenant_apps.catalog.choices import System, Technology
    from tenant_apps.sales.choices import (
        DiscountKind,
        RequestKind,
        RequestStatus,
        SubscriptionStatus,
    )

    def label(choices, value):
        return str(dict(choices.choices).get(value, value or ""))

    data["kind_label"] = label(CustomerKind, data["kind"])
    data["status_label"] = label(CustomerStatus, data["status"])
    data["customer_type_label"] = label(CustomerType, data["customer_type"])
    for contact in data["contacts"]:
        contact["kind_label"] = label(ContactKind, contact["kind"])
    for address in data["addresses"]:
        if address["group"]:
            address["group"]["kind_label"] = label(GroupKind, address["group"]["kind"])
        for sub in address["subscriptions"]:
            sub["status_label"] = label(SubscriptionStatus, sub["status"])
            sub["system_label"] = label(System, sub["system"])
            sub["technology_label"] = label(Technology, sub["technology"])
            for promo in sub["promotions"]:
                promo["discount_kind_label"] = label(DiscountKind, promo["discount_kind"])
    for request in data["open_requests"]:
        request["kind_label"] = label(RequestKind, request["kind"])
        request["status_label"] = label(RequestStatus, request["status"])
    for record in data["contact_records"]:
        record["channel_label"] = label(ContactChannel, record["channel"])
    return data


def customer_overview(
    customer_id: int, *, today: date | None = None, time_zone: str | None = None
) -> dict[str, Any] | None:
    """The customer 360: the customer with its status, contacts, addresses each with its
    subscriptions and their promotions, the balance and the debt, open service requests, the
    most recent contact records and its history. One statement (plus the company's parameters
    when ``time_zone`` is not given); None when not found. Dates are the company's: an entry
    without a due date is due the local day it was posted, the debt's age counts to ``today``
    (default: the company's today)."""
    from tenant_apps.ledger.selectors import debt_from_facts
    from tenant_apps.parameters.selectors import company_parameters, company_today

    time_zone = time_zone or company_parameters().time_zone
    today = today or company_today(time_zone)
    params = [time_zone, Customer._meta.label_lower, customer_id]
    with connection.cursor() as cursor:
        cursor.execute(_overview_sql(), params)
        row = cursor.fetchone()
    if row is None:
        return None
    data = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    debt = debt_from_facts(data.pop("entries"), today=today)
    data["balance"] = str(debt.balance)
    data["debt"] = {
        "overdue": str(debt.overdue),
        "oldest_overdue_on": debt.oldest_overdue_on.isoformat() if debt.oldest_overdue_on else None,
        "days_overdue": debt.days_overdue,
    }
    return _labels(data)
