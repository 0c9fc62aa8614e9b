"""The packaging files agree with the tree: the bundle manifest lists every resource and migration
that exists, dist-check names a missing one, the .desktop file validates, the .deb has the UOS/Kylin
app-store layout, the portable archive carries its marker, and the installer script keeps its
promises. (The frozen build itself is slow: it is exercised by `make dist-check`.)"""

from __future__ import annotations

import configparser
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
sys.path.insert(0, str(PACKAGING))

import build_linux  # noqa: E402
import bundle_manifest as manifest  # noqa: E402
import compat_build  # noqa: E402
import dist_check  # noqa: E402


def test_manifest_lists_every_migration_font_and_icon_in_the_tree():
    expected = set(manifest.expected_files())
    versions = sorted((ROOT / "desktop/storage/migrations/versions").glob("*.py"))
    assert versions, "no migrations found"
    for path in versions:
        assert path.relative_to(ROOT).as_posix() in expected
    for rel in ("desktop/storage/migrations/env.py", "desktop/storage/migrations/script.py.mako",
                "resources/fonts/BranchLedgerSans.ttf", "resources/fonts/LICENSE-BranchLedgerSans.txt",
                "resources/icons/branch-ledger.svg", "resources/icons/branch-ledger.ico",
                "resources/icons/branch-ledger-256.png"):
        assert rel in expected
    # every revision the app knows is a file that gets bundled
    from desktop.storage.migrate import KNOWN_REVISIONS

    names = {Path(rel).stem for rel in expected if "/versions/" in rel}
    assert set(KNOWN_REVISIONS) <= names
    # datas put each file in its own folder inside the bundle
    for source, dest in manifest.datas():
        assert Path(source).is_file()
        assert (Path(dest) / Path(source).name).as_posix() in expected


def test_spec_uses_the_manifest_metadata_and_files_that_exist():
    spec = (PACKAGING / "branch-ledger.spec").read_text(encoding="utf-8")
    assert "manifest.datas()" in spec and "METADATA_REQUIRED" in spec
    assert "bagit" in manifest.METADATA_REQUIRED
    assert 'collect_submodules("desktop"' in spec  # pages/CLI/demo steps are imported by name
    for rel in ('"packaging" / "entry.py"', '"packaging" / "rthook_startup_probe.py"',
                '"resources" / "icons" / "branch-ledger.ico"', '"packaging" / "windows" / "version_info.txt"'):
        assert rel in spec
        parts = [p.strip().strip('"') for p in rel.split("/")]
        assert ROOT.joinpath(*parts).is_file()
    assert "QtWebEngineCore" in spec  # the 280 MB web engine stays out


def fake_bundle(tmp_path: Path) -> Path:
    """A bundle folder with every expected file (contents copied from the tree) but no Python."""
    bundle = tmp_path / "branch-ledger"
    internal = bundle / "_internal"
    for rel in manifest.expected_files():
        target = internal / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target)
    (internal / "bagit-1.9.0.dist-info").mkdir()
    for pattern in manifest.qt_plugins_expected(sys.platform):
        target = internal / pattern.replace("*", "libdummy")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"\x7fELF")
    exe = dist_check.executable(bundle)
    exe.write_text("#!/bin/sh\nexit 0\n")
    exe.chmod(0o755)
    return bundle


def test_dist_check_names_a_missing_migration_font_and_metadata(tmp_path):
    bundle = fake_bundle(tmp_path)
    report = dist_check.Report()
    dist_check.check_files(bundle, report)
    assert report.failures == []

    internal = bundle / "_internal"
    newest = sorted((internal / "desktop/storage/migrations/versions").glob("*.py"))[-1]
    newest.unlink()
    (internal / "resources/fonts/BranchLedgerSans.ttf").unlink()
    shutil.rmtree(internal / "bagit-1.9.0.dist-info")
    report = dist_check.Report()
    dist_check.check_files(bundle, report)
    text = "\n".join(report.failures)
    assert f"missing migration: desktop/storage/migrations/versions/{newest.name}" in text
    assert "missing font: resources/fonts/BranchLedgerSans.ttf" in text
    assert "metadata of bagit" in text
    assert len(report.failures) == 3


