"""Backup, restore and integrity checks of the open data folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.services.context import LedgerContext
from desktop.storage import backup
from desktop.storage.backup import BackupInfo
from desktop.storage.integrity import integrity_problems


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


class MaintenanceService:
    def __init__(self, ctx: LedgerContext) -> None:
        self.ctx = ctx

    def backup_now(self, reason: str = "manual") -> Path:
        return backup.backup_database(self.ctx.folder.database, self.ctx.folder.backups, reason=reason)

    def backups(self) -> list[BackupInfo]:
        return backup.list_backups(self.ctx.folder.backups)

    def check(self) -> CheckReport:
        """SQLite integrity and foreign keys, then the audit chain and rows changed outside the app."""
        problems = list(integrity_problems(self.ctx.folder.database))
        if not problems:  # a damaged file cannot be read row by row
            from desktop.services.audit import AuditService

            problems.extend(AuditService(self.ctx).verify())
        return CheckReport(tuple(problems))
