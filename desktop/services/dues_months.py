"""How the dues rules read the database (党费): a member's months in the branch, the determination
in force for a month, what was paid for each month, the dues settings, and DTOs made from records.

What a member owes for a month is read from three things: whether they were in the branch that
month (their dated history: probationary members from the month of admission, transfers in and
out), the determination (年度核定) in force for the month, and the months a 转入 letter says were
already paid elsewhere (党费交至). The names here are shared by the dues_* modules only (hence the
leading underscore); callers use `DuesService` (services/dues.py)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Integer, func, select, type_coerce
from sqlalchemy.orm import Session

from desktop.domain.dues import DEFAULT_LIMIT_MONTHS, DEFAULT_ROUNDING, ROUNDINGS, Month, to_money
from desktop.domain.errors import ValidationError
from desktop.domain.roster import Change, is_member_on
from desktop.services.dues_types import DuesSettings, DeterminationDto, PaymentMonthDto, PaymentDto, RemittanceDto
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
