"""The 党费 section (placeholder until its issue is done)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from desktop.ui.common import NotBuiltPage

if TYPE_CHECKING:
    from desktop.services.bundle import Services


class DuesPage(NotBuiltPage):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__("党费", "年度核定、收缴、欠缴提醒和党费台账", parent)
        self.services = services
