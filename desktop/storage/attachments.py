"""The attachment store: photos and scans kept once each, named by their SHA-256, under the data
folder's `attachments/`. Only JPEG, PNG and PDF are accepted (judged by their first bytes, not by
the file name), up to a size limit. Files are written to a temporary name and renamed."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from desktop.domain.errors import ValidationError

MAX_BYTES = 20 * 1024 * 1024
MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)
_EXTENSIONS = {media: ext for _, media, ext in MAGIC}


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    media_type: str
    size: int
    filename: str  # the name the user's file had


def media_type_of(head: bytes) -> str | None:
    for magic, media, _ in MAGIC:
        if head.startswith(magic):
            return media
    return None


class AttachmentStore:
    def __init__(self, root: Path, *, max_bytes: int = MAX_BYTES) -> None:
        self.root = Path(root)
        self.max_bytes = max_bytes

    def path_for(self, sha256: str, media_type: str) -> Path:
        return self.root / sha256[:2] / f"{sha256}{_EXTENSIONS.get(media_type, '')}"

    def put(self, source: Path) -> StoredFile:
        """Store the file at `source` (once: the same content is kept only once)."""
        source = Path(source)
        try:
            size = source.stat().st_size
        except OSError as exc:
            raise ValidationError(f"无法读取附件 {source.name}：{exc.strerror or exc}", field="attachments") from exc
        if size > self.max_bytes:
            raise ValidationError(
                f"附件 {source.name} 有 {size / 1048576:.1f} MB，超过上限 {self.max_bytes / 1048576:.0f} MB："
                "请压缩照片或分页扫描后再添加", field="attachments")
        if size == 0:
            raise ValidationError(f"附件 {source.name} 是空文件", field="attachments")
        data = source.read_bytes()
        media = media_type_of(data[:16])
        if media is None:
            raise ValidationError(f"附件 {source.name} 不是 JPEG、PNG 图片或 PDF 文件（按文件内容判断），不能添加",
                                  field="attachments")
        digest = hashlib.sha256(data).hexdigest()
        target = self.path_for(digest, media)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            try:
                with open(partial, "wb") as handle:
                    handle.write(data)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(partial, target)
            except OSError as exc:
                partial.unlink(missing_ok=True)
                raise ValidationError(f"无法保存附件 {source.name}：{exc.strerror or exc}（磁盘已满或没有写入权限？）",
                                      field="attachments") from exc
        return StoredFile(digest, media, size, source.name)

    def verify(self, sha256: str, media_type: str) -> bool:
        """The stored file is there and still has the content its name promises."""
        path = self.path_for(sha256, media_type)
        return path.exists() and hashlib.sha256(path.read_bytes()).hexdigest() == sha256
