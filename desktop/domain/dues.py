"""Dues (党费) rules of domain.md §4: the monthly amount, months, payment allocation, arrears.

Pure: no I/O, no clock (callers pass `today`/the payment date). Money is `Decimal` yuan; a float
is refused, never converted."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

from desktop.domain.errors import ValidationError

# 人员类别 groups (the labels are desktop.domain.roster.CATEGORIES)
BRACKETED: tuple[str, ...] = ("在职", "年薪制", "个体")
RETIRED = "离退休"
FARMER = "农民"
MINIMAL: tuple[str, ...] = ("学生", "下岗失业", "依靠抚恤或救济生活", "低保")
HARDSHIP = "生活困难"
DUES_CATEGORIES: tuple[str, ...] = (*BRACKETED, RETIRED, FARMER, *MINIMAL, HARDSHIP)

# (inclusive upper bound of the base, rate); None = no upper bound. The whole base takes its
# bracket's rate: the amount jumps at each boundary (not progressive slices).
WORKING_BRACKETS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("3000"), Decimal("0.005")),
    (Decimal("5000"), Decimal("0.01")),
    (Decimal("10000"), Decimal("0.015")),
    (None, Decimal("0.02")),
)
RETIRED_BRACKETS: tuple[tuple[Decimal | None, Decimal], ...] = (
    (Decimal("5000"), Decimal("0.005")),
    (None, Decimal("0.01")),
)
MINIMAL_AMOUNT = Decimal("0.20")
FARMER_MIN = Decimal("0.20")
FARMER_MAX = Decimal("1.00")
MONTHLY_CAP = Decimal("1000.00")  # 2017通知: unless the member volunteers more
LARGE_PAYMENT = Decimal("1000.00")  # 大额党费: a one-off extra of ≥ 1000 yuan
DEFAULT_LIMIT_MONTHS = 6  # 补交/预交 generally cover ≤ 6 months
FEN = Decimal("0.01")

# Rounding [setting]: key -> (label, quantum, rounding mode). The amount is always stored in fen.
ROUNDINGS: dict[str, tuple[str, Decimal, str]] = {
    "half_up_fen": ("四舍五入到分", Decimal("0.01"), ROUND_HALF_UP),
    "half_up_jiao": ("四舍五入到角", Decimal("0.1"), ROUND_HALF_UP),
    "down_fen": ("舍去分以下尾数（截至分）", Decimal("0.01"), ROUND_DOWN),
}
DEFAULT_ROUNDING = "half_up_fen"
PAYMENT_METHODS: tuple[str, ...] = ("现金", "银行转账", "微信", "支付宝")


# -- money ---------------------------------------------------------------------------------------
def to_money(value: object, *, label: str = "金额", field: str | None = None, allow_negative: bool = False) -> Decimal:
    """A user's amount as Decimal yuan with at most two decimals. Text may carry 元/¥/thousands commas.
    A float is refused: money never passes through binary floating point."""
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass Decimal or text")
    if isinstance(value, bool) or value is None:
        raise ValidationError(f"请填写{label}", field=field)
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value)
    else:
        text = str(value).strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
        text = text.removesuffix("元").strip()
        if not text:
            raise ValidationError(f"请填写{label}", field=field)
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
            raise ValidationError(f"{label}“{value}”不是数字", field=field)
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(f"{label}“{value}”不是数字", field=field) from None
    if not amount.is_finite():
        raise ValidationError(f"{label}“{value}”不是数字", field=field)
    if amount < 0 and not allow_negative:
        raise ValidationError(f"{label}不能为负数（{amount}）", field=field)
    if amount != amount.quantize(FEN):
        raise ValidationError(f"{label}“{value}”精确到分即可（最多两位小数）", field=field)
    return amount.quantize(FEN)


def yuan(amount: Decimal | None) -> str:
    """Money as printed: 1234.50 (no separators, two decimals)."""
    return "" if amount is None else f"{amount.quantize(FEN):.2f}"


def rate_text(rate: Decimal | None) -> str:
    """0.015 -> "1.5%"; None -> "定额"."""
    if rate is None:
        return "定额"
    percent = (rate * 100).normalize()
    return f"{percent:f}%"


# -- the monthly amount --------------------------------------------------------------------------
@dataclass(frozen=True)
class DuesAmount:
    """The monthly amount and how it was found (printed on the ledger and shown in the dialog)."""

    amount: Decimal
    rate: Decimal | None  # None for fixed amounts (农民, 学生…, 生活困难)
    rule: str  # e.g. "在职：基数 3000.01–5000 元，按 1% 计" (Chinese, printed)
    capped: bool = False  # the 1000-yuan cap was applied

    @property
    def rate_label(self) -> str:
        return rate_text(self.rate)


def _bracket(base: Decimal, brackets: Sequence[tuple[Decimal | None, Decimal]]) -> tuple[Decimal | None, Decimal | None, Decimal]:
    lower: Decimal | None = None
    for upper, rate in brackets:
        if upper is None or base <= upper:
            return lower, upper, rate
        lower = upper
    raise AssertionError("brackets end with an open bracket")


def _bracket_text(lower: Decimal | None, upper: Decimal | None) -> str:
    if lower is None:
        return f"≤{upper:f}元"
    if upper is None:
        return f">{lower:f}元"
    return f">{lower:f}–{upper:f}元"


def determine_dues(category: str, base: object = None, *, fixed_amount: object = None, voluntary: bool = False,
                   rounding: str = DEFAULT_ROUNDING) -> DuesAmount:
    """The monthly dues (月应缴) for one member under domain.md §4, with the rate and rule used.

    `base` is the monthly base (计算基数) in yuan for 在职/年薪制/个体/离退休; `fixed_amount` the
    branch-set amount for 农民 (0.20–1.00) or the approved amount for 生活困难 (0 allowed).
    `voluntary`: the member volunteers to pay more than the 1000-yuan cap."""
    if category not in DUES_CATEGORIES:
        raise ValidationError(f"未知的人员类别“{category}”", field="category")
    if rounding not in ROUNDINGS:
        raise ValidationError(f"未知的舍入方式“{rounding}”", field="rounding")
    _, quantum, mode = ROUNDINGS[rounding]
    if category in BRACKETED or category == RETIRED:
        if fixed_amount is not None:
            raise ValidationError(f"人员类别“{category}”按基数计算党费，不能填写定额", field="fixed_amount")
        if base is None or (isinstance(base, str) and not base.strip()):
            raise ValidationError(f"人员类别“{category}”须填写计算基数", field="base")
        amount_base = to_money(base, label="计算基数", field="base")
        brackets = WORKING_BRACKETS if category in BRACKETED else RETIRED_BRACKETS
        lower, upper, rate = _bracket(amount_base, brackets)
        raw = (amount_base * rate).quantize(quantum, rounding=mode).quantize(FEN)
        rule = f"{category}：基数{_bracket_text(lower, upper)}，按{rate_text(rate)}计"
        if raw > MONTHLY_CAP and not voluntary:
            return DuesAmount(MONTHLY_CAP, rate, rule + f"，超过{MONTHLY_CAP:.0f}元按{MONTHLY_CAP:.0f}元", capped=True)
        if raw > MONTHLY_CAP:
            rule += "（本人自愿多交，不设上限）"
        return DuesAmount(raw, rate, rule)
    if base is not None and not (isinstance(base, str) and not base.strip()):
        raise ValidationError(f"人员类别“{category}”按定额缴纳，不填写计算基数", field="base")
    if category in MINIMAL:
        if fixed_amount is not None and to_money(fixed_amount, label="定额", field="fixed_amount") != MINIMAL_AMOUNT:
            raise ValidationError(f"人员类别“{category}”每月交纳党费0.20元，不能改为其他定额", field="fixed_amount")
        return DuesAmount(MINIMAL_AMOUNT, None, f"{category}：每月{MINIMAL_AMOUNT}元")
    if category == FARMER:
        if fixed_amount is None:
            raise ValidationError("农民党员须填写支部确定的每月定额（0.20–1.00元）", field="fixed_amount")
        amount = to_money(fixed_amount, label="农民党员每月定额", field="fixed_amount")
        if not FARMER_MIN <= amount <= FARMER_MAX:
            raise ValidationError(f"农民党员每月定额应在0.20至1.00元之间，而不是{amount}元", field="fixed_amount")
        return DuesAmount(amount, None, f"农民：支部确定每月{amount}元（0.20–1.00元）")
    # 生活困难: reduced or zero, approved (the approval reference is kept with the determination)
    if fixed_amount is None:
        raise ValidationError("生活困难党员须填写经批准的每月交纳额（可为0）", field="fixed_amount")
    amount = to_money(fixed_amount, label="经批准的每月交纳额", field="fixed_amount")
    if amount > MONTHLY_CAP:
        raise ValidationError(f"生活困难党员的每月交纳额{amount}元超过上限{MONTHLY_CAP:.0f}元", field="fixed_amount")
    return DuesAmount(amount, None, f"生活困难：经批准{'免交' if amount == 0 else f'每月{amount}元'}")


def monthly_dues(category: str, base: object = None, *, fixed_amount: object = None) -> Decimal:
    """Monthly dues (党费) in yuan, half-up to the fen. See `determine_dues` for the rate used."""
    return determine_dues(category, base, fixed_amount=fixed_amount).amount


def dues_rate(category: str, base: object = None) -> Decimal | None:
    """The rate the whole base takes (None for fixed-amount categories)."""
    if category in BRACKETED or category == RETIRED:
        return determine_dues(category, base).rate
    if category not in DUES_CATEGORIES:
        raise ValidationError(f"未知的人员类别“{category}”", field="category")
    return None


def rules_text(farmer_amount: Decimal | None, rounding: str = DEFAULT_ROUNDING) -> str:
    """The rules as printed at the foot of the ledger."""
    farmer = f"每月{farmer_amount}元（支部确定）" if farmer_amount is not None else "每月0.20–1.00元（支部确定）"
    return (
        "计算规则（中组发〔2008〕3号、组电明字〔2017〕5号）：在职、年薪制、个体按月计算基数 ≤3000元 0.5%，"
        ">3000–5000元 1%，>5000–10000元 1.5%，>10000元 2%；离退休按月养老金 ≤5000元 0.5%，>5000元 1%；"
        "各档上限含本数，整个基数适用所在档比例。农民" + farmer + "；学生、下岗失业、依靠抚恤或救济生活、低保每月0.20元；"
        f"生活困难经批准减免。每月党费超过1000元的按1000元交纳（本人自愿多交的除外）；一次性自愿多交1000元以上为大额党费，"
        f"单独列示、全额上缴。舍入方式：{ROUNDINGS[rounding][0]}。"
    )


# -- months --------------------------------------------------------------------------------------
@dataclass(frozen=True, order=True)
class Month:
    """A calendar month (for dues periods)."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValidationError(f"月份应为1至12，而不是{self.month}", field="month")

    @classmethod
    def of(cls, day: dt.date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def from_index(cls, index: int) -> Month:
        month = _MONTHS.get(index)
        if month is None:
            year, month0 = divmod(index, 12)
            month = _MONTHS[index] = cls(year, month0 + 1)
        return month

    @classmethod
    def parse(cls, text: str) -> Month:
        """"2026-03", "2026.3", "2026年3月"."""
        match = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*", text or "")
        if not match:
            raise ValidationError(f"无法识别的月份“{text}”（应写作 2026-03 或 2026年3月）", field="month")
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    def __add__(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def __sub__(self, other: Month) -> int:
        return self.index - other.index

    @cached_property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @cached_property
    def last_day(self) -> dt.date:
        return (self + 1).first_day - dt.timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month:02d}月"


_MONTHS: dict[int, Month] = {}  # months are immutable: one instance per index


def month_range(first: Month, last: Month) -> list[Month]:
    return [Month.from_index(i) for i in range(first.index, last.index + 1)]


def months_text(months: Iterable[Month]) -> str:
    """Runs of consecutive months: "2026-01至2026-03、2026-05"."""
    ordered = sorted(set(months))
    parts: list[str] = []
    start = prev = None
    for month in ordered:
        if start is None:
            start = prev = month
        elif month - prev == 1:  # type: ignore[operator]
            prev = month
        else:
            parts.append(str(start) if start == prev else f"{start}至{prev}")
            start = prev = month
    if start is not None:
        parts.append(str(start) if start == prev else f"{start}至{prev}")
    return "、".join(parts)


# -- payment allocation --------------------------------------------------------------------------
@dataclass(frozen=True)
class MonthDue:
    """One month a member owes: the amount due and what earlier payments already covered."""

    month: Month
    due: Decimal
    paid: Decimal = Decimal("0.00")

    @property
    def remaining(self) -> Decimal:
        return max(self.due - self.paid, Decimal("0.00"))


@dataclass(frozen=True)
class AllocationLine:
    month: Month
    due: Decimal
    applied: Decimal

    @property
    def short(self) -> Decimal:
        return self.due - self.applied


@dataclass(frozen=True)
class Allocation:
    """How one payment is split: months' dues, voluntary extra (自愿多交), 大额党费, shortfall."""

    amount: Decimal
    lines: tuple[AllocationLine, ...]
    voluntary: Decimal
    large: Decimal
    shortfall: Decimal  # remaining arrears of the covered months after this payment

    @property
    def regular(self) -> Decimal:
        return sum((line.applied for line in self.lines), Decimal("0.00"))

    @property
    def explanation(self) -> str:
        """The Chinese note printed on the receipt and the ledger when the payment does not match."""
        notes = []
        if self.large:
            notes.append(f"一次性自愿多交{yuan(self.large)}元，列为大额党费（全额上缴）")
        if self.voluntary:
            notes.append(f"自愿多交{yuan(self.voluntary)}元")
        if self.shortfall:
            owing = [line for line in self.lines if line.short > 0]
            notes.append(f"不足应缴，{months_text(line.month for line in owing)}尚欠{yuan(self.shortfall)}元")
        return "；".join(notes)


def allocate_payment(amount: Decimal, covered: Sequence[MonthDue]) -> Allocation:
    """Apply `amount` to the covered months oldest first; the surplus is voluntary extra (or 大额党费
    when it reaches 1000 yuan), a deficit leaves the remaining arrears on the latest months."""
    amount = to_money(amount, label="缴纳金额", field="amount")
    ordered = sorted(covered, key=lambda d: d.month)
    months = [d.month for d in ordered]
    if len(set(months)) != len(months):
        raise ValidationError("同一月份选择了两次", field="months")
    left = amount
    lines = []
    shortfall = Decimal("0.00")
    for due in ordered:
        applied = min(left, due.remaining)
        left -= applied
        shortfall += due.remaining - applied
        lines.append(AllocationLine(due.month, due.remaining, applied))
    extra = left
    large = extra if extra >= LARGE_PAYMENT else Decimal("0.00")
    voluntary = extra - large
    return Allocation(amount, tuple(lines), voluntary.quantize(FEN), large.quantize(FEN), shortfall.quantize(FEN))


def coverage_problem(paid_on: dt.date, months: Sequence[Month], *, limit: int = DEFAULT_LIMIT_MONTHS) -> str | None:
    """The Chinese reason a payment's months break the ≤ `limit` months 补交/预交 rule, or None."""
    current = Month.of(paid_on)
    ahead = [m for m in months if m > current]
    behind = [m for m in months if m < current]
    if len(ahead) > limit:
        return f"预交{len(ahead)}个月（{months_text(ahead)}），超过一般不超过{limit}个月的规定"
    if len(behind) > limit:
        return f"补交{len(behind)}个月（{months_text(behind)}），超过一般不超过{limit}个月的规定"
    if ahead and ahead[-1] - current > limit:
        return f"预交至{max(ahead)}，超出缴纳月份{limit}个月以上"
    if behind and current - min(behind) > limit:
        return f"补交{min(behind)}的党费，早于缴纳月份{limit}个月以上"
    return None


# -- balances ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Standing:
    """A member's dues position on a day: paid-up-to month, arrears, advance, unpaid run."""

    paid_up_to: Month | None  # every due month up to and including this one is paid
    arrears: Decimal  # unpaid dues of months before the current month
    arrears_months: tuple[Month, ...]
    advance: Decimal  # paid for months after the current month
    consecutive_unpaid: int  # unpaid months in a row ending with the month before the current one


def standing(dues: Sequence[MonthDue], today: dt.date) -> Standing:
    """Read a member's dues months (each due month with what was paid) as of `today`."""
    current = Month.of(today)
    ordered = sorted(dues, key=lambda d: d.month)
    paid_up_to: Month | None = None
    for due in ordered:
        if due.remaining > 0:
            break
        paid_up_to = due.month
    overdue = [d for d in ordered if d.month < current and d.remaining > 0]
    arrears = sum((d.remaining for d in overdue), Decimal("0.00"))
    advance = sum((d.paid for d in ordered if d.month > current), Decimal("0.00"))
    run = 0
    past = [d for d in ordered if d.month < current]
    expected = current + -1
    for due in reversed(past):
        if due.month != expected or due.remaining <= 0:
            break
        run += 1
        expected = expected + -1
    return Standing(paid_up_to, arrears, tuple(d.month for d in overdue), advance, run)


def standing_over(runs: Sequence[tuple[int, int, Decimal]], paid: Mapping[int, Decimal], today: dt.date) -> Standing:
    """`standing` of a member's whole history without building a `MonthDue` per month: `runs` are
    the due months as (first month index, last month index, amount due each month), in month order
    and not overlapping; `paid` maps a month index to what was paid for it. The result is the same
    as `standing` of every month of every run with its amount and payment."""
    zero = Decimal("0.00")
    current = Month.of(today).index
    paid_up_to: int | None = None
    blocked = False
    overdue: list[int] = []
    arrears = zero
    advance = zero
    previous: int | None = None  # the latest due month before the current one
    streak = 0  # unpaid due months in a row ending with `previous`
    for first, last, due in runs:
        for index in range(first, last + 1):
            got = paid.get(index, zero)
            unpaid = due > got  # remaining (due - paid, at least 0) > 0
            if not blocked:
                if unpaid:
                    blocked = True
                else:
                    paid_up_to = index
            if index < current:
                if unpaid:
                    overdue.append(index)
                    arrears += due - got
                    streak = streak + 1 if previous == index - 1 else 1
                else:
                    streak = 0
                previous = index
            elif index > current:
                advance += got
    run = streak if previous == current - 1 else 0
    return Standing(Month.from_index(paid_up_to) if paid_up_to is not None else None, arrears,
                    tuple(Month.from_index(i) for i in overdue), advance, run)


# -- receipts ------------------------------------------------------------------------------------
def receipt_number(year: int, sequence: int) -> str:
    """The generated receipt number: 2026-0001 (numbered per year)."""
    return f"{year}-{sequence:04d}"


def next_receipt_number(year: int, existing: Iterable[str]) -> str:
    """One more than the highest generated number of `year` among `existing`."""
    pattern = re.compile(rf"^{year}-(\d+)$")
    highest = 0
    for number in existing:
        match = pattern.match(number or "")
        if match:
            highest = max(highest, int(match.group(1)))
    return receipt_number(year, highest + 1)


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "兆")


