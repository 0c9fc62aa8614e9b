"""Build the release bundle inside a Debian 11 root, so that it runs on UOS 20 and Kylin V10.

The bundle carries its own Python, Qt and libraries; what it takes from the system is glibc and a few
desktop libraries (GL, fontconfig, X11/xcb). A bundle built on this Debian 12 machine needs glibc
2.36 and starts on neither UOS 20 (Debian 10 based, glibc 2.28) nor Kylin V10 (glibc 2.31). So the
release is built in an older root, step by step, each step cached under `build/compat/` by a stamp
naming what it was built from (a second `make dist` redoes only the bundle):

1. **root** — `debootstrap` Debian 11 (glibc 2.31, the oldest Debian the mirror still serves) with
   its security updates, a compiler and the libraries Qt needs at run time (so the bundle can also
   be *run* there). The bundle carries some of these libraries (OpenSSL 1.1 for Python's ssl and
   hashlib, glib, freetype, fontconfig, X11/xcb): they come from Debian 11's security suite.
2. **sources** — CPython 3.11 and SQLite 3.40 from Debian 12's source packages; apt checks their
   signatures against the archive keyring.
3. **python** — both built in the root. SQLite 3.40 because Debian 11 has 3.34 and the importer
   uses RETURNING (3.35+). Debian's bug and security fixes to CPython are applied (every patch from
   `shutdown-deadlock.diff` on), its file-layout patches are not. Every compilation includes
   `glibc228.h`, which binds exp/exp2/log/log2/pow to their pre-2.29 symbol versions, and
   configure is told there is no `sem_clockwait` (2.30): the result needs glibc 2.28 at most.
4. **venv** — that Python's venv with `requirements.lock`, except PySide6 6.9.3: the newest whose
   x86_64 wheels need only glibc 2.28 (6.10 and later need 2.34).
5. **bundle** — PyInstaller with `packaging/branch-ledger.spec` in the root; the bundle is copied to
   `dist/branch-ledger`; `build_linux.py` then makes the .deb and the portable .tar.gz.

`--check` runs `packaging/dist_check.py` inside the root: the built program on Debian 11's own
glibc and system libraries. `--install-check` installs the .deb on a new bare Debian 11 with apt
(which must find every dependency) and runs the installed program. `--test [PYTEST_ARGS]` runs the test suite there, on the release's own
Python 3.11.2, SQLite 3.40 and PySide6 6.9.3. Needs root (chroot, mount), `debootstrap` and
`dpkg-source` (dpkg-dev).

    python3 packaging/compat_build.py [--out dist] [--check | --install-check | --test [ARGS] | --unmount]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = ROOT / "build" / "compat"
CHROOT = WORK / "root"
SOURCES = WORK / "sources"

SUITE = "bullseye"
MIRROR = "http://deb.debian.org/debian"
SOURCES_LIST = (f"deb {MIRROR} {SUITE} main\ndeb {MIRROR} {SUITE}-updates main\n"
                f"deb {MIRROR}-security {SUITE}-security main\n")
SOURCE_SUITE = "bookworm"
PYTHON_PACKAGE, PYTHON_VERSION = "python3.11", "3.11.2-6+deb12u8"
SQLITE_PACKAGE, SQLITE_VERSION = "sqlite3", "3.40.1-2+deb12u2"
FIRST_DEBIAN_FIX = "shutdown-deadlock.diff"  # Debian's python3.11 patches from here on are fixes
PYSIDE_COMPAT = "6.9.3"
PREFIX = "/opt/blpython"
VENV = "/opt/venv"

BUILD_PACKAGES = (
    "build-essential", "pkg-config", "tcl", "libssl-dev", "libffi-dev", "zlib1g-dev", "libbz2-dev",
    "liblzma-dev", "uuid-dev", "patch", "xz-utils", "ca-certificates",
)
sys.path.insert(0, str(HERE))
import bundle_manifest as manifest  # noqa: E402
from build_linux import DEB_DEPENDS  # noqa: E402

# What the program needs from a desktop system: exactly the .deb's Depends (so that dist_check in
# the root proves the list complete), plus libxcb-util1, which Qt 6.9's xcb plugin needs and UOS 20
# lacks (Debian 10 has libxcb-util0): it is installed here only so that PyInstaller bundles it.
# poppler-utils and desktop-file-utils serve the checks and tests run in the root.
RUNTIME_PACKAGES = tuple(d.split()[0] for d in DEB_DEPENDS if not d.startswith("libc6")) + (
    "libxcb-util1", "poppler-utils", "desktop-file-utils", "file")
GLIBC_HEADER = """\
/* Bind the libm functions whose symbol versions glibc 2.29 renewed to their old versions, so the
   result runs on glibc 2.28 (UOS 20). Forced into every compilation with -include. */
