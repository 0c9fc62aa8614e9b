"""Page templates shared by every ledger: A4, header with the branch name and title, footer with
"第 N 页 共 M 页", the printed date and an optional note (e.g. the audit chain head), and table styles.

Documents are written to a temporary file and renamed, so a failed export never leaves half a PDF."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from desktop import __version__
from desktop.domain.errors import LedgerError
from desktop.ledgers.fonts import FONT, missing_characters, register_font

MARGIN = 15 * mm


@dataclass(frozen=True)
class PageInfo:
    """What every page of a ledger shows around its content."""

    title: str
    branch_name: str
    printed_on: dt.date
    landscape: bool = False
    footer_note: str = ""  # e.g. "审计链 a1b2…" or the rules used
    subject: str = ""
    keywords: Sequence[str] = field(default_factory=tuple)


def styles() -> dict[str, ParagraphStyle]:
    register_font()
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=11, leading=16, alignment=TA_CENTER, spaceAfter=8),
        "heading": ParagraphStyle("heading", parent=base, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "cell_center": ParagraphStyle("cell_center", parent=base, fontSize=8.5, leading=11, alignment=TA_CENTER),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=colors.HexColor("#444444")),
    }


def para(text: object, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped), keeping full-width spaces that Paragraph would collapse."""
    from xml.sax.saxutils import escape

    value = "" if text is None else str(text)
    return Paragraph(escape(value).replace("\u3000", "&#160;&#160;").replace("\n", "<br/>"), style)


def grid_table(rows: list[list[Any]], col_widths: Sequence[float] | None = None, *, header_rows: int = 1,
               font_size: float = 8.5, extra_styles: Sequence[tuple] = ()) -> Table:
    """A ruled table whose header rows repeat on every page."""
    register_font()
    table = Table(rows, colWidths=col_widths, repeatRows=header_rows)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 0), (-1, header_rows - 1), "CENTER"),
        ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#EEEEEE")),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        *extra_styles,
    ]))
    return table


def _numbered_canvas_class(info: PageInfo) -> type:
    class NumberedCanvas(rl_canvas.Canvas):
        """Two passes: remember each page, then stamp 第 N 页 共 M 页 once the total is known."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab API)
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = self._pagesize
            self.setFont(FONT, 8)
            self.setFillColor(colors.HexColor("#333333"))
            self.drawString(MARGIN, height - 10 * mm, info.branch_name)
            self.drawRightString(width - MARGIN, height - 10 * mm, info.title)
            self.setLineWidth(0.4)
            self.line(MARGIN, height - 11.5 * mm, width - MARGIN, height - 11.5 * mm)
            self.drawCentredString(width / 2, 8 * mm, f"第 {self._pageNumber} 页 共 {total} 页")
            self.drawString(MARGIN, 8 * mm, f"打印日期：{info.printed_on.isoformat()}")
            self.drawRightString(width - MARGIN, 8 * mm, f"支部工作台账 {__version__}")
            if info.footer_note:
                self.drawString(MARGIN, 4.5 * mm, info.footer_note)

    return NumberedCanvas


def build_pdf(out: Path, info: PageInfo, story: list[Flowable]) -> Path:
    """Render `story` to `out` atomically (temp file + rename). Returns `out`."""
    register_font()
    _refuse_missing_glyphs(info, story)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    pagesize = landscape(A4) if info.landscape else A4
    doc = SimpleDocTemplate(
        str(partial), pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=16 * mm, bottomMargin=15 * mm, title=info.title, author=info.branch_name,
        subject=info.subject or info.title, creator=f"支部工作台账 {__version__}",
        keywords=list(info.keywords),
        # reportlab's default initial font is Helvetica, listed (not embedded) in every PDF; start
        # with the bundled font so the file carries only that one.
        initialFontName=FONT,
    )
    try:
        doc.build(story, canvasmaker=_numbered_canvas_class(info))
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise LedgerError(f"无法写入 {out}：{exc.strerror or exc}（磁盘已满或没有写入权限？）") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return out


def _refuse_missing_glyphs(info: PageInfo, story: list[Flowable]) -> None:
    """A character the font lacks prints blank with no warning: refuse instead, naming it."""
    texts = [info.title, info.branch_name, info.footer_note]
    for flowable in story:
        texts.extend(_texts(flowable))
    missing = missing_characters("".join(texts))
    if missing:
        raise LedgerError(f"内置字体缺少这些字符，打印会显示为空白：{missing}。请改用常用字或同音字并在备注中说明。")


def _texts(flowable: Any) -> list[str]:
    if isinstance(flowable, Paragraph):
        return [flowable.getPlainText()]
    if isinstance(flowable, Table):
        out: list[str] = []
        for row in flowable._cellvalues:  # noqa: SLF001 - reportlab keeps cells here
            for cell in row:
                if isinstance(cell, str):
                    out.append(cell)
                elif isinstance(cell, (list, tuple)):
                    for item in cell:
                        out.extend(_texts(item))
                else:
                    out.extend(_texts(cell))
        return out
    return []


# -- amendments (更正) printed next to the record they amend ----------------------------------------
AMENDMENT_LABEL = "更正："
AMENDMENT_BACKGROUND = colors.HexColor("#FFF6E0")
_AMENDMENT_COLOR = "#9A3412"


def amendment_paragraph(lines: Sequence[str], style: ParagraphStyle) -> Paragraph:
    """The amendments of one record, one per line, each after a coloured "更正：" label.

    `lines` are `AmendmentDto.describe()` texts (optionally after a "［part］" prefix naming the
    amended part of the record); their own leading "更正" is dropped so the label is not doubled."""
    import re
    from xml.sax.saxutils import escape

    shown = []
    for line in lines:
        text = re.sub(r"^(［[^］]*］)?更正", r"\1", str(line), count=1)
        shown.append(f'<font color="{_AMENDMENT_COLOR}">{AMENDMENT_LABEL}</font>{escape(text)}')
    return Paragraph("<br/>".join(shown), style)


def amendment_row(lines: Sequence[str], columns: int, row: int, style: ParagraphStyle, *,
                  first_column: int = 0) -> tuple[list[Any], list[tuple]]:
    """A table row that prints `lines` (see `amendment_paragraph`) spanning columns
    `first_column`..end, to be placed at table row `row` directly beneath the amended record, and
    the style commands for it: the span, a pale background, left alignment, and NOSPLIT with the
    row above, so a page break never parts the amendment from its record."""
    cells: list[Any] = [""] * columns
    cells[first_column] = amendment_paragraph(lines, style)
    commands: list[tuple] = [
        ("SPAN", (first_column, row), (columns - 1, row)),
        ("BACKGROUND", (first_column, row), (columns - 1, row), AMENDMENT_BACKGROUND),
        ("ALIGN", (first_column, row), (columns - 1, row), "LEFT"),
        ("VALIGN", (first_column, row), (columns - 1, row), "TOP"),
        ("NOSPLIT", (0, max(row - 1, 0)), (columns - 1, row)),
    ]
    return cells, commands
