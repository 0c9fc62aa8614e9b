"""The main window: a section list on the left, the section's page on the right.

The window paints before any data is opened (`attach()` comes later), so it starts as fast as a
bare Qt window; each page is built the first time its section is shown. Restoring a backup
detaches the open folder (closing the database and its lock), replaces the file, and opens the
folder again, so no page keeps showing data from the file that was replaced."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, QTimer, Signal
from PySide6.QtGui import QAction, QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_DISPLAY_NAME
from desktop.resources import resources_dir

if TYPE_CHECKING:
    from desktop.services.bundle import Services

# (key, label, "module:Class" of the page). Each page is constructed as Class(services, parent).
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("home", "首页", "desktop.ui.home_page:HomePage"),
    ("roster", "花名册", "desktop.ui.roster_page:RosterPage"),
    ("meetings", "组织生活", "desktop.ui.meetings_page:MeetingsPage"),
    ("dues", "党费", "desktop.ui.dues_page:DuesPage"),
    ("annual", "述职", "desktop.ui.annual_page:AnnualPage"),
    ("ledgers", "台账与同步", "desktop.ui.ledgers_page:LedgersPage"),
    ("settings", "设置", "desktop.ui.settings_page:SettingsPage"),
)

# Qt.ItemDataRole.UserRole. Nothing here touches PySide's `Qt` namespace before the first paint:
# its first use builds every enum in it (~40 ms, an eighth of a bare window's start).
USER_ROLE = 256

READ_ONLY_TEXT = ("只读模式：数据文件夹不可写（例如写保护的U盘或光盘），只能查看、打印和导出，不能修改。"
                  "如需修改，请把整个数据文件夹复制到本机后再打开。")


def app_icon() -> QIcon:
    """The window icon: resources/icons/app.png if present, else the packaged icon set."""
    icons = resources_dir() / "icons"
    icon = QIcon()
    single = icons / "app.png"
    if single.exists():
        icon.addFile(str(single))
        return icon
    for path in sorted(icons.glob("branch-ledger-*.png")):
        icon.addFile(str(path))
    return icon


class MainWindow(QMainWindow):
    section_changed = Signal(str)
    reopened = Signal()
    first_painted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_DISPLAY_NAME)
        self.setWindowIcon(app_icon())
        self.resize(1200, 760)
        self.services: Services | None = None
        self._pages: dict[str, QWidget] = {}
        self._painted = False

        self.section_list = QListWidget()
        self.section_list.setObjectName("sectionList")
        self.section_list.setFrameShape(QFrame.Shape.NoFrame)
        line = self.fontMetrics().height()
        for index, (key, label, _) in enumerate(SECTIONS):
            item = QListWidgetItem(label)
            item.setData(USER_ROLE, key)
            item.setToolTip(f"{label}（Ctrl+{index + 1}）")
            item.setSizeHint(QSize(0, line * 2 + 6))
            self.section_list.addItem(item)
        widest = max(self.fontMetrics().horizontalAdvance(label) for _, label, _ in SECTIONS)
        self.section_list.setFixedWidth(widest + 48)
        self.section_list.setStyleSheet(
            "QListWidget#sectionList { background: #f3f0ea; border-right: 1px solid #d8d2c4; }"
            "QListWidget#sectionList::item { padding-left: 14px; }"
            "QListWidget#sectionList::item:selected { background: #b3261e; color: white; }"
        )

        self.stack = QStackedWidget()
        self.loading = QLabel("<p align='center'>正在打开台账数据……</p>")
        self.stack.addWidget(self.loading)
        self.read_only_banner = QLabel(READ_ONLY_TEXT)
        self.read_only_banner.setObjectName("readOnlyBanner")
        self.read_only_banner.setWordWrap(True)
        self.read_only_banner.setStyleSheet(
            "QLabel#readOnlyBanner { background: #fff4ce; color: #5c4400; border: 1px solid #e0c36a; padding: 6px 10px; }"
        )
        self.read_only_banner.hide()

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 8, 8, 0)
        right_layout.addWidget(self.read_only_banner)
        right_layout.addWidget(self.stack, 1)
        central = QWidget()
        central_layout = QHBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.section_list)
        central_layout.addWidget(right, 1)
        self.setCentralWidget(central)

        self.folder_label = QLabel()
        self.folder_label.setObjectName("folderLabel")
        self.statusBar().addPermanentWidget(self.folder_label)
        self._build_menus()
        self.section_list.currentRowChanged.connect(self._show_row)
        # Ctrl+1 … Ctrl+7 jump to a section: the window is usable without a mouse.
        for index in range(len(SECTIONS)):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.activated.connect(lambda i=index: self.section_list.setCurrentRow(i))

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        self.backup_action = QAction("立即备份(&B)", self)
        self.backup_action.triggered.connect(self.backup_now)
        file_menu.addAction(self.backup_action)
        self.restore_action = QAction("恢复备份(&R)…", self)
        self.restore_action.triggered.connect(lambda: self.show_settings_tab("备份与恢复"))
        file_menu.addAction(self.restore_action)
        file_menu.addSeparator()
        quit_action = QAction("退出(&X)", self)
        quit_action.triggered.connect(self.close)
        self.quit_action = quit_action
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        about_action = QAction("关于(&A)", self)
        about_action.triggered.connect(self.show_about)
        help_menu.addAction(about_action)
        self._data_actions = (self.backup_action, self.restore_action)
        for action in self._data_actions:
            action.setEnabled(False)

    # -- the open data folder ---------------------------------------------------------------------
    def attach(self, services: Services) -> None:
        """Called once the data folder is open (and again after a restore)."""
        self.services = services
        read_only = services.ctx.read_only
        profile = services.branch.profile()
        name = profile.name if profile else "未设置支部"
        suffix = "（只读）" if read_only else ""
        self.setWindowTitle(f"{APP_DISPLAY_NAME} — {name}{suffix}")
        self.folder_label.setText(f"数据文件夹：{services.ctx.data_dir}{suffix}")
        self.folder_label.setToolTip(str(services.ctx.data_dir))
        self.read_only_banner.setVisible(read_only)
        self.backup_action.setEnabled(not read_only)
        self.restore_action.setEnabled(not read_only)
        self.section_list.setCurrentRow(0)
        self._show_row(0)

    def detach(self) -> Path | None:
        """Close the open folder (database, lock) and drop every page built over it."""
        data_dir = self.services.ctx.data_dir if self.services is not None else None
        self.stack.setCurrentWidget(self.loading)
        for page in self._pages.values():
            self.stack.removeWidget(page)
            page.deleteLater()
        self._pages.clear()
        if self.services is not None:
            self.services.close()
            self.services = None
        for action in self._data_actions:
            action.setEnabled(False)
        return data_dir

    def restore_backup(self, backup: Path) -> bool:
        """Replace the data file by `backup` and reopen the folder. The current file is kept aside."""
        from desktop.services.maintenance import restore_folder
        from desktop.ui.common import busy, show_error
        from desktop.ui.startup import open_services_for_window

        data_dir = self.detach()
        if data_dir is None:
            return False
        try:
            with busy():
                kept = restore_folder(data_dir, backup)
        except Exception as exc:  # noqa: BLE001 - shown; the folder is reopened as it was
            show_error(self, exc, "恢复失败")
            kept = None
            restored = False
        else:
            restored = True
        services = open_services_for_window(self, str(data_dir), demo=False)
        if services is None:
            self.close()
            return False
        self.attach(services)
        if restored:
            note = f"原数据文件已另存为 {kept.name}。" if kept else ""
            QMessageBox.information(self, "恢复完成", f"已用备份 {backup.name} 恢复数据。{note}")
        self.reopened.emit()
        return restored

    # -- sections ---------------------------------------------------------------------------------
    def show_section(self, key: str) -> QWidget:
        row = next(i for i, (k, _, _) in enumerate(SECTIONS) if k == key)
        self.section_list.setCurrentRow(row)
        return self.page(key)

    def open_package(self, path: Path) -> Any:
        """An exchange package opened with the program: 台账与同步 → 同步, and import it there
        (the panel shows what it changes and asks first)."""
        page = self.show_section("ledgers")
        panel = getattr(page, "sync_panel", None)
        if panel is None:
            QMessageBox.information(self, "无法导入同步包", f"本程序不能导入 {path.name}：缺少同步功能。")
            return None
        page.tabs.setCurrentWidget(panel)
        return panel.import_district_package(path)

    def show_settings_tab(self, label: str) -> None:
        tabs = getattr(self.show_section("settings"), "tabs", None)
        if tabs is None:
            return
        for index in range(tabs.count()):
            if tabs.tabText(index) == label:
                tabs.setCurrentIndex(index)

    def page(self, key: str) -> QWidget:
        if key not in self._pages:
            self._pages[key] = self._build_page(key)
            self.stack.addWidget(self._pages[key])
        return self._pages[key]

    def _build_page(self, key: str) -> QWidget:
        assert self.services is not None
        spec = next(s for k, _, s in SECTIONS if k == key)
        module_name, class_name = spec.split(":")
        page_class = getattr(importlib.import_module(module_name), class_name)
        page = page_class(self.services, self)
        if hasattr(page, "navigate"):
            page.navigate.connect(self.show_section)
        return page

    def _show_row(self, row: int) -> None:
        if self.services is None or row < 0:
            return
        key = SECTIONS[row][0]
        page = self.page(key)
        refresh = getattr(page, "refresh", None)
        if refresh is not None:
            from desktop.ui.common import guarded

            guarded(self, refresh)
        self.stack.setCurrentWidget(page)
        self.section_changed.emit(key)

    # -- menu actions -----------------------------------------------------------------------------
    def backup_now(self) -> Path | None:
        from desktop.ui.common import guarded

        if self.services is None:
            return None
        services = self.services
        path = guarded(self, lambda: services.maintenance.backup_now())
        if path is not None:
            self.statusBar().showMessage(f"已备份到 {path}", 8000)
            QMessageBox.information(self, "备份完成", f"已备份到：\n{path}")
        return path

    def show_about(self) -> None:
        try:
            module = importlib.import_module("desktop.ui.about_dialog")
        except ModuleNotFoundError as exc:
            if exc.name != "desktop.ui.about_dialog":
                raise
            from desktop import __version__

            QMessageBox.about(self, "关于", f"{APP_DISPLAY_NAME} {__version__}\n党支部工作的离线台账。")
            return
        module.AboutDialog(self.services, self).exec()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._after_first_paint)
            self.first_painted.emit()

    def _after_first_paint(self) -> None:
        """What can wait until the window is on screen. QAction.setShortcut builds PySide's enum
        tables on first use (~40 ms), so the menu shortcuts are set here."""
        self.backup_action.setShortcut(QKeySequence("Ctrl+Shift+B"))
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self.services is not None:
            self.services.close()
            self.services = None
        super().closeEvent(event)
