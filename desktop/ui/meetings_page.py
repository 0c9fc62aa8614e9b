"""组织生活: the calendar of obligations (done/due/overdue) for a month, quarter or year, the
year's meetings, and the actions: plan, record, edit, delete, print (签到表, 会议记录, 年度台账)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import LedgerError, RecordLockedError
from desktop.ui.common import guarded, show_error
from desktop.ui.meetings_models import MeetingTableModel, MemberRateModel, ObligationTableModel

if TYPE_CHECKING:
    from desktop.services.bundle import Services

SCOPES = (("按月", "month"), ("按季度", "quarter"), ("按年", "year"))


def _table(model: Any) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class MeetingsPage(QWidget):
    navigate = Signal(str)
    meeting_saved = Signal(int)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        today = services.ctx.today()
        self.last_dialog: Any = None
        layout = QVBoxLayout(self)

        bar = QHBoxLayout()
        label = QLabel("查看期间(&V)：")
        self.scope = QComboBox()
        for text, key in SCOPES:
            self.scope.addItem(text, key)
        label.setBuddy(self.scope)
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year)
        self.year.setSuffix(" 年")
        self.index = QSpinBox()
        self.index.setRange(1, 12)
        self.index.setValue(today.month)
        self.index.setSuffix(" 月")
        for widget in (label, self.scope, self.year, self.index):
            bar.addWidget(widget)
        self.summary = QLabel()
        bar.addWidget(self.summary, 1)
        layout.addLayout(bar)

        self.obligations = ObligationTableModel(self)
        self.obligation_view = _table(self.obligations)
        self.meetings = MeetingTableModel(self)
        self.meeting_view = _table(self.meetings)
        self.meeting_view.doubleClicked.connect(lambda _: self.edit_selected())
        splitter = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(QLabel("组织生活要求完成情况："))
        top_layout.addWidget(self.obligation_view)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        self.meetings_label = QLabel()
        bottom_layout.addWidget(self.meetings_label)
        bottom_layout.addWidget(self.meeting_view)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        layout.addWidget(splitter, 1)

        buttons = QHBoxLayout()
        self.plan_button = QPushButton("计划会议(&N)…")
        self.record_button = QPushButton("记录会议(&R)…")
        self.edit_button = QPushButton("查看/修改(&E)…")
        self.delete_button = QPushButton("删除(&D)")
        self.signin_button = QPushButton("签到表(&Q)…")
        self.minutes_button = QPushButton("会议记录(&M)…")
        self.ledger_button = QPushButton("年度台账(&Y)…")
        self.rates_button = QPushButton("党员参会率(&B)…")
        actions = (
            (self.plan_button, self.plan), (self.record_button, self.record), (self.edit_button, self.edit_selected),
            (self.delete_button, self.delete_selected), (self.signin_button, self.print_signin),
            (self.minutes_button, self.print_minutes), (self.ledger_button, self.print_ledger),
            (self.rates_button, self.show_member_rates),
        )
        for button, action in actions:
            button.clicked.connect(action)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        if services.ctx.read_only:
            for button in (self.plan_button, self.record_button, self.delete_button):
                button.setEnabled(False)

        self.scope.currentIndexChanged.connect(self._scope_changed)
        self.year.valueChanged.connect(self.refresh)
        self.index.valueChanged.connect(self.refresh)

    # -- showing ------------------------------------------------------------------------------------
    def _scope_changed(self) -> None:
        kind = self.scope.currentData()
        self.index.blockSignals(True)
        today = self.services.ctx.today()
        if kind == "month":
            self.index.setRange(1, 12)
            self.index.setValue(today.month)
            self.index.setSuffix(" 月")
        elif kind == "quarter":
            self.index.setRange(1, 4)
            self.index.setValue((today.month - 1) // 3 + 1)
            self.index.setSuffix(" 季度")
        self.index.setVisible(kind != "year")
        self.index.blockSignals(False)
        self.refresh()

    def refresh(self) -> None:
        kind = self.scope.currentData()
        year = self.year.value()
        index = self.index.value() if kind != "year" else 1
        obligations = self.services.meetings.calendar(kind, year, index)
        self.obligations.set_rows(obligations)
        open_count = sum(1 for o in obligations if o.open)
        overdue = sum(1 for o in obligations if o.status == "overdue")
        self.summary.setText(f"共 {len(obligations)} 项要求：已完成 {len(obligations) - open_count} 项，"
                             f"待开展 {open_count - overdue} 项，已逾期 {overdue} 项")
        meetings = self.services.meetings.list_meetings(year)
        self.meetings.set_rows(meetings)
        held = [m for m in meetings if m.held]
        late = sum(1 for m in held if m.late_entry)
        self.meetings_label.setText(f"{year}年会议：已记录 {len(held)} 次（其中补记 {late} 次），计划 {len(meetings) - len(held)} 次。"
                                    "双击查看或修改。")

    def selected(self) -> Any:
        rows = self.meeting_view.selectionModel().selectedRows()
        return self.meetings.row_at(rows[0].row()) if rows else None

    def select_meeting(self, meeting_id: int) -> None:
        for row in range(self.meetings.rowCount()):
            if self.meetings.row_at(row).id == meeting_id:
                self.meeting_view.selectRow(row)
                return

    # -- plan and record ----------------------------------------------------------------------------
    def plan(self) -> None:
        from desktop.ui.meeting_dialog import PlanDialog

        dialog = PlanDialog(self.services.roster.list_groups(), self.services.ctx.today(), self)
        self.last_dialog = dialog
        if dialog.exec():
            dto = guarded(self, lambda: self.services.meetings.plan_meeting(dialog.kinds, dialog.held_on, dialog.topic,
                                                                            dialog.group_id))
            if dto is not None:
                self.refresh()
                self.select_meeting(dto.id)

    def make_dialog(self, meeting: Any = None) -> Any:
        """The record dialog: empty, started from a plan, or filled with a held meeting's record."""
        from desktop.ui.meeting_dialog import MeetingDialog

        service = self.services.meetings
        detail = service.get_meeting(meeting.id) if meeting is not None and meeting.held else None
        planned = meeting if meeting is not None and not meeting.held else None
        names = [m.name for m in self.services.roster.list_members() if m.is_party_member]
        dialog = MeetingDialog(groups=self.services.roster.list_groups(), expected=service.expected_attendees,
                               today=self.services.ctx.today(), late_limit=service.settings().late_entry_working_days,
                               names=names, detail=detail, planned=planned, parent=self)
        self.last_dialog = dialog
        return dialog

    def record(self) -> None:
        """记录会议: the selected plan's record, or a new one."""
        meeting = self.selected()
        self._run(self.make_dialog(meeting if meeting is not None and not meeting.held else None),
                  meeting.id if meeting is not None and not meeting.held else None)

    def edit_selected(self) -> None:
        meeting = self.selected()
        if meeting is None:
            QMessageBox.information(self, "组织生活", "请先在下方列表中选择一次会议。")
            return
        self._run(self.make_dialog(meeting), meeting.id)

    def _run(self, dialog: Any, meeting_id: int | None) -> None:
        while dialog.exec():
            if self.save_dialog(dialog, meeting_id) is not None:
                return

    def save_dialog(self, dialog: Any, meeting_id: int | None, amendment_reason: str | None = None) -> Any:
        """Save what the dialog holds; a record locked by a signed ledger asks for the 更正 reason."""
        service = self.services.meetings
        try:
            detail = service.record_meeting(meeting_id, dialog.value, attach=dialog.attach_paths,
                                            detach=dialog.detach_ids, amendment_reason=amendment_reason)
        except RecordLockedError as exc:
            reason = self.ask_amendment_reason(exc)
            if not reason:
                return None
            return self.save_dialog(dialog, meeting_id, reason)
        except LedgerError as exc:
            show_error(self, exc, "无法保存会议记录")
            return None
        self.refresh()
        self.select_meeting(detail.meeting.id)
        self.meeting_saved.emit(detail.meeting.id)
        return detail

    def ask_amendment_reason(self, exc: LedgerError) -> str | None:
        reason, ok = QInputDialog.getText(self, "更正已签章的记录", f"{exc.message}\n\n请填写更正原因：")
        return reason.strip() if ok and reason.strip() else None

    def confirm(self, title: str, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        yes = box.addButton("删除(&D)", QMessageBox.ButtonRole.DestructiveRole)
        no = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(no)
        box.exec()
        return box.clickedButton() is yes

    def delete_selected(self, amendment_reason: str | None = None) -> None:
        meeting = self.selected()
        if meeting is None:
            return
        if amendment_reason is None and not self.confirm(
                "删除会议", f"确定删除 {meeting.held_on.isoformat()} 的“{meeting.kinds_label}”（{meeting.topic}）吗？"
                "其考勤、发言、决议和附件登记一并删除。"):
            return
        try:
            self.services.meetings.delete_meeting(meeting.id, amendment_reason=amendment_reason)
        except RecordLockedError as exc:
            reason = self.ask_amendment_reason(exc)
            if reason:
                self.delete_selected(reason)
            return
        except LedgerError as exc:
            show_error(self, exc)
            return
        self.refresh()

    # -- printing ------------------------------------------------------------------------------------------
    def _out_dir(self) -> Path:
        if self.services.ctx.read_only:
            return Path(tempfile.mkdtemp(prefix="branch-ledger-"))
        return self.services.ctx.folder.exports

    def _preview(self, rendered: Any) -> None:
        if rendered is None:
            return
        from desktop.ui.print_preview import preview_pdf

        self.last_dialog = preview_pdf(self, rendered.path, rendered.title)

    def print_signin(self) -> Any:
        meeting = self.selected()
        if meeting is None:
            QMessageBox.information(self, "签到表", "请先选择一次会议（可先“计划会议”）。")
            return None
        out = self._out_dir() / f"签到表-{meeting.number}.pdf"
        rendered = guarded(self, lambda: self.services.meetings.render_signin_sheet(meeting.id, out))
        self._preview(rendered)
        return rendered

    def print_minutes(self) -> Any:
        meeting = self.selected()
        if meeting is None:
            QMessageBox.information(self, "会议记录", "请先选择一次已记录的会议。")
            return None
        out = self._out_dir() / f"会议记录-{meeting.number}.pdf"
        rendered = guarded(self, lambda: self.services.meetings.render_minutes(meeting.id, out))
        self._preview(rendered)
        return rendered

    def print_ledger(self) -> Any:
        year = self.year.value()
        out = self._out_dir() / f"组织生活台账-{year}-{self.services.ctx.today():%Y%m%d}.pdf"
        rendered = guarded(self, lambda: self.services.meetings.render_ledger(year, out))
        self._preview(rendered)
        return rendered

    def show_member_rates(self) -> QDialog:
        """Per-member attendance of the chosen year, lowest first (with the lapse warnings)."""
        year = self.year.value()
        figures = self.services.meetings.year_figures(year)
        dialog = QDialog(self)
        dialog.setWindowTitle(f"{year}年党员参会率")
        dialog.resize(520, 560)
        layout = QVBoxLayout(dialog)
        average = figures.average_attendance_rate
        layout.addWidget(QLabel(f"全年已记录会议 {figures.meetings_held} 次，平均参会率 "
                                f"{average:.1%}" if average is not None else "本年尚无会议记录。"))
        for warning in self.services.meetings.lapse_warnings():
            label = QLabel(warning.text)
            label.setWordWrap(True)
            label.setStyleSheet("color:#b00020")
            layout.addWidget(label)
        model = MemberRateModel(dialog)
        model.set_rows(sorted(figures.member_rates, key=lambda r: (r.rate if r.rate is not None else 2, r.name)))
        layout.addWidget(_table(model))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭(&C)")
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.model = model  # type: ignore[attr-defined]
        self.last_dialog = dialog
        dialog.open()
        return dialog
