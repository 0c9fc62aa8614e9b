"""关于 dialog: version, data folder (and the button that opens it), licences of font and libraries."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtWidgets import QApplication

from desktop import __version__


def test_about_shows_version_folder_and_licences(qtbot, services, monkeypatch):
    from desktop.ui.about_dialog import AboutDialog

    dialog = AboutDialog(services)
    qtbot.addWidget(dialog)
    assert __version__ in dialog.title_label.text()
    assert str(services.ctx.data_dir) in dialog.folder_label.text()

    table = dialog.library_table
    rows = {table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text()) for r in range(table.rowCount())}
    assert rows["SQLAlchemy"][1] == "MIT"
    assert rows["bagit"][0] not in ("", "—")  # its metadata is found (the frozen build copies it)
    assert "LGPL" in rows["Qt 6 / PySide6"][1]
    assert "Apache License" in dialog.font_licence.toPlainText()
    assert "WenQuanYi" in dialog.font_licence.toPlainText()

    opened: list[QUrl] = []
    monkeypatch.setattr("desktop.ui.about_dialog.QDesktopServices.openUrl", lambda url: opened.append(url) or True)
    dialog.open_button.click()
    assert [u.toLocalFile() for u in opened] == [str(services.ctx.data_dir)]

    dialog.copy_button.click()
    assert QApplication.clipboard().text() == str(services.ctx.data_dir)


def test_about_without_a_folder_disables_the_folder_buttons(qtbot):
    from desktop.ui.about_dialog import AboutDialog

    dialog = AboutDialog(None)
    qtbot.addWidget(dialog)
    assert not dialog.open_button.isEnabled()
    assert "尚未打开" in dialog.folder_label.text()


def test_app_icon_has_the_bundled_sizes(qtbot):
    from desktop.ui.about_dialog import app_icon

    icon = app_icon()
    assert not icon.isNull()
    sizes = {s.width() for s in icon.availableSizes()}
    assert {16, 32, 48, 256} <= sizes
    image = icon.pixmap(32, 32).toImage()
    center = image.pixelColor(16, 16)
    assert center.alpha() == 255 and center.red() > 150  # the red cover, not a blank square
