"""The audit chain (审计链): its head, its entries, and its verification."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from desktop.services.context import LedgerContext
from desktop.storage import audit as chain
from desktop.storage.models.audit import AuditEntryRecord


@dataclass(frozen=True)
class AuditEntryDto:
    seq: int
    recorded_at: dt.datetime
    table_name: str
    row_id: str
    action: str
    data: dict[str, Any] | None
    prev_hash: str
    hash: str


def head_note(seq: int, digest: str) -> str:
    """What a signed ledger prints in its footer: the chain head it was made at."""
    return f"审计链 #{seq} {digest[:16]}"


class AuditService:
    def __init__(self, ctx: LedgerContext) -> None:
        self.ctx = ctx

    def head(self) -> tuple[int, str]:
        """(seq, hash) of the newest entry; (0, "000…") for an empty chain."""
        with self.ctx.reading() as session:
            return chain.head(session.connection())

    def entries_since(self, seq: int) -> list[AuditEntryDto]:
        with self.ctx.reading() as session:
            records = session.scalars(
                select(AuditEntryRecord).where(AuditEntryRecord.seq > seq).order_by(AuditEntryRecord.seq)
            ).all()
            return [
                AuditEntryDto(r.seq, r.recorded_at, r.table_name, r.row_id, r.action,
                              json.loads(r.data) if r.data is not None else None, r.prev_hash, r.hash)
                for r in records
            ]

    def verify(self) -> list[str]:
        """Problems found, in Chinese: the first broken link of the chain, then every row whose
        content differs from its last audited content (changed in the file outside the app)."""
        with self.ctx.reading() as session:
            conn = session.connection()
            return chain.verify_chain(conn) + chain.direct_changes(conn)
