"""The printed 党员花名册: A4 landscape, one ruled table grouped by party group, ID numbers masked.

Rendered from plain DTOs (no database): `RosterLedger` in, a PDF out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Spacer

from desktop.ledgers.fonts import FONT
from desktop.ledgers.layout import PageInfo, amendment_row, build_pdf, grid_table, para
from desktop.ledgers.layout import styles as base_styles

UNGROUPED = "未编入党小组"
CHUNK_ROWS = 200


def styles() -> dict[str, ParagraphStyle]:
    result = base_styles()
    result["group"] = ParagraphStyle("group", parent=result["body"], fontSize=10.5, leading=15, spaceBefore=6,
                                     spaceAfter=2)
    return result

# (header, width in mm): 267 mm is the printable width of A4 landscape with 15 mm margins.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("序号", 8), ("姓名", 15), ("性别", 7), ("民族", 10), ("出生日期", 18), ("公民身份号码", 35),
    ("学历", 16), ("人员类别", 14), ("工作单位及职务", 35), ("手机号码", 21), ("入党日期", 18),
    ("转正日期", 18), ("党员类型", 10), ("党内职务", 15), ("备注", 27),
)


@dataclass(frozen=True)
class RosterLine:
    member_id: int
    name: str
    sex: str
    ethnicity: str
    birth_date: dt.date | None
    id_masked: str
    education: str
    category: str
    work_unit_post: str
    phone: str
    joined_on: dt.date | None
    confirmed_on: dt.date | None
    member_type: str  # 正式 / 预备
    party_post: str
    group: str | None
    remarks: str


@dataclass(frozen=True)
class RosterLedger:
    branch_name: str
    as_of: dt.date
    printed_on: dt.date
    lines: tuple[RosterLine, ...]
    footer_note: str = ""
    # ("member", str(member_id)) -> the 更正 lines of that member's record, printed beneath its row
    amendments: Mapping[tuple[str, str], Sequence[str]] = field(default_factory=dict)

    def grouped(self) -> list[tuple[str, list[RosterLine]]]:
        """Lines by party group (groups in name order, the ungrouped last), each by join date."""
        groups: dict[str, list[RosterLine]] = {}
        for line in self.lines:
            groups.setdefault(line.group or UNGROUPED, []).append(line)
        order = sorted(groups, key=lambda g: (g == UNGROUPED, g))
        return [(g, sorted(groups[g], key=lambda l: (l.joined_on or dt.date.max, l.name))) for g in order]

    def ordered_lines(self) -> list[RosterLine]:
        return [line for _, lines in self.grouped() for line in lines]


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _cell(text: object, width_mm: float, style: ParagraphStyle) -> object:
    """Plain text when it fits the column (fast), a wrapping Paragraph when it does not."""
    value = "" if text is None else str(text)
    if not value or stringWidth(value, FONT, style.fontSize) <= width_mm * mm - 6:
        return value
    return para(value, style)


def _line_cells(serial: int, line: RosterLine, style: ParagraphStyle) -> list[object]:
    values = (serial, line.name, line.sex, line.ethnicity, _date(line.birth_date), line.id_masked, line.education,
              line.category, line.work_unit_post, line.phone, _date(line.joined_on), _date(line.confirmed_on),
              line.member_type, line.party_post, line.remarks)
    return [_cell(v, w, style) for v, (_, w) in zip(values, COLUMNS)]


def _table(rows: list[list[object]], header: list[object], notes: Sequence[tuple[int, Sequence[str]]] = (),
           note_style: ParagraphStyle | None = None) -> Flowable:
    """`rows` of members; `notes` are (index in `rows`, 更正 lines): a spanning row under that member."""
    body: list[list[object]] = []
    commands: list[tuple] = []
    pending = dict(notes)
    for index, row in enumerate(rows):
        body.append(row)
        if index in pending and note_style is not None:
            cells, styles_ = amendment_row(pending[index], len(COLUMNS), len(body) + 1, note_style)
            body.append(cells)
            commands += styles_
    return grid_table([header, *body], [w * mm for _, w in COLUMNS], extra_styles=(
        ("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (2, 1), (2, -1), "CENTER"), ("ALIGN", (12, 1), (12, -1), "CENTER"),
        *commands,
    ))


def roster_story(ledger: RosterLedger) -> list[Flowable]:
    """Title, then each party group under its heading as a ruled table whose header repeats on
    every page. Long groups are cut into tables of CHUNK_ROWS rows: reportlab re-copies the rest
    of a table at each page break, so one 10,000-row table would take minutes."""
    s = styles()
    full = sum(1 for line in ledger.lines if line.member_type == "正式")
    probationary = len(ledger.lines) - full
    story: list[Flowable] = [
        para("党员花名册", s["title"]),
        para(f"{ledger.branch_name}　　截至 {ledger.as_of.year}年{ledger.as_of.month}月{ledger.as_of.day}日　　"
             f"党员 {len(ledger.lines)} 名（正式党员 {full} 名，预备党员 {probationary} 名）", s["subtitle"]),
    ]
    header = [para(h, s["cell_center"]) for h, _ in COLUMNS]
    serial = 0
    for group, lines in ledger.grouped():
        story.append(CondPageBreak(25 * mm))  # a group heading never sits alone at the foot of a page
        story.append(para(f"{group}（{len(lines)} 名）", s["group"]))
        rows = []
        notes: list[tuple[int, Sequence[str]]] = []
        for line in lines:
            serial += 1
            amended = ledger.amendments.get(("member", str(line.member_id)))
            if amended:
                notes.append((len(rows), amended))
            rows.append(_line_cells(serial, line, s["cell"]))
        for start in range(0, len(rows), CHUNK_ROWS):
            chunk_notes = [(i - start, n) for i, n in notes if start <= i < start + CHUNK_ROWS]
            story.append(_table(rows[start:start + CHUNK_ROWS], header, chunk_notes, s["cell"]))
    if not ledger.lines:
        story.append(para("（无党员）", s["body"]))
    story += [Spacer(1, 6 * mm), para("填报人：＿＿＿＿＿＿　　　　支部书记（签字）：＿＿＿＿＿＿　　　　日期：＿＿＿＿年＿＿月＿＿日", s["body"])]
    return story


def render_roster(ledger: RosterLedger, out: Path) -> Path:
    info = PageInfo(
        title="党员花名册",
        branch_name=ledger.branch_name,
        printed_on=ledger.printed_on,
        landscape=True,
        footer_note=ledger.footer_note,
        subject=f"党员花名册（截至 {ledger.as_of.isoformat()}）",
        keywords=("花名册", ledger.as_of.isoformat()),
    )
    return build_pdf(out, info, roster_story(ledger))
