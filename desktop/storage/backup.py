"""Backups with SQLite's online backup API (never a file copy: WAL), rotation, and restore."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from desktop.domain.errors import LedgerError
from desktop.storage.sqlite_uri import read_only_uri

AUTO_KEEP = 10
PREFIX = "ledger-"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime
    reason: str
    size: int


def _stamp(now: dt.datetime) -> str:
    return now.strftime("%Y%m%d-%H%M%S")


def backup_database(db_path: Path, backups_dir: Path, *, reason: str = "manual", now: dt.datetime | None = None) -> Path:
    """Copy the live database consistently into `backups_dir`. Written to a temp name, then renamed."""
    now = now or dt.datetime.now()
    backups_dir.mkdir(parents=True, exist_ok=True)
    target = backups_dir / f"{PREFIX}{_stamp(now)}-{reason}.sqlite3"
    counter = 1
    while target.exists():
        target = backups_dir / f"{PREFIX}{_stamp(now)}-{reason}-{counter}.sqlite3"
        counter += 1
    try:
        copy_database(db_path, target)
    except (sqlite3.Error, OSError) as exc:
        raise LedgerError(f"备份失败（{backups_dir}）：{exc}。磁盘是否已满或只读？") from exc
    return target


def copy_database(source_path: Path, target: Path) -> None:
    """A consistent copy with SQLite's online backup API (never a file copy: WAL), written to a
    temporary name and renamed, so `target` is whole or untouched."""
    partial = target.with_name(target.name + ".partial")
    try:
        source = sqlite3.connect(read_only_uri(source_path), uri=True)
        try:
            dest = sqlite3.connect(partial)
            try:
                source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def list_backups(backups_dir: Path) -> list[BackupInfo]:
    """Newest first."""
    if not backups_dir.exists():
        return []
    infos = []
    for path in backups_dir.glob(f"{PREFIX}*.sqlite3"):
        parts = path.stem[len(PREFIX):].split("-")
        try:
            taken = dt.datetime.strptime(parts[0] + parts[1], "%Y%m%d%H%M%S")
        except (ValueError, IndexError):
            continue
        reason = parts[2] if len(parts) > 2 else ""
        infos.append(BackupInfo(path, taken, reason, path.stat().st_size))
    return sorted(infos, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def rotate(backups_dir: Path, *, reason: str = "auto", keep: int = AUTO_KEEP) -> list[Path]:
    """Delete all but the newest `keep` backups made for `reason`; others are never touched."""
    removed = []
    same = [b for b in list_backups(backups_dir) if b.reason == reason]
    for old in same[keep:]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def daily_backup(db_path: Path, backups_dir: Path, *, today: dt.date, keep: int = AUTO_KEEP) -> Path | None:
    """The automatic start-up backup: at most one a day, the newest `keep` kept."""
    if any(b.reason == "auto" and b.taken_at.date() == today for b in list_backups(backups_dir)):
        return None
    path = backup_database(db_path, backups_dir, reason="auto")
    rotate(backups_dir, reason="auto", keep=keep)
    return path


def is_healthy(db_path: Path) -> bool:
    try:
        conn = sqlite3.connect(read_only_uri(db_path), uri=True)
        try:
            return conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def newest_good_backup(backups_dir: Path) -> BackupInfo | None:
    return next((b for b in list_backups(backups_dir) if is_healthy(b.path)), None)


def restore_backup(backup: Path, db_path: Path, backups_dir: Path) -> Path | None:
    """Replace the live file with `backup`; returns where the current file was kept.

    A sound current file is first backed up with the backup API (reason "before_restore", so it is
    listed and can be restored in turn); a damaged one is moved aside raw as `.damaged`. Stale
    -wal/-shm side files are removed, and the copy is made with the backup API to a temp name."""
    if not is_healthy(backup):
        raise LedgerError(f"备份文件 {backup.name} 本身已损坏，不能用于恢复")
    kept = None
    if db_path.exists():
        if is_healthy(db_path):
            kept = backup_database(db_path, backups_dir, reason="before_restore")
        else:
            backups_dir.mkdir(parents=True, exist_ok=True)
            kept = backups_dir / f"{PREFIX}{_stamp(dt.datetime.now())}-before_restore.damaged"
        partial_old = db_path.with_suffix(".replaced")
        os.replace(db_path, partial_old)
        if kept.suffix == ".damaged":
            os.replace(partial_old, kept)
            for side in ("-wal", "-shm"):  # a damaged file's journal may hold what it lacks: keep it too
                stale = Path(str(db_path) + side)
                if stale.exists():
                    os.replace(stale, Path(str(kept) + side))
        else:
            partial_old.unlink()
    for side in ("-wal", "-shm"):
        Path(str(db_path) + side).unlink(missing_ok=True)
    try:
        copy_database(backup, db_path)
    except (sqlite3.Error, OSError) as exc:
        raise LedgerError(f"恢复失败：{exc}。原数据文件已保存在 {kept}。") from exc
    return kept
