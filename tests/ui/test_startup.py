"""Opening a data folder from the window: each failure is explained, nothing is overwritten silently."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.storage.datadir import DataFolder, FolderLock
from desktop.ui import startup

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


class Boxes:
    def __init__(self) -> None:
        self.shown: list[tuple[str, str, str]] = []
        self.answer = QMessageBox.StandardButton.Yes

    def kinds(self) -> list[str]:
        return [kind for kind, _, _ in self.shown]

    def text(self) -> str:
        return "\n".join(text for _, _, text in self.shown)


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> Boxes:
    record = Boxes()
    for kind in ("critical", "question", "warning", "information"):
        def fake(parent, title, text, *args, _kind=kind, **kwargs):  # type: ignore[no-untyped-def]
            record.shown.append((_kind, title, text))
            return record.answer

        monkeypatch.setattr(QMessageBox, kind, fake)
    return record


@pytest.fixture
def parent(qtbot) -> QWidget:  # type: ignore[no-untyped-def]
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def demo_folder(demo_template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "branch"
    shutil.copytree(demo_template, target, ignore=shutil.ignore_patterns(".branch-ledger.lock"))
    return target


def damage(db: Path) -> None:
    data = bytearray(db.read_bytes())
    data[100:4096 * 3] = b"\xff" * (4096 * 3 - 100)  # the header's tail and the first pages
    db.write_bytes(bytes(data))


def test_demo_fills_an_empty_folder(parent, boxes, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import desktop.services.demo as demo

    monkeypatch.setattr(demo, "STEPS", ("desktop.services.demo.roster",))  # the roster part is enough here
    services = startup.open_services_for_window(parent, str(tmp_path / "new"), demo=True)
    try:
        assert services is not None
        assert len(services.roster.list_members()) == 25
        assert not boxes.shown
    finally:
        services.close()


def test_a_second_app_on_the_same_folder_is_refused(parent, boxes, demo_folder: Path) -> None:  # type: ignore[no-untyped-def]
    with FolderLock(DataFolder(demo_folder)):
        services = startup.open_services_for_window(parent, str(demo_folder), demo=False)
    assert services is None
    assert boxes.kinds() == ["critical"]
    assert "正被另一个" in boxes.text() and str(demo_folder) in boxes.text()
    assert "导入区里的包" not in boxes.text()


def test_a_package_opened_while_the_window_is_open_says_where_to_import_it(  # type: ignore[no-untyped-def]
        parent, boxes, demo_folder: Path, tmp_path: Path) -> None:
    package = tmp_path / "B001-00002-20261121.zip"
    with FolderLock(DataFolder(demo_folder)):
        services = startup.open_services_for_window(parent, str(demo_folder), demo=False, package=package)
    assert services is None
    assert "正被另一个" in boxes.text()
    assert f"要导入 {package.name}，请在已打开的窗口中点“台账与同步 → 同步 → 导入区里的包…”" in boxes.text()


def test_damaged_file_offers_the_newest_good_backup(parent, boxes, demo_folder: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop.storage.backup import backup_database, list_backups

    folder = DataFolder(demo_folder)
    backup_database(folder.database, folder.backups, reason="manual")
    damage(folder.database)
    damaged_bytes = folder.database.read_bytes()
    services = startup.open_services_for_window(parent, str(demo_folder), demo=False)
    try:
        assert boxes.kinds() == ["question"]
        assert "已损坏" in boxes.text()
        assert services is not None and len(services.roster.list_members()) == 25
        kept = [p for p in folder.backups.iterdir() if p.suffix == ".damaged"]
        assert len(kept) == 1 and kept[0].read_bytes() == damaged_bytes  # the damaged file is kept
        assert any(b.reason == "manual" for b in list_backups(folder.backups))
    finally:
        if services is not None:
            services.close()


def test_damaged_file_declined_is_left_untouched(parent, boxes, demo_folder: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop.storage.backup import backup_database

    folder = DataFolder(demo_folder)
    backup_database(folder.database, folder.backups, reason="manual")
    damage(folder.database)
    before = folder.database.read_bytes()
    boxes.answer = QMessageBox.StandardButton.No
    assert startup.open_services_for_window(parent, str(demo_folder), demo=False) is None
    assert boxes.kinds() == ["question", "critical"]
    assert folder.database.read_bytes() == before


def test_file_from_a_newer_version_is_refused_untouched(parent, boxes, demo_folder: Path) -> None:  # type: ignore[no-untyped-def]
    db = DataFolder(demo_folder).database
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num='9999_future'")
    conn.close()
    before = db.read_bytes()
    assert startup.open_services_for_window(parent, str(demo_folder), demo=False) is None
    assert boxes.kinds() == ["critical"] and "更新版本" in boxes.text()
    assert db.read_bytes() == before


def test_synced_folder_warns_first(parent, boxes, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    boxes.answer = QMessageBox.StandardButton.No
    assert startup.open_services_for_window(parent, str(tmp_path / "OneDrive" / "台账"), demo=True) is None
    assert boxes.kinds() == ["warning"] and "同步" in boxes.text()
    assert not (tmp_path / "OneDrive" / "台账" / "ledger.sqlite3").exists()


def test_read_only_media_open_read_only_with_a_banner(qtbot, boxes, demo_folder: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import desktop.services.context as context
    from desktop.ui.main_window import MainWindow

    monkeypatch.setattr(context, "folder_is_writable", lambda root: False)  # tests run as root: chmod is no test
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    services = startup.open_services_for_window(window, str(demo_folder), demo=False)
    assert services is not None and services.ctx.read_only
    window.attach(services)
    assert window.read_only_banner.isVisible()
    assert "只读" in window.windowTitle()
    assert not window.backup_action.isEnabled()
    from desktop.domain.errors import LedgerError
    from desktop.domain.roster import MemberFields

    with pytest.raises(Exception) as raised:
        services.roster.add_member(MemberFields(name="王小明", joined_on=dt.date(2010, 1, 1)))
    assert isinstance(raised.value, (LedgerError, sqlite3.Error)) or "readonly" in str(raised.value).lower()
    window.close()


def test_window_options_are_read_without_the_full_command_line() -> None:
    from desktop.app import _window_options

    options = _window_options(["--data-dir", "某处", "--demo"])
    assert options is not None and (options.data_dir, options.demo) == ("某处", True)
    assert _window_options(["--data-dir=甲"]).data_dir == "甲"
    assert _window_options([]).data_dir is None
    for argv in (["backup"], ["--help"], ["--version"], ["--data-dir"], ["--data-dir", "x", "roster", "export", "a.xlsx"]):
        assert _window_options(argv) is None, argv  # these go to the full parser
