"""The audit chain, produced ledgers, record locks and amendments (更正)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from desktop.storage.base import Base, UTCDateTime, utcnow


class AuditEntryRecord(Base):
    """One write to one row. `hash` = SHA-256 over `prev_hash` and the entry's canonical JSON, so
    changing or removing an entry breaks every later link. Appended by the session hooks in
    `desktop.storage.audit`, never by hand."""

    __tablename__ = "audit_entry"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(10))  # insert | update | delete | baseline
    data: Mapped[str | None] = mapped_column(Text)  # canonical JSON of the row as stored (None: deleted)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class ProducedLedgerRecord(Base):
    """A ledger PDF the app wrote out (台账导出记录), signed or not."""

    __tablename__ = "produced_ledger"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120))
    path: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    signer: Mapped[str | None] = mapped_column(String(200))
    cert_fingerprint: Mapped[str | None] = mapped_column(String(64))
    self_signed: Mapped[bool] = mapped_column(Boolean, default=False)
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_hash: Mapped[str] = mapped_column(String(64), default="")
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    produced_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecordLockRecord(Base):
    """A row that went out in a signed ledger: changing it needs an amendment."""

    __tablename__ = "record_lock"
    __table_args__ = (Index("ix_record_lock_row", "table_name", "row_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[str] = mapped_column(String(80))
    ledger_id: Mapped[int] = mapped_column(ForeignKey("produced_ledger.id"))
    locked_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class AmendmentRecord(Base):
    """An amendment (更正) of a locked row: what changed (old and new values), why, when, by whom.
    The old values are the original as it was reported."""

    __tablename__ = "amendment"
    __table_args__ = (Index("ix_amendment_row", "table_name", "row_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    table_name: Mapped[str] = mapped_column(String(60))
    row_id: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(10))  # update | delete
    old_values: Mapped[str] = mapped_column(Text)  # JSON {column: value}
    new_values: Mapped[str | None] = mapped_column(Text)  # JSON {column: value}; None when deleted
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(60))
    amended_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_by_ledger_id: Mapped[int | None] = mapped_column(ForeignKey("produced_ledger.id"))
    carried_in_ledger_id: Mapped[int | None] = mapped_column(ForeignKey("produced_ledger.id"))
