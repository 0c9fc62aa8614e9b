"""关于: the version, where the data is (with a button that opens the folder), and the licences of
the bundled font and the libraries the program is built from. Also `app_icon()`, the window icon."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_DISPLAY_NAME, __version__
from desktop.resources import resources_dir

if TYPE_CHECKING:
    from desktop.services.bundle import Services


@dataclass(frozen=True)
class Library:
    name: str  # as shown
    distribution: str  # for importlib.metadata
    licence: str
    purpose: str


LIBRARIES: tuple[Library, ...] = (
    Library("Python", "", "PSF-2.0", "运行环境"),
    Library("Qt 6 / PySide6", "PySide6-Essentials", "LGPL-3.0（动态链接，库文件可替换）", "窗口与界面"),
    Library("SQLAlchemy", "SQLAlchemy", "MIT", "数据库访问"),
    Library("Alembic", "alembic", "MIT", "数据文件升级"),
    Library("ReportLab", "reportlab", "BSD-3-Clause", "生成 PDF 台账"),
    Library("pyHanko", "pyHanko", "MIT", "PDF 电子签名"),
    Library("pyhanko-certvalidator", "pyhanko-certvalidator", "MIT", "证书验证"),
    Library("cryptography", "cryptography", "Apache-2.0 或 BSD-3-Clause", "密钥与加密"),
    Library("asn1crypto", "asn1crypto", "MIT", "证书格式"),
    Library("openpyxl", "openpyxl", "MIT", "读写 Excel 花名册"),
    Library("bagit", "bagit", "CC0-1.0（公有领域）", "同步包格式（BagIt）"),
    Library("appdirs", "appdirs", "MIT", "用户数据目录"),
)

FONT_NOTE = ("界面和 PDF 台账使用内置中文字体 BranchLedgerSans：文泉驿微米黑（WenQuanYi Micro Hei）的 GBK 子集，"
             "按 Apache License 2.0 发布。")


def app_icon() -> QIcon:
    """The application icon (window, taskbar): every bundled PNG size, plus the SVG when QtSvg can read it."""
    icons = resources_dir() / "icons"
    icon = QIcon()
    for png in sorted(icons.glob("branch-ledger-*.png")):
        size = png.stem.rsplit("-", 1)[-1]
        if size.isdigit():
            icon.addFile(str(png), QSize(int(size), int(size)))
    return icon


def library_version(distribution: str) -> str:
    if not distribution:
        return ".".join(str(p) for p in sys.version_info[:3])
    from importlib import metadata

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "—"


def font_licence_text() -> str:
    fonts = resources_dir() / "fonts"
    parts = []
    for path in sorted(fonts.glob("*.txt")):
        try:
            parts.append(f"==== {path.name} ====\n{path.read_text(encoding='utf-8', errors='replace')}")
        except OSError:
            continue
    return "\n\n".join(parts) or "（缺少字体许可文件：程序安装不完整。）"


class AboutDialog(QDialog):
    def __init__(self, services: Services | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"关于{APP_DISPLAY_NAME}")
        self.setMinimumSize(620, 520)
        self.data_dir = services.ctx.data_dir if services is not None else None
        read_only = bool(services is not None and services.ctx.read_only)

        layout = QVBoxLayout(self)
        header = QHBoxLayout()
        icon_label = QLabel()
        icon_label.setPixmap(app_icon().pixmap(64, 64))
        header.addWidget(icon_label)
        self.title_label = QLabel(f"<h2>{APP_DISPLAY_NAME}</h2><p>版本 {__version__}</p>"
                                  "<p>党支部工作的离线台账。不联网，数据只保存在本机的数据文件夹中。</p>")
        self.title_label.setObjectName("aboutTitle")
        self.title_label.setWordWrap(True)
        header.addWidget(self.title_label, 1)
        layout.addLayout(header)

        folder_row = QHBoxLayout()
        folder_text = str(self.data_dir) if self.data_dir else "（尚未打开数据文件夹）"
        mode = "便携版：数据在程序旁边" if _is_portable() else "数据文件夹"
        self.folder_label = QLabel(f"{mode}：{folder_text}{'（只读）' if read_only else ''}")
        self.folder_label.setObjectName("aboutDataDir")
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        folder_row.addWidget(self.folder_label, 1)
        self.open_button = QPushButton("打开数据文件夹(&O)")
        self.open_button.setEnabled(self.data_dir is not None)
        self.open_button.clicked.connect(self.open_data_folder)
        self.copy_button = QPushButton("复制路径(&C)")
        self.copy_button.setEnabled(self.data_dir is not None)
        self.copy_button.clicked.connect(self.copy_path)
        folder_row.addWidget(self.open_button)
        folder_row.addWidget(self.copy_button)
        layout.addLayout(folder_row)

        self.tabs = QTabWidget()
        self.library_table = self._library_table()
        self.tabs.addTab(self.library_table, "程序库与许可(&L)")
        font_tab = QWidget()
        font_layout = QVBoxLayout(font_tab)
        note = QLabel(FONT_NOTE)
        note.setWordWrap(True)
        font_layout.addWidget(note)
        self.font_licence = QPlainTextEdit(font_licence_text())
        self.font_licence.setReadOnly(True)
        font_layout.addWidget(self.font_licence)
        self.tabs.addTab(font_tab, "字体许可(&F)")
        layout.addWidget(self.tabs, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        layout.addWidget(buttons)

    def _library_table(self) -> QTableWidget:
        table = QTableWidget(len(LIBRARIES), 4)
        table.setObjectName("aboutLibraries")
        table.setHorizontalHeaderLabels(["名称", "版本", "许可", "用途"])
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, lib in enumerate(LIBRARIES):
            for col, text in enumerate((lib.name, library_version(lib.distribution), lib.licence, lib.purpose)):
                table.setItem(row, col, QTableWidgetItem(text))
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def open_data_folder(self) -> bool:
        if self.data_dir is None:
            return False
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.data_dir)))

    def copy_path(self) -> None:
        if self.data_dir is not None:
            QGuiApplication.clipboard().setText(str(self.data_dir))


def _is_portable() -> bool:
    from desktop.storage.datadir import PORTABLE_MARKER, program_dir

    return (program_dir() / PORTABLE_MARKER).exists()
