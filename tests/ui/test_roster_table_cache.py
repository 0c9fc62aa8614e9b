"""The roster table keeps each row's cell texts once formatted (and its own row-number header):
what a user would see if that cache went stale or got out of step with the rows."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView

from desktop.ui.roster_models import COLUMNS, MemberFilter, MemberFilterProxy, MemberTableModel, member_flags
from desktop.ui.roster_page import RosterPage, RowNumberHeader

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

NAME, ID, PHONE, STATUS, WORK = 0, 4, 10, 13, 15


@pytest.fixture
def page(qtbot, demo_copy) -> RosterPage:  # type: ignore[no-untyped-def]
    widget = RosterPage(demo_copy)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    widget.refresh()
    qtbot.waitExposed(widget)
    return widget


def table_texts(page: RosterPage) -> list[tuple[str, ...]]:
    """Every shown row as the table displays it (DisplayRole, through the table's own model)."""
    model = page.table.model()
    return [tuple(model.index(r, c).data() for c in range(model.columnCount())) for r in range(model.rowCount())]


def expected_texts(member) -> tuple[str, ...]:  # type: ignore[no-untyped-def]
    return tuple(column.text(member) for column in COLUMNS)


def test_an_edit_saved_through_the_service_shows_after_refresh(page: RosterPage) -> None:
    page.table.viewport().repaint()  # the rows on screen formatted (and kept) before the edit
    member = page.proxy.member_at(2)
    before = table_texts(page)[2]
    assert before[PHONE] == member.phone
    fields = dataclasses.replace(member.to_fields(), phone="13700001111", work_unit_post="市档案馆 馆员")
    page.services.roster.update_member(member.id, fields, effective_on=dt.date(2026, 11, 20))

    page.refresh()
    row = page.proxy.row_of(member.id)
    shown = table_texts(page)[row]
    assert (shown[PHONE], shown[WORK]) == ("13700001111", "市档案馆 馆员")
    assert shown[PHONE] == page.table.model().index(row, PHONE).data(Qt.ItemDataRole.ToolTipRole)
    assert shown[NAME] == member.name


def test_a_member_who_leaves_turns_grey_after_refresh(page: RosterPage) -> None:
    page.table.viewport().repaint()
    member = page.proxy.member_at(0)
    model = page.table.model()
    assert model.index(0, NAME).data(Qt.ItemDataRole.ForegroundRole) is None
    page.services.roster.transfer_out(member.id, on=dt.date(2026, 11, 1), organization="中共某某区委组织部",
                                      letter_number=None, dues_paid_to=None)
    page.refresh()
    row = page.proxy.row_of(member.id)
    assert model.index(row, STATUS).data() == "已转出"
    assert model.index(row, NAME).data(Qt.ItemDataRole.ForegroundRole).name() == "#888888"
    others = [r for r in range(model.rowCount()) if r != row]
    assert all(model.index(r, NAME).data(Qt.ItemDataRole.ForegroundRole) is None for r in others)


def test_filter_then_clear_brings_back_the_same_rows_in_the_same_order(page: RosterPage) -> None:
    everyone = table_texts(page)
    assert len(everyone) == 25
    page.category_filter.setCurrentIndex(page.category_filter.findData("离退休"))
    retired = table_texts(page)
    assert 0 < len(retired) < len(everyone)
    assert all(row[6] == "离退休" for row in retired)
    assert retired == [row for row in everyone if row[6] == "离退休"]  # in the roster's order
    page.clear_filters()
    assert table_texts(page) == everyone
    assert page.count_label.text().startswith("显示 25 / 25 人")


def test_sorted_and_filtered_rows_show_their_own_texts(page: RosterPage) -> None:
    """Sorting moves the kept texts with their rows: each shown row is its member's."""
    page.table.viewport().repaint()  # some rows' texts kept before the sort
    page.table.horizontalHeader().sectionClicked.emit(3)  # 出生日期
    page.table.horizontalHeader().sectionClicked.emit(3)  # descending
    page.search_edit.setText("1")
    shown = table_texts(page)
    members = [page.proxy.member_at(r) for r in range(page.proxy.rowCount())]
    assert shown == [expected_texts(m) for m in members]
    births = [m.birth_date for m in members]
    assert births == sorted(births, reverse=True)
    assert all(m.id_number not in row and m.id_masked == row[ID] for m, row in zip(members, shown, strict=True))
    assert [row[14] for row in shown] == [member_flags(m) for m in members]


def test_selection_follows_the_member_through_filter_and_sort(page: RosterPage) -> None:
    page.table.selectRow(4)
    chosen = page.selected_member()
    assert chosen is not None
    page.category_filter.setCurrentIndex(page.category_filter.findData(chosen.category))
    assert page.selected_member() == chosen
    page.table.horizontalHeader().sectionClicked.emit(0)  # 姓名
    assert page.selected_member() == chosen
    assert page.table.model().index(page.table.currentIndex().row(), NAME).data() == chosen.name
    page.clear_filters()
    assert page.selected_member() == chosen


def test_row_numbers_are_as_wide_as_qt_would_make_them(qtbot, demo_copy) -> None:  # type: ignore[no-untyped-def]
    """The row-number header measures a few sections instead of 200; the width must not change."""
    members = demo_copy.roster.list_members()
    many = [dataclasses.replace(members[i % len(members)], id=i + 1) for i in range(12_345)]
    model = MemberTableModel()
    model.set_rows(many)
    proxy = MemberFilterProxy()
    proxy.setSourceModel(model)
    ours, plain = QTableView(), QTableView()
    ours.setVerticalHeader(RowNumberHeader(ours))  # as the roster page does
    for view in (ours, plain):
        qtbot.addWidget(view)
        view.setModel(proxy)
        view.resize(600, 400)
        view.show()
    assert isinstance(plain.verticalHeader(), QHeaderView) and not isinstance(plain.verticalHeader(), RowNumberHeader)
    for member_filter in (MemberFilter(), MemberFilter(text="1"), MemberFilter(category="离退休"),
                          MemberFilter(text="\x01"), MemberFilter(text="2")):
        proxy.set_member_filter(member_filter)
        QApplication.processEvents()
        assert ours.verticalHeader().count() == proxy.rowCount()
        if proxy.rowCount():
            assert ours.verticalHeader().sizeHint() == plain.verticalHeader().sizeHint(), member_filter
        assert ours.verticalHeader().width() == plain.verticalHeader().width(), member_filter
        assert ours.viewport().geometry() == plain.viewport().geometry(), member_filter
    proxy.set_member_filter(MemberFilter())
    QApplication.processEvents()
    assert ours.verticalHeader().width() > plain.fontMetrics().horizontalAdvance("1234")


def test_column_widths_the_user_set_survive_filtering_and_sorting(page: RosterPage) -> None:
    header = page.table.horizontalHeader()
    header.resizeSection(1, 70)  # as a drag on the header's divider does
    header.resizeSection(8, 150)
    widths = [header.sectionSize(c) for c in range(header.count())]
    page.category_filter.setCurrentIndex(page.category_filter.findData("离退休"))
    header.sectionClicked.emit(3)
    page.search_edit.setText("\x01")  # no rows at all
    assert page.proxy.rowCount() == 0
    page.clear_filters()
    QApplication.processEvents()
    assert [header.sectionSize(c) for c in range(header.count())] == widths
    assert (widths[1], widths[8]) == (70, 150)
