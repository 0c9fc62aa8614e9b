"""Opening a data folder's database: create, check, back up, upgrade — in that order, never half."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from desktop.domain.errors import LedgerError
from desktop.storage import backup, migrate
from desktop.storage.datadir import DataFolder
from desktop.storage.db import make_engine, make_session_factory
from desktop.storage.integrity import integrity_problems
from desktop.storage.migrate import DamagedDatabaseError


@dataclass
class OpenedDatabase:
    folder: DataFolder
    engine: Engine
    session_factory: sessionmaker[Session]
    created: bool
    upgraded_from: str | None
    backup_path: Path | None
    read_only: bool

    def close(self) -> None:
        self.engine.dispose()


def folder_is_writable(root: Path) -> bool:
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=root, prefix=".write-test-"):
            pass
        return True
    except OSError:
        return False


def open_database(folder: DataFolder, *, today: dt.date, read_only: bool = False) -> OpenedDatabase:
    """Open (creating if absent) the folder's database.

    Raises DamagedDatabaseError (with the newest good backup named) for a damaged file,
    NewerSchemaError for a file from a newer version; neither touches the file."""
    db_path = folder.database
    created = not db_path.exists()
    if created and read_only:
        raise LedgerError(f"数据文件夹 {folder.root} 是只读的，且其中没有台账数据，无法新建。")
    upgraded_from = None
    backup_path = None
    if not created:
        try:
            revision = migrate.database_revision(db_path)
        except DamagedDatabaseError as exc:
            raise _damaged(folder, [str(exc)]) from exc
        problems = integrity_problems(db_path, quick=True)
        if problems:
            raise _damaged(folder, problems)
        if migrate.needs_upgrade(db_path):  # raises NewerSchemaError
            if read_only:
                raise LedgerError("数据文件需要升级，但数据文件夹是只读的。请复制到可写的位置后再打开。")
            backup_path = backup.backup_database(db_path, folder.backups, reason=f"before_upgrade_{revision or 'none'}")
            migrate.upgrade(db_path)
            upgraded_from = revision or "none"
        elif not read_only:
            backup_path = backup.daily_backup(db_path, folder.backups, today=today)
    else:
        folder.root.mkdir(parents=True, exist_ok=True)
        try:
            migrate.upgrade(db_path)
        except BaseException:
            for suffix in ("", "-wal", "-shm"):
                Path(str(db_path) + suffix).unlink(missing_ok=True)
            raise
    engine = make_engine(db_path, read_only=read_only)
    return OpenedDatabase(folder, engine, make_session_factory(engine), created, upgraded_from, backup_path, read_only)


def _damaged(folder: DataFolder, problems: list[str]) -> DamagedDatabaseError:
    good = backup.newest_good_backup(folder.backups)
    hint = (
        f"最近一份完好的备份是 {good.path.name}（{good.taken_at:%Y-%m-%d %H:%M}），可在“设置→备份与恢复”中恢复。"
        if good
        else "没有找到可用的备份。"
    )
    error = DamagedDatabaseError(
        f"数据库文件 {folder.database} 已损坏：{problems[0]}。文件未被改动。{hint}"
    )
    error.good_backup = good.path if good else None  # type: ignore[attr-defined]
    return error


