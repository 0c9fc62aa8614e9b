"""首页: what is due, overdue or wrong, gathered from every area's service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from desktop.services.bundle import Services

LEVEL_MARK = {"danger": "● 紧急", "warning": "● 提醒", "info": "○ 提示"}
LEVEL_COLOR = {"danger": "#b00020", "warning": "#b26a00", "info": "#555555"}


class HomePage(QWidget):
    navigate = Signal(str)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        layout = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setObjectName("homeTitle")
        layout.addWidget(self.title)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        layout.addWidget(QLabel("待办与提醒（双击转到相应页面）："))
        self.items = QListWidget()
        self.items.setObjectName("homeItems")
        self.items.itemActivated.connect(self._open_item)
        layout.addWidget(self.items, 1)

    def refresh(self) -> None:
        profile = self.services.branch.profile()
        today = self.services.ctx.today()
        self.title.setText(f"<h2>{profile.name if profile else '未设置支部名称'}</h2>")
        members = [m for m in self.services.roster.list_members() if m.is_party_member and m.status == "正常"]
        probationary = sum(1 for m in members if m.stage == "预备党员")
        self.summary.setText(
            f"今天是 {today:%Y年%m月%d日}。党员 {len(members)} 名（其中预备党员 {probationary} 名）。"
        )
        self.items.clear()
        entries = self.services.home_items()
        if not entries:
            self.items.addItem("暂无待办事项。")
        for entry in entries:
            item = QListWidgetItem(f"{LEVEL_MARK.get(entry.level, '·')}  {entry.text}")
            item.setData(Qt.ItemDataRole.UserRole, entry.area)
            item.setForeground(Qt.GlobalColor.black)
            from PySide6.QtGui import QColor

            item.setForeground(QColor(LEVEL_COLOR.get(entry.level, "#000000")))
            self.items.addItem(item)

    def _open_item(self, item: QListWidgetItem) -> None:
        area = item.data(Qt.ItemDataRole.UserRole)
        if area:
            self.navigate.emit(area)
