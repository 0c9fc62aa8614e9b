"""公民身份号码 (GB 11643) and the date formats of Chinese spreadsheets."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.domain.dates import parse_date
from desktop.domain.errors import ValidationError
from desktop.domain.idnumber import agreement_problems, check_digit, mask, normalize, parse_id_number

births = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2026, 12, 31))
areas = st.from_regex(r"[1-8][0-9]{5}", fullmatch=True)
sequences = st.integers(min_value=0, max_value=999)


def build_id(area: str, birth: dt.date, seq: int) -> str:
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_digit(first17)


@given(areas, births, sequences)
def test_generated_ids_pass_and_encode_birth_and_sex(area: str, birth: dt.date, seq: int) -> None:
    number = build_id(area, birth, seq)
    info = parse_id_number(number)
    assert info.birth_date == birth
    assert info.sex == ("男" if seq % 2 else "女")
    assert agreement_problems(info, birth_date=birth, sex=info.sex) == []


@given(areas, births, sequences, st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=10))
def test_any_single_changed_character_fails(area: str, birth: dt.date, seq: int, position: int, shift: int) -> None:
    number = build_id(area, birth, seq)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    original = alphabet.index(number[position])
    changed = alphabet[(original + shift) % len(alphabet)]
    if changed == number[position]:
        return
    wrong = number[:position] + changed + number[position + 1:]
    with pytest.raises(ValidationError):
        parse_id_number(wrong)


@given(areas, births, sequences)
def test_lowercase_x_fullwidth_and_spaces_are_normalised(area: str, birth: dt.date, seq: int) -> None:
    number = build_id(area, birth, seq)
    messy = " " + number.replace("X", "x").translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "\t"
    assert normalize(messy) == number
    assert parse_id_number(messy).number == number


def test_wrong_length_and_letters_and_old_15_digit_ids() -> None:
    with pytest.raises(ValidationError, match="18位"):
        parse_id_number("11010519900101123")
    with pytest.raises(ValidationError, match="15位"):
        parse_id_number("110105900101123")
    with pytest.raises(ValidationError, match="数字"):
        parse_id_number("11010519900101A234")


def test_impossible_birth_date_in_id_is_refused() -> None:
    first17 = "11010519900230123"  # 30 February
    with pytest.raises(ValidationError, match="出生日期不存在"):
        parse_id_number(first17 + check_digit(first17))


def test_disagreeing_birth_date_and_sex_are_named() -> None:
    info = parse_id_number(build_id("110105", dt.date(1990, 1, 1), 123))
    problems = agreement_problems(info, birth_date=dt.date(1990, 1, 2), sex="女")
    assert len(problems) == 2 and "1990-01-01" in problems[0] and "男" in problems[1]


def test_mask() -> None:
    assert mask("110105199001011234") == "110105********1234"
    assert mask("") == "" and mask(None) == "" and mask("12345") == "*****"


# -- dates ----------------------------------------------------------------------------------------

@given(births)
def test_every_written_format_reads_back_the_same_date(day: dt.date) -> None:
    written = [
        day.isoformat(), f"{day.year}/{day.month}/{day.day}", f"{day.year}.{day.month:02d}.{day.day:02d}",
        f"{day.year}年{day.month}月{day.day}日", f"{day:%Y%m%d}", f"{day.isoformat()} 00:00:00",
        dt.datetime(day.year, day.month, day.day, 8, 30), day,
    ]
    for value in written:
        parsed = parse_date(value)
        assert parsed is not None and parsed.value == day and not parsed.month_only, value


@given(st.dates(min_value=dt.date(1906, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_excel_serials(day: dt.date) -> None:
    # serials 1900–2100 (dates in 1905) are read as a bare year and refused: no roster date is that old
    serial = (day - dt.date(1899, 12, 30)).days
    assert parse_date(serial).value == day  # type: ignore[union-attr]
    assert parse_date(float(serial) + 0.75).value == day  # type: ignore[union-attr]  # a time of day
    assert parse_date(str(serial)).value == day  # type: ignore[union-attr]


@given(st.integers(min_value=1900, max_value=2100), st.integers(min_value=1, max_value=12))
def test_month_only(year: int, month: int) -> None:
    for value in (f"{year}.{month:02d}", f"{year}.{month}", f"{year}-{month}", f"{year}年{month}月"):
        parsed = parse_date(value)
        assert parsed == parse_date(f"{year}-{month}-01").__class__(dt.date(year, month, 1), month_only=True), value


@given(st.integers(min_value=1900, max_value=2100), st.sampled_from([2, 3, 4, 5, 6, 7, 8, 9, 11, 12]))
def test_month_typed_into_excel_as_a_number(year: int, month: int) -> None:
    # Excel turns a typed 2020.07 into the number 2020.07, and 2020.10 into 2020.1
    value = float(f"{year}.{month:02d}")
    parsed = parse_date(value)
    assert parsed is not None and parsed.value == dt.date(year, month, 1) and parsed.month_only


def test_number_ending_in_point_one_is_ambiguous() -> None:
    with pytest.raises(ValidationError, match="歧义"):
        parse_date(2020.1)


@pytest.mark.parametrize("value", ["2020-02-30", "2021-02-29", "2020-13-01", "2020.00", "2020年4月31日", "20200231"])
def test_impossible_dates_are_refused(value: str) -> None:
    with pytest.raises(ValidationError, match=value):
        parse_date(value)


@pytest.mark.parametrize("value", ["明年", "07/01/2020", "2020", 2020, "1.5", 0, 3_000_000])
def test_unreadable_values_are_refused(value: object) -> None:
    with pytest.raises(ValidationError):
        parse_date(value)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_is_none(value: object) -> None:
    assert parse_date(value) is None


def test_leap_day() -> None:
    assert parse_date("2020年2月29日").value == dt.date(2020, 2, 29)  # type: ignore[union-attr]
