"""monthly_dues at and around every boundary, for each category (domain.md §4)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.dues import (
    BRACKETED,
    MINIMAL,
    MONTHLY_CAP,
    determine_dues,
    dues_rate,
    monthly_dues,
    rate_text,
    rmb_upper,
    to_money,
)
from desktop.domain.errors import ValidationError
from desktop.domain.roster import CATEGORIES

# (base, expected monthly amount, rate) for 在职/年薪制/个体: the whole base takes its bracket's rate
WORKING = [
    ("0", "0.00", "0.005"),
    ("1", "0.01", "0.005"),  # 0.005 half-up
    ("2999.99", "15.00", "0.005"),
    ("3000", "15.00", "0.005"),  # upper bound inclusive
    ("3000.01", "30.00", "0.01"),  # the jump: not progressive
    ("4999.99", "50.00", "0.01"),
    ("5000", "50.00", "0.01"),
    ("5000.01", "75.00", "0.015"),
    ("8888.88", "133.33", "0.015"),
    ("10000", "150.00", "0.015"),
    ("10000.01", "200.00", "0.02"),
    ("49999.99", "1000.00", "0.02"),
    ("50000", "1000.00", "0.02"),  # exactly the cap
    ("50000.01", "1000.00", "0.02"),  # capped
    ("123456.78", "1000.00", "0.02"),
]
RETIRED = [
    ("0", "0.00", "0.005"),
    ("4999.99", "25.00", "0.005"),
    ("5000", "25.00", "0.005"),
    ("5000.01", "50.00", "0.01"),
    ("3333.33", "16.67", "0.005"),  # 16.66665 -> half-up
    ("100000", "1000.00", "0.01"),
    ("100000.01", "1000.00", "0.01"),
]


@pytest.mark.parametrize("category", BRACKETED)
@pytest.mark.parametrize(("base", "amount", "rate"), WORKING)
def test_working_brackets(category: str, base: str, amount: str, rate: str) -> None:
    result = determine_dues(category, D(base))
    assert result.amount == D(amount)
    assert result.rate == D(rate)
    assert monthly_dues(category, D(base)) == D(amount)
    assert dues_rate(category, D(base)) == D(rate)


@pytest.mark.parametrize(("base", "amount", "rate"), RETIRED)
def test_retired_brackets(base: str, amount: str, rate: str) -> None:
    result = determine_dues("离退休", D(base))
    assert (result.amount, result.rate) == (D(amount), D(rate))


def test_cap_applies_unless_voluntary() -> None:
    capped = determine_dues("在职", D("60000"))
    assert capped.amount == MONTHLY_CAP and capped.capped and "1000" in capped.rule
    free = determine_dues("在职", D("60000"), voluntary=True)
    assert free.amount == D("1200.00") and not free.capped


def test_rate_printed_as_percent() -> None:
    assert [rate_text(determine_dues("在职", D(b)).rate) for b in ("3000", "3000.01", "5000.01", "10000.01")] == [
        "0.5%", "1%", "1.5%", "2%"]
    assert rate_text(None) == "定额"


@pytest.mark.parametrize("category", MINIMAL)
def test_minimal_categories_pay_twenty_fen(category: str) -> None:
    assert monthly_dues(category) == D("0.20")
    assert dues_rate(category) is None
    with pytest.raises(ValidationError, match="0.20"):
        monthly_dues(category, fixed_amount=D("0.50"))
    with pytest.raises(ValidationError, match="不填写计算基数"):
        monthly_dues(category, D("3000"))


@pytest.mark.parametrize(("amount", "ok"), [("0.19", False), ("0.20", True), ("0.55", True), ("1.00", True),
                                            ("1.01", False), ("0", False), ("-0.5", False)])
def test_farmer_fixed_amount_range(amount: str, ok: bool) -> None:
    if ok:
        assert monthly_dues("农民", fixed_amount=D(amount)) == D(amount)
    else:
        with pytest.raises(ValidationError) as info:
            monthly_dues("农民", fixed_amount=D(amount))
        assert info.value.field == "fixed_amount"


def test_farmer_needs_an_amount() -> None:
    with pytest.raises(ValidationError, match="0.20–1.00"):
        monthly_dues("农民")


@pytest.mark.parametrize(("amount", "expected"), [("0", "0.00"), ("5", "5.00"), ("1000", "1000.00")])
def test_hardship_approved_amount(amount: str, expected: str) -> None:
    assert monthly_dues("生活困难", fixed_amount=D(amount)) == D(expected)


def test_hardship_needs_an_amount_and_no_base() -> None:
    with pytest.raises(ValidationError):
        monthly_dues("生活困难")
    with pytest.raises(ValidationError):
        monthly_dues("生活困难", fixed_amount=D("1000.01"))


def test_every_roster_category_is_known() -> None:
    for category in CATEGORIES:
        kwargs = {"fixed_amount": D("0.50")} if category in ("农民", "生活困难") else {}
        base = D("4000") if category in (*BRACKETED, "离退休") else None
        assert monthly_dues(category, base, **kwargs) >= 0


@pytest.mark.parametrize("bad", ["-1", "abc", "3000.001", "", "1e3", "NaN"])
def test_bad_bases_are_refused_in_chinese(bad: str) -> None:
    with pytest.raises(ValidationError) as info:
        monthly_dues("在职", bad)
    assert info.value.field == "base"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)


def test_float_never_accepted() -> None:
    with pytest.raises(TypeError):
        monthly_dues("在职", 3000.5)  # type: ignore[arg-type]


def test_base_text_with_commas_and_yuan() -> None:
    assert to_money("3,000.50元") == D("3000.50")
    assert monthly_dues("在职", "10,000") == D("150.00")


def test_unknown_category_and_wrong_combinations() -> None:
    with pytest.raises(ValidationError, match="未知的人员类别"):
        monthly_dues("公务员", D("3000"))
    with pytest.raises(ValidationError, match="须填写计算基数"):
        monthly_dues("在职")
    with pytest.raises(ValidationError, match="不能填写定额"):
        monthly_dues("在职", D("3000"), fixed_amount=D("1"))


def test_rounding_settings() -> None:
    assert determine_dues("在职", D("3333.33"), rounding="half_up_fen").amount == D("33.33")
    assert determine_dues("在职", D("3355.00"), rounding="half_up_jiao").amount == D("33.60")
    assert determine_dues("离退休", D("3333.33"), rounding="down_fen").amount == D("16.66")


BRACKET_RANGES = [(D("0"), D("3000")), (D("3000.01"), D("5000")), (D("5000.01"), D("10000")), (D("10000.01"), D("200000"))]
cents = st.integers(min_value=0, max_value=20_000_000)


@given(cents, cents, st.sampled_from(BRACKETED))
def test_monotonic_within_a_bracket(a: int, b: int, category: str) -> None:
    x, y = sorted((D(a) / 100, D(b) / 100))
    for low, high in BRACKET_RANGES:
        if low <= x <= high and low <= y <= high:
            assert monthly_dues(category, x) <= monthly_dues(category, y)


@given(cents, st.sampled_from((*BRACKETED, "离退休")))
def test_never_above_the_cap_unless_voluntary(c: int, category: str) -> None:
    base = D(c) / 100
    amount = monthly_dues(category, base)
    assert D("0") <= amount <= MONTHLY_CAP
    assert amount == amount.quantize(D("0.01"))
    assert determine_dues(category, base, voluntary=True).amount >= amount


@given(cents, st.sampled_from(BRACKETED))
def test_amount_is_base_times_rate_half_up(c: int, category: str) -> None:
    base = D(c) / 100
    result = determine_dues(category, base, voluntary=True)
    exact = base * result.rate
    assert abs(result.amount - exact) <= D("0.005")


@pytest.mark.parametrize(("amount", "text"), [
    ("0", "零元整"), ("0.05", "伍分"), ("12.05", "壹拾贰元零伍分"), ("1234.50", "壹仟贰佰叁拾肆元伍角整"),
    ("10001", "壹万零壹元整"), ("1010", "壹仟零壹拾元整"), ("30", "叁拾元整"),
])
def test_rmb_upper(amount: str, text: str) -> None:
    assert rmb_upper(D(amount)) == text
