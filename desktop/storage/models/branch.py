"""The branch profile, its committee, and the secretary's settings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.storage.base import Base, Timestamped


class BranchRecord(Timestamped, Base):
    """The branch (党支部) this data folder belongs to: one row."""

    __tablename__ = "branch"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str | None] = mapped_column(String(40))  # assigned by the district
    org_type: Mapped[str] = mapped_column(String(20), default="单独组建")
    parent_org: Mapped[str | None] = mapped_column(String(100))
    founded_on: Mapped[dt.date | None] = mapped_column(Date)
    contact_person: Mapped[str | None] = mapped_column(String(40))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(200))
    units: Mapped[list[JointUnitRecord]] = relationship(
        back_populates="branch", cascade="all, delete-orphan", order_by="JointUnitRecord.position"
    )


class JointUnitRecord(Base):
    """A unit covered by a joint branch (联合支部所在单位)."""

    __tablename__ = "joint_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int] = mapped_column(Integer, default=0)
    branch: Mapped[BranchRecord] = relationship(back_populates="units")


class CommitteeTermRecord(Timestamped, Base):
    """One term (届) of the branch committee or of the secretary alone."""

    __tablename__ = "committee_term"

    id: Mapped[int] = mapped_column(primary_key=True)
    elected_on: Mapped[dt.date] = mapped_column(Date)
    years: Mapped[int] = mapped_column(Integer, default=3)
    note: Mapped[str | None] = mapped_column(Text)
    members: Mapped[list[CommitteeMemberRecord]] = relationship(
        back_populates="term", cascade="all, delete-orphan", order_by="CommitteeMemberRecord.position"
    )


class CommitteeMemberRecord(Base):
    __tablename__ = "committee_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("committee_term.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    post: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)
    term: Mapped[CommitteeTermRecord] = relationship(back_populates="members")


class SettingRecord(Base):
    """A secretary-changeable setting ([setting] in domain.md), stored as text."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
