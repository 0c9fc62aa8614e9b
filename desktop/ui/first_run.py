"""First run on an empty data folder: create the branch, open the demo, restore a backup file, or
start from an exchange package the district sent — instead of an empty window.

The dialog only collects the choice (plain properties, checked in `accept()`); `perform_first_run`
carries it out through the services, and nothing is half-done: a backup or a package is checked
before the empty folder is touched."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.ui.common import busy, user_message

if TYPE_CHECKING:
    from desktop.services.bundle import Services

CREATE, DEMO, RESTORE, IMPORT = "create", "demo", "restore", "import"


@dataclass(frozen=True)
class FirstRunChoice:
    kind: str  # CREATE | DEMO | RESTORE | IMPORT
    branch_name: str = ""
    path: Path | None = None


class FirstRunDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, *, can_import: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("欢迎使用支部工作台账")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("这个数据文件夹还是空的。请选择从哪里开始："))

        self.create_choice = QRadioButton("新建本支部的台账(&N)")
        self.demo_choice = QRadioButton("打开演示支部，先试一试(&D)")
        self.restore_choice = QRadioButton("从备份文件恢复（换电脑、重装后）(&R)")
        self.import_choice = QRadioButton("导入区里下发的同步包(&I)")
        self.group = QButtonGroup(self)
        for button in (self.create_choice, self.demo_choice, self.restore_choice, self.import_choice):
            self.group.addButton(button)
        self.create_choice.setChecked(True)

        form = QFormLayout()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("例如：某某科技有限公司党支部")
        name_label = QLabel("支部名称(&M)：")
        name_label.setBuddy(self.name_edit)
        form.addRow(name_label, self.name_edit)

        self.backup_edit, self.backup_browse, backup_row = self._file_row("选择备份(&B)…")
        self.package_edit, self.package_browse, package_row = self._file_row("选择同步包(&P)…")
        self.backup_browse.clicked.connect(self._browse_backup)
        self.package_browse.clicked.connect(self._browse_package)

        layout.addWidget(self.create_choice)
        layout.addLayout(form)
        layout.addWidget(self.demo_choice)
        layout.addWidget(self.restore_choice)
        layout.addLayout(backup_row)
        hint = QLabel("备份文件在原电脑数据文件夹的 backups 子文件夹中（ledger-日期-时间-….sqlite3）。")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555555")
        layout.addWidget(hint)
        layout.addWidget(self.import_choice)
        layout.addLayout(package_row)
        self.import_choice.setVisible(can_import)
        self.package_edit.setVisible(can_import)
        self.package_browse.setVisible(can_import)

        self.error_label = QLabel()
        self.error_label.setObjectName("firstRunError")
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("开始(&S)")
        buttons.button(QDialogButtonBox.StandardButton.Ok).setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("退出")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.group.buttonToggled.connect(lambda *_: self._update_enabled())
        self._update_enabled()
        self.setTabOrder(self.create_choice, self.name_edit)

    @staticmethod
    def _file_row(browse_text: str) -> tuple[QLineEdit, QPushButton, QHBoxLayout]:
        edit = QLineEdit()
        browse = QPushButton(browse_text)
        row = QHBoxLayout()
        row.setContentsMargins(24, 0, 0, 0)
        row.addWidget(edit, 1)
        row.addWidget(browse)
        return edit, browse, row

    def _update_enabled(self) -> None:
        kind = self.kind
        self.name_edit.setEnabled(kind in (CREATE, IMPORT))
        self.backup_edit.setEnabled(kind == RESTORE)
        self.backup_browse.setEnabled(kind == RESTORE)
        self.package_edit.setEnabled(kind == IMPORT)
        self.package_browse.setEnabled(kind == IMPORT)
        self.error_label.hide()

    def offer_package(self, package: Path) -> None:
        """The program was opened with this package: preselect importing it."""
        self.import_choice.setChecked(True)
        self.package_edit.setText(str(package))
        self.name_edit.setFocus()

    def _browse_backup(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择备份文件", "", "台账备份 (*.sqlite3 *.sqlite *.db);;所有文件 (*)")
        if path:
            self.backup_edit.setText(path)

    def _browse_package(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择区里下发的同步包", "", "同步包 (*.zip);;所有文件 (*)")
        if path:
            self.package_edit.setText(path)

    # -- plain properties ---------------------------------------------------------------------
    @property
    def kind(self) -> str:
        if self.demo_choice.isChecked():
            return DEMO
        if self.restore_choice.isChecked():
            return RESTORE
        if self.import_choice.isChecked():
            return IMPORT
        return CREATE

    @property
    def wants_demo(self) -> bool:
        return self.kind == DEMO

    @property
    def branch_name(self) -> str:
        return self.name_edit.text().strip()

    @property
    def choice(self) -> FirstRunChoice:
        kind = self.kind
        path_text = {RESTORE: self.backup_edit.text(), IMPORT: self.package_edit.text()}.get(kind, "").strip()
        return FirstRunChoice(kind, self.branch_name if kind in (CREATE, IMPORT) else "",
                              Path(path_text) if path_text else None)

    def show_problem(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()

    def accept(self) -> None:
        choice = self.choice
        if choice.kind in (CREATE, IMPORT) and not choice.branch_name:
            self.show_problem("请填写支部名称：新建台账需要支部名称。")
            self.name_edit.setFocus()
            return
        if choice.kind in (RESTORE, IMPORT):
            edit = self.backup_edit if choice.kind == RESTORE else self.package_edit
            what = "备份文件" if choice.kind == RESTORE else "同步包"
            if choice.path is None:
                self.show_problem(f"请选择{what}。")
                edit.setFocus()
                return
            if not choice.path.is_file():
                self.show_problem(f"找不到{what} {choice.path}。")
                edit.setFocus()
                return
        super().accept()


def can_import_packages(services: Services) -> bool:
    """The exchange-package choice is offered only when the sync area provides the import."""
    try:
        return callable(getattr(services.sync, "import_district_package", None))
    except ImportError:
        return False


def perform_first_run(services: Services, choice: FirstRunChoice, *,
                      confirm_changes=None) -> None:  # type: ignore[no-untyped-def]
    """Carry out the choice. Raises LedgerError (Chinese message) and leaves the folder empty on failure.

    `confirm_changes(lines) -> bool` is asked before a district package is applied."""
    from desktop.domain.errors import LedgerError

    if choice.kind == DEMO:
        from desktop.services.demo import build_demo

        build_demo(services)
    elif choice.kind == CREATE:
        from desktop.services.branch import BranchProfile

        services.branch.save_profile(BranchProfile(name=choice.branch_name))
    elif choice.kind == RESTORE:
        assert choice.path is not None
        restore_into_empty_folder(services, choice.path)
    elif choice.kind == IMPORT:
        assert choice.path is not None
        preview = services.sync.import_district_package(choice.path)  # verifies; writes nothing
        if confirm_changes is not None and not confirm_changes(list(preview.changes)):
            raise LedgerError("已取消导入：数据文件夹仍是空的。")
        from desktop.services.branch import BranchProfile

        services.branch.save_profile(BranchProfile(name=choice.branch_name))
        services.sync.apply_district_package(choice.path)
    else:  # pragma: no cover - the dialog offers nothing else
        raise LedgerError(f"未知的选择：{choice.kind}")


def restore_into_empty_folder(services: Services, backup_file: Path) -> None:
    """Put a backup in place of the just-created empty database of the open (and locked) folder.

    The backup is checked first (damaged, from a newer version, or without a branch: refused, the
    folder stays empty); an older backup is upgraded the usual way."""
    from desktop.domain.errors import LedgerError
    from desktop.storage import backup, migrate

    ctx = services.ctx
    if services.branch.profile() is not None:
        raise LedgerError("数据文件夹中已有支部数据：请在“设置→备份与恢复”中恢复。")
    if not backup.is_healthy(backup_file):
        raise LedgerError(f"文件 {backup_file.name} 不是完好的台账备份（无法读取或已损坏）。数据文件夹未被改动。")
    try:
        migrate.needs_upgrade(backup_file)  # NewerSchemaError: written by a newer version
        revision = migrate.database_revision(backup_file)
    except LedgerError as exc:
        raise LedgerError(f"{exc.message}（备份文件 {backup_file.name}）") from exc
    if revision is None:
        raise LedgerError(f"文件 {backup_file.name} 不是支部工作台账的备份。数据文件夹未被改动。")
    database = ctx.folder.database
    ctx.db.engine.dispose()  # no connection may hold the file while it is replaced
    backup.restore_backup(backup_file, database, ctx.folder.backups)
    if migrate.needs_upgrade(database):
        migrate.upgrade(database)
    ctx.db.engine.dispose()
    if services.branch.profile() is None:
        raise LedgerError(f"备份 {backup_file.name} 中没有支部资料；已恢复的内容保留，请在“设置→支部信息”中填写。")


def run_first_run(parent: QWidget, services: Services, *, package: Path | None = None) -> bool:
    dialog = FirstRunDialog(parent, can_import=can_import_packages(services))
    if package is not None and can_import_packages(services):
        dialog.offer_package(package)

    def confirm(lines: list[str]) -> bool:
        answer = QMessageBox.question(dialog, "导入同步包", "将写入以下内容：\n\n" + "\n".join(lines) + "\n\n确定导入吗？")
        return answer == QMessageBox.StandardButton.Yes

    while dialog.exec() == QDialog.DialogCode.Accepted:
        try:
            with busy():
                perform_first_run(services, dialog.choice, confirm_changes=confirm)
            return True
        except Exception as exc:  # noqa: BLE001 - shown, and the dialog stays for another choice
            dialog.show_problem(user_message(exc))
    return False
