"""The 组织生活 section (placeholder until its issue is done)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from desktop.ui.common import NotBuiltPage

if TYPE_CHECKING:
    from desktop.services.bundle import Services


class MeetingsPage(NotBuiltPage):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__("组织生活", "三会一课记录、考勤、日历和打印表格", parent)
        self.services = services
