"""The schema is made only by migrations, and it matches the models."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from desktop.domain.errors import LedgerError
from desktop.storage import migrate
from desktop.storage.datadir import DataFolder
from desktop.storage.models import Base
from desktop.storage.opening import open_database

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "dbs"


def test_new_file_is_made_by_migrating_from_empty(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite3"
    migrate.upgrade(db)
    assert migrate.database_revision(db) == migrate.HEAD
    tables = {r[0] for r in sqlite3.connect(db).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"member", "member_change", "branch", "transfer", "party_group"} <= tables


def test_models_agree_with_migrated_schema(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    db = tmp_path / "schema.sqlite3"
    migrate.upgrade(db)
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    engine.dispose()
    assert diff == []


def test_known_revisions_match_alembic_scripts() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    chain = [rev.revision for rev in script.walk_revisions()][::-1]
    assert tuple(chain) == migrate.KNOWN_REVISIONS
    assert script.get_current_head() == migrate.HEAD


def test_file_from_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    folder = DataFolder(tmp_path)
    db = folder.database
    migrate.upgrade(db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num='9999_future'")
    before = db.read_bytes()
    with pytest.raises(migrate.NewerSchemaError, match="更新版本"):
        open_database(folder, today=__import__("datetime").date(2026, 1, 1))
    assert db.read_bytes() == before


def test_damaged_file_is_reported_with_newest_good_backup(tmp_path: Path) -> None:
    import datetime as dt

    from desktop.storage import backup

    folder = DataFolder(tmp_path / "d")
    open_database(folder, today=dt.date(2026, 1, 1)).close()
    good = backup.backup_database(folder.database, folder.backups, reason="manual")
    raw = bytearray(folder.database.read_bytes())
    raw[100:4096] = b"\xff" * (4096 - 100)
    folder.database.write_bytes(bytes(raw))
    for side in ("-wal", "-shm"):
        Path(str(folder.database) + side).unlink(missing_ok=True)
    damaged = folder.database.read_bytes()
    with pytest.raises(migrate.DamagedDatabaseError) as info:
        open_database(folder, today=dt.date(2026, 1, 2))
    assert good.name in str(info.value)
    assert folder.database.read_bytes() == damaged  # never overwritten silently
    kept = backup.restore_backup(good, folder.database, folder.backups)
    assert kept is not None and kept.read_bytes() == damaged
    assert migrate.database_revision(folder.database) == migrate.HEAD


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.sqlite3")), ids=lambda p: p.name)
def test_upgrade_from_each_released_schema(fixture: Path, tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "old.sqlite3"
    shutil.copy(fixture, db)
    migrate.upgrade(db)
    assert migrate.database_revision(db) == migrate.HEAD
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT count(*) FROM member").fetchone()[0] > 0


def test_upgrade_failure_leaves_file_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "half.sqlite3"
    migrate.upgrade(db, "0001_foundation")
    before = migrate.database_revision(db)

    from alembic import command

    real = command.upgrade

    def failing(config, target):  # type: ignore[no-untyped-def]
        real(config, target)
        raise RuntimeError("power cut")

    monkeypatch.setattr(command, "upgrade", failing)
    with pytest.raises(RuntimeError):
        migrate.upgrade(db)
    assert migrate.database_revision(db) == before


def test_locked_folder_refuses_second_opener(tmp_path: Path) -> None:
    from desktop.services.context import open_ledger

    first = open_ledger(tmp_path / "x")
    try:
        with pytest.raises(LedgerError, match="正被另一个"):
            open_ledger(tmp_path / "x")
    finally:
        first.close()
    open_ledger(tmp_path / "x").close()
