"""设置 → 支部信息: the profile saves and reads back, the committee dialog validates, warnings show."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from desktop.ui.branch_settings import BranchSettingsTab, CommitteeDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")
TODAY = dt.date(2026, 11, 21)


@pytest.fixture
def messages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []

    def fake(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
        shown.append(text)
        return QMessageBox.StandardButton.Yes

    for name in ("warning", "information", "critical", "question"):
        monkeypatch.setattr(QMessageBox, name, fake)
    return shown


@pytest.fixture
def tab(qtbot, demo_copy) -> BranchSettingsTab:  # type: ignore[no-untyped-def]
    widget = BranchSettingsTab(demo_copy)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_profile_is_shown_and_the_term_warning_too(tab: BranchSettingsTab) -> None:
    assert tab.name_edit.text() == "星链优选电子商务有限公司党支部"
    assert tab.org_type_combo.currentText() == "单独组建"
    assert not tab.units_edit.isEnabled()  # units only for joint branches
    assert "届满" in tab.warnings_label.text()  # the demo term ends within two months
    assert "2027-01-10" in tab.term_label.text() and "书记" in tab.term_label.text()


def test_joint_branch_profile_round_trip(tab: BranchSettingsTab, messages: list[str]) -> None:
    tab.org_type_combo.setCurrentText("联合组建")
    assert tab.units_edit.isEnabled()
    tab.units_edit.setPlainText("星链优选电子商务有限公司\n")
    assert not tab.save_profile()  # one unit is not a joint branch
    assert "至少两个" in messages[-1]
    tab.units_edit.setPlainText("星链优选电子商务有限公司\n杭州云仓物流有限公司\n\n西湖数据科技有限公司")
    tab.parent_edit.setText("文新街道两新组织综合党委")
    tab.founded_edit.set_date(dt.date(2020, 5, 4))
    assert tab.save_profile()
    profile = tab.services.branch.profile()
    assert profile.org_type == "联合组建"
    assert profile.units == ("星链优选电子商务有限公司", "杭州云仓物流有限公司", "西湖数据科技有限公司")
    assert (profile.parent_org, profile.founded_on) == ("文新街道两新组织综合党委", dt.date(2020, 5, 4))


def test_empty_name_is_refused(tab: BranchSettingsTab, messages: list[str]) -> None:
    tab.name_edit.setText("  ")
    assert not tab.save_profile()
    assert "支部名称" in messages[-1]
    assert tab.services.branch.branch_name() == "星链优选电子商务有限公司党支部"


def test_committee_dialog_refuses_bad_terms(qtbot, messages) -> None:  # type: ignore[no-untyped-def]
    members = [(1, "张伟"), (2, "李娜"), (3, "王强")]
    dialog = CommitteeDialog(members, TODAY)
    qtbot.addWidget(dialog)
    assert dialog.years == 3  # the default term
    dialog.accept()
    assert "没有选择党员" in messages[-1]
    dialog.table.cellWidget(0, 0).setCurrentIndex(1)
    dialog.add_seat(1, "组织委员")
    dialog.accept()
    assert "两次" in messages[-1]
    dialog.table.cellWidget(1, 0).setCurrentIndex(2)
    dialog.years_spin.setValue(2)
    dialog.accept()
    assert "3至5年" in messages[-1]
    dialog.years_spin.setValue(5)
    assert dialog.end_label.text() == "2031-11-21"
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.seats == [(1, "书记"), (2, "组织委员")]


def test_new_term_clears_the_expiry_warning(tab: BranchSettingsTab, messages, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    members = [m for m in tab.services.roster.list_members() if m.stage == "正式党员"][:3]

    def fill(dialog: CommitteeDialog) -> None:
        dialog.elected_edit.set_date(dt.date(2026, 11, 1))
        dialog.table.cellWidget(0, 0).setCurrentIndex(dialog.table.cellWidget(0, 0).findData(members[0].id))
        for member, post in zip(members[1:], ("组织委员", "宣传委员")):
            dialog.add_seat(member.id, post)
        dialog.accept()

    monkeypatch.setattr(CommitteeDialog, "exec", lambda self: fill(self) or self.result())
    tab.new_term()
    term = tab.services.branch.current_term()
    assert term.elected_on == dt.date(2026, 11, 1) and term.years == 3
    assert term.holder("书记") == members[0].name
    assert "届满" not in tab.warnings_label.text()
    assert "2029-11-01" in tab.term_label.text()


def test_default_term_length_is_a_setting(tab: BranchSettingsTab) -> None:
    tab.default_years_spin.setValue(5)
    assert tab.services.branch.default_term_years() == 5
    assert tab.services.branch.setting("branch.committee_term_years", "") == "5"
