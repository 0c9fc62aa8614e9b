"""台账与同步 and 设置→签名证书 driven with qtbot; the 更正 flow through the amendment dialog."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from desktop.ui.amendment_dialog import AmendmentDialog, with_amendment
from desktop.ui.identity_settings import IdentitySettingsTab, PassphraseDialog
from desktop.ui.ledgers_page import LedgersPage, ProducedLedgerTableModel

PASS = "ui-passphrase"
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform says it on exec()


@pytest.fixture
def page(qtbot, demo_copy):  # type: ignore[no-untyped-def]
    widget = LedgersPage(demo_copy, None)
    qtbot.addWidget(widget)
    widget.refresh()
    return widget


def make_identity(services) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.identity import IdentityService

    IdentityService(services.ctx).create(PASS)


def test_model_passes_qt_checks(qtmodeltester, demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    demo_copy.ledgers.export("roster", 2026, tmp_path / "a.pdf")
    model = ProducedLedgerTableModel()
    model.set_rows(demo_copy.ledgers.produced())
    qtmodeltester.check(model)
    assert model.rowCount() == 1 and model.index(0, 3).data() == "未签名"


def test_export_signed_from_the_page_and_verify(page, demo_copy, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert not page.sign_check.isEnabled()
    make_identity(demo_copy)
    out = tmp_path / "roster.pdf"
    monkeypatch.setattr(page, "ask_export_path", lambda suggested: out)
    monkeypatch.setattr(page, "ask_passphrase", lambda: PASS)
    page.refresh()
    assert page.sign_check.isEnabled()
    page.kind_combo.setCurrentIndex(0)
    page.sign_check.setChecked(True)
    page.export_button.click()
    assert out.exists()
    assert page.model.rowCount() == 1
    assert page.model.index(0, 3).data() == "已签名（自签名，未经区级认证）"
    assert "已锁定" in page.result_label.text()
    monkeypatch.setattr(page, "ask_pdf", lambda: out)
    page.verify_button.click()
    text = page.result_label.text()
    assert "文件完整" in text and "未经区级认证" in text and "党员花名册" in text
    page.grab().save(str(tmp_path / "ledgers_page.png"))


def test_tampered_pdf_shows_invalid(page, demo_copy, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    make_identity(demo_copy)
    produced = demo_copy.ledgers.export("roster", 2026, tmp_path / "r.pdf", sign=True, passphrase=PASS)
    data = bytearray(produced.path.read_bytes())
    data[len(data) // 2] ^= 0x04
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(data))
    monkeypatch.setattr(page, "ask_pdf", lambda: bad)
    page.verify_button.click()
    assert "✘" in page.result_label.text() or "✔" not in page.result_label.text()


def test_wrong_passphrase_is_shown_and_nothing_written(page, demo_copy, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    make_identity(demo_copy)
    shown: list[str] = []
    monkeypatch.setattr("desktop.ui.common.show_error", lambda parent, exc, title="": shown.append(str(exc)))
    monkeypatch.setattr(page, "ask_passphrase", lambda: "wrong-one")
    out = tmp_path / "r.pdf"
    assert page.export_ledger("roster", 2026, out, sign=True) is None
    assert shown and "口令错误" in shown[0] and not out.exists() and page.model.rowCount() == 0


def test_identity_tab_creates_a_self_signed_certificate(qtbot, demo_copy, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    tab = IdentitySettingsTab(demo_copy, None)
    qtbot.addWidget(tab)
    assert "尚未创建" in tab.status_label.text() and not tab.request_button.isEnabled()
    monkeypatch.setattr(tab, "ask_passphrase", lambda title, confirm=False: PASS)
    tab.create_button.click()
    assert "自签名证书（未经区级认证）" in tab.status_label.text()
    assert tab.request_button.isEnabled()


def test_passphrase_dialog_validates(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = PassphraseDialog("设置私钥口令", confirm=True)
    qtbot.addWidget(dialog)
    dialog.passphrase_edit.setText("abc")
    dialog.accept()
    assert dialog.result() == 0 and "至少" in dialog.error.text()
    dialog.passphrase_edit.setText("abcdefg")
    dialog.confirm_edit.setText("abcdefh")
    dialog.accept()
    assert "不一致" in dialog.error.text()
    dialog.confirm_edit.setText("abcdefg")
    dialog.accept()
    assert dialog.result() == 1 and dialog.passphrase == "abcdefg"


def _answer_amendment(qtbot, reasons: list[str]) -> None:  # type: ignore[no-untyped-def]
    """When the amendment dialog opens: try each reason in turn (pressing the default button)."""

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AmendmentDialog):
            QTimer.singleShot(20, fill)
            return
        for reason in reasons:
            dialog.reason_edit.setPlainText(reason)
            dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
            if dialog.isVisible():
                assert dialog.error.isVisible()

    QTimer.singleShot(0, fill)


def test_locked_record_is_amended_through_the_dialog(qtbot, page, demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    make_identity(demo_copy)
    demo_copy.ledgers.export("roster", 2026, tmp_path / "r.pdf", sign=True, passphrase=PASS)
    member = demo_copy.roster.list_members()[0]
    fields = dataclasses.replace(member.to_fields(), phone="13700000000")
    _answer_amendment(qtbot, ["", "号码登记错误，本人核实"])
    saved = with_amendment(page, lambda reason: demo_copy.roster.update_member(member.id, fields, amendment_reason=reason))
    assert saved is not None and saved.phone == "13700000000"
    [amendment] = demo_copy.ledgers.amendments_for("member", member.id)
    assert amendment.reason == "号码登记错误，本人核实" and amendment.old_values == {"phone": member.phone}


def test_cancelled_amendment_saves_nothing(qtbot, page, demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    make_identity(demo_copy)
    demo_copy.ledgers.export("roster", 2026, tmp_path / "r.pdf", sign=True, passphrase=PASS)
    member = demo_copy.roster.list_members()[0]

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AmendmentDialog):
            QTimer.singleShot(20, cancel)
            return
        assert member.name in dialog.message.text() and "已锁定" in dialog.message.text()
        dialog.reject()

    QTimer.singleShot(0, cancel)
    fields = dataclasses.replace(member.to_fields(), phone="13700000001")
    assert with_amendment(page, lambda reason: demo_copy.roster.update_member(member.id, fields, amendment_reason=reason)) is None
    assert demo_copy.roster.get_member(member.id).phone == member.phone
