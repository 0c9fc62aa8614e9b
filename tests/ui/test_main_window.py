"""The main window: sections, keyboard, menus, banner, backup and restore-and-reopen, fast first paint."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from desktop.ui.main_window import SECTIONS, MainWindow

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []

    def fake(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        shown.append(text)
        return QMessageBox.StandardButton.Yes

    for name in ("warning", "information", "critical", "question", "about"):
        monkeypatch.setattr(QMessageBox, name, fake)
    return shown


@pytest.fixture
def window(qtbot, demo_copy):  # type: ignore[no-untyped-def]
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    win.attach(demo_copy)
    yield win
    win.services = None  # demo_copy closes the services itself


def test_every_section_opens(window: MainWindow) -> None:
    for key, label, _ in SECTIONS:
        page = window.show_section(key)
        assert window.stack.currentWidget() is page, label
        assert window.section_list.currentItem().text() == label


def test_section_list_has_no_dead_gap(window: MainWindow) -> None:
    list_right = window.section_list.mapTo(window, QPoint(window.section_list.width(), 0)).x()
    stack_left = window.stack.mapTo(window, QPoint(0, 0)).x()
    assert 0 <= stack_left - list_right <= 16
    widest = max(window.section_list.fontMetrics().horizontalAdvance(label) for _, label, _ in SECTIONS)
    assert widest < window.section_list.width() <= widest + 80


def test_keyboard_switches_sections(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    QTest.keySequence(window, "Ctrl+2")
    assert window.stack.currentWidget() is window.page("roster")


def test_status_bar_names_the_folder_and_no_banner(window: MainWindow) -> None:
    assert str(window.services.ctx.data_dir) in window.folder_label.text()
    assert not window.read_only_banner.isVisible()
    assert "星链优选" in window.windowTitle()
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus == ["文件(&F)", "帮助(&H)"]


def test_backup_from_the_menu(window: MainWindow, messages: list[str]) -> None:
    before = len(window.services.maintenance.backups())
    window.backup_action.trigger()
    backups = window.services.maintenance.backups()
    assert len(backups) == before + 1 and backups[0].reason == "manual"
    assert backups[0].path.name in messages[-1]


def test_restore_a_backup_reopens_the_folder(window: MainWindow, messages: list[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.domain.roster import MemberFields
    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger

    original = window.services
    # reopening goes through the normal start-up path: keep the test's fixed date
    monkeypatch.setattr("desktop.services.context.open_ledger",
                        lambda root, **kw: open_ledger(root, today=lambda: dt.date(2026, 11, 21), **kw))
    backup = original.maintenance.backup_now()
    original.roster.add_member(MemberFields(name="备份后新增", joined_on=dt.date(2012, 3, 1)))
    assert len(original.roster.list_members()) == 26

    tab = window.show_section("settings")
    window.show_settings_tab("备份与恢复")
    backup_tab = tab.tabs.currentWidget()
    rows = [backup_tab.table.item(r, 0).data(256) for r in range(backup_tab.table.rowCount())]
    backup_tab.table.selectRow(rows.index(str(backup)))
    assert backup_tab.restore_selected()
    try:
        reopened = window.services
        assert isinstance(reopened, Services) and reopened is not original
        assert [m.name for m in reopened.roster.list_members()].count("备份后新增") == 0
        assert window.stack.currentWidget() is window.page("home")
        kept = [b for b in reopened.maintenance.backups() if b.reason == "before_restore"]
        assert len(kept) == 1  # the replaced file, restorable in turn
        from desktop.storage.backup import is_healthy

        assert is_healthy(kept[0].path)
        assert "恢复" in messages[-1]
    finally:
        if window.services is not None:
            window.services.close()


def test_about_opens(window: MainWindow, messages: list[str], monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialog

    monkeypatch.setattr(QDialog, "exec", lambda self: 0)
    window.show_about()  # AboutDialog when it exists, a plain box otherwise: neither may raise


def test_window_paints_before_the_database_layer_is_imported(tmp_path: Path) -> None:
    code = (
        "import sys, desktop.app as app\n"
        f"rc = app.main(['--data-dir', {str(tmp_path / 'data')!r}])\n"
        "heavy = [m for m in ('sqlalchemy', 'alembic', 'reportlab', 'pyhanko', 'openpyxl') if m in sys.modules]\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "print('POLICY', QGuiApplication.highDpiScaleFactorRoundingPolicy().name)\n"
        "print('RC', rc, 'HEAVY', ','.join(heavy))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", BRANCH_LEDGER_EXIT_ON_PAINT="1")
    env.pop("QT_SCALE_FACTOR_ROUNDING_POLICY", None)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    line = next((line for line in result.stdout.splitlines() if line.startswith("RC")), result.stderr)
    assert line.split() == ["RC", "0", "HEAVY"], line  # no heavy module was imported before the paint
    assert not (tmp_path / "data" / "ledger.sqlite3").exists()  # the paint came first
    assert "POLICY PassThrough" in result.stdout  # 125 %/150 % scaling is not rounded
    assert "must be called before" not in result.stderr  # no Qt start-up warning (PySide6 6.9 gave one)


def test_home_page_lists_what_is_due_and_leads_there(window: MainWindow) -> None:
    home = window.page("home")
    texts = [home.items.item(i).text() for i in range(home.items.count())]
    assert any("届满" in t for t in texts)  # the demo committee's term ends on 2027-01-10
    assert "党员 25 名" in home.summary.text()
    term_row = next(i for i, t in enumerate(texts) if "届满" in t)
    home.items.itemActivated.emit(home.items.item(term_row))
    assert window.stack.currentWidget() is window.page("settings")


def test_menu_shortcuts_arrive_after_the_first_paint(window: MainWindow, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.repaint()
    qtbot.waitUntil(lambda: not window.quit_action.shortcut().isEmpty(), timeout=2000)
    assert window.backup_action.shortcut().toString() == "Ctrl+Shift+B"
