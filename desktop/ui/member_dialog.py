"""The member dialog (党员信息): every roster field of domain.md §2, validated before it closes.

The dialog exposes `fields` (a MemberFields) and `effective_on`; the caller saves through
`services.roster`. It never touches the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.roster import (
    CATEGORIES,
    EDUCATIONS,
    FIELD_LABELS,
    NEW_EMPLOYMENT_GROUPS,
    NEW_SOCIAL_STRATA,
    PARTY_POSTS,
    SEXES,
    STAGES,
    STATUSES,
    MemberFields,
    member_problems,
)
from desktop.ui.common import DateEdit

if TYPE_CHECKING:
    from desktop.services.roster import ChangeDto, MemberDto, PartyGroupDto, TransferDto

DEGREES: tuple[str, ...] = ("", "学士", "硕士", "博士")


def _text(edit: QLineEdit) -> str | None:
    value = edit.text().strip()
    return value or None


def _combo(values: Sequence[str], *, editable: bool = False, blank: bool = False) -> QComboBox:
    combo = QComboBox()
    combo.setEditable(editable)
    if blank:
        combo.addItem("")
    combo.addItems(list(values))
    return combo


def _combo_value(combo: QComboBox) -> str | None:
    value = combo.currentText().strip()
    return value or None


def _set_combo(combo: QComboBox, value: str | None) -> None:
    value = value or ""
    index = combo.findText(value)
    if index >= 0:
        combo.setCurrentIndex(index)
    elif combo.isEditable():
        combo.setEditText(value)
    elif value:
        combo.addItem(value)  # a value from an old file that the list no longer has: keep it
        combo.setCurrentIndex(combo.count() - 1)


class MemberDialog(QDialog):
    """Add or edit one member. `groups` are the party groups to choose from."""

    def __init__(self, groups: Sequence[PartyGroupDto], today: dt.date, member: MemberDto | None = None,
                 parent: QWidget | None = None, *, title: str | None = None) -> None:
        super().__init__(parent)
        self.today = today
        self.member = member
        self.setWindowTitle(title or (f"编辑党员信息 — {member.name}" if member else "新增党员"))
        self._widgets: dict[str, QWidget] = {}
        self.tabs = QTabWidget()
        self.tabs.addTab(self._basic_tab(), "基本信息(&1)")
        self.tabs.addTab(self._party_tab(groups), "党员信息(&2)")
        self.tabs.addTab(self._flags_tab(), "流动与其他(&3)")

        layout = QVBoxLayout(self)
        self._top = QVBoxLayout()
        layout.addLayout(self._top)
        layout.addWidget(self.tabs)
        self.effective_box = QGroupBox()
        effective_form = QFormLayout(self.effective_box)
        self.effective_edit = DateEdit(None if member is None else today, optional=member is None)
        self.effective_edit.setObjectName("effective_on")
        if member is None:
            effective_label = "列入花名册日期(&E)："
            hint = "留空则为入党日期。人员类别、发展阶段、党小组等的历史从这一天记起。"
        else:
            effective_label = "变动生效日期(&E)："
            hint = "人员类别、发展阶段、党小组、党籍状态和流动/失联标记的变动从这一天起生效；原来的值保留在历史中。"
        effective_form.addRow(effective_label, self.effective_edit)
        hint_label = QLabel(hint)
        hint_label.setWordWrap(True)
        hint_label.setStyleSheet("color: #555555;")
        effective_form.addRow(hint_label)
        layout.addWidget(self.effective_box)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定(&O)")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if member is not None:
            self.set_fields(member.to_fields())
        self.name_edit.setFocus()
        self.resize(640, 560)

    # -- building -------------------------------------------------------------------------------
    def _add(self, form: QFormLayout, name: str, label: str, widget: QWidget) -> None:
        widget.setObjectName(name)
        self._widgets[name] = widget
        form.addRow(label, widget)

    def _basic_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.name_edit = QLineEdit()
        self.name_edit.setMaxLength(40)
        self._add(form, "name", "姓名(&N)：", self.name_edit)
        self.id_edit = QLineEdit()
        self.id_edit.setMaxLength(18)
        self.id_edit.setPlaceholderText("18位，末位可为X；出生日期和性别可由此自动填写")
        self.id_edit.editingFinished.connect(self._fill_from_id)
        self._add(form, "id_number", "公民身份号码(&I)：", self.id_edit)
        self.sex_combo = _combo(SEXES, blank=True)
        self._add(form, "sex", "性别(&S)：", self.sex_combo)
        self.birth_edit = DateEdit()
        self._add(form, "birth_date", "出生日期(&B)：", self.birth_edit)
        self.ethnicity_edit = QLineEdit()
        self.ethnicity_edit.setPlaceholderText("如：汉族")
        self._add(form, "ethnicity", "民族(&M)：", self.ethnicity_edit)
        self.education_combo = _combo(EDUCATIONS, editable=True, blank=True)
        self._add(form, "education", "学历(&D)：", self.education_combo)
        self.degree_combo = _combo(DEGREES[1:], editable=True, blank=True)
        self._add(form, "degree", "学位(&G)：", self.degree_combo)
        self.phone_edit = QLineEdit()
        self.phone_edit.setMaxLength(30)
        self._add(form, "phone", "手机号码(&P)：", self.phone_edit)
        self.work_edit = QLineEdit()
        self._add(form, "work_unit_post", "工作单位及职务(&W)：", self.work_edit)
        self.residence_edit = QLineEdit()
        self._add(form, "residence", "现居住地(&R)：", self.residence_edit)
        self.household_edit = QLineEdit()
        self._add(form, "household_registration", "户籍所在地(&H)：", self.household_edit)
        return page

    def _party_tab(self, groups: Sequence[PartyGroupDto]) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.category_combo = _combo(CATEGORIES)
        self._add(form, "category", "人员类别(&C)：", self.category_combo)
        self.stage_combo = _combo(STAGES)
        self.stage_combo.setCurrentText("正式党员")
        self._add(form, "stage", "发展阶段(&T)：", self.stage_combo)
        self.applied_edit = DateEdit()
        self._add(form, "applied_on", "申请入党日期(&A)：", self.applied_edit)
        self.joined_edit = DateEdit()
        self._add(form, "joined_on", "入党日期(&J)：", self.joined_edit)
        self.confirmed_edit = DateEdit()
        self._add(form, "confirmed_on", "转正日期(&Z)：", self.confirmed_edit)
        self.extension_edit = QLineEdit()
        self.extension_edit.setPlaceholderText("如：延长6个月（2026-07-01至2027-01-01）")
        self._add(form, "probation_extension", "延长预备期时间(&Y)：", self.extension_edit)
        self.group_combo = QComboBox()
        self.group_combo.addItem("（未分组）", None)
        for group in groups:
            if group.dissolved_on is None or (self.member and self.member.party_group_id == group.id):
                self.group_combo.addItem(group.name, group.id)
        self._add(form, "party_group_id", "所在党小组(&X)：", self.group_combo)
        self.post_combo = _combo(PARTY_POSTS, editable=True, blank=True)
        self._add(form, "party_post", "党内职务(&U)：", self.post_combo)
        self.status_combo = _combo(STATUSES)
        self._add(form, "status", "党籍状态(&K)：", self.status_combo)
        return page

    def _flags_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.mobile_check = QCheckBox("流动党员(&L)")
        self._add(form, "is_mobile", "", self.mobile_check)
        self.mobile_where_edit = QLineEdit()
        self.mobile_where_edit.setPlaceholderText("流入地或所在单位")
        self._add(form, "mobile_where", "流动去向(&Q)：", self.mobile_where_edit)
        self.mobile_since_edit = DateEdit()
        self._add(form, "mobile_since", "流动开始日期(&V)：", self.mobile_since_edit)
        self.lost_check = QCheckBox("失联党员(&F)")
        self._add(form, "is_lost_contact", "", self.lost_check)
        self.lost_since_edit = DateEdit()
        self._add(form, "lost_contact_since", "失联开始日期(&Y)：", self.lost_since_edit)
        self.migrant_check = QCheckBox("农民工(&W)")
        self._add(form, "is_migrant_worker", "", self.migrant_check)
        self.new_employment_combo = _combo(NEW_EMPLOYMENT_GROUPS, blank=True)
        self._add(form, "new_employment_group", "新就业群体(&J)：", self.new_employment_combo)
        self.stratum_combo = _combo(NEW_SOCIAL_STRATA, editable=True, blank=True)
        self._add(form, "new_social_stratum", "新社会阶层类型(&S)：", self.stratum_combo)
        self.notes_edit = QPlainTextEdit()
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setMaximumHeight(80)
        self._add(form, "notes", "备注(&R)：", self.notes_edit)
        self.mobile_check.toggled.connect(self._sync_flags)
        self.lost_check.toggled.connect(self._sync_flags)
        self._sync_flags()
        return page

    def _sync_flags(self) -> None:
        mobile = self.mobile_check.isChecked()
        self.mobile_where_edit.setEnabled(mobile)
        self.mobile_since_edit.setEnabled(mobile)
        self.lost_since_edit.setEnabled(self.lost_check.isChecked())

    def _fill_from_id(self) -> None:
        """A valid ID number fills in the birth date and sex when they are still empty."""
        from desktop.domain.errors import ValidationError
        from desktop.domain.idnumber import parse_id_number

        raw = self.id_edit.text().strip()
        if len(raw) != 18:
            return
        try:
            info = parse_id_number(raw)
        except ValidationError:
            return
        if self.birth_edit.date_value() is None:
            self.birth_edit.set_date(info.birth_date)
        if not self.sex_combo.currentText():
            self.sex_combo.setCurrentText(info.sex)

    # -- values ---------------------------------------------------------------------------------
    def set_fields(self, f: MemberFields) -> None:
        self.name_edit.setText(f.name)
        self.id_edit.setText(f.id_number or "")
        _set_combo(self.sex_combo, f.sex)
        self.birth_edit.set_date(f.birth_date)
        self.ethnicity_edit.setText(f.ethnicity or "")
        _set_combo(self.education_combo, f.education)
        _set_combo(self.degree_combo, f.degree)
        self.phone_edit.setText(f.phone or "")
        self.work_edit.setText(f.work_unit_post or "")
        self.residence_edit.setText(f.residence or "")
        self.household_edit.setText(f.household_registration or "")
        _set_combo(self.category_combo, f.category)
        _set_combo(self.stage_combo, f.stage)
        self.applied_edit.set_date(f.applied_on)
        self.joined_edit.set_date(f.joined_on)
        self.confirmed_edit.set_date(f.confirmed_on)
        self.extension_edit.setText(f.probation_extension or "")
        index = self.group_combo.findData(f.party_group_id)
        self.group_combo.setCurrentIndex(max(index, 0))
        _set_combo(self.post_combo, f.party_post)
        _set_combo(self.status_combo, f.status)
        self.mobile_check.setChecked(f.is_mobile)
        self.mobile_where_edit.setText(f.mobile_where or "")
        self.mobile_since_edit.set_date(f.mobile_since)
        self.lost_check.setChecked(f.is_lost_contact)
        self.lost_since_edit.set_date(f.lost_contact_since)
        self.migrant_check.setChecked(f.is_migrant_worker)
        _set_combo(self.new_employment_combo, f.new_employment_group)
        _set_combo(self.stratum_combo, f.new_social_stratum)
        self.notes_edit.setPlainText(f.notes or "")

    @property
    def fields(self) -> MemberFields:
        mobile = self.mobile_check.isChecked()
        lost = self.lost_check.isChecked()
        return MemberFields(
            name=self.name_edit.text().strip(),
            sex=_combo_value(self.sex_combo),
            ethnicity=_text(self.ethnicity_edit),
            birth_date=self.birth_edit.date_value(),
            id_number=_text(self.id_edit),
            education=_combo_value(self.education_combo),
            degree=_combo_value(self.degree_combo),
            category=self.category_combo.currentText(),
            work_unit_post=_text(self.work_edit),
            phone=_text(self.phone_edit),
            residence=_text(self.residence_edit),
            household_registration=_text(self.household_edit),
            applied_on=self.applied_edit.date_value(),
            joined_on=self.joined_edit.date_value(),
            confirmed_on=self.confirmed_edit.date_value(),
            stage=self.stage_combo.currentText(),
            party_group_id=self.group_combo.currentData(),
            party_post=_combo_value(self.post_combo),
            is_mobile=mobile,
            mobile_where=_text(self.mobile_where_edit) if mobile else None,
            mobile_since=self.mobile_since_edit.date_value() if mobile else None,
            is_lost_contact=lost,
            lost_contact_since=self.lost_since_edit.date_value() if lost else None,
            is_migrant_worker=self.migrant_check.isChecked(),
            new_social_stratum=_combo_value(self.stratum_combo),
            new_employment_group=_combo_value(self.new_employment_combo),
            probation_extension=_text(self.extension_edit),
            status=self.status_combo.currentText(),
            notes=self.notes_edit.toPlainText().strip() or None,
        )

    @property
    def effective_on(self) -> dt.date | None:
        """When category/stage/group/status/flag changes take effect (None: the service's default)."""
        return self.effective_edit.date_value()

    def problems(self) -> list[tuple[str, str]]:
        problems = member_problems(self.fields, self.today)
        effective = self.effective_on
        if effective is not None and effective > self.today:
            problems.append(("effective_on", f"生效日期{effective.isoformat()}晚于今天"))
        return problems

    def accept(self) -> None:
        problems = self.problems()
        if problems:
            field, message = problems[0]
            self.show_problem(field, message, more=len(problems) - 1)
            return
        super().accept()

    def show_problem(self, field: str, message: str, *, more: int = 0) -> None:
        """Name the field, bring its tab forward and put the cursor in it."""
        label = FIELD_LABELS.get(field, "生效日期" if field == "effective_on" else field)
        widget = self._widgets.get(field) or (self.effective_edit if field == "effective_on" else None)
        extra = f"\n（另有 {more} 处问题，改正后会继续提示。）" if more else ""
        QMessageBox.warning(self, "请检查输入", f"【{label}】{message}{extra}")
        if widget is not None:
            self.focus_field(widget)

    def focus_field(self, widget: QWidget) -> None:
        for index in range(self.tabs.count()):
            if self.tabs.widget(index).isAncestorOf(widget):
                self.tabs.setCurrentIndex(index)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def widget_for(self, field: str) -> QWidget | None:
        return self._widgets.get(field)


class MemberHistoryDialog(QDialog):
    """A member's dated history (变动记录) and transfers, oldest first. Read-only."""

    def __init__(self, member_name: str, changes: Sequence[ChangeDto], transfers: Sequence[TransferDto],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"历史记录 — {member_name}")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{member_name}</b> 的变动记录（按生效日期）："))
        self.changes_table = _table(("生效日期", "项目", "值", "录入时间", "说明"), [
            (c.effective_on.isoformat(), c.label, c.value or "",
             c.entered_at.astimezone().strftime("%Y-%m-%d %H:%M") if c.entered_at else "", c.note or "")
            for c in changes
        ])
        layout.addWidget(self.changes_table, 2)
        layout.addWidget(QLabel("组织关系转接："))
        self.transfers_table = _table(("日期", "方向", "党组织", "介绍信编号", "党费交至", "备注"), [
            (t.transfer_date.isoformat(), t.direction, t.organization, t.letter_number or "",
             _month_text(t.dues_paid_to), t.note or "")
            for t in transfers
        ])
        layout.addWidget(self.transfers_table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭(&C)")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(720, 480)


def _month_text(value: str | None) -> str:
    if not value:
        return ""
    year, _, month = value.partition("-")
    return f"{year}年{month}月" if month else value


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> QTableWidget:
    table = QTableWidget(len(rows), len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(str(value)))
    table.resizeColumnsToContents()
    table.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    return table
