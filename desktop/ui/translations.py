"""Qt's own strings (Yes/No/Cancel, the file dialog, the print dialog) in Simplified Chinese."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication


def install_qt_translations(app: QApplication) -> QTranslator | None:
    """Load qtbase_zh_CN from Qt's translations folder; None (English buttons) if it is missing."""
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(QLocale.Language.Chinese, QLocale.Country.China), "qtbase", "_", folder):
        return None
    app.installTranslator(translator)
    return translator
