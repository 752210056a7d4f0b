"""Bank return files (CSV layout and CNAB 240) as tables of hand-computed cases."""

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from tenant_apps.collections import bank_return as br

FILES = Path(__file__).parent / "files"


def errors_of(parsed):
    return [(e.line, e.field, e.code) for e in parsed.errors]


# ------------------------------------------------------------------------------ values

AMOUNTS = [
    ("99.90", "99.90"),
    ("99.9", "99.90"),
    ("100", "100.00"),
    ("1.234,56", "1234.56"),
    ("1234,56", "1234.56"),
    ("12.345.678,90", "12345678.90"),
    ("0,5", "0.50"),
    (" 7,00 ", "7.00"),
]


@pytest.mark.parametrize(("text", "amount"), AMOUNTS)
def test_amount_formats(text, amount):
    """Amounts are read as 99.90 (dot decimal) or 1.234,56 (comma decimal, dot thousands)."""
    assert br.parse_amount(text) == D(amount)


@pytest.mark.parametrize(
    "text", ["1.234", "12,345", "1,234.56", "1.23.4,5", "abc", "", "-5.00", "R$ 5,00", "5.0.0"]
)
def test_bad_amounts(text):
    """Anything else (three decimals, mixed separators, signs, letters) is refused."""
    with pytest.raises(br.BadValue):
        br.parse_amount(text)


DATES = [
    ("2026-06-05", dt.date(2026, 6, 5)),
    ("05/06/2026", dt.date(2026, 6, 5)),
    ("29/02/2024", dt.date(2024, 2, 29)),
]


@pytest.mark.parametrize(("text", "day"), DATES)
def test_date_formats(text, day):
    """Dates are read as YYYY-MM-DD or DD/MM/YYYY."""
    assert br.parse_date(text) == day


@pytest.mark.parametrize("text", ["2026-02-30", "31/04/2026", "2026/06/05", "5/6/2026", "x"])
def test_bad_dates(text):
    """A date in another format or not on the calendar is refused."""
    with pytest.raises(br.BadValue):
        br.parse_date(text)


# ------------------------------------------------------------------------------------- CSV


def test_csv_semicolon_file():
    """The semicolon sample gives one record per payment line (blank lines skipped)."""
    parsed = br.parse((FILES / "return_semicolon.csv").read_bytes())
    assert parsed.layout == br.CSV
    assert parsed.errors == ()
    got = [
        (r.line, r.invoice_number, r.payment_reference, r.amount_paid, r.paid_on, r.fees, r.bank_id)
        for r in parsed.records
    ]
    assert got == [
        (2, "2026-000123", "", D("99.90"), dt.date(2026, 6, 5), D("1.50"), "TX-1"),
        (3, "", "34191000000000012345", D("1234.56"), dt.date(2026, 6, 6), D("0.00"), "TX-2"),
        (5, "2026-000125", "REF-9", D("10.00"), dt.date(2026, 6, 7), D("0.00"), "TX-3"),
    ]


def test_csv_comma_file_with_columns_in_any_order():
    """A comma file: header case-insensitive and in any order, quoted 1.234,56, CRLF lines,
    an unknown column ignored."""
    parsed = br.parse((FILES / "return_comma.csv").read_bytes())
    assert parsed.errors == ()
    got = [(r.line, r.invoice_number, r.amount_paid, r.paid_on, r.bank_id) for r in parsed.records]
    assert got == [
        (2, "2026-000200", D("1234.56"), dt.date(2026, 6, 5), "B-77"),
        (3, "2026-000201", D("99.90"), dt.date(2026, 6, 6), "B-78"),
    ]


def test_csv_bad_file_reports_each_line():
    """Each bad line is reported with its line and field; the good line still gives a record;
    the same line twice is a duplicate."""
    parsed = br.parse((FILES / "return_bad.csv").read_text())
    assert errors_of(parsed) == [
        (2, "amount_paid", "amount"),
        (3, "paid_on", "date"),
        (4, "invoice_number", "reference"),
        (5, "amount_paid", "amount"),
        (6, "fees", "amount"),
        (7, "paid_on", "required"),
        (9, "line", "duplicate"),
    ]
    assert [(r.line, r.invoice_number, r.amount_paid) for r in parsed.records] == [
        (8, "2026-000306", D("20.00"))
    ]
    assert all(e.message for e in parsed.errors)


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("invoice_number;amount", ["amount_paid", "paid_on"]),
        ("amount_paid,paid_on,bank_id", ["invoice_number"]),
    ],
)
def test_csv_missing_columns(header, missing):
    """A header without a required column is reported and no line is read."""
    parsed = br.parse_csv(f"{header}\nX;1,00\n")
    assert errors_of(parsed) == [(1, name, "missing_column") for name in missing]
    assert parsed.records == ()


