"""设置 → 支部信息: the branch profile, the committee term, and the warnings of domain.md §1."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.branch import (
    COMMITTEE_POSTS,
    DEFAULT_TERM_YEARS,
    MAX_TERM_YEARS,
    MIN_TERM_YEARS,
    ORG_TYPES,
    committee_problems,
    term_end,
)
from desktop.ui.common import DateEdit, guarded

if TYPE_CHECKING:
    from desktop.services.branch import BranchProfile, CommitteeTerm
    from desktop.services.bundle import Services

WARNING_COLOR = {"danger": "#b00020", "warning": "#8a5300", "info": "#555555"}
JOINT_TYPES = ("联合组建", "区域统建", "行业统建", "楼宇统建", "园区统建")


class CommitteeDialog(QDialog):
    """A committee term: election date, length, and the seats (member + post).

    `members` are (id, name) of the members who may sit; the caller saves through the service."""

    def __init__(self, members: Sequence[tuple[int, str]], today: dt.date, term: CommitteeTerm | None = None,
                 default_years: int = DEFAULT_TERM_YEARS, parent: QWidget | None = None, *, title: str = "") -> None:
        super().__init__(parent)
        self.today = today
        self.members = list(members)
        self.setWindowTitle(title or ("修改本届支部委员会" if term else "登记新一届支部委员会"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.elected_edit = DateEdit(term.elected_on if term else today, optional=False)
        form.addRow("选举日期(&D)：", self.elected_edit)
        self.years_spin = QSpinBox()
        self.years_spin.setRange(1, 10)
        self.years_spin.setSuffix(" 年")
        self.years_spin.setValue(term.years if term else default_years)
        form.addRow("任期(&Y)：", self.years_spin)
        self.end_label = QLabel()
        form.addRow("届满日期：", self.end_label)
        layout.addLayout(form)
        self.elected_edit.dateChanged.connect(self._update_end)
        self.years_spin.valueChanged.connect(self._update_end)

        seats_label = QLabel("委员（书记须有一名；7名以上正式党员的支部设委员会3至5人）(&S)：")
        layout.addWidget(seats_label)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["党员", "职务"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        seats_label.setBuddy(self.table)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        add = QPushButton("增加一行(&A)")
        add.clicked.connect(lambda: self.add_seat(None, "委员" if self.table.rowCount() else "书记"))
        remove = QPushButton("删除所选行(&R)")
        remove.clicked.connect(self.remove_selected)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定(&O)")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for seat in (term.seats if term else ()):
            self.add_seat(seat.member_id, seat.post)
        if not self.table.rowCount():
            self.add_seat(None, "书记")
        self._update_end()
        self.resize(480, 420)

    def add_seat(self, member_id: int | None, post: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        member_combo = QComboBox()
        member_combo.addItem("（请选择）", None)
        for mid, name in self.members:
            member_combo.addItem(name, mid)
        member_combo.setCurrentIndex(max(member_combo.findData(member_id), 0))
        post_combo = QComboBox()
        post_combo.setEditable(True)
        post_combo.addItems([*COMMITTEE_POSTS, "委员"])
        post_combo.setCurrentText(post)
        self.table.setCellWidget(row, 0, member_combo)
        self.table.setCellWidget(row, 1, post_combo)

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)

    def _update_end(self, *_: object) -> None:
        start = self.elected_edit.date_value()
        self.end_label.setText(term_end(start, self.years).isoformat() if start else "")

    @property
    def elected_on(self) -> dt.date:
        return self.elected_edit.date_value() or self.today

    @property
    def years(self) -> int:
        return self.years_spin.value()

    def raw_seats(self) -> list[tuple[int | None, str]]:
        seats = []
        for row in range(self.table.rowCount()):
            member: QComboBox = self.table.cellWidget(row, 0)  # type: ignore[assignment]
            post: QComboBox = self.table.cellWidget(row, 1)  # type: ignore[assignment]
            seats.append((member.currentData(), post.currentText().strip()))
        return seats

    @property
    def seats(self) -> list[tuple[int, str]]:
        return [(m, p) for m, p in self.raw_seats() if m is not None]

    def accept(self) -> None:
        problems = committee_problems(self.raw_seats(), self.years, self.elected_on, self.today)
        if problems:
            field, message = problems[0]
            QMessageBox.warning(self, "请检查输入", message)
            {"elected_on": self.elected_edit, "years": self.years_spin}.get(field, self.table).setFocus()
            return
        super().accept()


class BranchSettingsTab(QWidget):
    """Profile form (saved by 保存支部信息), the committee, and the §1 warnings."""

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)

        self.warnings_label = QLabel()
        self.warnings_label.setObjectName("branchWarnings")
        self.warnings_label.setWordWrap(True)
        self.warnings_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.warnings_label)

        profile_box = QGroupBox("支部基本信息")
        form = QFormLayout(profile_box)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(100)
        form.addRow("支部名称(&N)：", self.name_edit)
        self.org_type_combo = QComboBox()
        self.org_type_combo.addItems(list(ORG_TYPES))
        form.addRow("组建方式(&T)：", self.org_type_combo)
        self.units_edit = QPlainTextEdit()
        self.units_edit.setTabChangesFocus(True)
        self.units_edit.setPlaceholderText("联合党支部覆盖的单位，每行一个")
        self.units_edit.setMaximumHeight(90)
        self.units_label = QLabel("联合支部所在单位(&U)：")
        self.units_label.setBuddy(self.units_edit)
        form.addRow(self.units_label, self.units_edit)
        self.parent_edit = QLineEdit()
        form.addRow("上级党组织(&P)：", self.parent_edit)
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText("由上级党组织分配，可不填")
        form.addRow("组织代码(&C)：", self.code_edit)
        self.founded_edit = DateEdit()
        form.addRow("成立日期(&F)：", self.founded_edit)
        self.contact_edit = QLineEdit()
        form.addRow("联系人(&L)：", self.contact_edit)
        self.phone_edit = QLineEdit()
        form.addRow("联系电话(&H)：", self.phone_edit)
        self.address_edit = QLineEdit()
        form.addRow("地址(&A)：", self.address_edit)
        self.save_button = QPushButton("保存支部信息(&S)")
        self.save_button.clicked.connect(self.save_profile)
        form.addRow("", self.save_button)
        layout.addWidget(profile_box)
        self.org_type_combo.currentTextChanged.connect(self._sync_units)

        committee_box = QGroupBox("支部委员会（本届）")
        committee_layout = QVBoxLayout(committee_box)
        self.term_label = QLabel()
        self.term_label.setObjectName("termLabel")
        self.term_label.setWordWrap(True)
        committee_layout.addWidget(self.term_label)
        row = QHBoxLayout()
        self.edit_term_button = QPushButton("修改本届(&E)…")
        self.edit_term_button.clicked.connect(self.edit_term)
        self.new_term_button = QPushButton("登记换届选举结果(&R)…")
        self.new_term_button.clicked.connect(self.new_term)
        row.addWidget(self.edit_term_button)
        row.addWidget(self.new_term_button)
        row.addStretch(1)
        committee_layout.addLayout(row)
        layout.addWidget(committee_box)

        term_box = QGroupBox("任期设置")
        term_form = QFormLayout(term_box)
        self.default_years_spin = QSpinBox()
        self.default_years_spin.setRange(MIN_TERM_YEARS, MAX_TERM_YEARS)
        self.default_years_spin.setSuffix(" 年")
        term_form.addRow("新一届的默认任期(&Y)：", self.default_years_spin)
        self.default_years_spin.valueChanged.connect(self._save_default_years)
        layout.addWidget(term_box)
        layout.addStretch(1)

        if services.ctx.read_only:
            for widget in (self.save_button, self.edit_term_button, self.new_term_button, self.default_years_spin):
                widget.setEnabled(False)
        self.refresh()

    # -- showing ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        profile = self.services.branch.profile()
        if profile is not None:
            self.show_profile(profile)
        term = self.services.branch.current_term()
        if term is None:
            self.term_label.setText("尚未登记支部委员会（或书记）。")
        else:
            seats = "，".join(f"{s.post} {s.member_name}" for s in term.seats)
            self.term_label.setText(
                f"选举日期 {term.elected_on.isoformat()}，任期 {term.years} 年，届满日期 {term.ends_on.isoformat()}。<br>{seats}"
            )
        self.edit_term_button.setEnabled(term is not None and not self.services.ctx.read_only)
        self.default_years_spin.blockSignals(True)
        self.default_years_spin.setValue(self.services.branch.default_term_years())
        self.default_years_spin.blockSignals(False)
        self._show_warnings()

    def show_profile(self, profile: BranchProfile) -> None:
        self.name_edit.setText(profile.name)
        self.org_type_combo.setCurrentText(profile.org_type)
        self.units_edit.setPlainText("\n".join(profile.units))
        self.parent_edit.setText(profile.parent_org or "")
        self.code_edit.setText(profile.code or "")
        self.founded_edit.set_date(profile.founded_on)
        self.contact_edit.setText(profile.contact_person or "")
        self.phone_edit.setText(profile.contact_phone or "")
        self.address_edit.setText(profile.address or "")
        self._sync_units()

    def _show_warnings(self) -> None:
        warnings = self.services.branch.warnings()
        if not warnings:
            self.warnings_label.setText("<span style='color:#2e7d32'>✓ 支部设置符合《中国共产党支部工作条例（试行）》的一般要求。</span>")
            return
        lines = [f"<span style='color:{WARNING_COLOR.get(w.level, '#000')}'>● {w.text}</span>" for w in warnings]
        self.warnings_label.setText("<br>".join(lines))

    def _sync_units(self, *_: object) -> None:
        joint = self.org_type_combo.currentText() in JOINT_TYPES
        self.units_edit.setEnabled(joint)
        self.units_label.setEnabled(joint)

    # -- saving -----------------------------------------------------------------------------------
    @property
    def profile(self) -> BranchProfile:
        from desktop.services.branch import BranchProfile

        def text(edit: QLineEdit) -> str | None:
            return edit.text().strip() or None

        joint = self.org_type_combo.currentText() in JOINT_TYPES
        units = tuple(u.strip() for u in self.units_edit.toPlainText().splitlines() if u.strip()) if joint else ()
        return BranchProfile(
            name=self.name_edit.text().strip(), org_type=self.org_type_combo.currentText(), code=text(self.code_edit),
            parent_org=text(self.parent_edit), founded_on=self.founded_edit.date_value(),
            contact_person=text(self.contact_edit), contact_phone=text(self.phone_edit),
            address=text(self.address_edit), units=units,
        )

    def save_profile(self) -> bool:
        profile = self.profile
        saved = guarded(self, lambda: self.services.branch.save_profile(profile))
        if saved is None:
            return False
        self.refresh()
        window = self.window()
        if hasattr(window, "setWindowTitle") and hasattr(window, "attach"):
            from desktop import APP_DISPLAY_NAME

            window.setWindowTitle(f"{APP_DISPLAY_NAME} — {saved.name}")
        return True

    def _save_default_years(self, value: int) -> None:
        from desktop.services.branch import TERM_YEARS_SETTING

        guarded(self, lambda: self.services.branch.set_setting(TERM_YEARS_SETTING, str(value)))

    def _members(self) -> list[tuple[int, str]]:
        return [(m.id, m.name) for m in self.services.roster.list_members() if m.is_party_member and m.status == "正常"]

    def edit_term(self) -> None:
        term = self.services.branch.current_term()
        if term is None:
            return
        dialog = CommitteeDialog(self._members(), self.services.ctx.today(), term, parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            if guarded(self, lambda: self.services.branch.update_term(term.id, dialog.elected_on, dialog.seats, dialog.years)):
                self.refresh()

    def new_term(self) -> None:
        dialog = CommitteeDialog(self._members(), self.services.ctx.today(), None,
                                 self.services.branch.default_term_years(), parent=self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            if guarded(self, lambda: self.services.branch.elect_committee(dialog.elected_on, dialog.seats, dialog.years)):
                self.refresh()

