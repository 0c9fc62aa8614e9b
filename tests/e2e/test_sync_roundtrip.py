"""Branch → district → branch through the command line, as a secretary and a district clerk would."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from desktop.cli import main

BRANCH_SECRET = "branch-secret"
DISTRICT_SECRET = "district-secret"


@pytest.fixture
def folders(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    branch = tmp_path / "branch"
    shutil.copytree(demo_template, branch, ignore=shutil.ignore_patterns("*.lock", ".branch-ledger.lock"))
    monkeypatch.setenv("BRANCH_LEDGER_PASSPHRASE", BRANCH_SECRET)
    monkeypatch.setenv("BRANCH_LEDGER_DISTRICT_PASSPHRASE", DISTRICT_SECRET)
    return branch, tmp_path / "district", tmp_path / "usb"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    rc = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return rc, captured.out + captured.err


def test_round_trip_through_the_cli(folders, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from desktop.sync import identity

    branch, district, usb = folders
    assert _run(capsys, "district", "init", "--dir", district, "--name", "某区委组织部")[0] == 0
    keys = branch / "keys"
    identity.create_identity(keys, BRANCH_SECRET, branch_name="某电商公司第一支部", secretary="书记", today=dt.date.today())
    request = tmp_path / "branch.csr"
    request.write_bytes(identity.make_csr(keys, BRANCH_SECRET))
    cert = tmp_path / "branch-cert.pem"
    rc, out = _run(capsys, "district", "issue-cert", request, "--code", "B001", "--out", cert, "--dir", district)
    assert rc == 0 and "B001" in out
    identity.import_certificate(keys, cert.read_bytes(), (district / "ca.pem").read_bytes(), today=dt.date.today(),
                                passphrase=BRANCH_SECRET)

    rc, out = _run(capsys, "--data-dir", branch, "sync", "export", "--out", usb)
    assert rc == 0, out
    package = Path(out.strip().splitlines()[-1])
    assert package.parent == usb and package.name.startswith("B001-00001-")

    rc, out = _run(capsys, "district", "verify", package, "--dir", district)
    assert rc == 0 and "通过" in out
    rc, out = _run(capsys, "district", "import", package, "--dir", district)
    assert rc == 0 and "导入" in out
    rc, out = _run(capsys, "district", "import", package, "--dir", district)
    assert rc == 0 and "重复" in out and "已导入过" in out

    tampered = tmp_path / "tampered" / package.name
    tampered.parent.mkdir()
    data = bytearray(package.read_bytes())
    data[len(data) // 2] ^= 0x20
    tampered.write_bytes(bytes(data))
    rc, out = _run(capsys, "district", "verify", tampered, "--dir", district)
    assert rc == 1 and "失败" in out
    rc, out = _run(capsys, "district", "import", tampered, "--dir", district)
    assert rc == 1 and "拒收" in out
    assert (district / "quarantine" / f"{package.name}.reason.txt").exists()

    summary = tmp_path / "summary.xlsx"
    rc, out = _run(capsys, "district", "summary", "--year", dt.date.today().year, "--out", summary, "--dir", district)
    assert rc == 0 and summary.exists()

    attachment = tmp_path / "附件.txt"
    attachment.write_text("请按时报送。", encoding="utf-8")
    rc, out = _run(capsys, "district", "notice", "--to", "B001", "--out", tmp_path / "outbox", "--title", "年度工作通知",
                   "--body", "请按时报送。", "--attach", attachment, "--evaluation", "好", "--year", "2025",
                   "--dir", district)
    assert rc == 0, out
    notice = Path(out.strip().splitlines()[-1])
    rc, out = _run(capsys, "--data-dir", branch, "sync", "import", notice, "--dry-run")
    assert rc == 0 and "年度工作通知" in out and "2025 年度考核评价：好" in out
    rc, out = _run(capsys, "--data-dir", branch, "sync", "import", notice)
    assert rc == 0 and "已导入" in out
    rc, out = _run(capsys, "--data-dir", branch, "sync", "import", notice)
    assert rc == 0 and "已导入过" in out

    rc, out = _run(capsys, "--data-dir", branch, "sync", "export", "--out", usb, "--no-ledgers")
    second = Path(out.strip().splitlines()[-1])
    assert rc == 0 and second.name.startswith("B001-00002-")
    rc, out = _run(capsys, "district", "import", second, "--dir", district)
    assert rc == 0 and "缺少" not in out
    rc, out = _run(capsys, "--data-dir", branch, "sync", "history")
    assert rc == 0 and "第2号" in out and "第1号" in out


def test_cli_errors_are_reported_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRANCH_LEDGER_DISTRICT_PASSPHRASE", DISTRICT_SECRET)
    rc, out = _run(capsys, "district", "verify", tmp_path / "missing.zip", "--dir", tmp_path / "d")
    assert rc == 1 and "不是已初始化的区县文件夹" in out
    rc, out = _run(capsys, "district", "summary", "--year", "2026", "--out", tmp_path / "s.xlsx", "--dir", tmp_path / "d")
    assert rc == 1 and "district init" in out
    assert not (tmp_path / "d").exists()


def test_district_demo_builds_both_sides(tmp_path: Path, demo_template: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    from desktop.services.district import build_demo

    district = build_demo(tmp_path / "demo", district_passphrase=DISTRICT_SECRET, branch_passphrase=BRANCH_SECRET,
                          today=dt.date.today(), branch_template=demo_template, with_ledgers=False)
    assert district.store.counts()["packages"] == 9
    assert [code for code, _ in district.store.branches()] == ["DEMO-001", "DEMO-002", "DEMO-003"]
    assert all(district.store.received_sequences(code) == [1, 2, 3] for code, _ in district.store.branches())
    district.close()
    assert len(list((tmp_path / "demo" / "outbox").glob("*.zip"))) == 3
    monkeypatch.setenv("BRANCH_LEDGER_PASSPHRASE", BRANCH_SECRET)
    rc, out = _run(capsys, "district", "verify", *sorted((tmp_path / "demo" / "inbox").glob("*.zip")),
                   "--dir", tmp_path / "demo")
    assert rc == 0 and "9 个通过" in out
    notice = sorted((tmp_path / "demo" / "outbox").glob("DEMO-002-*.zip"))[0]
    rc, out = _run(capsys, "--data-dir", tmp_path / "demo" / "branches" / "DEMO-002", "sync", "import", notice)
    assert rc == 0 and "已导入" in out
