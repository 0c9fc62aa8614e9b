"""台账与同步: export a ledger (optionally signed), every ledger produced with when and its
signature state, verify any PDF from disk; and the sync panel beside it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.common import guarded
from desktop.ui.row_model import RowTableModel

if TYPE_CHECKING:
    from desktop.services.bundle import Services

KIND_LABELS: tuple[tuple[str, str], ...] = (
    ("roster", "党员花名册"),
    ("meetings", "组织生活台账"),
    ("dues", "党费收缴台账"),
    ("report", "书记述职报告"),
)


class ProducedLedgerTableModel(RowTableModel[Any]):
    """Every ledger produced: when, what, signature state, records locked, file."""

    HEADERS = ("导出时间", "台账", "年度", "签名状态", "锁定记录", "文件")

    def row_at(self, row: int) -> Any:
        return self.row(row)

    def cell(self, item: Any, column: int) -> str:
        produced_at: dt.datetime = item.produced_at
        values = (
            produced_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            item.title,
            str(item.year) if item.year else "",
            item.signature_state,
            str(item.record_count) if item.signed else "—",
            str(item.path),
        )
        return values[column]

    def tooltip(self, item: Any) -> str:
        fingerprint = f"\n证书指纹：{item.cert_fingerprint}" if item.cert_fingerprint else ""
        return f"{item.path}\nSHA-256：{item.sha256}\n审计链 #{item.audit_seq} {item.audit_hash[:16]}{fingerprint}"


class LedgersPage(QWidget):
    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.tabs = QTabWidget()
        outer = QVBoxLayout(self)
        outer.addWidget(self.tabs)
        self.ledgers_tab = QWidget()
        self.tabs.addTab(self.ledgers_tab, "台账(&L)")
        self._build_ledgers_tab(self.ledgers_tab)
        self.sync_panel: QWidget | None = None
        try:
            from desktop.ui.sync_panel import SyncPanel
        except ImportError:
            SyncPanel = None  # noqa: N806 - the sync panel is another area's, built separately
        if SyncPanel is not None:
            self.sync_panel = SyncPanel(services, self)
            self.tabs.addTab(self.sync_panel, "同步(&Y)")

    def _build_ledgers_tab(self, tab: QWidget) -> None:
        layout = QVBoxLayout(tab)
        export_box = QGroupBox("导出台账")
        row = QHBoxLayout(export_box)
        kind_label = QLabel("台账(&K)：")
        self.kind_combo = QComboBox()
        for key, label in KIND_LABELS:
            self.kind_combo.addItem(label, key)
        kind_label.setBuddy(self.kind_combo)
        year_label = QLabel("年度(&Y)：")
        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setValue(self.services.ctx.today().year)
        year_label.setBuddy(self.year_spin)
        self.sign_check = QCheckBox("用支部证书签名(&S)")
        self.sign_check.setChecked(True)
        self.export_button = QPushButton("导出 PDF(&E)…")
        self.export_button.setDefault(True)
        for widget in (kind_label, self.kind_combo, year_label, self.year_spin, self.sign_check, self.export_button):
            row.addWidget(widget)
        row.addStretch(1)
        layout.addWidget(export_box)

        self.note = QLabel("签名导出后，台账中的记录即被锁定：之后修改需填写更正原因，原记录保留并在下次导出时一并打印。")
        self.note.setWordWrap(True)
        layout.addWidget(self.note)

        list_label = QLabel("已导出的台账(&T)：")
        layout.addWidget(list_label)
        self.model = ProducedLedgerTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("producedLedgers")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        list_label.setBuddy(self.table)
        layout.addWidget(self.table, 1)

        verify_row = QHBoxLayout()
        self.verify_button = QPushButton("验证 PDF 文件(&V)…")
        self.verify_selected_button = QPushButton("验证所选台账(&C)")
        verify_row.addWidget(self.verify_button)
        verify_row.addWidget(self.verify_selected_button)
        verify_row.addStretch(1)
        layout.addLayout(verify_row)
        self.result_label = QLabel()
        self.result_label.setObjectName("verifyResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.result_label)

        self.export_button.clicked.connect(self._export_clicked)
        self.verify_button.clicked.connect(self._verify_clicked)
        self.verify_selected_button.clicked.connect(self._verify_selected)
        self.table.doubleClicked.connect(lambda _index: self._verify_selected())

    def refresh(self) -> None:
        from desktop.services.identity import IdentityService

        has_identity = bool(guarded(self, lambda: IdentityService(self.services.ctx).status().exists))
        if not has_identity:
            self.sign_check.setChecked(False)
        self.sign_check.setEnabled(has_identity)
        self.sign_check.setToolTip("" if has_identity else "尚未创建签名证书：请先在“设置→签名证书”中创建。")
        rows = guarded(self, self.services.ledgers.produced)
        if rows is not None:
            self.model.set_rows(rows)
        if self.sync_panel is not None and hasattr(self.sync_panel, "refresh"):
            self.sync_panel.refresh()

    # prompts are methods so tests can replace them ---------------------------------------------
    def ask_export_path(self, suggested: str) -> Path | None:
        start = str(self.services.ctx.folder.exports / suggested)
        path, _ = QFileDialog.getSaveFileName(self, "保存台账", start, "PDF 文件 (*.pdf)")
        if not path:
            return None
        return Path(path if path.lower().endswith(".pdf") else path + ".pdf")

    def ask_pdf(self) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self, "选择要验证的 PDF", "", "PDF 文件 (*.pdf);;所有文件 (*)")
        return Path(path) if path else None

    def ask_passphrase(self) -> str | None:
        from desktop.ui.identity_settings import ask_passphrase

        return ask_passphrase(self, "输入签名私钥口令")

    # actions -------------------------------------------------------------------------------------
    def _export_clicked(self) -> None:
        kind = self.kind_combo.currentData()
        year = self.year_spin.value()
        out = self.ask_export_path(f"{kind}-{year}.pdf")
        if out is not None:
            self.export_ledger(kind, year, out, sign=self.sign_check.isChecked())

    def export_ledger(self, kind: str, year: int, out: Path, *, sign: bool) -> Any:
        passphrase = None
        if sign:
            passphrase = self.ask_passphrase()
            if passphrase is None:
                return None
        produced = guarded(self, lambda: self.services.ledgers.export(kind, year, out, sign=sign, passphrase=passphrase))
        if produced is not None:
            self.result_label.setText(
                f"已导出《{produced.title}》到 {produced.path}（{produced.signature_state}）。"
                + ("其中的记录已锁定。" if produced.signed else "")
            )
            self.refresh()
        return produced

    def _verify_clicked(self) -> None:
        path = self.ask_pdf()
        if path is not None:
            self.verify(path)

    def _verify_selected(self) -> None:
        index = self.table.currentIndex()
        if index.isValid():
            self.verify(self.model.row_at(index.row()).path)

    def verify(self, path: Path) -> Any:
        result = guarded(self, lambda: self.services.ledgers.verify_pdf(Path(path)))
        if result is not None:
            mark = "✔ 有效" if result.ok else ("✘ 无效" if result.signed and not (result.intact and result.whole_file)
                                                else "△ 未通过")
            self.result_label.setText(f"{Path(path).name}：{mark}\n{result.summary}")
        return result
