"""设置 → 党费: rounding, the farmer amount, the 补交/预交 month limit, the default collector, the
upper organization that receives remittances. Printed on the dues ledger."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from desktop.domain.dues import ROUNDINGS
from desktop.ui.common import guarded

if TYPE_CHECKING:
    from desktop.services.bundle import Services


class DuesSettingsTab(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        form = QFormLayout()
        self.rounding_combo = QComboBox()
        self.rounding_combo.setObjectName("rounding")
        for key, (label, _, _) in ROUNDINGS.items():
            self.rounding_combo.addItem(label, key)
        form.addRow("舍入方式(&R)：", self.rounding_combo)
        self.farmer_edit = QLineEdit()
        self.farmer_edit.setObjectName("farmer_amount")
        form.addRow("农民党员每月定额（0.20–1.00元）(&F)：", self.farmer_edit)
        self.limit_spin = QSpinBox()
        self.limit_spin.setObjectName("limit_months")
        self.limit_spin.setRange(1, 24)
        self.limit_spin.setSuffix(" 个月")
        form.addRow("补交、预交一般不超过(&L)：", self.limit_spin)
        self.collector_edit = QLineEdit()
        self.collector_edit.setObjectName("default_collector")
        form.addRow("默认收缴人(&C)：", self.collector_edit)
        self.recipient_edit = QLineEdit()
        self.recipient_edit.setObjectName("recipient")
        form.addRow("党费上缴至(&U)：", self.recipient_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        note = QLabel("这些设置会打印在党费收缴台账的页脚。核定后再改舍入方式或农民定额，不影响已保存的核定额；"
                      "需要时请重新核定。")
        note.setWordWrap(True)
        layout.addWidget(note)
        self.save_button = QPushButton("保存党费设置(&S)")
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(not services.ctx.read_only)
        layout.addWidget(self.save_button)
        layout.addStretch(1)
        self.status = QLabel()
        layout.addWidget(self.status)
        self.refresh()

    def refresh(self) -> None:
        s = self.services.dues.settings()
        self.rounding_combo.setCurrentIndex(max(0, self.rounding_combo.findData(s.rounding)))
        self.farmer_edit.setText(str(s.farmer_amount))
        self.limit_spin.setValue(s.limit_months)
        self.collector_edit.setText(s.default_collector)
        self.recipient_edit.setText(s.recipient)

    def save(self) -> None:
        from desktop.domain.dues import to_money
        from desktop.services.dues import DuesSettings

        def action():  # type: ignore[no-untyped-def]
            return self.services.dues.save_settings(DuesSettings(
                rounding=self.rounding_combo.currentData(),
                farmer_amount=to_money(self.farmer_edit.text(), label="农民党员每月定额", field="farmer_amount"),
                limit_months=self.limit_spin.value(), default_collector=self.collector_edit.text(),
                recipient=self.recipient_edit.text()))

        if guarded(self, action) is not None:
            self.status.setText("党费设置已保存。")
