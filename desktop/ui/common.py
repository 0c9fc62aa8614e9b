"""Small pieces every page uses: error display, a busy cursor, a date edit, a placeholder page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QDateEdit, QLabel, QMessageBox, QVBoxLayout, QWidget

def user_message(exc: BaseException) -> str:
    """The Chinese message of a LedgerError; for anything else, a plain statement without a trace."""
    message = getattr(exc, "message", None)
    if message:
        return str(message)
    return f"操作未完成：发生了意外错误（{type(exc).__name__}）。数据未被改动。"


def show_error(parent: QWidget | None, exc: BaseException, title: str = "无法完成") -> None:
    QMessageBox.warning(parent, title, user_message(exc))


@contextmanager
def busy() -> Iterator[None]:
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


def guarded(parent: QWidget | None, action: Callable[[], Any]) -> Any:
    """Run a service call; a LedgerError becomes a message box and None is returned."""
    try:
        with busy():
            return action()
    except Exception as exc:  # noqa: BLE001 - every failure is shown, none crashes the window
        from desktop.domain.errors import LedgerError

        if not isinstance(exc, LedgerError):
            import logging

            logging.getLogger(__name__).exception("unexpected error in %s", getattr(action, "__name__", "action"))
        show_error(parent, exc)
        return None


def to_qdate(value: dt.date | None) -> QDate:
    return QDate(value.year, value.month, value.day) if value else QDate()


def from_qdate(value: QDate) -> dt.date | None:
    return dt.date(value.year(), value.month(), value.day()) if value.isValid() else None


class DateEdit(QDateEdit):
    """A date field that can be left empty (shown as blank, min date = empty)."""

    EMPTY = QDate(1900, 1, 1)

    def __init__(self, value: dt.date | None = None, *, optional: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self._optional = optional
        if optional:
            self.setMinimumDate(self.EMPTY)
            self.setSpecialValueText(" ")
        self.set_date(value)

    def set_date(self, value: dt.date | None) -> None:
        self.setDate(to_qdate(value) if value else (self.EMPTY if self._optional else QDate.currentDate()))

    def date_value(self) -> dt.date | None:
        if self._optional and self.date() == self.EMPTY:
            return None
        return from_qdate(self.date())


class NotBuiltPage(QWidget):
    """Said plainly: this section is not built yet."""

    def __init__(self, title: str, detail: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        label = QLabel(f"<h2>{title}</h2><p>此部分尚未完成，将在后续版本中提供。</p><p>{detail}</p>")
        label.setWordWrap(True)
        label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(label)
