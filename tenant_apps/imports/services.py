"""The customer migration import: upload (a job, run by a Celery task on commit), validation of
the whole file, and one transaction that writes everything with COPY.

Writing: numbers come from the customer and contract series in one call each; row ids are
reserved from each table's sequence in one query, so that every table is written by one COPY
(customers, contacts, accounts, addresses, sales, subscriptions, promotions, opening entries,
installation requests for pending products, one history event per customer): a fixed number
of statements whatever the size of the file.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shared_apps.audit.actor import Actor
from shared_apps.audit.models import AuditEvent
from shared_apps.audit.services import audit_record
from tenant_apps.catalog.models import Product
from tenant_apps.customers.choices import ContactKind
from tenant_apps.customers.models import Address, Contact, Customer
from tenant_apps.customers.normalize import address_line, fold, search_text
from tenant_apps.customers.status import derive_status
from tenant_apps.customers.tax_ids import validate_tax_id
from tenant_apps.ledger.choices import EntryKind
from tenant_apps.ledger.models import Account, Entry
from tenant_apps.locations.models import Zone
from tenant_apps.parameters.selectors import company_parameters
from tenant_apps.parameters.services import series_take
from tenant_apps.sales.choices import (
    PlanKind,
    RequestKind,
    RequestStatus,
    SaleKind,
    SubscriptionStatus,
)
from tenant_apps.sales.models import (
    Sale,
    SalesPlan,
    ServiceRequest,
    Subscription,
    SubscriptionPromotion,
)

from .choices import ImportKind, ImportStatus
from .customer_rows import (
    CustomerIn,
    FileError,
    ItemRef,
    PlanRef,
    PromotionRef,
    Reference,
    validate_file,
)
from .models import ImportJob

MAX_FILE_BYTES = 64 * 1024 * 1024
LOCK_KEY = "imports:customers"


# --- upload ------------------------------------------------------------------------------------


@transaction.atomic
def customer_import_enqueue(*, actor: Actor, file_name: str, content: bytes) -> ImportJob:
    """Record the uploaded file as a job and run it in the background once committed."""
    if not content:
        raise ValidationError({"file": _("The file is empty.")})
    if len(content) > MAX_FILE_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE_BYTES >> 20}}
        )
    job = ImportJob(
        kind=ImportKind.CUSTOMERS,
        file_name=(file_name or "import.csv")[:200],
        checksum=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        language=translation.get_language() or "en",
        created_by=actor.label[:150],
        created_by_user_id=actor.user_id,
        branch_id=actor.branch_id,
    )
    job.full_clean(exclude=["content"])
    job.save()
    audit_record(
        actor=actor,
        action="imports.upload",
        target=job,
        changes={"file_name": job.file_name, "checksum": job.checksum},
    )
    from .tasks import customer_import_task

    job_id = job.pk
    transaction.on_commit(lambda: customer_import_task.delay(job_id))
    return job


# --- the run -----------------------------------------------------------------------------------


def customer_import_run(*, job_id: int) -> ImportJob:
    """Validate the job's file and, when every row is valid, import it (the task calls this).

    The same file (checksum) already imported is skipped; customers whose ``external_ref``
    exists are skipped row by row. Any invalid row: nothing is written, every error reported.
    """
    job = ImportJob.objects.get(pk=job_id)
    if job.is_finished:
        return job
    job.status = ImportStatus.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    actor = Actor(label=job.created_by, user_id=job.created_by_user_id, branch_id=job.branch_id)
    with translation.override(job.language):
        try:
            _run(job, actor)
        except Exception:
            job.status = ImportStatus.FAILED
            job.message = _("The import failed unexpectedly; nothing was imported.")
            job.finished_at = timezone.now()
            job.save()
            raise
    return job


def _run(job: ImportJob, actor: Actor) -> None:
    timings: dict[str, float] = {}
    with transaction.atomic():
        _run_locked(job, actor, timings)
        inside = time.perf_counter()
    if job.status == ImportStatus.DONE:
        # the deferred foreign-key checks run at commit: part of the import's cost
        timings["commit"] = time.perf_counter() - inside
        job.timings = {k: round(v, 3) for k, v in timings.items()}
        ImportJob.objects.filter(pk=job.pk).update(timings=job.timings)


def _run_locked(job: ImportJob, actor: Actor, timings: dict[str, float]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || %s))", [LOCK_KEY])
    earlier = (
        ImportJob.objects.filter(checksum=job.checksum, status=ImportStatus.DONE)
        .exclude(pk=job.pk)
        .order_by("id")
        .first()
    )
    if earlier is not None:
        job.status = ImportStatus.SKIPPED
        job.message = _("The same file was already imported by job #%(id)s.") % {"id": earlier.pk}
        _finish(job, actor, timings)
        return
    t0 = time.perf_counter()
    reference = _reference()
    timings["reference"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    try:
        result = validate_file(
            bytes(job.content),
            reference=reference,
            lookup=_lookup,
            validate_tax_id=validate_tax_id,
        )
    except FileError as exc:
        job.status = ImportStatus.INVALID
        job.errors = exc.errors
        job.error_count = len(exc.errors)
        job.message = _("The file cannot be read; nothing was imported.")
        _finish(job, actor, timings)
        return
    timings["validate"] = time.perf_counter() - t0
    job.rows_total = result.rows_total
    job.rows_skipped = result.rows_skipped
    if result.errors:
        job.status = ImportStatus.INVALID
        job.errors = result.errors
        job.error_count = len(result.errors)
        job.message = _("%(count)s errors found; nothing was imported.") % {
            "count": len(result.errors)
        }
        _finish(job, actor, timings)
        return
    counts = _write(result.customers, job=job, actor=actor, reference=reference, timings=timings)
    job.status = ImportStatus.DONE
    job.rows_imported = result.rows_valid
    job.customers_created = counts["customers"]
    job.addresses_created = counts["addresses"]
    job.subscriptions_created = counts["subscriptions"]
    job.entries_created = counts["entries"]
    job.message = _("%(customers)s customers imported, %(skipped)s rows skipped.") % {
        "customers": counts["customers"],
        "skipped": result.rows_skipped,
    }
    audit_record(
        actor=actor,
        action="customers.import",
        target=job,
        changes={**counts, "rows_skipped": result.rows_skipped, "file_name": job.file_name},
    )
    _finish(job, actor, timings)


def _finish(job: ImportJob, actor: Actor, timings: dict[str, float]) -> None:
    job.finished_at = timezone.now()
    job.timings = {k: round(v, 3) for k, v in timings.items()}
    if job.status in (ImportStatus.DONE, ImportStatus.SKIPPED):
        job.content = b""
    job.save()


# --- reference data ----------------------------------------------------------------------------


def _reference() -> Reference:
    """Plans with their products and promotions, zones, product codes: a few queries."""
    plans: dict[str, PlanRef] = {}
    for plan in SalesPlan.objects.prefetch_related("items__product", "promotions"):
        promotions: dict[int, list[PromotionRef]] = {}
        for promo in plan.promotions.all():
            promotions.setdefault(promo.item_id, []).append(
                PromotionRef(promo.pk, promo.name, promo.discount_kind, promo.value, promo.months)
            )
        plans[plan.code.upper()] = PlanRef(
            id=plan.pk,
            prepaid=plan.kind == PlanKind.PREPAID,
            items={
                item.product.code.upper(): ItemRef(
                    id=item.pk,
                    product_id=item.product_id,
                    role=item.product.role,
                    system=item.product.system,
                    price=item.effective_price,
                    daily_cost=item.product.daily_cost,
                    promotions=tuple(promotions.get(item.pk, ())),
                )
                for item in plan.items.all()
            },
        )
    zone_rows = list(Zone.objects.values_list("pk", "name", "city__name", "city__state"))
    zones = {(fold(city), state.upper(), fold(name)): pk for pk, name, city, state in zone_rows}
    return Reference(
        country=company_parameters().country,
        plans=plans,
        zones=zones,
        zone_names={pk: (name, city) for pk, name, city, _state in zone_rows},
        products=frozenset(c.upper() for c in Product.objects.values_list("code", flat=True)),
        today=timezone.localdate(),
    )


def _lookup(reference: Reference, refs: set[str], tax_ids: set[str]) -> None:
    """What already exists among the file's references and tax ids (one query each, the
    values passed as one array parameter)."""
    table = Customer._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT external_ref FROM {table} WHERE external_ref = ANY(%s)",  # noqa: S608 (model's table)
            [list(refs)],
        )
        reference.existing_refs = {r for (r,) in cursor.fetchall()}
        cursor.execute(
            f"SELECT tax_id, code, external_ref FROM {table} "  # noqa: S608 (model's table)
            "WHERE tax_id_country = %s AND tax_id = ANY(%s)",
            [reference.country, list(tax_ids)],
        )
        reference.existing_tax_ids = {
            tax: code
            for tax, code, ref in cursor.fetchall()
            if ref not in reference.existing_refs or not ref
        }


# --- writing -----------------------------------------------------------------------------------


def _columns(model: type[Model], names: Iterable[str]) -> list[str]:
    return [model._meta.get_field(n).column for n in names]


def _reserve_ids(model: type[Model], count: int) -> list[int]:
    """``count`` ids from the table's sequence (two queries)."""
    if count == 0:
        return []
    table, pk = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
        sequence = cursor.fetchone()[0]
        # The values are almost always one block (then only its bounds travel), else (other
        # sessions took numbers meanwhile) every value does.
        cursor.execute(
            "SELECT min(v), max(v), CASE WHEN max(v) - min(v) + 1 = count(*) THEN NULL "
            "ELSE array_agg(v) END FROM (SELECT nextval(%s::regclass) AS v "
            "FROM generate_series(1, %s)) s",
            [sequence, count],
        )
        low, high, values = cursor.fetchone()
    return list(range(low, high + 1)) if values is None else sorted(values)


