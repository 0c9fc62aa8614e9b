"""Opening the data folder from the window: lock, damage, newer-version, read-only, synced-folder
and empty-folder cases, each explained in Chinese. A damaged file is never overwritten without the
user choosing a backup, and the damaged file itself is kept."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.ui.common import busy, user_message

if TYPE_CHECKING:
    from desktop.services.bundle import Services

log = logging.getLogger(__name__)


def open_services_for_window(parent: QWidget, data_dir: str | None, *, demo: bool,
                             package: Path | None = None, fresh: list[bool] | None = None) -> Services | None:
    """The services of the data folder, or None when it cannot (or should not) be opened; the
    reason has then been shown. An empty folder goes through the first-run dialog (which offers
    `package` for import) and then appends True to `fresh`."""
    from desktop.domain.errors import LedgerError
    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger
    from desktop.storage.datadir import FolderLockedError, looks_like_synced_folder, resolve_data_dir
    from desktop.storage.migrate import DamagedDatabaseError

    folder = resolve_data_dir(data_dir)
    if looks_like_synced_folder(folder.root) and not confirm_synced_folder(parent, folder.root):
        return None
    tried_restore = False
    while True:
        try:
            with busy():
                ctx = open_ledger(folder.root)
            break
        except DamagedDatabaseError as exc:
            good = getattr(exc, "good_backup", None)
            if good is None or tried_restore or not offer_restore(parent, exc, good):
                QMessageBox.critical(parent, "数据文件已损坏", user_message(exc))
                return None
            tried_restore = True
            if not _restore(parent, folder.root, good):
                return None
        except LedgerError as exc:
            text = user_message(exc)
            if package is not None and isinstance(exc, FolderLockedError):
                text += f"\n\n要导入 {package.name}，请在已打开的窗口中点“台账与同步 → 同步 → 导入区里的包…”。"
            QMessageBox.critical(parent, "无法打开数据", text)
            return None
        except Exception as exc:  # noqa: BLE001 - explained, never a stack trace in the user's face
            log.exception("opening the data folder failed")
            QMessageBox.critical(parent, "无法打开数据", f"无法打开数据文件夹 {folder.root}：{user_message(exc)}")
            return None
    services = Services(ctx)
    if services.branch.profile() is None and not ctx.read_only:
        if demo:
            from desktop.services.demo import build_demo

            try:
                with busy():
                    build_demo(services)
            except Exception as exc:  # noqa: BLE001
                QMessageBox.critical(parent, "无法生成演示数据", user_message(exc))
                services.close()
                return None
        else:
            from desktop.ui.first_run import run_first_run

            if not run_first_run(parent, services, package=package):
                services.close()
                return None
            if fresh is not None:
                fresh.append(True)
    return services


def _restore(parent: QWidget, data_dir: Path, good: Path) -> bool:
    from desktop.services.maintenance import restore_folder

    try:
        with busy():
            restore_folder(data_dir, good)
    except Exception as exc:  # noqa: BLE001
        QMessageBox.critical(parent, "恢复失败", user_message(exc))
        return False
    return True


def offer_restore(parent: QWidget, exc: Exception, good: Path) -> bool:
    answer = QMessageBox.question(
        parent, "数据文件已损坏",
        f"{user_message(exc)}\n\n是否用备份 {good.name} 恢复？损坏的文件会另存到 backups 文件夹，不会删除。",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


def confirm_synced_folder(parent: QWidget, root: Path) -> bool:
    answer = QMessageBox.warning(
        parent, "数据文件夹位于同步盘或网络位置",
        f"数据文件夹 {root} 看起来位于网盘同步文件夹或网络共享中。"
        "同步软件可能在程序写入时复制或锁定数据文件，造成数据损坏。\n\n"
        "建议把数据放在本机硬盘上（备份可以放在网盘）。仍要继续打开吗？",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
