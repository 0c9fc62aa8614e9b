"""Print preview of a generated PDF, and "save as PDF".

We always print from the generated A4 PDF (Windows drivers reset paper sizes and clip pages).
With QtPdf (the PySide6-Pdf wheel) the pages are rendered into Qt's print preview; without it the
PDF opens in the system viewer, which prints it. QPdfDocument.render gives a transparent image, so
each page is composited onto white before it is painted."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QLabel, QMessageBox, QVBoxLayout, QWidget


def qtpdf_available() -> bool:
    try:
        import PySide6.QtPdf  # noqa: F401
    except ImportError:
        return False
    return True


def save_pdf_as(parent: QWidget | None, pdf: Path) -> Path | None:
    """Ask where to save a copy of `pdf`; returns the copy's path (None when cancelled)."""
    name, _ = QFileDialog.getSaveFileName(parent, "另存为 PDF", str(Path.home() / pdf.name), "PDF 文件 (*.pdf)")
    if not name:
        return None
    target = Path(name if name.lower().endswith(".pdf") else name + ".pdf")
    try:
        partial = target.with_name(target.name + ".partial")
        shutil.copyfile(pdf, partial)
        partial.replace(target)
    except OSError as exc:
        QMessageBox.warning(parent, "无法保存", f"无法写入 {target}：{exc.strerror or exc}")
        return None
    return target


def _paint_pdf(pdf: Path, printer) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QRect, QSize, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument(None)
    document.load(str(pdf))
    painter = QPainter(printer)
    try:
        dpi = min(printer.resolution(), 200)
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            points = document.pagePointSize(page)
            size = QSize(int(points.width() / 72 * dpi), int(points.height() / 72 * dpi))
            white = QImage(size, QImage.Format.Format_RGB32)  # render() is transparent: composite on white
            white.fill(Qt.GlobalColor.white)
            composer = QPainter(white)
            composer.drawImage(0, 0, document.render(page, size))
            composer.end()
            scaled = size.scaled(painter.viewport().size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRect(0, 0, scaled.width(), scaled.height()), white)
    finally:
        painter.end()
        document.close()


class PdfReadyDialog(QDialog):
    """Shown when Qt cannot render PDFs itself: open the file to print it, or save a copy."""

    def __init__(self, pdf: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        label = QLabel(f"已生成 {title}（A4 PDF）：\n{pdf}\n\n用系统的 PDF 阅读器打开后可预览和打印。")
        label.setWordWrap(True)
        layout.addWidget(label)
        buttons = QDialogButtonBox()
        open_button = buttons.addButton("打开并打印(&O)", QDialogButtonBox.ButtonRole.AcceptRole)
        save_button = buttons.addButton("另存为 PDF(&S)…", QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        open_button.setDefault(True)
        open_button.clicked.connect(self.open_in_viewer)
        save_button.clicked.connect(lambda: save_pdf_as(self, self.pdf))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def open_in_viewer(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf)))
        self.accept()


def preview_pdf(parent: QWidget | None, pdf: Path, title: str) -> QDialog:
    """Open a modal preview of `pdf` (Qt print preview when QtPdf is there) and return the dialog."""
    if qtpdf_available():
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        from PySide6.QtGui import QPageSize

        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        printer.setDocName(title)
        dialog = QPrintPreviewDialog(printer, parent)
        dialog.setWindowTitle(f"打印预览 — {title}")
        dialog.paintRequested.connect(lambda p: _paint_pdf(pdf, p))
    else:
        dialog = PdfReadyDialog(pdf, title, parent)
    dialog.open()
    return dialog
