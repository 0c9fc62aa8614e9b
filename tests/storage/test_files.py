"""A file is written whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.domain.errors import LedgerError
from desktop.storage.files import write_atomically


def test_bytes_are_written_and_no_partial_is_left(tmp_path: Path) -> None:
    target = write_atomically(tmp_path / "sub" / "a.bin", b"abc", private=True)
    assert target.read_bytes() == b"abc"
    assert (target.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.bin"]


def test_unwritable_place_names_the_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(LedgerError, match="not-a-folder"):
        write_atomically(blocker / "a.bin", b"abc")


def test_a_failing_writer_leaves_the_previous_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")

    def broken(partial: Path) -> None:
        partial.write_bytes(b"half")
        raise ValueError("writer failed")

    with pytest.raises(ValueError):
        write_atomically(target, broken)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]
