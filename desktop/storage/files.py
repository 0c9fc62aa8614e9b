"""Writing a file so that it is either whole or absent: a temporary name, fsync, then rename."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from desktop.domain.errors import LedgerError

DEFAULT_HINT = "磁盘已满或没有写入权限？"


def write_atomically(path: Path, content: bytes | Callable[[Path], object], *, private: bool = False,
                     hint: str = DEFAULT_HINT) -> Path:
    """Write `content` (bytes, or a callable that writes to the path it is given, such as
    `workbook.save`) to `path`. On any failure the partial file is removed and, for an OSError, a
    LedgerError names the file and `hint`. `private` makes the file readable by its owner only."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            with open(partial, "wb") as handle:
                handle.write(content)
                handle.flush()
                os.fsync(handle.fileno())
        else:
            content(partial)
        if private:
            os.chmod(partial, 0o600)
        os.replace(partial, path)
    except OSError as exc:
        _discard(partial)
        raise LedgerError(f"无法写入 {path}：{exc.strerror or exc}（{hint}）") from exc
    except BaseException:
        _discard(partial)
        raise
    return path


def _discard(partial: Path) -> None:
    try:
        partial.unlink(missing_ok=True)
    except OSError:  # the folder itself is not there or not writable: nothing was left behind
        pass
