"""导入花名册: choose an .xlsx/.csv, see what the import would do row by row, then import it all.

The preview and the import are service calls (`services.roster_io`); the dialog only shows the
ImportPreview it gets back. Nothing is written until 导入 is pressed, and then all at once."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.common import busy, user_message

if TYPE_CHECKING:
    from desktop.services.bundle import Services
    from desktop.services.roster_io import ImportPreview, ImportResult, ImportRow

Index = QModelIndex | QPersistentModelIndex
_log = logging.getLogger(__name__)
_RED = QColor("#B00020")
_AMBER = QColor("#8A5A00")
_GREY = QColor("#777777")


class ImportRowModel(QAbstractTableModel):
    """Passive table of the preview's rows: 行号, 姓名, 处理, 问题."""

    HEADERS = ("行号", "姓名", "处理", "问题与提示")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ImportRow] = []

    def set_rows(self, rows: list[ImportRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> ImportRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(self.HEADERS):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            return "\n".join(p.text for p in row.problems) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.has_errors:
                return _RED
            if index.column() == 3 and row.problems:
                return _AMBER
            if row.action == "无变化":
                return _GREY
        return None

    @staticmethod
    def _text(row: ImportRow, column: int) -> str:
        if column == 0:
            return str(row.row_number)
        if column == 1:
            return row.name
        if column == 2:
            return row.action
        text = row.problem_text
        if row.action == "更新" and row.changed:
            changed = "更新：" + "、".join(row.changed)
            text = f"{changed}；{text}" if text else changed
        return text


class ImportDialog(QDialog):
    """Constructed as `ImportDialog(services, parent)`; `path` previews a file at once."""

    def __init__(self, services: Services, parent: QWidget | None = None, path: Path | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.preview: ImportPreview | None = None
        self.import_result: ImportResult | None = None
        self.setWindowTitle("导入花名册")
        self.resize(900, 600)

        self.file_edit = QLineEdit()
        self.file_edit.setReadOnly(True)
        self.file_edit.setPlaceholderText("请选择 .xlsx 或 .csv 文件（UTF-8 或 GBK 编码）")
        self.browse_button = QPushButton("选择文件(&F)…")
        self.browse_button.clicked.connect(self.choose_file)
        file_label = QLabel("文件(&L)：")
        file_label.setBuddy(self.file_edit)
        file_row = QHBoxLayout()
        file_row.addWidget(file_label)
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(self.browse_button)

        self.error_label = QLabel()
        self.error_label.setObjectName("importError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #B00020;")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        self.summary_label = QLabel("尚未选择文件。导入前会先列出每一行的问题，确认后才写入。")
        self.summary_label.setWordWrap(True)

        self.model = ImportRowModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table: arrows move within it
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.table.setColumnWidth(0, 60)
        self.table.setColumnWidth(1, 110)
        self.table.setColumnWidth(2, 70)
        table_label = QLabel("各行(&R)：")
        table_label.setBuddy(self.table)

        self.columns_list = QListWidget()
        self.columns_list.setObjectName("unrecognisedColumns")
        columns_label = QLabel("未识别的列（不导入）(&U)：")
        columns_label.setBuddy(self.columns_list)
        self.recognised_label = QLabel()
        self.recognised_label.setWordWrap(True)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(columns_label)
        side_layout.addWidget(self.columns_list, 1)
        side_layout.addWidget(self.recognised_label)
        main = QWidget()
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(0, 0, 0, 0)
        main_layout.addWidget(table_label)
        main_layout.addWidget(self.table, 1)
        self.detail_label = QLabel()
        self.detail_label.setObjectName("rowDetail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        main_layout.addWidget(self.detail_label)
        self.table.selectionModel().currentRowChanged.connect(self._show_detail)
        splitter = QSplitter()
        splitter.addWidget(main)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        self.skip_check = QCheckBox("跳过有错误的行(&S)")
        self.skip_check.toggled.connect(self._update_buttons)
        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton("导入(&I)", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("取消(&C)", QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.skip_check)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(file_row)
        layout.addWidget(self.error_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        for first, second in ((self.browse_button, self.table), (self.table, self.columns_list),
                              (self.columns_list, self.skip_check), (self.skip_check, self.import_button),
                              (self.import_button, self.cancel_button)):
            QWidget.setTabOrder(first, second)
        self.browse_button.setFocus()
        self._update_buttons()
        if path is not None:
            self.load(Path(path))

    # -- actions ----------------------------------------------------------------------------------
    def ask_open_path(self) -> Path | None:
        """The file chooser (tests replace this method)."""
        path, _ = QFileDialog.getOpenFileName(self, "选择要导入的花名册", "", "表格文件 (*.xlsx *.csv);;所有文件 (*)")
        return Path(path) if path else None

    def choose_file(self) -> None:
        path = self.ask_open_path()
        if path is not None:
            self.load(path)

    def load(self, path: Path) -> ImportPreview | None:
        """Preview `path`; a file that cannot be read is explained above the table."""
        self.file_edit.setText(str(path))
        self.preview = None
        self.model.set_rows([])
        self.columns_list.clear()
        self.recognised_label.clear()
        self.detail_label.clear()
        try:
            with busy():
                preview = self.services.roster_io.preview_import(path)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
            self._show_error(exc)
            self.summary_label.setText("无法预览该文件，未写入任何数据。")
            self._update_buttons()
            return None
        self.error_label.hide()
        self.preview = preview
        self.model.set_rows(list(preview.rows))
        self.columns_list.addItems(list(preview.unrecognised) or ["（无）"])
        self.recognised_label.setText("已识别：" + "、".join(h for h, _ in preview.columns))
        where = f"工作表“{preview.sheet}”" if preview.sheet else f"{preview.encoding} 编码"
        notes = "".join(f"<br>注意：{n}" for n in preview.notes if not n.startswith("未识别的列"))
        errors = (f"<br><b>有 {preview.error_rows} 行存在错误</b>：改正文件后重新选择，或勾选“跳过有错误的行”。"
                  if preview.error_rows else "")
        self.summary_label.setText(f"{where}，表头在第 {preview.header_row} 行。{preview.summary}。{errors}{notes}")
        self._update_buttons()
        self.table.setFocus()
        first_problem = next((i for i, r in enumerate(preview.rows) if r.problems), 0)
        self.table.setCurrentIndex(self.model.index(first_problem, 0))
        return preview

    def accept(self) -> None:
        """导入: write everything previewed in one transaction; on success the dialog closes."""
        if self.preview is None or not self.import_button.isEnabled():
            return
        from desktop.domain.errors import RecordLockedError

        reason: str | None = None
        while True:
            try:
                with busy():
                    self.import_result = self.services.roster_io.commit_import(
                        self.preview, skip_invalid=self.skip_check.isChecked(), amendment_reason=reason)
                break
            except RecordLockedError as exc:
                reason = self.ask_amendment_reason(exc.message)
                if not reason:
                    return
            except Exception as exc:  # noqa: BLE001
                self._show_error(exc)
                return
        self.announce(self.import_result.summary)
        super().accept()

    def announce(self, summary: str) -> None:
        """Tell the user what was written (tests replace this method)."""
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(self, "导入完成", summary)

    def ask_amendment_reason(self, message: str) -> str | None:
        text, ok = QInputDialog.getText(self, "更正原因", f"{message}\n\n请填写更正原因：")
        return text.strip() if ok and text.strip() else None

    # -- helpers ----------------------------------------------------------------------------------
    def _show_error(self, exc: BaseException) -> None:
        from desktop.domain.errors import LedgerError

        if not isinstance(exc, LedgerError):
            _log.exception("import failed")
        self.error_label.setText(user_message(exc))
        self.error_label.show()

    def _show_detail(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The selected row's problems in full (the table cell shows only the start)."""
        if not current.isValid():
            self.detail_label.clear()
            return
        row = self.model.row_at(current.row())
        lines = [f"第 {row.row_number} 行 {row.name}：{row.action}"]
        if row.changed:
            lines.append("更新：" + "、".join(row.changed))
        lines += [p.text for p in row.problems]
        self.detail_label.setText("\n".join(lines))

    def _update_buttons(self) -> None:
        preview = self.preview
        writable = preview is not None and any(r.action in ("新增", "更新") for r in preview.rows)
        blocked = preview is not None and preview.error_rows > 0 and not self.skip_check.isChecked()
        self.import_button.setEnabled(bool(writable and not blocked))
        self.skip_check.setEnabled(preview is not None and preview.error_rows > 0)
