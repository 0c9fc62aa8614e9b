"""更正: the reason for changing a record that went out in a signed ledger.

`with_amendment(parent, action)` is what a page calls around a save: it runs `action(None)`; when
the record is locked (RecordLockedError) it shows the lock message and asks for the reason, then
retries `action(reason)`. The original stays in the amendment record."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

T = TypeVar("T")
MIN_REASON = 4


class AmendmentDialog(QDialog):
    """Asks why a locked record is changed. `reason` is the text once accepted."""

    def __init__(self, message: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("更正已签名台账中的记录")
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        label = QLabel("更正原因（将与原记录一起保存，并打印在下次导出的台账中）(&R)：")
        label.setWordWrap(True)
        layout.addWidget(label)
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setObjectName("amendmentReason")
        self.reason_edit.setTabChangesFocus(True)
        self.reason_edit.setPlaceholderText("例如：手机号码登记错误，经本人核实更正")
        self.reason_edit.setFixedHeight(80)
        label.setBuddy(self.reason_edit)
        layout.addWidget(self.reason_edit)
        self.error = QLabel()
        self.error.setObjectName("amendmentError")
        self.error.setStyleSheet("color: #b00020")
        self.error.hide()
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("保存更正(&S)")
        ok.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消(&C)")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason_edit.setFocus()

    @property
    def reason(self) -> str:
        return self.reason_edit.toPlainText().strip()

    def accept(self) -> None:
        if len(self.reason) < MIN_REASON:
            self.error.setText(f"请写明更正原因（至少 {MIN_REASON} 个字）。")
            self.error.show()
            self.reason_edit.setFocus()
            return
        super().accept()


def ask_reason(parent: QWidget | None, message: str) -> str | None:
    dialog = AmendmentDialog(message, parent)
    return dialog.reason if dialog.exec() == QDialog.DialogCode.Accepted else None


def with_amendment(parent: QWidget | None, action: Callable[[str | None], T]) -> T | None:
    """Run a save; if it touches a locked record, ask for the 更正 reason and run it again with it.
    Errors are shown (ui.common.show_error); None when nothing was saved."""
    from desktop.domain.errors import RecordLockedError
    from desktop.ui.common import guarded, show_error

    try:
        return action(None)
    except RecordLockedError as exc:
        reason = ask_reason(parent, exc.message)
        if reason is None:
            return None
        return guarded(parent, lambda: action(reason))
    except Exception as exc:  # noqa: BLE001 - shown, never crashes the window
        show_error(parent, exc)
        return None
