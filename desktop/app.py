"""main(): the command line, or the window.

The window is shown (and painted) before the database layer is imported: SQLAlchemy, alembic,
reportlab and pyHanko cost 0.15–0.5 s each to import, so opening the data folder happens in the
first event-loop turn after the paint."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def _has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM") or sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


class WindowOptions:
    def __init__(self, data_dir: str | None, demo: bool, package: str | None = None) -> None:
        self.data_dir = data_dir
        self.demo = demo
        self.package = package  # an exchange package opened with the program (file manager, "打开方式")


def _window_options(argv: Sequence[str] | None) -> WindowOptions | None:
    """The window's options when the command line asks for nothing else, else None.

    Read by hand: argparse and every area's subcommands cost ~0.1 s, which a plain start of the
    window should not pay before its first paint. Anything unusual goes to the full parser."""
    args = list(sys.argv[1:] if argv is None else argv)
    data_dir: str | None = None
    demo = False
    package: str | None = None
    while args:
        arg = args.pop(0)
        if arg == "--demo":
            demo = True
        elif package is None and arg.lower().endswith(".zip") and os.path.isfile(arg):
            package = arg
        elif arg == "--data-dir" and args and not args[0].startswith("-"):
            data_dir = args.pop(0)
        elif arg.startswith("--data-dir=") and len(arg) > len("--data-dir="):
            data_dir = arg.split("=", 1)[1]
        else:
            return None
    return WindowOptions(data_dir, demo, package)


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):  # a frozen Windows build re-enters here in worker processes
        import multiprocessing

        multiprocessing.freeze_support()
    args = _window_options(argv)
    if args is None:
        from desktop import cli

        args = cli.build_parser().parse_args(argv)
        if args.command:
            return cli.run(args)
    if not _has_display():
        print(
            "没有图形显示（DISPLAY 未设置），无法打开窗口。\n"
            "在无显示的机器上可以运行：xvfb-run -a branch-ledger，或使用命令行子命令（branch-ledger --help）。",
            file=sys.stderr,
        )
        return 2
    return run_window(args.data_dir, demo=args.demo, package=getattr(args, "package", None))


def make_application():  # type: ignore[no-untyped-def]
    """The QApplication with the bundled CJK font registered.

    HiDPI: 125%/150% Windows scaling must not be rounded to 100%/200%. Qt 6's default rounding
    policy is PassThrough, which does exactly that, so the app leaves it alone (a user's own
    QT_SCALE_FACTOR_ROUNDING_POLICY still wins; a test checks the policy in force). Setting that
    variable ourselves made PySide6 6.9 print "setHighDpiScaleFactorRoundingPolicy must be called
    before creating the QGuiApplication instance" at every start."""
    from PySide6.QtWidgets import QApplication

    from desktop import APP_DISPLAY_NAME
    from desktop.ui.fonts import install_app_font

    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_DISPLAY_NAME)
    app.setDesktopFileName("cn.branchledger.ledger")  # matches the .desktop entry of the packages
    install_app_font(app)
    from desktop.ui.translations import install_qt_translations

    install_qt_translations(app)
    return app


def run_window(data_dir: str | None, *, demo: bool = False, package: str | None = None) -> int:
    from PySide6.QtCore import QTimer

    from desktop.ui.main_window import MainWindow

    app = make_application()
    window = MainWindow()
    # bench/startup.py: "1" quits at the first paint; "data" once the folder is open and shown.
    exit_mode = os.environ.get("BRANCH_LEDGER_EXIT_ON_PAINT", "")
    if exit_mode == "1":
        window.first_painted.connect(app.quit)  # before any work queued for after the paint
        window.show()
        return app.exec()
    opened = []

    def open_once() -> None:
        if not opened:
            opened.append(True)
            ok = open_into_window(window, data_dir, demo=demo, package=package)
            if exit_mode == "data":
                window.repaint()
                QTimer.singleShot(0, lambda: app.exit(0 if ok else 4))

    # Open the folder only after the first paint (the database layer is imported there); the
    # timer covers a window that is never painted (started minimized).
    window.first_painted.connect(lambda: QTimer.singleShot(0, open_once))
    QTimer.singleShot(1000, open_once)
    window.show()
    return app.exec()


def open_into_window(window, data_dir: str | None, *, demo: bool,  # type: ignore[no-untyped-def]
                     package: str | None = None) -> bool:
    """Open the data folder and attach its services to the window; on failure explain and close.

    `package`: an exchange package the program was asked to open. On an empty folder the first-run
    dialog offers it for import; otherwise the window goes to 台账与同步 and imports it (after
    showing what it changes)."""
    from pathlib import Path

    from desktop.ui.startup import open_services_for_window

    fresh: list[bool] = []
    services = open_services_for_window(window, data_dir, demo=demo,
                                        package=Path(package) if package else None, fresh=fresh)
    if services is None:
        window.close()
        return False
    window.attach(services)
    if package and not fresh:
        window.open_package(Path(package))
    return True


if __name__ == "__main__":
    raise SystemExit(main())
