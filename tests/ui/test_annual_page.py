"""The 述职 page driven with qtbot: autosave, figure blocks, carry-over, evaluation, charts, printing."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QVBoxLayout, QWidget

from desktop.ui import annual_editor

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen platform says it on show()


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a, **k: shown.append(text))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    return shown


def _host(qtbot, widget: QWidget) -> QWidget:  # type: ignore[no-untyped-def]
    host = QWidget()
    QVBoxLayout(host).addWidget(widget)
    qtbot.addWidget(host)
    widget.test_host = host  # type: ignore[attr-defined] - keeps the host (and so the widget) alive
    host.show()
    qtbot.waitExposed(host)
    return host


def test_editor_autosaves_after_typing_stops(qtbot, demo_copy, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(annual_editor, "AUTOSAVE_MS", 200)
    editor = annual_editor.ReportEditor(demo_copy)
    _host(qtbot, editor)
    editor.load(2026)
    edit = editor.edits["problems"]
    editor.tabs.setCurrentWidget(edit)
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    edit.insertPlainText("三是党员发展工作抓得不紧。")
    assert editor.dirty
    qtbot.waitUntil(lambda: "三是党员发展工作抓得不紧" in demo_copy.annual.report(2026).text("problems"), timeout=5000)
    assert not editor.dirty
    assert "已自动保存" in editor.status.text()
    # the other sections were saved unchanged
    assert "支部坚持以党建引领业务发展" in demo_copy.annual.report(2026).text("duties")


def test_editor_saves_the_draft_when_the_window_closes(qtbot, demo_copy) -> None:  # type: ignore[no-untyped-def]
    editor = annual_editor.ReportEditor(demo_copy)
    host = _host(qtbot, editor)
    editor.load(2026)
    editor.edits["plans"].setPlainText("明年重点：规范组织生活。")
    assert editor.dirty
    host.close()
    assert demo_copy.annual.report(2026).text("plans").strip() == "明年重点：规范组织生活。"


def test_figure_block_is_inserted_tied_to_the_records_and_shown_changed(qtbot, demo_copy) -> None:  # type: ignore[no-untyped-def]
    editor = annual_editor.ReportEditor(demo_copy)
    _host(qtbot, editor)
    editor.load(2026)
    edit = editor.edits["followup"]
    editor.tabs.setCurrentWidget(edit)
    edit.setPlainText("年末在册党员")
    edit.moveCursor(edit.textCursor().MoveOperation.End)
    row = next(i for i in range(editor.figure_list.count())
               if editor.figure_list.item(i).data(Qt.ItemDataRole.UserRole) == "roster.members_end")
    editor.figure_list.setCurrentRow(row)
    qtbot.mouseClick(editor.insert_button, Qt.MouseButton.LeftButton)
    before = demo_copy.annual.figures(2026).get("roster.members_end").display
    assert edit.toPlainText() == f"年末在册党员{before}"
    assert editor.save_now()
    stored = demo_copy.annual.report(2026).text("followup")
    assert "figure:roster.members_end?v=" in stored
    # a correction in the roster: a member transferred out
    member = next(m for m in demo_copy.roster.list_members() if m.is_party_member and m.party_post is None)
    demo_copy.roster.transfer_out(member.id, on=dt.date(2026, 11, 1), organization="兄弟支部", letter_number="1",
                                  dues_paid_to="2026-10")
    editor.load(2026)
    after = demo_copy.annual.figures(2026).get("roster.members_end").display
    assert after != before
    assert edit.toPlainText() == f"年末在册党员{after}"  # shown with the current value
    assert f"{before}→{after}" in editor.changed_label.text() and editor.accept_button.isEnabled()
    qtbot.mouseClick(editor.accept_button, Qt.MouseButton.LeftButton)
    assert editor.changed_label.text() == ""
    assert f"v={after[:-1]}" in demo_copy.annual.report(2026).text("followup")


def test_carry_over_brings_last_years_open_items_to_the_top(qtbot, demo_copy, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    from desktop.domain.annual import ItemFields
    from desktop.ui.annual_lists import ListsWidget

    demo_copy.annual.add_item(2026, ItemFields("本年新查摆问题", dt.date(2026, 11, 1), deadline=dt.date(2027, 3, 31)))
    lists = ListsWidget(demo_copy)
    _host(qtbot, lists)
    lists.set_year(2026)
    assert lists.carry_button.isVisible() and "2025年有1项" in lists.banner.text()
    assert lists.model.rowCount() == 1
    qtbot.mouseClick(lists.carry_button, Qt.MouseButton.LeftButton)
    assert not lists.carry_button.isVisible()
    texts = [lists.model.index(r, 0).data() for r in range(lists.model.rowCount())]
    assert texts == ["流动党员和外卖骑手党员参加组织生活不够经常", "本年新查摆问题"]
    assert lists.model.index(0, 1).data() == "2025年转入"
    assert [i.fields.problem for i in demo_copy.annual.list_items(2026)] == texts
    qtmodeltester.check(lists.model)


def test_item_dialog_refuses_a_deadline_before_the_problem(qtbot, warnings) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.annual_lists import ItemDialog

    dialog = ItemDialog(today=dt.date(2026, 11, 21))
    qtbot.addWidget(dialog)
    dialog.problem_edit.setPlainText("学习不深入")
    dialog.raised_edit.set_date(dt.date(2026, 5, 1))
    dialog.deadline_edit.set_date(dt.date(2026, 4, 1))
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert warnings == ["整改时限2026-04-01早于问题提出日期2026-05-01"]
    dialog.deadline_edit.set_date(dt.date(2026, 6, 1))
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.fields.deadline == dt.date(2026, 6, 1)


def test_figures_tab_opens_the_records_behind_a_figure(qtbot, demo_copy, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.annual_page import AnnualPage

    page = AnnualPage(demo_copy)
    _host(qtbot, page)
    page.refresh()
    figures = page.figures
    model = page.figures_tab.model
    qtmodeltester.check(model)
    assert model.rowCount() == len(figures.figures)
    row = next(r for r in range(model.rowCount()) if model.row(r).key == "meetings.late")
    assert model.index(row, 2).data() == figures.get("meetings.late").display
    dialog = page.figures_tab.open_rows(row)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == figures.get("meetings.late").value
    qtmodeltester.check(dialog.model)
    # the charts draw the same monthly figures as the tables
    values = [c.chart_values for c in page.figures_tab.charts.charts]
    assert figures.attendance_by_month in values and figures.collection_by_month in values
    monthly = page.figures_tab.monthly_model
    qtmodeltester.check(monthly)
    march = monthly.row(2)
    assert march == (3, f"{figures.attendance_by_month[3]}%", f"{figures.collection_by_month[3]:,.2f}元")


def test_evaluation_refuses_too_many_votes_and_saves_a_good_tally(qtbot, demo_copy, warnings) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.annual_page import EvaluationTab

    tab = EvaluationTab(demo_copy)
    _host(qtbot, tab)
    tab.set_year(2026)
    tab.held_edit.set_date(dt.date(2026, 11, 20))
    eligible = demo_copy.annual.eligible_voters(2026, dt.date(2026, 11, 20))
    assert tab.eligible_label.text().startswith(f"{eligible}人")
    tab.participants_spin.setValue(eligible + 1)
    tab.count_spins[0].setValue(eligible + 1)
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert warnings and f"超过应参加测评的{eligible}人" in warnings[0]
    assert demo_copy.annual.evaluation(2026) is None
    tab.participants_spin.setValue(eligible)
    tab.count_spins[0].setValue(eligible - 2)
    tab.count_spins[1].setValue(2)
    tab.upper_combo.setCurrentText("好")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    saved = demo_copy.annual.evaluation(2026)
    assert saved is not None and [l.count for l in saved.lines] == [eligible - 2, 2, 0, 0]
    assert f"较好2票（{saved.lines[1].percent}%）" in tab.tally_label.text()
    # a member's 民主评议 grade
    tab.member_combo.setCurrentIndex(0)
    tab.grade_combo.setCurrentText("优秀")
    qtbot.mouseClick(tab.grade_button, Qt.MouseButton.LeftButton)
    assert [(g.member_name, g.grade) for g in demo_copy.annual.member_grades(2026)] == [(tab.member_combo.currentText(), "优秀")]


def test_settings_tab_switches_the_rating_scale(qtbot, demo_copy) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.annual_settings import AnnualSettingsTab

    tab = AnnualSettingsTab(demo_copy)
    qtbot.addWidget(tab)
    assert tab.scale_combo.currentText() == "好/较好/一般/差"
    tab.scale_combo.setCurrentText("优秀/称职/基本称职/不称职")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert demo_copy.annual.rating_scale() == "优秀/称职/基本称职/不称职"
    assert "已保存" in tab.status.text()


def test_home_charts_show_the_year_or_nothing(qtbot, demo_copy, services) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.charts import make_home_charts

    widget = make_home_charts(demo_copy)
    assert widget is not None
    qtbot.addWidget(widget)
    figures = demo_copy.annual.figures(2026)
    assert [c.chart_values for c in widget.charts] == [figures.attendance_by_month, figures.collection_by_month]
    assert make_home_charts(services) is None  # an empty folder: no chart, no error


def test_page_prints_the_three_documents(qtbot, demo_copy, tmp_path: Path, warnings) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.annual_page import AnnualPage

    page = AnnualPage(demo_copy)
    _host(qtbot, page)
    page.refresh()
    page.editor.edits["plans"].setPlainText("打印前的修改")
    for kind in ("report", "summary"):
        assert page.print_pdf(kind, tmp_path / f"{kind}.pdf") == tmp_path / f"{kind}.pdf"
        assert (tmp_path / f"{kind}.pdf").stat().st_size > 1000
    assert demo_copy.annual.report(2026).text("plans").strip() == "打印前的修改"  # saved before printing
    assert page.print_pdf("evaluation", tmp_path / "e.pdf") is None  # nothing entered for 2026 yet
    assert warnings and "尚未录入测评结果" in warnings[-1]
    page.year_spin.setValue(2025)
    assert page.print_pdf("evaluation", tmp_path / "e.pdf") == tmp_path / "e.pdf"