def rmb_upper(amount: Decimal) -> str:
    """人民币大写 as on a receipt: 1234.50 -> 壹仟贰佰叁拾肆元伍角整."""
    amount = to_money(amount, label="金额")
    fen_total = int(amount * 100)
    whole, cents = divmod(fen_total, 100)
    jiao, fen = divmod(cents, 10)
    if fen_total == 0:
        return "零元整"
    text = ""
    if whole:
        groups = []
        n = whole
        while n:
            groups.append(n % 10000)
            n //= 10000
        parts = []
        zero_pending = False
        for gi in range(len(groups) - 1, -1, -1):
            g = groups[gi]
            if g == 0:
                zero_pending = bool(parts)
                continue
            chunk = ""
            digits = [g // 1000 % 10, g // 100 % 10, g // 10 % 10, g % 10]
            started = False
            for di, d in enumerate(digits):
                if d == 0:
                    if started or parts:
                        zero_pending = True
                    continue
                if zero_pending and (started or parts):
                    chunk += "零"
                zero_pending = False
                chunk += _DIGITS[d] + _UNITS[3 - di]
                started = True
            parts.append(chunk + _GROUPS[gi])
        text = "".join(parts) + "元"
    if jiao == 0 and fen == 0:
        return text + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif whole:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    else:
        text += "整"
    return text