def test_csv_idempotency_keys():
    """The key is the bank id and a hash of the line: the same file gives the same keys (line
    endings do not matter), and different lines different keys."""
    text = (FILES / "return_semicolon.csv").read_text()
    first = br.parse(text).records
    again = br.parse(text.replace("\n", "\r\n")).records
    assert [r.idempotency_key for r in first] == [r.idempotency_key for r in again]
    assert len({r.idempotency_key for r in first}) == 3
    assert first[0].idempotency_key.startswith("TX-1:")
    assert all(len(r.idempotency_key) <= 120 for r in first)


# -------------------------------------------------------------------------------- CNAB 240


def cnab(fields: dict[int, str]) -> str:
    """A 240-column line: ``{start column (1-based): text}``, blanks elsewhere."""
    buf = [" "] * 240
    for start, text in fields.items():
        buf[start - 1 : start - 1 + len(text)] = text
    assert len(buf) == 240
    return "".join(buf)


def n(value: int, width: int) -> str:
    return str(value).zfill(width)


BANK = "341"


def file_header(kind="2"):
    return cnab({1: BANK, 4: "0000", 8: "0", 18: "2", 19: "12345678000199",
                 73: "ALEATOR TELECOM", 103: "BANCO EXEMPLO", 143: kind, 144: "05062026",
                 152: "101500", 158: "000042", 164: "103"})  # fmt: skip


def lot_header():
    return cnab({1: BANK, 4: "0001", 8: "1", 9: "T", 10: "01", 14: "060", 18: "2",
                 19: "012345678000199", 74: "ALEATOR TELECOM"})  # fmt: skip


def seg_t(seq, movement, nosso, seu, fee_cents, segment="T"):
    return cnab({1: BANK, 4: "0001", 8: "3", 9: n(seq, 5), 14: segment, 16: movement,
                 18: "01234", 24: n(56789, 12), 38: nosso.ljust(20), 58: "1", 59: seu.ljust(15),
                 74: "10062026", 82: n(99990, 15), 199: n(fee_cents, 15)})  # fmt: skip


def seg_u(seq, movement, paid_cents, paid_on="05062026", credited="06062026", paid=None):
    return cnab({1: BANK, 4: "0001", 8: "3", 9: n(seq, 5), 14: "U", 16: movement,
                 18: n(0, 15), 78: paid or n(paid_cents, 15), 93: n(max(paid_cents - 150, 0), 15),
                 138: paid_on, 146: credited})  # fmt: skip


def lot_trailer(records):
    return cnab({1: BANK, 4: "0001", 8: "5", 18: n(records, 6), 24: n(2, 6), 30: n(133446, 17)})


def file_trailer(lots, records):
    return cnab({1: BANK, 4: "9999", 8: "9", 18: n(lots, 6), 24: n(records, 6)})


def good_lines():
    return [
        file_header(),  # 1
        lot_header(),  # 2
        seg_t(1, "06", "00000000000000012345", "2026-000123", 150),  # 3: liquidation
        seg_u(2, "06", 9990),  # 4
        seg_t(3, "02", "00000000000000012346", "2026-000124", 0),  # 5: entry confirmed
        seg_u(4, "02", 0, paid_on="00000000", credited="00000000"),  # 6
        seg_t(5, "17", "00000000000000012347", "2026-000125", 0),  # 7: liquidation after write-off
        seg_u(6, "17", 123456, credited="00000000"),  # 8
        lot_trailer(8),  # 9: lot header + 6 details + trailer
        file_trailer(1, 10),  # 10: 1 lot, 10 records in the file
    ]


def test_sample_positions():
    """The helper puts each field at the FEBRABAN columns (checked by hand on line 4: valor
    pago at 78-92, data da ocorrência at 138-145; line 3: nosso número at 38-57)."""
    lines = good_lines()
    assert all(len(line) == 240 for line in lines)
    assert lines[3][77:92] == "000000000009990"
    assert lines[3][137:145] == "05062026"
    assert lines[2][37:57] == "00000000000000012345"
    assert lines[2][13] == "T" and lines[3][13] == "U"


GOOD_RECORDS = [
    # line, invoice, reference, amount, paid on, fees, bank id, credited on
    (3, "2026-000123", "00000000000000012345", D("99.90"), dt.date(2026, 6, 5), D("1.50"),
     "341/00000000000000012345", dt.date(2026, 6, 6)),
    (7, "2026-000125", "00000000000000012347", D("1234.56"), dt.date(2026, 6, 5), D("0.00"),
     "341/00000000000000012347", None),
]  # fmt: skip


