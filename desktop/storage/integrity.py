"""Integrity checks of the database file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.storage.sqlite_uri import read_only_uri


def integrity_problems(db_path: Path, *, quick: bool = False) -> list[str]:
    """SQLite's own integrity check plus the foreign-key check; empty when the file is sound."""
    try:
        conn = sqlite3.connect(read_only_uri(db_path), uri=True)
    except sqlite3.Error as exc:
        return [f"无法打开：{exc}"]
    try:
        pragma = "quick_check" if quick else "integrity_check"
        rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}")]
        problems = [] if rows == ["ok"] else [f"完整性检查：{r}" for r in rows[:20]]
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check").fetchall()[:20]:
            problems.append(f"外键错误：表 {table} 第 {rowid} 行引用的 {parent} 记录不存在")
        return problems
    except sqlite3.DatabaseError as exc:
        return [f"文件已损坏：{exc}"]
    finally:
        conn.close()
