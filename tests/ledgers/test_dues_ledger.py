"""The dues ledger read back as a user would: PDF text (pypdf) and the .xlsx cells; the receipt."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.domain.dues import yuan

Y = 2026


@pytest.fixture
def ledger(demo_copy, tmp_path: Path):  # type: ignore[no-untyped-def]
    rendered = demo_copy.dues.render_ledger(Y, tmp_path / "dues.pdf", footer_note="审计链 0f3a")
    return demo_copy, rendered, [page.extract_text() for page in PdfReader(rendered.path).pages]


def test_pdf_totals_match_the_service(ledger) -> None:  # type: ignore[no-untyped-def]
    services, _, pages = ledger
    fig = services.dues.year_figures(Y)
    text = "\n".join(pages)
    compact = re.sub(r"\s+", " ", text)
    summary = " ".join(yuan(v) for v in (fig.due, fig.paid, fig.arrears, fig.voluntary, fig.large, fig.collected,
                                          fig.remitted))
    assert summary in compact  # the 全年汇总 row
    assert "合计" in compact
    for row in services.dues.year_grid(Y):
        assert row.name in text
        assert yuan(row.year_due) in text and yuan(row.year_paid) in text
    # per-member totals add up to the printed year totals
    rows = services.dues.year_grid(Y)
    assert sum((r.year_due for r in rows), D(0)) == fig.due


def test_pdf_layout_header_each_page_footer_rules(ledger) -> None:  # type: ignore[no-untyped-def]
    services, rendered, pages = ledger
    reader = PdfReader(rendered.path)
    assert len(pages) >= 2
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # A4 landscape
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text
        assert "审计链 0f3a" in text
        assert services.branch.branch_name() in text
    for text in pages[:-1]:
        assert "全年应缴" in text and "缴纳日期" in text and "收缴人" in text  # header repeated
    last = "\n".join(pages[-2:])
    for label in ("上缴情况", "填报人", "审核人", "舍入方式", "四舍五入到分", "1000元"):
        assert label in last
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert any("/FontDescriptor" in f and "/FontFile2" in f["/FontDescriptor"].get_object() for f in fonts)  # embedded


def test_xlsx_totals_match(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    path = demo_copy.dues.export_xlsx(Y, tmp_path / "dues.xlsx")
    ws = load_workbook(path, data_only=True).active
    fig = demo_copy.dues.year_figures(Y)
    rows = list(ws.iter_rows(values_only=True))
    header = rows[2]
    due_col = header.index("全年应缴")
    total_row = next(r for r in rows if r[0] == "合计")
    assert D(str(total_row[due_col])) == fig.due
    assert D(str(total_row[due_col + 1])) == fig.paid
    assert D(str(total_row[due_col + 2])) == fig.arrears
    members = [r for r in rows[4:] if isinstance(r[0], int)]
    assert len(members) == len(demo_copy.dues.year_grid(Y))
    assert sum((D(str(r[due_col])) for r in members), D(0)) == fig.due
    # each month's 实缴 column sums to the total of the 合计 row
    for month in range(12):
        col = 6 + month * 4 + 1
        assert sum((D(str(r[col] or 0)) for r in members), D(0)) == D(str(total_row[col]))
    remitted = next(r for r in rows if r[0] == "全年应缴")
    values = rows[rows.index(remitted) + 1]
    assert D(str(values[6])) == fig.remitted


def test_receipt_prints_amount_in_words(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    payment = next(p for p in demo_copy.dues.payments(Y) if p.large)
    rendered = demo_copy.dues.render_receipt(payment.id, tmp_path / "r.pdf")
    text = PdfReader(rendered.path).pages[0].extract_text()
    assert text.count(payment.receipt_number) >= 2  # both copies
    assert "贰仟元整" in text and payment.member_name in text and "大额党费" in text
    assert rendered.records == (("dues_payment", payment.id),)
