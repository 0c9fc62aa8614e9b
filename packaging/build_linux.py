"""Make the Linux deliverables from the one-folder bundle (run by `make dist` after PyInstaller):

- `dist/branch-ledger-<version>-linux-<machine>-portable.tar.gz`: the bundle folder with a
  `portable` marker beside the executable, so the data is kept in `data/` next to the program
  (USB-stick use), plus the .desktop file and the icon for users who want a menu entry;
- `dist/<app-id>_<version>_<arch>.deb` in the layout the UOS / Kylin app stores expect: everything
  under `/opt/apps/<app-id>/` (`info` JSON, `entries/applications/<app-id>.desktop`,
  `entries/icons/hicolor/.../<app-id>.{svg,png}`, `files/bin/` = the bundle, `files/doc/`), no
  maintainer scripts (the stores refuse packages that change the system in postinst).

    .venv/bin/python packaging/build_linux.py [--bundle dist/branch-ledger] [--out dist]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bundle_manifest as manifest  # noqa: E402

ICONS = ROOT / "resources" / "icons"
DESKTOP_TEMPLATE = HERE / "linux" / "branch-ledger.desktop"
MAINTAINER = "Branch Ledger maintainers <branch-ledger@localhost>"
# The bundle carries its own Python, Qt and OpenSSL; these come from the system (all exist under
# these names on Debian 10/UOS 20, Ubuntu 20.04/Kylin V10 and later). Qt's xcb platform plugin needs
# the xcb helper libraries (Qt's error blames xcb-cursor0 when any is missing); printing needs CUPS.
# `compat_build.py` installs exactly these in its root, where dist-check proves nothing else is needed.
DEB_DEPENDS = (
    "libc6 (>= {glibc})", "libgl1", "libegl1", "libfontconfig1", "libfreetype6", "libpng16-16",
    "libdbus-1-3", "libglib2.0-0", "libxkbcommon0", "libxkbcommon-x11-0", "libx11-6", "libx11-xcb1",
    "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1", "libxcb-render-util0",
    "libxcb-shape0", "libxcb-xkb1", "libxcb-randr0", "libxcb-shm0", "libxcb-sync1", "libxcb-xfixes0",
    "libxcb-glx0", "libcups2",
)
SECTION = "office"


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from desktop import __version__

    return __version__


def deb_arch() -> str:
    return {"x86_64": "amd64", "aarch64": "arm64", "loongarch64": "loong64", "mips64": "mips64el"}.get(
        platform.machine(), platform.machine())


def store_version(v: str) -> str:
    """UOS wants {MAJOR}.{MINOR}.{PATCH}.{BUILD}, all numbers."""
    parts = [p for p in v.split(".") if p.isdigit()][:4]
    return ".".join(parts + ["0"] * (4 - len(parts)))


def bundle_glibc(bundle: Path) -> str:
    """The newest GLIBC_x.y symbol version any bundled file needs (the .deb's libc6 floor)."""
    newest = max(manifest.glibc_report(bundle).values(), default=(2, 17))
    return f"{newest[0]}.{newest[1]}"


def desktop_entry(exec_path: str, icon: str) -> str:
    text = DESKTOP_TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("Exec=branch-ledger", f"Exec={exec_path}")
    return text.replace("Icon=branch-ledger", f"Icon={icon}")


def copy_bundle(bundle: Path, target: Path) -> None:
    shutil.copytree(bundle, target, symlinks=True)


def _reset(tarinfo: tarfile.TarInfo) -> tarfile.TarInfo:
    tarinfo.uid = tarinfo.gid = 0
    tarinfo.uname = tarinfo.gname = "root"
    return tarinfo


def build_portable(bundle: Path, out: Path, ver: str) -> Path:
    name = f"{manifest.APP_NAME}-{ver}"
    staging = out / "staging-portable" / name
    shutil.rmtree(staging.parent, ignore_errors=True)
    copy_bundle(bundle, staging)
    (staging / "portable").write_text(
        "此文件表示便携版：台账数据保存在程序旁边的 data 文件夹中。删除此文件则数据保存在本用户的应用数据目录。\n"
        "This marker keeps the data in the data/ folder beside the program.\n", encoding="utf-8")
    shutil.copy2(ICONS / "branch-ledger-256.png", staging / "branch-ledger.png")
    (staging / "branch-ledger.desktop").write_text(
        desktop_entry("branch-ledger", "branch-ledger"), encoding="utf-8")
    (staging / "使用说明.txt").write_text(
        "支部工作台账（便携版）\n\n"
        "1. 把整个文件夹复制到 U 盘或电脑上任意可写的位置。\n"
        "2. 双击 branch-ledger（或在终端运行 ./branch-ledger）打开程序。\n"
        "3. 台账数据保存在本文件夹的 data 子文件夹中；换电脑时复制整个文件夹即可。\n"
        "4. 若 U 盘设置了写保护，程序以只读方式打开，可以查看和打印，不能修改。\n"
        "5. 需要开始菜单图标时：把 branch-ledger.desktop 复制到 ~/.local/share/applications/，\n"
        "   并把其中 Exec= 和 Icon= 改为本文件夹中 branch-ledger 与 branch-ledger.png 的完整路径。\n",
        encoding="utf-8")
    archive = out / f"{name}-linux-{platform.machine()}-portable.tar.gz"
    partial = archive.with_name(archive.name + ".partial")
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        tar.add(staging, arcname=name, filter=_reset)
    os.replace(partial, archive)
    shutil.rmtree(staging.parent, ignore_errors=True)
    return archive


def info_json(ver: str, arch: str) -> dict[str, object]:
    return {
        "appid": manifest.APP_ID,
        "name": manifest.DISPLAY_NAME,
        "version": store_version(ver),
        "arch": [arch],
        "permissions": {
            "autostart": False, "notification": False, "trayicon": False, "clipboard": True,
            "account": False, "bluetooth": False, "camera": False, "audio_record": False,
            "installed_apps": False,
        },
    }


def build_deb(bundle: Path, out: Path, ver: str) -> Path:
    arch = deb_arch()
    app_id = manifest.APP_ID
    root = out / "staging-deb"
    shutil.rmtree(root, ignore_errors=True)
    app = root / "opt" / "apps" / app_id
    copy_bundle(bundle, app / "files" / "bin")
    doc = app / "files" / "doc"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(copyright_text(bundle), encoding="utf-8")
    apps_dir = app / "entries" / "applications"
    apps_dir.mkdir(parents=True)
    (apps_dir / f"{app_id}.desktop").write_text(
        desktop_entry(f"/opt/apps/{app_id}/files/bin/{manifest.APP_NAME}", app_id), encoding="utf-8")
    icons = app / "entries" / "icons" / "hicolor"
    (icons / "scalable" / "apps").mkdir(parents=True)
    shutil.copy2(ICONS / "branch-ledger.svg", icons / "scalable" / "apps" / f"{app_id}.svg")
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        src = ICONS / f"branch-ledger-{size}.png"
        if src.exists():
            (icons / f"{size}x{size}" / "apps").mkdir(parents=True)
            shutil.copy2(src, icons / f"{size}x{size}" / "apps" / f"{app_id}.png")
    (app / "info").write_text(json.dumps(info_json(ver, arch), ensure_ascii=False, indent=2) + "\n",
                              encoding="utf-8")

    debian = root / "DEBIAN"
    debian.mkdir()
    size_kb = sum(p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()) // 1024
    depends = ", ".join(d.format(glibc=bundle_glibc(bundle)) for d in DEB_DEPENDS)
    (debian / "control").write_text(
        f"Package: {app_id}\n"
        f"Version: {ver}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {MAINTAINER}\n"
        f"Installed-Size: {size_kb}\n"
        f"Depends: {depends}\n"
        f"Section: {SECTION}\n"
        "Priority: optional\n"
        "Homepage: https://localhost/branch-ledger\n"
        f"Description: {manifest.DISPLAY_NAME} (Branch Ledger)\n"
        " Offline ledgers of a Communist Party branch: the roster, organizational life\n"
        " (三会一课), dues, the secretary's annual report, signed ledgers and file sync\n"
        " with the district. Self-contained build (Python and Qt inside).\n",
        encoding="utf-8")
    sums = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink() and "DEBIAN" not in p.parts):
        sums.append(f"{hashlib.md5(path.read_bytes()).hexdigest()}  {path.relative_to(root).as_posix()}")  # noqa: S324 - dpkg's format
    (debian / "md5sums").write_text("\n".join(sums) + "\n", encoding="utf-8")
    for path in root.rglob("*"):
        if path.is_dir():
            path.chmod(0o755)
    deb = out / f"{app_id}_{ver}_{arch}.deb"
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(root), str(deb)],
                   check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(root, ignore_errors=True)
    return deb


