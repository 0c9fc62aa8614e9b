"""What a one-folder bundle must contain: one list read by the PyInstaller spec (to put it in),
by `packaging/dist_check.py` (to prove it is there) and by the packaging tests.

Paths inside the bundle are relative to PyInstaller's contents folder (`_internal/`, i.e.
`sys._MEIPASS`). Everything is computed from the source tree, so a new migration, font or icon is
bundled and checked without editing this file."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP_NAME = "branch-ledger"  # executable and folder name
APP_ID = "cn.branchledger.ledger"  # reverse-DNS id for the .deb / UOS app store layout
DISPLAY_NAME = "支部工作台账"

# Distributions whose metadata must travel with the bundle: bagit reads its own version through
# importlib.metadata at import (PackageNotFoundError otherwise); the others are read by the About
# dialog (versions and licence files). A missing one is skipped by the spec, named by dist-check.
METADATA_REQUIRED: tuple[str, ...] = ("bagit",)
METADATA_OPTIONAL: tuple[str, ...] = (
    "PySide6-Essentials", "PySide6-Addons", "shiboken6", "SQLAlchemy", "alembic", "reportlab",
    "pyHanko", "pyhanko-certvalidator", "cryptography", "openpyxl", "appdirs", "asn1crypto",
)


def migration_files() -> list[Path]:
    """Every file alembic reads at run time from desktop/storage/migrations (source, not bytecode)."""
    base = ROOT / "desktop" / "storage" / "migrations"
    files = [base / "env.py", base / "script.py.mako"]
    files += sorted((base / "versions").glob("*.py"))
    files += sorted(base.glob("*.ini"))
    return [f for f in files if f.exists()]


def resource_files() -> list[Path]:
    """Fonts with their licences and the icons."""
    base = ROOT / "resources"
    return sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def datas() -> list[tuple[str, str]]:
    """(source file, destination folder inside the bundle) pairs for the spec's Analysis(datas=...)."""
    pairs = []
    for path in migration_files() + resource_files():
        pairs.append((str(path), str(path.parent.relative_to(ROOT))))
    return pairs


def expected_files() -> list[str]:
    """Bundle-relative paths (POSIX) that must exist in `_internal/`."""
    return sorted(str(p.relative_to(ROOT).as_posix()) for p in migration_files() + resource_files())


def qt_plugins_expected(platform: str) -> list[str]:
    """Qt plugins the app needs, as bundle-relative globs: a window, offscreen for headless runs,
    SVG and ICO images (the icon), and input-method contexts (Chinese typing)."""
    if platform == "win32":  # the Windows wheel keeps plugins in PySide6/plugins
        base = "PySide6/plugins"
        return [f"{base}/platforms/qwindows.dll", f"{base}/platforms/qoffscreen.dll",
                f"{base}/imageformats/qsvg.dll", f"{base}/imageformats/qico.dll"]
    base = "PySide6/Qt/plugins"
    return [f"{base}/platforms/libqxcb.so", f"{base}/platforms/libqoffscreen.so",
            f"{base}/imageformats/libqsvg.so", f"{base}/imageformats/libqico.so",
            f"{base}/platforminputcontexts/*.so"]
