"""Payment allocation, reversal and dunning facts as tables of hand-computed cases."""

import datetime as dt
from decimal import Decimal as D

import pytest

from tenant_apps.collections import allocation as a

TODAY = dt.date(2026, 6, 11)  # pinned

# Given out of order on purpose; share a due date (natural number order).
INVOICES = [
    a.OpenInvoice("A-10", dt.date(2026, 6, 10), D("20.00")),
    a.OpenInvoice("A-3", dt.date(2026, 6, 10), D("30.00")),
    a.OpenInvoice("A-1", dt.date(2026, 5, 10), D("100.00")),
    a.OpenInvoice("A-0", dt.date(2026, 4, 10), D("0.00")),  # settled: never allocated
    a.OpenInvoice("A-2", dt.date(2026, 6, 10), D("50.00")),
]  # open total 200.00


def S(number, amount, closes):
    return a.Settlement(number, D(amount), closes)


ALLOCATION_CASES = [
    # payment, expected settlements, expected credit
    (
        "200.00",
        [S("A-1", "100.00", True), S("A-2", "50.00", True), S("A-3", "30.00", True),
         S("A-10", "20.00", True)],
        "0.00",
    ),  # exactly covers every open invoice
    ("120.00", [S("A-1", "100.00", True), S("A-2", "20.00", False)], "0.00"),  # under
    ("150.00", [S("A-1", "100.00", True), S("A-2", "50.00", True)], "0.00"),  # ends on a boundary
    (
        "175.00",
        [S("A-1", "100.00", True), S("A-2", "50.00", True), S("A-3", "25.00", False)],
        "0.00",
    ),  # equal due dates: A-2 before A-3 before A-10
    (
        "250.00",
        [S("A-1", "100.00", True), S("A-2", "50.00", True), S("A-3", "30.00", True),
         S("A-10", "20.00", True)],
        "50.00",
    ),  # over: the rest is credit
    ("0.01", [S("A-1", "0.01", False)], "0.00"),
    ("10.005", [S("A-1", "10.01", False)], "0.00"),  # quantized ROUND_HALF_UP first
]  # fmt: skip


@pytest.mark.parametrize(("payment", "settlements", "credit"), ALLOCATION_CASES)
def test_allocate_oldest_first(payment, settlements, credit):
    """A payment settles the oldest open invoices first (due date, then number), the last one
    reached in part, and the rest is credit on the account."""
    result = a.allocate(D(payment), INVOICES)
    assert list(result.settlements) == settlements
    assert result.credit == D(credit)
    assert result.settled + result.credit == result.payment


def test_allocate_without_open_invoices_is_all_credit():
    """With nothing open, the whole payment is credit."""
    result = a.allocate(D("30.00"), [a.OpenInvoice("X-1", TODAY, D("0.00"))])
    assert result.settlements == ()
    assert result.credit == D("30.00")


@pytest.mark.parametrize("payment", [D("0.00"), D("-5.00"), D("0.004")])
def test_allocate_refuses_a_payment_not_above_zero(payment):
    """A payment of zero or less (after quantizing) is not allocated."""
    with pytest.raises(ValueError):
        a.allocate(payment, INVOICES)


def test_allocate_refuses_float():
    """Money is Decimal only: a float is refused."""
    with pytest.raises(TypeError):
        a.allocate(99.9, INVOICES)


REVERSAL_CASES = [
    # payment, expected reopenings, expected credit withdrawn
    ("120.00", [S("A-1", "100.00", False), S("A-2", "20.00", False)], "0.00"),
    (
        "250.00",
        [S("A-1", "100.00", False), S("A-2", "50.00", False), S("A-3", "30.00", False),
         S("A-10", "20.00", False)],
        "50.00",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("payment", "reopenings", "withdrawn"), REVERSAL_CASES)
def test_reversal_gives_back_exactly_what_was_settled(payment, reopenings, withdrawn):
    """Reversing a payment reopens each invoice by what it settled there and withdraws its
    credit: the invoices are back to their open amounts before the payment."""
    allocation = a.allocate(D(payment), INVOICES)
    after = a.apply(INVOICES, allocation)
    reversal = a.reverse(allocation)
    assert list(reversal.reopenings) == reopenings
    assert reversal.credit_withdrawn == D(withdrawn)
    assert a.apply_reversal(after, reversal) == INVOICES


def test_apply_leaves_the_partly_settled_invoice_open():
    """After 120.00: A-1 closed, A-2 owes 30.00, A-3 and A-10 untouched."""
    after = {i.number: i.open_amount for i in a.apply(INVOICES, a.allocate(D("120"), INVOICES))}
    assert after == {
        "A-10": D("20.00"),
        "A-3": D("30.00"),
        "A-1": D("0.00"),
        "A-0": D("0.00"),
        "A-2": D("30.00"),
    }


DUNNING_CASES = [
    # on, grace days, overdue numbers, overdue debt, oldest due date, days overdue, suspend
    (dt.date(2026, 5, 10), 5, [], "0.00", None, 0, False),  # on its due date: on time
    (dt.date(2026, 5, 11), 5, ["A-1"], "100.00", dt.date(2026, 5, 10), 1, False),
    (dt.date(2026, 5, 15), 5, ["A-1"], "100.00", dt.date(2026, 5, 10), 5, False),  # last grace day
    (dt.date(2026, 5, 16), 5, ["A-1"], "100.00", dt.date(2026, 5, 10), 6, True),  # grace passed
    (dt.date(2026, 5, 11), 0, ["A-1"], "100.00", dt.date(2026, 5, 10), 1, True),  # no grace
    (dt.date(2026, 6, 10), 30, ["A-1"], "100.00", dt.date(2026, 5, 10), 31, True),
    (TODAY, 40, ["A-1", "A-2", "A-3", "A-10"], "200.00", dt.date(2026, 5, 10), 32, False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("on", "grace", "numbers", "debt", "oldest", "days", "suspend"), DUNNING_CASES
)
def test_dunning_facts(on, grace, numbers, debt, oldest, days, suspend):
    """Open invoices due before the day are overdue; the debt is their open total, its age runs
    from the oldest due date, and the services are suspended once that age passes the grace."""
    facts = a.dunning(INVOICES, on=on, grace_days=grace)
    assert [i.number for i in facts.overdue_invoices] == numbers
    assert facts.overdue == D(debt)
    assert facts.oldest_due_on == oldest
    assert facts.days_overdue == days
    assert facts.suspend is suspend


def test_dunning_counts_what_remains_of_a_partly_paid_invoice():
    """After 60.00 on A-1, the overdue debt on the pinned day is 40.00 + 100.00 = 140.00."""
    after = a.apply(INVOICES, a.allocate(D("60.00"), INVOICES))
    assert a.dunning(after, on=TODAY, grace_days=5).overdue == D("140.00")


CLEARS_CASES = [
    # payment, on, clears the overdue debt (resume)
    ("199.99", TODAY, False),  # A-10 still owes 0.01
    ("200.00", TODAY, True),
    ("250.00", TODAY, True),
    ("99.99", dt.date(2026, 5, 20), False),
    ("100.00", dt.date(2026, 5, 20), True),  # open but not yet due
]


@pytest.mark.parametrize(("payment", "on", "clears"), CLEARS_CASES)
def test_payment_clears_overdue_debt(payment, on, clears):
    """A payment resumes the services when, allocated oldest first, no overdue invoice stays
    open."""
    assert a.clears_overdue(D(payment), INVOICES, on=on) is clears
