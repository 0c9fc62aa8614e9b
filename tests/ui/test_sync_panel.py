"""The sync panel: plan shown, export with progress and cancel, history with hashes, district import."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.services.district import DistrictService, Notice, enroll_branch
from desktop.ui.sync_panel import NoticeTableModel, SentPackageTableModel, SyncPanel

TODAY = dt.date(2026, 11, 21)
BRANCH_SECRET = "branch-secret"
DISTRICT_SECRET = "district-secret"


@pytest.fixture
def district(tmp_path: Path):
    service = DistrictService(tmp_path / "district", today=lambda: TODAY)
    service.init(DISTRICT_SECRET)
    yield service
    service.close()


@pytest.fixture
def panel(qtbot, demo_copy, district, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    enroll_branch(district, demo_copy, code="B001", branch_passphrase=BRANCH_SECRET, district_passphrase=DISTRICT_SECRET)
    widget = SyncPanel(demo_copy)
    qtbot.addWidget(widget)
    monkeypatch.setattr(widget, "ask_passphrase", lambda: BRANCH_SECRET)
    widget.destination.setText(str(tmp_path / "usb"))
    widget.with_ledgers.setChecked(False)  # signed PDFs are tested in test_sync_service; keep these fast
    return widget


def sync_panel_no():  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    return QMessageBox.StandardButton.No


class FakeProgress:
    def __init__(self, cancel_at: int | None = None) -> None:
        self.cancel_at = cancel_at
        self.value = 0
        self.labels: list[str] = []

    def setMaximum(self, n: int) -> None:  # noqa: N802
        self.maximum = n

    def setValue(self, n: int) -> None:  # noqa: N802
        self.value = n

    def setLabelText(self, text: str) -> None:  # noqa: N802
        self.labels.append(text)

    def wasCanceled(self) -> bool:  # noqa: N802
        return self.cancel_at is not None and self.value >= self.cancel_at

    def close(self) -> None:
        pass


def test_model_passes_the_model_tester(qtmodeltester, panel: SyncPanel, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("desktop.ui.sync_panel.QMessageBox.information", lambda *a, **k: None)
    panel.export()
    model = SentPackageTableModel()
    model.set_rows(panel.services.sync.history())
    qtmodeltester.check(model)
    assert model.rowCount() == 1
    from desktop.services.sync import NoticeDto

    notices = NoticeTableModel()
    notices.set_rows([NoticeDto(1, "通知", "正文", None, ({"name": "a.txt", "sha256": "0" * 64, "size": 3},),
                                __import__("datetime").datetime(2026, 11, 21))])
    qtmodeltester.check(notices)
    assert notices.index(0, 2).data() == "1"


def test_plan_is_shown_and_export_adds_to_history(qtbot, panel: SyncPanel, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
                                                  tmp_path: Path) -> None:
    shown: list[str] = []
    monkeypatch.setattr("desktop.ui.sync_panel.QMessageBox.information", lambda _p, _t, text: shown.append(text))
    progress = FakeProgress()
    monkeypatch.setattr(panel, "make_progress", lambda: progress)
    assert "第 1 号包" in panel.plan_label.text() and "B001" in panel.plan_label.text()
    assert panel.export_button.isEnabled()
    with qtbot.waitSignal(panel.exported) as signal:
        qtbot.mouseClick(panel.export_button, Qt.MouseButton.LeftButton)
    sent = signal.args[0]
    assert sent.path.exists() and sent.path.parent == tmp_path / "usb"
    assert progress.labels[-1] == "完成"
    assert panel.model.rowCount() == 1
    assert panel.model.index(0, 6).data() == sent.package_hash
    assert sent.package_hash in shown[0]
    assert "第 2 号包" in panel.plan_label.text()
    assert [panel.period.itemData(i) for i in range(panel.period.count())] == [None, 1, 0]


def test_cancelled_export_writes_nothing(panel: SyncPanel, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    errors: list[str] = []
    monkeypatch.setattr("desktop.ui.sync_panel.show_error", lambda _p, exc, _t="": errors.append(str(exc)))
    monkeypatch.setattr(panel, "make_progress", lambda: FakeProgress(cancel_at=2))
    assert panel.export() is None
    assert errors and "已取消" in errors[0]
    assert panel.model.rowCount() == 0
    assert not list((tmp_path / "usb").glob("*.zip")) if (tmp_path / "usb").exists() else True


def test_export_without_a_certificate_is_disabled_and_says_why(qtbot, demo_copy) -> None:  # type: ignore[no-untyped-def]
    widget = SyncPanel(demo_copy)
    qtbot.addWidget(widget)
    assert not widget.export_button.isEnabled()
    assert "证书" in widget.plan_label.text()


def test_district_package_is_previewed_then_applied(panel: SyncPanel, district: DistrictService,
                                                    monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = district.build_notice("B001", tmp_path / "outbox", passphrase=DISTRICT_SECRET,
                                 notices=[Notice("关于报送年度党员统计的通知", "12月10日前报送。")],
                                 evaluation=(2025, "较好", None))
    monkeypatch.setattr(panel, "choose_district_package", lambda: path)
    seen: list[list[str]] = []
    monkeypatch.setattr(panel, "confirm_changes", lambda preview: seen.append(preview.changes) or False)
    assert panel.import_district_package() is None  # declined: nothing applied
    assert panel.services.sync.evaluations() == {}
    assert "通知：关于报送年度党员统计的通知（附件 0 个）" in seen[0]
    asked: list[str] = []
    monkeypatch.setattr("desktop.ui.sync_panel.QMessageBox.question",
                        lambda parent, title, text, *args: asked.append(text) or sync_panel_no())
    assert SyncPanel.confirm_changes(panel, panel.services.sync.import_district_package(path)) is False
    assert "签名有效；签名时间 2026-11-21 证书有效期内（至 " in asked[0]  # when it was signed, and valid then
    monkeypatch.setattr(panel, "confirm_changes", lambda preview: True)
    assert panel.import_district_package() is not None
    assert panel.services.sync.evaluations() == {2025: "较好"}
    assert "已导入" in panel.import_status.text()
    assert panel.notice_model.rowCount() == 1
    panel.notices.setCurrentIndex(panel.notice_model.index(0, 1))
    assert "12月10日前报送。" in panel.notice_body.toPlainText()
    assert panel.evaluation_label.text() == "区里的年度考核评价：2025 年 较好"
    panel.import_district_package()
    assert "已导入过" in panel.import_status.text()
