"""Shared fixtures: a fresh data folder, its services, and the demo branch, at a fixed date."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def services(data_dir: Path) -> Iterator["Services"]:  # noqa: F821
    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger

    bundle = Services(open_ledger(data_dir, today=lambda: TODAY))
    try:
        yield bundle
    finally:
        bundle.close()


@pytest.fixture
def demo_services(services):  # type: ignore[no-untyped-def]
    from desktop.services.demo import build_demo

    build_demo(services, TODAY)
    return services


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo data folder built once per session; copy it with `demo_copy` for a test of its own."""
    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger
    from desktop.services.demo import build_demo

    folder = tmp_path_factory.mktemp("demo-template")
    bundle = Services(open_ledger(folder, today=lambda: TODAY))
    try:
        build_demo(bundle, TODAY)
    finally:
        bundle.close()
    return folder


@pytest.fixture
def demo_copy(demo_template: Path, tmp_path: Path) -> Iterator["Services"]:  # noqa: F821
    """Services over a private copy of the session's demo folder (fast: no regeneration)."""
    import shutil

    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger

    target = tmp_path / "demo"
    shutil.copytree(demo_template, target, ignore=shutil.ignore_patterns("*.lock", ".branch-ledger.lock"))
    bundle = Services(open_ledger(target, today=lambda: TODAY))
    try:
        yield bundle
    finally:
        bundle.close()


@pytest.fixture
def type_text():  # type: ignore[no-untyped-def]
    """Type like a user, one key press and release per character, Chinese included.

    `qtbot.keyClicks` aborts pytest on non-ASCII text, and `QTest.sendKeyEvent(..., text, ...)`
    garbles it on PySide6 6.9 (the UTF-8 bytes arrive as Latin-1: '王' became 'ç'), which is the
    version the glibc-2.28 build ships. A QKeyEvent carries the text as a QString on every version."""
    from PySide6.QtCore import QCoreApplication, QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    def type_into(widget, text: str) -> None:  # type: ignore[no-untyped-def]
        widget.setFocus()
        for char in text:
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QCoreApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))

    return type_into
