"""Bank return imports through the service: matched by invoice number, by payment reference
(the invoice number's digits, as a bank slip's nosso número carries them), unmatched and bad
lines reported, a re-import posting nothing new; CSV and CNAB 240."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tenant_apps.collections.models import BankReturnLine, Payment
from tenant_apps.collections.services import bank_return_import
from tenant_apps.factories import CustomerFactory

from .helpers import ACTOR, invoice
from .test_bank_return import (
    cnab_text,
    file_header,
    file_trailer,
    lot_header,
    lot_trailer,
    seg_t,
    seg_u,
)

pytestmark = pytest.mark.django_db
D = Decimal


def digits(number: str) -> str:
    return re.sub(r"\D", "", number).zfill(20)


def outcomes(batch):
    return list(
        BankReturnLine.objects.filter(bank_return=batch)
        .order_by("line_no")
        .values_list("line_no", "outcome")
    )


def test_csv_import_matches_by_number_and_reference_and_reimport_posts_nothing(in_a1):
    customer, other = CustomerFactory(), CustomerFactory()
    by_number = invoice(customer, "99.90", dt.date(2026, 11, 10))
    by_reference = invoice(other, "50.00", dt.date(2026, 11, 10))
    data = (
        "invoice_number;payment_reference;amount_paid;paid_on;fees;bank_id\n"
        f"{by_number.number};;99,90;05/11/2026;1,50;TX-1\n"
        f";{digits(by_reference.number)};30.00;2026-11-06;;TX-2\n"
        ";99999999999999999999;10.00;2026-11-06;;TX-3\n"
        f"{by_number.number};;abc;2026-11-06;;TX-4\n"
    ).encode()
    batch = bank_return_import(actor=ACTOR, file_name="ret.csv", data=data)
    assert batch.layout == "csv"
    assert outcomes(batch) == [(2, "matched"), (3, "matched"), (4, "unmatched"), (5, "error")]
    assert (batch.records, batch.matched, batch.already, batch.unmatched, batch.errors) == (
        3,
        2,
        0,
        1,
        1,
    )
    assert batch.total == D("129.90")
    by_number.refresh_from_db()
    by_reference.refresh_from_db()
    assert (by_number.status, by_number.open_amount) == ("paid", D("0.00"))
    assert (by_reference.status, by_reference.open_amount) == ("open", D("20.00"))
    paid = Payment.objects.get(bank_return=batch, customer=customer)
    assert (paid.origin, paid.received_on, paid.amount) == (
        "bank_slip",
        dt.date(2026, 11, 5),
        D("99.90"),
    )
    assert Payment.objects.get(bank_return=batch, customer=other).origin == "bank_slip"
    unmatched = BankReturnLine.objects.get(bank_return=batch, line_no=4)
    assert "99999999999999999999" in unmatched.message

    again = bank_return_import(actor=ACTOR, file_name="ret.csv", data=data)
    assert outcomes(again) == [(2, "already"), (3, "already"), (4, "unmatched"), (5, "error")]
    assert (again.matched, again.already, again.total) == (0, 2, D("0.00"))
    assert Payment.objects.filter(bank_return__in=[batch, again]).count() == 2


def test_cnab240_import(in_a1):
    customer = CustomerFactory()
    first = invoice(customer, "99.90", dt.date(2026, 11, 10))
    second = invoice(customer, "1234.56", dt.date(2026, 11, 20))
    lines = [
        file_header(),
        lot_header(),
        seg_t(1, "06", "00000000000000000001", first.number, 150),  # by invoice number
        seg_u(2, "06", 9990),
        seg_t(3, "02", "00000000000000000002", "X", 0),  # entry confirmed: ignored
        seg_u(4, "02", 0, paid_on="00000000", credited="00000000"),
        seg_t(5, "17", digits(second.number), "", 0),  # by nosso número
        seg_u(6, "17", 123456, credited="00000000"),
        lot_trailer(8),
        file_trailer(1, 10),
    ]
    data = cnab_text(lines).encode()
    batch = bank_return_import(actor=ACTOR, file_name="ret.ret", data=data)
    assert batch.layout == "cnab240"
    assert outcomes(batch) == [(3, "matched"), (5, "ignored"), (7, "matched")]
    for inv in (first, second):
        inv.refresh_from_db()
        assert inv.status == "paid"
    again = bank_return_import(actor=ACTOR, file_name="ret.ret", data=data)
    assert outcomes(again) == [(3, "already"), (5, "ignored"), (7, "already")]
    assert Payment.objects.filter(customer=customer).count() == 2


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"amount_paid;paid_on\n10.00;2026-01-01\n",  # no invoice_number / reference column
        cnab_text([file_header(), lot_header()]).encode(),  # no trailers
    ],
)
def test_a_file_with_a_broken_structure_is_refused_whole(in_a1, data):
    with pytest.raises(ValidationError) as exc:
        bank_return_import(actor=ACTOR, file_name="bad", data=data)
    assert "file" in exc.value.message_dict


@pytest.mark.parametrize(
    "channel, origin", [("pix", "pix"), ("PIX", "pix"), ("boleto", "bank_slip"), ("", "bank_slip")]
)
def test_csv_channel_sets_the_origin(in_a1, channel, origin):
    customer = CustomerFactory()
    inv = invoice(customer, "10.00", dt.date(2026, 11, 10))
    data = f"invoice_number;amount_paid;paid_on;channel\n{inv.number};10.00;2026-11-05;{channel}\n"
    batch = bank_return_import(actor=ACTOR, file_name="pix.csv", data=data.encode())
    assert Payment.objects.get(bank_return=batch).origin == origin


def test_csv_unknown_channel_is_a_line_error(in_a1):
    customer = CustomerFactory()
    inv = invoice(customer, "10.00", dt.date(2026, 11, 10))
    data = f"invoice_number;amount_paid;paid_on;channel\n{inv.number};10.00;2026-11-05;ted\n"
    batch = bank_return_import(actor=ACTOR, file_name="ted.csv", data=data.encode())
    assert outcomes(batch) == [(2, "error")]
    assert not Payment.objects.filter(bank_return=batch).exists()


def test_the_import_runs_in_slices_and_goes_on_after_a_failure(in_a1, monkeypatch):
    """A slice that fails rolls back whole (its payments too); the slices before it stay, and
    importing again goes on from there: each record is posted once."""
    from tenant_apps.collections import services
    from tenant_apps.collections.services import bank_return_process, bank_return_upload

    monkeypatch.setattr(services, "RETURN_SLICE", 1)
    customers = [CustomerFactory() for _ in range(3)]
    invoices = [invoice(c, "10.00", dt.date(2026, 11, 10)) for c in customers]
    data = ("invoice_number;amount_paid;paid_on\n" + "".join(
        f"{inv.number};10,00;05/11/2026\n" for inv in invoices
    )).encode()  # fmt: skip
    batch = bank_return_upload(actor=ACTOR, file_name="r.csv", data=data, enqueue=False)
    assert (batch.status, batch.records, batch.records_done) == ("queued", 3, 0)
    receive = services.payment_receive
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["idempotency_key"])
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return receive(**kwargs)

    monkeypatch.setattr(services, "payment_receive", flaky)
    with pytest.raises(RuntimeError):
        bank_return_process(return_id=batch.pk)
    batch.refresh_from_db()
    assert (batch.status, batch.records_done, batch.matched) == ("running", 1, 1)
    assert Payment.objects.filter(bank_return=batch).count() == 1  # the second slice undone
    monkeypatch.setattr(services, "payment_receive", receive)
    done = bank_return_process(return_id=batch.pk)
    assert (done.status, done.records_done, done.matched, done.total) == ("done", 3, 3, D("30"))
    assert Payment.objects.filter(bank_return=batch).count() == 3
    assert outcomes(done) == [(2, "matched"), (3, "matched"), (4, "matched")]
    assert bank_return_process(return_id=batch.pk).matched == 3  # done: nothing more