#if defined(__x86_64__)
__asm__(".symver exp,exp@GLIBC_2.2.5");
__asm__(".symver exp2,exp2@GLIBC_2.2.5");
__asm__(".symver log,log@GLIBC_2.2.5");
__asm__(".symver log2,log2@GLIBC_2.2.5");
__asm__(".symver pow,pow@GLIBC_2.2.5");
#elif defined(__aarch64__)
__asm__(".symver exp,exp@GLIBC_2.17");
__asm__(".symver exp2,exp2@GLIBC_2.17");
__asm__(".symver log,log@GLIBC_2.17");
__asm__(".symver log2,log2@GLIBC_2.17");
__asm__(".symver pow,pow@GLIBC_2.17");
#endif
"""
# Debian's fix for CVE-2026-4224 includes an internal header in pyexpat.c, which Debian builds into
# the interpreter; built as a module it must say so (as pyexpat.c does upstream from 3.12 on).
PYEXPAT_PREAMBLE = "#ifndef Py_BUILD_CORE_BUILTIN\n#  define Py_BUILD_CORE_MODULE 1\n#endif\n"
SQLITE_FLAGS = (
    "-O2 -include /build/glibc228.h -DSQLITE_ENABLE_COLUMN_METADATA -DSQLITE_ENABLE_FTS5 "
    "-DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_MATH_FUNCTIONS -DSQLITE_ENABLE_DBSTAT_VTAB "
    "-DSQLITE_SECURE_DELETE -DSQLITE_MAX_VARIABLE_NUMBER=250000"
)
SOURCE_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "__pycache__", ".pytest_cache", ".hypothesis", "*.egg-info",
    "tmp", "out")


def log(message: str) -> None:
    print(f"[compat] {message}", flush=True)


def run(*args: str, **kwargs: object) -> None:
    subprocess.run(args, check=True, **kwargs)  # type: ignore[call-overload]


def in_root(script: str, *, env: dict[str, str] | None = None) -> None:
    """Run a bash script inside the root (with /proc mounted by the caller)."""
    environment = {"PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME": "/root", "LANG": "C.UTF-8",
                   "DEBIAN_FRONTEND": "noninteractive"}
    for key in ("PIP_DEFAULT_TIMEOUT", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "http_proxy", "https_proxy",
                "HTTP_PROXY", "HTTPS_PROXY", "no_proxy"):
        if key in os.environ:
            environment[key] = os.environ[key]
    environment.update(env or {})
    run("chroot", str(CHROOT), "/bin/bash", "-euo", "pipefail", "-c", script, env=environment)


def stamp_ok(name: str, content: str) -> bool:
    path = WORK / f"{name}.stamp"
    return path.exists() and path.read_text(encoding="utf-8") == content


STEPS = ("root", "python", "venv")  # each lives in the root: redoing one redoes those after it


def write_stamp(name: str, content: str) -> None:
    for later in STEPS[STEPS.index(name) + 1:] if name in STEPS else ():
        (WORK / f"{later}.stamp").unlink(missing_ok=True)
    (WORK / f"{name}.stamp").write_text(content, encoding="utf-8")


def forget_from(name: str) -> None:
    for step in STEPS[STEPS.index(name):]:
        (WORK / f"{step}.stamp").unlink(missing_ok=True)


def mounts_under(path: Path) -> list[str]:
    prefix = str(path.resolve()) + "/"
    with open("/proc/mounts", encoding="utf-8") as mounts:
        points = [line.split()[1] for line in mounts]
    return sorted((p for p in points if p.startswith(prefix)), key=len, reverse=True)


def unmount_all() -> None:
    for point in mounts_under(WORK):
        subprocess.run(["umount", point], check=False)
        if point in mounts_under(WORK):
            subprocess.run(["umount", "-l", point], check=False)


def remove_tree(path: Path) -> None:
    """rm -r, but never through a mount point left behind (it would reach the host's files)."""
    unmount_all()
    left = [p for p in mounts_under(WORK) if p == str(path.resolve()) or p.startswith(str(path.resolve()) + "/")]
    if left:
        raise SystemExit(f"compat_build: {left[0]} is still mounted; not removing {path}")
    shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def mounted() -> Iterator[None]:
    """/proc in the root and the host's pip cache (downloads are reused between builds). /dev is
    NOT bound: the root gets its own few device nodes, so removing build/ can never reach the host."""
    cache = Path.home() / ".cache" / "pip"
    cache.mkdir(parents=True, exist_ok=True)
    (CHROOT / "root" / ".cache" / "pip").mkdir(parents=True, exist_ok=True)
    try:
        run("mount", "-t", "proc", "proc", str(CHROOT / "proc"))
        run("mount", "--bind", str(cache), str(CHROOT / "root" / ".cache" / "pip"))
        yield
    finally:
        unmount_all()


def device_nodes() -> None:
    dev = CHROOT / "dev"
    for name, major, minor in (("null", 1, 3), ("zero", 1, 5), ("full", 1, 7), ("random", 1, 8),
                               ("urandom", 1, 9), ("tty", 5, 0)):
        node = dev / name
        if not node.exists():
            os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
    (dev / "shm").mkdir(exist_ok=True)
    os.chmod(dev / "shm", 0o1777)


def make_root() -> None:
    content = f"{SUITE} {SOURCES_LIST} {' '.join(BUILD_PACKAGES + RUNTIME_PACKAGES)}"
    if stamp_ok("root", content):
        return
    forget_from("root")
    remove_tree(CHROOT)
    log(f"debootstrap {SUITE} → {CHROOT}")
    run("debootstrap", "--variant=minbase", SUITE, str(CHROOT), MIRROR, stdout=subprocess.DEVNULL)
    device_nodes()
    shutil.copy2("/etc/resolv.conf", CHROOT / "etc" / "resolv.conf")
    (CHROOT / "etc" / "apt" / "sources.list").write_text(SOURCES_LIST, encoding="utf-8")
    with mounted():  # security updates first: the bundle carries some of these libraries (OpenSSL, glib ...)
        in_root("apt-get update -qq && apt-get upgrade -y -qq -o Dpkg::Use-Pty=0 >/dev/null && "
                "apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends "
                + " ".join(BUILD_PACKAGES + RUNTIME_PACKAGES) + " >/dev/null")
    write_stamp("root", content)


def fetch_sources() -> None:
    """`apt-get source` from Debian 12's archive, with an apt configuration of its own (the host's
    sources are left alone); apt verifies the Release signatures and the files' hashes."""
    content = f"{PYTHON_PACKAGE}={PYTHON_VERSION} {SQLITE_PACKAGE}={SQLITE_VERSION}"
    if stamp_ok("sources", content):
        return
    apt = SOURCES / "apt"
    (apt / "lists" / "partial").mkdir(parents=True, exist_ok=True)
    (apt / "cache" / "archives" / "partial").mkdir(parents=True, exist_ok=True)
    (apt / "sources.list").write_text(f"deb-src {MIRROR} {SOURCE_SUITE} main\n", encoding="utf-8")
    options = ["-o", f"Dir::Etc::SourceList={apt / 'sources.list'}", "-o", "Dir::Etc::SourceParts=/dev/null",
               "-o", f"Dir::State::Lists={apt / 'lists'}", "-o", f"Dir::Cache={apt / 'cache'}",
               "-o", "APT::Sandbox::User=root"]
    run("apt-get", *options, "update", "-qq")
    run("apt-get", *options, "source", "--download-only", "-qq",
        f"{PYTHON_PACKAGE}={PYTHON_VERSION}", f"{SQLITE_PACKAGE}={SQLITE_VERSION}", cwd=SOURCES)
    write_stamp("sources", content)


def unpack(package: str, version: str, target: Path) -> None:
    shutil.rmtree(target, ignore_errors=True)
    dsc = SOURCES / f"{package}_{version}.dsc"
    run("dpkg-source", "--no-check", "--skip-patches", "-x", str(dsc), str(target), stdout=subprocess.DEVNULL)


def apply_patches(tree: Path, series: list[str]) -> None:
    for name in series:
        with (tree / "debian" / "patches" / name).open("rb") as patch:
            run("patch", "-p1", "-s", "-d", str(tree), stdin=patch)


def debian_fixes(tree: Path) -> list[str]:
    names = [line.split()[0] for line in (tree / "debian" / "patches" / "series").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    return names[names.index(FIRST_DEBIAN_FIX):]


def build_python() -> None:
    content = "\n".join((PYTHON_VERSION, SQLITE_VERSION, GLIBC_HEADER, PYEXPAT_PREAMBLE, SQLITE_FLAGS))
    if stamp_ok("python", content):
        return
    forget_from("python")
    build = CHROOT / "build"
    build.mkdir(exist_ok=True)
    (build / "glibc228.h").write_text(GLIBC_HEADER, encoding="utf-8")
    # The sources are verified by apt on download; the dpkg-source signature check needs a keyring
    # the host may lack (--no-check above), the hashes in the .dsc are still checked.
    unpack(SQLITE_PACKAGE, SQLITE_VERSION, build / "sqlite")
    apply_patches(build / "sqlite", [line.split()[0] for line in
                                     (build / "sqlite" / "debian" / "patches" / "series").read_text().splitlines()
                                     if line.strip() and not line.startswith("#")])
    unpack(PYTHON_PACKAGE, PYTHON_VERSION, build / "cpython")
    apply_patches(build / "cpython", debian_fixes(build / "cpython"))
    pyexpat = build / "cpython" / "Modules" / "pyexpat.c"
    pyexpat.write_text(PYEXPAT_PREAMBLE + pyexpat.read_text(encoding="utf-8"), encoding="utf-8")
    log("building SQLite and CPython in the root (a few minutes)")
    with mounted():
        in_root(f"""
rm -rf {PREFIX} && mkdir -p {PREFIX}/lib {PREFIX}/include
cd /build/sqlite
CFLAGS="{SQLITE_FLAGS}" ./configure -q --prefix={PREFIX} --disable-tcl --disable-static --enable-shared >/dev/null
make -s -j"$(nproc)" libsqlite3.la >/dev/null
cp -a .libs/libsqlite3.so* {PREFIX}/lib/ && cp sqlite3.h src/sqlite3ext.h {PREFIX}/include/
cd /build/cpython
./configure -q --prefix={PREFIX} --enable-shared --without-ensurepip ac_cv_func_sem_clockwait=no \\
    CFLAGS="-include /build/glibc228.h" CPPFLAGS="-I{PREFIX}/include" \\
    LDFLAGS="-L{PREFIX}/lib -Wl,-rpath,{PREFIX}/lib" >/dev/null
make -s -j"$(nproc)" >/build/cpython-make.log 2>&1 || {{ tail -40 /build/cpython-make.log; exit 1; }}
make -s install >/dev/null 2>&1
{PREFIX}/bin/python3.11 -c "import ssl, sqlite3, ctypes, lzma, bz2, zlib, pyexpat, decimal, uuid; \\
assert sqlite3.sqlite_version_info >= (3, 35), sqlite3.sqlite_version"
""")
    write_stamp("python", content)


def compat_lock() -> str:
    lines = []
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        name = line.split("==")[0].strip().lower().replace("_", "-")
        if name in ("pyside6-essentials", "pyside6-addons", "shiboken6"):
            line = f"{line.split('==')[0]}=={PYSIDE_COMPAT}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def copy_source() -> None:
    target = CHROOT / "src"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(ROOT, target, ignore=SOURCE_IGNORE, symlinks=True)
    (target / "requirements-compat.lock").write_text(compat_lock(), encoding="utf-8")


def make_venv() -> None:
    lock = compat_lock()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    if stamp_ok("venv", lock + pyproject):
        return
    log(f"venv with PySide6 {PYSIDE_COMPAT}")
    # The host's CA bundle, so that pip trusts what the host trusts.
    shutil.copy2("/etc/ssl/certs/ca-certificates.crt", CHROOT / "etc" / "ssl" / "certs" / "ca-certificates.crt")
    with mounted():
        in_root(f"""
rm -rf {VENV} && {PREFIX}/bin/python3.11 -m venv {VENV}
{VENV}/bin/python -m pip install -q --upgrade pip
cd /src && {VENV}/bin/python -m pip install -q -c requirements-compat.lock -e '.[test,dist]'
""", env={"PIP_CERT": "/etc/ssl/certs/ca-certificates.crt", "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    write_stamp("venv", lock + pyproject)


def build_bundle(out: Path) -> Path:
    log("PyInstaller in the root")
    with mounted():
        in_root(f"""
cd /src && rm -rf dist build/pyinstaller
{VENV}/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \\
    packaging/branch-ledger.spec
""")
    bundle = out / "branch-ledger"
    shutil.rmtree(bundle, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(CHROOT / "src" / "dist" / "branch-ledger", bundle, symlinks=True)
    return bundle


def check_in_root(bundle: Path) -> int:
    """dist_check.py against the bundle in dist/ (the one that gets packaged), run inside the root:
    Debian 11's glibc 2.31 and only the libraries the .deb depends on."""
    if not (bundle / "branch-ledger").exists():
        log(f"no bundle at {bundle}: run `make dist` first")
        return 2
    copy_source()
    target = CHROOT / "check" / bundle.name
    shutil.rmtree(target.parent, ignore_errors=True)
    shutil.copytree(bundle, target, symlinks=True)
    for archive in bundle.parent.glob("*-portable.tar.gz"):  # dist_check looks beside the bundle
        shutil.copy2(archive, target.parent / archive.name)
    with mounted():
        try:
            in_root(f"cd /src && {VENV}/bin/python packaging/dist_check.py --bundle /check/{bundle.name}",
                    env={"QT_QPA_PLATFORM": "offscreen"})
        except subprocess.CalledProcessError as error:
            return error.returncode or 1
        finally:
            shutil.rmtree(target.parent, ignore_errors=True)
    return 0


def install_check(out: Path) -> int:
    """The .deb on a bare Debian 11 (a new minbase root each time): `apt-get install ./x.deb`
    must pull in every dependency by itself, and the installed program must make the demo and a
    ledger. This is what a secretary's package installer does on UOS/Kylin."""
    debs = sorted(out.glob("*.deb"))
    if not debs:
        log(f"no .deb in {out}: run `make dist` first")
        return 2
    deb = debs[-1]
    bare = WORK / "bare"
    remove_tree(bare)
    log(f"bare {SUITE} root for installing {deb.name}")
    run("debootstrap", "--variant=minbase", SUITE, str(bare), MIRROR, stdout=subprocess.DEVNULL)
    shutil.copy2("/etc/resolv.conf", bare / "etc" / "resolv.conf")
    shutil.copy2(deb, bare / "tmp" / deb.name)
    program = f"/opt/apps/{manifest.APP_ID}/files/bin/{manifest.APP_NAME}"
    script = f"""
apt-get update -qq
apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends /tmp/{deb.name} >/tmp/install.log
echo "installed with $(grep -c '^Setting up' /tmp/install.log) packages"
export QT_QPA_PLATFORM=offscreen
{program} --version
{program} --data-dir /tmp/data demo
{program} --data-dir /tmp/data ledger meetings --out /tmp/meetings.pdf
test -s /tmp/meetings.pdf
"""
    try:
        run("mount", "-t", "proc", "proc", str(bare / "proc"))
        run("chroot", str(bare), "/bin/bash", "-euo", "pipefail", "-c", script,
            env={"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": "/root", "LANG": "C.UTF-8",
                 "DEBIAN_FRONTEND": "noninteractive"})
    except subprocess.CalledProcessError as error:
        log(f"FAILED: installing or running {deb.name} on a bare {SUITE}")
        return error.returncode or 1
    finally:
        remove_tree(bare)
    log(f"ok: {deb.name} installs on a bare {SUITE} and its program makes the demo and a ledger")
    return 0


def test_in_root(pytest_args: list[str]) -> int:
    """The whole test suite on the release's own Python, SQLite and PySide6, on Debian 11."""
    if not stamp_ok("venv", compat_lock() + (ROOT / "pyproject.toml").read_text(encoding="utf-8")):
        log("the root's venv is missing or out of date: run `make dist` first")
        return 2
    copy_source()
    with mounted():
        try:
            in_root(f"cd /src && {VENV}/bin/python -m pytest -q -p no:cacheprovider " + " ".join(pytest_args),
                    env={"QT_QPA_PLATFORM": "offscreen"})
        except subprocess.CalledProcessError as error:
            return error.returncode or 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "dist"), help="where the bundle goes (default dist/)")
    parser.add_argument("--check", action="store_true", help="run dist_check.py inside the root, build nothing")
    parser.add_argument("--install-check", action="store_true",
                        help="install the .deb from --out on a bare Debian 11 and run the program")
    parser.add_argument("--unmount", action="store_true", help="undo mounts a killed build left behind")
    parser.add_argument("--test", nargs=argparse.REMAINDER, metavar="PYTEST_ARGS",
                        help="run the test suite inside the root (after a build), with these pytest arguments")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("compat_build.py needs root (debootstrap, chroot, mount).", file=sys.stderr)
        return 2
    WORK.mkdir(parents=True, exist_ok=True)
    if args.unmount:
        unmount_all()
        return 0
    if args.check:
        return check_in_root(Path(args.out).resolve() / "branch-ledger")
    if args.test is not None:
        return test_in_root(args.test)
    if args.install_check:
        return install_check(Path(args.out).resolve())
    unmount_all()
    make_root()
    fetch_sources()
    build_python()
    copy_source()
    make_venv()
    bundle = build_bundle(Path(args.out).resolve())
    log(f"bundle: {bundle}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
