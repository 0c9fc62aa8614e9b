"""The values the dues service returns (党费 DTOs): frozen dataclasses, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from desktop.domain.dues import DEFAULT_LIMIT_MONTHS, DEFAULT_ROUNDING, ROUNDINGS, Month, months_text, rate_text

ZERO = Decimal("0.00")


# -- DTOs ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DuesSettings:
    rounding: str = DEFAULT_ROUNDING
    farmer_amount: Decimal = Decimal("0.20")
    limit_months: int = DEFAULT_LIMIT_MONTHS
    default_collector: str = ""
    recipient: str = ""  # 上级党组织 receiving remittances

    @property
    def rounding_label(self) -> str:
        return ROUNDINGS[self.rounding][0]


@dataclass(frozen=True)
class DeterminationDto:
    id: int
    member_id: int
    member_name: str
    year: int
    from_month: int
    category: str
    base: Decimal | None
    fixed_amount: Decimal | None
    voluntary: bool
    amount: Decimal
    rate: Decimal | None
    rule: str
    rounding: str
    approval_ref: str | None
    is_change: bool
    reason: str | None
    determined_by: str
    determined_on: dt.date

    @property
    def rate_label(self) -> str:
        return rate_text(self.rate)


@dataclass(frozen=True)
class PaymentMonthDto:
    month: Month
    due: Decimal
    applied: Decimal


@dataclass(frozen=True)
class PaymentDto:
    id: int
    member_id: int
    member_name: str
    paid_on: dt.date
    amount: Decimal
    regular: Decimal
    voluntary: Decimal
    large: Decimal
    method: str
    collector: str
    receipt_number: str
    months: tuple[PaymentMonthDto, ...]
    explanation: str | None
    override_reason: str | None
    note: str | None

    @property
    def months_label(self) -> str:
        return months_text(m.month for m in self.months) or "（无，自愿交纳）"


@dataclass(frozen=True)
class RemittanceDto:
    id: int
    remitted_on: dt.date
    period_from: Month
    period_to: Month
    amount: Decimal
    large: Decimal
    receipt_number: str
    recipient: str | None
    note: str | None

    @property
    def period_label(self) -> str:
        return str(self.period_from) if self.period_from == self.period_to else f"{self.period_from}至{self.period_to}"


# Cell states of the year's grid; the UI shows text and colour, never colour alone.
STATE_TEXT: dict[str, str] = {
    "out": "—", "undetermined": "未核定", "paid": "已缴", "exempt": "免交", "partial": "部分",
    "overdue": "欠缴", "due": "待缴", "future": "", "advance": "预交",
}


@dataclass(frozen=True)
class MonthCell:
    month: int
    state: str  # a key of STATE_TEXT
    due: Decimal | None  # None: not in the branch / not determined
    paid: Decimal
    paid_on: dt.date | None  # the latest payment applied to this month
    collector: str | None
    provisional: bool = False  # no determination for the year: last year's amount carried on

    @property
    def text(self) -> str:
        return STATE_TEXT[self.state]


@dataclass(frozen=True)
class MemberYearRow:
    """One member's line of the year's grid and of the dues ledger."""

    member_id: int
    name: str
    category: str
    base: Decimal | None
    rate_label: str
    monthly: Decimal | None  # 月应缴 of the first determination in force this year
    cells: tuple[MonthCell, ...]  # 12, January first
    year_due: Decimal
    year_paid: Decimal
    arrears: Decimal  # unpaid dues of this year's months before the current month
    paid_up_to: Month | None
    consecutive_unpaid: int
    voluntary: Decimal
    large: Decimal
    note: str  # mid-year changes, transfers, 生活困难 approvals, payments' explanations

    @property
    def in_arrears(self) -> bool:
        return self.arrears > 0


@dataclass(frozen=True)
class MemberStanding:
    member_id: int
    name: str
    paid_up_to: Month | None
    arrears: Decimal
    arrears_months: tuple[Month, ...]
    advance: Decimal
    consecutive_unpaid: int


@dataclass(frozen=True)
class DuesYearFigures:
    """The year's dues figures (for the 述职 report): all Decimal yuan."""

    year: int
    due: Decimal  # 全年应缴 (months of the year, members in the branch)
    paid: Decimal  # 全年实缴 applied to the year's months
    arrears: Decimal  # unpaid dues of the year's months already past
    remitted: Decimal  # 上缴 during the year
    voluntary: Decimal  # 自愿多交 received during the year
    large: Decimal  # 大额党费 received during the year
    collected: Decimal  # everything received during the year (by payment date)
    collected_by_month: dict[int, Decimal] = field(default_factory=dict)  # 1..12 -> received that month
    members_due: int = 0
    members_in_arrears: int = 0

    @property
    def paid_rate(self) -> Decimal | None:
        return (self.paid / self.due * 100).quantize(Decimal("0.1")) if self.due else None


@dataclass(frozen=True)
class DuesBalance:
    collected: Decimal
    remitted: Decimal
    large_collected: Decimal
    large_remitted: Decimal

    @property
    def balance(self) -> Decimal:
        """留存: what the branch still holds."""
        return self.collected - self.remitted


@dataclass(frozen=True)
class DuesLedgerData:
    """Everything the dues ledger prints (the renderer takes no database)."""

    branch_name: str
    year: int
    printed_on: dt.date
    rows: tuple[MemberYearRow, ...]
    remittances: tuple[RemittanceDto, ...]
    figures: DuesYearFigures
    balance: DuesBalance
    settings: DuesSettings
    rules: str
    records: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class MemberYearTotals:
    """One member's totals of the year (as on their `MemberYearRow`), without the month cells and
    the standing: what the 述职 figures list."""

    member_id: int
    name: str
    year_due: Decimal
    year_paid: Decimal
    arrears: Decimal

    @property
    def in_arrears(self) -> bool:
        return self.arrears > 0


@dataclass(frozen=True)
class DuesYearReport:
    """A year's member totals, figures, remittances and payments (received in the year or touching
    its months), read together: what the annual 述职 figures show of dues."""

    year: int
    rows: tuple[MemberYearTotals, ...]
    figures: DuesYearFigures
    remittances: tuple[RemittanceDto, ...]
    payments: tuple[PaymentDto, ...]


