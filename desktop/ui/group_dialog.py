"""党小组 management: list the groups, add one, dissolve one (its history is kept)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.common import DateEdit, guarded

if TYPE_CHECKING:
    from desktop.services.bundle import Services


class NewGroupDialog(QDialog):
    def __init__(self, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.setWindowTitle("新增党小组")
        form = QFormLayout(self)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(60)
        self.name_edit.setPlaceholderText("例如：运营党小组")
        form.addRow("名称(&N)：", self.name_edit)
        self.date_edit = DateEdit(today, optional=False)
        form.addRow("成立日期(&D)：", self.date_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定(&O)")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @property
    def group_name(self) -> str:
        return self.name_edit.text().strip()

    @property
    def created_on(self) -> dt.date:
        return self.date_edit.date_value() or self.today

    def accept(self) -> None:
        if not self.group_name:
            QMessageBox.warning(self, "请检查输入", "请填写党小组名称")
            self.name_edit.setFocus()
            return
        if self.created_on > self.today:
            QMessageBox.warning(self, "请检查输入", "成立日期不能晚于今天")
            self.date_edit.setFocus()
            return
        super().accept()


class GroupDialog(QDialog):
    """The party groups (党小组) with their member counts; add and dissolve through the service."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.changed = False
        self.setWindowTitle("党小组")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("撤销的党小组保留在历史中，其成员请先调整到其他党小组。"))
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["名称", "成立日期", "撤销日期", "在册党员"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.add_button = QPushButton("新增党小组(&A)…")
        self.add_button.clicked.connect(self.add_group)
        self.dissolve_button = QPushButton("撤销(&D)…")
        self.dissolve_button.clicked.connect(self.dissolve_selected)
        row.addWidget(self.add_button)
        row.addWidget(self.dissolve_button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭(&C)")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if services.ctx.read_only:
            self.add_button.setEnabled(False)
            self.dissolve_button.setEnabled(False)
        self.resize(520, 360)
        self.refresh()

    def refresh(self) -> None:
        groups = self.services.roster.list_groups()
        counts: dict[int | None, int] = {}
        for member in self.services.roster.list_members():
            if member.status in ("正常", "停止党籍"):
                counts[member.party_group_id] = counts.get(member.party_group_id, 0) + 1
        self.table.setRowCount(len(groups))
        for r, group in enumerate(groups):
            values = (group.name, group.created_on.isoformat(),
                      group.dissolved_on.isoformat() if group.dissolved_on else "", str(counts.get(group.id, 0)))
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, group.id)
                self.table.setItem(r, c, item)

    def add_group(self) -> None:
        dialog = NewGroupDialog(self.services.ctx.today(), self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if guarded(self, lambda: self.services.roster.add_group(dialog.group_name, dialog.created_on)) is not None:
            self.changed = True
            self.refresh()

    def dissolve_selected(self) -> None:
        row = self.table.currentRow()
        if row < 0:
            QMessageBox.information(self, "撤销党小组", "请先选中一个党小组。")
            return
        group_id = self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)
        name = self.table.item(row, 0).text()
        members = int(self.table.item(row, 3).text())
        if members:
            QMessageBox.warning(self, "撤销党小组", f"“{name}”还有 {members} 名在册党员，请先把他们调整到其他党小组。")
            return
        answer = QMessageBox.question(self, "撤销党小组", f"确定从今天起撤销“{name}”？")
        if answer != QMessageBox.StandardButton.Yes:
            return
        if guarded(self, lambda: self.services.roster.dissolve_group(group_id, self.services.ctx.today()) or True):
            self.changed = True
            self.refresh()
