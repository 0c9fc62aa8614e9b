"""Members (党员花名册), their dated history, transfers, and party groups."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.storage.base import Base, Timestamped


class PartyGroupRecord(Timestamped, Base):
    """A party group (党小组); dissolved groups are kept for the history they carry."""

    __tablename__ = "party_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    dissolved_on: Mapped[dt.date | None] = mapped_column(Date)


class MemberRecord(Timestamped, Base):
    """A person on the roster (applicants to full members). The columns category, stage,
    party_group_id, status, is_mobile and is_lost_contact hold the current value; every change
    to them is also a dated `MemberChangeRecord`, which is what as-of-date questions read."""

    __tablename__ = "member"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    sex: Mapped[str | None] = mapped_column(String(2))
    ethnicity: Mapped[str | None] = mapped_column(String(20))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    id_number: Mapped[str | None] = mapped_column(String(18), unique=True)
    education: Mapped[str | None] = mapped_column(String(20))
    degree: Mapped[str | None] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20), default="在职")
    work_unit_post: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(30))
    residence: Mapped[str | None] = mapped_column(String(200))
    household_registration: Mapped[str | None] = mapped_column(String(200))
    applied_on: Mapped[dt.date | None] = mapped_column(Date)  # 申请入党日期
    joined_on: Mapped[dt.date | None] = mapped_column(Date)  # 入党日期 (支部大会接收为预备党员)
    confirmed_on: Mapped[dt.date | None] = mapped_column(Date)  # 转正日期
    stage: Mapped[str] = mapped_column(String(10), default="正式党员")
    party_group_id: Mapped[int | None] = mapped_column(ForeignKey("party_group.id"))
    party_post: Mapped[str | None] = mapped_column(String(40))
    is_mobile: Mapped[bool] = mapped_column(Boolean, default=False)
    mobile_where: Mapped[str | None] = mapped_column(String(120))
    mobile_since: Mapped[dt.date | None] = mapped_column(Date)
    is_lost_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    lost_contact_since: Mapped[dt.date | None] = mapped_column(Date)
    is_migrant_worker: Mapped[bool] = mapped_column(Boolean, default=False)
    new_social_stratum: Mapped[str | None] = mapped_column(String(40))
    new_employment_group: Mapped[str | None] = mapped_column(String(20))  # 新就业群体 tag
    probation_extension: Mapped[str | None] = mapped_column(String(40))  # 延长预备期时间
    status: Mapped[str] = mapped_column(String(10), default="正常")
    notes: Mapped[str | None] = mapped_column(Text)

    changes: Mapped[list[MemberChangeRecord]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="MemberChangeRecord.effective_on"
    )
    transfers: Mapped[list[TransferRecord]] = relationship(
        back_populates="member", cascade="all, delete-orphan", order_by="TransferRecord.transfer_date"
    )


class MemberChangeRecord(Timestamped, Base):
    """One dated value of one attribute of a member (domain.roster.HISTORY_ATTRIBUTES)."""

    __tablename__ = "member_change"
    __table_args__ = (Index("ix_member_change_member_attr", "member_id", "attribute", "effective_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    attribute: Mapped[str] = mapped_column(String(20))
    value: Mapped[str | None] = mapped_column(String(120))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    member: Mapped[MemberRecord] = relationship(back_populates="changes")


class TransferRecord(Timestamped, Base):
    """A transfer of organizational relationship (组织关系转接), in or out."""

    __tablename__ = "transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id", ondelete="CASCADE"))
    direction: Mapped[str] = mapped_column(String(4))  # "转入" | "转出"
    transfer_date: Mapped[dt.date] = mapped_column(Date)
    organization: Mapped[str] = mapped_column(String(120))  # from (转入) or to (转出)
    letter_number: Mapped[str | None] = mapped_column(String(60))  # 介绍信编号
    dues_paid_to: Mapped[str | None] = mapped_column(String(7))  # "YYYY-MM": 党费交至
    note: Mapped[str | None] = mapped_column(Text)
    member: Mapped[MemberRecord] = relationship(back_populates="transfers")
