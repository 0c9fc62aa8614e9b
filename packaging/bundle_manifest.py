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
# The oldest glibc the Linux release runs on: UOS 20 is Debian 10 based (2.28); Kylin V10 has 2.31.
GLIBC_FLOOR = (2, 28)
# Linux libraries left to the system (the .deb depends on their packages) instead of bundled:
# libdbus must match the running dbus daemon and drags in libsystemd (and its gcrypt/lz4); cairo and
# pixman come only with the GTK theme plugin, which is dropped; fontconfig must read the system's
# own configuration (an older bundled one warns about every newer element, and the pair
# fontconfig/freetype must match), so both come from the system with their expat, png and brotli.
# The build root's copies of several of these would also need glibc 2.29/2.30.
LINUX_SYSTEM_LIBRARIES = ("libdbus-1.so", "libsystemd.so", "libgcrypt.so", "libgpg-error.so", "liblz4.so",
                          "libcairo.so", "libpixman-1.so", "libfontconfig.so", "libfreetype.so",
                          "libexpat.so", "libpng16.so", "libbrotlidec.so", "libbrotlicommon.so")
# Qt plugins for other kinds of screens (Wayland, EGLFS/KMS, framebuffer, VNC): Qt loads them only
# when asked, and skips one whose libraries the system lacks; the UOS/Kylin desktops are X11.
OPTIONAL_QT_PARTS = ("wayland", "Wayland", "WlShell", "eglfs", "EglFs", "egldevice", "linuxfb", "vkkhrdisplay",
                     "minimalegl", "libqvnc")

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


def glibc_needed(path: Path) -> tuple[int, int] | None:
    """The newest GLIBC_2.x symbol version an ELF file asks for (None: not ELF, or asks none).

    Read from the bytes (the version names are plain strings in .gnu.version_r), so it needs no
    binutils and runs on the build machine and in dist-check alike."""
    try:
        with path.open("rb") as handle:
            if handle.read(4) != b"\x7fELF":
                return None
            data = handle.read()
    except OSError:
        return None
    newest: tuple[int, int] | None = None
    for chunk in data.split(b"GLIBC_2.")[1:]:
        end = 0
        while end < len(chunk) and end < 3 and chr(chunk[end]).isdigit():
            end += 1
        if end:
            version = (2, int(chunk[:end]))
            newest = version if newest is None or version > newest else newest
    return newest


def glibc_report(bundle: Path) -> dict[Path, tuple[int, int]]:
    """Every ELF file of the bundle with the newest glibc version it needs."""
    found = {}
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            needed = glibc_needed(path)
            if needed is not None:
                found[path] = needed
    return found
