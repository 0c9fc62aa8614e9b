"""Dues payments (缴纳) and their receipts (收据): the months a member owes, recording a payment
against them, listing and deleting payments: part of `DuesService` (services/dues.py). Each user
action is one unit of work."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.dues import (
    PAYMENT_METHODS,
    Month,
    MonthDue,
    allocate_payment,
    coverage_problem,
    month_range,
    next_receipt_number,
    to_money,
)
from desktop.domain.errors import NotFoundError, ValidationError
from desktop.services.context import LedgerContext
from desktop.services.dues_months import (
    _member_facts,
    _in_branch,
    _Yuan,
    _fen,
    _Determinations,
    _month_states,
    _paid_by_month,
    _settings_from,
    _payment_dto,
    _clean,
)
from desktop.services.dues_types import ZERO, PaymentMonthDto, PaymentDto
from desktop.services.rendered import RenderedLedger
from desktop.storage.models import MemberRecord
from desktop.storage.models.dues import DuesDeterminationRecord, DuesPaymentMonthRecord, DuesPaymentRecord


class DuesPayments:
    """The payments and receipts part of `DuesService`."""

    ctx: LedgerContext

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
            return read_payments(session, year, member_id)

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


def read_payments(session: Session, year: int | None, member_id: int | None = None) -> list[PaymentDto]:
    """Payments received in `year` (by date) or touching its months, with their month lines (one read)."""
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
