"""Dates as Chinese spreadsheets write them, and working-day arithmetic."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

from desktop.domain.errors import ValidationError

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TIME_SUFFIX = re.compile(r"[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")  # "2020-07-01 00:00:00" from CSV exports


@dataclass(frozen=True)
class ParsedDate:
    value: dt.date
    month_only: bool = False  # "2020.07": the day is unknown and stored as the 1st


def parse_date(raw: object) -> ParsedDate | None:
    """Parse 2020-07-01, 2020/7/1, 2020.07.01, 2020年7月1日, 20200701, 2020.07 (month only),
    an Excel serial number, or a date/datetime. Empty gives None; anything else raises ValidationError."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return ParsedDate(raw.date())
    if isinstance(raw, dt.date):
        return ParsedDate(raw)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _from_number(raw)
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    text = _TIME_SUFFIX.sub("", text)
    if not text:
        return None
    for pattern, month_only in ((_FULL, False), (_COMPACT, False), (_MONTH, True)):
        match = pattern.match(text)
        if match:
            parts = [int(p) for p in match.groups()]
            day = 1 if month_only else parts[2]
            try:
                return ParsedDate(dt.date(parts[0], parts[1], day), month_only=month_only)
            except ValueError:
                raise ValidationError(f"日期不存在：{text}") from None
    if re.fullmatch(r"\d{4,5}(\.\d+)?", text):
        if 1900 <= float(text) < 2101:
            raise ValidationError(f"日期“{text}”只有年份：请写出年月，如 {text[:4]}.07")
        return ParsedDate(_from_serial(float(text)))
    raise ValidationError(f"无法识别的日期：{text}（可写作 2020-07-01、2020年7月1日 或 2020.07）")


def _from_number(value: float) -> ParsedDate:
    """A number from a spreadsheet cell: an Excel serial, 20200701, or what Excel made of a typed
    "2020.07" (the number 2020.07; "2020.10" arrives as 2020.1, so a lone .1 is ambiguous)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationError(f"无法识别的日期：{value}")
    if isinstance(value, float) and 1900 <= value < 2101 and value != int(value):
        year = int(value)
        fraction = round((value - year) * 100, 6)
        if fraction == 10:
            raise ValidationError(f"日期“{value:g}”有歧义（{year}年1月还是10月？）：请在单元格中写作文本，如 {year}-10")
        if fraction != int(fraction):
            month = 0
        elif fraction % 10 == 0:  # one decimal: 2020.2 is February (typed "2020.2" or "2020.20")
            month = int(fraction) // 10
        else:
            month = int(fraction)
        if not 1 <= month <= 12:
            raise ValidationError(f"无法识别的日期：{value:g}")
        return ParsedDate(dt.date(year, month, 1), month_only=True)
    if value == int(value) and 1900 <= value < 2101:
        raise ValidationError(f"日期“{int(value)}”只有年份：请写出年月，如 {int(value)}.07")
    if value == int(value) and 19000101 <= value <= 21001231:
        return parse_date(str(int(value)))  # type: ignore[return-value]
    return ParsedDate(_from_serial(float(value)))


def _from_serial(serial: float) -> dt.date:
    if not 1 <= serial < 2958466:
        raise ValidationError(f"无法识别的日期序号：{serial:g}")
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date `days` working days (Mon–Fri) after `start`. Public holidays are not modelled."""
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later, clamped to the month's end (Jan 31 + 1 month = Feb 28/29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def age_on(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