def _copy(model: type[Model], names: list[str], rows: Iterable[tuple]) -> int:
    """Write rows with one COPY (psycopg 3)."""
    columns = ", ".join(f'"{c}"' for c in _columns(model, names))
    n = 0
    sql = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def customer_search_text(customer: CustomerIn, code: str, reference: Reference) -> str:
    """What the customer is searched by, built exactly as ``customers.services.search_refresh``
    does: name, trade name, tax id, number, the contacts' normalized values (in the contacts'
    order) and one line per address (street, number, complement, postal code, zone, city)."""
    contacts = [v for _k, v, _p in _contacts(customer)]
    addresses = []
    for a in customer.addresses.values():
        zone, city = reference.zone_names[a.zone_id]
        addresses.append(
            address_line(
                street=a.street,
                number=a.number,
                complement=a.complement,
                postal_code=a.postal_code,
                zone=zone,
                city=city,
            )
        )
    return search_text(
        name=customer.name,
        trade_name=customer.trade_name,
        tax_id=customer.tax_id,
        code=code,
        contacts=contacts,
        addresses=addresses,
    )


def _contacts(customer: CustomerIn) -> list[tuple[str, str, bool]]:
    """(kind, normalized value, primary) in Contact's ordering: primary first, then kind."""
    rows = [(_phone_kind(p), p, i == 0) for i, p in enumerate(customer.phones)] + [
        (ContactKind.EMAIL, e, i == 0 and not customer.phones)
        for i, e in enumerate(customer.emails)
    ]
    return sorted(rows, key=lambda r: (not r[2], r[0]))