def test_dist_check_reads_what_the_source_cli_offers():
    commands = dist_check.source_commands()
    assert {"demo", "check", "backup"} <= set(commands)
    kinds = dist_check.ledger_kinds(commands)
    if "ledger" in commands:
        assert kinds, "the ledger command offers no kind"
    else:
        assert kinds is None


def fake_elf(path: Path, *versions: str) -> None:
    """An ELF file whose version-needs strings ask for these glibc versions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x7fELF\x02\x01\x01" + b"\0" * 64 + b"".join(f"GLIBC_{v}\0".encode() for v in versions))


def test_glibc_floor_names_a_library_too_new_for_uos(tmp_path):
    bundle = fake_bundle(tmp_path)
    internal = bundle / "_internal"
    fake_elf(internal / "libold.so.1", "2.2.5", "2.14", "2.28")
    (internal / "notes.txt").write_text("GLIBC_2.99 in a text file is not a library", encoding="utf-8")
    report = dist_check.Report()
    dist_check.check_glibc(bundle, report)
    assert report.failures == [] and report.passed == 1
    assert build_linux.bundle_glibc(bundle) == "2.28"

    fake_elf(internal / "PySide6/Qt/lib/libnew.so.6", "2.17", "2.34", "2.29")
    report = dist_check.Report()
    dist_check.check_glibc(bundle, report)
    assert len(report.failures) == 1
    assert "_internal/PySide6/Qt/lib/libnew.so.6 needs glibc 2.34 (UOS 20 has 2.28)" in report.failures[0]
    assert build_linux.bundle_glibc(bundle) == "2.34"  # the .deb's libc6 floor follows the bundle


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ldd")
def test_dist_check_names_a_library_the_system_lacks(tmp_path):
    freetype = Path("/usr/lib/x86_64-linux-gnu/libfreetype.so.6").resolve()
    if not freetype.exists():
        pytest.skip("libfreetype6 (installed by make) not at the Debian x86_64 path")
    bundle = fake_bundle(tmp_path)
    internal = bundle / "_internal"
    shutil.copy(freetype, internal / "libfreetype.so.6")
    report = dist_check.Report()
    dist_check.check_libraries(bundle, report)
    assert report.failures == []
    # the same library asking for one the system has not got (its NEEDED entry renamed)
    data = freetype.read_bytes()
    assert data.count(b"libpng16.so.16\0") == 1
    (internal / "libfreetype.so.6").write_bytes(data.replace(b"libpng16.so.16\0", b"libpnX16.so.16\0"))
    report = dist_check.Report()
    dist_check.check_libraries(bundle, report)
    assert len(report.failures) == 1
    assert report.failures[0].startswith("libpnX16.so.16 not found, needed by _internal/libfreetype.so.6")


def test_compat_build_takes_the_lock_with_the_pyside_that_runs_on_glibc_228():
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines()
    compat = compat_build.compat_lock().splitlines()
    assert len(compat) == len(lock)
    changed = {old: new for old, new in zip(lock, compat) if old != new}
    assert sorted(new.split("==")[0].lower() for new in changed.values()) == [
        "pyside6-addons", "pyside6-essentials", "shiboken6"]
    assert all(new.endswith("==6.9.3") for new in changed.values())


def test_compat_build_applies_debian_fixes_not_its_layout_patches(tmp_path):
    patches = tmp_path / "debian" / "patches"
    patches.mkdir(parents=True)
    (patches / "series").write_text("deb-setup.diff\n# a comment\nmultiarch.diff\n"
                                    f"{compat_build.FIRST_DEBIAN_FIX}\nCVE-2026-4224.patch\n\n", encoding="utf-8")
    assert compat_build.debian_fixes(tmp_path) == [compat_build.FIRST_DEBIAN_FIX, "CVE-2026-4224.patch"]
    assert "exp@GLIBC_2.2.5" in compat_build.GLIBC_HEADER and "pow@GLIBC_2.2.5" in compat_build.GLIBC_HEADER


def test_desktop_file_is_valid():
    path = PACKAGING / "linux" / "branch-ledger.desktop"
    validator = shutil.which("desktop-file-validate")
    if validator:
        result = subprocess.run([validator, str(path)], capture_output=True, text=True)
        assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    parser = configparser.RawConfigParser()
    parser.optionxform = str  # keep key case
    parser.read(path, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name[zh_CN]"] == "支部工作台账"
    assert entry["Exec"] == "branch-ledger %f" and entry["Icon"] == "branch-ledger"  # a package opens with it
    assert "Office" in entry["Categories"].split(";")
    assert entry["MimeType"] == "application/zip;" and entry["InitialPreference"] == "0"  # listed, not default


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb not installed")
def test_deb_has_the_uos_app_store_layout(tmp_path):
    bundle = fake_bundle(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    deb = build_linux.build_deb(bundle, out, "0.1.0")
    app = f"./opt/apps/{manifest.APP_ID}"
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout
    for rel in ("info", f"entries/applications/{manifest.APP_ID}.desktop",
                f"entries/icons/hicolor/scalable/apps/{manifest.APP_ID}.svg",
                f"entries/icons/hicolor/256x256/apps/{manifest.APP_ID}.png",
                "files/bin/branch-ledger", "files/doc/copyright",
                "files/bin/_internal/desktop/storage/migrations/env.py"):
        assert f"{app}/{rel}" in listing, rel
    assert "./usr/" not in listing  # nothing outside /opt/apps/<app-id>

    control = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(": ", 1) for line in control.splitlines() if ": " in line and not line.startswith(" "))
    assert fields["Package"] == manifest.APP_ID
    assert fields["Version"] == "0.1.0"
    assert fields["Architecture"] == build_linux.deb_arch()
    assert "libxcb-cursor0" in fields["Depends"] and "libc6 (>= 2." in fields["Depends"]
    extracted = tmp_path / "x"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(extracted)], check=True)
    scripts = subprocess.run(["dpkg-deb", "-I", str(deb)], capture_output=True, text=True, check=True).stdout
    assert "postinst" not in scripts  # app stores refuse maintainer scripts

    info = json.loads((extracted / "opt/apps" / manifest.APP_ID / "info").read_text(encoding="utf-8"))
    assert info["appid"] == manifest.APP_ID and info["name"] == "支部工作台账"
    assert info["version"] == "0.1.0.0" and info["arch"] == [build_linux.deb_arch()]
    assert info["permissions"]["autostart"] is False

    desktop = (extracted / "opt/apps" / manifest.APP_ID / "entries/applications" / f"{manifest.APP_ID}.desktop").read_text(encoding="utf-8")
    assert f"Exec=/opt/apps/{manifest.APP_ID}/files/bin/branch-ledger" in desktop
    assert f"Icon={manifest.APP_ID}" in desktop


@pytest.mark.skipif(sys.platform == "win32", reason="the Linux portable .tar.gz (Windows: a zip, see windows-build.md)")
def test_portable_archive_has_the_marker_beside_the_program(tmp_path):
    bundle = fake_bundle(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    archive = build_linux.build_portable(bundle, out, "0.1.0")
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        top = "branch-ledger-0.1.0"
        assert {f"{top}/portable", f"{top}/branch-ledger", f"{top}/branch-ledger.desktop",
                f"{top}/_internal/resources/fonts/BranchLedgerSans.ttf"} <= names
        assert tar.getmember(f"{top}/branch-ledger").mode & 0o111
    # the app's own rule: a `portable` file beside the executable keeps the data beside it
    from desktop.storage import datadir

    assert datadir.PORTABLE_MARKER == "portable"


def test_inno_setup_script_keeps_its_promises():
    raw = (PACKAGING / "windows" / "branch-ledger.iss").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Inno Setup reads the Chinese correctly
    iss = raw.decode("utf-8-sig")
    assert "PrivilegesRequired=lowest" in iss  # per-user
    assert "{group}\\{#AppName}" in iss  # Start-menu entry
    assert "Version.Build < 17763" in iss and "Windows 10 1809" in iss  # refuses old Windows, in Chinese
    code = "\n".join(line for line in iss.splitlines() if not line.lstrip().startswith(";"))
    # packages open with the program from "Open with", but .zip keeps its default program
    registry = code.split("[Registry]", 1)[1].split("\n[", 1)[0]
    assert "ChangesAssociations=yes" in code
    assert 'Subkey: "Software\\Classes\\.zip\\OpenWithProgids"; ValueType: string; ValueName: "BranchLedger.Package"' in registry
    assert 'shell\\open\\command"; ValueType: string; ValueName: ""; ValueData: """{app}\\{#AppExe}"" ""%1"""' in registry
    for line in registry.splitlines():
        if 'Subkey: "Software\\Classes\\.zip"' in line:
            raise AssertionError(f"the default program of .zip must not be changed: {line}")
    assert all("uninsdelete" in line for line in registry.splitlines()
               if line.startswith("Root:") and ("BranchLedger.Package\"" in line or "OpenWithProgids" in line
                                                 or line.rstrip().endswith('Flags: uninsdeletekey')))
    uninstall = iss.split("[UninstallDelete]", 1)[1].split("[", 1)[0]
    assert "{localappdata}" not in uninstall and "BranchLedger\\BranchLedger" not in uninstall  # data kept
    assert "resources\\icons\\branch-ledger.ico" in iss
    # the wizard's own buttons in Chinese (official from Inno Setup 6.5.0), or no installer at all
    languages = code.split("[Languages]", 1)[1].split("\n[", 1)[0]
    assert "ChineseSimplified.isl" in languages and "Default.isl" not in languages
    assert "#error" in languages


def test_startup_probe_is_inert_without_its_variable(monkeypatch):
    import importlib.util

    import desktop.app as app_module

    original = app_module.open_into_window
    monkeypatch.delenv("BRANCH_LEDGER_STARTUP_PROBE", raising=False)
    spec = importlib.util.spec_from_file_location("rthook_probe_test", PACKAGING / "rthook_startup_probe.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert app_module.open_into_window is original


def test_startup_probe_passes_on_every_option_the_app_gives(qtbot, monkeypatch):
    """The probe wraps desktop.app.open_into_window; it must take whatever keywords the app passes
    (a wrapper missing `package` once hung every probed start of the bundle)."""
    import importlib.util

    from PySide6.QtWidgets import QWidget

    import desktop.app as app_module

    seen: list[dict] = []
    monkeypatch.setattr(app_module, "open_into_window", lambda window, data_dir, **options: seen.append(options) or False)
    spec = importlib.util.spec_from_file_location("rthook_probe_test2", PACKAGING / "rthook_startup_probe.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # inert: the variable is not set
    module.install("1")
    from PySide6.QtCore import QTimer

    exits: list[object] = []  # the probe ends the app through a timer: keep it from this test process
    monkeypatch.setattr(QTimer, "singleShot", staticmethod(lambda *args: exits.append(args)))
    window = QWidget()
    qtbot.addWidget(window)
    assert app_module.open_into_window(window, "/nowhere", demo=False, package="x.zip") is False
    assert seen == [{"demo": False, "package": "x.zip"}]
    assert len(exits) == 1  # and it would have ended the app (status 4: the folder did not open)
