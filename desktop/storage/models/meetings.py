"""Meetings (三会一课 and other organizational life): the record, attendance, speeches,
resolutions with their tallies, 列席 guests and attachments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from desktop.storage.base import Base, Timestamped, UTCDateTime


class MeetingRecord(Timestamped, Base):
    """One meeting, planned or held. A meeting held as several types at once (a 主题党日 combined
    with a 党员大会) is one row whose `kinds` lists them all ("主题党日,支部党员大会")."""

    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_held_on", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))  # 会议编号, e.g. "2026-07"
    kinds: Mapped[str] = mapped_column(String(200))
    party_group_id: Mapped[int | None] = mapped_column(ForeignKey("party_group.id"))
    status: Mapped[str] = mapped_column(String(10), default="planned")  # "planned" | "held"
    held_on: Mapped[dt.date] = mapped_column(Date)
    starts_at: Mapped[str | None] = mapped_column(String(5))
    ends_at: Mapped[str | None] = mapped_column(String(5))
    place: Mapped[str | None] = mapped_column(String(200))
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    topic: Mapped[str] = mapped_column(String(200))
    activity: Mapped[str | None] = mapped_column(Text)  # 主题党日 activity
    chair: Mapped[str | None] = mapped_column(String(40))
    recorder: Mapped[str | None] = mapped_column(String(40))
    agenda: Mapped[str | None] = mapped_column(Text)  # one item a line
    guests: Mapped[str | None] = mapped_column(Text)  # 列席, one a line
    closing: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # when the record was entered
    recorded_on: Mapped[dt.date | None] = mapped_column(Date)  # that day, local
    late_entry: Mapped[bool] = mapped_column(Boolean, default=False)  # 补记
    late_reason: Mapped[str | None] = mapped_column(Text)
    late_limit_days: Mapped[int | None] = mapped_column(Integer)  # the limit in force when entered

    attendance: Mapped[list[MeetingAttendanceRecord]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingAttendanceRecord.id")
    speeches: Mapped[list[MeetingSpeechRecord]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingSpeechRecord.position")
    resolutions: Mapped[list[MeetingResolutionRecord]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingResolutionRecord.position")
    attachments: Mapped[list[MeetingAttachmentRecord]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="MeetingAttachmentRecord.id")


class MeetingAttendanceRecord(Timestamped, Base):
    """One expected member's attendance (出席/迟到/请假/缺席)."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    status: Mapped[str] = mapped_column(String(4))
    leave_type: Mapped[str | None] = mapped_column(String(4))
    note: Mapped[str | None] = mapped_column(String(200))
    probationary: Mapped[bool] = mapped_column(Boolean, default=False)  # 预备党员 on the day: no vote
    meeting: Mapped[MeetingRecord] = relationship(back_populates="attendance")


class MeetingSpeechRecord(Timestamped, Base):
    """A named speaker's points (发言要点) in the minutes."""

    __tablename__ = "meeting_speech"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    speaker: Mapped[str] = mapped_column(String(40))
    points: Mapped[str] = mapped_column(Text)
    meeting: Mapped[MeetingRecord] = relationship(back_populates="speeches")


class MeetingResolutionRecord(Timestamped, Base):
    """A resolution (决议); when put to a vote, its tally (应到/实到/赞成/反对/弃权, written opinions)."""

    __tablename__ = "meeting_resolution"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    voted: Mapped[bool] = mapped_column(Boolean, default=False)
    expected: Mapped[int | None] = mapped_column(Integer)
    present: Mapped[int | None] = mapped_column(Integer)
    yes: Mapped[int | None] = mapped_column(Integer)
    no: Mapped[int | None] = mapped_column(Integer)
    abstain: Mapped[int | None] = mapped_column(Integer)
    written: Mapped[int | None] = mapped_column(Integer)
    written_opinions: Mapped[str | None] = mapped_column(Text)  # absentees' written opinions
    meeting: Mapped[MeetingRecord] = relationship(back_populates="resolutions")


class MeetingAttachmentRecord(Timestamped, Base):
    """A photo or scan (the signed 签到表) kept in the attachment store by its SHA-256."""

    __tablename__ = "meeting_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    caption: Mapped[str | None] = mapped_column(String(200))
    meeting: Mapped[MeetingRecord] = relationship(back_populates="attachments")
