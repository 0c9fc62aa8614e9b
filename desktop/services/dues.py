"""Dues use cases (党费): yearly determination, payments and receipts, arrears, remittance, the ledger.

What a member owes for a month is read from three things: whether they were in the branch that
month (their dated history: probationary members from the month of admission, transfers in and
out), the determination (年度核定) in force for the month, and the months a 转入 letter says were
already paid elsewhere (党费交至). Each user action is one unit of work."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from sqlalchemy import Integer, func, select, type_coerce
from sqlalchemy.orm import Session

from desktop.domain.dues import (
    DEFAULT_LIMIT_MONTHS,
    DEFAULT_ROUNDING,
    FARMER,
    FARMER_MAX,
    FARMER_MIN,
    HARDSHIP,
    PAYMENT_METHODS,
    ROUNDINGS,
    Month,
    MonthDue,
    allocate_payment,
    coverage_problem,
    determine_dues,
    month_range,
    next_receipt_number,
    rate_text,
    rules_text,
    standing,
    standing_over,
    to_money,
    yuan,
)
from desktop.domain.errors import NotFoundError, ValidationError
from desktop.domain.roster import Change, is_member_on
from desktop.services.bundle import HomeItem
from desktop.services.context import LedgerContext
from desktop.services.dues_types import ZERO
from desktop.services.dues_types import (  # noqa: F401 - re-exported: callers import them from here
    DuesSettings,
    DeterminationDto,
    PaymentMonthDto,
    PaymentDto,
    RemittanceDto,
    MonthCell,
    MemberYearRow,
    MemberStanding,
    DuesYearFigures,
    DuesBalance,
    DuesLedgerData,
    MemberYearTotals,
    DuesYearReport,
)
from desktop.services.rendered import RenderedLedger
from desktop.storage.base import Fen
from desktop.storage.models import MemberChangeRecord, MemberRecord, SettingRecord, TransferRecord
from desktop.storage.models.dues import (
    DuesDeterminationRecord,
    DuesPaymentMonthRecord,
    DuesPaymentRecord,
    DuesRemittanceRecord,
)

SETTING_DEFAULTS: dict[str, str] = {
    "dues.rounding": DEFAULT_ROUNDING,
    "dues.farmer_amount": "0.20",
    "dues.limit_months": str(DEFAULT_LIMIT_MONTHS),
    "dues.default_collector": "",
    "dues.recipient": "",
}


# -- reading a member's months -------------------------------------------------------------------
@dataclass
class _MemberFacts:
    record: _Person
    changes: list[Change]
    paid_elsewhere_to: Month | None  # from the latest 转入 letter
    segments: list[tuple[dt.date, bool]] = field(default_factory=list)  # (from day, a member from then on)

    def __post_init__(self) -> None:
        # membership changes only on the days a stage or status change takes effect
        days = sorted({c.effective for c in self.changes if c.attribute in ("stage", "status")})
        self.segments = [(day, is_member_on(self.changes, day)) for day in days]

    def member_during(self, first: dt.date, last: dt.date) -> bool:
        """A member of the branch on at least one day from `first` to `last`."""
        state = False
        for day, member in self.segments:
            if day > last:
                break
            if day <= first:
                state = member
            elif member:
                return True
        return state


@dataclass
class _MonthState:
    due: Decimal | None
    provisional: bool
    determination_id: int | None


@dataclass(frozen=True)
class _Transfer:
    transfer_date: dt.date
    direction: str
    dues_paid_to: str | None


@dataclass
class _Person:
    """The few member columns the dues rules read (plain rows: no ORM objects to build)."""

    id: int
    name: str
    category: str
    transfers: list[_Transfer] = field(default_factory=list)


def _member_facts(session: Session, member_ids: Sequence[int] | None = None) -> list[_MemberFacts]:
    people_q = select(MemberRecord.id, MemberRecord.name, MemberRecord.category)
    changes_q = select(MemberChangeRecord.member_id, MemberChangeRecord.attribute, MemberChangeRecord.value,
                       MemberChangeRecord.effective_on).where(MemberChangeRecord.attribute.in_(("stage", "status")))
    transfers_q = select(TransferRecord.member_id, TransferRecord.transfer_date, TransferRecord.direction,
                         TransferRecord.dues_paid_to)
    if member_ids is not None:
        people_q = people_q.where(MemberRecord.id.in_(member_ids))
        changes_q = changes_q.where(MemberChangeRecord.member_id.in_(member_ids))
        transfers_q = transfers_q.where(TransferRecord.member_id.in_(member_ids))
    people = {i: _Person(i, name, category) for i, name, category in session.execute(people_q.order_by(MemberRecord.id))}
    changes: dict[int, list[Change]] = defaultdict(list)
    for member_id, attribute, value, effective in session.execute(changes_q):
        changes[member_id].append(Change(attribute, value, effective))
    for member_id, day, direction, paid_to in session.execute(transfers_q.order_by(TransferRecord.transfer_date)):
        if member_id in people:
            people[member_id].transfers.append(_Transfer(day, direction, paid_to))
    facts = []
    for person in people.values():
        paid_to = None
        for transfer in person.transfers:
            if transfer.direction == "转入" and transfer.dues_paid_to:
                try:
                    paid_to = Month.parse(transfer.dues_paid_to)
                except ValidationError:
                    paid_to = None
        facts.append(_MemberFacts(person, changes.get(person.id, []), paid_to))  # type: ignore[arg-type]
    return facts


def _in_branch(facts: _MemberFacts, month: Month) -> bool:
    """A member owes dues here for a month they belonged to the branch on any day of it."""
    return facts.member_during(month.first_day, month.last_day)


class _Yuan:
    """Money read as stored (integer fen, `type_coerce(column, Integer)`) made into the same Decimal
    yuan as the Fen column type gives, once per distinct amount (for one read of many rows)."""

    def __init__(self) -> None:
        self._made: dict[int | None, Decimal | None] = {}

    def __call__(self, fen: int | None) -> Decimal | None:
        try:
            return self._made[fen]
        except KeyError:
            value = self._made[fen] = Fen().process_result_value(fen, None)
            return value


def _fen(column):  # type: ignore[no-untyped-def]
    return type_coerce(column, Integer)


class _DeterminationRow(NamedTuple):
    """The columns of a determination the dues rules read (named as on the record)."""

    id: int
    member_id: int
    year: int
    from_month: int
    category: str
    base: Decimal | None
    amount: Decimal
    rate: str | None
    approval_ref: str | None
    is_change: bool
    reason: str | None


def _determination_rows(session: Session, member_ids: Sequence[int] | None = None,
                        up_to_year: int | None = None) -> list[_DeterminationRow]:
    """The determinations as plain rows (no record objects), of `member_ids` and years to `up_to_year`."""
    d = DuesDeterminationRecord
    query = select(d.id, d.member_id, d.year, d.from_month, d.category, _fen(d.base), _fen(d.amount), d.rate,
                   d.approval_ref, d.is_change, d.reason)
    if member_ids is not None:
        query = query.where(d.member_id.in_(member_ids))
    if up_to_year is not None:
        query = query.where(d.year <= up_to_year)
    yuan_of = _Yuan()
    return [_DeterminationRow(i, member_id, year, from_month, category, yuan_of(base), yuan_of(amount), rate,
                              approval_ref, is_change, reason)  # type: ignore[arg-type]
            for i, member_id, year, from_month, category, base, amount, rate, approval_ref, is_change, reason
            in session.execute(query)]


class _Determinations:
    """The determinations of many members, to find the one in force for a month."""

    def __init__(self, records: Sequence[DuesDeterminationRecord] | Sequence[_DeterminationRow]) -> None:
        self.by_member: dict[int, list[DuesDeterminationRecord]] = defaultdict(list)
        for record in sorted(records, key=lambda r: (r.year, r.from_month, r.id)):
            self.by_member[record.member_id].append(record)
        # each member's start months as month indexes, in the same (non-decreasing) order
        self.starts: dict[int, list[int]] = {
            member_id: [r.year * 12 + r.from_month - 1 for r in records] for member_id, records in self.by_member.items()}

    def in_force(self, member_id: int, month: Month) -> tuple[DuesDeterminationRecord | None, bool]:
        """(determination, provisional): the latest one starting on or before `month`; provisional when
        it belongs to an earlier year (the year has not been determined yet)."""
        starts = self.starts.get(member_id)
        position = bisect_right(starts, month.index) if starts else 0
        if position == 0:
            return None, False
        best = self.by_member[member_id][position - 1]
        return best, best.year != month.year


def _month_states(facts: _MemberFacts, dets: _Determinations, months: Sequence[Month]) -> dict[Month, _MonthState]:
    states = {}
    for month in months:
        if not _in_branch(facts, month) or (facts.paid_elsewhere_to and month <= facts.paid_elsewhere_to):
            states[month] = _MonthState(None, False, None)
            continue
        record, provisional = dets.in_force(facts.record.id, month)
        states[month] = _MonthState(record.amount if record else None, provisional, record.id if record else None)
    return states


def _due_runs(facts: _MemberFacts, dets: _Determinations, first: Month, last: Month) -> list[tuple[int, int, Decimal]]:
    """The member's due months from `first` to `last` as runs (first index, last index, amount due):
    what `_month_states` says month by month, worked out once per stretch in which nothing changes.
    A month's due changes only where membership may change (a month holding a stage/status change,
    and the month after it), where a determination starts, and after the months paid elsewhere."""
    low, high = first.index, last.index
    cuts = {low}
    for day, _ in facts.segments:
        index = day.year * 12 + day.month - 1
        cuts.update((index, index + 1))
    cuts.update(dets.starts.get(facts.record.id, ()))
    if facts.paid_elsewhere_to:
        cuts.add(facts.paid_elsewhere_to.index + 1)
    bounds = sorted(c for c in cuts if low <= c <= high)
    bounds.append(high + 1)
    runs = []
    for start, end in zip(bounds, bounds[1:]):
        due = _month_states(facts, dets, [Month.from_index(start)])[Month.from_index(start)].due
        if due is not None:
            runs.append((start, end - 1, due))
    return runs


def _paid_by_month(session: Session, member_ids: Sequence[int] | None = None,
                   months: tuple[Month, Month] | None = None) -> dict[tuple[int, int], tuple[Decimal, dt.date, str]]:
    """(member, month index) -> (applied total, latest payment date, its collector), for the months
    from `months[0]` to `months[1]` if given. The lines of a month are read in the order they were
    entered (a later one of the same date names the collector)."""
    line = DuesPaymentMonthRecord
    # the amount as stored (integer fen), summed exactly and turned into yuan once per month
    query = select(line.member_id, line.month_index, _fen(line.applied), DuesPaymentRecord.paid_on,
                   DuesPaymentRecord.collector).join(DuesPaymentRecord)
    if member_ids is not None:
        query = query.where(line.member_id.in_(member_ids))
    if months is not None:
        query = query.where(line.month_index.between(months[0].index, months[1].index))
    fen: dict[tuple[int, int], tuple[int, dt.date, str]] = {}
    for member_id, month_index, applied, paid_on, collector in session.execute(
            query.order_by(line.member_id, line.month_index, line.id)):
        key = (member_id, month_index)
        if key in fen:
            total, last, who = fen[key]
            if paid_on >= last:
                last, who = paid_on, collector
            fen[key] = (total + applied, last, who)
        else:
            fen[key] = (applied, paid_on, collector)
    yuan_of = _Yuan()
    return {key: (yuan_of(total), last, who) for key, (total, last, who) in fen.items()}  # type: ignore[misc]


def _paid_of_members(session: Session, member_ids: Sequence[int] | None = None) -> dict[int, dict[int, Decimal]]:
    """member -> month index -> applied total (the applied totals of `_paid_by_month`, summed by the
    database without the payments' dates: every month of a member's history is read)."""
    line = DuesPaymentMonthRecord
    query = select(line.member_id, line.month_index, _fen(func.sum(line.applied)))
    if member_ids is not None:
        query = query.where(line.member_id.in_(member_ids))
    yuan_of = _Yuan()
    result: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for member_id, index, total in session.execute(query.group_by(line.member_id, line.month_index)):
        result[member_id][index] = yuan_of(total)  # type: ignore[assignment]
    return result


def _settings_from(session: Session) -> DuesSettings:
    values = dict(SETTING_DEFAULTS)
    for record in session.scalars(select(SettingRecord).where(SettingRecord.key.in_(SETTING_DEFAULTS))).all():
        values[record.key] = record.value
    rounding = values["dues.rounding"] if values["dues.rounding"] in ROUNDINGS else DEFAULT_ROUNDING
    try:
        farmer = to_money(values["dues.farmer_amount"])
    except ValidationError:
        farmer = Decimal("0.20")
    try:
        limit = int(values["dues.limit_months"])
    except ValueError:
        limit = DEFAULT_LIMIT_MONTHS
    return DuesSettings(rounding, farmer, limit, values["dues.default_collector"], values["dues.recipient"])


def _determination_dto(r: DuesDeterminationRecord, name: str) -> DeterminationDto:
    return DeterminationDto(
        r.id, r.member_id, name, r.year, r.from_month, r.category, r.base, r.fixed_amount, r.voluntary, r.amount,
        Decimal(r.rate) if r.rate else None, r.rule, r.rounding, r.approval_ref, r.is_change, r.reason,
        r.determined_by, r.determined_on,
    )


def _payment_dto(r: DuesPaymentRecord, name: str) -> PaymentDto:
    months = tuple(PaymentMonthDto(Month.from_index(m.month_index), m.due, m.applied) for m in r.months)
    return PaymentDto(r.id, r.member_id, name, r.paid_on, r.amount, r.regular, r.voluntary, r.large, r.method,
                      r.collector, r.receipt_number, months, r.explanation, r.override_reason, r.note)


def _remittance_dto(r: DuesRemittanceRecord) -> RemittanceDto:
    return RemittanceDto(r.id, r.remitted_on, Month.parse(r.period_from), Month.parse(r.period_to), r.amount, r.large,
                         r.receipt_number, r.recipient, r.note)


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


class DuesService:
    """党费: determinations, payments, arrears, remittances and the dues ledger of one branch."""

    def __init__(self, ctx: LedgerContext) -> None:
        self.ctx = ctx

    # -- settings ----------------------------------------------------------------------------
    def settings(self) -> DuesSettings:
        with self.ctx.reading() as session:
            return _settings_from(session)

    def save_settings(self, settings: DuesSettings) -> DuesSettings:
        if settings.rounding not in ROUNDINGS:
            raise ValidationError(f"未知的舍入方式“{settings.rounding}”", field="rounding")
        farmer = to_money(settings.farmer_amount, label="农民党员每月定额", field="farmer_amount")
        if not FARMER_MIN <= farmer <= FARMER_MAX:
            raise ValidationError(f"农民党员每月定额应在0.20至1.00元之间，而不是{farmer}元", field="farmer_amount")
        if not 1 <= settings.limit_months <= 24:
            raise ValidationError("补交、预交月数上限应在1至24个月之间", field="limit_months")
        values = {
            "dues.rounding": settings.rounding, "dues.farmer_amount": str(farmer),
            "dues.limit_months": str(settings.limit_months),
            "dues.default_collector": settings.default_collector.strip(), "dues.recipient": settings.recipient.strip(),
        }
        with self.ctx.unit_of_work() as session:
            for key, value in values.items():
                record = session.get(SettingRecord, key)
                if record is None:
                    session.add(SettingRecord(key=key, value=value))
                else:
                    record.value = value
        return self.settings()

    # -- determinations (年度核定) -------------------------------------------------------------
    def determine(self, member_id: int, year: int, *, category: str, base: object = None,
                  fixed_amount: object = None, voluntary: bool = False, from_month: int = 1,
                  approval_ref: str | None = None, reason: str | None = None, determined_by: str,
                  determined_on: dt.date | None = None, amendment_reason: str | None = None) -> DeterminationDto:
        """Fix a member's monthly dues for `year` from `from_month`. A later `from_month` than the
        year's first determination is a mid-year change: flagged, with a reason. The same
        (member, year, month) again replaces the earlier entry (a correction)."""
        today = self.ctx.today()
        determined_on = determined_on or today
        if not 2000 <= year <= today.year + 1:
            raise ValidationError(f"核定年度{year}不在2000年至{today.year + 1}年之间", field="year")
        if not 1 <= from_month <= 12:
            raise ValidationError(f"起始月份应为1至12，而不是{from_month}", field="from_month")
        if determined_on > today:
            raise ValidationError("核定日期不能晚于今天", field="determined_on")
        determined_by = (determined_by or "").strip()
        if not determined_by:
            raise ValidationError("请填写核定人", field="determined_by")
        if category == HARDSHIP and not _clean(approval_ref):
            raise ValidationError("生活困难党员减免党费须填写批准文号或批准情况", field="approval_ref")
        with self.ctx.unit_of_work(amendment_reason=amendment_reason) as session:
            member = session.get(MemberRecord, member_id)
            if member is None:
                raise NotFoundError(f"找不到编号为 {member_id} 的党员")
            settings = _settings_from(session)
            if category == FARMER and fixed_amount is None:
                fixed_amount = settings.farmer_amount
            result = determine_dues(category, base, fixed_amount=fixed_amount, voluntary=voluntary,
                                    rounding=settings.rounding)
            earlier = session.scalars(select(DuesDeterminationRecord).where(
                DuesDeterminationRecord.member_id == member_id, DuesDeterminationRecord.year == year,
                DuesDeterminationRecord.from_month < from_month)).all()
            is_change = bool(earlier)  # a first determination from a later month (new member) is a start
            if is_change and not _clean(reason):
                raise ValidationError(f"年中调整（自{year}年{from_month}月起）须说明原因", field="reason")
            record = session.scalar(select(DuesDeterminationRecord).where(
                DuesDeterminationRecord.member_id == member_id, DuesDeterminationRecord.year == year,
                DuesDeterminationRecord.from_month == from_month))
            if record is None:
                record = DuesDeterminationRecord(member_id=member_id, year=year, from_month=from_month)
                session.add(record)
            record.category = category
            record.base = to_money(base, label="计算基数", field="base") if result.rate is not None else None
            record.fixed_amount = result.amount if result.rate is None else None
            record.voluntary = voluntary
            record.amount = result.amount
            record.rate = str(result.rate) if result.rate is not None else None
            record.rule = result.rule[:120]
            record.rounding = settings.rounding
            record.approval_ref = _clean(approval_ref)
            record.is_change = is_change
            record.reason = _clean(reason)
            record.determined_by = determined_by
            record.determined_on = determined_on
            session.flush()
            return _determination_dto(record, member.name)

    def determinations(self, year: int | None = None, member_id: int | None = None) -> list[DeterminationDto]:
        with self.ctx.reading() as session:
            query = select(DuesDeterminationRecord, MemberRecord.name).join(
                MemberRecord, MemberRecord.id == DuesDeterminationRecord.member_id)
            if year is not None:
                query = query.where(DuesDeterminationRecord.year == year)
            if member_id is not None:
                query = query.where(DuesDeterminationRecord.member_id == member_id)
            rows = session.execute(query.order_by(DuesDeterminationRecord.member_id, DuesDeterminationRecord.year,
                                                  DuesDeterminationRecord.from_month)).all()
            return [_determination_dto(r, name) for r, name in rows]

    def delete_determination(self, determination_id: int, *, amendment_reason: str | None = None) -> None:
        with self.ctx.unit_of_work(amendment_reason=amendment_reason) as session:
            record = session.get(DuesDeterminationRecord, determination_id)
            if record is None:
                raise NotFoundError("找不到该核定记录")
            session.delete(record)

    def carry_forward(self, year: int, *, determined_by: str) -> int:
        """January help: determine `year` for every member without one, from the previous year's
        latest base/amount (recomputed under the current rules). Returns how many were made."""
        with self.ctx.reading() as session:
            previous = session.scalars(select(DuesDeterminationRecord).where(DuesDeterminationRecord.year == year - 1)
                                       .order_by(DuesDeterminationRecord.from_month)).all()
            latest = {r.member_id: (r.category, r.base if r.rate else None, None if r.rate else r.fixed_amount,
                                    r.voluntary, r.approval_ref) for r in previous}
            done = set(session.scalars(select(DuesDeterminationRecord.member_id)
                                       .where(DuesDeterminationRecord.year == year)).all())
            facts = {f.record.id: f for f in _member_facts(session, list(latest))}
        made = 0
        for member_id, (category, base, fixed, voluntary, approval_ref) in latest.items():
            facts_of = facts.get(member_id)
            if member_id in done or facts_of is None:
                continue
            if not any(_in_branch(facts_of, m) for m in month_range(Month(year, 1), Month(year, 12))):
                continue
            self.determine(member_id, year, category=category, base=base, fixed_amount=fixed, voluntary=voluntary,
                           approval_ref=approval_ref, determined_by=determined_by)
            made += 1
        return made

    # -- payments ----------------------------------------------------------------------------
    def due_months(self, member_id: int, *, around: dt.date | None = None) -> list[MonthDue]:
        """Months the member owes something for, from 12 months before `around` to 6 after
        (what the payment dialog offers), with what was already paid."""
        around = around or self.ctx.today()
        current = Month.of(around)
        with self.ctx.reading() as session:
            settings = _settings_from(session)
            span = max(settings.limit_months, 12)
            months = month_range(current + -span, current + settings.limit_months)
            dues = self._dues_of(session, member_id, months)
        return [d for d in dues if d.remaining > 0]

    def _dues_of(self, session: Session, member_id: int, months: Sequence[Month]) -> list[MonthDue]:
        facts = _member_facts(session, [member_id])
        if not facts:
            raise NotFoundError(f"找不到编号为 {member_id} 的党员")
        dets = _Determinations(session.scalars(select(DuesDeterminationRecord)
                                               .where(DuesDeterminationRecord.member_id == member_id)).all())
        states = _month_states(facts[0], dets, months)
        paid = _paid_by_month(session, [member_id])
        return [MonthDue(m, s.due, paid.get((member_id, m.index), (ZERO,))[0])
                for m, s in states.items() if s.due is not None]

    def next_receipt_number(self, year: int) -> str:
        with self.ctx.reading() as session:
            existing = session.scalars(select(DuesPaymentRecord.receipt_number)
                                       .where(DuesPaymentRecord.receipt_year == year)).all()
            return next_receipt_number(year, existing)

    def record_payment(self, member_id: int, *, paid_on: dt.date, months: Sequence[Month], amount: object,
                       method: str, collector: str, receipt_number: str | None = None,
                       override_reason: str | None = None, note: str | None = None) -> PaymentDto:
        """Record a payment for the given months (any surplus is voluntary extra or 大额党费; a
        shortfall stays as arrears of the latest months) and give it a receipt number."""
        today = self.ctx.today()
        if paid_on > today:
            raise ValidationError(f"缴纳日期{paid_on.isoformat()}晚于今天", field="paid_on")
        if method not in PAYMENT_METHODS:
            raise ValidationError(f"缴纳方式应为{'、'.join(PAYMENT_METHODS)}之一", field="method")
        collector = (collector or "").strip()
        if not collector:
            raise ValidationError("请填写收缴人", field="collector")
        money = to_money(amount, label="缴纳金额", field="amount")
        if money <= 0:
            raise ValidationError("缴纳金额应大于0", field="amount")
        months = sorted(set(months))
        with self.ctx.unit_of_work() as session:
            member = session.get(MemberRecord, member_id)
            if member is None:
                raise NotFoundError(f"找不到编号为 {member_id} 的党员")
            settings = _settings_from(session)
            problem = coverage_problem(paid_on, months, limit=settings.limit_months)
            if problem and not _clean(override_reason):
                raise ValidationError(f"{problem}：如确需一次缴纳，请填写原因", field="months")
            covered = self._covered_months(session, member, months)
            allocation = allocate_payment(money, covered)
            number = self._receipt_number(session, paid_on.year, receipt_number)
            record = DuesPaymentRecord(
                member_id=member_id, paid_on=paid_on, amount=money, regular=allocation.regular,
                voluntary=allocation.voluntary, large=allocation.large, method=method, collector=collector,
                receipt_year=paid_on.year, receipt_number=number, explanation=allocation.explanation or None,
                override_reason=_clean(override_reason) if problem else None, note=_clean(note),
            )
            for line in allocation.lines:
                if line.applied > 0:
                    record.months.append(DuesPaymentMonthRecord(member_id=member_id, month_index=line.month.index,
                                                                due=line.due, applied=line.applied))
            session.add(record)
            session.flush()
            return _payment_dto(record, member.name)

    def _covered_months(self, session: Session, member: MemberRecord, months: Sequence[Month]) -> list[MonthDue]:
        if not months:
            return []
        facts = _member_facts(session, [member.id])[0]
        dets = _Determinations(session.scalars(select(DuesDeterminationRecord)
                                               .where(DuesDeterminationRecord.member_id == member.id)).all())
        states = _month_states(facts, dets, months)
        paid = _paid_by_month(session, [member.id])
        covered = []
        for month in months:
            state = states[month]
            if state.due is None:
                if not _in_branch(facts, month):
                    raise ValidationError(f"“{member.name}”{month.label}不在本支部，不能为该月缴纳党费", field="months")
                if facts.paid_elsewhere_to and month <= facts.paid_elsewhere_to:
                    raise ValidationError(
                        f"“{member.name}”的党费在转入前已交至{facts.paid_elsewhere_to.label}，{month.label}无需在本支部缴纳",
                        field="months")
                raise ValidationError(f"“{member.name}”尚未核定{month.year}年党费，请先进行年度核定", field="months")
            due = MonthDue(month, state.due, paid.get((member.id, month.index), (ZERO,))[0])
            if due.remaining <= 0:
                raise ValidationError(f"“{member.name}”{month.label}的党费已缴清", field="months")
            covered.append(due)
        return covered

    @staticmethod
    def _receipt_number(session: Session, year: int, wanted: str | None) -> str:
        existing = session.execute(select(DuesPaymentRecord.receipt_number, MemberRecord.name).join(
            MemberRecord, MemberRecord.id == DuesPaymentRecord.member_id).where(DuesPaymentRecord.receipt_year == year)).all()
        wanted = _clean(wanted)
        if wanted is None:
            return next_receipt_number(year, [n for n, _ in existing])
        for number, name in existing:
            if number == wanted:
                raise ValidationError(f"{year}年的收据编号“{wanted}”已用于“{name}”的缴纳记录，请换一个编号",
                                      field="receipt_number")
        if len(wanted) > 30:
            raise ValidationError("收据编号过长（最多30个字符）", field="receipt_number")
        return wanted

    def payments(self, year: int | None = None, member_id: int | None = None) -> list[PaymentDto]:
        """Payments received in `year` (by date) or touching its months."""
        with self.ctx.reading() as session:
            return self._payments(session, year, member_id)

    @staticmethod
    def _payments(session: Session, year: int | None, member_id: int | None = None) -> list[PaymentDto]:
        p = DuesPaymentRecord
        query = select(p.id, p.member_id, MemberRecord.name, p.paid_on, p.amount, p.regular, p.voluntary, p.large,
                       p.method, p.collector, p.receipt_number, p.explanation, p.override_reason, p.note).join(
            MemberRecord, MemberRecord.id == p.member_id)
        if member_id is not None:
            query = query.where(p.member_id == member_id)
        if year is not None:
            touching = select(DuesPaymentMonthRecord.payment_id).where(
                DuesPaymentMonthRecord.month_index.between(Month(year, 1).index, Month(year, 12).index))
            query = query.where((func.strftime("%Y", p.paid_on) == f"{year:04d}") | p.id.in_(touching))
        rows = session.execute(query.order_by(p.paid_on, p.id)).all()
        lines: dict[int, list[PaymentMonthDto]] = defaultdict(list)
        line_query = select(DuesPaymentMonthRecord.payment_id, DuesPaymentMonthRecord.month_index,
                            _fen(DuesPaymentMonthRecord.due), _fen(DuesPaymentMonthRecord.applied))
        if member_id is not None:
            line_query = line_query.where(DuesPaymentMonthRecord.member_id == member_id)
        wanted = {row[0] for row in rows}
        if year is not None:  # only the lines of the year's payments (not every line ever paid)
            line_query = line_query.where(DuesPaymentMonthRecord.payment_id.in_(sorted(wanted)))
        yuan_of = _Yuan()
        for payment_id, index, due, applied in session.execute(line_query.order_by(DuesPaymentMonthRecord.month_index)):
            if payment_id in wanted:
                lines[payment_id].append(PaymentMonthDto(Month.from_index(index), yuan_of(due), yuan_of(applied)))  # type: ignore[arg-type]
        return [PaymentDto(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], tuple(lines[r[0]]),
                           r[11], r[12], r[13]) for r in rows]

    def get_payment(self, payment_id: int) -> PaymentDto:
        with self.ctx.reading() as session:
            record = session.get(DuesPaymentRecord, payment_id)
            if record is None:
                raise NotFoundError(f"找不到编号为 {payment_id} 的缴纳记录")
            return _payment_dto(record, session.get(MemberRecord, record.member_id).name)  # type: ignore[union-attr]

    def delete_payment(self, payment_id: int, *, amendment_reason: str | None = None) -> None:
        """Remove a payment entered by mistake (its months become unpaid again)."""
        with self.ctx.unit_of_work(amendment_reason=amendment_reason) as session:
            record = session.get(DuesPaymentRecord, payment_id)
            if record is None:
                raise NotFoundError(f"找不到编号为 {payment_id} 的缴纳记录")
            session.delete(record)

    # -- remittance (上缴) --------------------------------------------------------------------
    def record_remittance(self, *, remitted_on: dt.date, period_from: Month, period_to: Month, amount: object,
                          receipt_number: str, large: object = ZERO, recipient: str | None = None,
                          note: str | None = None) -> RemittanceDto:
        if remitted_on > self.ctx.today():
            raise ValidationError(f"上缴日期{remitted_on.isoformat()}晚于今天", field="remitted_on")
        if period_to < period_from:
            raise ValidationError("所属期间的结束月份早于开始月份", field="period_to")
        money = to_money(amount, label="上缴金额", field="amount")
        if money <= 0:
            raise ValidationError("上缴金额应大于0", field="amount")
        large_money = to_money(large, label="其中大额党费", field="large")
        if large_money > money:
            raise ValidationError("其中大额党费不能超过上缴金额", field="large")
        number = _clean(receipt_number)
        if number is None:
            raise ValidationError("请填写上级党组织开具的收据编号", field="receipt_number")
        with self.ctx.unit_of_work() as session:
            if session.scalar(select(DuesRemittanceRecord).where(DuesRemittanceRecord.receipt_number == number)):
                raise ValidationError(f"上缴收据编号“{number}”已登记过", field="receipt_number")
            recipient = _clean(recipient) or _clean(_settings_from(session).recipient)
            record = DuesRemittanceRecord(remitted_on=remitted_on, period_from=str(period_from), period_to=str(period_to),
                                          amount=money, large=large_money, receipt_number=number,
                                          recipient=recipient, note=_clean(note))
            session.add(record)
            session.flush()
            return _remittance_dto(record)

    def remittances(self, year: int | None = None) -> list[RemittanceDto]:
        with self.ctx.reading() as session:
            return self._remittances(session, year)

    @staticmethod
    def _remittances(session: Session, year: int | None) -> list[RemittanceDto]:
        query = select(DuesRemittanceRecord)
        if year is not None:
            query = query.where(func.strftime("%Y", DuesRemittanceRecord.remitted_on) == f"{year:04d}")
        return [_remittance_dto(r) for r in session.scalars(query.order_by(DuesRemittanceRecord.remitted_on)).all()]

    def delete_remittance(self, remittance_id: int, *, amendment_reason: str | None = None) -> None:
        with self.ctx.unit_of_work(amendment_reason=amendment_reason) as session:
            record = session.get(DuesRemittanceRecord, remittance_id)
            if record is None:
                raise NotFoundError("找不到该上缴记录")
            session.delete(record)

    def balance(self, as_of: dt.date | None = None) -> DuesBalance:
        """What the branch has received and passed upward up to `as_of` (default today)."""
        as_of = as_of or self.ctx.today()
        with self.ctx.reading() as session:
            return self._balance(session, as_of)

    @staticmethod
    def _balance(session: Session, as_of: dt.date) -> DuesBalance:
        paid = session.execute(select(func.coalesce(func.sum(DuesPaymentRecord.amount), 0),
                                      func.coalesce(func.sum(DuesPaymentRecord.large), 0))
                               .where(DuesPaymentRecord.paid_on <= as_of)).one()
        sent = session.execute(select(func.coalesce(func.sum(DuesRemittanceRecord.amount), 0),
                                      func.coalesce(func.sum(DuesRemittanceRecord.large), 0))
                               .where(DuesRemittanceRecord.remitted_on <= as_of)).one()
        money = lambda v: Decimal(v).quantize(Decimal("0.01"))  # noqa: E731 - SUM keeps the Fen type (yuan)
        return DuesBalance(money(paid[0]), money(sent[0]), money(paid[1]), money(sent[1]))

    # -- the year's grid, standings, figures --------------------------------------------------
    def year_grid(self, year: int) -> list[MemberYearRow]:
        """Every member who belonged to the branch in some month of `year`, month by month."""
        with self.ctx.reading() as session:
            return self._year_rows(session, year)

    def _year_rows(self, session: Session, year: int, payments: list[PaymentDto] | None = None,
                   *, totals_only: bool = False) -> list[MemberYearRow] | list[MemberYearTotals]:
        """The year's grid; `totals_only`: only each member's totals of the year (no standing over the
        member's whole history, no notes), for the 述职 figures."""
        today = self.ctx.today()
        current = Month.of(today)
        months = month_range(Month(year, 1), Month(year, 12))
        payments = self._payments(session, year) if payments is None else payments
        extras: dict[int, tuple[Decimal, Decimal]] = defaultdict(lambda: (ZERO, ZERO))
        explanations: dict[int, list[str]] = defaultdict(list)
        for p in payments:
            if p.paid_on.year == year:
                v, lg = extras[p.member_id]
                extras[p.member_id] = (v + p.voluntary, lg + p.large)
            if p.explanation and p.paid_on.year == year:
                explanations[p.member_id].append(f"{p.paid_on:%m-%d}{p.explanation}")
        # the year's people: in the branch in some month of it, or paying extra during it (a month
        # with dues is a month in the branch); only their determinations and payments are read
        people = [facts for facts in _member_facts(session)
                  if facts.record.id in extras or any(_in_branch(facts, m) for m in months)]
        member_ids = [facts.record.id for facts in people]
        # a later year's determination is never in force in this year; the standing reads them all
        dets = _Determinations(_determination_rows(session, member_ids, up_to_year=year if totals_only else None))
        paid = _paid_by_month(session, member_ids, (months[0], months[-1]))
        paid_of = {} if totals_only else _paid_of_members(session, member_ids)
        rows: list = []  # type: ignore[type-arg]
        for facts in people:
            member_id = facts.record.id
            states = _month_states(facts, dets, months)
            cells = []
            for month in months:
                state = states[month]
                got, last, who = paid.get((member_id, month.index), (ZERO, None, None))
                cells.append(MonthCell(month.month, self._cell_state(facts, month, state, got, current), state.due,
                                       got, last, who, state.provisional))
            past_due = [c for c in cells if c.due is not None and Month(year, c.month) < current]
            year_due = sum((c.due for c in cells if c.due is not None), ZERO)
            year_paid = sum((c.paid for c in cells), ZERO)
            arrears = sum((max(c.due - c.paid, ZERO) for c in past_due), ZERO)  # type: ignore[operator]
            if totals_only:
                rows.append(MemberYearTotals(member_id, facts.record.name, year_due, year_paid, arrears))
                continue
            year_dets = [r for r in dets.by_member.get(member_id, []) if r.year == year]
            first, _ = dets.in_force(member_id, Month(year, 1)) if not year_dets else (year_dets[0], False)
            history = self._history_dues(facts, dets, paid_of.get(member_id, {}), today)
            notes = [f"自{r.from_month}月起调整为{yuan(r.amount)}元（{r.reason or '年中调整'}）" for r in year_dets if r.is_change]
            notes += [f"生活困难，批准：{r.approval_ref}" for r in year_dets if r.approval_ref]
            notes += [f"{t.transfer_date:%Y-%m-%d}{t.direction}" + (f"（党费交至{t.dues_paid_to}）" if t.dues_paid_to else "")
                      for t in facts.record.transfers if t.transfer_date.year == year]
            if any(c.provisional for c in cells if c.due is not None):
                notes.append(f"{year}年尚未核定，暂按上年核定额")
            notes += explanations.get(member_id, [])
            volunteer, large = extras[member_id]
            rows.append(MemberYearRow(
                member_id=member_id, name=facts.record.name,
                category=first.category if first else facts.record.category,
                base=first.base if first else None,
                rate_label=rate_text(Decimal(first.rate)) if first and first.rate else ("定额" if first else ""),
                monthly=first.amount if first else None,
                cells=tuple(cells),
                year_due=year_due, year_paid=year_paid, arrears=arrears,
                paid_up_to=history.paid_up_to, consecutive_unpaid=history.consecutive_unpaid,
                voluntary=volunteer, large=large, note="；".join(notes),
            ))
        return rows

    @staticmethod
    def _cell_state(facts: _MemberFacts, month: Month, state: _MonthState, got: Decimal, current: Month) -> str:
        if state.due is None:
            return "undetermined" if _in_branch(facts, month) and not (
                facts.paid_elsewhere_to and month <= facts.paid_elsewhere_to) else "out"
        if state.due == 0:
            return "exempt"
        if got >= state.due:
            return "advance" if month > current else "paid"
        if got > 0:
            return "partial"
        if month < current:
            return "overdue"
        return "due" if month == current else "future"

    @staticmethod
    def _history_dues(facts: _MemberFacts, dets: _Determinations, paid: Mapping[int, Decimal], today: dt.date):  # type: ignore[no-untyped-def]
        """The member's standing over every month since their first determination (worked out over
        runs of months with the same amount due, not month by month); `paid`: month index -> what
        was paid for it (`_paid_of_members`)."""
        member_id = facts.record.id
        records = dets.by_member.get(member_id, [])
        if not records:
            return standing([], today)
        first = Month(records[0].year, records[0].from_month)
        last = max(Month.of(today) + 12, Month(records[-1].year, 12))
        return standing_over(_due_runs(facts, dets, first, last), paid, today)

    def standings(self) -> list[MemberStanding]:
        """Each current member's paid-up-to month, arrears and advance as of today."""
        today = self.ctx.today()
        with self.ctx.reading() as session:
            dets = _Determinations(_determination_rows(session))
            paid = _paid_of_members(session)
            result = []
            for facts in _member_facts(session):
                if not is_member_on(facts.changes, today):
                    continue
                s = self._history_dues(facts, dets, paid.get(facts.record.id, {}), today)
                result.append(MemberStanding(facts.record.id, facts.record.name, s.paid_up_to, s.arrears,
                                             s.arrears_months, s.advance, s.consecutive_unpaid))
            return result

    def paid_to_for_transfer(self, member_id: int) -> str | None:
        """The "党费交至 YYYY-MM" value for a transfer-out letter (None if nothing was ever paid)."""
        today = self.ctx.today()
        with self.ctx.reading() as session:
            facts = _member_facts(session, [member_id])
            if not facts:
                raise NotFoundError(f"找不到编号为 {member_id} 的党员")
            dets = _Determinations(_determination_rows(session, [member_id]))
            paid = _paid_of_members(session, [member_id])
            s = self._history_dues(facts[0], dets, paid.get(member_id, {}), today)
        if s.paid_up_to is None:
            return str(facts[0].paid_elsewhere_to) if facts[0].paid_elsewhere_to else None
        return str(s.paid_up_to)

    def home_items(self) -> list[HomeItem]:
        items = []
        for s in self.standings():
            if s.consecutive_unpaid >= 5:
                items.append(HomeItem("danger", "dues", f"{s.name}已连续{s.consecutive_unpaid}个月未交纳党费（欠{yuan(s.arrears)}元）："
                                      "连续6个月不交纳党费又无正当理由的，按自行脱党处理，请尽快谈话提醒"))
            elif s.consecutive_unpaid >= 3:
                items.append(HomeItem("warning", "dues", f"{s.name}已连续{s.consecutive_unpaid}个月未交纳党费（欠{yuan(s.arrears)}元），请提醒补交"))
        year = self.ctx.today().year
        with self.ctx.reading() as session:
            determined = set(session.scalars(select(DuesDeterminationRecord.member_id)
                                             .where(DuesDeterminationRecord.year == year)).all())
            missing = [f.record.id for f in _member_facts(session)
                       if is_member_on(f.changes, self.ctx.today()) and f.record.id not in determined]
        if missing:
            items.append(HomeItem("info", "dues", f"{len(missing)}名党员尚未核定{year}年党费（年度核定）"))
        return items

    def year_overview(self, year: int) -> tuple[list[MemberYearRow], DuesYearFigures]:
        """The grid and the figures of `year` from one read (what the dues page shows)."""
        with self.ctx.reading() as session:
            rows = self._year_rows(session, year)
            return rows, self._figures(session, year, rows)

    def year_figures(self, year: int) -> DuesYearFigures:
        with self.ctx.reading() as session:  # the figures add up the members' totals only
            return self._figures(session, year, self._year_rows(session, year, totals_only=True))

    def year_report(self, year: int) -> DuesYearReport:
        """The grid, figures, remittances and payments of `year` from one read (the 述职 figures)."""
        with self.ctx.reading() as session:
            payments = self._payments(session, year)
            rows = self._year_rows(session, year, payments, totals_only=True)
            remittances = self._remittances(session, year)
            figures = self._figures(session, year, rows, remittances)
        return DuesYearReport(year, tuple(rows), figures, tuple(remittances), tuple(payments))

    def _figures(self, session: Session, year: int, rows: Sequence[MemberYearRow] | Sequence[MemberYearTotals],
                 remittances: Sequence[RemittanceDto] | None = None) -> DuesYearFigures:
        p = DuesPaymentRecord
        received = session.execute(select(p.paid_on, p.amount, p.voluntary, p.large).where(
            func.strftime("%Y", p.paid_on) == f"{year:04d}")).all()
        by_month = {m: ZERO for m in range(1, 13)}
        for row in received:
            by_month[row.paid_on.month] += row.amount
        remittances = self._remittances(session, year) if remittances is None else remittances
        remitted = sum((r.amount for r in remittances), ZERO)
        return DuesYearFigures(
            year=year,
            due=sum((r.year_due for r in rows), ZERO),
            paid=sum((r.year_paid for r in rows), ZERO),
            arrears=sum((r.arrears for r in rows), ZERO),
            remitted=remitted,
            voluntary=sum((row.voluntary for row in received), ZERO),
            large=sum((row.large for row in received), ZERO),
            collected=sum(by_month.values(), ZERO),
            collected_by_month=by_month,
            members_due=sum(1 for r in rows if r.year_due > 0),
            members_in_arrears=sum(1 for r in rows if r.arrears > 0),
        )

    def collection_by_month(self, year: int) -> dict[int, Decimal]:
        """Everything received in each month of `year` (1..12), by payment date."""
        return dict(self.year_figures(year).collected_by_month)

    # -- the ledger ----------------------------------------------------------------------------
    def ledger_data(self, year: int | None = None) -> DuesLedgerData:
        today = self.ctx.today()
        year = year or today.year
        with self.ctx.reading() as session:
            from desktop.storage.models import BranchRecord

            branch_name = session.scalar(select(BranchRecord.name).limit(1)) or "（未设置支部名称）"
            payments = self._payments(session, year)
            rows = self._year_rows(session, year, payments)
            remittances = self._remittances(session, year)
            figures = self._figures(session, year, rows, remittances)
            balance = self._balance(session, dt.date(year, 12, 31))
            settings = _settings_from(session)
            member_ids = [r.member_id for r in rows]
            det_ids = session.scalars(select(DuesDeterminationRecord.id).where(
                DuesDeterminationRecord.year == year, DuesDeterminationRecord.member_id.in_(member_ids))).all()
            line_ids = session.scalars(select(DuesPaymentMonthRecord.id).where(
                DuesPaymentMonthRecord.payment_id.in_([p.id for p in payments]))).all()
        records = ([("dues_determination", i) for i in det_ids] + [("dues_payment", p.id) for p in payments]
                   + [("dues_payment_month", i) for i in line_ids] + [("dues_remittance", r.id) for r in remittances])
        return DuesLedgerData(
            branch_name=branch_name, year=year, printed_on=today,
            rows=tuple(rows), remittances=tuple(remittances), figures=figures, balance=balance, settings=settings,
            rules=rules_text(settings.farmer_amount, settings.rounding), records=tuple(sorted(records)),
        )

    def render_ledger(self, year: int | None, out: Path, *, footer_note: str = "") -> RenderedLedger:
        """The annual dues ledger (党费收缴台账) as an A4 landscape PDF."""
        from desktop.ledgers.dues import render_dues_ledger

        data = self.ledger_data(year)
        path = render_dues_ledger(data, Path(out), footer_note=footer_note, amendments=self._ledger_amendments(data))
        return RenderedLedger(kind="dues", title=f"{data.year}年度党费收缴台账", path=path, year=data.year,
                              records=data.records)

    def _ledger_amendments(self, data: DuesLedgerData) -> dict[tuple[str, str], list[str]]:
        """The 更正 lines of the shown determinations and payments (with their month lines), keyed
        ("member", str(member_id)): printed beneath that member's block. (Remittances are not a
        member's: their amendments stay on the 更正记录 pages.)"""
        from desktop.services.ledgers import LedgerService

        models = {"dues_determination": DuesDeterminationRecord, "dues_payment": DuesPaymentRecord,
                  "dues_payment_month": DuesPaymentMonthRecord}
        amendments = LedgerService(self.ctx).amendments_for_records(r for r in data.records if r[0] in models)
        if not amendments:
            return {}
        owner: dict[tuple[str, str], int] = {}
        with self.ctx.reading() as session:
            for table, model in models.items():
                ids = sorted({int(a.row_id) for a in amendments if a.table_name == table})
                if ids:
                    for row_id, member_id in session.execute(select(model.id, model.member_id).where(model.id.in_(ids))):
                        owner[(table, str(row_id))] = member_id
        labels = {"dues_determination": "党费核定", "dues_payment": "党费缴纳", "dues_payment_month": "缴纳月份"}
        notes: dict[tuple[str, str], list[str]] = {}
        for a in amendments:
            member_id = owner.get((a.table_name, a.row_id))
            if member_id is not None:
                notes.setdefault(("member", str(member_id)), []).append(f"［{labels[a.table_name]}］{a.describe()}")
        return notes

    def export_xlsx(self, year: int | None, out: Path) -> Path:
        """The same ledger as an .xlsx workbook (for the inspector comparing with bank records)."""
        from desktop.ledgers.dues import write_dues_xlsx

        return write_dues_xlsx(self.ledger_data(year), Path(out))

    def render_receipt(self, payment_id: int, out: Path) -> RenderedLedger:
        """The receipt (收据) of one payment."""
        from desktop.ledgers.dues import render_receipt

        payment = self.get_payment(payment_id)
        with self.ctx.reading() as session:
            from desktop.storage.models import BranchRecord

            name = session.scalar(select(BranchRecord.name).limit(1)) or "（未设置支部名称）"
        path = render_receipt(payment, name, self.ctx.today(), Path(out))
        records = (("dues_payment", payment.id),)
        return RenderedLedger(kind="receipt", title=f"党费收据 {payment.receipt_number}", path=path,
                              year=payment.paid_on.year, records=records)
