"""花名册: the roster as a table with search and filters, and the actions on members.

The page only shows DTOs from `services.roster` and opens dialogs; every change is saved by a
service call (one transaction each)."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.roster import CATEGORIES, STAGES, STATUSES
from desktop.ui.common import guarded, show_error, user_message
from desktop.ui.roster_models import (
    ALL,
    COLUMNS,
    FLAG_FILTERS,
    NO_GROUP,
    ON_ROLL,
    MemberFilter,
    MemberFilterProxy,
    MemberItemDelegate,
    MemberTableModel,
)

if TYPE_CHECKING:
    from desktop.services.bundle import Services
    from desktop.services.roster import MemberDto


def _filter_combo(label_all: str, values: tuple[str, ...] | list[str], object_name: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(object_name)
    combo.addItem(label_all, ALL)
    for value in values:
        combo.addItem(value, value)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


def optional_module(name: str) -> Any | None:
    """A module another engineer builds, or None while it does not exist yet."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name == name:
            return None
        raise


class RowNumberHeader(QHeaderView):
    """The row numbers left of the roster table (a QTableView's own vertical header otherwise).

    Qt sizes a header by measuring its first and last 100 sections, each measurement several
    headerData() calls into Python, and does it again whenever a filter changes the row count
    (~1,500 calls, several ms, for every combo filter on a big roster). The numbers are drawn in
    the bundled font, whose digits have equal widths, so the widest label is among the last ones:
    a few sections from each end give the same size (tests/ui/test_roster_table_cache.py compares
    it with Qt's). Short or partly hidden headers are measured by Qt as before."""

    SAMPLE = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setSectionsClickable(True)  # as QTableView sets up its own vertical header
        self.setHighlightSections(True)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        count = self.count()
        if count <= 2 * self.SAMPLE or self.hiddenSectionCount():
            return super().sizeHint()
        hint = QSize(0, 0)
        for section in (*range(self.SAMPLE), *range(count - self.SAMPLE, count)):
            hint = hint.expandedTo(self.sectionSizeFromContents(section))
        return hint


