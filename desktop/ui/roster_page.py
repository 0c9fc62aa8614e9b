"""The 花名册 section (placeholder: the roster page is being built)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from desktop.ui.common import NotBuiltPage

if TYPE_CHECKING:
    from desktop.services.bundle import Services


class RosterPage(NotBuiltPage):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__("花名册", "", parent)
        self.services = services
