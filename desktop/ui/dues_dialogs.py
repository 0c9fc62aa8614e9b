"""Dues dialogs: 年度核定 (the amount computed live as the base is typed), 登记缴纳, 登记上缴.

Dialogs expose plain properties and check them in `accept()` with the domain rules; the page saves
through the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.dues import (
    BRACKETED,
    DEFAULT_LIMIT_MONTHS,
    DEFAULT_ROUNDING,
    DUES_CATEGORIES,
    FARMER,
    HARDSHIP,
    PAYMENT_METHODS,
    RETIRED,
    Month,
    MonthDue,
    allocate_payment,
    coverage_problem,
    determine_dues,
    to_money,
    yuan,
)
from desktop.domain.errors import LedgerError, ValidationError
from desktop.ui.common import from_qdate, show_error, to_qdate

MemberChoice = tuple[int, str, str]  # (id, name, category)


def _member_combo(members: Sequence[MemberChoice], selected: int | None) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName("member")
    combo.setEditable(False)
    for member_id, name, category in members:
        combo.addItem(f"{name}（{category}）", member_id)
    if selected is not None:
        index = combo.findData(selected)
        if index >= 0:
            combo.setCurrentIndex(index)
    return combo


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    ok.setDefault(True)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class DeterminationDialog(QDialog):
    """年度核定: a member's category and base for a year; the monthly amount and the rate are shown
    as the base is typed."""

    def __init__(self, members: Sequence[MemberChoice], *, year: int, member_id: int | None = None,
                 current: Mapping[int, Any] | None = None, rounding: str = DEFAULT_ROUNDING, farmer_amount: Decimal = Decimal("0.20"),
                 determined_by: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("党费年度核定")
        self._rounding = rounding
        self._farmer_amount = farmer_amount
        self._categories = {m[0]: m[2] for m in members}
        self._current = dict(current or {})  # member id -> the determination in force (a DeterminationDto)
        form = QFormLayout()
        self.member_combo = _member_combo(members, member_id)
        form.addRow("党员(&M)：", self.member_combo)
        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("year")
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(year)
        form.addRow("核定年度(&Y)：", self.year_spin)
        self.month_spin = QSpinBox()
        self.month_spin.setObjectName("from_month")
        self.month_spin.setRange(1, 12)
        self.month_spin.setSuffix(" 月起")
        form.addRow("执行起始月(&F)：", self.month_spin)
        self.category_combo = QComboBox()
        self.category_combo.setObjectName("category")
        self.category_combo.addItems(list(DUES_CATEGORIES))
        form.addRow("人员类别(&C)：", self.category_combo)
        self.base_edit = QLineEdit()
        self.base_edit.setObjectName("base")
        self.base_edit.setPlaceholderText("税后月收入：基本工资+岗位工资+固定奖金−个税−五险一金−年金")
        form.addRow("计算基数（元）(&B)：", self.base_edit)
        self.fixed_edit = QLineEdit()
        self.fixed_edit.setObjectName("fixed_amount")
        form.addRow("每月定额（元）(&X)：", self.fixed_edit)
        self.voluntary_check = QCheckBox("本人自愿按超过1000元的数额交纳(&V)")
        self.voluntary_check.setObjectName("voluntary")
        form.addRow("", self.voluntary_check)
        self.approval_edit = QLineEdit()
        self.approval_edit.setObjectName("approval_ref")
        self.approval_edit.setPlaceholderText("生活困难党员减免：批准文号或批准情况")
        form.addRow("批准情况(&A)：", self.approval_edit)
        self.reason_edit = QLineEdit()
        self.reason_edit.setObjectName("reason")
        self.reason_edit.setPlaceholderText("年中调整时必填")
        form.addRow("调整原因(&R)：", self.reason_edit)
        self.by_edit = QLineEdit(determined_by)
        self.by_edit.setObjectName("determined_by")
        form.addRow("核定人(&D)：", self.by_edit)
        self.amount_label = QLabel()
        self.amount_label.setObjectName("amount")
        self.amount_label.setWordWrap(True)
        self.amount_label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.amount_label)
        layout.addWidget(_buttons(self, "保存核定"))
        for signal in (self.base_edit.textChanged, self.fixed_edit.textChanged, self.category_combo.currentIndexChanged,
                       self.voluntary_check.toggled):
            signal.connect(self._update)
        self.member_combo.currentIndexChanged.connect(self._member_changed)
        self._member_changed()
        self.setMinimumWidth(520)

    def _member_changed(self) -> None:
        """Start from the member's determination in force (to correct or adjust it), else their category."""
        member_id = self.member_combo.currentData()
        det = self._current.get(member_id)
        category = det.category if det is not None else self._categories.get(member_id)
        if category in DUES_CATEGORIES:
            self.category_combo.setCurrentText(category)
        self.base_edit.setText(yuan(det.base) if det is not None and det.base is not None else "")
        self.fixed_edit.setText(yuan(det.fixed_amount) if det is not None and det.fixed_amount is not None else "")
        self.approval_edit.setText(det.approval_ref or "" if det is not None else "")
        self._update()

    def _update(self) -> None:
        category = self.category_combo.currentText()
        by_base = category in BRACKETED or category == RETIRED
        self.base_edit.setEnabled(by_base)
        self.voluntary_check.setEnabled(by_base)
        self.fixed_edit.setEnabled(category in (FARMER, HARDSHIP))
        self.approval_edit.setEnabled(category == HARDSHIP)
        if category == FARMER and not self.fixed_edit.text().strip():
            self.fixed_edit.blockSignals(True)
            self.fixed_edit.setText(str(self._farmer_amount))
            self.fixed_edit.blockSignals(False)
        try:
            result = self._compute()
        except (ValidationError, TypeError) as exc:
            self.amount_label.setText(f"月应缴：—　{getattr(exc, 'message', '')}")
            self.amount_label.setStyleSheet("color: #8B0000;")
            return
        self.amount_label.setStyleSheet("")
        self.amount_label.setText(f"月应缴：{yuan(result.amount)} 元　执行比例：{result.rate_label}\n{result.rule}")

    def _compute(self):  # type: ignore[no-untyped-def]
        return determine_dues(self.category, self.base, fixed_amount=self.fixed_amount, voluntary=self.voluntary,
                              rounding=self._rounding)

    # -- plain properties ----------------------------------------------------------------------
    @property
    def member_id(self) -> int:
        return int(self.member_combo.currentData())

    @property
    def year(self) -> int:
        return self.year_spin.value()

    @property
    def from_month(self) -> int:
        return self.month_spin.value()

    @property
    def category(self) -> str:
        return self.category_combo.currentText()

    @property
    def base(self) -> str | None:
        text = self.base_edit.text().strip()
        return text if self.base_edit.isEnabled() and text else None

    @property
    def fixed_amount(self) -> str | None:
        text = self.fixed_edit.text().strip()
        return text if self.fixed_edit.isEnabled() and text else None

    @property
    def voluntary(self) -> bool:
        return self.voluntary_check.isEnabled() and self.voluntary_check.isChecked()

    @property
    def approval_ref(self) -> str | None:
        return self.approval_edit.text().strip() or None

    @property
    def reason(self) -> str | None:
        return self.reason_edit.text().strip() or None

    @property
    def determined_by(self) -> str:
        return self.by_edit.text().strip()

    def accept(self) -> None:
        try:
            self._compute()
            if self.member_combo.currentData() is None:
                raise ValidationError("请选择党员", field="member")
            if not self.determined_by:
                raise ValidationError("请填写核定人", field="determined_by")
            if self.category == HARDSHIP and not self.approval_ref:
                raise ValidationError("生活困难党员减免党费须填写批准文号或批准情况", field="approval_ref")
        except LedgerError as exc:
            show_error(self, exc)
            self._focus(getattr(exc, "field", None))
            return
        super().accept()

    def _focus(self, field: str | None) -> None:
        widget = {"base": self.base_edit, "fixed_amount": self.fixed_edit, "determined_by": self.by_edit,
                  "approval_ref": self.approval_edit, "member": self.member_combo}.get(field or "")
        if widget is not None:
            widget.setFocus()


