"""Reading and validating a customer import file as a whole. No ORM: the reference data (plans,
zones, what already exists) is passed in, the result is plain data to write.

Every bad cell is reported as ``{"line", "column", "message"}`` (line 1 is the header); a
customer whose ``external_ref`` already exists is skipped (its rows are not validated).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from tenant_apps.customers.normalize import fold

from .layout import COLUMN_NAMES, REQUIRED

CENTS = Decimal("0.01")
MAX_LENGTHS = {
    "external_ref": 40,
    "name": 150,
    "trade_name": 150,
    "street": 150,
    "number": 20,
    "complement": 80,
    "postal_code": 12,
    "email": 120,
    "phone": 40,
}
KINDS = {
    "person": "person",
    "pf": "person",
    "fisica": "person",
    "física": "person",
    "business": "business",
    "pj": "business",
    "juridica": "business",
    "jurídica": "business",
}
CUSTOMER_TYPES = {"residential", "business", "government", "non_profit"}
STATUSES = {
    "active": "active",
    "ativo": "active",
    "activo": "active",
    "pending": "pending",
    "pendente": "pending",
    "pendiente": "pending",
}
_NOT_DIGIT = re.compile(r"\D+")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BR = re.compile(r"^\d{2}/\d{2}/\d{4}$")


# --- reference data in, plan out ---------------------------------------------------------------


@dataclass(frozen=True)
class PromotionRef:
    id: int
    name: str
    discount_kind: str
    value: Decimal
    months: int


@dataclass(frozen=True)
class ItemRef:
    id: int
    product_id: int
    role: str
    system: str
    price: Decimal
    daily_cost: Decimal
    promotions: tuple[PromotionRef, ...] = ()


@dataclass(frozen=True)
class PlanRef:
    id: int
    prepaid: bool
    items: dict[str, ItemRef]  # by product code


@dataclass
class Reference:
    country: str
    plans: dict[str, PlanRef]
    zones: dict[tuple[str, str, str], int]  # (fold(city), STATE, fold(zone)) -> zone id
    zone_names: dict[int, tuple[str, str]]  # zone id -> (zone name, city name) as registered
    products: frozenset[str]  # every product code of the catalog
    today: dt.date
    # Filled from the file's values by the caller (see validate_file's lookups):
    existing_refs: set[str] = field(default_factory=set)
    existing_tax_ids: dict[str, str] = field(default_factory=dict)  # tax id -> customer code


@dataclass
class ProductIn:
    line: int
    plan_code: str
    item: ItemRef
    status: str
    activated_on: dt.date | None
    price: Decimal
    main_index: int | None = None  # index of its main product in the address's list


@dataclass
class AddressIn:
    line: int
    zone_id: int
    street: str
    number: str
    complement: str
    postal_code: str
    products: list[ProductIn] = field(default_factory=list)


@dataclass
class CustomerIn:
    line: int
    external_ref: str
    kind: str
    name: str
    trade_name: str
    tax_id: str
    customer_type: str
    phones: list[str] = field(default_factory=list)  # normalized (digits)
    phones_written: dict[str, str] = field(default_factory=dict)  # digits -> as in the file
    emails: list[str] = field(default_factory=list)
    balance: Decimal | None = None
    balance_due_on: dt.date | None = None
    addresses: dict[tuple, AddressIn] = field(default_factory=dict)


@dataclass
class Validated:
    customers: list[CustomerIn]
    errors: list[dict]
    rows_total: int
    rows_skipped: int
    skipped_refs: list[str]

    @property
    def rows_valid(self) -> int:
        return self.rows_total - self.rows_skipped


class FileError(Exception):
    """The file cannot be read at all (encoding, no header, missing columns)."""

    def __init__(self, errors: list[dict]):
        super().__init__(errors[0]["message"])
        self.errors = errors


# --- reading -----------------------------------------------------------------------------------


def decode(content: bytes) -> str:
    """UTF-8 (with or without BOM); old systems often export Windows-1252."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def read_rows(text: str) -> tuple[list[str], Iterable[tuple[int, list[str]]]]:
    """The header (lower-cased names) and (line, cells) of each non-empty row; ``,`` or ``;``
    as delimiter, whichever the header uses."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise FileError([_error(1, "", _("The file is empty."))]) from None
    header = [h.strip().lower() for h in header]

    def rows():
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            yield reader.line_num, cells

    return header, rows()


def _digits(text: str) -> str:
    """Same as customers.normalize.digits (and contact_normalized for a phone), faster."""
    return _NOT_DIGIT.sub("", text)


def _error(line: int, column: str, message: str) -> dict:
    return {"line": line, "column": column, "message": str(message)}


# --- cells -------------------------------------------------------------------------------------


def parse_date(value: str) -> dt.date:
    if _ISO.match(value):
        return dt.date.fromisoformat(value)
    if _BR.match(value):
        day, month, year = value.split("/")
        return dt.date(int(year), int(month), int(day))
    raise ValueError(value)


def parse_amount(value: str) -> Decimal:
    """ "1234.56", "1234,56" or "1.234,56" -> Decimal("1234.56"); at most two decimals."""
    text = value.replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    amount = Decimal(text)
    if not amount.is_finite():
        raise InvalidOperation(value)
    if amount.as_tuple().exponent < -2:
        raise ArithmeticError(value)
    return amount.quantize(CENTS, rounding=ROUND_HALF_UP)


# --- validation --------------------------------------------------------------------------------

CUSTOMER_FIELDS = (
    "kind",
    "name",
    "trade_name",
    "tax_id",
    "customer_type",
    "balance",
    "balance_due_on",
)


def validate_file(
    content: bytes,
    *,
    reference: Reference,
    lookup: Callable[[Reference, set[str], set[str]], None],
    validate_tax_id: Callable[[str, str, str], str],
    max_errors: int = 10_000,
) -> Validated:
    """Validate every row; ``lookup(reference, refs, tax_ids)`` fills ``existing_refs`` and
    ``existing_tax_ids`` from the database for the values in the file (one query each)."""
    header, rows = read_rows(decode(content))
    missing = [c for c in COLUMN_NAMES if c in REQUIRED and c not in header]
    unknown = [h for h in header if h and h not in COLUMN_NAMES]
    problems = [
        _error(1, c, _("Required column %(column)s is missing.") % {"column": c}) for c in missing
    ] + [_error(1, h, _("Unknown column %(column)s.") % {"column": h}) for h in unknown]
    if problems:
        raise FileError(problems)
    index = {name: header.index(name) for name in COLUMN_NAMES if name in header}
    width = len(header)
    all_rows = []
    for line, cells in rows:
        if len(cells) < width:
            cells = cells + [""] * (width - len(cells))
        all_rows.append((line, cells))
    if not all_rows:
        raise FileError([_error(1, "", _("The file has no rows."))])

    ref_i = index["external_ref"]
    tax_i = index["tax_id"]
    file_refs = {cells[ref_i].strip() for _line, cells in all_rows}
    file_taxes = {
        _digits(cells[tax_i]) or cells[tax_i].strip().upper() for _line, cells in all_rows
    }
    lookup(reference, file_refs - {""}, file_taxes - {""})

    errors: list[dict] = []
    customers: dict[str, CustomerIn] = {}
    first_values: dict[str, tuple[int, dict]] = {}
    seen_products: dict[tuple, int] = {}
    tax_owner: dict[str, tuple[str, int]] = {}
    skipped_refs: set[str] = set()
    rows_skipped = 0
    msg = _Messages()
    folded = functools.lru_cache(maxsize=65_536)(fold)  # cities, zones, streets repeat

    def add(line, column, message):
        errors.append(_error(line, column, message))

    for line, cells in all_rows:
        if len(cells) > width:
            add(line, "", msg.too_many)
            continue

        v = {name: cells[i].strip() for name, i in index.items()}
        get = v.get  # absent optional columns: None, read as ""

        ref = v["external_ref"]
        if ref and ref in reference.existing_refs:
            rows_skipped += 1
            skipped_refs.add(ref)
            continue
        before = len(errors)
        for name in REQUIRED:
            if not v[name]:
                add(line, name, msg.required)
        for name, limit in MAX_LENGTHS.items():
            if len(get(name) or "") > limit:
                add(line, name, msg.too_long % {"max": limit})

        # customer columns: validated on the customer's first row, compared on the others
        raw = {name: get(name) or "" for name in CUSTOMER_FIELDS}
        known = first_values.get(ref) if ref else None
        customer = customers.get(ref) if ref else None
        if known is not None:
            first_line, first = known
            for name in CUSTOMER_FIELDS:
                if raw[name] != first[name]:
                    add(line, name, msg.differs % {"line": first_line})
        elif ref:
            first_values[ref] = (line, raw)
            customer = _customer(line, ref, raw, reference, validate_tax_id, tax_owner, add, msg)
            if customer is not None:
                customers[ref] = customer

        phone, email = get("phone"), get("email")
        if phone:
            n = len(_digits(phone))
            if not 8 <= n <= 15:
                add(line, "phone", msg.phone)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                add(line, "email", msg.email)

        # the address and the product
        city, state, zone_name = v["city"], v["state"].upper(), v["zone"]
        zone_id = reference.zones.get((folded(city), state, folded(zone_name)))
        if zone_id is None and city and state and zone_name:
            add(line, "zone", msg.zone % {"zone": zone_name, "city": f"{city}/{state}"})
        plan_code, product_code = v["plan"].upper(), v["product"].upper()
        plan = reference.plans.get(plan_code)
        item = None
        if plan_code and plan is None:
            add(line, "plan", msg.plan % {"code": plan_code})
        if product_code and product_code not in reference.products:
            add(line, "product", msg.product % {"code": product_code})
        elif plan is not None and product_code:
            item = plan.items.get(product_code)
            if item is None:
                add(line, "product", msg.not_in_plan % {"code": product_code, "plan": plan_code})
        status_raw = v["status"]
        status = STATUSES.get(status_raw.lower())
        if status_raw and status is None:
            add(line, "status", msg.status)
        activated_on = None
        activated_raw = get("activated_on")
        if activated_raw:
            try:
                activated_on = parse_date(activated_raw)
            except ValueError:
                add(line, "activated_on", msg.date)
            else:
                if activated_on > reference.today:
                    add(line, "activated_on", msg.future)
        if status == "active" and activated_on is None and not activated_raw:
            add(line, "activated_on", msg.active_needs_date)
        if status == "pending" and activated_raw:
            add(line, "activated_on", msg.pending_no_date)
        price = None
        if get("price"):
            try:
                price = parse_amount(get("price"))
            except (InvalidOperation, ArithmeticError):
                add(line, "price", msg.amount)
            else:
                if price < 0:
                    add(line, "price", msg.negative)
        street, number, complement = v["street"], v["number"], get("complement") or ""
        key = (folded(street), folded(number), folded(complement), zone_id)
        if ref and product_code:
            dup = seen_products.get((ref, key, product_code))
            if dup is not None:
                add(line, "product", msg.duplicate % {"line": dup})
            else:
                seen_products[(ref, key, product_code)] = line

        if len(errors) > before or customer is None:
            if len(errors) >= max_errors:
                break
            continue
        if phone:
            normalized = _digits(phone)
            if normalized not in customer.phones:
                customer.phones.append(normalized)
                customer.phones_written[normalized] = phone.strip()[:120]
        if email and email.casefold() not in customer.emails:
            customer.emails.append(email.casefold())
        address = customer.addresses.get(key)
        if address is None:
            address = customer.addresses[key] = AddressIn(
                line=line,
                zone_id=zone_id,
                street=street,
                number=number,
                complement=complement,
                postal_code=get("postal_code") or "",
            )
        address.products.append(
            ProductIn(
                line=line,
                plan_code=plan_code,
                item=item,
                status=status,
                activated_on=activated_on,
                price=price if price is not None else item.price,
            )
        )

    # an additional product needs a main product of its system at the same address
    for customer in customers.values():
        for address in customer.addresses.values():
            mains = {}
            for i, product in enumerate(address.products):
                if product.item.role == "main":
                    mains.setdefault(product.item.system, i)
            for product in address.products:
                if product.item.role == "additional":
                    product.main_index = mains.get(product.item.system)
                    if product.main_index is None:
                        add(product.line, "product", msg.needs_main)
    errors.sort(key=lambda e: (e["line"], e["column"]))
    valid = [c for c in customers.values() if c.addresses] if not errors else []
    return Validated(
        customers=valid,
        errors=errors[:max_errors],
        rows_total=len(all_rows),
        rows_skipped=rows_skipped,
        skipped_refs=sorted(skipped_refs),
    )


def _customer(line, ref, raw, reference, validate_tax_id, tax_owner, add, msg):
    ok = True
    kind = KINDS.get(raw["kind"].lower())
    if raw["kind"] and kind is None:
        add(line, "kind", msg.kind)
        ok = False
    customer_type = raw["customer_type"].lower()
    if customer_type and customer_type not in CUSTOMER_TYPES:
        add(line, "customer_type", msg.customer_type)
        ok = False
    tax_id = ""
    if raw["tax_id"] and kind:
        try:
            tax_id = validate_tax_id(reference.country, kind, raw["tax_id"])
        except ValidationError as exc:
            add(line, "tax_id", exc.message_dict.get("tax_id", exc.messages)[0])
            ok = False
        else:
            if tax_id in reference.existing_tax_ids:
                add(line, "tax_id", msg.tax_exists % {"code": reference.existing_tax_ids[tax_id]})
                ok = False
            elif tax_id in tax_owner:
                other_ref, other_line = tax_owner[tax_id]
                add(line, "tax_id", msg.tax_twice % {"ref": other_ref, "line": other_line})
                ok = False
            else:
                tax_owner[tax_id] = (ref, line)
    balance = due_on = None
    if raw["balance"]:
        try:
            balance = parse_amount(raw["balance"])
        except (InvalidOperation, ArithmeticError):
            add(line, "balance", msg.amount)
            ok = False
        if balance == 0:
            balance = None
    if raw["balance_due_on"]:
        try:
            due_on = parse_date(raw["balance_due_on"])
        except ValueError:
            add(line, "balance_due_on", msg.date)
            ok = False
        if not raw["balance"]:
            add(line, "balance_due_on", msg.due_without_balance)
            ok = False
    if not (ok and kind and customer_type and tax_id and raw["name"]):
        return None
    return CustomerIn(
        line=line,
        external_ref=ref,
        kind=kind,
        name=raw["name"],
        trade_name=raw["trade_name"],
        tax_id=tax_id,
        customer_type=customer_type,
        balance=balance,
        balance_due_on=due_on,
    )


class _Messages:
    """The messages, translated once per file (in the uploader's language)."""

    def __init__(self):
        self.required = _("This column is required.")
        self.too_long = _("At most %(max)s characters.")
        self.too_many = _("The row has more cells than the header.")
        self.differs = _(
            "Differs from line %(line)s of the same customer (customer columns repeat on each "
            "of its rows)."
        )
        self.phone = _("A phone number has 8 to 15 digits.")
        self.email = _("Enter a valid e-mail address.")
        self.zone = _("Unknown zone %(zone)s in %(city)s.")
        self.plan = _("Unknown sales plan %(code)s.")
        self.product = _("Unknown product %(code)s.")
        self.not_in_plan = _("Product %(code)s is not part of plan %(plan)s.")
        self.status = _("Use active or pending.")
        self.date = _("Use a date as YYYY-MM-DD or DD/MM/YYYY.")
        self.future = _("The activation date cannot be in the future.")
        self.active_needs_date = _("An active product needs its activation date.")
        self.pending_no_date = _("A pending product has no activation date yet.")
        self.amount = _("Use an amount with at most two decimal places, e.g. 99.90.")
        self.negative = _("The price cannot be negative.")
        self.duplicate = _("The same product at the same address is already on line %(line)s.")
        self.kind = _("Use person or business.")
        self.customer_type = _("Use residential, business, government or non_profit.")
        self.tax_exists = _("A customer with this tax id already exists (number %(code)s).")
        self.tax_twice = _("The same tax id is used by customer %(ref)s on line %(line)s.")
        self.due_without_balance = _("A due date needs an opening balance.")
        self.needs_main = _(
            "An additional product needs a main product of the same system at the same address."
        )
