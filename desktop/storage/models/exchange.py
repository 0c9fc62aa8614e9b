"""Models of the exchange area (branch side): packages sent to the district, packages received."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.base import Base, Timestamped, UTCDateTime


class SentPackageRecord(Timestamped, Base):
    """One sync package (同步包) exported to the district. Never overwritten: a re-export of the
    same period is a new row with the next sequence number."""

    __tablename__ = "sent_package"

    id: Mapped[int] = mapped_column(primary_key=True)
    sequence: Mapped[int] = mapped_column(Integer, unique=True)
    branch_code: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(120))
    package_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the tag manifest
    file_sha256: Mapped[str] = mapped_column(String(64))  # SHA-256 of the zip file as written
    previous_hash: Mapped[str | None] = mapped_column(String(64))
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date] = mapped_column(Date)
    since_time: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # records changed from then
    exported_time: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    audit_seq: Mapped[int | None] = mapped_column(Integer)  # audit chain head included
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    size: Mapped[int] = mapped_column(Integer, default=0)
    destination: Mapped[str | None] = mapped_column(Text)
    contents: Mapped[str | None] = mapped_column(Text)  # JSON summary: files, tables and counts


class SentAttachmentRecord(Base):
    """An attachment (by SHA-256) already sent, so the next package carries only new ones."""

    __tablename__ = "sent_attachment"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("sent_package.id"))


class DistrictPackageRecord(Timestamped, Base):
    """A package from the district (上级下发) applied to this branch; imported at most once."""

    __tablename__ = "district_package"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_hash: Mapped[str] = mapped_column(String(64), unique=True)
    sequence: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(120))
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    summary: Mapped[str | None] = mapped_column(Text)


class DistrictNoticeRecord(Timestamped, Base):
    """A notice (通知) the district sent, with its attachments stored by hash."""

    __tablename__ = "district_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("district_package.id"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[dt.date | None] = mapped_column(Date)
    attachments: Mapped[str | None] = mapped_column(Text)  # JSON list of {"name", "sha256", "size"}


class DistrictEvaluationRecord(Timestamped, Base):
    """The district's evaluation (考核评价) of the branch for one year."""

    __tablename__ = "district_evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("district_package.id"))
    year: Mapped[int] = mapped_column(Integer, unique=True)
    result: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
