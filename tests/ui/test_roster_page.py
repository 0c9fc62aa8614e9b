"""The roster page driven like a user: add through the dialog, find by filter, edit, history, transfer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QMessageBox

from desktop.domain.idnumber import check_digit
from desktop.ui.member_dialog import MemberDialog, MemberHistoryDialog
from desktop.ui.roster_models import MemberFilter, MemberFilterProxy, MemberTableModel
from desktop.ui.roster_page import RosterPage
from desktop.ui.transfer_dialog import TransferOutDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []

    def fake(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        shown.append(text)
        return QMessageBox.StandardButton.Yes

    for name in ("warning", "information", "critical", "question"):
        monkeypatch.setattr(QMessageBox, name, fake)
    return shown


def answer_dialog(monkeypatch: pytest.MonkeyPatch, cls: type, fill: Callable[[QDialog], None]) -> list[QDialog]:
    """Replace `cls.exec` by: fill the widgets, press OK (accept() validates), report the result.
    A dialog that refuses its input is cancelled so the page's retry loop ends."""
    opened: list[QDialog] = []

    def fake_exec(self):  # type: ignore[no-untyped-def]
        if self in opened:
            return QDialog.DialogCode.Rejected
        opened.append(self)
        fill(self)
        self.accept()
        return self.result()

    monkeypatch.setattr(cls, "exec", fake_exec)
    return opened


def make_id(birth: dt.date, sex_digit: int) -> str:
    first17 = f"330106{birth:%Y%m%d}45{sex_digit}"
    return first17 + check_digit(first17)


def shown_names(page: RosterPage) -> list[str]:
    return [page.proxy.member_at(r).name for r in range(page.proxy.rowCount())]


@pytest.fixture
def page(qtbot, demo_copy) -> RosterPage:  # type: ignore[no-untyped-def]
    widget = RosterPage(demo_copy)
    qtbot.addWidget(widget)
    widget.show()
    widget.refresh()
    return widget


def test_models_pass_the_model_tester(qtmodeltester, demo_copy) -> None:  # type: ignore[no-untyped-def]
    model = MemberTableModel()
    model.set_rows(demo_copy.roster.list_members())
    qtmodeltester.check(model)
    proxy = MemberFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_member_filter(MemberFilter(category="在职"))
    qtmodeltester.check(proxy)
    model.sort(0, Qt.SortOrder.DescendingOrder)
    proxy.set_member_filter(MemberFilter(text="1"))
    qtmodeltester.check(proxy)


def test_filter_agrees_with_the_row_rule(demo_copy) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.roster_models import MemberColumns

    rows = demo_copy.roster.list_members()
    table = MemberColumns.of(rows)
    for member_filter in (MemberFilter(), MemberFilter(category="离退休"), MemberFilter(flag="新就业群体"),
                          MemberFilter(text="3", status="在册"), MemberFilter(group="技术党小组", stage="正式党员")):
        assert member_filter.select(table) == [i for i, m in enumerate(rows) if member_filter.matches(m)]


def test_ids_are_masked_in_the_table(page: RosterPage) -> None:
    member = page.proxy.member_at(0)
    shown = {page.proxy.index(0, c).data() for c in range(page.proxy.columnCount())}
    assert member.id_number not in shown
    assert member.id_masked in shown


def test_add_member_through_the_dialog_and_find_by_filter(page, monkeypatch, messages, qtbot, type_text) -> None:  # type: ignore[no-untyped-def]
    technical = next(g for g in page.services.roster.list_groups() if g.name == "技术党小组")
    birth = dt.date(1992, 5, 17)

    def fill(dialog: MemberDialog) -> None:
        dialog.name_edit.setText("欧阳玥珺")
        dialog.id_edit.setText(make_id(birth, 2))
        dialog.id_edit.editingFinished.emit()  # fills birth date and sex
        dialog.phone_edit.setText("13912345678")
        dialog.category_combo.setCurrentText("在职")
        dialog.stage_combo.setCurrentText("预备党员")
        dialog.joined_edit.set_date(dt.date(2026, 6, 1))
        dialog.group_combo.setCurrentIndex(dialog.group_combo.findData(technical.id))
        dialog.new_employment_combo.setCurrentText("网约车司机")

    answer_dialog(monkeypatch, MemberDialog, fill)
    before = page.model.rowCount()
    QTest.keySequence(page, "Ctrl+N")  # the shortcut opens the dialog
    assert not messages
    assert page.model.rowCount() == before + 1
    saved = page.selected_member()
    assert saved is not None and saved.name == "欧阳玥珺"
    stored = page.services.roster.get_member(saved.id)
    assert (stored.birth_date, stored.sex, stored.party_group) == (birth, "女", "技术党小组")

    # find her: by typing part of the name into the search box, then by the ID's tail, then by filters
    type_text(page.search_edit, "玥珺")
    assert shown_names(page) == ["欧阳玥珺"]
    page.search_edit.setText(stored.id_number[-4:])
    assert "欧阳玥珺" in shown_names(page)
    page.clear_filters()
    page.stage_filter.setCurrentIndex(page.stage_filter.findData("预备党员"))
    page.flag_filter.setCurrentIndex(page.flag_filter.findData("新就业群体"))
    assert shown_names(page) == ["欧阳玥珺"]
    assert page.count_label.text().startswith("显示 1 / ")


