"""Transfers of organizational relationship (组织关系转接): 转入 (a new member with the letter's
details) and 转出 (a member leaves; history kept). The caller saves through `services.roster`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.common import DateEdit
from desktop.ui.member_dialog import MemberDialog

if TYPE_CHECKING:
    from desktop.services.roster import PartyGroupDto


class TransferDetails(QGroupBox):
    """Date, organization, letter number and 党费交至 (YYYY-MM) of one transfer."""

    def __init__(self, title: str, organization_label: str, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.today = today
        form = QFormLayout(self)
        self.date_edit = DateEdit(today, optional=False)
        self.date_edit.setObjectName("transfer_date")
        form.addRow("转接日期(&7)：", self.date_edit)
        self.organization_edit = QLineEdit()
        self.organization_edit.setObjectName("organization")
        form.addRow(organization_label, self.organization_edit)
        self.letter_edit = QLineEdit()
        self.letter_edit.setObjectName("letter_number")
        self.letter_edit.setPlaceholderText("组织关系介绍信编号")
        form.addRow("介绍信编号(&8)：", self.letter_edit)
        self.dues_edit = DateEdit()
        self.dues_edit.setDisplayFormat("yyyy年MM月")
        self.dues_edit.setObjectName("dues_paid_to")
        form.addRow("党费交至(&9)：", self.dues_edit)

    @property
    def transfer_date(self) -> dt.date:
        return self.date_edit.date_value() or self.today

    @property
    def organization(self) -> str:
        return self.organization_edit.text().strip()

    @property
    def letter_number(self) -> str | None:
        return self.letter_edit.text().strip() or None

    @property
    def dues_paid_to(self) -> str | None:
        """"YYYY-MM" (党费交至), or None when not stated."""
        value = self.dues_edit.date_value()
        return f"{value:%Y-%m}" if value else None

    def problem(self) -> tuple[QWidget, str] | None:
        if not self.organization:
            return self.organization_edit, "请填写党组织名称（介绍信上的全称）"
        if self.transfer_date > self.today:
            return self.date_edit, f"转接日期{self.transfer_date.isoformat()}晚于今天"
        return None


class TransferOutDialog(QDialog):
    """转出: where the member goes, with the letter's number and the month dues are paid to."""

    def __init__(self, member_name: str, today: dt.date, parent: QWidget | None = None, *,
                 dues_paid_to: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"转出 — {member_name}")
        layout = QVBoxLayout(self)
        info = QLabel(f"将 <b>{member_name}</b> 的组织关系转出本支部。转出后其记录和历史仍保留，党籍状态记为“已转出”。")
        info.setWordWrap(True)
        layout.addWidget(info)
        self.details = TransferDetails("转出信息", "转往党组织(&6)：", today)
        if dues_paid_to:  # from the dues records: the month the member has paid up to
            year, month = (int(part) for part in dues_paid_to.split("-"))
            self.details.dues_edit.set_date(dt.date(year, month, 1))
        layout.addWidget(self.details)
        note_form = QFormLayout()
        self.note_edit = QLineEdit()
        note_form.addRow("备注(&N)：", self.note_edit)
        layout.addLayout(note_form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("转出(&T)")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.details.organization_edit.setFocus()
        self.resize(460, 0)

    @property
    def note(self) -> str | None:
        return self.note_edit.text().strip() or None

    def accept(self) -> None:
        problem = self.details.problem()
        if problem:
            widget, message = problem
            QMessageBox.warning(self, "请检查输入", message)
            widget.setFocus()
            return
        super().accept()


class TransferInDialog(MemberDialog):
    """转入: the member's fields plus where they come from. History starts on the transfer date."""

    def __init__(self, groups: Sequence[PartyGroupDto], today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(groups, today, None, parent, title="转入党员")
        self.details = TransferDetails("转入信息", "转出党组织(&6)：", today)
        self._top.addWidget(self.details)
        self.effective_box.hide()  # the transfer date is when this member's history here starts
        self.resize(640, 700)

    def accept(self) -> None:
        problem = self.details.problem()
        if problem:
            widget, message = problem
            QMessageBox.warning(self, "请检查输入", message)
            widget.setFocus()
            return
        super().accept()
