"""The main window: a section list on the left, the section's page on the right.

The window paints before any data is opened (`attach()` comes later), so it starts as fast as a
bare Qt window; each page is built the first time its section is shown."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QMainWindow, QSplitter, QStackedWidget, QWidget

from desktop import APP_DISPLAY_NAME

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


class MainWindow(QMainWindow):
    section_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(APP_DISPLAY_NAME)
        self.resize(1200, 760)
        self.services: Services | None = None
        self._pages: dict[str, QWidget] = {}

        self.section_list = QListWidget()
        self.section_list.setObjectName("sectionList")
        self.section_list.setFixedWidth(150)
        for key, label, _ in SECTIONS:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.section_list.addItem(item)
        self.stack = QStackedWidget()
        self.loading = QLabel("正在打开台账数据……")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)

        splitter = QSplitter()
        splitter.addWidget(self.section_list)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self.section_list.currentRowChanged.connect(self._show_row)
        # Ctrl+1 … Ctrl+7 jump to a section: the window is usable without a mouse.
        for index in range(len(SECTIONS)):
            shortcut = QShortcut(QKeySequence(f"Ctrl+{index + 1}"), self)
            shortcut.activated.connect(lambda i=index: self.section_list.setCurrentRow(i))

    def attach(self, services: Services) -> None:
        """Called once the data folder is open."""
        self.services = services
        profile = services.branch.profile()
        name = profile.name if profile else "未设置支部"
        suffix = "（只读）" if services.ctx.read_only else ""
        self.setWindowTitle(f"{APP_DISPLAY_NAME} — {name}{suffix}")
        self.statusBar().showMessage(f"数据文件夹：{services.ctx.data_dir}{suffix}")
        self.section_list.setCurrentRow(0)
        self._show_row(0)

    def show_section(self, key: str) -> QWidget:
        row = next(i for i, (k, _, _) in enumerate(SECTIONS) if k == key)
        self.section_list.setCurrentRow(row)
        return self.page(key)

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
            refresh()
        self.stack.setCurrentWidget(page)
        self.section_changed.emit(key)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self.services is not None:
            self.services.close()
            self.services = None
        super().closeEvent(event)
