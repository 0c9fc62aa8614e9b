"""设置: one tab per area. A tab whose module is not built yet is left out."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from desktop.services.bundle import Services

# (tab label, "module:Class"); each tab is constructed as Class(services, parent).
TABS: tuple[tuple[str, str], ...] = (
    ("支部信息", "desktop.ui.branch_settings:BranchSettingsTab"),
    ("备份与恢复", "desktop.ui.backup_settings:BackupSettingsTab"),
    ("组织生活", "desktop.ui.meetings_settings:MeetingSettingsTab"),
    ("党费", "desktop.ui.dues_settings:DuesSettingsTab"),
    ("述职", "desktop.ui.annual_settings:AnnualSettingsTab"),
    ("签名证书", "desktop.ui.identity_settings:IdentitySettingsTab"),
)


class SettingsPage(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.tabs = QTabWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        for label, spec in TABS:
            module_name, class_name = spec.split(":")
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                if exc.name == module_name:
                    continue
                raise
            self.tabs.addTab(getattr(module, class_name)(services, self), label)

    def refresh(self) -> None:
        for index in range(self.tabs.count()):
            refresh = getattr(self.tabs.widget(index), "refresh", None)
            if refresh is not None:
                refresh()
