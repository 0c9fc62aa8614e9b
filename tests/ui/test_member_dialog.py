"""The member dialog: its fields round-trip, and accept() refuses what the rules refuse."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QMessageBox

from desktop.domain.idnumber import check_digit
from desktop.domain.roster import MemberFields
from desktop.ui.member_dialog import MemberDialog

TODAY = dt.date(2026, 11, 21)
# The offscreen platform warns about size hints whenever a window is shown; nothing to do with us.
pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def make_id(birth: dt.date, sex_digit: int, area: str = "330106") -> str:
    first17 = f"{area}{birth:%Y%m%d}12{sex_digit}"
    return first17 + check_digit(first17)


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []

    def fake_warning(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", fake_warning)
    return shown


def test_fields_round_trip(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = MemberDialog([], TODAY)
    qtbot.addWidget(dialog)
    fields = MemberFields(
        name="欧阳玥珺", sex="女", ethnicity="汉族", birth_date=dt.date(1990, 3, 4),
        id_number=make_id(dt.date(1990, 3, 4), 2), education="研究生", degree="硕士", category="在职",
        work_unit_post="某公司 工程师", phone="13800001111", residence="杭州", household_registration="合肥",
        applied_on=dt.date(2012, 1, 5), joined_on=dt.date(2014, 6, 1), confirmed_on=dt.date(2015, 6, 1),
        stage="正式党员", party_post="宣传委员", is_mobile=True, mobile_where="深圳", mobile_since=dt.date(2026, 1, 1),
        is_lost_contact=False, is_migrant_worker=True, new_social_stratum="自由职业人员",
        new_employment_group="网约车司机", probation_extension=None, status="正常", notes="备注一行",
    )
    dialog.set_fields(fields)
    assert dialog.fields == fields


def test_typed_chinese_name_reaches_the_fields(qtbot, type_text) -> None:  # type: ignore[no-untyped-def]
    dialog = MemberDialog([], TODAY)
    qtbot.addWidget(dialog)
    type_text(dialog.name_edit, "王喆堃")
    assert dialog.fields.name == "王喆堃"


def test_wrong_check_digit_is_refused_and_focused(qtbot, warnings) -> None:  # type: ignore[no-untyped-def]
    dialog = MemberDialog([], TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentIndex(2)
    good = make_id(dt.date(1990, 3, 4), 1)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    dialog.name_edit.setText("李建国")
    dialog.id_edit.setText(bad)
    dialog.joined_edit.set_date(dt.date(2015, 1, 1))
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert warnings and "公民身份号码" in warnings[0] and "校验位" in warnings[0]
    assert dialog.tabs.currentIndex() == 0  # brought the ID field's tab forward
    assert dialog.focusWidget() is dialog.id_edit


def test_surname_only_and_missing_join_date(qtbot, warnings) -> None:  # type: ignore[no-untyped-def]
    dialog = MemberDialog([], TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("王")
    dialog.accept()
    assert "只有一个字" in warnings[-1]
    dialog.name_edit.setText("王建国")
    dialog.accept()
    assert "入党日期" in warnings[-1]
    assert dialog.tabs.currentIndex() == 1
    dialog.joined_edit.set_date(dt.date(2010, 7, 1))
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_id_number_fills_birth_date_and_sex(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = MemberDialog([], TODAY)
    qtbot.addWidget(dialog)
    dialog.id_edit.setText(make_id(dt.date(1988, 12, 31), 3))
    dialog.id_edit.editingFinished.emit()
    assert dialog.fields.birth_date == dt.date(1988, 12, 31)
    assert dialog.fields.sex == "男"


def test_effective_date_in_future_is_refused(qtbot, warnings) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.roster import MemberDto

    member = MemberDto(name="赵敏", joined_on=dt.date(2010, 1, 1), id=7)
    dialog = MemberDialog([], TODAY, member)
    qtbot.addWidget(dialog)
    assert dialog.effective_on == TODAY  # edits take effect today unless told otherwise
    dialog.effective_edit.set_date(TODAY + dt.timedelta(days=3))
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "生效日期" in warnings[-1]


def test_keyboard_enter_accepts_a_valid_dialog(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = MemberDialog([], TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("钱学文")
    dialog.joined_edit.set_date(dt.date(2001, 7, 1))
    dialog.name_edit.setFocus()
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        QTest.keyClick(dialog.name_edit, Qt.Key.Key_Return)