def records_of(parsed):
    return [
        (r.line, r.invoice_number, r.payment_reference, r.amount_paid, r.paid_on, r.fees,
         r.bank_id, r.credited_on)
        for r in parsed.records
    ]  # fmt: skip


def cnab_text(lines):
    return "\r\n".join(lines) + "\r\n"


def test_cnab_good_file():
    """A good return: the liquidations become records, other movements are ignored."""
    lines = good_lines()
    parsed = br.parse(cnab_text(lines))
    assert parsed.layout == br.CNAB240
    assert parsed.errors == ()
    assert records_of(parsed) == GOOD_RECORDS
    assert parsed.ignored == (br.IgnoredLine(5, "02"),)


def test_cnab_committed_sample_matches_the_helper():
    """The committed sample is the helper's good file, and parses to the same records."""
    lines = good_lines()
    data = (FILES / "return_cnab240.ret").read_bytes()
    assert data.decode("ascii") == cnab_text(lines)
    parsed = br.parse(data)
    assert parsed.ok
    assert records_of(parsed) == GOOD_RECORDS


def _good():
    return good_lines()


def _set(index, line):
    def mutate(lines):
        lines[index] = line
        return lines

    return mutate


BAD_CNAB = [
    # mutation, expected errors (line, field, code), expected record lines
    ("short line", _set(2, _good()[2][:239]),
     [(3, "line", "line_length"), (4, "segment", "segment_t_missing")], [7]),
    ("long line", _set(3, _good()[3] + " "),
     [(3, "segment", "segment_u_missing"), (4, "line", "line_length")], [7]),
    ("unknown segment", _set(4, seg_t(3, "02", "X", "Y", 0, segment="Y")),
     [(5, "segment", "segment"), (6, "segment", "segment_t_missing")], [3, 7]),
    ("unknown record type", _set(2, _good()[2][:7] + "4" + _good()[2][8:]),
     [(3, "record_type", "record_type"), (4, "segment", "segment_t_missing")], [7]),
    ("bad amount", _set(3, seg_u(2, "06", 0, paid="0000000000099A0")),
     [(4, "amount_paid", "amount")], [7]),
    ("bad date", _set(3, seg_u(2, "06", 9990, paid_on="31022026")),
     [(4, "paid_on", "date")], [7]),
    ("zero paid", _set(3, seg_u(2, "06", 0)), [(4, "amount_paid", "amount")], [7]),
    ("no reference", _set(2, seg_t(1, "06", "", "", 150)),
     [(3, "invoice_number", "reference")], [7]),
    ("bad sequence", _set(4, seg_t(9, "02", "00000000000000012346", "2026-000124", 0)),
     [(5, "sequence", "sequence")], [3, 7]),
    ("lot trailer count", _set(8, lot_trailer(7)), [(9, "record_count", "trailer_count")], [3, 7]),
    ("file trailer records", _set(9, file_trailer(1, 11)),
     [(10, "record_count", "trailer_count")], [3, 7]),
    ("file trailer lots", _set(9, file_trailer(2, 10)),
     [(10, "lot_count", "trailer_count")], [3, 7]),
    ("not a return", _set(0, file_header(kind="1")), [(1, "header", "not_a_return")], [3, 7]),
    ("no file trailer", lambda lines: lines[:-1], [(9, "record_type", "trailer_missing")], [3, 7]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "errors", "record_lines"),
    [case[1:] for case in BAD_CNAB],
    ids=[case[0] for case in BAD_CNAB],
)
def test_cnab_bad_files(mutate, errors, record_lines):
    """Each fault is reported on its line and field; the pairs it does not touch still give
    records."""
    parsed = br.parse_cnab240(cnab_text(mutate(_good())))
    assert errors_of(parsed) == errors
    assert [r.line for r in parsed.records] == record_lines
    assert all(e.message for e in parsed.errors)


def test_cnab_reimport_gives_the_same_keys():
    """A re-import of the same file gives the same idempotency keys (bank id + hash of the
    T and U lines); two payments have different keys."""
    text = cnab_text(_good())
    first, again = br.parse(text).records, br.parse(text.encode("latin-1")).records
    assert [r.idempotency_key for r in first] == [r.idempotency_key for r in again]
    assert first[0].idempotency_key != first[1].idempotency_key
    assert first[0].idempotency_key.startswith("341/00000000000000012345:")


def test_cnab_is_detected_and_csv_is_not():
    """The first line decides the layout: 240 columns with record type 0 is CNAB 240."""
    assert br.parse(cnab_text(_good())).layout == br.CNAB240
    assert br.parse("invoice_number,amount_paid,paid_on\nA-1,1.00,2026-01-01\n").layout == br.CSV
