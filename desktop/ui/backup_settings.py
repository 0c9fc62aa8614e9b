"""设置 → 备份与恢复: the backups kept in the data folder, back up now, restore a chosen one.

Restoring replaces the data file, so the window closes the open folder first and opens it again
afterwards (MainWindow.restore_backup); the file being replaced is itself kept as a backup."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.common import guarded

if TYPE_CHECKING:
    from desktop.services.bundle import Services


def reason_label(reason: str) -> str:
    if reason == "auto":
        return "自动（每日启动时）"
    if reason == "manual":
        return "手动"
    if reason.startswith("before_upgrade"):
        return "升级前自动"
    if reason == "before_restore":
        return "恢复前自动保存"
    return reason


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


class BackupSettingsTab(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        layout = QVBoxLayout(self)
        intro = QLabel(
            "每天第一次打开时自动备份（保留最近10份），升级前和恢复前也会自动备份。"
            "备份保存在数据文件夹的 backups 子文件夹中；建议定期把它复制到U盘等其他介质。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        list_label = QLabel("已有备份（最新的在最上面）(&L)：")
        layout.addWidget(list_label)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("backupTable")
        self.table.setHorizontalHeaderLabels(["备份时间", "类型", "大小"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 170)
        list_label.setBuddy(self.table)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.backup_button = QPushButton("立即备份(&B)")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton("恢复所选备份(&R)…")
        self.restore_button.clicked.connect(self.restore_selected)
        self.open_button = QPushButton("打开备份文件夹(&O)")
        self.open_button.clicked.connect(self.open_folder)
        for button in (self.backup_button, self.restore_button, self.open_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        if services.ctx.read_only:
            self.backup_button.setEnabled(False)
            self.restore_button.setEnabled(False)
        self.refresh()

    def refresh(self) -> None:
        backups = self.services.maintenance.backups()
        self.table.setRowCount(len(backups))
        for r, info in enumerate(backups):
            values = (info.taken_at.strftime("%Y-%m-%d %H:%M:%S"), reason_label(info.reason), size_text(info.size))
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, str(info.path))
                self.table.setItem(r, c, item)
        if backups:
            self.table.selectRow(0)

    def selected_backup(self) -> Path | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return Path(item.data(Qt.ItemDataRole.UserRole)) if item is not None else None

    def backup_now(self) -> Path | None:
        path = guarded(self, lambda: self.services.maintenance.backup_now())
        if path is not None:
            self.refresh()
            QMessageBox.information(self, "备份完成", f"已备份到：\n{path}")
        return path

    def confirm_restore(self, backup: Path) -> bool:
        answer = QMessageBox.question(
            self, "恢复备份",
            f"用备份“{backup.name}”替换当前数据？\n\n当前数据会先另存为一份备份（可再恢复回来）；"
            "恢复后程序会重新打开数据文件夹。",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def restore_selected(self) -> bool:
        backup = self.selected_backup()
        if backup is None:
            QMessageBox.information(self, "恢复备份", "请先在列表中选中一份备份。")
            return False
        if not self.confirm_restore(backup):
            return False
        window = self.window()
        restore = getattr(window, "restore_backup", None)
        if restore is None:  # not inside the main window: nothing can reopen the folder
            QMessageBox.warning(self, "恢复备份", "请在主窗口的“设置→备份与恢复”中恢复。")
            return False
        return bool(restore(backup))  # this tab is deleted and rebuilt by the window

    def open_folder(self) -> None:
        folder = self.services.ctx.folder.backups
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
