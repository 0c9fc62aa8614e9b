"""First run on an empty folder: create, demo, restore a backup, import a package — each through the
dialog's properties and `perform_first_run`, read back through the services."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.domain.errors import LedgerError

# the offscreen platform warns that it cannot propagate size hints when a dialog is shown
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def make_dialog(qtbot, **kwargs):
    from desktop.ui.first_run import FirstRunDialog

    dialog = FirstRunDialog(None, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    return dialog


def test_create_needs_a_name_and_says_so_in_the_dialog(qtbot):
    dialog = make_dialog(qtbot)
    assert dialog.create_choice.isChecked()
    dialog.accept()
    assert dialog.result() == 0 and dialog.isVisible()
    assert "支部名称" in dialog.error_label.text() and dialog.error_label.isVisible()
    dialog.name_edit.setText("  喆堃科技有限公司党支部 ")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.choice.kind == "create" and dialog.choice.branch_name == "喆堃科技有限公司党支部"


def test_choices_enable_their_own_fields_and_keyboard_reaches_them(qtbot):
    dialog = make_dialog(qtbot)
    qtbot.waitUntil(dialog.isActiveWindow)
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)  # mnemonic &R
    qtbot.waitUntil(dialog.restore_choice.isChecked)  # a mnemonic "animates" the click
    assert dialog.backup_edit.isEnabled() and not dialog.name_edit.isEnabled()
    dialog.demo_choice.setChecked(True)
    assert dialog.wants_demo and not dialog.backup_edit.isEnabled()


def test_import_choice_hidden_without_the_sync_area(qtbot):
    assert make_dialog(qtbot).import_choice.isHidden()
    assert not make_dialog(qtbot, can_import=True).import_choice.isHidden()


def test_restore_requires_an_existing_file(qtbot, tmp_path):
    dialog = make_dialog(qtbot)
    dialog.restore_choice.setChecked(True)
    dialog.accept()
    assert "请选择备份文件" in dialog.error_label.text()
    dialog.backup_edit.setText(str(tmp_path / "nope.sqlite3"))
    dialog.accept()
    assert "找不到备份文件" in dialog.error_label.text()
    assert dialog.result() == 0


def test_create_saves_the_branch(services):
    from desktop.ui.first_run import FirstRunChoice, perform_first_run

    perform_first_run(services, FirstRunChoice("create", "星火社区党支部"))
    assert services.branch.profile().name == "星火社区党支部"


def test_restore_from_a_backup_brings_the_branch_back(demo_copy, services):
    from desktop.ui.first_run import FirstRunChoice, perform_first_run

    backup = demo_copy.maintenance.backup_now(reason="moving")
    expected_name = demo_copy.branch.profile().name
    expected_members = len(demo_copy.roster.list_members())
    assert services.branch.profile() is None

    perform_first_run(services, FirstRunChoice("restore", path=backup))
    assert services.branch.profile().name == expected_name
    assert len(services.roster.list_members()) == expected_members
    # the folder keeps working: a write after the restore is committed and read back
    services.maintenance.backup_now(reason="after_restore")
    assert any(b.reason == "after_restore" for b in services.maintenance.backups())


def test_restore_refuses_a_file_that_is_not_a_backup_and_touches_nothing(services, tmp_path):
    from desktop.ui.first_run import FirstRunChoice, perform_first_run

    junk = tmp_path / "notes.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    with pytest.raises(LedgerError, match="notes.sqlite3"):
        perform_first_run(services, FirstRunChoice("restore", path=junk))
    assert services.branch.profile() is None
    from desktop.services.branch import BranchProfile

    services.branch.save_profile(BranchProfile(name="之后仍可新建"))  # the open folder still works
    assert services.branch.profile().name == "之后仍可新建"


def test_import_of_a_bad_package_leaves_the_folder_empty(services, tmp_path):
    from desktop.ui.first_run import FirstRunChoice, can_import_packages, perform_first_run

    if not can_import_packages(services):
        pytest.skip("the sync area does not provide import_district_package yet")
    bogus = tmp_path / "DC0001-1-2026-11-21.zip"
    bogus.write_bytes(b"PK\x03\x04 truncated")
    with pytest.raises(LedgerError):
        perform_first_run(services, FirstRunChoice("import", "星火社区党支部", bogus))
    assert services.branch.profile() is None


def test_run_first_run_shows_the_failure_and_lets_the_user_choose_again(qtbot, services, tmp_path, monkeypatch):
    """The real loop: a refused backup keeps the dialog (with the reason); creating then succeeds."""
    from desktop.ui import first_run

    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"x" * 4096)
    shown: list[str] = []
    answers = iter([("restore", junk), ("create", "星火社区党支部")])

    def fake_exec(self):  # type: ignore[no-untyped-def]
        if shown or self.error_label.text():
            shown.append(self.error_label.text())
        kind, value = next(answers)
        if kind == "restore":
            self.restore_choice.setChecked(True)
            self.backup_edit.setText(str(value))
        else:
            self.create_choice.setChecked(True)
            self.name_edit.setText(value)
        return first_run.QDialog.DialogCode.Accepted

    monkeypatch.setattr(first_run.FirstRunDialog, "exec", fake_exec)
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    assert first_run.run_first_run(parent, services) is True
    assert shown and "junk.sqlite3" in shown[0]
    assert services.branch.profile().name == "星火社区党支部"


def test_restore_of_an_older_backup_upgrades_it(services, tmp_path):
    """A backup from the first released schema (0001) is restored and brought to the current one."""
    import sqlite3

    from desktop.storage import migrate
    from desktop.ui.first_run import FirstRunChoice, perform_first_run

    old = tmp_path / "ledger-20250101-090000-manual.sqlite3"
    migrate.upgrade(old, target=migrate.KNOWN_REVISIONS[0])
    with sqlite3.connect(old) as conn:
        conn.execute(
            "INSERT INTO branch (name, org_type, created_at, updated_at) VALUES (?, ?, ?, ?)",
            ("旧版本备份党支部", "单独组建", "2025-01-01 09:00:00", "2025-01-01 09:00:00"),
        )
    assert migrate.database_revision(old) == migrate.KNOWN_REVISIONS[0]

    perform_first_run(services, FirstRunChoice("restore", path=old))
    assert services.branch.profile().name == "旧版本备份党支部"
    assert migrate.database_revision(services.ctx.folder.database) == migrate.HEAD


def test_restore_refuses_a_backup_from_a_newer_version(services, tmp_path):
    import sqlite3

    from desktop.ui.first_run import FirstRunChoice, perform_first_run

    newer = tmp_path / "from-the-future.sqlite3"
    source = sqlite3.connect(services.ctx.folder.database)
    target = sqlite3.connect(newer)
    source.backup(target)  # the backup API: the live file may have pages only in its WAL
    source.close()
    target.close()
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    with pytest.raises(LedgerError, match="更新版本"):
        perform_first_run(services, FirstRunChoice("restore", path=newer))
    assert services.branch.profile() is None


def test_an_empty_folder_opens_the_first_run_dialog_not_an_empty_window(qtbot, tmp_path, monkeypatch):
    """The real start-up path of the window: the dialog is shown, the branch is created, the window
    is attached to it."""
    from desktop.app import open_into_window
    from desktop.ui import first_run
    from desktop.ui.main_window import MainWindow

    shown: list[bool] = []

    def choose_create(self):  # type: ignore[no-untyped-def]
        shown.append(True)
        self.name_edit.setText("星火社区党支部")
        return first_run.QDialog.DialogCode.Accepted

    monkeypatch.setattr(first_run.FirstRunDialog, "exec", choose_create)
    window = MainWindow()
    qtbot.addWidget(window)
    try:
        assert open_into_window(window, str(tmp_path / "empty"), demo=False) is True
        assert shown == [True]
        assert window.services.branch.profile().name == "星火社区党支部"
        assert "星火社区党支部" in window.windowTitle()
    finally:
        if window.services is not None:
            window.services.close()
            window.services = None
