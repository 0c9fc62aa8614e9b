"""The 台账与同步 section (placeholder until its issue is done)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from desktop.ui.common import NotBuiltPage

if TYPE_CHECKING:
    from desktop.services.bundle import Services


class LedgersPage(NotBuiltPage):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__("台账与同步", "签名台账、验证和同步包", parent)
        self.services = services
