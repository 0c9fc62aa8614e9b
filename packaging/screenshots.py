"""`make screenshots`: pictures of the real window for docs/用户手册.md, on the demo data.

    xvfb-run -a -s "-screen 0 1440x900x24" .venv/bin/python packaging/screenshots.py docs/images

Opens the real main window (the same classes `branch-ledger` opens) on a demo branch made in a
temporary folder, shows every section and every settings tab, the first-run dialog and the About
dialog, and saves each as a PNG. Re-run it whenever the UI changes so the guide stays true.
A modal box that pops up unexpectedly is saved as `unexpected-N.png` and closed, and named on exit."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WINDOW_SIZE = (1280, 800)
# section key → file name used by the guide
SECTION_FILES = {
    "home": "main-window.png",
    "roster": "roster.png",
    "meetings": "meetings.png",
    "dues": "dues.png",
    "annual": "annual.png",
    "ledgers": "ledgers.png",
    "settings": "settings.png",
}


# (section key, tab label without "(&X)") → file name; other tabs are saved as <key>-tabN.png
TAB_FILES = {
    ("settings", "支部信息"): "settings-branch.png",
    ("settings", "备份与恢复"): "settings-backup.png",
    ("settings", "组织生活"): "settings-meetings.png",
    ("settings", "党费"): "settings-dues.png",
    ("settings", "述职"): "settings-annual.png",
    ("settings", "签名证书"): "settings-identity.png",
    ("ledgers", "同步"): "sync.png",
}

# dialogs opened from a section's button (label text without "&"/"…" starts with the prefix)
DIALOGS = (
    ("roster", "新增", "member-dialog.png"),
    ("meetings", "记录会议", "meeting-dialog.png"),
    ("dues", "年度核定", "dues-determination-dialog.png"),
    ("dues", "登记缴纳", "dues-payment-dialog.png"),
)


class Shooter:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.saved: list[str] = []
        self.unexpected: list[str] = []
        self.expected: str | None = None

    def save(self, widget, name: str) -> None:  # type: ignore[no-untyped-def]
        from PySide6.QtWidgets import QApplication

        for _ in range(5):
            QApplication.processEvents()
        widget.repaint()
        QApplication.processEvents()
        path = self.out / name
        if not widget.grab().save(str(path), "PNG"):
            raise SystemExit(f"could not write {path}")
        self.saved.append(name)

    def close_modal(self) -> None:
        """Save the modal dialog a button opened (or one nobody asked for) and close it: a modal
        box would otherwise block the script."""
        from PySide6.QtWidgets import QApplication

        modal = QApplication.activeModalWidget()
        if modal is None:
            return
        if self.expected:
            name, self.expected = self.expected, None
            self.save(modal, name)
        else:
            name = f"unexpected-{len(self.unexpected) + 1}.png"
            modal.grab().save(str(self.out / name), "PNG")
            self.unexpected.append(f"{name}: {modal.windowTitle()}")
        reject = getattr(modal, "reject", None)
        (reject or modal.close)()

    def shoot_dialog(self, page, prefix: str, name: str) -> None:  # type: ignore[no-untyped-def]
        from PySide6.QtWidgets import QPushButton

        for button in page.findChildren(QPushButton):
            label = button.text().replace("&", "").rstrip("…").strip()
            if label.startswith(prefix) and button.isEnabled() and button.isVisible():
                self.expected = name
                button.click()  # the dialog's exec() returns once close_modal has saved it
                if self.expected == name:
                    print(f"note: {prefix} opened no dialog; {name} not saved")
                self.expected = None
                return
        print(f"note: no enabled button {prefix!r} on the page; {name} not saved")


def main(argv: list[str]) -> int:
    out = Path(argv[0] if argv else ROOT / "docs" / "images").resolve()
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_SCALE_FACTOR", "1")

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop import APP_DISPLAY_NAME
    from desktop.ui.about_dialog import AboutDialog, app_icon
    from desktop.ui.fonts import install_app_font

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName(APP_DISPLAY_NAME)
    app.setWindowIcon(app_icon())
    install_app_font(app)
    shooter = Shooter(out)
    watchdog = QTimer()
    watchdog.timeout.connect(shooter.close_modal)
    watchdog.start(300)

    from desktop.ui.first_run import FirstRunDialog

    first = FirstRunDialog(None, can_import=True)
    first.name_edit.setText("某某科技有限公司党支部")
    first.resize(560, first.sizeHint().height())
    first.show()
    shooter.save(first, "first-run.png")
    first.close()

    from desktop.app import open_into_window
    from desktop.ui.main_window import SECTIONS, MainWindow

    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        window = MainWindow()
        window.resize(*WINDOW_SIZE)
        window.show()
        QApplication.processEvents()
        if not open_into_window(window, str(Path(tmp) / "data"), demo=True):
            raise SystemExit("the demo folder could not be opened")
        window.services.maintenance.backup_now(reason="manual")  # so 备份与恢复 lists one
        for key, _label, _spec in SECTIONS:
            page = window.show_section(key)
            shooter.save(window, SECTION_FILES.get(key, f"{key}.png"))
            tabs = getattr(page, "tabs", None)
            if tabs is not None and hasattr(tabs, "tabText"):
                for index in range(1 if key != "settings" else 0, tabs.count()):
                    tabs.setCurrentIndex(index)
                    label = tabs.tabText(index).split("(")[0].replace("&", "").strip()
                    shooter.save(window, TAB_FILES.get((key, label), f"{key}-tab{index + 1}.png"))
                tabs.setCurrentIndex(0)
        for key, prefix, name in DIALOGS:
            if key in dict((k, 1) for k, _l, _s in SECTIONS):
                shooter.shoot_dialog(window.show_section(key), prefix, name)
        window.show_section("home")
        about = AboutDialog(window.services, window)
        about.show()
        shooter.save(about, "about.png")
        about.close()
        window.close()
    watchdog.stop()
    print(f"saved {len(shooter.saved)} screenshots to {out}: {', '.join(shooter.saved)}")
    for item in shooter.unexpected:
        print(f"unexpected dialog (saved and closed): {item}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
