"""An opened data folder: the lock, the database, the clock. Handed to every service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.orm import Session

from desktop.storage.datadir import DataFolder, FolderLock, resolve_data_dir
from desktop.storage.db import unit_of_work
from desktop.storage.opening import OpenedDatabase, folder_is_writable, open_database


class LedgerContext:
    """One open branch data folder. `today` is a callable so tests can fix the date."""

    def __init__(self, folder: DataFolder, db: OpenedDatabase, lock: FolderLock | None,
                 today: Callable[[], dt.date]) -> None:
        self.folder = folder
        self.db = db
        self._lock = lock
        self._today = today

    @property
    def read_only(self) -> bool:
        return self.db.read_only

    @property
    def data_dir(self) -> Path:
        return self.folder.root

    def today(self) -> dt.date:
        return self._today()

    @contextmanager
    def unit_of_work(self, *, amendment_reason: str | None = None) -> Iterator[Session]:
        """One user action = one transaction (committed at the end, rolled back on any error)."""
        with unit_of_work(self.db.session_factory, amendment_reason=amendment_reason) as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for queries only; nothing is committed."""
        session = self.db.session_factory()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    def close(self) -> None:
        self.db.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> LedgerContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_ledger(data_dir: str | Path | None = None, *, today: Callable[[], dt.date] | None = None,
                read_only: bool | None = None) -> LedgerContext:
    """Lock the folder and open its database (creating, backing up and upgrading as needed).

    A folder on read-only media (a write-protected USB stick) opens read-only when `read_only` is
    None; the lock is then skipped since nothing can be written."""
    folder = resolve_data_dir(data_dir)
    if read_only is None:
        read_only = folder.database.exists() and not folder_is_writable(folder.root)
    lock = None
    if not read_only:
        if not folder_is_writable(folder.root):
            from desktop.domain.errors import LedgerError

            raise LedgerError(f"无法写入数据文件夹 {folder.root}：请检查权限或磁盘空间。")
        lock = FolderLock(folder)
        lock.acquire()
    clock = today or dt.date.today
    try:
        db = open_database(folder, today=clock(), read_only=read_only)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    return LedgerContext(folder, db, lock, clock)
