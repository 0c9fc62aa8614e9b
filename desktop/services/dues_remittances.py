"""Dues remittance (上缴) to the higher Party organization and the branch's balance: part of
`DuesService` (services/dues.py). Each user action is one unit of work."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.dues import Month, to_money
from desktop.domain.errors import NotFoundError, ValidationError
from desktop.services.context import LedgerContext
from desktop.services.dues_months import _settings_from, _remittance_dto, _clean
from desktop.services.dues_types import ZERO, RemittanceDto, DuesBalance
from desktop.storage.models.dues import DuesPaymentRecord, DuesRemittanceRecord


class DuesRemittances:
    """The remittance part of `DuesService`."""

    ctx: LedgerContext

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
            return read_remittances(session, year)

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
            return read_balance(session, as_of)


def read_remittances(session: Session, year: int | None) -> list[RemittanceDto]:
    """Remittances made in `year` (every one if None), by date."""
    query = select(DuesRemittanceRecord)
    if year is not None:
        query = query.where(func.strftime("%Y", DuesRemittanceRecord.remitted_on) == f"{year:04d}")
    return [_remittance_dto(r) for r in session.scalars(query.order_by(DuesRemittanceRecord.remitted_on)).all()]


def read_balance(session: Session, as_of: dt.date) -> DuesBalance:
    """Received and remitted (with the 大额党费 of each) up to `as_of`."""
    paid = session.execute(select(func.coalesce(func.sum(DuesPaymentRecord.amount), 0),
                                  func.coalesce(func.sum(DuesPaymentRecord.large), 0))
                           .where(DuesPaymentRecord.paid_on <= as_of)).one()
    sent = session.execute(select(func.coalesce(func.sum(DuesRemittanceRecord.amount), 0),
                                  func.coalesce(func.sum(DuesRemittanceRecord.large), 0))
                           .where(DuesRemittanceRecord.remitted_on <= as_of)).one()
    money = lambda v: Decimal(v).quantize(Decimal("0.01"))  # noqa: E731 - SUM keeps the Fen type (yuan)
    return DuesBalance(money(paid[0]), money(sent[0]), money(paid[1]), money(sent[1]))