def test_group_and_category_filters(page: RosterPage) -> None:
    members = page.services.roster.list_members()
    page.group_filter.setCurrentIndex(page.group_filter.findData("物流配送党小组"))
    assert sorted(shown_names(page)) == sorted(m.name for m in members if m.party_group == "物流配送党小组")
    page.clear_filters()
    page.category_filter.setCurrentIndex(page.category_filter.findData("离退休"))
    assert len(shown_names(page)) == 2  # the demo's two retirees
    page.search_edit.setText(members[0].phone)
    assert len(shown_names(page)) == (1 if members[0].category == "离退休" else 0)


def test_sorting_keeps_the_selected_member(page: RosterPage) -> None:
    page.table.selectRow(3)
    chosen = page.selected_member()
    column = 3  # 出生日期
    page.table.horizontalHeader().sectionClicked.emit(column)
    births = [page.proxy.member_at(r).birth_date for r in range(page.proxy.rowCount())]
    assert births == sorted(births)
    assert page.selected_member() == chosen
    page.table.horizontalHeader().sectionClicked.emit(column)
    births = [page.proxy.member_at(r).birth_date for r in range(page.proxy.rowCount())]
    assert births == sorted(births, reverse=True)


def test_category_change_is_kept_as_history(page, monkeypatch, messages) -> None:  # type: ignore[no-untyped-def]
    page.table.selectRow(0)
    member = page.selected_member()
    assert member.category == "在职"

    def fill(dialog: MemberDialog) -> None:
        dialog.category_combo.setCurrentText("离退休")
        dialog.effective_edit.set_date(dt.date(2026, 10, 1))

    answer_dialog(monkeypatch, MemberDialog, fill)
    QTest.keyClick(page.table, Qt.Key.Key_Return)  # Enter edits the selected member
    assert not messages
    assert page.selected_member().category == "离退休"
    history = [(c.label, c.value, c.effective_on) for c in page.services.roster.history(member.id) if c.label == "人员类别"]
    assert history[-2][1] == "在职"
    assert history[-1] == ("人员类别", "离退休", dt.date(2026, 10, 1))

    shown: list[MemberHistoryDialog] = []
    monkeypatch.setattr(MemberHistoryDialog, "exec", lambda self: shown.append(self) or 0)
    page.show_history()
    table = shown[0].changes_table
    rows = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
    assert ["2026-10-01", "人员类别", "离退休"] in rows


def test_transfer_out_leaves_the_roll_but_keeps_the_record(page, monkeypatch, messages) -> None:  # type: ignore[no-untyped-def]
    page.table.selectRow(5)
    member = page.selected_member()

    def fill(dialog: TransferOutDialog) -> None:
        dialog.details.organization_edit.setText("中共某某区委组织部")
        dialog.details.letter_edit.setText("浙组介〔2026〕118号")
        dialog.details.dues_edit.set_date(dt.date(2026, 11, 1))

    answer_dialog(monkeypatch, TransferOutDialog, fill)
    page.transfer_out()
    stored = page.services.roster.get_member(member.id)
    assert stored.status == "已转出"
    transfer = next(t for t in page.services.roster.transfers() if t.member_id == member.id)
    assert (transfer.direction, transfer.letter_number, transfer.dues_paid_to) == ("转出", "浙组介〔2026〕118号", "2026-11")
    page.status_filter.setCurrentIndex(page.status_filter.findData("在册"))
    assert member.name not in shown_names(page)


def test_transfer_out_without_organization_is_refused(qtbot, messages) -> None:  # type: ignore[no-untyped-def]
    dialog = TransferOutDialog("张三", dt.date(2026, 11, 21))
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "党组织" in messages[-1]


def test_duplicate_id_number_is_refused_by_the_service(page, monkeypatch, messages) -> None:  # type: ignore[no-untyped-def]
    existing = page.services.roster.list_members()[0]

    def fill(dialog: MemberDialog) -> None:
        dialog.name_edit.setText("重复人员")
        dialog.id_edit.setText(existing.id_number)
        dialog.joined_edit.set_date(dt.date(2015, 1, 1))

    answer_dialog(monkeypatch, MemberDialog, fill)
    before = page.model.rowCount()
    page.add_member()
    assert page.model.rowCount() == before
    assert any("已属于" in m for m in messages)