DueLookup = Callable[[int, dt.date], list[MonthDue]]


class PaymentDialog(QDialog):
    """登记缴纳: the member's unpaid months are listed (overdue and the current month ticked); the
    amount follows the ticked months until it is typed; over/under payment is explained live."""

    def __init__(self, members: Sequence[MemberChoice], *, due_lookup: DueLookup, today: dt.date,
                 member_id: int | None = None, collector: str = "", next_receipt: str = "",
                 limit_months: int = DEFAULT_LIMIT_MONTHS, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("登记党费缴纳")
        self._lookup = due_lookup
        self._today = today
        self._limit = limit_months
        self._dues: list[MonthDue] = []
        self._amount_typed = False
        form = QFormLayout()
        self.member_combo = _member_combo(members, member_id)
        form.addRow("党员(&M)：", self.member_combo)
        self.date_edit = QDateEdit(to_qdate(today))
        self.date_edit.setObjectName("paid_on")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMaximumDate(to_qdate(today))
        form.addRow("缴纳日期(&D)：", self.date_edit)
        self.months_list = QListWidget()
        self.months_list.setObjectName("months")
        self.months_list.setMinimumHeight(150)
        form.addRow("所属月份(&O)：", self.months_list)
        self.amount_edit = QLineEdit()
        self.amount_edit.setObjectName("amount")
        form.addRow("缴纳金额（元）(&A)：", self.amount_edit)
        self.method_combo = QComboBox()
        self.method_combo.setObjectName("method")
        self.method_combo.addItems(list(PAYMENT_METHODS))
        form.addRow("缴纳方式(&W)：", self.method_combo)
        self.collector_edit = QLineEdit(collector)
        self.collector_edit.setObjectName("collector")
        form.addRow("收缴人(&C)：", self.collector_edit)
        self.receipt_edit = QLineEdit()
        self.receipt_edit.setObjectName("receipt_number")
        self.receipt_edit.setPlaceholderText(f"留空自动编号（下一个：{next_receipt}）" if next_receipt else "留空自动编号")
        form.addRow("收据编号(&N)：", self.receipt_edit)
        self.override_edit = QLineEdit()
        self.override_edit.setObjectName("override_reason")
        self.override_edit.setPlaceholderText(f"补交或预交超过{limit_months}个月时填写原因")
        form.addRow("超期原因(&R)：", self.override_edit)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("note")
        form.addRow("备注(&E)：", self.note_edit)
        self.explain_label = QLabel()
        self.explain_label.setObjectName("explanation")
        self.explain_label.setWordWrap(True)
        self.explain_label.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.explain_label)
        layout.addWidget(_buttons(self, "保存并生成收据"))
        self.member_combo.currentIndexChanged.connect(self._member_changed)
        self.date_edit.dateChanged.connect(self._reload)
        self.months_list.itemChanged.connect(self._months_changed)
        self.amount_edit.textEdited.connect(self._amount_edited)
        self.amount_edit.textChanged.connect(self._explain)
        self.override_edit.textChanged.connect(self._explain)
        self._reload()
        self.setMinimumWidth(520)

    def _member_changed(self) -> None:
        self._amount_typed = False  # the amount follows the new member's months again
        self._reload()

    def _reload(self) -> None:
        member = self.member_combo.currentData()
        self._dues = self._lookup(int(member), self.paid_on) if member is not None else []
        current = Month.of(self.paid_on)
        self.months_list.blockSignals(True)
        self.months_list.clear()
        for due in self._dues:
            late = "（欠缴）" if due.month < current else "（预交）" if due.month > current else ""
            paid = f"，已缴{yuan(due.paid)}" if due.paid else ""
            item = QListWidgetItem(f"{due.month.label}　应缴{yuan(due.due)}元{paid}{late}")
            item.setData(Qt.ItemDataRole.UserRole, due.month.index)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if due.month <= current else Qt.CheckState.Unchecked)
            self.months_list.addItem(item)
        if not self._dues:
            self.months_list.addItem("（没有未缴的月份；可登记自愿多交或大额党费）")
        self.months_list.blockSignals(False)
        self._months_changed()

    def _months_changed(self, *_: object) -> None:
        if not self._amount_typed:
            self.amount_edit.setText(yuan(sum((d.remaining for d in self._checked()), Decimal("0.00"))))
        self._explain()

    def _amount_edited(self, _text: str) -> None:
        self._amount_typed = True

    def _checked(self) -> list[MonthDue]:
        chosen = set()
        for i in range(self.months_list.count()):
            item = self.months_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) is not None and item.checkState() == Qt.CheckState.Checked:
                chosen.add(int(item.data(Qt.ItemDataRole.UserRole)))
        return [d for d in self._dues if d.month.index in chosen]

    def set_months(self, months: Sequence[Month]) -> None:
        """Tick exactly these months (keyboard users do it with Space in the list)."""
        wanted = {m.index for m in months}
        for i in range(self.months_list.count()):
            item = self.months_list.item(i)
            value = item.data(Qt.ItemDataRole.UserRole)
            if value is not None:
                item.setCheckState(Qt.CheckState.Checked if int(value) in wanted else Qt.CheckState.Unchecked)

    def _explain(self, *_: object) -> None:
        try:
            allocation = allocate_payment(self.amount, self._checked())
        except (ValidationError, TypeError) as exc:
            self.explain_label.setText(getattr(exc, "message", "") or "请填写缴纳金额")
            self.explain_label.setStyleSheet("color: #8B0000;")
            return
        lines = [f"缴入月党费 {yuan(allocation.regular)} 元"]
        if allocation.explanation:
            lines.append(allocation.explanation)
        problem = coverage_problem(self.paid_on, self.months, limit=self._limit)
        if problem:
            lines.append(problem + ("（已填写原因）" if self.override_reason else "：须填写超期原因"))
        self.explain_label.setStyleSheet("color: #8B0000;" if problem and not self.override_reason else "")
        self.explain_label.setText("\n".join(lines))

    # -- plain properties ----------------------------------------------------------------------
    @property
    def member_id(self) -> int:
        return int(self.member_combo.currentData())

    @property
    def paid_on(self) -> dt.date:
        return from_qdate(self.date_edit.date()) or self._today

    @property
    def months(self) -> list[Month]:
        return [d.month for d in self._checked()]

    @property
    def amount(self) -> Decimal:
        return to_money(self.amount_edit.text(), label="缴纳金额", field="amount")

    @property
    def method(self) -> str:
        return self.method_combo.currentText()

    @property
    def collector(self) -> str:
        return self.collector_edit.text().strip()

    @property
    def receipt_number(self) -> str | None:
        return self.receipt_edit.text().strip() or None

    @property
    def override_reason(self) -> str | None:
        return self.override_edit.text().strip() or None

    @property
    def note(self) -> str | None:
        return self.note_edit.text().strip() or None

    def accept(self) -> None:
        try:
            if self.member_combo.currentData() is None:
                raise ValidationError("请选择党员", field="member")
            if self.paid_on > self._today:
                raise ValidationError("缴纳日期不能晚于今天", field="paid_on")
            if self.amount <= 0:
                raise ValidationError("缴纳金额应大于0", field="amount")
            if not self.collector:
                raise ValidationError("请填写收缴人", field="collector")
            problem = coverage_problem(self.paid_on, self.months, limit=self._limit)
            if problem and not self.override_reason:
                raise ValidationError(f"{problem}：如确需一次缴纳，请填写超期原因", field="override_reason")
        except LedgerError as exc:
            show_error(self, exc)
            widget = {"amount": self.amount_edit, "collector": self.collector_edit,
                      "override_reason": self.override_edit, "paid_on": self.date_edit}.get(exc.field or "")
            if widget is not None:
                widget.setFocus()
            return
        super().accept()


