"""Dues settings and the yearly determination (年度核定) of each member's monthly dues: part of
`DuesService` (services/dues.py). Each user action is one unit of work."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from desktop.domain.dues import (
    FARMER,
    FARMER_MAX,
    FARMER_MIN,
    HARDSHIP,
    ROUNDINGS,
    Month,
    determine_dues,
    month_range,
    to_money,
)
from desktop.domain.errors import NotFoundError, ValidationError
from desktop.services.branch import store_settings
from desktop.services.context import LedgerContext
from desktop.services.dues_months import _member_facts, _in_branch, _settings_from, _determination_dto, _clean
from desktop.services.dues_types import DuesSettings, DeterminationDto
from desktop.storage.models import MemberRecord
from desktop.storage.models.dues import DuesDeterminationRecord


class DuesDeterminations:
    """The settings and determinations part of `DuesService`."""

    ctx: LedgerContext

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
            store_settings(session, values)
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
