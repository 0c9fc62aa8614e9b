"""Opening an exchange package with the program (double-click / 打开方式 in the file manager):
`branch-ledger 包.zip` opens the window and imports it after showing what it changes; on an empty
data folder the first-run dialog offers it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop.app import _window_options
from desktop.services.district import DistrictService, Notice, enroll_branch
from desktop.ui.main_window import MainWindow

TODAY = dt.date(2026, 11, 21)


def test_a_zip_on_the_command_line_is_a_package_to_open(tmp_path: Path) -> None:
    package = tmp_path / "B001-00001-20261121.zip"
    package.write_bytes(b"PK")
    options = _window_options([str(package)])
    assert options is not None and options.package == str(package) and not options.demo
    options = _window_options(["--data-dir", str(tmp_path / "d"), str(package)])
    assert options is not None and options.data_dir == str(tmp_path / "d") and options.package == str(package)
    # anything else still goes to the full command line parser (subcommands, errors)
    assert _window_options([str(tmp_path / "missing.zip")]) is None
    assert _window_options(["roster", "list"]) is None


@pytest.fixture
def notice_package(demo_copy, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    district = DistrictService(tmp_path / "district", today=lambda: TODAY)
    district.init("district-secret")
    try:
        enroll_branch(district, demo_copy, code="B001", branch_passphrase="branch-secret",
                      district_passphrase="district-secret")
        return district.build_notice("B001", tmp_path / "outbox", passphrase="district-secret",
                                     notices=[Notice("关于报送年度党员统计的通知", "12月10日前报送。")],
                                     evaluation=(2025, "较好", None))
    finally:
        district.close()


def test_window_opens_the_package_in_the_sync_tab_and_imports_it_when_confirmed(
        qtbot, demo_copy, notice_package: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.sync_panel import SyncPanel

    asked: list[str] = []
    monkeypatch.setattr(SyncPanel, "confirm_changes", lambda self, preview: asked.append(preview.file_name) or True)
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.attach(demo_copy)
    try:
        assert window.open_package(notice_package) is not None
        page = window.page("ledgers")
        assert window.stack.currentWidget() is page and page.tabs.currentWidget() is page.sync_panel
        assert asked == [notice_package.name]  # the user saw the changes before anything was written
        assert demo_copy.sync.evaluations() == {2025: "较好"}
        assert "已导入" in page.sync_panel.import_status.text()
    finally:
        window.services = None  # demo_copy closes the services itself


def test_window_refuses_a_damaged_package_by_name_and_writes_nothing(
        qtbot, demo_copy, notice_package: Path, tmp_path: Path,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.ui import sync_panel

    errors: list[str] = []
    monkeypatch.setattr(sync_panel, "show_error", lambda parent, exc, title: errors.append(str(exc)))
    junk = tmp_path / "B001-00001-20261121.zip"
    junk.write_bytes(b"PK\x03\x04 not really a package")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.attach(demo_copy)
    try:
        assert window.open_package(junk) is None
        assert errors and junk.name in errors[0]
        assert demo_copy.sync.evaluations() == {}
    finally:
        window.services = None


def test_first_run_offers_the_package_it_was_opened_with(qtbot, services, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.ui import first_run

    package = tmp_path / "B001-00001-20261121.zip"
    package.write_bytes(b"PK")
    seen: list[tuple[str, str]] = []

    def fake_exec(self):  # type: ignore[no-untyped-def]
        seen.append((self.kind, self.package_edit.text()))
        return first_run.QDialog.DialogCode.Rejected

    monkeypatch.setattr(first_run.FirstRunDialog, "exec", fake_exec)
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    assert first_run.run_first_run(parent, services, package=package) is False
    assert seen == [(first_run.IMPORT, str(package))]
    assert services.branch.profile() is None  # nothing chosen, nothing written
