"""Rebuild resources/fonts/BranchLedgerSans.ttf: WenQuanYi Micro Hei subset to the GBK character set.

Run once by a developer (needs Debian's fonts-wqy-microhei and fontTools); the result is committed.
GBK (not GB2312) because names use characters such as 喆堃玥珺镕. The subset keeps TrueType outlines,
which reportlab can embed, and the family is renamed so that it never collides with an installed copy.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

SOURCE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
TARGET = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "BranchLedgerSans.ttf"
FAMILY = "Branch Ledger Sans"


def gbk_text() -> str:
    chars = [chr(c) for c in range(0x20, 0x7F)]
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            try:
                chars.append(bytes([lead, trail]).decode("gbk"))
            except UnicodeDecodeError:
                pass
    extra = "　、。·—…‘’“”〈〉《》「」『』【】〔〕①②③④⑤⑥⑦⑧⑨⑩№℃×÷√■□▲△●○★☆◆◇✓✗"
    return "".join(chars) + extra


def main() -> int:
    font = TTCollection(str(SOURCE)).fonts[0]
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = ["*"]
    options.notdef_outline = True
    sub = subset.Subsetter(options)
    sub.populate(text=gbk_text())
    sub.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 16):
            names.setName(FAMILY, record.nameID, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 4:
            names.setName(FAMILY, 4, record.platformID, record.platEncID, record.langID)
        elif record.nameID == 6:
            names.setName("BranchLedgerSans", 6, record.platformID, record.platEncID, record.langID)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(TARGET))
    print(f"{TARGET} {TARGET.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
