"""The data folder: where it is (portable marker, --data-dir), the lock against a second app,
and opening read-only media read-only."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.storage import datadir
from desktop.storage.datadir import DataFolder, FolderLock, FolderLockedError, resolve_data_dir

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 11, 21)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))


def test_portable_marker_keeps_data_beside_the_program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    program = tmp_path / "BranchLedger"
    program.mkdir()
    monkeypatch.setattr(sys, "argv", [str(program / "branch-ledger")])
    per_user = datadir.default_data_dir()
    assert per_user != program / "data" and "BranchLedger" in str(per_user)
    (program / datadir.PORTABLE_MARKER).write_text("")
    assert datadir.default_data_dir() == program / "data"
    assert resolve_data_dir(None).root == program / "data"


def test_data_dir_override_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_data_dir("branch").root == tmp_path / "branch"
    assert resolve_data_dir("~/x").root == Path.home() / "x"


def test_cli_data_dir_creates_the_file_there(tmp_path: Path) -> None:
    target = tmp_path / "某支部数据"
    result = cli("--data-dir", str(target), "backup")
    assert result.returncode == 0, result.stderr
    assert (target / "ledger.sqlite3").exists()
    assert list((target / "backups").glob("ledger-*-manual.sqlite3"))


def test_a_second_app_is_refused_while_the_first_holds_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from pathlib import Path; from desktop.storage.datadir import DataFolder, FolderLock\n"
         f"lock = FolderLock(DataFolder(Path({str(folder)!r}))); lock.acquire(); print('locked', flush=True); sys.stdin.read()"],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(FolderLockedError, match="正被另一个"):
            FolderLock(DataFolder(folder)).acquire()
        from desktop.services.context import open_ledger

        with pytest.raises(FolderLockedError):
            open_ledger(folder, today=lambda: TODAY)
        assert not (folder / "ledger.sqlite3").exists()  # refused before anything was written
        result = cli("--data-dir", str(folder), "backup")
        assert result.returncode == 1 and "正被另一个" in result.stderr and "Traceback" not in result.stderr
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    with FolderLock(DataFolder(folder)):  # the lock went with the process: nothing stale to clean
        pass


def test_lock_is_released_on_close(tmp_path: Path) -> None:
    from desktop.services.context import open_ledger

    ctx = open_ledger(tmp_path / "d", today=lambda: TODAY)
    with pytest.raises(FolderLockedError):
        open_ledger(tmp_path / "d", today=lambda: TODAY)
    ctx.close()
    open_ledger(tmp_path / "d", today=lambda: TODAY).close()


def test_read_only_folder_opens_read_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop.services.context as context
    from desktop.domain.roster import MemberFields
    from desktop.services.bundle import Services

    folder = tmp_path / "usb"
    writable = Services(context.open_ledger(folder, today=lambda: TODAY))
    writable.roster.add_member(MemberFields(name="孙立新", joined_on=dt.date(2001, 7, 1)))
    writable.close()
    before = (folder / "ledger.sqlite3").read_bytes()
    # a write-protected stick (tests run as root, for whom chmod protects nothing)
    monkeypatch.setattr(context, "folder_is_writable", lambda root: False)
    services = Services(context.open_ledger(folder, today=lambda: TODAY))
    try:
        assert services.ctx.read_only
        assert [m.name for m in services.roster.list_members()] == ["孙立新"]
        with pytest.raises(Exception, match="(?i)readonly|read-only|只读"):
            services.roster.add_member(MemberFields(name="周新来", joined_on=dt.date(2001, 7, 1)))
        assert not (folder / "backups").exists() or not list((folder / "backups").glob("*auto*"))
    finally:
        services.close()
    assert (folder / "ledger.sqlite3").read_bytes() == before


def test_read_only_folder_without_data_is_explained(tmp_path: Path) -> None:
    from desktop.domain.errors import LedgerError
    from desktop.services.context import open_ledger

    with pytest.raises(LedgerError, match="只读"):
        open_ledger(tmp_path / "empty", today=lambda: TODAY, read_only=True)


def test_unwritable_location_is_explained(tmp_path: Path) -> None:
    from desktop.domain.errors import LedgerError
    from desktop.services.context import open_ledger

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(LedgerError, match="无法写入数据文件夹"):
        open_ledger(blocker / "data", today=lambda: TODAY)


def test_a_really_write_protected_folder_opens_read_only(tmp_path: Path) -> None:
    """A read-only bind mount (what a locked USB stick looks like): SQLite cannot create the -shm
    file there, so the file must be opened immutable; nothing is written."""
    import shutil
    import subprocess
    import sys

    from desktop.domain.roster import MemberFields
    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger

    if shutil.which("unshare") is None or shutil.which("mount") is None:
        pytest.skip("needs unshare and mount (util-linux)")
    folder = tmp_path / "usb"
    services = Services(open_ledger(folder, today=lambda: TODAY))
    services.roster.add_member(MemberFields(name="孙立新", joined_on=dt.date(2001, 7, 1)))
    services.close()
    assert not (folder / "ledger.sqlite3-shm").exists()  # a clean close leaves no side files
    before = (folder / "ledger.sqlite3").read_bytes()
    out = tmp_path / "out.xlsx"
    script = (f"mount --bind '{folder}' '{folder}' && mount -o remount,ro,bind '{folder}' && "
              f"'{sys.executable}' -m desktop --data-dir '{folder}' roster export '{out}'")
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=120)
    if ("mount:" in done.stderr or done.stderr.startswith("unshare:")) and not out.exists():
        # no private mount namespace here (no privilege, or a chroot whose / is no mount point)
        pytest.skip(f"bind mounts are not allowed here: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stderr
    from openpyxl import load_workbook

    names = [row[0] for row in load_workbook(out).active.iter_rows(values_only=True)]
    assert "孙立新" in names
    assert (folder / "ledger.sqlite3").read_bytes() == before
