"""`make dist-check`: prove that the BUILT one-folder bundle works, headless, without the source.

    .venv/bin/python packaging/dist_check.py [--bundle dist/branch-ledger] [--keep]

1. The bundle's files: the executable, every font/licence/icon under resources/, every migration
   (env.py, script.py.mako, versions/*.py) that exists in the source tree, the package metadata
   bagit needs, and the Qt plugins (window, offscreen, SVG/ICO, input methods). Each missing file is
   named.
2. The built executable, run as a user's scripts would run it, in a temporary folder: --version,
   `demo`, `check`, every ledger the source's CLI offers (`ledger KIND --year Y --out F.pdf`, the PDF
   read back), a signing identity, one signed ledger and its verification, and the window opened
   headless (offscreen) on the demo with every section shown.
Commands the source does not offer yet are reported as "not built yet" (not failures): the bundle
must do whatever the source can. Exit status 0 only when nothing failed.

This script runs with the development Python (it reads the source's command-line parser to know
what the bundle should offer); the program under test is only ever the bundle's executable."""

from __future__ import annotations

import argparse
import datetime as dt
import glob
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import bundle_manifest as manifest  # noqa: E402

PASSPHRASE = "dist-check-口令-2026"
LEDGER_KINDS_PREFERRED = ("roster", "meetings", "dues", "report")


@dataclass
class Report:
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    passed: int = 0

    def ok(self, what: str) -> None:
        self.passed += 1
        print(f"  ok    {what}")

    def fail(self, what: str) -> None:
        self.failures.append(what)
        print(f"  FAIL  {what}")

    def skip(self, what: str) -> None:
        self.skipped.append(what)
        print(f"  skip  {what}")


# ---------------------------------------------------------------- what the source offers


def source_commands() -> dict[str, argparse.ArgumentParser]:
    """Top-level subcommands of the source's CLI, name → parser."""
    from desktop.cli import build_parser

    for action in build_parser()._actions:  # noqa: SLF001 - argparse keeps subparsers here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return dict(action.choices)
    return {}


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:  # noqa: SLF001
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return dict(action.choices)
    return {}


def positional_choices(parser: argparse.ArgumentParser) -> list[str]:
    for action in parser._actions:  # noqa: SLF001
        if not action.option_strings and action.choices and not isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return [str(c) for c in action.choices]
    return list(subcommands(parser))


def option_strings(parser: argparse.ArgumentParser) -> set[str]:
    return {s for action in parser._actions for s in action.option_strings}  # noqa: SLF001


# ---------------------------------------------------------------- the bundle's files


def executable(bundle: Path, cli: bool = True) -> Path:
    if sys.platform == "win32":
        return bundle / (manifest.APP_NAME + ("-cli.exe" if cli else ".exe"))
    return bundle / manifest.APP_NAME


def contents_dir(bundle: Path) -> Path:
    internal = bundle / "_internal"
    return internal if internal.is_dir() else bundle


def check_files(bundle: Path, report: Report) -> None:
    print("Files in the bundle")
    exe = executable(bundle)
    if not exe.is_file():
        report.fail(f"missing executable {exe}")
    else:
        report.ok(f"executable {exe.name}")
    contents = contents_dir(bundle)
    missing = [rel for rel in manifest.expected_files() if not (contents / rel).is_file()]
    for rel in missing:
        kind = "migration" if "migrations" in rel else ("font" if rel.startswith("resources/fonts") else "resource")
        report.fail(f"missing {kind}: {rel}")
    if not missing:
        report.ok(f"{len(manifest.expected_files())} resources and migrations present")
    font = contents / "resources" / "fonts" / "BranchLedgerSans.ttf"
    if font.is_file() and font.read_bytes()[:4] not in (b"\x00\x01\x00\x00", b"true"):
        report.fail(f"font is not TrueType (reportlab cannot embed it): {font}")
    for dist in manifest.METADATA_REQUIRED:
        found = glob.glob(str(contents / f"{dist.replace('-', '_')}-*.dist-info")) or glob.glob(
            str(contents / f"{dist}-*.dist-info"))
        if found:
            report.ok(f"metadata of {dist}")
        else:
            report.fail(f"missing package metadata of {dist} (PackageNotFoundError at run time)")
    if sys.platform.startswith("linux"):
        check_glibc(bundle, report)
        check_libraries(bundle, report)
    for pattern in manifest.qt_plugins_expected(sys.platform):
        if glob.glob(str(contents / pattern)):
            report.ok(f"Qt plugin {pattern}")
        else:
            report.fail(f"missing Qt plugin {pattern}")


