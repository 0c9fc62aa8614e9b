"""Start-up probe for measuring and smoke-testing the window (a PyInstaller runtime hook; also used
from source by bench/packaging.py).

BRANCH_LEDGER_STARTUP_PROBE=1      the window quits as soon as it has opened the data folder and
                                   painted with the data: the process time is the time to a usable
                                   window (cold start).
BRANCH_LEDGER_STARTUP_PROBE=pages  the same, after showing every section once (dist-check: pages
                                   are imported by name, so a module left out of the bundle shows
                                   here).
Any exception exits with status 3 and its traceback; a modal box that pops up (an error shown to
the user) is printed to stderr as "probe: modal box …", closed, and makes the exit status 5.
Without the variable nothing is changed."""

import os
import sys


def _say(text: str) -> None:
    if sys.stderr is not None:  # a windowed Windows executable has no stderr
        print(text, file=sys.stderr)


def install(mode: str = "1") -> None:
    import desktop.app as app_module

    original = app_module.open_into_window
    modal_boxes: list[str] = []

    def close_modal() -> None:
        from PySide6.QtWidgets import QApplication, QMessageBox

        modal = QApplication.activeModalWidget()
        if modal is None:
            return
        text = modal.text() if isinstance(modal, QMessageBox) else ""
        modal_boxes.append(f"{modal.windowTitle()}: {text}")
        _say(f"probe: modal box {modal.windowTitle()!r}: {text}")
        getattr(modal, "reject", modal.close)()

    def open_then_quit(window, data_dir, **options):  # type: ignore[no-untyped-def]  # demo, package …
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        watchdog = QTimer(window)
        watchdog.timeout.connect(close_modal)
        watchdog.start(200)
        status = 0
        try:
            ok = original(window, data_dir, **options)
            if ok:
                _say(f"probe: window title {window.windowTitle()!r}")
                window.repaint()
                if mode == "pages":
                    _visit_pages(window)
            else:
                status = 4
        except Exception:  # noqa: BLE001 - reported, and the exit status says so
            import traceback

            _say(traceback.format_exc())
            ok, status = False, 3
        if modal_boxes and status == 0:
            status = 5
        QTimer.singleShot(0, lambda: QApplication.exit(status))
        return ok

    app_module.open_into_window = open_then_quit


def _visit_pages(window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from desktop.ui.main_window import SECTIONS

    for key, _label, _spec in SECTIONS:
        window.show_section(key)
        QApplication.processEvents()
        window.repaint()


_mode = os.environ.get("BRANCH_LEDGER_STARTUP_PROBE")
if _mode:
    install(_mode)
