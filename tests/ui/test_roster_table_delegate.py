"""The roster table paints its cells through MemberItemDelegate (the style option filled from the
kept texts, not from seven data() calls per cell): it must paint exactly what Qt's own delegate
paints from the model's data()."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem, QTableView

from desktop.ui.roster_models import MemberFilter, MemberFilterProxy, MemberItemDelegate, MemberTableModel
from desktop.ui.roster_page import RosterPage

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def option_of(delegate: QStyledItemDelegate, view: QTableView, row: int, column: int) -> tuple:  # type: ignore[type-arg]
    option = QStyleOptionViewItem()
    option.initFrom(view)
    index = view.model().index(row, column)
    delegate.initStyleOption(option, index)
    return (option.text, option.features, option.palette.color(QPalette.ColorRole.Text).name(),
            option.backgroundBrush.style(), option.font.key(), option.displayAlignment, option.index == index,
            option.checkState, option.icon.isNull())


def test_the_style_option_is_what_qt_makes_from_data(qtbot, demo_copy) -> None:  # type: ignore[no-untyped-def]
    members = demo_copy.roster.list_members()
    rows = [
        members[0],
        dataclasses.replace(members[1], status="已转出"),  # left the roll: grey
        dataclasses.replace(members[2], work_unit_post="市档案馆\n馆员", party_post=None, phone=None),
        *members[3:],
    ]
    model = MemberTableModel()
    model.set_rows(rows)
    proxy = MemberFilterProxy()
    proxy.setSourceModel(model)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(proxy)
    ours, qts = MemberItemDelegate(proxy, view), QStyledItemDelegate(view)
    for member_filter in (MemberFilter(), MemberFilter(text="1")):
        proxy.set_member_filter(member_filter)
        model.sort(3, Qt.SortOrder.DescendingOrder)
        for row in range(proxy.rowCount()):
            for column in range(proxy.columnCount()):
                assert option_of(ours, view, row, column) == option_of(qts, view, row, column), (row, column)
    proxy.set_member_filter(MemberFilter())
    grey_row = proxy.row_of(members[1].id)
    assert option_of(ours, view, grey_row, 0)[2] == "#888888"
    assert option_of(ours, view, proxy.row_of(members[2].id), 15)[0] == "市档案馆\u2028馆员"


def test_the_table_looks_the_same_as_with_qts_own_delegate(qtbot, demo_copy) -> None:  # type: ignore[no-untyped-def]
    first = demo_copy.roster.list_members()[0]
    demo_copy.roster.transfer_out(first.id, on=dt.date(2026, 11, 1), organization="中共某某区委组织部",
                                  letter_number=None, dues_paid_to=None)  # one grey row
    pages = []
    for _ in range(2):
        page = RosterPage(demo_copy)
        qtbot.addWidget(page)
        page.resize(1200, 700)
        page.show()
        page.refresh()
        qtbot.waitExposed(page)
        pages.append(page)
    ours, plain = pages
    assert isinstance(ours.table.itemDelegate(), MemberItemDelegate)
    plain.table.setItemDelegate(QStyledItemDelegate(plain.table))

    def step(page: RosterPage, name: str) -> None:
        if name == "selected":
            page.table.selectRow(1)
        elif name == "filtered":
            page.category_filter.setCurrentIndex(page.category_filter.findData("在职"))
        elif name == "sorted":
            page.table.horizontalHeader().sectionClicked.emit(1)

    for name in ("all", "selected", "filtered", "sorted"):
        images = []
        for page in pages:
            step(page, name)
            QApplication.processEvents()
            images.append(page.table.viewport().grab().toImage())
        assert images[0] == images[1], name
    assert ours.table.model().index(ours.proxy.row_of(first.id), 0).data(Qt.ItemDataRole.ForegroundRole) is not None
