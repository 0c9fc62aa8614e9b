"""The three lists (问题清单/责任清单/整改清单) of a year: a table of items, the item dialog with its
evidence file, and the carry-over of last year's unfinished rectifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.annual import DONE_STATUS, ITEM_STATUSES, ItemFields, item_problems
from desktop.ui.common import DateEdit, guarded, show_error

if TYPE_CHECKING:
    from desktop.services.annual_report import ItemDto
    from desktop.services.bundle import Services

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Col:
    title: str
    text: Callable[[Any], str]


class DtoTableModel(QAbstractTableModel):
    """A passive table: shows the rows `set_rows()` was given, one column per `Col`."""

    def __init__(self, columns: Sequence[Col], parent: QWidget | None = None,
                 colour: Callable[[Any], str | None] | None = None) -> None:
        super().__init__(parent)
        self._columns = tuple(columns)
        self._rows: list[Any] = []
        self._colour = colour

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> Any:
        return self._rows[index]

    def rows(self) -> list[Any]:
        return list(self._rows)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802,B008 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802,B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(self._columns):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._columns[index.column()].text(row)
        if role == Qt.ItemDataRole.ForegroundRole and self._colour is not None:
            colour = self._colour(row)
            return QColor(colour) if colour else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return self._columns[section].title
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None


def _d(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


ITEM_COLUMNS: tuple[Col, ...] = (
    Col("问题", lambda i: i.fields.problem),
    Col("来源", lambda i: f"{i.carried_from_year}年转入" if i.carried_from_year else "本年查摆"),
    Col("提出日期", lambda i: _d(i.fields.raised_on)),
    Col("责任人", lambda i: i.fields.responsible),
    Col("整改措施", lambda i: i.fields.measure),
    Col("完成时限", lambda i: _d(i.fields.deadline)),
    Col("状态", lambda i: i.fields.status + ("（已超期）" if i.overdue else "")),
    Col("佐证", lambda i: i.evidence_name or ""),
)


def make_table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class ItemDialog(QDialog):
    """One row of the three lists. Plain properties; `accept()` checks the domain rules."""

    def __init__(self, item: ItemDto | None = None, *, today: dt.date, names: Sequence[str] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("编辑清单事项" if item else "新增清单事项")
        self._today = today
        fields = item.fields if item else ItemFields(problem="", raised_on=today)
        self.problem_edit = QPlainTextEdit(fields.problem)
        self.problem_edit.setTabChangesFocus(True)
        self.problem_edit.setFixedHeight(60)
        self.cause_edit = QPlainTextEdit(fields.cause)
        self.cause_edit.setTabChangesFocus(True)
        self.cause_edit.setFixedHeight(50)
        self.raised_edit = DateEdit(fields.raised_on, optional=False)
        self.responsible_edit = QLineEdit(fields.responsible)
        if names:
            from PySide6.QtWidgets import QCompleter

            self.responsible_edit.setCompleter(QCompleter(list(names), self))
        self.measure_edit = QPlainTextEdit(fields.measure)
        self.measure_edit.setTabChangesFocus(True)
        self.measure_edit.setFixedHeight(60)
        self.deadline_edit = DateEdit(fields.deadline)
        self.status_combo = QComboBox()
        self.status_combo.addItems(ITEM_STATUSES)
        self.status_combo.setCurrentText(fields.status)
        self.completed_edit = DateEdit(fields.completed_on)
        self.result_edit = QLineEdit(fields.result)
        self.evidence_label = QLabel(item.evidence_name if item and item.evidence_name else "（无）")
        self.evidence_button = QPushButton("选择文件(&F)…")
        self.evidence_button.clicked.connect(self._choose_evidence)
        self.evidence_file: Path | None = None
        evidence = QHBoxLayout()
        evidence.addWidget(self.evidence_label, 1)
        evidence.addWidget(self.evidence_button)

        form = QFormLayout()
        for label, widget in (("问题(&P)：", self.problem_edit), ("原因(&C)：", self.cause_edit),
                              ("提出日期(&R)：", self.raised_edit), ("责任人(&E)：", self.responsible_edit),
                              ("整改措施(&M)：", self.measure_edit), ("完成时限(&D)：", self.deadline_edit),
                              ("状态(&S)：", self.status_combo), ("完成日期(&O)：", self.completed_edit),
                              ("完成情况(&T)：", self.result_edit)):
            form.addRow(label, widget)
        form.addRow("佐证材料：", evidence)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(560, 520)

    @property
    def fields(self) -> ItemFields:
        return ItemFields(
            problem=self.problem_edit.toPlainText().strip(), raised_on=self.raised_edit.date_value() or self._today,
            cause=self.cause_edit.toPlainText().strip(), responsible=self.responsible_edit.text().strip(),
            measure=self.measure_edit.toPlainText().strip(), deadline=self.deadline_edit.date_value(),
            status=self.status_combo.currentText(), completed_on=self.completed_edit.date_value(),
            result=self.result_edit.text().strip(),
        )

    def _choose_evidence(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择佐证材料", "", "图片或PDF (*.jpg *.jpeg *.png *.pdf)")
        if path:
            self.evidence_file = Path(path)
            self.evidence_label.setText(self.evidence_file.name)

    def accept(self) -> None:
        problems = item_problems(self.fields, self._today)
        if problems:
            field_name, message = problems[0]
            QMessageBox.warning(self, "请修改", message)
            widget = {"problem": self.problem_edit, "deadline": self.deadline_edit, "raised_on": self.raised_edit,
                      "completed_on": self.completed_edit, "status": self.status_combo}.get(field_name)
            if widget is not None:
                widget.setFocus()
            return
        super().accept()


def with_amendment(parent: QWidget, action: Callable[[str | None], Any]) -> Any:
    """Run `action(amendment_reason)`; a locked record asks for the 更正 reason and tries again."""
    from desktop.domain.errors import RecordLockedError

    try:
        return action(None)
    except RecordLockedError as exc:
        reason, ok = QInputDialog.getText(parent, "更正已签章的记录", f"{exc.message}\n请填写更正原因：")
        if not ok or not reason.strip():
            return None
        return guarded(parent, lambda: action(reason.strip()))
    except Exception as exc:  # noqa: BLE001 - shown, never crashes the window
        show_error(parent, exc)
        return None


class ListsWidget(QWidget):
    """The year's items with add/edit/delete, evidence, and the carry-over banner."""

    items_changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.year = services.ctx.today().year
        self.banner = QLabel()
        self.banner.setObjectName("carryBanner")
        self.banner.setWordWrap(True)
        self.carry_button = QPushButton("转入本年清单(&C)")
        self.carry_button.clicked.connect(self.carry_over)
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.carry_button)
        self.model = DtoTableModel(ITEM_COLUMNS, self, colour=lambda i: "#b00020" if i.overdue else (
            "#888888" if i.fields.status == DONE_STATUS else None))
        self.table = make_table(self.model, "annualItems")
        self.table.doubleClicked.connect(lambda _: self.edit_item())
        for column, width in enumerate((220, 70, 86, 70, 200, 86, 90, 100)):
            self.table.setColumnWidth(column, width)
        self.add_button = QPushButton("新增(&N)")
        self.add_button.clicked.connect(self.add_item)
        self.edit_button = QPushButton("编辑(&E)")
        self.edit_button.clicked.connect(self.edit_item)
        self.delete_button = QPushButton("删除(&D)")
        self.delete_button.clicked.connect(self.delete_item)
        self.evidence_button = QPushButton("查看佐证(&V)")
        self.evidence_button.clicked.connect(self.open_evidence)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button, self.evidence_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.summary = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(banner_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)

    def set_year(self, year: int) -> None:
        self.year = year
        self.refresh()

    def refresh(self) -> None:
        annual = self.services.annual
        items = annual.list_items(self.year)
        self.model.set_rows(items)
        pending = annual.pending_carry_over(self.year)
        self.banner.setText(f"{self.year - 1}年有{len(pending)}项整改尚未完成，可转入{self.year}年清单继续整改。"
                            if pending else "")
        self.banner.setVisible(bool(pending))
        self.carry_button.setVisible(bool(pending))
        done = sum(1 for i in items if i.fields.status == DONE_STATUS)
        overdue = sum(1 for i in items if i.overdue)
        self.summary.setText(f"共{len(items)}项，已完成{done}项，超期未完成{overdue}项。")

    def selected(self) -> ItemDto | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def carry_over(self) -> None:
        carried = guarded(self, lambda: self.services.annual.carry_over(self.year))
        if carried is not None:
            self.refresh()
            self.items_changed.emit()

    def _names(self) -> list[str]:
        return [m.name for m in self.services.roster.list_members() if m.is_party_member]

    def add_item(self) -> None:
        dialog = ItemDialog(today=self.services.ctx.today(), names=self._names(), parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if guarded(self, lambda: self.services.annual.add_item(self.year, dialog.fields, evidence=dialog.evidence_file)):
            self.refresh()
            self.items_changed.emit()

    def edit_item(self) -> None:
        item = self.selected()
        if item is None:
            return
        dialog = ItemDialog(item, today=self.services.ctx.today(), names=self._names(), parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        done = with_amendment(self, lambda reason: self.services.annual.update_item(
            item.id, dialog.fields, evidence=dialog.evidence_file, amendment_reason=reason))
        if done is not None:
            self.refresh()
            self.items_changed.emit()

    def delete_item(self) -> None:
        item = self.selected()
        if item is None:
            return
        answer = QMessageBox.question(self, "删除事项", f"删除“{item.fields.problem[:30]}”？")
        if answer != QMessageBox.StandardButton.Yes:
            return
        with_amendment(self, lambda reason: self.services.annual.delete_item(item.id, amendment_reason=reason))
        self.refresh()
        self.items_changed.emit()

    def open_evidence(self) -> None:
        item = self.selected()
        path = self.services.annual.evidence_path(item) if item else None
        if path is None or not path.exists():
            QMessageBox.information(self, "佐证材料", "所选事项没有佐证材料。")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
