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


def restore_folder(data_dir: Path, backup_file: Path) -> Path | None:
    """Replace the data folder's database by `backup_file` while no context has it open.

    The folder is locked for the duration (a second app cannot slip in), the backup is checked
    first (damaged or from a newer version: refused, nothing touched), and the current file is
    kept aside in backups/. Returns where the current file was kept. The caller reopens the folder
    (which upgrades an older backup in the usual way)."""
    from desktop.storage import migrate
    from desktop.storage.datadir import FolderLock, resolve_data_dir

    folder = resolve_data_dir(data_dir)
    if not backup.is_healthy(backup_file):
        from desktop.domain.errors import LedgerError

        raise LedgerError(f"备份文件 {backup_file.name} 已损坏，不能用于恢复。当前数据未被改动。")
    migrate.needs_upgrade(backup_file)  # NewerSchemaError for a backup written by a newer version
    with FolderLock(folder):
        return backup.restore_backup(backup_file, folder.database, folder.backups)
