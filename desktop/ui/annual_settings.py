"""设置 › 述职: the rating scale of the 述职测评 ([setting], domain.md §6)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.ui.common import guarded

if TYPE_CHECKING:
    from desktop.services.bundle import Services


class AnnualSettingsTab(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        from desktop.domain.annual import RATING_SCALES

        self.scale_combo = QComboBox()
        self.scale_combo.addItems(list(RATING_SCALES))
        self.save_button = QPushButton("保存(&S)")
        self.save_button.clicked.connect(self.save)
        self.status = QLabel()
        form = QFormLayout()
        label = QLabel("述职测评等次(&R)：")
        label.setBuddy(self.scale_combo)
        form.addRow(label, self.scale_combo)
        form.addRow("", self.save_button)
        note = QLabel("多数地区按“好、较好、一般、差”四个等次测评，部分地区使用“优秀、称职、基本称职、不称职”。"
                      "已录入的测评结果保留录入时所用的等次。")
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        self.scale_combo.setCurrentText(self.services.annual.rating_scale())
        self.status.setText("")

    def save(self) -> None:
        scale = self.scale_combo.currentText()
        if guarded(self, lambda: self.services.annual.set_rating_scale(scale) or True):
            self.status.setText(f"已保存：述职测评按“{scale}”计票。")
