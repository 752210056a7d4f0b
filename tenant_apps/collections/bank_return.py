"""Bank return files parsed into plain records (B2). Pure: text in, records and errors out.

Two layouts, detected by :func:`parse` (a first line 240 columns wide whose 8th column is ``0``
is CNAB 240; anything else is CSV). Every record carries the line it came from, an invoice
number and/or a payment reference (the import matches on either), the amount paid, the date
paid, the fees, the bank's own id and an idempotency key: ``<bank id>:<sha256 of the line's
content>``, so a re-import of the same line is detected (the key fits the ledger's 120
characters). A line repeated inside one file is reported as a duplicate. Errors are per line:
``line``, ``field``, a stable ``code`` and a translated ``message``. A line with an error gives
no record; the other lines still do, and the importer decides whether a file with errors is
refused whole (structural errors: length, record type, sequence, trailer counts) or imported
with its bad lines reported.

**CSV layout**

* UTF-8 (a BOM is allowed; Latin-1 is accepted as a fallback by :func:`decode`).
* Line 1 is a header row naming the columns, in any order, case-insensitive; unknown columns
  are ignored. The separator is ``;`` when the header contains one, else ``,``. A field may be
  quoted with ``"`` (needed for ``1.234,56`` in a ``,`` file); a field cannot span lines.
  Blank lines are skipped.
* Columns:

  ================== ======== ===========================================================
  column             required content
  ================== ======== ===========================================================
  invoice_number     one of   the invoice number as printed on the invoice
  payment_reference  the two  the bank slip / PIX reference ("nosso número")
  amount_paid        yes      above zero; ``99.90`` (dot decimal, no thousands separator)
                              or ``1.234,56`` (comma decimal, optional ``.`` thousands);
                              at most the currency's decimals (``1.234`` is refused)
  paid_on            yes      ``YYYY-MM-DD`` or ``DD/MM/YYYY``
  fees               no       the bank's fee, same formats, zero or above (empty: 0)
  bank_id            no       the bank's own id of the payment, at most 50 characters
  channel            no       ``pix`` for a PIX payment; ``bank_slip`` / ``boleto`` or empty
                              for a bank slip (the payment's origin)
  ================== ======== ===========================================================

  Each line needs at least one of ``invoice_number`` / ``payment_reference``.

Example::

    invoice_number;payment_reference;amount_paid;paid_on;fees;bank_id
    2026-000123;;99,90;05/06/2026;1,50;TX-1

**CNAB 240 (FEBRABAN), collection return**

Fixed width: every line exactly 240 columns (positions below are 1-based, inclusive). Column 8
is the record type: ``0`` header de arquivo (col 143 ``2`` = retorno), ``1`` header de lote
(col 9 operation ``T`` = retorno), ``3`` detail, ``5`` trailer de lote (cols 18-23: records in
the lot, its header and trailer included), ``9`` trailer de arquivo (cols 18-23: lots, 24-29:
records in the file). In a detail, cols 9-13 are its sequence number in the lot (1, 2, ...),
col 14 the segment and cols 16-17 the movement code. A segment ``T`` is followed by its
segment ``U``; other segments are refused. Only liquidations (movement ``06``, or ``17`` after
a write-off) are payments; the other movements (entry confirmed, write-off, ...) are returned
as ``ignored``.

* segment T: 38-57 nosso número (payment reference), 59-73 número do documento / seu número
  (invoice number), 199-213 tarifa / custas (fees, 2 implied decimals);
* segment U: 78-92 valor pago (amount paid, 2 implied decimals), 138-145 data da ocorrência
  (date paid, DDMMAAAA), 146-153 data do crédito (DDMMAAAA, zeros when not given).

The bank's own id is ``<bank code (cols 1-3)>/<nosso número>``; the key hashes the T and U
lines together.

**How the import uses a record** (``services.bank_return_import``): the record is matched to
an invoice by its ``invoice_number`` (exactly as printed), else by its ``payment_reference``:
either the invoice number itself, or the digits of the number in the company's invoice series
(leading zeros and the prefix's own digits optional: with prefix ``FT`` and 6 digits,
``123``, ``000123`` and ``00000000000000000123`` all stand for ``FT000123``), which is what a
bank slip's nosso número carries. A matched record is posted as a bank-slip payment of the
invoice's payer, that invoice settled first; its idempotency key is the record's, so the same
line imported again is reported "already imported" and posts nothing.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from . import ZERO, quantize

CSV = "csv"
CNAB240 = "cnab240"
LIQUIDATIONS = frozenset({"06", "17"})
BANK_ID_MAX = 50


@dataclass(frozen=True)
class ReturnRecord:
    line: int  # the line it came from (CNAB: the segment T)
    invoice_number: str
    payment_reference: str
    amount_paid: Decimal
    paid_on: date
    fees: Decimal
    bank_id: str
    idempotency_key: str
    credited_on: date | None = None
    channel: str = "bank_slip"  # how it was paid: ``bank_slip`` or ``pix`` (CSV ``channel``)


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    code: str
    message: str


@dataclass(frozen=True)
class IgnoredLine:
    line: int
    movement: str  # CNAB movement code that is not a payment


@dataclass(frozen=True)
class ParsedReturn:
    layout: str
    records: tuple[ReturnRecord, ...]
    errors: tuple[LineError, ...]
    ignored: tuple[IgnoredLine, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.errors


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), else Latin-1 (older bank software)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def idempotency_key(bank_id: str, content: str) -> str:
    digest = hashlib.sha256(f"{bank_id}\n{content}".encode()).hexdigest()
    return f"{bank_id or '-'}:{digest}"


def parse(data: bytes | str, *, places: int = 2) -> ParsedReturn:
    """Parse a bank return file, CNAB 240 or CSV (see the module docstring)."""
    text = decode(data) if isinstance(data, bytes) else data
    first = next((line for line in text.splitlines() if line.strip()), "")
    if len(first) == 240 and first[:3].isdigit() and first[7] == "0":
        return parse_cnab240(text, places=places)
    return parse_csv(text, places=places)


# ---------------------------------------------------------------------------------- values

_DOT_AMOUNT = re.compile(r"^(\d+)(?:\.(\d+))?$")
_COMMA_AMOUNT = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_BR_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")


class BadValue(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def parse_amount(value: str, *, places: int = 2) -> Decimal:
    """``99.90`` or ``1.234,56`` as a Decimal; raises ``BadValue`` otherwise."""
    value = value.strip()
    if "," in value:
        match = _COMMA_AMOUNT.match(value)
        whole, decimals = (match.group(1).replace(".", ""), match.group(2)) if match else ("", "")
    else:
        match = _DOT_AMOUNT.match(value)
        whole, decimals = (match.group(1), match.group(2)) if match else ("", "")
    if not match:
        raise BadValue(
            "amount",
            _("Not an amount: “%(value)s” (write 99.90 or 1.234,56).") % {"value": value},
        )
    if decimals and len(decimals) > places:
        raise BadValue(
            "amount",
            _("“%(value)s” has more than %(places)s decimals.")
            % {"value": value, "places": places},
        )
    return quantize(Decimal(f"{whole}.{decimals or '0'}"), places)


def parse_date(value: str) -> date:
    """``YYYY-MM-DD`` or ``DD/MM/YYYY``; raises ``BadValue`` otherwise."""
    value = value.strip()
    if match := _ISO_DATE.match(value):
        y, m, d = match.groups()
    elif match := _BR_DATE.match(value):
        d, m, y = match.groups()
    else:
        raise BadValue(
            "date",
            _("Not a date: “%(value)s” (write YYYY-MM-DD or DD/MM/YYYY).") % {"value": value},
        )
    return _make_date(value, int(y), int(m), int(d))


def _make_date(value: str, y: int, m: int, d: int) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise BadValue(
            "date", _("“%(value)s” is not a day of the calendar.") % {"value": value}
        ) from None


# ------------------------------------------------------------------------------------- CSV

CSV_COLUMNS = (
    "invoice_number",
    "payment_reference",
    "amount_paid",
    "paid_on",
    "fees",
    "bank_id",
    "channel",
)
CHANNELS = {"": "bank_slip", "bank_slip": "bank_slip", "boleto": "bank_slip", "pix": "pix"}


def parse_csv(text: str, *, places: int = 2) -> ParsedReturn:
    """Parse the documented CSV layout."""
    records: list[ReturnRecord] = []
    errors: list[LineError] = []
    lines = text.lstrip("\ufeff").splitlines()
    numbered = [(n, line.rstrip()) for n, line in enumerate(lines, 1) if line.strip()]
    if not numbered:
        errors.append(LineError(1, "file", "empty", _("The file is empty.")))
        return ParsedReturn(CSV, (), tuple(errors))
    header_no, header_line = numbered[0]
    delimiter = ";" if ";" in header_line else ","
    header = [h.strip().lower() for h in next(csv.reader([header_line], delimiter=delimiter))]
    index = {name: i for i, name in enumerate(header) if name in CSV_COLUMNS}
    missing = [name for name in ("amount_paid", "paid_on") if name not in index]
    if "invoice_number" not in index and "payment_reference" not in index:
        missing.append("invoice_number")
    for name in missing:
        errors.append(
            LineError(
                header_no,
                name,
                "missing_column",
                _("The header has no “%(column)s” column.") % {"column": name},
            )
        )
    if missing:
        return ParsedReturn(CSV, (), tuple(errors))

    for n, line in numbered[1:]:
        cells = next(csv.reader([line], delimiter=delimiter))
        if len(cells) < len(header):
            cells += [""] * (len(header) - len(cells))

        def cell(name: str, cells=cells) -> str:
            return cells[index[name]].strip() if name in index else ""

        line_errors = []
        invoice, reference, bank_id = (
            cell("invoice_number"),
            cell("payment_reference"),
            cell("bank_id"),
        )
        if not invoice and not reference:
            line_errors.append(
                LineError(
                    n,
                    "invoice_number",
                    "reference",
                    _("Give an invoice number or a payment reference."),
                )
            )
        if len(bank_id) > BANK_ID_MAX:
            line_errors.append(
                LineError(
                    n,
                    "bank_id",
                    "bank_id",
                    _("The bank's id has more than %(max)s characters.") % {"max": BANK_ID_MAX},
                )
            )
        channel = CHANNELS.get(cell("channel").lower())
        if channel is None:
            line_errors.append(
                LineError(
                    n,
                    "channel",
                    "channel",
                    _("Unknown channel “%(value)s” (write pix or bank_slip).")
                    % {"value": cell("channel")},
                )
            )
        amount = _csv_value(n, "amount_paid", cell("amount_paid"), line_errors, places, True)
        fees = _csv_value(n, "fees", cell("fees"), line_errors, places, False)
        paid_on = None
        if not cell("paid_on"):
            line_errors.append(LineError(n, "paid_on", "required", _("The date paid is missing.")))
        else:
            try:
                paid_on = parse_date(cell("paid_on"))
            except BadValue as bad:
                line_errors.append(LineError(n, "paid_on", bad.code, bad.message))
        if line_errors:
            errors.extend(line_errors)
            continue
        records.append(
            ReturnRecord(
                line=n,
                invoice_number=invoice,
                payment_reference=reference,
                amount_paid=amount,
                paid_on=paid_on,
                fees=fees,
                bank_id=bank_id,
                idempotency_key=idempotency_key(bank_id, line),
                channel=channel,
            )
        )
    return _without_duplicates(CSV, records, errors, ())


def _csv_value(n, name, value, errors, places, positive):
    if not value:
        if positive:
            errors.append(LineError(n, name, "required", _("The amount paid is missing.")))
        return ZERO if not positive else None
    try:
        amount = parse_amount(value, places=places)
    except BadValue as bad:
        errors.append(LineError(n, name, bad.code, bad.message))
        return None
    if positive and amount <= 0:
        errors.append(LineError(n, name, "amount", _("The amount paid must be above zero.")))
    return amount


def _without_duplicates(layout, records, errors, ignored) -> ParsedReturn:
    seen: dict[str, int] = {}
    kept = []
    for record in records:
        if record.idempotency_key in seen:
            errors.append(
                LineError(
                    record.line,
                    "line",
                    "duplicate",
                    _("The same payment as line %(line)s.")
                    % {"line": seen[record.idempotency_key]},
                )
            )
            continue
        seen[record.idempotency_key] = record.line
        kept.append(record)
    errors.sort(key=lambda e: e.line)
    return ParsedReturn(layout, tuple(kept), tuple(errors), tuple(ignored))


# -------------------------------------------------------------------------------- CNAB 240


def _col(line: str, start: int, end: int) -> str:
    """Columns ``start``..``end``, 1-based and inclusive, as the FEBRABAN manual numbers them."""
    return line[start - 1 : end]


def _cnab_amount(line: str, start: int, end: int, places: int) -> Decimal:
    raw = _col(line, start, end)
    if not raw.isdigit():
        raise BadValue(
            "amount",
            _("Columns %(start)s-%(end)s must be digits (an amount with 2 implied decimals).")
            % {"start": start, "end": end},
        )
    return quantize(Decimal(int(raw)).scaleb(-2), places)


def _cnab_date(line: str, start: int, end: int, *, optional: bool = False) -> date | None:
    raw = _col(line, start, end)
    if optional and raw.strip("0 ") == "":
        return None
    if not raw.isdigit():
        raise BadValue(
            "date",
            _("Columns %(start)s-%(end)s must be a date DDMMAAAA.") % {"start": start, "end": end},
        )
    return _make_date(raw, int(raw[4:]), int(raw[2:4]), int(raw[:2]))


def _cnab_count(line: str, start: int, end: int) -> int | None:
    raw = _col(line, start, end)
    return int(raw) if raw.isdigit() else None


@dataclass
class _Lot:
    number: str
    line: int
    count: int = 1  # its header


def parse_cnab240(text: str, *, places: int = 2) -> ParsedReturn:
    """Parse a FEBRABAN CNAB 240 collection return (see the module docstring)."""
    records: list[ReturnRecord] = []
    errors: list[LineError] = []
    ignored: list[IgnoredLine] = []
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()

    def error(n: int, fld: str, code: str, message: str) -> None:
        errors.append(LineError(n, fld, code, message))

    bank = ""
    lot: _Lot | None = None
    lots = 0
    pending_t: tuple[int, str] | None = None
    file_trailer_at = 0
    if not lines:
        error(1, "file", "empty", _("The file is empty."))
        return ParsedReturn(CNAB240, (), tuple(errors))

    for n, line in enumerate(lines, 1):
        if lot is not None:
            lot.count += 1
        if len(line) != 240:
            error(
                n,
                "line",
                "line_length",
                _("The line has %(length)s columns; CNAB 240 lines have 240.")
                % {"length": len(line)},
            )
            continue
        if file_trailer_at:
            error(n, "line", "sequence", _("A line after the file trailer."))
            continue
        kind = _col(line, 8, 8)
        if kind == "0":
            if n != 1:
                error(n, "record_type", "sequence", _("The file header must be the first line."))
                continue
            bank = _col(line, 1, 3)
            if _col(line, 143, 143) != "2":
                error(
                    n,
                    "header",
                    "not_a_return",
                    _("Column 143 is not 2: this is not a return file."),
                )
        elif kind == "1":
            if lot is not None:
                error(n, "record_type", "sequence", _("A lot header inside an open lot."))
                continue
            lot = _Lot(number=_col(line, 4, 7), line=n)
            if _col(line, 9, 9) != "T":
                error(
                    n,
                    "header",
                    "not_a_return",
                    _("Column 9 of the lot header is not T: this lot is not a return."),
                )
        elif kind == "3":
            if lot is None:
                error(n, "record_type", "sequence", _("A detail outside a lot."))
                continue
            sequence = _cnab_count(line, 9, 13)
            if sequence != lot.count - 1:
                error(
                    n,
                    "sequence",
                    "sequence",
                    _("Detail sequence number %(found)s, expected %(expected)s.")
                    % {"found": _col(line, 9, 13), "expected": lot.count - 1},
                )
            segment = _col(line, 14, 14)
            if segment == "T":
                if pending_t is not None:
                    error(pending_t[0], "segment", "segment_u_missing", _("A segment T with no U."))
                pending_t = (n, line)
            elif segment == "U":
                if pending_t is None:
                    error(n, "segment", "segment_t_missing", _("A segment U with no T before it."))
                    continue
                _cnab_pair(pending_t, (n, line), bank, places, records, errors, ignored)
                pending_t = None
            else:
                error(
                    n,
                    "segment",
                    "segment",
                    _("Unknown segment “%(segment)s” (a collection return has T and U).")
                    % {"segment": segment},
                )
        elif kind == "5":
            if lot is None:
                error(n, "record_type", "sequence", _("A lot trailer with no lot header."))
                continue
            if pending_t is not None:
                error(pending_t[0], "segment", "segment_u_missing", _("A segment T with no U."))
                pending_t = None
            declared = _cnab_count(line, 18, 23)
            if declared != lot.count:
                error(
                    n,
                    "record_count",
                    "trailer_count",
                    _("The lot trailer counts %(declared)s records; the lot has %(found)s.")
                    % {"declared": _col(line, 18, 23), "found": lot.count},
                )
            lot = None
            lots += 1
        elif kind == "9":
            file_trailer_at = n
            if lot is not None:
                error(lot.line, "record_type", "sequence", _("A lot with no trailer."))
                lot = None
            declared_lots = _cnab_count(line, 18, 23)
            if declared_lots != lots:
                error(
                    n,
                    "lot_count",
                    "trailer_count",
                    _("The file trailer counts %(declared)s lots; the file has %(found)s.")
                    % {"declared": _col(line, 18, 23), "found": lots},
                )
            declared_records = _cnab_count(line, 24, 29)
            if declared_records != n:
                error(
                    n,
                    "record_count",
                    "trailer_count",
                    _("The file trailer counts %(declared)s records; the file has %(found)s.")
                    % {"declared": _col(line, 24, 29), "found": n},
                )
        else:
            error(
                n,
                "record_type",
                "record_type",
                _("Unknown record type “%(kind)s” in column 8.") % {"kind": kind},
            )

    if len(lines[0]) == 240 and _col(lines[0], 8, 8) != "0":
        error(1, "record_type", "sequence", _("The file does not start with a file header."))
    if pending_t is not None:
        error(pending_t[0], "segment", "segment_u_missing", _("A segment T with no U."))
    if lot is not None:
        error(lot.line, "record_type", "sequence", _("A lot with no trailer."))
    if not file_trailer_at:
        error(len(lines), "record_type", "trailer_missing", _("The file has no file trailer."))
    return _without_duplicates(CNAB240, records, errors, ignored)


def _cnab_pair(t, u, bank, places, records, errors, ignored) -> None:
    (tn, t_line), (un, u_line) = t, u
    movement = _col(t_line, 16, 17)
    if movement not in LIQUIDATIONS:
        ignored.append(IgnoredLine(tn, movement))
        return
    reference = _col(t_line, 38, 57).strip()
    invoice = _col(t_line, 59, 73).strip()
    found = []
    if not reference and not invoice:
        found.append(
            LineError(
                tn, "invoice_number", "reference", _("Neither nosso número nor seu número given.")
            )
        )
    values = {}
    for name, n, parse_one in (
        ("fees", tn, lambda: _cnab_amount(t_line, 199, 213, places)),
        ("amount_paid", un, lambda: _cnab_amount(u_line, 78, 92, places)),
        ("paid_on", un, lambda: _cnab_date(u_line, 138, 145)),
        ("credited_on", un, lambda: _cnab_date(u_line, 146, 153, optional=True)),
    ):
        try:
            values[name] = parse_one()
        except BadValue as bad:
            found.append(LineError(n, name, bad.code, bad.message))
    if "amount_paid" in values and values["amount_paid"] <= 0:
        found.append(
            LineError(un, "amount_paid", "amount", _("The amount paid must be above zero."))
        )
    if found:
        errors.extend(found)
        return
    bank_id = f"{bank}/{reference}"
    records.append(
        ReturnRecord(
            line=tn,
            invoice_number=invoice,
            payment_reference=reference,
            amount_paid=values["amount_paid"],
            paid_on=values["paid_on"],
            fees=values["fees"],
            bank_id=bank_id,
            idempotency_key=idempotency_key(bank_id, f"{t_line}\n{u_line}"),
            credited_on=values["credited_on"],
        )
    )
