"""Payment allocation, the 6-month rule, standing (paid-up-to, arrears, advance), receipt numbers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.dues import (
    Month,
    MonthDue,
    allocate_payment,
    coverage_problem,
    month_range,
    months_text,
    next_receipt_number,
    standing,
)
from desktop.domain.errors import ValidationError


def dues(*pairs: tuple[str, str, str]) -> list[MonthDue]:
    return [MonthDue(Month.parse(m), D(due), D(paid)) for m, due, paid in pairs]


def test_exact_payment_covers_each_month() -> None:
    a = allocate_payment(D("90"), dues(("2026-01", "30", "0"), ("2026-02", "30", "0"), ("2026-03", "30", "0")))
    assert [line.applied for line in a.lines] == [D("30")] * 3
    assert (a.voluntary, a.large, a.shortfall, a.explanation) == (0, 0, 0, "")


def test_over_payment_is_voluntary_extra() -> None:
    a = allocate_payment(D("100"), dues(("2026-01", "30", "0"), ("2026-02", "30", "0")))
    assert a.regular == D("60") and a.voluntary == D("40.00") and a.large == 0
    assert "自愿多交40.00元" in a.explanation


def test_extra_of_1000_or_more_is_large_dues_kept_apart() -> None:
    a = allocate_payment(D("1030"), dues(("2026-01", "30", "0")))
    assert a.large == D("1000.00") and a.voluntary == 0
    assert "大额党费" in a.explanation
    b = allocate_payment(D("1029.99"), dues(("2026-01", "30", "0")))
    assert b.large == 0 and b.voluntary == D("999.99")


def test_payment_without_months_is_all_extra() -> None:
    a = allocate_payment(D("5000"), [])
    assert a.large == D("5000.00") and a.lines == ()


def test_under_payment_leaves_latest_months_in_arrears() -> None:
    a = allocate_payment(D("50"), dues(("2026-02", "30", "0"), ("2026-01", "30", "0")))
    assert [(str(l.month), l.applied) for l in a.lines] == [("2026-01", D("30")), ("2026-02", D("20"))]
    assert a.shortfall == D("10.00")
    assert "2026-02尚欠10.00元" in a.explanation


def test_partly_paid_month_takes_only_its_remainder() -> None:
    a = allocate_payment(D("30"), dues(("2026-01", "30", "20"), ("2026-02", "30", "0")))
    assert [l.applied for l in a.lines] == [D("10"), D("20")]
    assert a.shortfall == D("10.00")


def test_duplicate_month_refused() -> None:
    with pytest.raises(ValidationError, match="两次"):
        allocate_payment(D("60"), dues(("2026-01", "30", "0"), ("2026-01", "30", "0")))


@given(st.integers(0, 500_000), st.lists(st.tuples(st.integers(0, 100_000), st.integers(0, 100_000)), max_size=8))
def test_allocation_conserves_money(amount_fen: int, rows: list[tuple[int, int]]) -> None:
    covered = [MonthDue(Month(2026, 1) + i, D(due) / 100, D(min(paid, due)) / 100) for i, (due, paid) in enumerate(rows)]
    a = allocate_payment(D(amount_fen) / 100, covered)
    assert a.regular + a.voluntary + a.large == a.amount
    assert all(0 <= l.applied <= l.due for l in a.lines)
    assert a.shortfall == sum((d.remaining for d in covered), D(0)) - a.regular
    assert a.voluntary < 1000


PAY_DAY = dt.date(2026, 7, 15)


@pytest.mark.parametrize(("first", "last", "problem"), [
    ("2026-01", "2026-07", None),  # 6 months behind + current
    ("2026-07", "2027-01", None),  # 6 ahead
    ("2025-12", "2026-07", "补交7个月"),
    ("2026-07", "2027-02", "预交7个月"),
])
def test_six_month_rule(first: str, last: str, problem: str | None) -> None:
    result = coverage_problem(PAY_DAY, month_range(Month.parse(first), Month.parse(last)))
    if problem is None:
        assert result is None
    else:
        assert result is not None and problem in result


def test_six_month_rule_limit_is_a_setting() -> None:
    months = month_range(Month(2026, 1), Month(2026, 6))
    assert coverage_problem(PAY_DAY, months, limit=3) is not None


def test_standing_paid_up_to_arrears_advance_and_run() -> None:
    today = dt.date(2026, 11, 21)
    rows = dues(*[(f"2026-{m:02d}", "30", "30" if m <= 7 else "0") for m in range(1, 13)])
    s = standing(rows, today)
    assert s.paid_up_to == Month(2026, 7)
    assert s.arrears == D("90") and [str(m) for m in s.arrears_months] == ["2026-08", "2026-09", "2026-10"]
    assert s.consecutive_unpaid == 3
    assert s.advance == 0


def test_standing_with_advance_and_gap() -> None:
    today = dt.date(2026, 11, 21)
    rows = dues(("2026-09", "30", "0"), ("2026-10", "30", "30"), ("2026-11", "30", "30"), ("2026-12", "30", "30"))
    s = standing(rows, today)
    assert s.paid_up_to is None and s.arrears == D("30") and s.consecutive_unpaid == 0
    assert s.advance == D("30")


def test_month_arithmetic_and_text() -> None:
    assert Month(2026, 12) + 1 == Month(2027, 1)
    assert Month(2027, 2) - Month(2026, 11) == 3
    assert Month(2024, 2).last_day == dt.date(2024, 2, 29)
    assert Month.parse("2026年3月") == Month(2026, 3)
    assert months_text([Month(2026, 1), Month(2026, 2), Month(2026, 4)]) == "2026-01至2026-02、2026-04"
    with pytest.raises(ValidationError):
        Month.parse("三月")


def test_receipt_numbers_per_year() -> None:
    assert next_receipt_number(2026, []) == "2026-0001"
    assert next_receipt_number(2026, ["2026-0003", "2025-0010", "手写001"]) == "2026-0004"
