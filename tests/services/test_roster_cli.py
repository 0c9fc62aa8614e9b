"""`branch-ledger roster import/export` over the same services."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from desktop.cli import main
from desktop.domain.idnumber import check_digit


def _id(birth: str, seq: str) -> str:
    first17 = "330106" + birth + seq
    return first17 + check_digit(first17)


@pytest.fixture
def roster_file(tmp_path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号码", "入党日期", "党员类型", "籍贯"])
    sheet.append(["周杰", _id("19880808", "031"), "2012-07-01", "正式", "浙江"])
    bad = _id("19920101", "022")
    sheet.append(["吴倩", bad[:-1] + ("1" if bad[-1] != "1" else "2"), "2016-07-01", "正式", "江苏"])
    sheet.append(["郑凯", _id("19900303", "051"), "2014-07-01", "正式", ""])
    path = tmp_path / "roster.xlsx"
    workbook.save(path)
    return path


def _members(data: Path) -> list[str]:
    out = data.parent / "check.xlsx"
    assert main(["--data-dir", str(data), "roster", "export", str(out)]) == 0
    return [r[0] for r in load_workbook(out).active.iter_rows(min_row=2, values_only=True)]


def test_import_reports_rows_and_refuses(tmp_path: Path, roster_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "roster", "import", str(roster_file), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "未识别的列：籍贯" in out
    assert "第3行 吴倩：错误 [身份证号码]" in out and "校验位" in out
    assert "有错误 1" in out
    assert not data.exists()  # a dry run on a new folder does not even create it

    assert main(["--data-dir", str(data), "roster", "import", str(roster_file)]) == 1
    assert "未导入任何数据" in capsys.readouterr().out
    assert _members(data) == []

    assert main(["--data-dir", str(data), "roster", "import", str(roster_file), "--skip-invalid"]) == 1
    assert "新增 2 名" in capsys.readouterr().out
    assert sorted(_members(data)) == ["周杰", "郑凯"]


def test_export_pdf_and_refuse_unknown_suffix(tmp_path: Path, roster_file: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    main(["--data-dir", str(data), "roster", "import", str(roster_file), "--skip-invalid"])
    assert main(["--data-dir", str(data), "roster", "export", str(tmp_path / "r.pdf")]) == 0
    assert "党员 2 名" in capsys.readouterr().out
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert main(["--data-dir", str(data), "roster", "export", str(tmp_path / "r.doc")]) == 1
    assert ".xlsx 或 .pdf" in capsys.readouterr().err
