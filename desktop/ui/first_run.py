"""First run on an empty data folder: create the branch, or open the demo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.common import busy, user_message

if TYPE_CHECKING:
    from desktop.services.bundle import Services


class FirstRunDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("欢迎使用支部工作台账")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("这个数据文件夹还是空的。请选择："))
        self.create_choice = QRadioButton("新建本支部的台账(&N)")
        self.demo_choice = QRadioButton("打开演示支部，先试一试(&D)")
        self.create_choice.setChecked(True)
        layout.addWidget(self.create_choice)
        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("例如：某某科技有限公司党支部")
        form.addRow("支部名称(&M)：", self.name_edit)
        layout.addLayout(form)
        layout.addWidget(self.demo_choice)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.demo_choice.toggled.connect(lambda on: self.name_edit.setEnabled(not on))

    @property
    def wants_demo(self) -> bool:
        return self.demo_choice.isChecked()

    @property
    def branch_name(self) -> str:
        return self.name_edit.text().strip()

    def accept(self) -> None:
        if not self.wants_demo and not self.branch_name:
            QMessageBox.warning(self, "请填写支部名称", "新建台账需要支部名称。")
            self.name_edit.setFocus()
            return
        super().accept()


def run_first_run(parent: QWidget, services: Services) -> bool:
    dialog = FirstRunDialog(parent)
    while dialog.exec() == QDialog.DialogCode.Accepted:
        try:
            with busy():
                if dialog.wants_demo:
                    from desktop.services.demo import build_demo

                    build_demo(services)
                else:
                    from desktop.services.branch import BranchProfile

                    services.branch.save_profile(BranchProfile(name=dialog.branch_name))
            return True
        except Exception as exc:  # noqa: BLE001
            QMessageBox.warning(parent, "无法完成", user_message(exc))
    return False