def check_glibc(bundle: Path, report: Report) -> None:
    """UOS 20 has glibc 2.28: a file asking for a newer symbol version does not load there."""
    floor = manifest.GLIBC_FLOOR
    needs = manifest.glibc_report(bundle)
    too_new = {path: v for path, v in needs.items() if v > floor}
    for path, version in sorted(too_new.items()):
        report.fail(f"{path.relative_to(bundle)} needs glibc {version[0]}.{version[1]} "
                    f"(UOS 20 has {floor[0]}.{floor[1]}): build with `make dist` (in the Debian 11 root)")
    if needs and not too_new:
        newest = max(needs.values())
        report.ok(f"{len(needs)} ELF files need glibc {newest[0]}.{newest[1]} at most "
                  f"(UOS 20: {floor[0]}.{floor[1]}, Kylin V10: 2.31)")


def check_libraries(bundle: Path, report: Report) -> None:
    """Every library a bundled file needs is in the bundle or on this system (`ldd`: "not found").
    Run inside the compat root, which has only the .deb's Depends installed, this proves the Depends
    list complete. Qt plugins for other kinds of screens are skipped (Qt does without them)."""
    if shutil.which("ldd") is None:
        report.skip("ldd not found: libraries not checked")
        return
    missing: dict[str, set[str]] = {}
    checked = 0
    # the bootloader puts the contents folder on the library path, as here
    env = {**os.environ, "LD_LIBRARY_PATH": str(contents_dir(bundle))}
    for path in manifest.glibc_report(bundle):
        rel = str(path.relative_to(bundle))
        if any(part in rel for part in manifest.OPTIONAL_QT_PARTS):
            continue
        checked += 1
        result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False, env=env)
        for line in result.stdout.splitlines():
            if "not found" in line:
                missing.setdefault(line.split()[0], set()).add(rel)
    for library, users in sorted(missing.items()):
        report.fail(f"{library} not found, needed by {', '.join(sorted(users)[:3])}"
                    f"{' …' if len(users) > 3 else ''} (install it, or add its package to the .deb's Depends)")
    if not missing:
        report.ok(f"every library {checked} bundled files need is found")


# ---------------------------------------------------------------- running the bundle


class Runner:
    def __init__(self, bundle: Path, work: Path) -> None:
        self.exe = executable(bundle)
        self.gui_exe = executable(bundle, cli=False)
        self.work = work
        self.data = work / "data"
        self.env = dict(os.environ)
        # Never touch the user's real folders; no source tree on the path.
        home = work / "home"
        home.mkdir(parents=True, exist_ok=True)
        self.env.update({
            "HOME": str(home), "USERPROFILE": str(home), "APPDATA": str(home), "LOCALAPPDATA": str(home),
            "XDG_DATA_HOME": str(home / ".local" / "share"), "XDG_CONFIG_HOME": str(home / ".config"),
            "QT_QPA_PLATFORM": "offscreen", "BRANCH_LEDGER_PASSPHRASE": PASSPHRASE,
            "BRANCH_LEDGER_DISTRICT_PASSPHRASE": PASSPHRASE + "-区",
            "PYTHONDONTWRITEBYTECODE": "1",
        })
        for var in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"):
            self.env.pop(var, None)

    def run(self, *args: str, data: bool = True, gui: bool = False, extra_env: dict[str, str] | None = None,
            timeout: float = 180) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.gui_exe if gui else self.exe)]
        if data:
            cmd += ["--data-dir", str(self.data)]
        cmd += list(args)
        env = dict(self.env, **(extra_env or {}))
        try:
            return subprocess.run(cmd, cwd=self.work, env=env, capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            return subprocess.CompletedProcess(cmd, 124, exc.stdout or "", f"timed out after {timeout} s")


def describe(result: subprocess.CompletedProcess[str]) -> str:
    text = (result.stderr or "").strip() or (result.stdout or "").strip()
    lines = text.splitlines()
    return f"exit {result.returncode}: " + (" | ".join(lines[-4:]) if lines else "(no output)")


def pdf_text(path: Path) -> str | None:
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages[:2])


def unembedded_fonts(path: Path) -> list[str]:
    """Fonts poppler's pdffonts reports as not embedded (empty when pdffonts is not installed)."""
    if shutil.which("pdffonts") is None:
        return []
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout.splitlines()[2:]
    return [line.split()[0] for line in out if len(line.split()) >= 5 and line.split()[-5] == "no"]


