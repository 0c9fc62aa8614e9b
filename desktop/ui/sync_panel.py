"""导出同步包 / 导入区里的包: the sync part of the 台账与同步 section.

The panel shows what an export will carry before it is made, writes the package to a folder the
secretary picks (a USB drive) with a progress dialog that can be cancelled, lists the packages
sent with their hashes, and imports a district package after showing what it will change.
The export runs on the GUI thread, pumping events from its progress callback: SQLite objects
stay on the thread that made them, and cancelling is checked between steps."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.common import busy, show_error
from desktop.ui.row_model import RowTableModel

if TYPE_CHECKING:
    from desktop.services.bundle import Services
    from desktop.services.sync import ExportPlan, SentPackageDto

def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{max(1, round(n / 1024))} KB"


class SentPackageTableModel(RowTableModel["SentPackageDto"]):
    """Packages sent (passive: filled by `set_rows`)."""

    HEADERS = ("序号", "导出时间", "文件", "期间", "记录数", "大小", "包哈希（SHA-256）")

    def cell(self, r: SentPackageDto, column: int) -> str:
        period = f"{r.period_start or '建账起'} 至 {r.period_end}"
        values = (str(r.sequence), r.exported_time.astimezone().strftime("%Y-%m-%d %H:%M"), r.file_name, period,
                  str(r.record_count), _size(r.size), r.package_hash)
        return values[column]

    def tooltip(self, r: SentPackageDto) -> str:
        return f"{r.path or r.file_name}\n包哈希：{r.package_hash}\n文件 SHA-256：{r.file_sha256}\n上一包：{r.previous_hash or '无'}"

    def alignment(self, column: int) -> int | None:
        if column in (0, 4, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class NoticeTableModel(RowTableModel[Any]):
    """Notices received from the district (passive: filled by `set_rows`)."""

    HEADERS = ("日期", "标题", "附件")

    def cell(self, notice: Any, column: int) -> str:
        values = (str(notice.issued_on or ""), notice.title, str(len(notice.attachments)) if notice.attachments else "")
        return values[column]

    def tooltip(self, notice: Any) -> str:
        return notice.body


class SyncPanel(QWidget):
    exported = Signal(object)  # SentPackageDto
    district_package_applied = Signal(object)  # DistrictPackagePreview

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.plan: ExportPlan | None = None

        export_box = QGroupBox("导出同步包（报送区里）")
        form = QFormLayout()
        self.period = QComboBox()
        period_label = QLabel("报送期间(&D)：")
        period_label.setBuddy(self.period)
        form.addRow(period_label, self.period)
        self.destination = QLineEdit()
        self.destination.setPlaceholderText("选择U盘或其他文件夹")
        self.browse_button = QPushButton("浏览(&B)…")
        row = QHBoxLayout()
        row.addWidget(self.destination, 1)
        row.addWidget(self.browse_button)
        destination_label = QLabel("保存到(&F)：")
        destination_label.setBuddy(self.destination)
        form.addRow(destination_label, row)
        self.with_ledgers = QCheckBox("附上本期签名台账 PDF(&L)（花名册、组织生活、党费、述职；导出后相关记录锁定）")
        self.with_ledgers.setChecked(True)
        form.addRow("", self.with_ledgers)
        self.plan_label = QLabel()
        self.plan_label.setWordWrap(True)
        self.plan_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("将报送：", self.plan_label)
        self.export_button = QPushButton("导出同步包(&E)")
        self.export_button.setDefault(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        box_layout = QVBoxLayout(export_box)
        box_layout.addLayout(form)
        box_layout.addLayout(buttons)

        history_box = QGroupBox("已导出的同步包")
        self.model = SentPackageTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        QVBoxLayout(history_box).addWidget(self.table)

        import_box = QGroupBox("区里下发的包与通知")
        self.import_button = QPushButton("导入区里的包(&I)…")
        self.import_status = QLabel("区里下发的通知、转入党员和考核结果，验证签名后导入。")
        self.import_status.setWordWrap(True)
        self.notice_model = NoticeTableModel(self)
        self.notices = QTableView()
        self.notices.setModel(self.notice_model)
        self.notices.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.notices.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.notices.verticalHeader().setVisible(False)
        self.notices.horizontalHeader().setStretchLastSection(False)
        self.notices.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.notice_body = QTextBrowser()
        self.notice_body.setOpenLinks(False)
        self.notice_body.anchorClicked.connect(self._open_attachment)
        top = QHBoxLayout()
        top.addWidget(self.import_status, 1)
        top.addWidget(self.import_button)
        lists = QHBoxLayout()
        lists.addWidget(self.notices, 1)
        lists.addWidget(self.notice_body, 1)
        self.evaluation_label = QLabel()
        import_layout = QVBoxLayout(import_box)
        import_layout.addLayout(top)
        import_layout.addLayout(lists)
        import_layout.addWidget(self.evaluation_label)
        self.notices.selectionModel().currentRowChanged.connect(self._show_notice)

        layout = QVBoxLayout(self)
        layout.addWidget(export_box)
        layout.addWidget(history_box, 1)
        layout.addWidget(import_box, 1)
        self.setTabOrder(self.period, self.destination)
        self.setTabOrder(self.destination, self.browse_button)
        self.setTabOrder(self.browse_button, self.with_ledgers)
        self.setTabOrder(self.with_ledgers, self.export_button)
        self.setTabOrder(self.export_button, self.table)
        self.setTabOrder(self.table, self.import_button)
        self.setTabOrder(self.import_button, self.notices)
        self.setTabOrder(self.notices, self.notice_body)

        self.period.currentIndexChanged.connect(self._update_plan)
        self.browse_button.clicked.connect(self._browse)
        self.export_button.clicked.connect(self.export)
        self.import_button.clicked.connect(self.import_district_package)
        self.refresh()

    # -- state -------------------------------------------------------------------------------------
    def refresh(self) -> None:
        history = self._call(self.services.sync.history) or []
        self.model.set_rows(history)
        self.notice_model.set_rows(self._call(self.services.sync.notices) or [])
        evaluations = self._call(self.services.sync.evaluations) or {}
        self.evaluation_label.setText(
            "区里的年度考核评价：" + "；".join(f"{year} 年 {result}" for year, result in sorted(evaluations.items(), reverse=True))
            if evaluations else "")
        current = self.period.currentData()
        self.period.blockSignals(True)
        self.period.clear()
        self.period.addItem("自上一个同步包以来的变更（默认）" if history else "全部记录（首次报送）", None)
        for sent in history:
            self.period.addItem(f"自第 {sent.sequence} 号包（{sent.period_end}）以来", sent.sequence)
        if history:
            self.period.addItem("全部记录（重新报送）", 0)
        index = self.period.findData(current)
        self.period.setCurrentIndex(max(index, 0))
        self.period.blockSignals(False)
        self._update_plan()

    def _show_notice(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        from html import escape

        if not current.isValid():
            self.notice_body.clear()
            return
        notice = self.notice_model.row(current.row())
        links = "".join(
            f'<li><a href="{escape(a["sha256"])}">{escape(str(a.get("name") or a["sha256"][:12]))}</a>'
            f"（{_size(int(a.get('size') or 0))}）</li>" for a in notice.attachments)
        self.notice_body.setHtml(
            f"<h3>{escape(notice.title)}</h3><p>{escape(str(notice.issued_on or ''))}</p>"
            f"<p>{escape(notice.body).replace(chr(10), '<br/>')}</p>" + (f"<p>附件：</p><ul>{links}</ul>" if links else ""))

    def attachment_path(self, digest: str) -> Path:
        return self.services.ctx.folder.attachments / digest[:2] / digest

    def _open_attachment(self, url: Any) -> None:
        """Save a notice's attachment under its own name where the secretary chooses."""
        digest = url.toString()
        source = self.attachment_path(digest)
        index = self.notices.currentIndex()
        name = next((a.get("name") for a in self.notice_model.row(index.row()).attachments
                     if a.get("sha256") == digest), digest) if index.isValid() else digest
        target, _ = QFileDialog.getSaveFileName(self, "保存附件", str(name))
        if target:
            import shutil

            try:
                shutil.copyfile(source, target)
            except OSError as exc:
                QMessageBox.warning(self, "无法保存附件", f"无法保存到 {target}：{exc.strerror or exc}")

    def since_seq(self) -> int | None:
        return self.period.currentData()

    def _update_plan(self) -> None:
        plan = self._call(lambda: self.services.sync.plan_export(self.since_seq()))
        self.plan = plan
        if plan is None:
            self.plan_label.setText("")
            return
        from desktop.ui.sync_panel_text import describe_plan

        self.plan_label.setText(describe_plan(plan))
        self.export_button.setEnabled(not plan.problems)

    def _call(self, action: Any) -> Any:
        try:
            return action()
        except Exception as exc:  # noqa: BLE001 - shown, never a crash
            show_error(self, exc)
            return None

    # -- export ------------------------------------------------------------------------------------
    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择保存同步包的文件夹（如U盘）", self.destination.text())
        if folder:
            self.destination.setText(folder)

    def ask_passphrase(self) -> str | None:
        text, ok = QInputDialog.getText(self, "签名口令", "请输入支部签名证书的口令：", QLineEdit.EchoMode.Password)
        return text if ok and text else None

    def make_progress(self) -> Any:
        dialog = QProgressDialog("正在导出同步包…", "取消", 0, 1, self)
        dialog.setWindowTitle("导出同步包")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        return dialog

    def export(self) -> SentPackageDto | None:
        folder = self.destination.text().strip()
        if not folder:
            QMessageBox.information(self, "导出同步包", "请先选择保存同步包的文件夹（如U盘）。")
            self.destination.setFocus()
            return None
        passphrase = self.ask_passphrase()
        if passphrase is None:
            return None
        dialog = self.make_progress()

        def progress(done: int, total: int, label: str) -> bool:
            dialog.setMaximum(total)
            dialog.setValue(done)
            dialog.setLabelText(label)
            QApplication.processEvents()
            return not dialog.wasCanceled()

        try:
            sent = self.services.sync.export_package(Path(folder), passphrase=passphrase, since_seq=self.since_seq(),
                                                     progress=progress, with_ledgers=self.with_ledgers.isChecked())
        except Exception as exc:  # noqa: BLE001
            dialog.close()
            show_error(self, exc, "未导出同步包")
            return None
        dialog.close()
        self.refresh()
        QMessageBox.information(self, "已导出同步包",
                                f"已写出 {sent.path}\n第 {sent.sequence} 号包，{sent.record_count} 条记录\n包哈希：{sent.package_hash}")
        self.exported.emit(sent)
        return sent

    # -- district packages -------------------------------------------------------------------------
    def choose_district_package(self) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self, "选择区里下发的包", "", "同步包 (*.zip)")
        return Path(path) if path else None

    def confirm_changes(self, preview: Any) -> bool:
        text = "\n".join(preview.changes)
        answer = QMessageBox.question(
            self, "导入区里的包",
            f"{preview.file_name}（区里下发的第 {preview.sequence} 号包，签名有效"
            f"{'；' + preview.signature_note if preview.signature_note else ''}）将作以下改动：\n\n{text}\n\n是否导入？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def import_district_package(self, path: Path | None = None) -> Any:
        """Import a package the district sent: `path`, or one the user chooses."""
        if path is None:
            path = self.choose_district_package()
        if path is None:
            return None
        try:
            with busy():
                preview = self.services.sync.import_district_package(path)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, "无法导入")
            return None
        if preview.already_applied:
            self.import_status.setText(f"{preview.file_name} 已导入过，未作改动。")
            return preview
        if not self.confirm_changes(preview):
            return None
        try:
            with busy():
                applied = self.services.sync.apply_district_package(path)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, "无法导入")
            return None
        self.import_status.setText(f"已导入 {preview.file_name}：" + "；".join(preview.changes))
        self.refresh()
        self.district_package_applied.emit(applied)
        return applied
