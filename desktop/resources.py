"""Where the bundled resources (fonts, icons) are: beside the package in a checkout, or in the frozen bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def font_path() -> Path:
    """The CJK TrueType font used by the window and every PDF (GBK subset of WenQuanYi Micro Hei)."""
    return resources_dir() / "fonts" / "BranchLedgerSans.ttf"