def check_pdf(path: Path, what: str, report: Report) -> bool:
    if not path.is_file() or path.stat().st_size == 0:
        report.fail(f"{what}: no PDF written at {path}")
        return False
    if not path.read_bytes()[:5] == b"%PDF-":
        report.fail(f"{what}: {path.name} is not a PDF")
        return False
    text = pdf_text(path)
    if text is not None and "页" not in text:
        report.fail(f"{what}: the PDF's text has no Chinese page footer (font not embedded?)")
        return False
    missing = unembedded_fonts(path)
    if missing:
        report.fail(f"{what}: fonts not embedded in {path.name}: {', '.join(missing)}")
        return False
    return True


def check_program(runner: Runner, report: Report, year: int) -> None:
    from desktop import __version__

    commands = source_commands()
    print("The built program")
    result = runner.run("--version", data=False)
    if result.returncode == 0 and __version__ in result.stdout + result.stderr:
        report.ok(f"--version says {__version__}")
    else:
        report.fail(f"--version: {describe(result)}")

    result = runner.run("demo")
    if result.returncode != 0:
        report.fail(f"demo: {describe(result)}")
        return  # nothing below can work without the demo
    report.ok("demo branch created")
    result = runner.run("check")
    (report.ok if result.returncode == 0 else report.fail)(f"check {'' if result.returncode == 0 else describe(result)}".strip())

    kinds = ledger_kinds(commands)
    if kinds is None:
        report.skip("ledger export: the source has no `ledger` command yet")
    for kind in kinds or []:
        out = runner.work / "ledgers" / f"{kind}-{year}.pdf"
        result = runner.run("ledger", kind, "--year", str(year), "--out", str(out))
        if result.returncode != 0:
            report.fail(f"ledger {kind}: {describe(result)}")
        elif check_pdf(out, f"ledger {kind}", report):
            report.ok(f"ledger {kind} --year {year} ({out.stat().st_size // 1024} KB)")

    check_spreadsheets(runner, report, commands, kinds or [], year)
    check_signing(runner, report, commands, kinds or [], year)
    check_window(runner, report)
    check_read_only(runner, report)


def check_spreadsheets(runner: Runner, report: Report, commands: dict[str, argparse.ArgumentParser],
                       kinds: list[str], year: int) -> None:
    """openpyxl in the bundle: the roster written to .xlsx and read back by the importer (dry run),
    and the dues ledger as .xlsx."""
    roster = subparsers_of(commands, "roster")
    if {"export", "import"} <= set(roster):
        xlsx = runner.work / "roster.xlsx"
        result = runner.run("roster", "export", str(xlsx))
        if result.returncode != 0 or not xlsx.is_file():
            report.fail(f"roster export .xlsx: {describe(result)}")
        else:
            result = runner.run("roster", "import", str(xlsx), "--dry-run")
            (report.ok if result.returncode == 0 else report.fail)(
                "roster export .xlsx and import --dry-run of it" + ("" if result.returncode == 0 else f": {describe(result)}"))
    else:
        report.skip("roster export/import: not in the source's CLI yet")
    if "dues" in kinds:
        out = runner.work / "ledgers" / f"dues-{year}.xlsx"
        result = runner.run("ledger", "dues", "--year", str(year), "--out", str(out))
        ok = result.returncode == 0 and out.is_file() and out.read_bytes()[:2] == b"PK"
        (report.ok if ok else report.fail)(f"ledger dues --out .xlsx" + ("" if ok else f": {describe(result)}"))


def ledger_kinds(commands: dict[str, argparse.ArgumentParser]) -> list[str] | None:
    if "ledger" not in commands:
        return None
    offered = positional_choices(commands["ledger"])
    ordered = [k for k in LEDGER_KINDS_PREFERRED if k in offered] + [k for k in offered if k not in LEDGER_KINDS_PREFERRED]
    return ordered


