"""Qt's standard buttons speak Chinese."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from desktop.ui.translations import install_qt_translations


def test_standard_buttons_are_chinese(qapp: QApplication) -> None:
    translator = install_qt_translations(qapp)
    assert translator is not None
    try:
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    finally:
        qapp.removeTranslator(translator)
