"""The bundled CJK TrueType font, registered with reportlab once; loud when characters are missing."""

from __future__ import annotations

from functools import lru_cache

from desktop.domain.errors import LedgerError
from desktop.resources import font_path

FONT = "BranchLedgerSans"


@lru_cache(maxsize=1)
def register_font() -> str:
    """Register the font (idempotent) and return its reportlab name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = font_path()
    if not path.exists():
        raise LedgerError(f"缺少中文字体文件 {path}：程序安装不完整，请重新安装。")
    pdfmetrics.registerFont(TTFont(FONT, str(path)))
    return FONT


@lru_cache(maxsize=1)
def _cmap() -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics

    register_font()
    face = pdfmetrics.getFont(FONT).face
    return frozenset(face.charToGlyph.keys())


def missing_characters(text: str) -> str:
    """Characters of `text` the font cannot print (they would come out blank), in order, once each."""
    cmap = _cmap()
    seen: list[str] = []
    for ch in text:
        if ord(ch) >= 0x20 and ord(ch) not in cmap and ch not in seen and not ch.isspace():
            seen.append(ch)
    return "".join(seen)