def check_signing(runner: Runner, report: Report, commands: dict[str, argparse.ArgumentParser],
                  kinds: list[str], year: int) -> None:
    identity = subcommands(commands["identity"]) if "identity" in commands else {}
    if "create" not in identity or "verify" not in commands or not kinds:
        report.skip("signing: the source has no `identity create` / `verify` / `ledger` yet")
        return
    district_dir = runner.work / "district"
    result = runner.run("identity", "create")
    if result.returncode != 0:
        report.fail(f"identity create: {describe(result)}")
        return
    report.ok("identity create (self-signed)")
    verify_args: list[str] = []
    district = subcommands(commands["district"]) if "district" in commands else {}
    if {"init", "issue-cert"} <= set(district) and {"request", "import-cert"} <= set(identity):
        verify_args = certify_by_district(runner, report)
    signed = runner.work / "ledgers" / f"signed-{kinds[0]}-{year}.pdf"
    result = runner.run("ledger", kinds[0], "--year", str(year), "--out", str(signed), "--sign")
    if result.returncode != 0:
        report.fail(f"ledger {kinds[0]} --sign: {describe(result)}")
        return
    if not check_pdf(signed, "signed ledger", report):
        return
    report.ok(f"signed ledger {signed.name}")
    result = runner.run("verify", str(signed), *verify_args, data=not verify_args)
    if result.returncode == 0:
        report.ok("verify of the signed ledger: valid" + (", trusted by the district CA" if verify_args else ""))
    else:
        report.fail(f"verify {signed.name}: {describe(result)}")
    tampered = signed.with_name("tampered.pdf")
    data = bytearray(signed.read_bytes())
    middle = len(data) // 3
    data[middle] = (data[middle] + 1) % 256
    tampered.write_bytes(bytes(data))
    result = runner.run("verify", str(tampered), *verify_args, data=not verify_args)
    if result.returncode != 0:
        report.ok("verify refuses a ledger with one byte changed")
    else:
        report.fail("verify accepted a ledger with one byte changed")
    if verify_args:
        check_sync(runner, report, commands, district_dir)


def check_sync(runner: Runner, report: Report, commands: dict[str, argparse.ArgumentParser],
               district_dir: Path) -> None:
    """A signed exchange package (BagIt: needs bagit's metadata in the bundle), verified and
    imported by the district side of the same program."""
    sync = subparsers_of(commands, "sync")
    district = subparsers_of(commands, "district")
    if "export" not in sync or not {"verify", "import"} <= set(district):
        report.skip("sync: the source has no `sync export` / `district verify|import` yet")
        return
    out = runner.work / "usb"
    out.mkdir()
    result = runner.run("sync", "export", "--out", str(out))
    packages = sorted(out.glob("*.zip"))
    if result.returncode != 0 or not packages:
        report.fail(f"sync export: {describe(result)}")
        return
    report.ok(f"sync export {packages[0].name}")
    for action in ("verify", "import"):
        result = runner.run("district", action, str(packages[0]), "--dir", str(district_dir), data=False)
        (report.ok if result.returncode == 0 else report.fail)(
            f"district {action} of the package" + ("" if result.returncode == 0 else f": {describe(result)}"))


def subparsers_of(commands: dict[str, argparse.ArgumentParser], name: str) -> dict[str, argparse.ArgumentParser]:
    return subcommands(commands[name]) if name in commands else {}


def certify_by_district(runner: Runner, report: Report) -> list[str]:
    """The district CA issues the branch certificate; returns the verify arguments (--ca)."""
    district_dir = runner.work / "district"  # the same folder check_sync uses
    csr = runner.work / "branch.csr"
    cert = runner.work / "branch-cert.pem"
    steps = [
        ("district init", ["district", "init", "--dir", str(district_dir)], False),
        ("identity request", ["identity", "request", "--out", str(csr)], True),
        ("district issue-cert", ["district", "issue-cert", str(csr), "--code", "DC0001", "--out", str(cert),
                                 "--dir", str(district_dir)], False),
        ("identity import-cert", ["identity", "import-cert", str(cert), "--ca", str(district_dir / "ca.pem")], True),
    ]
    for name, args, with_data in steps:
        result = runner.run(*args, data=with_data)
        if result.returncode != 0:
            report.fail(f"{name}: {describe(result)}")
            return []
        report.ok(name)
    return ["--ca", str(district_dir / "ca.pem")]


def check_window(runner: Runner, report: Report) -> None:
    """The window, headless: open the demo, show every section and every settings tab, quit.
    An exception or an error box shown to the user (the probe closes it and says so) fails."""
    result = runner.run(gui=True, extra_env={"BRANCH_LEDGER_STARTUP_PROBE": "pages"}, timeout=120)
    lines = (result.stderr or "").splitlines()
    problems = [line.strip() for line in lines if line.startswith("probe: modal box") or "Error" in line]
    if result.returncode != 0 or problems:
        detail = " | ".join(problems[:3]) if problems else describe(result)
        report.fail(f"window (offscreen, every section), exit {result.returncode}: {detail}")
    else:
        report.ok("window opened headless on the demo, every section shown")


