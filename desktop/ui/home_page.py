"""首页: what is due, overdue or wrong, gathered from every area's service, and the charts."""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from desktop.services.bundle import Services

LEVEL_MARK = {"danger": "● 紧急", "warning": "● 提醒", "info": "○ 提示"}
LEVEL_COLOR = {"danger": "#b00020", "warning": "#8a5300", "info": "#555555"}
log = logging.getLogger(__name__)


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
        self.summary.setObjectName("homeSummary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        items_label = QLabel("待办与提醒（回车或双击转到相应页面）(&T)：")
        layout.addWidget(items_label)
        self.items = QListWidget()
        self.items.setObjectName("homeItems")
        self.items.itemActivated.connect(self._open_item)
        items_label.setBuddy(self.items)
        layout.addWidget(self.items, 1)
        self.charts: QWidget | None = None
        self._charts_layout = layout

    def refresh(self) -> None:
        profile = self.services.branch.profile()
        today = self.services.ctx.today()
        self.title.setText(f"<h2>{profile.name if profile else '未设置支部名称'}</h2>")
        counts = self.services.roster.stage_counts()
        full, probationary = counts.get("正式党员", 0), counts.get("预备党员", 0)
        term = self.services.branch.current_term()
        term_text = f"本届支部委员会任期至 {term.ends_on:%Y年%m月%d日}。" if term else "尚未登记支部委员会（或书记）。"
        self.summary.setText(
            f"今天是 {today:%Y年%m月%d日}。党员 {full + probationary} 名（正式党员 {full} 名，"
            f"预备党员 {probationary} 名）。{term_text}"
        )
        self.items.clear()
        entries = self.services.home_items()
        if not entries:
            self.items.addItem("暂无待办事项。")
        for entry in entries:
            item = QListWidgetItem(f"{LEVEL_MARK.get(entry.level, '·')}  {entry.text}")
            item.setData(Qt.ItemDataRole.UserRole, entry.area)
            item.setForeground(QColor(LEVEL_COLOR.get(entry.level, "#000000")))
            self.items.addItem(item)
        self._refresh_charts()

    def _refresh_charts(self) -> None:
        """Charts come from desktop.ui.charts (another area's module) when it exists; a failure
        there costs the charts, never the home page."""
        if self.charts is not None:
            self._charts_layout.removeWidget(self.charts)
            self.charts.deleteLater()
            self.charts = None
        try:
            module = importlib.import_module("desktop.ui.charts")
        except ModuleNotFoundError as exc:
            if exc.name == "desktop.ui.charts":
                return
            log.exception("home charts unavailable")
            return
        try:
            self.charts = module.make_home_charts(self.services, self)
        except Exception:  # noqa: BLE001 - see docstring
            log.exception("home charts failed")
            self.charts = None
        if self.charts is not None:
            self._charts_layout.addWidget(self.charts, 2)

    def _open_item(self, item: QListWidgetItem) -> None:
        area = item.data(Qt.ItemDataRole.UserRole)
        if area:
            self.navigate.emit(area)
