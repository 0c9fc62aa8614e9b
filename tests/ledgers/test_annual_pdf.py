"""The printed 述职 materials, read back from the PDF text."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from desktop.domain.annual import ItemFields, figure_link
from desktop.domain.errors import LedgerError


def _text(path: Path) -> str:
    reader = PdfReader(path)
    return "\n".join(page.extract_text() for page in reader.pages)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_report_prints_the_figures_of_the_records(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    annual = demo_copy.annual
    annual.carry_over(2026)
    out = tmp_path / "report.pdf"
    rendered = annual.render_ledger(2026, out, footer_note="审计链 abc123")
    figures = annual.figures(2026)
    reader = PdfReader(out)
    text = _squash(_text(out))
    pages = len(reader.pages)
    assert pages >= 3
    assert f"第{pages}页共{pages}页" in text
    assert "2026年度党支部书记抓党建工作述职报告" in text and "审计链abc123" in text
    for heading in ("履职情况及成效", "存在问题及原因", "下一步打算", "上年问题整改情况", "问题清单", "责任清单", "整改清单"):
        assert heading in text
    # the figure table prints what the service computed, label next to value
    for key in ("roster.members_end", "meetings.held", "meetings.late", "dues.paid", "dues.remitted"):
        figure = figures.get(key)
        assert _squash(figure.label + figure.display) in text, key
    assert "统计时间" in text
    # the monthly figures the charts draw, as a table
    assert "各月参会率与党费收缴" in text
    assert _squash(f"{figures.collection_by_month[1]:.2f}") in text
    # the draft's figure blocks print the current values, not the link syntax
    assert "figure:" not in text
    # the carried item is in this year's lists, marked as coming from last year
    assert "2025年转入" in text
    items = annual.list_items(2026)
    assert set(rendered.records) == {("annual_report", annual.report(2026).id)} | {("annual_item", i.id) for i in items}
    fonts = [f.get_object() for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    cjk = [f for f in fonts if "BranchLedgerSans" in str(f["/BaseFont"])]
    assert cjk and all("/FontFile2" in f["/FontDescriptor"] for f in cjk)  # the bundled font is embedded


def test_a_figure_corrected_after_insertion_is_printed_current_and_marked(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    annual = demo_copy.annual
    annual.save_draft(2026, {"duties": "年末党员" + figure_link("roster.members_end", "99名") + "。"})
    out = tmp_path / "r.pdf"
    annual.render_ledger(2026, out)
    current = annual.figures(2026).get("roster.members_end").display
    text = _squash(_text(out))
    assert f"年末党员{current}※" in text
    assert "插入时为99名" in text


def test_summary_is_one_page_with_the_figures(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "summary.pdf"
    demo_copy.annual.render_summary(2026, out)
    assert len(PdfReader(out).pages) == 1
    text = _squash(_text(out))
    figures = demo_copy.annual.figures(2026)
    assert "2026年度党建工作统计表" in text and "第1页共1页" in text
    assert _squash(figures.get("dues.collected").display) in text
    assert _squash(figures.get("meetings.attendance_avg").display) in text


def test_evaluation_record_prints_tally_and_grades(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    annual = demo_copy.annual
    members = annual.gradable_members(2025)
    annual.set_member_grade(2025, members[0][0], "优秀", note="带头作用突出")
    annual.set_member_grade(2025, members[1][0], "基本合格")
    out = tmp_path / "evaluation.pdf"
    rendered = annual.render_evaluation(2025, out)
    text = _squash(_text(out))
    evaluation = annual.evaluation(2025)
    for line in evaluation.lines:
        assert _squash(f"{line.grade}{line.count}{line.percent}%") in text
    assert f"应参加测评{evaluation.eligible}人" in text
    assert members[0][1] in text and "带头作用突出" in text
    assert "优秀1名" in text and "基本合格1名" in text
    assert ("annual_evaluation", evaluation.id) in rendered.records


def test_a_year_without_records_is_said_not_printed_as_zeros(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LedgerError, match="没有任何台账记录"):
        services.annual.render_summary(2026, tmp_path / "s.pdf")
    # with a draft but no records, the report prints and says there is no data
    services.annual.save_draft(2026, {"duties": "本支部今年新成立。"})
    out = tmp_path / "r.pdf"
    services.annual.render_ledger(2026, out)
    text = _squash(_text(out))
    assert "2026年没有任何台账记录" in text and "暂无数据" in text
    assert not re.search(r"年末党员数（[\d-]+）0名", text)
    assert not (tmp_path / "s.pdf").exists()


def test_deadline_and_lists_read_back(services, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from desktop.domain.roster import MemberFields

    services.roster.add_member(MemberFields(name="张建国", joined_on=dt.date(2010, 1, 1)), effective_on=dt.date(2020, 1, 1))
    item = services.annual.add_item(2026, ItemFields("组织生活不规范", dt.date(2026, 3, 1), responsible="张建国",
                                                     measure="按月召开", deadline=dt.date(2026, 12, 31)))
    services.annual.update_item(item.id, replace(item.fields, status="已完成", completed_on=dt.date(2026, 10, 1),
                                                 result="已整改"))
    out = tmp_path / "r.pdf"
    services.annual.render_ledger(2026, out)
    text = _squash(_text(out))
    assert "组织生活不规范" in text and "张建国" in text and "2026-12-31" in text and "已完成" in text
