"""Dues (党费): yearly determinations, payments and the months they cover, remittances upward."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.storage.base import Base, Fen, Timestamped


class DuesDeterminationRecord(Timestamped, Base):
    """年度核定: one member's monthly amount for a year from `from_month` on. A mid-year change is a
    further row with a later `from_month` and `is_change` set (the earlier row is kept)."""

    __tablename__ = "dues_determination"
    __table_args__ = (UniqueConstraint("member_id", "year", "from_month", name="uq_dues_determination_member_year_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    from_month: Mapped[int] = mapped_column(Integer, default=1)
    category: Mapped[str] = mapped_column(String(20))
    base: Mapped[Decimal | None] = mapped_column(Fen)  # 计算基数 (yuan), None for fixed amounts
    fixed_amount: Mapped[Decimal | None] = mapped_column(Fen)  # 农民 / 生活困难
    voluntary: Mapped[bool] = mapped_column(Boolean, default=False)  # volunteers above the cap
    amount: Mapped[Decimal] = mapped_column(Fen)  # 月应缴
    rate: Mapped[str | None] = mapped_column(String(10))  # "0.015"; None for fixed amounts
    rule: Mapped[str] = mapped_column(String(120))
    rounding: Mapped[str] = mapped_column(String(20))
    approval_ref: Mapped[str | None] = mapped_column(String(120))  # 生活困难: 批准文号
    is_change: Mapped[bool] = mapped_column(Boolean, default=False)  # mid-year change (flagged)
    reason: Mapped[str | None] = mapped_column(Text)
    determined_by: Mapped[str] = mapped_column(String(40))
    determined_on: Mapped[dt.date] = mapped_column(Date)


class DuesPaymentRecord(Timestamped, Base):
    """One payment (一次缴纳) by one member, with its receipt (收据)."""

    __tablename__ = "dues_payment"
    __table_args__ = (
        UniqueConstraint("receipt_year", "receipt_number", name="uq_dues_payment_receipt"),
        Index("ix_dues_payment_member_paid", "member_id", "paid_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    paid_on: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Fen)  # everything handed over
    regular: Mapped[Decimal] = mapped_column(Fen)  # applied to months' dues
    voluntary: Mapped[Decimal] = mapped_column(Fen)  # 自愿多交 (< 1000)
    large: Mapped[Decimal] = mapped_column(Fen)  # 大额党费 (one-off ≥ 1000, remitted in full)
    method: Mapped[str] = mapped_column(String(10))
    collector: Mapped[str] = mapped_column(String(40))
    receipt_year: Mapped[int] = mapped_column(Integer)
    receipt_number: Mapped[str] = mapped_column(String(30))
    explanation: Mapped[str | None] = mapped_column(Text)  # over/under payment, in Chinese
    override_reason: Mapped[str | None] = mapped_column(Text)  # beyond the 6-month rule
    note: Mapped[str | None] = mapped_column(Text)
    months: Mapped[list[DuesPaymentMonthRecord]] = relationship(
        back_populates="payment", cascade="all, delete-orphan", order_by="DuesPaymentMonthRecord.month_index"
    )


class DuesPaymentMonthRecord(Base):
    """The part of a payment applied to one month's dues."""

    __tablename__ = "dues_payment_month"
    __table_args__ = (Index("ix_dues_payment_month_member_month", "member_id", "month_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("dues_payment.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    month_index: Mapped[int] = mapped_column(Integer)  # year * 12 + month - 1
    due: Mapped[Decimal] = mapped_column(Fen)  # what was still due for the month when paid
    applied: Mapped[Decimal] = mapped_column(Fen)
    payment: Mapped[DuesPaymentRecord] = relationship(back_populates="months")


class DuesRemittanceRecord(Timestamped, Base):
    """上缴: money passed to the upper organization."""

    __tablename__ = "dues_remittance"

    id: Mapped[int] = mapped_column(primary_key=True)
    remitted_on: Mapped[dt.date] = mapped_column(Date)
    period_from: Mapped[str] = mapped_column(String(7))  # "YYYY-MM"
    period_to: Mapped[str] = mapped_column(String(7))
    amount: Mapped[Decimal] = mapped_column(Fen)
    large: Mapped[Decimal] = mapped_column(Fen, default=Decimal("0"))  # of which 大额党费
    receipt_number: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str | None] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
