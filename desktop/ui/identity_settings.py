"""设置→签名证书: create the branch key (self-signed until the district's certificate comes),
export the certificate request, import the district's certificate and CA."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.common import guarded

if TYPE_CHECKING:
    from desktop.services.bundle import Services

MIN_PASSPHRASE = 6


class PassphraseDialog(QDialog):
    """Asks for the signing key's passphrase; with `confirm`, twice (when setting a new one)."""

    def __init__(self, title: str, *, confirm: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._confirm = confirm
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.passphrase_edit = QLineEdit()
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setObjectName("passphrase")
        label = QLabel("私钥口令(&P)：")
        label.setBuddy(self.passphrase_edit)
        form.addRow(label, self.passphrase_edit)
        self.confirm_edit = QLineEdit()
        self.confirm_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_edit.setObjectName("passphraseConfirm")
        if confirm:
            again = QLabel("再次输入(&A)：")
            again.setBuddy(self.confirm_edit)
            form.addRow(again, self.confirm_edit)
        layout.addLayout(form)
        if confirm:
            hint = QLabel(f"口令至少 {MIN_PASSPHRASE} 个字符。口令用于保护签名私钥，遗失后无法找回，只能重新创建证书并向区里重新申请。")
            hint.setWordWrap(True)
            layout.addWidget(hint)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定(&O)")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消(&C)")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def passphrase(self) -> str:
        return self.passphrase_edit.text()

    def accept(self) -> None:
        problem = None
        if not self.passphrase:
            problem = "请输入口令。"
        elif self._confirm and len(self.passphrase) < MIN_PASSPHRASE:
            problem = f"口令至少 {MIN_PASSPHRASE} 个字符。"
        elif self._confirm and self.confirm_edit.text() != self.passphrase:
            problem = "两次输入的口令不一致。"
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        super().accept()


def ask_passphrase(parent: QWidget | None, title: str = "输入私钥口令", *, confirm: bool = False) -> str | None:
    dialog = PassphraseDialog(title, confirm=confirm, parent=parent)
    return dialog.passphrase if dialog.exec() == QDialog.DialogCode.Accepted else None


class IdentitySettingsTab(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        layout = QVBoxLayout(self)
        intro = QLabel(
            "导出的台账用支部的签名证书签名，区里据此确认台账来自本支部、途中未被改动。"
            "先创建证书（此时为自签名，显示“未经区级认证”），再导出证书请求交区里，"
            "最后导入区里签发的证书和区级 CA 证书。私钥用口令加密保存在数据文件夹中，不会随同步包导出。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.status_label = QLabel()
        self.status_label.setObjectName("identityStatus")
        self.status_label.setWordWrap(True)
        layout.addWidget(self.status_label)
        row = QHBoxLayout()
        self.create_button = QPushButton("创建签名证书(&N)…")
        self.request_button = QPushButton("导出证书请求(&R)…")
        self.import_button = QPushButton("导入区级证书(&I)…")
        for button in (self.create_button, self.request_button, self.import_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.create_button.clicked.connect(self.create_identity)
        self.request_button.clicked.connect(self.export_request)
        self.import_button.clicked.connect(self.import_certificate)
        self.refresh()

    @property
    def _identity(self):  # type: ignore[no-untyped-def]
        from desktop.services.identity import IdentityService

        return IdentityService(self.services.ctx)

    def refresh(self) -> None:
        status = guarded(self, self._identity.status)
        if status is None:
            return
        details = ""
        if status.exists:
            details = (f"<br>区级 CA 证书：{'已导入' if status.has_district_ca else '未导入'}；"
                       f"存档的旧证书：{status.archived} 个（用于验证以前签名的台账）。")
        self.status_label.setText(status.summary + details)
        self.request_button.setEnabled(status.exists)
        self.import_button.setEnabled(status.exists)
        self.create_button.setText("重新创建签名证书(&N)…" if status.exists else "创建签名证书(&N)…")

    # the three actions; the file and passphrase prompts are methods so tests can replace them
    def ask_passphrase(self, title: str, *, confirm: bool = False) -> str | None:
        return ask_passphrase(self, title, confirm=confirm)

    def ask_save_path(self, title: str, name: str, filter_: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self, title, name, filter_)
        return Path(path) if path else None

    def ask_open_path(self, title: str, filter_: str) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self, title, "", filter_)
        return Path(path) if path else None

    def confirm_replace(self) -> bool:
        answer = QMessageBox.question(
            self, "重新创建签名证书",
            "已有签名证书。重新创建会生成新的私钥，旧证书存档（仍可用于验证旧台账），"
            "但需要重新向区里申请证书。确定继续吗？",
        )
        return answer == QMessageBox.StandardButton.Yes

    def create_identity(self) -> None:
        if self._identity.status().exists and not self.confirm_replace():
            return
        secret = self.ask_passphrase("设置私钥口令", confirm=True)
        if secret is None:
            return
        if guarded(self, lambda: self._identity.create(secret)) is not None:
            self.refresh()

    def export_request(self) -> None:
        secret = self.ask_passphrase("输入私钥口令")
        if secret is None:
            return
        out = self.ask_save_path("保存证书请求", "branch-request.csr", "证书请求 (*.csr *.pem)")
        if out is None:
            return
        if guarded(self, lambda: self._identity.write_request(out, secret)) is not None:
            QMessageBox.information(self, "已导出", f"证书请求已保存到 {out}。请交区里签发证书。")

    def import_certificate(self) -> None:
        cert = self.ask_open_path("选择区里签发的支部证书", "证书 (*.pem *.crt *.cer)")
        if cert is None:
            return
        ca = self.ask_open_path("选择区级 CA 证书", "证书 (*.pem *.crt *.cer)")
        if ca is None:
            return
        if guarded(self, lambda: self._identity.import_certificate(cert, ca)) is not None:
            self.refresh()