def test_read_only_roster_cannot_be_changed(qtbot, demo_template, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger

    folder = tmp_path / "ro"
    shutil.copytree(demo_template, folder)
    services = Services(open_ledger(folder, today=lambda: dt.date(2026, 11, 21), read_only=True))
    try:
        widget = RosterPage(services)
        qtbot.addWidget(widget)
        widget.refresh()
        widget.table.selectRow(0)
        assert widget.model.rowCount() == 25
        assert not widget.add_button.isEnabled()
        assert not widget.edit_button.isEnabled()
        assert widget.history_button.isEnabled()
    finally:
        services.close()


def test_export_xlsx_and_pdf(page, monkeypatch, messages, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("desktop.services.roster_io")
    targets = iter([tmp_path / "out" / "花名册", tmp_path / "out" / "花名册.pdf"])
    monkeypatch.setattr(page, "ask_save_path", lambda *args: next(targets))
    xlsx = page.export_xlsx()
    assert xlsx is not None and xlsx.suffix == ".xlsx" and xlsx.exists()
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    names = {cell for row in sheet.iter_rows(values_only=True) for cell in row}
    first = page.services.roster.list_members()[0].name
    assert first in names
    pdf = page.export_pdf()
    assert pdf is not None and pdf.exists()
    from pypdf import PdfReader

    assert first in "".join(p.extract_text() for p in PdfReader(pdf).pages)


def test_locked_member_is_changed_only_with_a_reason(page, monkeypatch, messages, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    amendment = pytest.importorskip("desktop.ui.amendment_dialog")
    services = page.services
    page.table.selectRow(1)
    member = page.selected_member()
    ledger = tmp_path / "花名册.pdf"
    ledger.write_bytes(b"%PDF-1.4 signed roster")
    services.ledgers.record_output("roster", "党员花名册", ledger, records=[("member", member.id)], signed=True)
    reasons = iter([None, "手机号码登记错误，经本人核实更正"])
    asked: list[str] = []
    monkeypatch.setattr(amendment, "ask_reason", lambda parent, message: asked.append(message) or next(reasons))
    answer_dialog(monkeypatch, MemberDialog, lambda dialog: dialog.phone_edit.setText("13700001111"))

    page.edit_selected()  # the user cancels the reason: nothing changes
    assert asked and "锁定" in asked[0]
    assert services.roster.get_member(member.id).phone == member.phone
    answer_dialog(monkeypatch, MemberDialog, lambda dialog: dialog.phone_edit.setText("13700001111"))
    page.edit_selected()  # now with a reason: saved, the amendment recorded
    assert services.roster.get_member(member.id).phone == "13700001111"
    assert not messages


def test_party_groups_are_managed_from_the_page(page, monkeypatch, messages) -> None:  # type: ignore[no-untyped-def]
    from desktop.ui.group_dialog import GroupDialog, NewGroupDialog

    def fill(dialog: NewGroupDialog) -> None:
        dialog.name_edit.setText("青年党小组")
        dialog.date_edit.set_date(dt.date(2026, 11, 1))

    answer_dialog(monkeypatch, NewGroupDialog, fill)
    dialogs: list[GroupDialog] = []

    def drive(dialog: GroupDialog) -> int:
        dialogs.append(dialog)
        dialog.add_group()
        names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
        dialog.table.selectRow(names.index("技术党小组"))
        dialog.dissolve_selected()  # still has members: refused
        dialog.table.selectRow(names.index("青年党小组"))
        dialog.dissolve_selected()  # empty: dissolved (the question is answered Yes)
        return 0

    monkeypatch.setattr(GroupDialog, "exec", drive)
    page.manage_groups()
    groups = {g.name: g for g in page.services.roster.list_groups()}
    assert groups["青年党小组"].dissolved_on == dt.date(2026, 11, 21)
    assert groups["技术党小组"].dissolved_on is None
    assert any("在册党员" in m for m in messages)
    assert page.group_filter.findData("青年党小组") >= 0  # the filter lists it (marked 已撤销)


def test_import_button_opens_the_import_dialog(page, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    module = pytest.importorskip("desktop.ui.import_dialog")
    opened: list[object] = []
    monkeypatch.setattr(module.ImportDialog, "exec", lambda self: opened.append(self) or 0)
    page.import_button.click()
    assert len(opened) == 1


def test_transfer_out_prefills_dues_paid_to_from_the_dues_records(page, monkeypatch, messages) -> None:  # type: ignore[no-untyped-def]
    page.table.selectRow(0)
    member = page.selected_member()
    expected = page.services.dues.paid_to_for_transfer(member.id)
    assert expected is not None  # the demo member has paid this year
    seen: list[str | None] = []

    def fill(dialog: TransferOutDialog) -> None:
        seen.append(dialog.details.dues_paid_to)
        dialog.details.organization_edit.setText("中共某某区委组织部")

    answer_dialog(monkeypatch, TransferOutDialog, fill)
    page.transfer_out()
    assert seen == [expected]
    transfer = next(t for t in page.services.roster.transfers() if t.member_id == member.id)
    assert transfer.dues_paid_to == expected
