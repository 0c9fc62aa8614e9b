"""The 述职 section (placeholder until its issue is done)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from desktop.ui.common import NotBuiltPage

if TYPE_CHECKING:
    from desktop.services.bundle import Services


class AnnualPage(NotBuiltPage):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__("述职", "年度数据汇总、述职报告和评议", parent)
        self.services = services
