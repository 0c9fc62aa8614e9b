"""Printed forms of organizational life: the sign-in sheet (签到表), the meeting record (会议记录)
and the annual meetings ledger (组织生活台账). Renderers take the service's DTOs; no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer

from desktop.ledgers.layout import PageInfo, amendment_row, build_pdf, grid_table, para, styles

LATE_MARK = "【补记】"
# A key/value grid: labels in columns 0 and 2 centred on grey, values left-aligned on white.
_KEY_VALUE = (
    ("BACKGROUND", (0, 0), (-1, -1), colors.white),
    ("ALIGN", (0, 0), (-1, -1), "LEFT"),
    ("ALIGN", (0, 0), (0, -1), "CENTER"),
    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F3F3F3")),
)


def _late_line(m: Any) -> str:
    recorded = m.recorded_on.isoformat() if m.recorded_on else "—"
    return f"{LATE_MARK}本记录于 {recorded} 录入，超过会后录入期限；补记原因：{m.late_reason or '—'}"


def _stamp_line(m: Any) -> str:
    def local(ts: Any) -> str:
        return ts.astimezone().strftime("%Y-%m-%d %H:%M") if ts else "—"

    return f"记录录入日期：{m.recorded_on or '—'}；建档：{local(m.created_at)}；最后修改：{local(m.updated_at)}"


def _head_rows(m: Any, st: dict) -> list[list[Any]]:
    cell = st["cell"]
    return [
        ["会议类型", para(m.kinds_label, cell), "编号", m.number],
        ["日期", f"{m.held_on:%Y年%m月%d日}", "时间", m.time_span or "　　：　　—　　：　　"],
        ["地点", para(m.place_label, cell), "主题", para(m.topic, cell)],
    ]


def render_signin_sheet(out: Path, info: PageInfo, meeting: Any, expected: Sequence[Any]) -> Path:
    """A blank sign-in sheet: each expected member's name, an empty signature column."""
    st = styles()
    story: list[Flowable] = [para(info.title, st["title"])]
    width = 180 * mm
    head = _head_rows(meeting, st)
    head.append(["主持人", meeting.chair or "", "记录人", meeting.recorder or ""])
    story.append(grid_table(head, [22 * mm, 68 * mm, 22 * mm, 68 * mm], header_rows=0, font_size=9,
                            extra_styles=[*_KEY_VALUE, ("ALIGN", (2, 0), (2, -1), "CENTER"),
                                          ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#F3F3F3"))]))
    voting = sum(1 for a in expected if a.votes)
    story.append(para(f"应到 {len(expected)} 人（其中有表决权的正式党员 {voting} 人，预备党员 {len(expected) - voting} 人）；"
                      "实到　　　人；请假　　　人；缺席　　　人", st["body"]))
    if getattr(meeting, "late_entry", False):
        story.append(para(_late_line(meeting), st["body"]))
    story.append(Spacer(1, 3 * mm))
    rows: list[list[Any]] = [["序号", "姓名", "党员类型", "本人签名", "签到时间", "备注（请假类别/事由）"]]
    for index, person in enumerate(expected, start=1):
        rows.append([str(index), person.name, "预备党员" if person.probationary else "正式党员", "", "", ""])
    story.append(grid_table(rows, [12 * mm, 28 * mm, 22 * mm, 50 * mm, 24 * mm, width - 136 * mm], font_size=10,
                            extra_styles=[("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white]),
                                          ("TOPPADDING", (0, 1), (-1, -1), 5), ("BOTTOMPADDING", (0, 1), (-1, -1), 5),
                                          ("ALIGN", (0, 1), (0, -1), "CENTER")]))
    story.append(Spacer(1, 4 * mm))
    story.append(para("列席人员：______________________________________________", st["body"]))
    story.append(Spacer(1, 6 * mm))
    story.append(para("主持人（签字）：______________　　　记录人（签字）：______________", st["body"]))
    return build_pdf(out, info, story)


def _minutes_story(detail: Any, st: dict, *, title: str | None, compact: bool = False,
                   amendments: Sequence[str] = ()) -> list[Flowable]:
    """The record's key/value grid; `amendments` (更正 lines) print in a last row spanning it."""
    m = detail.meeting
    cell = st["cell"]
    story: list[Flowable] = []
    if title:
        story.append(para(title, st["title"]))
    if m.late_entry:
        story.append(para(_late_line(m), st["heading"] if not compact else st["body"]))
    rows = _head_rows(m, st)
    absent = [a for a in detail.attendance if not a.present]
    late = [a for a in detail.attendance if a.status == "迟到"]
    rows += [
        ["主持人", m.chair or "", "记录人", m.recorder or ""],
        ["应到", f"{m.expected_count} 人", "实到", f"{m.present_count} 人（请假 {m.leave_count}，缺席 {m.absent_count}）"],
        ["出席人员", para("、".join(a.name + ("（预备）" if a.probationary else "") for a in detail.attendance if a.present)
                        or "—", cell), "", ""],
        ["缺席及原因", para("；".join(f"{a.name}：{a.detail}" for a in absent) or "无", cell), "", ""],
    ]
    if late:
        rows.append(["迟到", para("、".join(a.name for a in late), cell), "", ""])
    rows.append(["列席人员", para("、".join(m.guests) or "无", cell), "", ""])
    if m.activity:
        rows.append(["活动内容", para(m.activity, cell), "", ""])
    rows.append(["议程", para("\n".join(f"{i}. {a}" for i, a in enumerate(m.agenda, start=1)), cell), "", ""])
    rows.append(["发言记录", para("\n".join(f"{s.speaker}：{s.points}" for s in detail.speeches) or "—", cell), "", ""])
    resolutions = []
    for i, r in enumerate(detail.resolutions, start=1):
        line = f"{i}. {r.text}"
        if r.voted:
            line += (f"（表决：应到有表决权党员 {r.expected} 人，实到 {r.present} 人，赞成 {r.yes}，反对 {r.no}，弃权 {r.abstain}"
                     + (f"，书面意见 {r.written} 份" if r.written else "") + f"；{'通过' if r.passed else '未通过'}）")
            if r.written_opinions:
                line += f"\n　未到会党员书面意见：{r.written_opinions}"
        resolutions.append(line)
    rows.append(["决议", para("\n".join(resolutions) or "无", cell), "", ""])
    if m.closing:
        rows.append(["结束语", para(m.closing, cell), "", ""])
    if detail.attachments:
        rows.append(["附件", para("；".join(f"{a.filename}（SHA-256 {a.sha256[:12]}…）" for a in detail.attachments), cell),
                     "", ""])
    rows.append(["录入情况", para(_stamp_line(m), cell), "", ""])
    spans = [("SPAN", (1, i), (3, i)) for i in range(len(rows)) if rows[i][2] == "" and rows[i][3] == ""]
    spans += [style for i in range(len(rows)) if rows[i][2] != ""
              for style in (("ALIGN", (2, i), (2, i), "CENTER"), ("BACKGROUND", (2, i), (2, i), colors.HexColor("#F3F3F3")))]
    widths = [24 * mm, 66 * mm, 20 * mm, 70 * mm] if not compact else [24 * mm, 110 * mm, 20 * mm, 113 * mm]
    amended: list[tuple] = []
    if amendments:
        note, amended = amendment_row(amendments, 4, len(rows), cell)
        rows.append(note)
    story.append(grid_table(rows, widths, header_rows=0, font_size=9,
                            extra_styles=[*_KEY_VALUE, *spans, ("VALIGN", (0, 0), (-1, -1), "TOP"), *amended]))
    return story


def render_minutes(out: Path, info: PageInfo, detail: Any) -> Path:
    """The filled meeting record with the chair's and recorder's signature lines."""
    st = styles()
    story = _minutes_story(detail, st, title=info.title)
    story.append(Spacer(1, 10 * mm))
    story.append(para("主持人（签字）：______________　　　记录人（签字）：______________", st["body"]))
    story.append(para("　　　　　　　　　　　　　　　　　　　　　　年　　月　　日", st["body"]))
    return build_pdf(out, info, story)


def render_ledger(out: Path, info: PageInfo, year: int, summary: Sequence[tuple[str, list[tuple[int, int]], str]],
                  details: Sequence[Any], settings_lines: Sequence[str],
                  amendments: Mapping[tuple[str, str], Sequence[str]] | None = None, *,
                  notes: Sequence[str] = ()) -> Path:
    """The annual meetings ledger: summary (held/required per type and month) with its `notes`
    (谈心谈话 pairs), then each record.

    `amendments` maps ("meeting", str(id)) to the 更正 lines of that meeting and its parts; they
    print under that meeting's record."""
    amendments = amendments or {}
    st = styles()
    story: list[Flowable] = [para(info.title, st["title"]),
                             para(f"{info.branch_name}　　{year}年1月1日至{year}年12月31日", st["subtitle"])]
    for line in settings_lines:
        story.append(para(line, st["small"]))
    late_count = sum(1 for d in details if d.meeting.late_entry)
    story.append(para(f"全年共记录会议 {len(details)} 次，其中补记 {late_count} 次（标注“{LATE_MARK}”）。", st["body"]))
    story.append(para("一、开展情况汇总（已开展/应开展）", st["heading"]))
    header = ["会议类型", "要求", *[f"{m}月" for m in range(1, 13)], "全年"]
    rows: list[list[Any]] = [header]
    short_cells = []
    for r_index, (kind, cells, freq) in enumerate(summary, start=1):
        row = [kind, freq]
        for c_index, (held, required) in enumerate(cells):
            row.append(f"{held}/{required}" if required else (str(held) if held else "—"))
            month_over = dt.date(year + (c_index == 11), c_index % 12 + 2 if c_index < 11 else 1, 1) <= info.printed_on
            if held < required and month_over:
                short_cells.append(("TEXTCOLOR", (c_index + 2, r_index), (c_index + 2, r_index), colors.HexColor("#B00020")))
        row.append(f"{sum(h for h, _ in cells)}/{sum(q for _, q in cells)}")
        rows.append(row)
    story.append(grid_table(rows, [30 * mm, 18 * mm, *[15.5 * mm] * 12, 20 * mm], font_size=8.5,
                            extra_styles=[("ALIGN", (1, 1), (-1, -1), "CENTER"), *short_cells]))
    story.append(para("红色为已过去而未达到要求的月份；季度、年度要求计在季末月、12月。", st["small"]))
    for note in notes:
        story.append(para(note, st["small"]))
    story.append(PageBreak())
    story.append(para("二、会议记录（按日期）", st["heading"]))
    index_rows: list[list[Any]] = [["序号", "编号", "日期", "会议类型", "主题", "主持人", "记录人", "应到", "实到", "出席率", "录入"]]
    for i, d in enumerate(details, start=1):
        m = d.meeting
        rate = f"{m.attendance_rate:.0%}" if m.attendance_rate is not None else "—"
        index_rows.append([str(i), m.number, m.held_on.isoformat(), para(m.kinds_label, st["cell"]), para(m.topic, st["cell"]),
                           m.chair or "", m.recorder or "", str(m.expected_count), str(m.present_count), rate,
                           "补记" if m.late_entry else "按时"])
    story.append(grid_table(index_rows, [10 * mm, 18 * mm, 22 * mm, 40 * mm, 70 * mm, 18 * mm, 18 * mm,
                                         12 * mm, 12 * mm, 14 * mm, 14 * mm], font_size=8.5))
    for i, d in enumerate(details, start=1):
        story.append(Spacer(1, 4 * mm))
        amended = amendments.get(("meeting", str(d.meeting.id)), ())
        block = [para(f"（{i}）{d.meeting.held_on:%Y年%m月%d日} {d.meeting.kinds_label}　编号 {d.meeting.number}"
                      + (f"　{LATE_MARK}" if d.meeting.late_entry else ""), st["heading"]),
                 *_minutes_story(d, st, title=None, compact=True, amendments=amended)]
        # an amended record starts on a fresh page when it would not fit, so its 更正 row shares its page
        story.extend([KeepTogether(block)] if amended else block)
    if not details:
        story.append(para("本年度尚无会议记录。", st["body"]))
    story.append(Spacer(1, 8 * mm))
    story.append(para("填报人：______________　　审核人（支部书记）：______________　　日期：______________", st["body"]))
    return build_pdf(out, info, story)