def copyright_text(bundle: Path) -> str:
    parts = [f"{manifest.DISPLAY_NAME} (Branch Ledger)\n\nBundled font and its licence:\n"]
    fonts = ROOT / "resources" / "fonts"
    for licence in sorted(fonts.glob("*.txt")):
        parts.append(f"\n--- {licence.name} ---\n{licence.read_text(encoding='utf-8', errors='replace')}")
    parts.append("\nThe bundled libraries' licence files are in files/bin/_internal/*.dist-info/.\n")
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="portable .tar.gz and UOS/Kylin .deb from the bundle")
    parser.add_argument("--bundle", default=str(ROOT / "dist" / manifest.APP_NAME))
    parser.add_argument("--out", default=str(ROOT / "dist"))
    parser.add_argument("--skip-deb", action="store_true")
    args = parser.parse_args(argv)
    bundle, out = Path(args.bundle), Path(args.out)
    if not (bundle / manifest.APP_NAME).exists():
        print(f"no bundle at {bundle}: run PyInstaller first (make dist)", file=sys.stderr)
        return 1
    out.mkdir(parents=True, exist_ok=True)
    ver = version()
    archive = build_portable(bundle, out, ver)
    print(f"portable: {archive} ({archive.stat().st_size / 2**20:.0f} MB)")
    if not args.skip_deb:
        if shutil.which("dpkg-deb") is None:
            print("dpkg-deb not found: .deb skipped (apt-get install dpkg)", file=sys.stderr)
            return 1
        deb = build_deb(bundle, out, ver)
        print(f"deb:      {deb} ({deb.stat().st_size / 2**20:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
