"""What rendering a ledger returns, so the signing/locking/sync layers can handle every kind alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class RenderedLedger:
    """A ledger PDF just written.

    `records` names every database row the ledger shows, as (table name, primary key): when the
    ledger is exported signed, exactly these rows are locked (changes then need an amendment)."""

    kind: str  # "roster" | "meetings" | "dues" | "report" | "signin" | "minutes" | "receipt" ...
    title: str
    path: Path
    year: int | None = None
    records: tuple[tuple[str, int], ...] = field(default_factory=tuple)
