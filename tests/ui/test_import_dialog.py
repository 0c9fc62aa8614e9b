"""The import dialog driven with qtbot: preview, problems, skip, import, keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from PySide6.QtCore import Qt

from desktop.domain.idnumber import check_digit
from desktop.ui.import_dialog import ImportDialog, ImportRowModel

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _id(birth: str, seq: str) -> str:
    first17 = "330106" + birth + seq
    return first17 + check_digit(first17)


def _file(tmp_path: Path, *, bad: bool) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "身份证号", "入党时间", "党员类型", "所在党小组", "兴趣爱好"])
    sheet.append(["陈思远", _id("19880808", "031"), "2012-07-01", "正式", "一组", "羽毛球"])
    sheet.append(["林嘉懿", _id("19910202", "022"), "2020-02-30" if bad else "2020-02-03", "正式", "二组", ""])
    path = tmp_path / ("bad.xlsx" if bad else "good.xlsx")
    workbook.save(path)
    return path


@pytest.fixture
def dialog(qtbot, services):  # type: ignore[no-untyped-def]
    widget = ImportDialog(services)
    widget.announced = []
    widget.announce = widget.announced.append  # no modal box in tests
    qtbot.addWidget(widget)
    return widget


def test_preview_shows_rows_problems_and_unrecognised_columns(dialog, tmp_path: Path, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    dialog.ask_open_path = lambda: _file(tmp_path, bad=True)
    dialog.browse_button.click()

    model = dialog.model
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert [model.index(r, 2).data() for r in range(2)] == ["新增", "有错误"]
    assert model.index(1, 0).data() == "3"
    assert "入党时间" in model.index(1, 3).data() and "2020-02-30" in model.index(1, 3).data()
    assert model.index(1, 0).data(Qt.ItemDataRole.ForegroundRole) is not None
    assert [dialog.columns_list.item(i).text() for i in range(dialog.columns_list.count())] == ["兴趣爱好"]
    assert "有错误 1" in dialog.summary_label.text()
    assert not dialog.import_button.isEnabled()  # refused while a row has an error
    assert dialog.services.roster.list_members() == []


def test_skip_invalid_then_import_with_the_keyboard(dialog, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog.load(_file(tmp_path, bad=True))
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    assert dialog.focusWidget() is dialog.table  # after the preview, the rows have the focus
    for _ in range(5):  # Tab along the focus chain to the checkbox
        if dialog.focusWidget() is dialog.skip_check:
            break
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.skip_check
    qtbot.keyClick(dialog.skip_check, Qt.Key.Key_Space)
    assert dialog.skip_check.isChecked()
    assert dialog.import_button.isEnabled() and dialog.import_button.isDefault()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.skip_check, Qt.Key.Key_Return)  # the default button: 导入
    names = [m.name for m in dialog.services.roster.list_members()]
    assert names == ["陈思远"]
    assert dialog.import_result.skipped == 1
    assert "新增 1 名" in dialog.announced[0]


def test_good_file_imports_everything(dialog, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog.load(_file(tmp_path, bad=False))
    assert dialog.import_button.isEnabled() and not dialog.skip_check.isEnabled()
    with qtbot.waitSignal(dialog.accepted):
        dialog.import_button.click()
    members = {m.name: m for m in dialog.services.roster.list_members()}
    assert set(members) == {"陈思远", "林嘉懿"}
    assert members["林嘉懿"].party_group == "二组"


def test_unreadable_file_is_explained_in_the_dialog(dialog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    dialog.load(path)
    assert dialog.error_label.isVisibleTo(dialog)
    assert "broken.xlsx" in dialog.error_label.text()
    assert dialog.model.rowCount() == 0
    assert not dialog.import_button.isEnabled()


def test_file_changed_before_import_is_refused_in_the_dialog(dialog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _file(tmp_path, bad=False)
    dialog.load(path)
    path.write_bytes(path.read_bytes() + b"\0")
    dialog.import_button.click()
    assert dialog.result() == 0 and dialog.import_result is None
    assert "预览之后被修改" in dialog.error_label.text()
    assert dialog.services.roster.list_members() == []


def test_empty_model_passes_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    qtmodeltester.check(ImportRowModel())


def test_selected_row_shows_its_problems_in_full(dialog, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog.load(_file(tmp_path, bad=True))
    assert "第 3 行 林嘉懿：有错误" in dialog.detail_label.text()  # the first row with a problem is selected
    dialog.table.setCurrentIndex(dialog.model.index(0, 0))
    assert dialog.detail_label.text().startswith("第 2 行 陈思远：新增")


def test_locked_member_asks_for_a_reason_and_retries(dialog, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    services = dialog.services
    path = _file(tmp_path, bad=False)
    services.roster_io.commit_import(services.roster_io.preview_import(path))
    member = next(m for m in services.roster.list_members() if m.name == "陈思远")
    sent = tmp_path / "sent.pdf"
    sent.write_bytes(b"%PDF-1.4")
    services.ledgers.record_output("roster", "党员花名册", sent, records=[("member", member.id)], signed=True)
    workbook = Workbook()
    workbook.active.append(["姓名", "身份证号", "所在党小组"])
    workbook.active.append(["陈思远", member.id_number, "二组"])
    workbook.save(tmp_path / "move.xlsx")

    asked: list[str] = []
    dialog.ask_amendment_reason = lambda message: asked.append(message) or "调整党小组"
    dialog.load(tmp_path / "move.xlsx")
    with qtbot.waitSignal(dialog.accepted):
        dialog.import_button.click()
    assert len(asked) == 1
    assert services.roster.get_member(member.id).party_group == "二组"
