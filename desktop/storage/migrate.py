"""Schema upgrades of users' files.

The revision a file is at is read with plain sqlite3, so an up-to-date file is opened without
importing alembic (which costs ~0.5 s). Upgrades run in ONE transaction (SQLite DDL is
transactional once pysqlite's own transaction handling is switched off), with foreign keys off
during the batch table copies and `PRAGMA foreign_key_check` before the commit. A file at a
revision this program does not know was written by a newer version: it is refused, untouched."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.domain.errors import LedgerError
from desktop.storage.sqlite_uri import read_only_uri

# Every revision in order. The last is the head; a test checks this against alembic's scripts.
KNOWN_REVISIONS: tuple[str, ...] = (
    "0001_foundation",
    "0002_meetings",
    "0003_dues",
    "0004_audit",
    "0005_annual",
    "0006_exchange",
)
HEAD = KNOWN_REVISIONS[-1]
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class NewerSchemaError(LedgerError):
    pass


class DamagedDatabaseError(LedgerError):
    pass


def database_revision(db_path: Path) -> str | None:
    """The alembic revision stored in the file, or None for a file without one (empty/new)."""
    if not db_path.exists():
        return None
    try:
        conn = sqlite3.connect(read_only_uri(db_path), uri=True)
    except sqlite3.Error as exc:
        raise DamagedDatabaseError(f"无法打开数据库文件 {db_path}：{exc}") from exc
    try:
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
        ).fetchone()
        if not has_table:
            return None
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    except sqlite3.DatabaseError as exc:
        error = DamagedDatabaseError(f"数据库文件 {db_path} 已损坏，无法读取：{exc}。文件未被改动。")
        raise error from exc
    finally:
        conn.close()


def needs_upgrade(db_path: Path) -> bool:
    revision = database_revision(db_path)
    if revision is not None and revision not in KNOWN_REVISIONS:
        raise NewerSchemaError(
            f"数据库文件 {db_path} 由更新版本的支部工作台账写入（结构版本 {revision}），"
            "本程序无法识别。请安装新版本后再打开；文件未作任何改动。"
        )
    return revision != HEAD


def alembic_config(connection: object | None = None):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade(db_path: Path, target: str = "head") -> None:
    """Upgrade (or create) the file to `target` in one transaction."""
    from alembic import command
    from sqlalchemy import create_engine, event, text

    needs_upgrade(db_path)  # refuses a newer file before anything is written
    engine = create_engine(f"sqlite:///{db_path.as_posix()}")

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn, _record):  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, so DDL is in the transaction
        dbapi_conn.execute("PRAGMA foreign_keys=OFF")
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA synchronous=FULL")

    @event.listens_for(engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    try:
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), target)
            problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
            if problems:
                raise DamagedDatabaseError(f"升级后外键检查失败：{problems[:5]}")
    finally:
        engine.dispose()
