"""The annual 组织生活台账 states 谈心谈话 in pairs under its summary, naming the missing pairs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from pypdf import PdfReader


def first_page_text(path: Path) -> str:
    return "".join(PdfReader(str(path)).pages[0].extract_text().split())


def test_summary_names_the_pairs_not_yet_talked_with(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    coverage = demo_copy.meetings.talk_coverage(2026)
    assert len(coverage.required) == 69 and len(coverage.missing) == 2
    demo_copy.meetings.render_ledger(2026, tmp_path / "m.pdf")
    text = first_page_text(tmp_path / "m.pdf")
    assert "谈心谈话按对计算：应谈69对，已谈67对，未谈：" in text
    for pair in coverage.missing:
        assert pair.label in text


def test_no_pairs_line_when_talks_are_not_required(demo_copy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = demo_copy.meetings.settings()
    frequencies = dict(settings.frequencies, 谈心谈话="none")
    demo_copy.meetings.save_settings(dataclasses.replace(settings, frequencies=frequencies))
    demo_copy.meetings.render_ledger(2026, tmp_path / "m.pdf")
    assert "按对计算" not in first_page_text(tmp_path / "m.pdf")
