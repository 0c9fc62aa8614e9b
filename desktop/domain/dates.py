"""Dates as Chinese spreadsheets write them, and working-day arithmetic."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from desktop.domain.errors import ValidationError

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


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
        return ParsedDate(_from_serial(float(raw)))
    text = str(raw).strip()
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
        return ParsedDate(_from_serial(float(text)))
    raise ValidationError(f"无法识别的日期：{text}（可写作 2020-07-01、2020年7月1日 或 2020.07）")


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
