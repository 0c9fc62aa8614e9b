"""设置 → 组织生活: each type's required frequency, the 主题党日 fixed day, the late-entry limit.
These are local rules ([setting] in domain.md §3); the ledger prints the values used."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QPushButton, QSpinBox, QWidget

from desktop.domain.meetings import FREQUENCIES, FREQUENCY_LABELS, MEETING_TYPES
from desktop.ui.common import guarded

if TYPE_CHECKING:
    from desktop.services.bundle import Services


class MeetingSettingsTab(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        form = QFormLayout(self)
        form.addRow(QLabel("各地要求不同，请按上级党组织的规定设置。组织生活台账会打印所用的要求。"))
        self.frequency: dict[str, QComboBox] = {}
        for mtype in MEETING_TYPES:
            combo = QComboBox()
            for key in FREQUENCIES:
                combo.addItem(FREQUENCY_LABELS[key], key)
            combo.setToolTip(mtype.note)
            self.frequency[mtype.name] = combo
            form.addRow(f"{mtype.name}：", combo)
        self.theme_day = QSpinBox()
        self.theme_day.setRange(1, 28)
        self.theme_day.setSuffix(" 日")
        label = QLabel("主题党日固定日(&T)：")
        label.setBuddy(self.theme_day)
        form.addRow(label, self.theme_day)
        self.late_days = QSpinBox()
        self.late_days.setRange(1, 30)
        self.late_days.setSuffix(" 个工作日")
        label = QLabel("会议记录录入期限(&L)：")
        label.setBuddy(self.late_days)
        form.addRow(label, self.late_days)
        self.save_button = QPushButton("保存(&S)")
        self.save_button.clicked.connect(self.save)
        form.addRow("", self.save_button)
        self.refresh()

    def refresh(self) -> None:
        settings = self.services.meetings.settings()
        for name, combo in self.frequency.items():
            combo.setCurrentIndex(combo.findData(settings.frequencies[name]))
        self.theme_day.setValue(settings.theme_day)
        self.late_days.setValue(settings.late_entry_working_days)

    def save(self) -> None:
        from desktop.services.meetings import MeetingSettings

        settings = MeetingSettings({name: combo.currentData() for name, combo in self.frequency.items()},
                                   self.late_days.value(), self.theme_day.value())
        if guarded(self, lambda: self.services.meetings.save_settings(settings)) is not None:
            self.refresh()
