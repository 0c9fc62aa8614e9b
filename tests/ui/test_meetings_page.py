"""The 组织生活 page and dialogs driven with qtbot: record a meeting and see it in the calendar."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def page(qtbot, demo_copy):  # type: ignore[no-untyped-def]
    from desktop.ui.meetings_page import MeetingsPage

    widget = MeetingsPage(demo_copy)
    qtbot.addWidget(widget)
    widget.refresh()
    return widget


@pytest.fixture
def warnings(monkeypatch):  # type: ignore[no-untyped-def]
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    return shown


def obligation(page, kind: str):  # type: ignore[no-untyped-def]
    return next(page.obligations.row_at(r) for r in range(page.obligations.rowCount())
                if page.obligations.row_at(r).kind == kind)


def test_models_pass_the_model_tester(qtmodeltester, page) -> None:  # type: ignore[no-untyped-def]
    assert page.meetings.rowCount() > 40
    qtmodeltester.check(page.meetings)
    qtmodeltester.check(page.obligations)
    late_row = next(r for r in range(page.meetings.rowCount()) if page.meetings.row_at(r).late_entry)
    assert page.meetings.index(late_row, 7).data() == "已记录（补记）"


def test_calendar_shows_the_month_and_switches_to_the_year(page) -> None:  # type: ignore[no-untyped-def]
    assert obligation(page, "主题党日").status == "done"
    assert obligation(page, "支部党员大会").status == "due"
    assert "已完成" in page.summary.text()
    page.scope.setCurrentIndex(2)  # 按年
    months = [page.obligations.row_at(r) for r in range(page.obligations.rowCount())
              if page.obligations.row_at(r).kind == "主题党日"]
    assert len(months) == 12 and months[7].status == "overdue"
    assert not page.index.isVisibleTo(page)


def fill_record(dialog, day: dt.date) -> None:  # type: ignore[no-untyped-def]
    dialog.kinds_box.boxes["支部党员大会"].setChecked(True)
    dialog.date_edit.set_date(day)
    dialog.starts_edit.setText("14:30")
    dialog.ends_edit.setText("16:00")
    dialog.place_edit.setText("党员活动室")
    dialog.topic_edit.setText("第四季度党员大会")
    dialog.agenda_edit.setPlainText("学习全会精神\n讨论年度工作")
    dialog.speeches_edit.setPlainText("沈堃：汇报全年工作\n彭博：提出改进意见")


def test_record_a_meeting_through_the_dialog_and_see_it_in_the_calendar(qtbot, page, warnings) -> None:  # type: ignore[no-untyped-def]
    dialog = page.make_dialog(None)
    qtbot.addWidget(dialog)
    fill_record(dialog, dt.date(2026, 11, 20))
    assert dialog.attendance_table.rowCount() == 25  # the whole branch that day
    dialog.chair_edit.setText("沈")
    dialog.recorder_edit.setText("彭博")
    dialog.accept()
    assert dialog.result() == 0 and "主持人“沈”不是全名" in warnings[-1]
    dialog.chair_edit.setText("沈堃")
    first = dialog.attendance_table.item(0, 0).data(Qt.ItemDataRole.UserRole)
    dialog.set_attendance(first, "缺席")
    dialog.accept()
    assert "缺席，请写明缺席原因" in warnings[-1]
    dialog.set_attendance(first, "请假", "因公", "外出培训")
    expected, present = dialog.voting_counts
    row = dialog.add_resolution("通过年度工作计划", True)
    dialog.resolutions_table.cellWidget(row, 4).setValue(present - 1)  # yes: one short of adding up
    dialog.accept()
    assert "不等于实到" in warnings[-1]
    dialog.resolutions_table.cellWidget(row, 5).setValue(1)  # one against
    dialog.accept()
    assert dialog.result() == 1, warnings
    before = page.meetings.rowCount()
    detail = page.save_dialog(dialog, None)
    assert detail is not None and detail.meeting.leave_count == 1
    assert detail.resolutions[0].passed and detail.resolutions[0].no == 1
    assert page.meetings.rowCount() == before + 1
    assert obligation(page, "支部党员大会").status == "done"
    assert page.selected().id == detail.meeting.id


def test_a_planned_meeting_is_recorded_in_place(qtbot, page, warnings) -> None:  # type: ignore[no-untyped-def]
    plan = page.services.meetings.plan_meeting(("党课",), dt.date(2026, 11, 19), "第四季度党课")
    page.refresh()
    page.select_meeting(plan.id)
    dialog = page.make_dialog(page.selected())
    qtbot.addWidget(dialog)
    assert dialog.topic_edit.text() == "第四季度党课" and dialog.kinds_box.kinds == ("党课",)
    dialog.place_edit.setText("公司三楼党员活动室")
    dialog.chair_edit.setText("叶涵")
    dialog.recorder_edit.setText("彭博")
    dialog.agenda_edit.setPlainText("专题党课")
    dialog.accept()
    assert dialog.result() == 1, warnings
    detail = page.save_dialog(dialog, plan.id)
    assert detail.meeting.id == plan.id and detail.meeting.held
    assert obligation(page, "党课").status == "done"


def test_late_record_asks_for_the_reason(qtbot, page, warnings) -> None:  # type: ignore[no-untyped-def]
    dialog = page.make_dialog(None)
    qtbot.addWidget(dialog)
    fill_record(dialog, dt.date(2026, 11, 2))
    dialog.chair_edit.setText("沈堃")
    dialog.recorder_edit.setText("彭博")
    assert "补记" in dialog.late_label.text() and dialog.late_reason_edit.isEnabled()
    dialog.accept()
    assert "补记原因" in warnings[-1]
    dialog.late_reason_edit.setText("记录人出差")
    dialog.accept()
    detail = page.save_dialog(dialog, None)
    assert detail.meeting.late_entry and detail.meeting.late_reason == "记录人出差"


def test_dialog_shows_attachments_as_thumbnails(qtbot, page, tmp_path: Path, warnings) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor, QImage

    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("red"))
    photo = tmp_path / "photo.png"
    assert image.save(str(photo))
    fake = tmp_path / "fake.jpg"
    fake.write_text("text")
    dialog = page.make_dialog(None)
    qtbot.addWidget(dialog)
    dialog.add_attachment_path(fake)
    assert "不是 JPEG、PNG 图片或 PDF" in warnings[-1] and dialog.attachment_list.count() == 0
    dialog.add_attachment_path(photo)
    assert dialog.attachment_list.count() == 1 and not dialog.attachment_list.item(0).icon().isNull()
    assert dialog.attach_paths == [photo]


def test_print_signin_sheet_opens_a_preview(qtbot, page, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    planned = next(m for m in page.services.meetings.list_meetings(2026) if not m.held)
    page.select_meeting(planned.id)
    rendered = page.print_signin()
    assert rendered.path.exists() and rendered.path.parent == page.services.ctx.folder.exports
    dialog = page.last_dialog
    qtbot.addWidget(dialog)
    from desktop.ui.print_preview import PdfReadyDialog, qtpdf_available

    if not qtpdf_available():
        assert isinstance(dialog, PdfReadyDialog)
        dialog.open_in_viewer()
        assert opened == [str(rendered.path)]
    dialog.close()


def test_settings_tab_saves_frequencies_and_limits(qtbot, demo_copy) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.meetings_settings import MeetingSettingsTab

    tab = MeetingSettingsTab(demo_copy)
    qtbot.addWidget(tab)
    assert tab.late_days.value() == 3 and tab.theme_day.value() == 15
    tab.late_days.setValue(5)
    combo = tab.frequency["党课"]
    combo.setCurrentIndex(combo.findData("month"))
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    settings = demo_copy.meetings.settings()
    assert settings.late_entry_working_days == 5 and settings.frequencies["党课"] == "month"
    assert len([o for o in demo_copy.meetings.calendar("year", 2026) if o.kind == "党课"]) == 12


def test_editing_a_locked_record_asks_for_the_amendment_reason(qtbot, page, tmp_path: Path, monkeypatch, warnings) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QInputDialog

    services = page.services
    rendered = services.meetings.render_ledger(2026, tmp_path / "ledger.pdf")
    services.ledgers.record_output("meetings", rendered.title, rendered.path, records=rendered.records, year=2026)
    held = next(m for m in services.meetings.list_meetings(2026) if m.held and m.held_on.month == 4)
    page.refresh()
    page.select_meeting(held.id)
    dialog = page.make_dialog(page.selected())
    qtbot.addWidget(dialog)
    dialog.topic_edit.setText("更正后的主题")
    asked: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (asked.append(a[2]) or ("原记录主题有误", True)))
    detail = page.save_dialog(dialog, held.id)
    assert asked and detail is not None and detail.meeting.topic == "更正后的主题"
    assert services.ledgers.amendments_for("meeting", held.id)[0].reason == "原记录主题有误"


def test_member_rates_dialog_lists_each_member_lowest_first(qtbot, qtmodeltester, page) -> None:  # type: ignore[no-untyped-def]
    dialog = page.show_member_rates()
    qtbot.addWidget(dialog)
    model = dialog.model
    qtmodeltester.check(model)
    assert model.rowCount() == 25
    rates = [model.row_at(r).rate for r in range(model.rowCount())]
    assert rates == sorted(rates)
    lowest = model.row_at(0)
    assert lowest.name == page.services.meetings.lapse_warnings()[0].name  # the member drifting away
    dialog.close()


def test_delete_asks_first(page, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    planned = next(m for m in page.services.meetings.list_meetings(2026) if not m.held)
    page.select_meeting(planned.id)
    monkeypatch.setattr(page, "confirm", lambda title, text: False)
    page.delete_selected()
    assert any(m.id == planned.id for m in page.services.meetings.list_meetings(2026))
    monkeypatch.setattr(page, "confirm", lambda title, text: "组织生活会" in text)
    page.delete_selected()
    assert all(m.id != planned.id for m in page.services.meetings.list_meetings(2026))
    assert all(page.meetings.row_at(r).id != planned.id for r in range(page.meetings.rowCount()))


def test_dialog_is_usable_by_keyboard(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    dialog = page.make_dialog(None)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.ok_button.isDefault()
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_2, Qt.KeyboardModifier.AltModifier)
    assert dialog.tabs.currentIndex() == 1
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    assert dialog.focusWidget() is dialog.chair_edit
    dialog.close()
