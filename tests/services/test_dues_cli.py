"""The dues CLI over a data folder: determine, pay, status, receipt, export; errors exit 1 in Chinese."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop.cli import main
from desktop.domain.roster import MemberFields


def test_cli_determine_pay_status_receipt_export(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger

    folder = tmp_path / "data"
    services = Services(open_ledger(folder))
    member = services.roster.add_member(MemberFields(name="王建国", joined_on=dt.date(2010, 7, 1),
                                                     confirmed_on=dt.date(2011, 7, 1)), effective_on=dt.date(2010, 7, 1))
    services.close()
    today = dt.date.today()
    this_month = f"{today:%Y-%m}"
    base = ["--data-dir", str(folder), "dues"]
    assert main([*base, "determine", str(member.id), "--year", str(today.year), "--category", "在职",
                 "--base", "5000.01", "--by", "书记"]) == 0
    assert "每月 75.00 元" in capsys.readouterr().out
    assert main([*base, "pay", str(member.id), "--months", this_month, "--amount", "100", "--collector", "组织委员"]) == 0
    out = capsys.readouterr().out
    assert f"收据编号 {today.year}-0001" in out and "自愿多交25.00元" in out
    assert main([*base, "status"]) == 0
    assert "王建国" in capsys.readouterr().out
    assert main([*base, "receipt", "1", "--out", str(tmp_path / "r.pdf")]) == 0
    assert (tmp_path / "r.pdf").exists()
    assert main([*base, "export", "--out", str(tmp_path / "d.xlsx")]) == 0
    assert (tmp_path / "d.xlsx").exists()
    capsys.readouterr()
    assert main([*base, "pay", str(member.id), "--months", this_month, "--amount", "75", "--collector", "x",
                 "--receipt", f"{today.year}-0001"]) == 1
    assert "错误" in capsys.readouterr().err
