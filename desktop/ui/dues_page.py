"""党费: the year's grid (members × months: paid / due / overdue at a glance), payments and
remittances, and the actions: 年度核定, 登记缴纳, 登记上缴, 打印收据, 导出台账.

The page shows DTOs from `services.dues` and opens dialogs; each save is one service call."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.common import guarded, show_error
from desktop.ui.dues_models import (
    FILTERS,
    ROLE_ROW,
    STATE_COLORS,
    DuesGridFilter,
    DuesGridModel,
    PaymentTableModel,
    RemittanceTableModel,
)

if TYPE_CHECKING:
    from desktop.services.bundle import Services

LEGEND = (("paid", "已缴"), ("advance", "预交"), ("partial", "部分"), ("overdue", "欠缴"), ("due", "待缴"),
          ("undetermined", "未核定"), ("out", "—：不在本支部"))


def _table(model: Any) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.verticalHeader().setDefaultSectionSize(24)
    return view


class DuesPage(QWidget):
    navigate = Signal(str)
    dues_changed = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.last_payment: Any = None
        today = services.ctx.today()
        layout = QVBoxLayout(self)

        top = QHBoxLayout()
        self.year_spin = QSpinBox()
        self.year_spin.setObjectName("year")
        self.year_spin.setRange(2000, today.year + 1)
        self.year_spin.setValue(today.year)
        year_label = QLabel("年度(&Y)：")
        year_label.setBuddy(self.year_spin)
        top.addWidget(year_label)
        top.addWidget(self.year_spin)
        self.filter_combo = QComboBox()
        self.filter_combo.setObjectName("filter")
        for key, label in FILTERS:
            self.filter_combo.addItem(label, key)
        filter_label = QLabel("筛选(&F)：")
        filter_label.setBuddy(self.filter_combo)
        top.addWidget(filter_label)
        top.addWidget(self.filter_combo)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search")
        self.search_edit.setPlaceholderText("按姓名查找")
        search_label = QLabel("查找(&S)：")
        search_label.setBuddy(self.search_edit)
        top.addWidget(search_label)
        top.addWidget(self.search_edit)
        top.addStretch(1)
        layout.addLayout(top)

        actions = QHBoxLayout()
        self.determine_button = self._button(actions, "年度核定(&D)…", self.determine)
        self.carry_button = self._button(actions, "按上年结转核定(&J)…", self.carry_forward)
        self.pay_button = self._button(actions, "登记缴纳(&P)…", self.record_payment)
        self.remit_button = self._button(actions, "登记上缴(&U)…", self.record_remittance)
        self.receipt_button = self._button(actions, "打印收据(&T)…", self.print_receipt)
        self.export_button = self._button(actions, "导出台账(&E)…", self.export_ledger)
        actions.addStretch(1)
        layout.addLayout(actions)

        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)

        self.grid_model = DuesGridModel(self)
        self.grid_proxy = DuesGridFilter(self)
        self.grid_proxy.setSourceModel(self.grid_model)
        self.grid_view = _table(self.grid_proxy)
        self.grid_view.setObjectName("duesGrid")
        self.grid_view.activated.connect(lambda _index: self.record_payment())  # Enter or double-click
        self.payment_model = PaymentTableModel(self)
        self.payment_view = _table(self.payment_model)
        self.payment_view.setObjectName("payments")
        self.payment_view.activated.connect(lambda _index: self.print_receipt())
        self.remittance_model = RemittanceTableModel(self)
        self.remittance_view = _table(self.remittance_model)
        self.remittance_view.setObjectName("remittances")

        payments_tab = QWidget()
        payments_layout = QVBoxLayout(payments_tab)
        payments_layout.setContentsMargins(0, 0, 0, 0)
        payments_layout.addWidget(self.payment_view)
        delete_row = QHBoxLayout()
        self.delete_payment_button = self._button(delete_row, "删除所选缴纳记录(&X)…", self.delete_payment)
        delete_row.addStretch(1)
        payments_layout.addLayout(delete_row)

        self.tabs = QTabWidget()
        self.tabs.addTab(self.grid_view, "收缴表")
        self.tabs.addTab(payments_tab, "缴纳记录")
        self.tabs.addTab(self.remittance_view, "上缴记录")
        layout.addWidget(self.tabs, 1)

        legend = QLabel("图例：" + "　".join(
            f'<span style="background:{STATE_COLORS[key]}">&nbsp;{text}&nbsp;</span>' for key, text in LEGEND))
        legend.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(legend)

        self.year_spin.valueChanged.connect(lambda _v: self.refresh())
        self.filter_combo.currentIndexChanged.connect(lambda _i: self.grid_proxy.set_mode(self.filter_combo.currentData()))
        self.search_edit.textChanged.connect(self.grid_proxy.set_text)
        if services.ctx.read_only:
            for button in (self.determine_button, self.carry_button, self.pay_button, self.remit_button,
                           self.delete_payment_button):
                button.setEnabled(False)

    @staticmethod
    def _button(layout: QHBoxLayout, text: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda _checked=False: slot())
        layout.addWidget(button)
        return button

    @property
    def year(self) -> int:
        return self.year_spin.value()

    # -- showing ----------------------------------------------------------------------------------
    def refresh(self) -> None:
        dues = self.services.dues
        year = self.year
        overview = guarded(self, lambda: dues.year_overview(year))
        if overview is None:
            return
        rows, fig = overview
        self.grid_model.set_rows(rows)
        self.payment_model.set_rows(dues.payments(year))
        self.remittance_model.set_rows(dues.remittances(year))
        balance = dues.balance()
        from desktop.domain.dues import yuan

        self.summary.setText(
            f"{year}年：应缴 {yuan(fig.due)} 元，实缴 {yuan(fig.paid)} 元，欠缴 {yuan(fig.arrears)} 元"
            f"（{fig.members_in_arrears} 人）；自愿多交 {yuan(fig.voluntary)} 元，大额党费 {yuan(fig.large)} 元；"
            f"已上缴 {yuan(fig.remitted)} 元。支部当前留存 {yuan(balance.balance)} 元。"
        )

    def _members(self) -> list[tuple[int, str, str]]:
        return [(r.member_id, r.name, r.category) for r in self.grid_model._rows]  # noqa: SLF001 - own model

    def selected_member_id(self) -> int | None:
        index = self.grid_view.currentIndex()
        if not index.isValid():
            return None
        return self.grid_proxy.data(index, ROLE_ROW)

    def selected_payment_id(self) -> int | None:
        index = self.payment_view.currentIndex()
        return self.payment_model.data(index, ROLE_ROW) if index.isValid() else None

    def _run_amendable(self, action: Callable[[str | None], Any]) -> Any:
        """Run a change; a record locked by a signed ledger asks for the 更正 reason and retries."""
        from desktop.domain.errors import RecordLockedError

        try:
            return action(None)
        except RecordLockedError as exc:
            reason, ok = QInputDialog.getText(self, "更正已签名台账中的记录",
                                              f"{exc.message}\n请填写更正原因（将记入更正记录）：")
            if not ok or not reason.strip():
                return None
            return guarded(self, lambda: action(reason.strip()))
        except Exception as exc:  # noqa: BLE001 - shown, never a crash
            show_error(self, exc)
            return None

    def _changed(self) -> None:
        self.refresh()
        self.dues_changed.emit()

    # -- dialogs (tests replace `exec_dialog`) ------------------------------------------------------
    def exec_dialog(self, dialog: QDialog) -> bool:
        return dialog.exec() == QDialog.DialogCode.Accepted

    def determine(self) -> None:
        from desktop.ui.dues_dialogs import DeterminationDialog

        settings = self.services.dues.settings()
        term = self.services.branch.current_term()
        current = {d.member_id: d for d in self.services.dues.determinations(self.year)}  # latest per member
        dialog = DeterminationDialog(self._members(), year=self.year, member_id=self.selected_member_id(),
                                     current=current, rounding=settings.rounding, farmer_amount=settings.farmer_amount,
                                     determined_by=(term.holder("书记") if term else "") or "", parent=self)
        while self.exec_dialog(dialog):
            saved = self._run_amendable(lambda reason: self.services.dues.determine(
                dialog.member_id, dialog.year, category=dialog.category, base=dialog.base,
                fixed_amount=dialog.fixed_amount, voluntary=dialog.voluntary, from_month=dialog.from_month,
                approval_ref=dialog.approval_ref, reason=dialog.reason, determined_by=dialog.determined_by,
                amendment_reason=reason))
            if saved is not None:
                self._changed()
                return

    def carry_forward(self) -> None:
        term = self.services.branch.current_term()
        who = (term.holder("书记") if term else "") or ""
        if QMessageBox.question(self, "按上年结转核定",
                                f"为尚未核定{self.year}年党费的党员，按{self.year - 1}年的人员类别和基数重新计算核定？"
                                "（计算基数有变化的，请随后逐人调整）") != QMessageBox.StandardButton.Yes:
            return
        made = guarded(self, lambda: self.services.dues.carry_forward(self.year, determined_by=who or "书记"))
        if made is not None:
            QMessageBox.information(self, "按上年结转核定", f"已为 {made} 名党员核定{self.year}年党费。")
            self._changed()

    def record_payment(self) -> None:
        from desktop.ui.dues_dialogs import PaymentDialog

        dues = self.services.dues
        settings = dues.settings()
        today = self.services.ctx.today()
        dialog = PaymentDialog(
            self._members(), due_lookup=lambda member_id, day: dues.due_months(member_id, around=day), today=today,
            member_id=self.selected_member_id(), collector=settings.default_collector,
            next_receipt=dues.next_receipt_number(today.year), limit_months=settings.limit_months, parent=self)
        while self.exec_dialog(dialog):
            saved = guarded(self, lambda: dues.record_payment(
                dialog.member_id, paid_on=dialog.paid_on, months=dialog.months, amount=dialog.amount,
                method=dialog.method, collector=dialog.collector, receipt_number=dialog.receipt_number,
                override_reason=dialog.override_reason, note=dialog.note))
            if saved is not None:
                self.last_payment = saved
                self._changed()
                self.tabs.setCurrentIndex(1)
                for row in range(self.payment_model.rowCount()):
                    if self.payment_model.row_at(row).id == saved.id:
                        self.payment_view.selectRow(row)
                message = f"已登记 {saved.member_name} 的党费 {saved.amount} 元，收据编号 {saved.receipt_number}。"
                receipt = guarded(self, lambda: dues.render_receipt(saved.id, self._receipt_path(saved.receipt_number)))
                if receipt is not None:
                    message += f"收据已生成：{receipt.path}（“打印收据”可预览打印）。"
                if saved.explanation:
                    message += f"\n{saved.explanation}"
                self.summary.setText(message + "\n" + self.summary.text())
                return

    def record_remittance(self) -> None:
        from desktop.ui.dues_dialogs import RemittanceDialog

        dues = self.services.dues
        dialog = RemittanceDialog(today=self.services.ctx.today(), suggested=dues.balance().balance,
                                  recipient=dues.settings().recipient, parent=self)
        while self.exec_dialog(dialog):
            saved = guarded(self, lambda: dues.record_remittance(
                remitted_on=dialog.remitted_on, period_from=dialog.period_from, period_to=dialog.period_to,
                amount=dialog.amount, large=dialog.large, receipt_number=dialog.receipt_number,
                recipient=dialog.recipient, note=dialog.note))
            if saved is not None:
                self._changed()
                self.tabs.setCurrentIndex(2)
                return

    def delete_payment(self) -> None:
        payment_id = self.selected_payment_id()
        if payment_id is None:
            QMessageBox.information(self, "删除缴纳记录", "请先在“缴纳记录”中选择一条记录。")
            return
        payment = self.services.dues.get_payment(payment_id)
        if QMessageBox.question(self, "删除缴纳记录",
                                f"删除 {payment.member_name} {payment.paid_on} 缴纳的 {payment.amount} 元"
                                f"（收据 {payment.receipt_number}）？对应月份将恢复为未缴。") != QMessageBox.StandardButton.Yes:
            return
        if self._run_amendable(lambda reason: self.services.dues.delete_payment(payment_id, amendment_reason=reason)
                               or True) is not None:
            self._changed()

    # -- printing and export ----------------------------------------------------------------------
    def ask_save_path(self, title: str, suggested: str, file_filter: str) -> Path | None:
        folder = self.services.ctx.folder.exports
        path, _ = QFileDialog.getSaveFileName(self, title, str(folder / suggested), file_filter)
        return Path(path) if path else None

    def show_pdf(self, path: Path, title: str) -> None:
        try:
            from desktop.ui.print_preview import preview_pdf
        except ImportError:
            QMessageBox.information(self, title, f"已生成：{path}")
            return
        preview_pdf(self, path, title)

    def _receipt_path(self, receipt_number: str) -> Path:
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in receipt_number)
        return self.services.ctx.folder.exports / "党费收据" / f"党费收据-{safe}.pdf"

    def print_receipt(self) -> Path | None:
        payment_id = self.selected_payment_id()
        if payment_id is None:
            member_id = self.selected_member_id()
            payments = [p for p in self.payment_model._rows if p.member_id == member_id]  # noqa: SLF001
            payment_id = payments[-1].id if payments else None
        if payment_id is None:
            QMessageBox.information(self, "打印收据", "请先选择一条缴纳记录（或收缴表中已缴过党费的党员）。")
            return None
        payment = self.services.dues.get_payment(payment_id)
        out = self._receipt_path(payment.receipt_number)
        rendered = guarded(self, lambda: self.services.dues.render_receipt(payment_id, out))
        if rendered is None:
            return None
        self.show_pdf(rendered.path, rendered.title)
        return rendered.path

    def export_ledger(self) -> Path | None:
        year = self.year
        path = self.ask_save_path("导出党费收缴台账", f"{year}年度党费收缴台账.pdf",
                                  "PDF 文件 (*.pdf);;Excel 工作簿 (*.xlsx)")
        if path is None:
            return None
        if path.suffix.lower() not in (".pdf", ".xlsx"):
            path = path.with_suffix(".pdf")
        if path.suffix.lower() == ".xlsx":
            done = guarded(self, lambda: self.services.dues.export_xlsx(year, path))
            if done is not None:
                QMessageBox.information(self, "导出党费收缴台账", f"已导出：{done}")
            return done
        rendered = guarded(self, lambda: self.services.dues.render_ledger(year, path))
        if rendered is None:
            return None
        self.show_pdf(rendered.path, rendered.title)
        return rendered.path