class RosterPage(QWidget):
    navigate = Signal(str)
    members_changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.model = MemberTableModel(self)
        self.proxy = MemberFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        layout = QVBoxLayout(self)
        layout.addLayout(self._build_actions())
        layout.addLayout(self._build_filters())
        self.table = QTableView()
        self.table.setObjectName("rosterTable")
        self.table.setVerticalHeader(RowNumberHeader(self.table))
        self.table.setModel(self.proxy)
        self.table.setItemDelegate(MemberItemDelegate(self.proxy, self.table))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # entry order until a column is clicked
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._sort_by)
        for column, spec in enumerate(COLUMNS):
            self.table.setColumnWidth(column, spec.width)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.table.installEventFilter(self)  # Enter edits the selected member
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.table, 1)
        self.count_label = QLabel()
        self.count_label.setObjectName("rosterCount")
        layout.addWidget(self.count_label)
        self._roll_counts = (0, 0, 0)  # members, on the roll (正常), of them 预备党员: set by refresh()
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        if services.ctx.read_only:
            for button in self._writing_buttons:
                button.setEnabled(False)
        self._update_buttons()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if (watched is self.table and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)  # type: ignore[attr-defined]
                and self.selected_member() is not None):
            self.edit_selected()
            return True
        return super().eventFilter(watched, event)

    # -- building -------------------------------------------------------------------------------
    def _button(self, text: str, slot: Callable[[], Any], shortcut: str | None = None, tip: str = "") -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(slot)
        if shortcut:
            action = QAction(self)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.addAction(action)
            tip = f"{tip}（{QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)}）" if tip else shortcut
        if tip:
            button.setToolTip(tip)
        return button

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.add_button = self._button("新增(&N)", self.add_member, "Ctrl+N", "新增党员")
        self.edit_button = self._button("编辑(&E)", self.edit_selected, None, "编辑选中的党员（回车或双击）")
        self.history_button = self._button("历史(&H)", self.show_history, "Ctrl+H", "选中党员的变动记录")
        self.transfer_in_button = self._button("转入(&I)…", self.transfer_in, None, "从其他党组织转入党员")
        self.transfer_out_button = self._button("转出(&O)…", self.transfer_out, None, "把选中的党员转出本支部")
        self.groups_button = self._button("党小组(&G)…", self.manage_groups)
        self.import_button = self._button("导入(&M)…", self.import_roster, None, "从 Excel/CSV 导入花名册")
        self.export_xlsx_button = self._button("导出 Excel(&X)…", self.export_xlsx)
        self.export_pdf_button = self._button("导出 PDF 花名册(&P)…", self.export_pdf)
        for button in (self.add_button, self.edit_button, self.history_button, self.transfer_in_button,
                       self.transfer_out_button, self.groups_button, self.import_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.export_xlsx_button)
        row.addWidget(self.export_pdf_button)
        self._writing_buttons = (self.add_button, self.edit_button, self.transfer_in_button,
                                 self.transfer_out_button, self.import_button)
        return row

    def _build_filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        search_label = QLabel("搜索(&F)：")
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("rosterSearch")
        self.search_edit.setPlaceholderText("姓名、手机号或身份证号末几位")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(200)
        search_label.setBuddy(self.search_edit)
        self.search_edit.textChanged.connect(self._apply_filter)
        row.addWidget(search_label)
        row.addWidget(self.search_edit)
        self.group_filter = _filter_combo("全部党小组", [], "groupFilter")
        self.category_filter = _filter_combo("全部人员类别", CATEGORIES, "categoryFilter")
        self.stage_filter = _filter_combo("全部发展阶段", STAGES, "stageFilter")
        self.status_filter = _filter_combo("全部党籍状态", STATUSES, "statusFilter")
        self.status_filter.insertItem(1, "在册（正常、停止党籍）", ON_ROLL)
        self.flag_filter = _filter_combo("全部（不限标记）", FLAG_FILTERS, "flagFilter")
        for combo in self._filter_combos():
            combo.currentIndexChanged.connect(self._apply_filter)
            row.addWidget(combo)
        clear = QToolButton()
        clear.setText("清除筛选(&C)")
        clear.clicked.connect(self.clear_filters)
        row.addWidget(clear)
        row.addStretch(1)
        return row

    def _filter_combos(self) -> tuple[QComboBox, ...]:
        return (self.group_filter, self.category_filter, self.stage_filter, self.status_filter, self.flag_filter)

    # -- showing --------------------------------------------------------------------------------
    def refresh(self) -> None:
        selected = self.selected_member()
        self._reload_groups()
        members = self.services.roster.list_members()
        self.model.set_rows(members)
        on_roll = [m for m in members if m.is_party_member and m.status == "正常"]
        probationary = sum(1 for m in on_roll if m.stage == "预备党员")
        self._roll_counts = (len(members), len(on_roll), probationary)  # shown under every filter
        if self._sort_column >= 0:
            self.model.sort(self._sort_column, self._sort_order)
        if selected is not None:
            self.select_member(selected.id)
        self._update_count()
        self._update_buttons()

    def _reload_groups(self) -> None:
        current = self.group_filter.currentData()
        self.group_filter.blockSignals(True)
        self.group_filter.clear()
        self.group_filter.addItem("全部党小组", ALL)
        for group in self.services.roster.list_groups():
            label = group.name if group.dissolved_on is None else f"{group.name}（已撤销）"
            self.group_filter.addItem(label, group.name)
        self.group_filter.addItem(NO_GROUP, NO_GROUP)
        index = self.group_filter.findData(current)
        self.group_filter.setCurrentIndex(max(index, 0))
        self.group_filter.blockSignals(False)

    def current_filter(self) -> MemberFilter:
        return MemberFilter(
            text=self.search_edit.text(),
            group=self.group_filter.currentData() or ALL,
            category=self.category_filter.currentData() or ALL,
            stage=self.stage_filter.currentData() or ALL,
            status=self.status_filter.currentData() or ALL,
            flag=self.flag_filter.currentData() or ALL,
        )

    def _apply_filter(self, *_: Any) -> None:
        self.proxy.set_member_filter(self.current_filter())
        self._update_count()
        self._update_buttons()

    def clear_filters(self) -> None:
        for combo in self._filter_combos():
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(False)
        self._apply_filter()

    def _sort_by(self, column: int) -> None:
        if column == self._sort_column:
            self._sort_order = (Qt.SortOrder.DescendingOrder if self._sort_order == Qt.SortOrder.AscendingOrder
                                else Qt.SortOrder.AscendingOrder)
        else:
            self._sort_column, self._sort_order = column, Qt.SortOrder.AscendingOrder
        self.table.horizontalHeader().setSortIndicator(column, self._sort_order)
        self.model.sort(column, self._sort_order)

    def _update_count(self) -> None:
        total, on_roll, probationary = self._roll_counts
        self.count_label.setText(
            f"显示 {self.proxy.rowCount()} / {total} 人　在册党员 {on_roll} 名（正式 {on_roll - probationary}，预备 {probationary}）"
        )

    def _update_buttons(self) -> None:
        has = self.selected_member() is not None
        writable = not self.services.ctx.read_only
        self.edit_button.setEnabled(has and writable)
        self.history_button.setEnabled(has)
        self.transfer_out_button.setEnabled(has and writable)

    # -- selection --------------------------------------------------------------------------------
    def selected_member(self) -> MemberDto | None:
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), index.parent()):
            return None
        return self.proxy.member_at(index.row())

    def select_member(self, member_id: int) -> bool:
        row = self.proxy.row_of(member_id)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.proxy.index(row, 0))
        return True

    def _show_saved(self, member: MemberDto) -> None:
        self.refresh()
        if not self.select_member(member.id):
            self.clear_filters()
            self.select_member(member.id)
        self.members_changed.emit()

    # -- actions ----------------------------------------------------------------------------------
    def add_member(self) -> None:
        from desktop.ui.member_dialog import MemberDialog

        if self.services.ctx.read_only:
            return
        dialog = MemberDialog(self.services.roster.list_groups(), self.services.ctx.today(), None, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            saved = self._save(dialog, lambda: self.services.roster.add_member(dialog.fields, effective_on=dialog.effective_on))
            if saved is not None:
                self._show_saved(saved)
                return

    def edit_selected(self) -> None:
        from desktop.ui.member_dialog import MemberDialog

        member = self.selected_member()
        if member is None or self.services.ctx.read_only:
            return
        dialog = MemberDialog(self.services.roster.list_groups(), self.services.ctx.today(), member, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            saved = self._save(dialog, lambda reason=None: self.services.roster.update_member(
                member.id, dialog.fields, effective_on=dialog.effective_on, amendment_reason=reason))
            if saved is not None:
                self._show_saved(saved)
                return

    def _save(self, dialog: Any, action: Callable[..., Any]) -> Any:
        """Run a save; a field error reopens the dialog on that field, a locked record asks for
        the amendment (更正) reason and retries. None when nothing was saved."""
        from desktop.domain.errors import RecordLockedError, ValidationError

        try:
            return action()
        except RecordLockedError as exc:
            reason = ask_amendment_reason(self, exc)
            if reason is None:
                return None
            return guarded(self, lambda: action(reason))
        except ValidationError as exc:
            widget = dialog.widget_for(exc.field) if exc.field else None
            QMessageBox.warning(self, "无法保存", user_message(exc))
            if widget is not None:
                dialog.focus_field(widget)
            return None
        except Exception as exc:  # noqa: BLE001 - shown, never a crash
            show_error(self, exc)
            return None

    def show_history(self) -> None:
        from desktop.ui.member_dialog import MemberHistoryDialog

        member = self.selected_member()
        if member is None:
            return
        changes = self.services.roster.history(member.id)
        transfers = [t for t in self.services.roster.transfers() if t.member_id == member.id]
        MemberHistoryDialog(member.name, changes, transfers, self).exec()

    def transfer_in(self) -> None:
        from desktop.ui.transfer_dialog import TransferInDialog

        dialog = TransferInDialog(self.services.roster.list_groups(), self.services.ctx.today(), self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            details = dialog.details
            saved = self._save(dialog, lambda: self.services.roster.transfer_in(
                dialog.fields, on=details.transfer_date, organization=details.organization,
                letter_number=details.letter_number, dues_paid_to=details.dues_paid_to))
            if saved is not None:
                self._show_saved(saved)
                return

    def transfer_out(self) -> None:
        from desktop.ui.transfer_dialog import TransferOutDialog

        member = self.selected_member()
        if member is None:
            return
        try:
            paid_to = self.services.dues.paid_to_for_transfer(member.id)
        except Exception:  # noqa: BLE001 - the prefill is a convenience; the secretary can type it
            paid_to = None
        dialog = TransferOutDialog(member.name, self.services.ctx.today(), self, dues_paid_to=paid_to)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        details = dialog.details
        done = guarded(self, lambda: self.services.roster.transfer_out(
            member.id, on=details.transfer_date, organization=details.organization,
            letter_number=details.letter_number, dues_paid_to=details.dues_paid_to, note=dialog.note))
        if done is not None:
            self.refresh()
            self.select_member(member.id)
            self.members_changed.emit()

    def manage_groups(self) -> None:
        from desktop.ui.group_dialog import GroupDialog

        dialog = GroupDialog(self.services, self)
        dialog.exec()
        if dialog.changed:
            self.refresh()

    def import_roster(self) -> None:
        module = optional_module("desktop.ui.import_dialog")
        if module is None:
            QMessageBox.information(self, "导入", "从 Excel/CSV 导入花名册的功能尚未完成。")
            return
        module.ImportDialog(self.services, self).exec()
        self.refresh()
        self.members_changed.emit()

    # -- export -----------------------------------------------------------------------------------
    def ask_save_path(self, title: str, suggested: str, file_filter: str) -> Path | None:
        """The file dialog (tests replace this method)."""
        folder = self.services.ctx.folder.exports
        path, _ = QFileDialog.getSaveFileName(self, title, str(folder / suggested), file_filter)
        return Path(path) if path else None

    def _roster_io(self) -> Any | None:
        try:
            return self.services.roster_io
        except ModuleNotFoundError:
            QMessageBox.information(self, "导出", "花名册导出功能尚未完成。")
            return None

    def export_xlsx(self) -> Path | None:
        io = self._roster_io()
        if io is None:
            return None
        path = self.ask_save_path("导出花名册（Excel）", f"花名册-{dt.date.today():%Y%m%d}.xlsx", "Excel 工作簿 (*.xlsx)")
        if path is None:
            return None
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        path.parent.mkdir(parents=True, exist_ok=True)
        if guarded(self, lambda: io.export_xlsx(path) or True) is None:
            return None
        QMessageBox.information(self, "导出完成", f"花名册已导出到：\n{path}")
        return path

    def export_pdf(self) -> Path | None:
        io = self._roster_io()
        if io is None:
            return None
        path = self.ask_save_path("导出 PDF 花名册", f"花名册-{dt.date.today():%Y%m%d}.pdf", "PDF 文件 (*.pdf)")
        if path is None:
            return None
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        path.parent.mkdir(parents=True, exist_ok=True)
        if guarded(self, lambda: io.render_ledger(None, path) or True) is None:
            return None
        QMessageBox.information(self, "导出完成", f"PDF 花名册已导出到：\n{path}")
        return path


def ask_amendment_reason(parent: QWidget, exc: BaseException) -> str | None:
    """A locked record (already in a signed ledger) changes only with a stated reason (更正)."""
    amendment = optional_module("desktop.ui.amendment_dialog")
    if amendment is not None:
        return amendment.ask_reason(parent, user_message(exc))
    text, ok = QInputDialog.getText(
        parent, "更正已签章的记录",
        f"{user_message(exc)}\n\n这条记录已出现在签章导出的台账中。如确需修改，请填写更正原因（将记入审计记录）：",
    )
    text = text.strip()
    return text if ok and text else None
