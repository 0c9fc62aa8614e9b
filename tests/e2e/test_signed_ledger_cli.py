"""From the command line, on the demo branch: identity → district certificate → signed ledger → verify
(our verify and pyHanko's own CLI), then a raw SQL change caught by `check`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.cli import main

PASS = "e2e-passphrase"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, demo_template: Path) -> Path:
    """tmp_path with `data/` a copy of the session's demo branch (what `branch-ledger demo` makes)."""
    import shutil

    monkeypatch.setenv("BRANCH_LEDGER_PASSPHRASE", PASS)
    monkeypatch.setenv("BRANCH_LEDGER_DISTRICT_PASSPHRASE", PASS)
    shutil.copytree(demo_template, tmp_path / "data", ignore=shutil.ignore_patterns("*.lock", ".branch-ledger.lock"))
    return tmp_path


def test_signed_ledger_from_the_command_line(cli_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, district = str(cli_env / "data"), cli_env / "district"
    code, out = run(capsys, "--data-dir", data, "identity", "create")
    assert code == 0 and "自签名" in out

    # self-signed ledger: signed and intact, but not trusted → verify exits 1
    self_signed = cli_env / "self.pdf"
    assert run(capsys, "--data-dir", data, "ledger", "roster", "--year", "2026", "--out", str(self_signed), "--sign")[0] == 0
    code, out = run(capsys, "--data-dir", data, "verify", str(self_signed))
    assert code == 1 and "未经区级认证" in out

    # the district issues a certificate for our request
    csr = cli_env / "branch.csr"
    assert run(capsys, "--data-dir", data, "identity", "request", "--out", str(csr))[0] == 0
    code, out = run(capsys, "district", "init", "--dir", str(district))
    if code != 0:
        pytest.skip(f"district init unavailable: {out}")
    cert = cli_env / "branch-cert.pem"
    code, out = run(capsys, "district", "issue-cert", "--dir", str(district), str(csr), "--code", "BR-0007", "--out", str(cert))
    assert code == 0, out
    ca = district / "ca.pem"
    code, out = run(capsys, "--data-dir", data, "identity", "import-cert", str(cert), "--ca", str(ca))
    assert code == 0 and "BR-0007" in out, out

    signed = cli_env / "roster-2026.pdf"
    code, out = run(capsys, "--data-dir", data, "ledger", "roster", "--year", "2026", "--out", str(signed), "--sign")
    assert code == 0 and "区级证书" in out, out
    code, out = run(capsys, "verify", str(signed), "--ca", str(ca))
    assert code == 0 and "可信" in out, out
    pyhanko = Path(sys.executable).parent / "pyhanko"
    checked = subprocess.run([str(pyhanko), "sign", "validate", "--pretty-print", "--trust", str(ca), "--trust-replace",
                              str(signed)], capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    tampered = cli_env / "tampered.pdf"
    raw = bytearray(signed.read_bytes())
    raw[len(raw) // 4] ^= 0x01
    tampered.write_bytes(bytes(raw))
    assert run(capsys, "verify", str(tampered), "--ca", str(ca))[0] == 1

    not_pdf = cli_env / "note.pdf"
    not_pdf.write_text("not a pdf", encoding="utf-8")
    code, out = run(capsys, "verify", str(not_pdf), "--ca", str(ca))
    assert code == 1 and "不是 PDF" in out

    # a record changed directly in the file is reported by check
    assert run(capsys, "--data-dir", data, "check")[0] == 0
    with sqlite3.connect(Path(data) / "ledger.sqlite3") as conn:
        conn.execute("UPDATE member SET phone = '13000000000' WHERE id = 2")
    code, out = run(capsys, "--data-dir", data, "check")
    assert code == 1 and "member #2" in out and "phone" in out, out


def test_wrong_passphrase_leaves_no_file(cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = str(cli_env / "data")
    assert run(capsys, "--data-dir", data, "identity", "create")[0] == 0
    monkeypatch.setenv("BRANCH_LEDGER_PASSPHRASE", "not the passphrase")
    out_file = cli_env / "r.pdf"
    code, out = run(capsys, "--data-dir", data, "ledger", "roster", "--year", "2026", "--out", str(out_file), "--sign")
    assert code == 1 and "口令错误" in out
    assert not out_file.exists() and not list(cli_env.glob("*.pdf")) and not list(cli_env.glob(".*.pdf"))
