"""Opening the data folder from the window: lock, damage, newer-version and empty-folder cases,
each explained in Chinese; a damaged file is never overwritten without the user choosing a backup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.ui.common import busy, user_message

if TYPE_CHECKING:
    from desktop.services.bundle import Services


def open_services_for_window(parent: QWidget, data_dir: str | None, *, demo: bool) -> Services | None:
    from desktop.domain.errors import LedgerError
    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger
    from desktop.storage.migrate import DamagedDatabaseError

    while True:
        try:
            with busy():
                ctx = open_ledger(data_dir)
            break
        except DamagedDatabaseError as exc:
            good = getattr(exc, "good_backup", None)
            if good is None or not _offer_restore(parent, exc, good):
                QMessageBox.critical(parent, "数据文件已损坏", user_message(exc))
                return None
            from desktop.storage.backup import restore_backup
            from desktop.storage.datadir import resolve_data_dir

            folder = resolve_data_dir(data_dir)
            restore_backup(good, folder.database, folder.backups)
        except LedgerError as exc:
            QMessageBox.critical(parent, "无法打开数据", user_message(exc))
            return None
    services = Services(ctx)
    if services.branch.profile() is None and not ctx.read_only:
        if demo:
            from desktop.services.demo import build_demo

            with busy():
                build_demo(services)
        else:
            from desktop.ui.first_run import run_first_run

            if not run_first_run(parent, services):
                services.close()
                return None
    return services


def _offer_restore(parent: QWidget, exc: Exception, good) -> bool:  # type: ignore[no-untyped-def]
    answer = QMessageBox.question(
        parent, "数据文件已损坏",
        f"{user_message(exc)}\n\n是否用备份 {good.name} 恢复？损坏的文件会另存到 backups 文件夹，不会删除。",
    )
    return answer == QMessageBox.StandardButton.Yes
