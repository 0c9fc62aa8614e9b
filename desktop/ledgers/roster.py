"""The printed 党员花名册: A4 landscape, one ruled table grouped by party group, ID numbers masked.

Rendered from plain DTOs (no database): `RosterLedger` in, a PDF out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from desktop.ledgers.layout import PageInfo, build_pdf, grid_table, para, styles

UNGROUPED = "未编入党小组"

# (header, width in mm): 267 mm is the printable width of A4 landscape with 15 mm margins.
COLUMNS: tuple[tuple[str, float], ...] = (
    ("序号", 8), ("姓名", 15), ("性别", 7), ("民族", 10), ("出生日期", 18), ("公民身份号码", 35),
    ("学历", 14), ("人员类别", 15), ("工作单位及职务", 36), ("手机号码", 21), ("入党日期", 18),
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


def roster_story(ledger: RosterLedger) -> list[Flowable]:
    s = styles()
    full = sum(1 for line in ledger.lines if line.member_type == "正式")
    probationary = len(ledger.lines) - full
    story: list[Flowable] = [
        para("党员花名册", s["title"]),
        para(f"{ledger.branch_name}　　截至 {ledger.as_of.year}年{ledger.as_of.month}月{ledger.as_of.day}日　　"
             f"党员 {len(ledger.lines)} 名（正式党员 {full} 名，预备党员 {probationary} 名）", s["subtitle"]),
    ]
    header = [para(h, s["cell_center"]) for h, _ in COLUMNS]
    rows: list[list[object]] = [header]
    extra: list[tuple] = []
    serial = 0
    for group, lines in ledger.grouped():
        index = len(rows)
        rows.append([para(f"{group}（{len(lines)} 名）", s["cell"])] + [""] * (len(COLUMNS) - 1))
        extra += [("SPAN", (0, index), (-1, index)), ("BACKGROUND", (0, index), (-1, index), colors.HexColor("#F5F5F5"))]
        for line in lines:
            serial += 1
            rows.append([
                para(serial, s["cell_center"]), para(line.name, s["cell"]), para(line.sex, s["cell_center"]),
                para(line.ethnicity, s["cell"]), para(_date(line.birth_date), s["cell"]),
                para(line.id_masked, s["cell"]), para(line.education, s["cell"]), para(line.category, s["cell"]),
                para(line.work_unit_post, s["cell"]), para(line.phone, s["cell"]), para(_date(line.joined_on), s["cell"]),
                para(_date(line.confirmed_on), s["cell"]), para(line.member_type, s["cell_center"]),
                para(line.party_post, s["cell"]), para(line.remarks, s["cell"]),
            ])
    if not ledger.lines:
        rows.append([para("（无党员）", s["cell_center"])] + [""] * (len(COLUMNS) - 1))
        extra.append(("SPAN", (0, 1), (-1, 1)))
    story.append(grid_table(rows, [w * mm for _, w in COLUMNS], extra_styles=extra))
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
