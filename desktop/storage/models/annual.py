"""The annual 述职 materials: the report draft, the three lists, the evaluation and members' grades."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.base import Base, Timestamped, UTCDateTime


class AnnualReportRecord(Timestamped, Base):
    """The secretary's 述职报告 of one year: its four sections as Markdown with figure blocks."""

    __tablename__ = "annual_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    duties: Mapped[str] = mapped_column(Text, default="")  # 履职情况及成效
    problems: Mapped[str] = mapped_column(Text, default="")  # 存在问题及原因
    plans: Mapped[str] = mapped_column(Text, default="")  # 下一步打算
    followup: Mapped[str] = mapped_column(Text, default="")  # 上年问题整改情况
    saved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class AnnualItemRecord(Timestamped, Base):
    """One row of the three lists (问题清单/责任清单/整改清单) of one year.

    An item still open at the end of a year is carried into the next as a new row pointing back
    at it (`carried_from_id`); the old row keeps what that year's list said."""

    __tablename__ = "annual_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    problem: Mapped[str] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(Text, default="")
    raised_on: Mapped[dt.date] = mapped_column(Date)
    responsible: Mapped[str] = mapped_column(String(80), default="")
    measure: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="待整改")
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    result: Mapped[str] = mapped_column(Text, default="")
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))  # attachments/ content address
    evidence_name: Mapped[str | None] = mapped_column(String(200))
    evidence_type: Mapped[str | None] = mapped_column(String(40))  # media type (storage.attachments)
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("annual_item.id"))


class AnnualEvaluationRecord(Timestamped, Base):
    """The 述职评议 of one year: the anonymous rating tally and the upper organization's verdict."""

    __tablename__ = "annual_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    held_on: Mapped[dt.date | None] = mapped_column(Date)
    scale: Mapped[str] = mapped_column(String(40))  # the grades used, e.g. "好/较好/一般/差"
    eligible: Mapped[int] = mapped_column(Integer)  # 应参加测评人数
    participants: Mapped[int] = mapped_column(Integer)  # 实际参加测评人数
    count_1: Mapped[int] = mapped_column(Integer, default=0)
    count_2: Mapped[int] = mapped_column(Integer, default=0)
    count_3: Mapped[int] = mapped_column(Integer, default=0)
    count_4: Mapped[int] = mapped_column(Integer, default=0)
    upper_grade: Mapped[str | None] = mapped_column(String(20))  # 上级党组织综合评定等次
    upper_comments: Mapped[str | None] = mapped_column(Text)


class AnnualMemberGradeRecord(Timestamped, Base):
    """A member's 民主评议党员 grade for a year, with the 组织生活会 it came from."""

    __tablename__ = "annual_member_grade"
    __table_args__ = (UniqueConstraint("year", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    grade: Mapped[str] = mapped_column(String(10))
    meeting_id: Mapped[int | None] = mapped_column(Integer)  # the 组织生活会 (meetings area), if recorded there
    source: Mapped[str | None] = mapped_column(String(120))  # how that meeting reads (date and title)
    note: Mapped[str | None] = mapped_column(Text)