def check_read_only(runner: Runner, report: Report) -> None:
    """A write-protected data folder (a read-only bind mount of the demo, Linux as root): the
    window opens read-only and says so, `check` still works, nothing crashes."""
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
        report.skip("read-only folder: needs Linux and root for a read-only bind mount")
        return
    mount_point = runner.work / "write-protected"
    mount_point.mkdir()
    (runner.data / ".branch-ledger.lock").unlink(missing_ok=True)
    mounted = subprocess.run(["mount", "--bind", str(runner.data), str(mount_point)], capture_output=True).returncode == 0
    if mounted:
        mounted = subprocess.run(["mount", "-o", "remount,ro,bind", str(mount_point)], capture_output=True).returncode == 0
        if not mounted:
            subprocess.run(["umount", str(mount_point)], capture_output=True)
    if not mounted:
        report.skip("read-only folder: this machine refused a read-only bind mount")
        return
    try:
        result = runner.run("--data-dir", str(mount_point), data=False, gui=True,
                            extra_env={"BRANCH_LEDGER_STARTUP_PROBE": "pages"}, timeout=120)
        problems = [line for line in (result.stderr or "").splitlines()
                    if line.startswith("probe: modal box") or "Error" in line]
        if result.returncode == 0 and not problems and "只读" in (result.stderr or ""):
            report.ok("write-protected folder opens read-only, title says 只读, every section shown")
        else:
            report.fail(f"write-protected folder, exit {result.returncode}: " + (" | ".join(problems[:3]) or describe(result)))
        result = runner.run("--data-dir", str(mount_point), "check", data=False)
        (report.ok if result.returncode == 0 else report.fail)(
            "check on the write-protected folder" + ("" if result.returncode == 0 else f": {describe(result)}"))
    finally:
        subprocess.run(["umount", str(mount_point)], capture_output=True)


def check_portable(bundle: Path, report: Report, work: Path) -> None:
    """The portable archive beside the bundle: unpacked, its program keeps the data in data/ next
    to itself (the `portable` marker), not in the user's folder."""
    archives = sorted(bundle.parent.glob(f"{manifest.APP_NAME}-*-portable.tar.gz"))
    if not archives:
        report.skip("portable archive: none in the dist folder (build_linux.py makes it)")
        return
    import tarfile

    target = work / "usb-stick"
    target.mkdir()
    with tarfile.open(archives[-1]) as tar:
        # our own archive; the extraction filters exist from Python 3.11.4 (Debian 12's 3.11.2 lacks them)
        tar.extractall(target, **({"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}))
    folders = [p for p in target.iterdir() if p.is_dir()]
    if len(folders) != 1 or not (folders[0] / "portable").is_file():
        report.fail(f"portable archive {archives[-1].name}: no folder with a `portable` marker")
        return
    runner = Runner(folders[0], work / "portable-run")
    result = runner.run("demo", data=False)
    data = folders[0] / "data" / "ledger.sqlite3"
    if result.returncode == 0 and data.is_file():
        report.ok(f"portable archive {archives[-1].name}: data kept beside the program")
    else:
        report.fail(f"portable archive: `demo` without --data-dir did not write {data}: {describe(result)}")


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", default=str(ROOT / "dist" / manifest.APP_NAME), help="the one-folder bundle")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder for a look")
    args = parser.parse_args(argv)
    bundle = Path(args.bundle).resolve()
    report = Report()
    if not bundle.is_dir():
        print(f"FAIL: no bundle at {bundle}: run `make dist` first")
        return 1
    print(f"dist-check of {bundle}")
    check_files(bundle, report)
    work = Path(tempfile.mkdtemp(prefix="dist-check-"))
    try:
        if executable(bundle).is_file():
            check_program(Runner(bundle, work), report, dt.date.today().year)
            if sys.platform != "win32":
                check_portable(bundle, report, work)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"{report.passed} passed, {len(report.failures)} failed, {len(report.skipped)} skipped")
    for failure in report.failures:
        print(f"  FAILED: {failure}")
    for skipped in report.skipped:
        print(f"  not built yet: {skipped}")
    return 1 if report.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
