"""The attachment store: content-addressed, JPEG/PNG/PDF by magic bytes, size limit, no partial files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from desktop.domain.errors import ValidationError
from desktop.storage.attachments import AttachmentStore

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x01" * 40
PDF = b"%PDF-1.4\n%fake\n"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("data, media", [(PNG, "image/png"), (JPEG, "image/jpeg"), (PDF, "application/pdf")])
def test_files_are_stored_once_by_sha256(tmp_path: Path, data: bytes, media: str) -> None:
    store = AttachmentStore(tmp_path / "attachments")
    first = store.put(write(tmp_path, "a.bin", data))
    second = store.put(write(tmp_path, "copy-with-other-name.bin", data))
    digest = hashlib.sha256(data).hexdigest()
    assert first.sha256 == second.sha256 == digest
    assert first.media_type == media and first.size == len(data)
    stored = [p for p in (tmp_path / "attachments").rglob("*") if p.is_file()]
    assert len(stored) == 1 and stored[0].read_bytes() == data
    assert stored[0] == store.path_for(digest, media) and stored[0].parent.name == digest[:2]
    assert store.verify(digest, media)


def test_a_text_file_named_jpg_is_refused(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path / "attachments")
    with pytest.raises(ValidationError, match="签到表.jpg 不是 JPEG、PNG 图片或 PDF") as info:
        store.put(write(tmp_path, "签到表.jpg", b"just some text"))
    assert info.value.field == "attachments"
    assert not (tmp_path / "attachments").exists() or not any((tmp_path / "attachments").rglob("*.*"))


def test_size_limit_has_a_clear_message(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path / "attachments", max_bytes=1024 * 1024)
    big = write(tmp_path, "大照片.png", PNG + b"\x00" * (2 * 1024 * 1024))
    with pytest.raises(ValidationError, match=r"大照片.png 有 2.0 MB，超过上限 1 MB"):
        store.put(big)


def test_empty_and_missing_files_are_refused(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path / "attachments")
    with pytest.raises(ValidationError, match="空文件"):
        store.put(write(tmp_path, "empty.png", b""))
    with pytest.raises(ValidationError, match="无法读取附件"):
        store.put(tmp_path / "missing.png")


def test_a_damaged_stored_file_is_detected(tmp_path: Path) -> None:
    store = AttachmentStore(tmp_path / "attachments")
    item = store.put(write(tmp_path, "a.png", PNG))
    path = store.path_for(item.sha256, item.media_type)
    path.write_bytes(PNG + b"tampered")
    assert not store.verify(item.sha256, item.media_type)
    assert not list((tmp_path / "attachments").rglob("*.partial"))