def _phone_kind(number: str) -> str:
    # Brazilian mobiles: 11 digits with a 9 after the area code
    return ContactKind.MOBILE if len(number) == 11 and number[2] == "9" else ContactKind.PHONE


def _write(
    customers: list[CustomerIn],
    *,
    job: ImportJob,
    actor: Actor,
    reference: Reference,
    timings: dict[str, float],
) -> dict[str, int]:
    """Number and write everything. Ids are reserved first, so each table's rows are produced
    by a generator while its COPY streams: Python builds rows as PostgreSQL stores them."""
    if not customers:
        return {"customers": 0, "addresses": 0, "subscriptions": 0, "entries": 0, "sales": 0}
    t0 = time.perf_counter()
    now = timezone.now()
    seller = actor.label[:150]
    # one plan per (address, plan code): the contracts, in file order
    layout = []  # per customer: [(address, [plan codes])]
    n_addresses = n_sales = n_subs = 0
    for c in customers:
        places = []
        for a in c.addresses.values():
            plans = list(dict.fromkeys(p.plan_code for p in a.products))
            places.append((a, plans))
            n_addresses += 1
            n_sales += len(plans)
            n_subs += len(a.products)
        layout.append(places)
    codes = series_take(kind="customer", count=len(customers))
    numbers = series_take(kind="contract", count=n_sales)
    customer_ids = _reserve_ids(Customer, len(customers))
    account_ids = _reserve_ids(Account, len(customers))
    address_ids = _reserve_ids(Address, n_addresses)
    sale_ids = _reserve_ids(Sale, n_sales)
    sub_ids = _reserve_ids(Subscription, n_subs)
    n_requests = sum(
        len({p.plan_code for p in a.products if p.status == SubscriptionStatus.PENDING})
        for places in layout
        for a, _plans in places
    )
    request_ids = _reserve_ids(ServiceRequest, n_requests)
    timings["numbers"] = time.perf_counter() - t0
    counts = {"promotions": 0, "entries": 0}

    def walk():
        """(customer index, customer, address id, address, {plan: (sale id, number)},
        first subscription id of the address), in the order the ids were reserved."""
        ai = si = bi = 0
        for ci, c in enumerate(customers):
            for a, plans in layout[ci]:
                sales = {}
                for plan_code in plans:
                    sales[plan_code] = (sale_ids[si], numbers[si])
                    si += 1
                yield ci, c, address_ids[ai], a, sales, bi
                ai += 1
                bi += len(a.products)

    def customer_rows():
        for ci, c in enumerate(customers):
            statuses = [p.status for a in c.addresses.values() for p in a.products]
            yield (
                customer_ids[ci], codes[ci], c.kind, c.name, c.trade_name, c.tax_id,
                reference.country, c.customer_type, derive_status(statuses), c.external_ref, "",
                fold(c.name)[:150], customer_search_text(c, codes[ci], reference), now, now,
            )  # fmt: skip

    def contact_rows():
        for ci, c in enumerate(customers):
            for kind, value, primary in _contacts(c):
                written = c.phones_written.get(value, value) if kind != ContactKind.EMAIL else value
                yield (customer_ids[ci], kind, written, value, primary, "")

    def account_rows():
        for ci in range(len(customers)):
            yield (account_ids[ci], customer_ids[ci], now)

    def entry_rows():
        description = _("Opening balance migrated from the previous system (%(ref)s)")
        for ci, c in enumerate(customers):
            if c.balance is not None:
                counts["entries"] += 1
                yield (
                    account_ids[ci], EntryKind.OPENING, c.balance,
                    description % {"ref": c.external_ref}, now, c.balance_due_on,
                    f"import:opening:{customer_ids[ci]}", seller,
                )  # fmt: skip

    def address_rows():
        for ci, _c, aid, a, _sales, _b in walk():
            yield (
                aid, customer_ids[ci], a.zone_id, a.street, a.number, a.complement,
                a.postal_code, True, now,
            )  # fmt: skip

    def sale_rows():
        for ci, _c, aid, _a, sales, _b in walk():
            for plan_code, (sid, number) in sales.items():
                yield (
                    sid, number, SaleKind.NEW, customer_ids[ci], aid,
                    reference.plans[plan_code].id, now, actor.user_id, seller, actor.branch_id,
                    Decimal("0"),
                )  # fmt: skip

    def subscription_rows():
        for ci, _c, aid, a, sales, base in walk():
            for pi, p in enumerate(a.products):
                plan = reference.plans[p.plan_code]
                main_id = sub_ids[base + p.main_index] if p.main_index is not None else None
                yield (
                    sub_ids[base + pi], customer_ids[ci], aid, sales[p.plan_code][0], plan.id,
                    p.item.id, p.item.product_id, main_id, p.status, plan.prepaid, p.price,
                    p.item.daily_cost, p.activated_on, "", "", now,
                )  # fmt: skip

    def promotion_rows():
        for _ci, _c, _aid, a, _sales, base in walk():
            for pi, p in enumerate(a.products):
                for promo in p.item.promotions:
                    start = p.activated_on  # dated at activation, as a sale does
                    counts["promotions"] += 1
                    yield (
                        sub_ids[base + pi], promo.id, promo.name, promo.discount_kind,
                        promo.value, promo.months, start,
                        start + relativedelta(months=promo.months) if start else None,
                    )  # fmt: skip

    def request_rows(through: list[tuple[int, int]]):
        """An open installation request per contract with pending products, as a sale
        records; ``through`` collects its (request, subscription) links."""
        note = _("Pending installation imported from the previous system.")
        ri = 0
        for ci, _c, aid, a, sales, base in walk():
            for plan_code, (sid, _number) in sales.items():
                pending = [
                    sub_ids[base + pi]
                    for pi, p in enumerate(a.products)
                    if p.plan_code == plan_code and p.status == SubscriptionStatus.PENDING
                ]
                if pending:
                    rid = request_ids[ri]
                    ri += 1
                    through.extend((rid, sub) for sub in pending)
                    yield (
                        rid, RequestKind.INSTALLATION, RequestStatus.OPEN, customer_ids[ci], aid,
                        sid, note, now, seller,
                    )  # fmt: skip

    def audit_rows():
        """The customer's history starts with its import (one event per customer)."""
        tenant = connection.tenant
        for ci, c in enumerate(customers):
            changes = json.dumps({"job": job.pk, "external_ref": c.external_ref})
            yield (
                now, actor.user_id, actor.api_key_id, seller, tenant.operator_id, tenant.pk,
                actor.branch_id, actor.branch_label[:150], actor.ip_address, "customers.import",
                Customer._meta.label_lower, str(customer_ids[ci]),
                f"{c.name} ({codes[ci]})"[:200], changes,
            )  # fmt: skip

    def timed(name, model, names, rows):
        t = time.perf_counter()
        n = _copy(model, names, rows)
        timings[f"copy_{name}"] = time.perf_counter() - t
        return n

    with connection.cursor() as cursor:
        # GIN pending-list clean-ups (the search_text index) in fewer, larger batches
        cursor.execute("SET LOCAL work_mem = '64MB'")
    n_customers = timed(
        "customers",
        Customer,
        ["id", "code", "kind", "name", "trade_name", "tax_id", "tax_id_country", "customer_type",
         "status", "external_ref", "notes", "search_name", "search_text", "created_at",
         "updated_at"],
        customer_rows(),
    )  # fmt: skip
    timed(
        "contacts",
        Contact,
        ["customer", "kind", "value", "normalized", "is_primary", "name"],
        contact_rows(),
    )
    timed("accounts", Account, ["id", "customer", "created_at"], account_rows())
    timed(
        "addresses",
        Address,
        ["id", "customer", "zone", "street", "number", "complement", "postal_code", "is_active",
         "created_at"],
        address_rows(),
    )  # fmt: skip
    timed(
        "sales",
        Sale,
        ["id", "number", "kind", "customer", "address", "plan", "at", "seller_user_id",
         "seller_label", "branch_id", "installation_fee"],
        sale_rows(),
    )  # fmt: skip
    timed(
        "subscriptions",
        Subscription,
        ["id", "customer", "address", "sale", "plan", "plan_item", "product", "main", "status",
         "prepaid", "price", "daily_cost", "activated_on", "cancel_reason", "cancel_note",
         "created_at"],
        subscription_rows(),
    )  # fmt: skip
    timed(
        "promotions",
        SubscriptionPromotion,
        ["subscription", "source", "name", "discount_kind", "value", "months", "starts_on",
         "ends_on"],
        promotion_rows(),
    )  # fmt: skip
    timed(
        "entries",
        Entry,
        ["account", "kind", "amount", "description", "posted_at", "due_on", "idempotency_key",
         "posted_by"],
        entry_rows(),
    )  # fmt: skip
    through: list[tuple[int, int]] = []
    timed(
        "requests",
        ServiceRequest,
        ["id", "kind", "status", "customer", "address", "sale", "note", "created_at",
         "created_by"],
        request_rows(through),
    )  # fmt: skip
    timed(
        "request_links",
        ServiceRequest.subscriptions.through,
        ["servicerequest", "subscription"],
        through,
    )
    timed(
        "history",
        AuditEvent,
        ["at", "actor_user_id", "actor_api_key_id", "actor_label", "operator_id", "company_id",
         "branch_id", "branch_label", "ip_address", "action", "object_type", "object_id",
         "object_repr", "changes"],
        audit_rows(),
    )  # fmt: skip
    return {
        "customers": n_customers,
        "requests": n_requests,
        "addresses": n_addresses,
        "sales": n_sales,
        "subscriptions": n_subs,
        "promotions": counts["promotions"],
        "entries": counts["entries"],
    }
