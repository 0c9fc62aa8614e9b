"""Register the bundled CJK font with Qt, loudly: a silently missing font turns names into boxes."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop.resources import font_path


class FontError(RuntimeError):
    pass


def install_app_font(app: QApplication, point_size: float = 10.0) -> str:
    path = font_path()
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        raise FontError(f"无法加载中文字体 {path}：程序安装不完整，请重新安装。")
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    font = QFont(family)
    font.setPointSizeF(point_size)
    app.setFont(font)
    return family
