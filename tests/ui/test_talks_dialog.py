"""谈心谈话 in the meeting dialog: the roster is listed as 未谈话, only the people talked with are saved."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QMessageBox

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def test_a_talk_saves_only_the_people_talked_with(qtbot, demo_copy, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.meetings_page import MeetingsPage

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text, *a: shown.append(text))
    page = MeetingsPage(demo_copy)
    qtbot.addWidget(page)
    page.refresh()
    page.scope.setCurrentIndex(2)  # 按年
    talk = next(page.obligations.row_at(r) for r in range(page.obligations.rowCount())
                if page.obligations.row_at(r).kind == "谈心谈话")
    column = page.obligations.COLUMNS.index(next(c for c in page.obligations.COLUMNS if c[0] == "说明"))
    row = next(r for r in range(page.obligations.rowCount()) if page.obligations.row_at(r) is talk)
    assert page.obligations.index(row, column).data().startswith("谈心谈话：已谈 67/69 对；未谈：")
    chair, other = talk.missing_pairs[0].split("—")
    names = {m.name: m.id for m in demo_copy.roster.list_members()}
    dialog = page.make_dialog(None)
    qtbot.addWidget(dialog)
    dialog.kinds_box.boxes["谈心谈话"].setChecked(True)
    dialog.date_edit.set_date(dt.date(2026, 11, 20))
    dialog.place_edit.setText("党员活动室")
    dialog.topic_edit.setText("谈心谈话")
    dialog.agenda_edit.setPlainText("了解思想工作情况")
    dialog.chair_edit.setText(chair)
    dialog.recorder_edit.setText(chair)
    assert dialog.attendance_table.rowCount() == 25 and dialog.value.attendance == ()
    dialog._all_present()  # noqa: SLF001 - the button leaves a talk's rows alone
    assert dialog.value.attendance == ()
    dialog.accept()
    assert dialog.result() == 0 and "谈话对象" in shown[-1]
    dialog.set_attendance(names[other], "出席")
    assert [e.member_id for e in dialog.value.attendance] == [names[other]]
    dialog.accept()
    assert dialog.result() == 1, shown
    detail = page.save_dialog(dialog, None)
    assert detail is not None and detail.meeting.expected_count == 1
    assert talk.missing_pairs[0] not in demo_copy.meetings.talk_coverage(2026).missing_names()
