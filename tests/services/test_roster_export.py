"""Roster export: .xlsx with the national columns, and the PDF 花名册 read back as a user sees it."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from desktop.domain.roster_columns import NATIONAL_COLUMNS

@pytest.fixture
def roster_demo(services, today):  # type: ignore[no-untyped-def]
    """Only the demo roster (25 members, 3 groups): these tests need no other area's demo data."""
    from desktop.services.demo import roster as roster_demo_step

    roster_demo_step.populate(services, today)
    return services



def test_xlsx_has_national_headers_and_full_ids(roster_demo, tmp_path: Path) -> None:
    out = roster_demo.roster_io.export_xlsx(tmp_path / "sub" / "花名册.xlsx")
    members = roster_demo.roster.list_members()
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    assert header[: len(NATIONAL_COLUMNS)] == [h for h, _ in NATIONAL_COLUMNS]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(members)
    ids = {r[header.index("公民身份号码")] for r in rows}
    assert ids == {m.id_number for m in members}  # in full, as text
    first = next(r for r in rows if r[0] == members[0].name)
    assert first[header.index("入党日期")].date() == members[0].joined_on
    assert first[header.index("党员类型")] in ("正式", "预备")
    assert not list(out.parent.glob("*.partial"))


def test_exported_xlsx_reimports_unchanged(roster_demo, tmp_path: Path) -> None:
    out = roster_demo.roster_io.export_xlsx(tmp_path / "roster.xlsx")
    preview = roster_demo.roster_io.preview_import(out)
    assert preview.unrecognised == ()
    assert {r.action for r in preview.rows} == {"无变化"}, [r.problem_text for r in preview.rows if r.problems]


@pytest.fixture
def roster_pdf(roster_demo, tmp_path: Path):  # type: ignore[no-untyped-def]
    rendered = roster_demo.roster_io.render_ledger(None, tmp_path / "花名册.pdf", footer_note="审计链 abc123")
    return roster_demo, rendered


def test_pdf_lists_current_party_members_with_masked_ids(roster_pdf) -> None:  # type: ignore[no-untyped-def]
    services, rendered = roster_pdf
    reader = PdfReader(rendered.path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    members = [m for m in services.roster.list_members() if m.is_party_member and m.status == "正常"]
    assert rendered.kind == "roster"
    assert sorted(rendered.records) == sorted(("member", m.id) for m in members)
    for member in members:
        assert member.name in text
        assert member.id_masked in text
        assert member.id_number not in text
    assert services.branch.branch_name() in text
    assert "打印日期：2026-11-21" in text
    assert "审计链 abc123" in text
    pages = len(reader.pages)
    assert f"第 1 页 共 {pages} 页" in text and f"第 {pages} 页 共 {pages} 页" in text
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # A4 landscape


def test_pdf_header_row_repeats_on_every_page(services, tmp_path: Path) -> None:
    from desktop.domain.roster import MemberFields
    from desktop.services.branch import BranchProfile

    services.branch.save_profile(BranchProfile(name="测试党支部"))
    for index in range(45):
        services.roster.add_member(MemberFields(name=f"测试{index:02d}号", joined_on=dt.date(2001, 1, 1)))
    rendered = services.roster_io.render_ledger(None, tmp_path / "r.pdf")
    reader = PdfReader(rendered.path)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert "公民身份号码" in page.extract_text()
    assert len(rendered.records) == 45


def test_pdf_of_a_past_year_uses_the_history(roster_demo, tmp_path: Path) -> None:
    rendered = roster_demo.roster_io.render_ledger(2025, tmp_path / "2025.pdf")
    text = "".join(p.extract_text() for p in PdfReader(rendered.path).pages)
    assert "截至 2025年12月31日" in text
    probationary = [m for m in roster_demo.roster.list_members() if m.stage == "预备党员"]
    for member in probationary:  # admitted in 2026: not on the 2025 roster
        if member.joined_on and member.joined_on.year == 2026:
            assert member.name not in text
            assert ("member", member.id) not in rendered.records


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdf_embeds_the_bundled_font(roster_pdf) -> None:  # type: ignore[no-untyped-def]
    _, rendered = roster_pdf
    output = subprocess.run(["pdffonts", str(rendered.path)], capture_output=True, text=True, check=True).stdout
    line = next(l for l in output.splitlines() if "BranchLedgerSans" in l)
    assert " yes yes yes " in line  # emb sub uni


def test_pdf_of_an_empty_roster_says_so(services, tmp_path: Path) -> None:
    rendered = services.roster_io.render_ledger(None, tmp_path / "empty.pdf")
    text = PdfReader(rendered.path).pages[0].extract_text()
    assert "（无党员）" in text and "党员 0 名" in text
    assert rendered.records == ()