class _MonthEdit(QDateEdit):
    def __init__(self, month: Month) -> None:
        super().__init__(QDate(month.year, month.month, 1))
        self.setDisplayFormat("yyyy年MM月")

    def month(self) -> Month:
        d = self.date()
        return Month(d.year(), d.month())


class RemittanceDialog(QDialog):
    """登记上缴: money passed to the upper organization, with its receipt number."""

    def __init__(self, *, today: dt.date, suggested: Decimal = Decimal("0.00"), recipient: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("登记党费上缴")
        self._today = today
        quarter_end = Month(today.year, ((today.month - 1) // 3) * 3 + 1) + -1
        form = QFormLayout()
        self.date_edit = QDateEdit(to_qdate(today))
        self.date_edit.setObjectName("remitted_on")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setMaximumDate(to_qdate(today))
        form.addRow("上缴日期(&D)：", self.date_edit)
        self.from_edit = _MonthEdit(quarter_end + -2)
        self.from_edit.setObjectName("period_from")
        form.addRow("所属期间自(&F)：", self.from_edit)
        self.to_edit = _MonthEdit(quarter_end)
        self.to_edit.setObjectName("period_to")
        form.addRow("所属期间至(&T)：", self.to_edit)
        self.amount_edit = QLineEdit(yuan(suggested) if suggested > 0 else "")
        self.amount_edit.setObjectName("amount")
        form.addRow("上缴金额（元）(&A)：", self.amount_edit)
        self.large_edit = QLineEdit("0.00")
        self.large_edit.setObjectName("large")
        form.addRow("其中大额党费(&L)：", self.large_edit)
        self.receipt_edit = QLineEdit()
        self.receipt_edit.setObjectName("receipt_number")
        form.addRow("上级收据编号(&N)：", self.receipt_edit)
        self.recipient_edit = QLineEdit(recipient)
        self.recipient_edit.setObjectName("recipient")
        form.addRow("接收单位(&U)：", self.recipient_edit)
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("note")
        form.addRow("备注(&E)：", self.note_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(f"支部当前留存：{yuan(suggested)} 元"))
        layout.addWidget(_buttons(self, "保存"))

    @property
    def remitted_on(self) -> dt.date:
        return from_qdate(self.date_edit.date()) or self._today

    @property
    def period_from(self) -> Month:
        return self.from_edit.month()

    @property
    def period_to(self) -> Month:
        return self.to_edit.month()

    @property
    def amount(self) -> Decimal:
        return to_money(self.amount_edit.text(), label="上缴金额", field="amount")

    @property
    def large(self) -> Decimal:
        return to_money(self.large_edit.text() or "0", label="其中大额党费", field="large")

    @property
    def receipt_number(self) -> str:
        return self.receipt_edit.text().strip()

    @property
    def recipient(self) -> str | None:
        return self.recipient_edit.text().strip() or None

    @property
    def note(self) -> str | None:
        return self.note_edit.text().strip() or None

    def accept(self) -> None:
        try:
            if self.amount <= 0:
                raise ValidationError("上缴金额应大于0", field="amount")
            if self.large > self.amount:
                raise ValidationError("其中大额党费不能超过上缴金额", field="large")
            if self.period_to < self.period_from:
                raise ValidationError("所属期间的结束月份早于开始月份", field="period_to")
            if not self.receipt_number:
                raise ValidationError("请填写上级党组织开具的收据编号", field="receipt_number")
        except LedgerError as exc:
            show_error(self, exc)
            return
        super().accept()
