"""The meeting dialogs: plan a meeting (type, date, topic), and enter its record (会议记录).

Dialogs expose plain values and check them with the domain rules in `accept()`; the page saves
through the service (which checks again against the roster) and reopens the dialog on refusal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.errors import LedgerError, ValidationError
from desktop.domain.meetings import (
    ATTENDANCE_STATUSES,
    LEAVE,
    LEAVE_TYPES,
    MEETING_TYPES,
    AttendanceEntry,
    Attendee,
    Speech,
    Tally,
    check_attendance,
    check_full_name,
    check_kinds,
    check_speeches,
    check_time_span,
    entry_deadline,
    is_late_entry,
    tally_problems,
)
from desktop.ui.common import DateEdit

ExpectedFn = Callable[[Sequence[str], "int | None", dt.date], list[Attendee]]


class KindsBox(QWidget):
    """Check boxes for the meeting's types (several when combined) and the party group."""

    def __init__(self, groups: Sequence[Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        for i, mtype in enumerate(MEETING_TYPES):
            box = QCheckBox(mtype.name)
            box.setToolTip(mtype.note)
            self.boxes[mtype.name] = box
            grid.addWidget(box, i // 3, i % 3)
        self.group = QComboBox()
        self.group.addItem("（不是党小组会）", None)
        for g in groups:
            self.group.addItem(g.name + ("（已撤销）" if g.dissolved_on else ""), g.id)
        grid.addWidget(QLabel("党小组："), 3, 0)
        grid.addWidget(self.group, 3, 1, 1, 2)
        self.boxes["党小组会"].toggled.connect(lambda on: self.group.setEnabled(on))
        self.group.setEnabled(False)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(name for name, box in self.boxes.items() if box.isChecked())

    @kinds.setter
    def kinds(self, value: Sequence[str]) -> None:
        for name, box in self.boxes.items():
            box.setChecked(name in value)

    @property
    def group_id(self) -> int | None:
        return self.group.currentData() if "党小组会" in self.kinds else None

    @group_id.setter
    def group_id(self, value: int | None) -> None:
        index = self.group.findData(value)
        self.group.setCurrentIndex(max(index, 0))


class PlanDialog(QDialog):
    """计划会议: type(s), date and topic; the sign-in sheet can be printed from the plan."""

    def __init__(self, groups: Sequence[Any], today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("计划会议")
        form = QFormLayout(self)
        self.kinds_box = KindsBox(groups)
        self.date_edit = DateEdit(today, optional=False)
        self.topic_edit = QLineEdit()
        for label, widget in (("会议类型(&K)：", self.kinds_box), ("日期(&D)：", self.date_edit), ("主题(&T)：", self.topic_edit)):
            form.addRow(label, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("确定(&O)")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @property
    def kinds(self) -> tuple[str, ...]:
        return self.kinds_box.kinds

    @property
    def group_id(self) -> int | None:
        return self.kinds_box.group_id

    @property
    def held_on(self) -> dt.date:
        return self.date_edit.date_value()  # type: ignore[return-value]

    @property
    def topic(self) -> str:
        return self.topic_edit.text().strip()

    def accept(self) -> None:
        try:
            check_kinds(self.kinds, self.group_id)
            if not self.topic:
                raise ValidationError("请填写会议主题", field="topic")
        except LedgerError as exc:
            QMessageBox.warning(self, "请检查", exc.message)
            return
        super().accept()


NOT_TALKED = "未谈话"  # 谈心谈话: a member on the roster not talked with in this sitting (not listed)
ATT_COLUMNS = ("姓名", "党员类型", "考勤", "请假类别", "说明（请假事由/缺席原因）")
RES_COLUMNS = ("决议内容", "表决", "应到", "实到", "赞成", "反对", "弃权", "书面意见(份)", "未到会党员书面意见")


class MeetingDialog(QDialog):
    """会议记录: everything the record holds, in tabs; usable by keyboard (Alt+letter on each label)."""

    def __init__(self, *, groups: Sequence[Any], expected: ExpectedFn, today: dt.date, late_limit: int,
                 names: Sequence[str] = (), detail: Any = None, planned: Any = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._expected_fn = expected
        self._today = today
        self._late_limit = late_limit
        self._recorded_on: dt.date | None = None
        self._attendees: list[Attendee] = []
        self.attach_paths: list[Path] = []
        self.detach_ids: list[int] = []
        self.setWindowTitle("会议记录")
        self.resize(900, 640)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._basic_tab(groups, names), "基本信息(&1)")
        self.tabs.addTab(self._attendance_tab(), "考勤(&2)")
        self.tabs.addTab(self._minutes_tab(), "议程与发言(&3)")
        self.tabs.addTab(self._resolutions_tab(), "决议与表决(&4)")
        self.tabs.addTab(self._attachments_tab(), "列席与附件(&5)")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("保存(&S)")
        self.ok_button.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

        if detail is not None:
            self._load(detail)
        elif planned is not None:
            self.kinds_box.kinds = planned.kinds
            self.kinds_box.group_id = planned.party_group_id
            self.date_edit.set_date(planned.held_on)
            self.topic_edit.setText(planned.topic)
        else:
            self.date_edit.set_date(today)
        self.kinds_box.group.currentIndexChanged.connect(self.reload_attendees)
        for box in self.kinds_box.boxes.values():
            box.toggled.connect(self.reload_attendees)
        self.date_edit.dateChanged.connect(self.reload_attendees)
        self.date_edit.dateChanged.connect(self._update_late)
        self.reload_attendees()
        self._update_late()
        # Enter saves the record: no other button may take the default on focus.
        for button in self.findChildren(QPushButton):
            if button is not self.ok_button:
                button.setAutoDefault(False)
                button.setDefault(False)
        self.ok_button.setDefault(True)

    # -- tabs ------------------------------------------------------------------------------------------
    def _basic_tab(self, groups: Sequence[Any], names: Sequence[str]) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.kinds_box = KindsBox(groups)
        self.date_edit = DateEdit(None, optional=False)
        self.starts_edit = QLineEdit()
        self.starts_edit.setPlaceholderText("14:30")
        self.ends_edit = QLineEdit()
        self.ends_edit.setPlaceholderText("16:30")
        span = QHBoxLayout()
        span.addWidget(self.starts_edit)
        span.addWidget(QLabel("至"))
        span.addWidget(self.ends_edit)
        self.place_edit = QLineEdit()
        self.online_box = QCheckBox("线上会议(&N)")
        place = QHBoxLayout()
        place.addWidget(self.place_edit, 1)
        place.addWidget(self.online_box)
        self.topic_edit = QLineEdit()
        self.activity_edit = QPlainTextEdit()
        self.activity_edit.setTabChangesFocus(True)
        self.activity_edit.setPlaceholderText("主题党日：活动内容")
        self.activity_edit.setMaximumHeight(60)
        self.chair_edit = QLineEdit()
        self.recorder_edit = QLineEdit()
        if names:
            from PySide6.QtWidgets import QCompleter

            for edit in (self.chair_edit, self.recorder_edit):
                edit.setCompleter(QCompleter(list(names), edit))
        self.late_label = QLabel()
        self.late_label.setWordWrap(True)
        self.late_reason_edit = QLineEdit()
        self.late_reason_edit.setPlaceholderText("逾期录入时必填")
        rows = (
            ("会议类型(&K)：", self.kinds_box, self.kinds_box.boxes["支部党员大会"]),
            ("日期(&D)：", self.date_edit, self.date_edit), ("时间(&M)：", span, self.starts_edit),
            ("地点(&P)：", place, self.place_edit), ("主题(&T)：", self.topic_edit, self.topic_edit),
            ("活动内容(&A)：", self.activity_edit, self.activity_edit),
            ("主持人(&H)：", self.chair_edit, self.chair_edit), ("记录人(&R)：", self.recorder_edit, self.recorder_edit),
            ("录入情况：", self.late_label, None), ("补记原因(&L)：", self.late_reason_edit, self.late_reason_edit),
        )
        for text, field, buddy in rows:
            label = QLabel(text)
            if buddy is not None:
                label.setBuddy(buddy)
            form.addRow(label, field)
        return page

    def _attendance_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.attendance_summary = QLabel()
        layout.addWidget(self.attendance_summary)
        self.attendance_table = QTableWidget(0, len(ATT_COLUMNS))
        self.attendance_table.setHorizontalHeaderLabels(ATT_COLUMNS)
        self.attendance_table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.attendance_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        layout.addWidget(self.attendance_table)
        row = QHBoxLayout()
        all_present = QPushButton("全部设为出席(&Q)")
        all_present.clicked.connect(self._all_present)
        row.addWidget(all_present)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def _minutes_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.agenda_edit = QPlainTextEdit()
        self.agenda_edit.setTabChangesFocus(True)
        self.agenda_edit.setPlaceholderText("每行一项议程")
        self.speeches_edit = QPlainTextEdit()
        self.speeches_edit.setTabChangesFocus(True)
        self.speeches_edit.setPlaceholderText("每行一位发言人：姓名：发言要点（写全名，不写“大家一致认为”）")
        self.closing_edit = QLineEdit()
        for label, widget in (("议程(&G)：", self.agenda_edit), ("发言记录(&Y)：", self.speeches_edit),
                              ("结束语(&E)：", self.closing_edit)):
            form.addRow(label, widget)
            form.labelForField(widget).setBuddy(widget)
        return page

    def _resolutions_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel("表决须有半数以上有表决权的党员（正式党员）到会；赞成票超过应到有表决权党员的半数为通过。"
                                "预备党员无表决权。未到会党员会前提交的书面意见计入票数。"))
        self.resolutions_table = QTableWidget(0, len(RES_COLUMNS))
        self.resolutions_table.setHorizontalHeaderLabels(RES_COLUMNS)
        header = self.resolutions_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(8, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 8):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.resolutions_table.setColumnWidth(col, 62 if col > 1 else 40)
        layout.addWidget(self.resolutions_table)
        row = QHBoxLayout()
        add = QPushButton("添加决议(&J)")
        add.clicked.connect(lambda: self.add_resolution())
        remove = QPushButton("删除所选决议")
        remove.clicked.connect(self._remove_resolution)
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def _attachments_tab(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.guests_edit = QPlainTextEdit()
        self.guests_edit.setTabChangesFocus(True)
        self.guests_edit.setPlaceholderText("每行一位列席人员：姓名（单位、职务）")
        self.guests_edit.setMaximumHeight(80)
        form.addRow("列席人员(&U)：", self.guests_edit)
        form.labelForField(self.guests_edit).setBuddy(self.guests_edit)
        self.attachment_list = QListWidget()
        self.attachment_list.setViewMode(QListWidget.ViewMode.IconMode)
        self.attachment_list.setIconSize(QSize(96, 96))
        self.attachment_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.attachment_list.itemActivated.connect(self._open_attachment)
        form.addRow("附件(&F)：", self.attachment_list)
        form.labelForField(self.attachment_list).setBuddy(self.attachment_list)
        buttons = QHBoxLayout()
        add = QPushButton("添加照片或扫描件(&I)…")
        add.clicked.connect(self._choose_attachments)
        open_button = QPushButton("打开(&O)")
        open_button.clicked.connect(lambda: self._open_attachment(self.attachment_list.currentItem()))
        remove = QPushButton("移除(&X)")
        remove.clicked.connect(self._remove_attachment)
        for b in (add, open_button, remove):
            buttons.addWidget(b)
        buttons.addStretch(1)
        form.addRow("", buttons)
        return page

    # -- attendance ------------------------------------------------------------------------------------
    def reload_attendees(self) -> None:
        """Expected attendees for the chosen types, group and date; entries already made are kept."""
        kept = {e.member_id: e for e in self._entries(strict=False)}
        try:
            self._attendees = self._expected_fn(self.kinds_box.kinds, self.kinds_box.group_id, self.held_on) \
                if self.kinds_box.kinds else []
        except LedgerError:
            self._attendees = []
        table = self.attendance_table
        table.setRowCount(0)
        for attendee in self._attendees:
            row = table.rowCount()
            table.insertRow(row)
            name = QTableWidgetItem(attendee.name)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            name.setData(Qt.ItemDataRole.UserRole, attendee.member_id)
            table.setItem(row, 0, name)
            kind = QTableWidgetItem("预备党员（无表决权）" if attendee.probationary else "正式党员")
            kind.setFlags(Qt.ItemFlag.ItemIsEnabled)
            table.setItem(row, 1, kind)
            status = QComboBox()
            if attendee.optional:  # 谈心谈话: only the people talked with are listed
                status.addItem(NOT_TALKED)
            status.addItems(ATTENDANCE_STATUSES)
            leave = QComboBox()
            leave.addItem("", None)
            for t in LEAVE_TYPES:
                leave.addItem(t, t)
            note = QLineEdit()
            entry = kept.get(attendee.member_id)
            if entry:
                status.setCurrentText(entry.status)
                leave.setCurrentIndex(max(leave.findData(entry.leave_type), 0))
                note.setText(entry.note or "")
            leave.setEnabled(status.currentText() == LEAVE)
            status.currentTextChanged.connect(lambda text, box=leave: box.setEnabled(text == LEAVE))
            status.currentTextChanged.connect(self._update_summary)
            table.setCellWidget(row, 2, status)
            table.setCellWidget(row, 3, leave)
            table.setCellWidget(row, 4, note)
        self._update_summary()

    def set_attendance(self, member_id: int, status: str, leave_type: str | None = None, note: str = "") -> None:
        for row in range(self.attendance_table.rowCount()):
            if self.attendance_table.item(row, 0).data(Qt.ItemDataRole.UserRole) == member_id:
                self.attendance_table.cellWidget(row, 2).setCurrentText(status)
                leave = self.attendance_table.cellWidget(row, 3)
                leave.setCurrentIndex(max(leave.findData(leave_type), 0))
                self.attendance_table.cellWidget(row, 4).setText(note)
                return
        raise KeyError(member_id)

    def _all_present(self) -> None:
        for row in range(self.attendance_table.rowCount()):
            status = self.attendance_table.cellWidget(row, 2)
            if status.findText(NOT_TALKED) < 0:  # 谈心谈话: the people talked with are picked one by one
                status.setCurrentText("出席")

    def _entries(self, strict: bool = True) -> list[AttendanceEntry]:
        table = getattr(self, "attendance_table", None)
        if table is None:
            return []
        out = []
        for row in range(table.rowCount()):
            member_id = table.item(row, 0).data(Qt.ItemDataRole.UserRole)
            status = table.cellWidget(row, 2).currentText()
            if status == NOT_TALKED:
                continue
            leave = table.cellWidget(row, 3).currentData() if status == LEAVE else None
            out.append(AttendanceEntry(member_id, status, leave, table.cellWidget(row, 4).text().strip() or None))
        return out

    def _update_summary(self) -> None:
        entries = self._entries(strict=False)
        present = sum(1 for e in entries if e.present)
        voting = self._voting(entries)
        present_voting = sum(1 for e in entries if e.present and e.member_id in voting)
        self.attendance_summary.setText(
            f"应到 {len(entries)} 人，实到 {present} 人；有表决权的正式党员应到 {len(voting)} 人，实到 {present_voting} 人。")

    def _voting(self, entries: list[AttendanceEntry]) -> set[int]:
        """Voting members expected; of a 谈心谈话's optional rows only those listed."""
        listed = {e.member_id for e in entries}
        return {a.member_id for a in self._attendees if a.votes and (not a.optional or a.member_id in listed)}

    @property
    def voting_counts(self) -> tuple[int, int]:
        voting = self._voting(self._entries(strict=False))
        present = sum(1 for e in self._entries(strict=False) if e.present and e.member_id in voting)
        return len(voting), present

    # -- resolutions ------------------------------------------------------------------------------------
    def add_resolution(self, text: str = "", voted: bool = False, numbers: Sequence[int] | None = None,
                       opinions: str = "") -> int:
        table = self.resolutions_table
        row = table.rowCount()
        table.insertRow(row)
        table.setItem(row, 0, QTableWidgetItem(text))
        box = QCheckBox()
        box.setChecked(voted)
        table.setCellWidget(row, 1, box)
        expected, present = self.voting_counts
        values = list(numbers) if numbers is not None else [expected, present, present, 0, 0, 0]
        for col, value in enumerate(values, start=2):
            spin = QSpinBox()
            spin.setRange(0, 9999)
            spin.setValue(value)
            table.setCellWidget(row, col, spin)
        table.setItem(row, 8, QTableWidgetItem(opinions))
        return row

    def _remove_resolution(self) -> None:
        row = self.resolutions_table.currentRow()
        if row >= 0:
            self.resolutions_table.removeRow(row)

    def _resolutions(self) -> list[Any]:
        from desktop.services.meetings import ResolutionInput

        table = self.resolutions_table
        out = []
        for row in range(table.rowCount()):
            text = (table.item(row, 0).text() if table.item(row, 0) else "").strip()
            voted = table.cellWidget(row, 1).isChecked()
            numbers = [table.cellWidget(row, col).value() for col in range(2, 8)]
            opinions = (table.item(row, 8).text() if table.item(row, 8) else "").strip()
            if voted:
                out.append(ResolutionInput(text, True, *numbers, written_opinions=opinions))
            else:
                out.append(ResolutionInput(text))
        return out

    # -- attachments -----------------------------------------------------------------------------------------
    def _choose_attachments(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "选择照片或扫描件", "", "图片或 PDF (*.jpg *.jpeg *.png *.pdf)")
        for name in files:
            self.add_attachment_path(Path(name))

    def add_attachment_path(self, path: Path) -> None:
        from desktop.storage.attachments import MAX_BYTES, media_type_of

        try:
            size = path.stat().st_size
            head = path.open("rb").read(16)
        except OSError as exc:
            QMessageBox.warning(self, "无法添加附件", f"无法读取 {path.name}：{exc.strerror or exc}")
            return
        if media_type_of(head) is None:
            QMessageBox.warning(self, "无法添加附件", f"{path.name} 不是 JPEG、PNG 图片或 PDF 文件（按文件内容判断）")
            return
        if size > MAX_BYTES:
            QMessageBox.warning(self, "无法添加附件", f"{path.name} 有 {size / 1048576:.1f} MB，超过上限 {MAX_BYTES // 1048576} MB")
            return
        self.attach_paths.append(path)
        self._add_item(path.name, path, None, head.startswith(b"%PDF-") is False)

    def _add_item(self, name: str, path: Path, attachment_id: int | None, is_image: bool) -> None:
        item = QListWidgetItem(name)
        item.setData(Qt.ItemDataRole.UserRole, (str(path), attachment_id))
        item.setToolTip(str(path))
        if is_image:
            image = QImage(str(path))
            if not image.isNull():
                item.setIcon(QIcon(QPixmap.fromImage(image.scaled(96, 96, Qt.AspectRatioMode.KeepAspectRatio,
                                                                    Qt.TransformationMode.SmoothTransformation))))
        else:
            item.setText(f"[PDF] {name}")
        self.attachment_list.addItem(item)

    def _open_attachment(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        path, _ = item.data(Qt.ItemDataRole.UserRole)
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    def _remove_attachment(self) -> None:
        item = self.attachment_list.currentItem()
        if item is None:
            return
        path, attachment_id = item.data(Qt.ItemDataRole.UserRole)
        if attachment_id is not None:
            self.detach_ids.append(attachment_id)
        else:
            self.attach_paths = [p for p in self.attach_paths if str(p) != path]
        self.attachment_list.takeItem(self.attachment_list.row(item))

    # -- load and values -----------------------------------------------------------------------------------
    def _load(self, detail: Any) -> None:
        m = detail.meeting
        self.kinds_box.kinds = m.kinds
        self.kinds_box.group_id = m.party_group_id
        self.date_edit.set_date(m.held_on)
        self._recorded_on = m.recorded_on if m.held else None
        self.starts_edit.setText(m.starts_at or "")
        self.ends_edit.setText(m.ends_at or "")
        self.place_edit.setText(m.place or "")
        self.online_box.setChecked(m.online)
        self.topic_edit.setText(m.topic)
        self.activity_edit.setPlainText(m.activity or "")
        self.chair_edit.setText(m.chair or "")
        self.recorder_edit.setText(m.recorder or "")
        self.late_reason_edit.setText(m.late_reason or "")
        self.agenda_edit.setPlainText("\n".join(m.agenda))
        self.speeches_edit.setPlainText("\n".join(f"{s.speaker}：{s.points}" for s in detail.speeches))
        self.closing_edit.setText(m.closing or "")
        self.guests_edit.setPlainText("\n".join(m.guests))
        self.reload_attendees()
        for a in detail.attendance:
            try:
                self.set_attendance(a.member_id, a.status, a.leave_type, a.note or "")
            except KeyError:
                pass
        for r in detail.resolutions:
            self.add_resolution(r.text, r.voted, [r.expected, r.present, r.yes, r.no, r.abstain, r.written],
                                r.written_opinions)
        for a in detail.attachments:
            self._add_item(a.filename, a.path, a.id, a.is_image)

    def _update_late(self) -> None:
        entered = self._recorded_on or self._today
        day = self.held_on
        deadline = entry_deadline(day, self._late_limit)
        if day > self._today:
            self.late_label.setText("会议日期晚于今天：尚未召开的会议请先“计划”。")
        elif is_late_entry(day, entered, self._late_limit):
            self.late_label.setText(f"<b style='color:#b00020'>补记</b>：应在 {deadline.isoformat()} 前录入"
                                    f"（会后 {self._late_limit} 个工作日内），录入日为 {entered.isoformat()}。请填写补记原因。")
        else:
            self.late_label.setText(f"按时录入（期限 {deadline.isoformat()}）。")
        self.late_reason_edit.setEnabled(is_late_entry(day, entered, self._late_limit))

    @property
    def held_on(self) -> dt.date:
        return self.date_edit.date_value()  # type: ignore[return-value]

    def _speeches(self) -> tuple[Speech, ...]:
        out = []
        for number, line in enumerate(self.speeches_edit.toPlainText().splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            for sep in ("：", ":"):
                if sep in line:
                    speaker, points = line.split(sep, 1)
                    out.append(Speech(speaker.strip(), points.strip()))
                    break
            else:
                raise ValidationError(f"发言记录第{number}行应写作“姓名：发言要点”", field="speeches")
        return tuple(out)

    @property
    def value(self) -> Any:
        """The record as entered (a services.meetings.MeetingInput)."""
        from desktop.services.meetings import MeetingInput

        return MeetingInput(
            kinds=self.kinds_box.kinds, held_on=self.held_on, topic=self.topic_edit.text().strip(),
            party_group_id=self.kinds_box.group_id, starts_at=self.starts_edit.text(), ends_at=self.ends_edit.text(),
            place=self.place_edit.text().strip() or None, online=self.online_box.isChecked(),
            activity=self.activity_edit.toPlainText().strip() or None, chair=self.chair_edit.text(),
            recorder=self.recorder_edit.text(),
            agenda=tuple(line.strip() for line in self.agenda_edit.toPlainText().splitlines() if line.strip()),
            speeches=self._speeches(), resolutions=tuple(self._resolutions()),
            guests=tuple(line.strip() for line in self.guests_edit.toPlainText().splitlines() if line.strip()),
            attendance=tuple(self._entries()), closing=self.closing_edit.text().strip() or None,
            late_reason=self.late_reason_edit.text().strip() or None,
        )

    def problems(self) -> str | None:
        """The first rule the entry breaks (checked with the domain rules), or None."""
        try:
            data = self.value
            check_kinds(data.kinds, data.party_group_id)
            if data.held_on > self._today:
                raise ValidationError("会议日期晚于今天：尚未召开的会议请先“计划”", field="held_on")
            if not data.topic:
                raise ValidationError("请填写会议主题", field="topic")
            check_time_span(data.starts_at, data.ends_at)
            if not data.place and not data.online:
                raise ValidationError("请填写会议地点（线上会议请勾选“线上会议”）", field="place")
            check_full_name(data.chair, "主持人", "chair")
            check_full_name(data.recorder, "记录人", "recorder")
            if not data.agenda:
                raise ValidationError("请至少填写一项议程", field="agenda")
            check_speeches(data.speeches)
            check_attendance(data.attendance, self._attendees, data.held_on)
            expected, present = self.voting_counts
            for index, r in enumerate(data.resolutions, start=1):
                if not r.text.strip():
                    raise ValidationError(f"第{index}项决议内容为空", field="resolutions")
                if r.voted:
                    issues = tally_problems(Tally(r.expected, r.present, r.yes, r.no, r.abstain, r.written),
                                            expected_voting=expected, present_voting=present)
                    if issues:
                        raise ValidationError(f"第{index}项决议表决结果不能成立：" + "；".join(issues), field="resolutions")
            entered = self._recorded_on or self._today
            if is_late_entry(data.held_on, entered, self._late_limit) and not data.late_reason:
                raise ValidationError("本记录逾期录入，属于补记：请填写补记原因", field="late_reason")
        except LedgerError as exc:
            return exc.message
        return None

    def accept(self) -> None:
        problem = self.problems()
        if problem:
            QMessageBox.warning(self, "请检查会议记录", problem)
            return
        super().accept()
