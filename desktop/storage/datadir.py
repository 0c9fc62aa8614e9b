"""The data folder: where it is, what is in it, and the lock that keeps a second app out."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from desktop.domain.errors import LedgerError

DB_NAME = "ledger.sqlite3"
LOCK_NAME = ".branch-ledger.lock"
PORTABLE_MARKER = "portable"


@dataclass(frozen=True)
class DataFolder:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / DB_NAME

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    def is_empty(self) -> bool:
        return not self.database.exists()


def program_dir() -> Path:
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(sys.argv[0]).resolve().parent if sys.argv and sys.argv[0] else Path.cwd()


def default_data_dir() -> Path:
    """`portable` marker beside the program → `data/` beside it; otherwise the per-user folder."""
    here = program_dir()
    if (here / PORTABLE_MARKER).exists():
        return here / "data"
    import appdirs  # the only place appdirs is used (unmaintained; platformdirs has the same API)

    return Path(appdirs.user_data_dir("BranchLedger", "BranchLedger"))


def resolve_data_dir(override: str | os.PathLike[str] | None) -> DataFolder:
    return DataFolder(Path(override).expanduser().resolve() if override else default_data_dir())


def looks_like_synced_folder(path: Path) -> bool:
    """Cloud-sync and network folders corrupt or lock SQLite files: warn before using one."""
    text = str(path).lower()
    markers = ("onedrive", "dropbox", "百度网盘", "baidunetdisk", "坚果云", "nutstore", "icloud", "google drive")
    return text.startswith("\\\\") or any(m in text for m in markers)


class FolderLockedError(LedgerError):
    pass


class FolderLock:
    """An exclusive OS-level lock on a file in the data folder, released when the process ends
    (also on a crash, so there is no stale lock to clean). Works for the window and the CLI alike."""

    def __init__(self, folder: DataFolder) -> None:
        self.path = folder.root / LOCK_NAME
        self._handle: object | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+b")  # noqa: SIM115 - held for the life of the lock
        try:
            if os.name == "nt":
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise FolderLockedError(
                f"数据文件夹 {self.path.parent} 正被另一个支部工作台账程序使用。请先关闭那个窗口，再打开。"
            ) from None
        self._handle = handle

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()  # type: ignore[attr-defined]
            self._handle = None

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
