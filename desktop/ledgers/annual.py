"""The printed 述职 materials: the 述职报告 (cover, text, figure tables, the three lists), the
述职评议 record, and the one-page 年度党建工作统计表. Renderers take DTOs, never the database."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer

from desktop.domain.annual import (
    MEMBER_GRADES,
    NO_DATA,
    REPORT_SECTIONS,
    YearFigures,
    changed_figures,
    render_figures,
)
from desktop.ledgers.layout import PageInfo, build_pdf, grid_table, para, styles

CHANGED_MARK = "※"
MISSING_SOURCE = "暂无数据（{area}模块未提供）"
CONTENT_WIDTH = 180 * mm


@dataclass(frozen=True)
class ReportDocument:
    year: int
    title: str
    secretary: str
    draft: Any  # services.annual_report.ReportDraft
    figures: YearFigures
    items: Sequence[Any]  # ItemDto of the year
    previous_items: Sequence[Any]  # ItemDto of the year before


@dataclass(frozen=True)
class EvaluationDocument:
    year: int
    title: str
    secretary: str
    evaluation: Any | None  # EvaluationDto
    grades: Sequence[Any]  # MemberGradeDto


# -- the report text (Markdown as QTextEdit writes it) ------------------------------------------------
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(.+?)\1")
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def _join_lines(lines: list[str]) -> str:
    """Join soft-wrapped lines: no space between Chinese characters, one between Latin words."""
    out = ""
    for line in lines:
        line = line.strip()
        if out and line and not (_CJK.match(out[-1]) or _CJK.match(line[0])):
            out += " "
        out += line
    return out


def _inline(text: str) -> str:
    text = _EMPHASIS.sub(lambda m: m.group(2), text)  # one font: emphasis cannot be shown, keep the words
    return _ESCAPED.sub(lambda m: m.group(1), text)


def markdown_paragraphs(text: str, style: Any) -> list[Flowable]:
    """The paragraphs of a section's text: blank lines separate paragraphs, '- ' starts a list item."""
    flowables: list[Flowable] = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [ln for ln in block.splitlines() if ln.strip()]
        if not lines:
            continue
        if all(_LIST_ITEM.match(ln) or not ln.startswith(" ") for ln in lines) and _LIST_ITEM.match(lines[0]):
            items: list[list[str]] = []
            for line in lines:
                if _LIST_ITEM.match(line):
                    items.append([_LIST_ITEM.sub("", line)])
                else:
                    items[-1].append(line)
            for item in items:
                flowables.append(para("· " + _inline(_join_lines(item)), style))
            continue
        joined = _join_lines([ln.lstrip("#").strip() if ln.startswith("#") else ln for ln in lines])
        flowables.append(para("\u3000\u3000" + _inline(joined), style))
    return flowables


# -- building blocks -----------------------------------------------------------------------------------
def _computed_line(figures: YearFigures) -> str:
    return (f"以上数据由系统根据台账记录自动计算，统计时间：{figures.computed_at:%Y-%m-%d %H:%M}；"
            f"统计区间：{figures.period_start.isoformat()}至{figures.period_end.isoformat()}。")


def figure_tables(figures: YearFigures, st: dict[str, Any]) -> list[Flowable]:
    story: list[Flowable] = []
    if not figures.has_records:
        story.append(para(f"{figures.year}年没有任何台账记录，以下各项均无数据（不是零）。", st["body"]))
    rows: list[list[Any]] = [["类别", "项目", "数值"]]
    spans: list[tuple] = []
    for group, group_figures in figures.groups():
        first = len(rows)
        for figure in group_figures:
            rows.append([para(group, st["cell"]) if len(rows) == first else "", para(figure.label, st["cell"]),
                         para(figure.display, st["cell_center"])])
        if len(group_figures) > 1:
            spans.append(("SPAN", (0, first), (0, len(rows) - 1)))
    for area in figures.missing_sources:
        rows.append([para(area, st["cell"]), para(MISSING_SOURCE.format(area="组织生活/党费"), st["cell"]),
                     para(NO_DATA, st["cell_center"])])
    story.append(grid_table(rows, [30 * mm, 110 * mm, 40 * mm], extra_styles=spans))
    story += monthly_table(figures, st)
    story.append(Spacer(1, 2 * mm))
    story.append(para(_computed_line(figures), st["small"]))
    return story


def monthly_table(figures: YearFigures, st: dict[str, Any]) -> list[Flowable]:
    """Attendance and dues collected by month (the figures the charts on screen draw)."""
    attendance, collection = figures.attendance_by_month, figures.collection_by_month
    if not attendance and not collection:
        return []
    rows: list[list[Any]] = [["月份", *[f"{m}月" for m in range(1, 13)]]]
    rows.append(["参会率(%)", *[str(attendance[m]) if m in attendance else "—" for m in range(1, 13)]])
    rows.append(["党费收缴(元)", *[f"{collection[m]:.2f}" if m in collection else "—" for m in range(1, 13)]])
    widths = [22 * mm] + [158 * mm / 12] * 12
    return [Spacer(1, 3 * mm), para("各月参会率与党费收缴", st["body"]),
            grid_table(rows, widths, font_size=6.5, extra_styles=[("ALIGN", (1, 1), (-1, -1), "CENTER")])]


def _d(value: Any) -> str:
    return value.isoformat() if value else ""


def list_tables(items: Sequence[Any], st: dict[str, Any]) -> list[Flowable]:
    """问题清单, 责任清单 and 整改清单 of one year's items."""
    story: list[Flowable] = []
    c, cc = st["cell"], st["cell_center"]

    def origin(item: Any) -> str:
        return f"{item.carried_from_year}年转入" if item.carried_from_year else "本年查摆"

    def evidence(item: Any) -> str:
        return item.evidence_name or ""

    if not items:
        story.append(para("本年度清单尚无事项。", st["body"]))
        return story
    story.append(para("（一）问题清单", st["heading"]))
    rows = [["序号", "问题", "原因", "提出日期", "来源"]]
    rows += [[str(i), para(it.fields.problem, c), para(it.fields.cause, c), para(_d(it.fields.raised_on), cc),
              para(origin(it), cc)] for i, it in enumerate(items, 1)]
    story.append(grid_table(rows, [12 * mm, 70 * mm, 54 * mm, 22 * mm, 22 * mm]))
    story.append(para("（二）责任清单", st["heading"]))
    rows = [["序号", "问题", "责任人", "完成时限"]]
    rows += [[str(i), para(it.fields.problem, c), para(it.fields.responsible or "（未明确）", cc),
              para(_d(it.fields.deadline) or "（未定）", cc)] for i, it in enumerate(items, 1)]
    story.append(grid_table(rows, [12 * mm, 108 * mm, 32 * mm, 28 * mm]))
    story.append(para("（三）整改清单", st["heading"]))
    rows = [["序号", "问题", "整改措施", "完成时限", "状态", "完成情况及佐证"]]
    for i, it in enumerate(items, 1):
        status = it.fields.status + ("（已超期）" if it.overdue else "")
        done = "；".join(x for x in (_d(it.fields.completed_on), it.fields.result, evidence(it)) if x)
        rows.append([str(i), para(it.fields.problem, c), para(it.fields.measure, c), para(_d(it.fields.deadline), cc),
                     para(status, cc), para(done, c)])
    story.append(grid_table(rows, [10 * mm, 45 * mm, 52 * mm, 20 * mm, 18 * mm, 35 * mm]))
    return story


def _previous_table(doc: ReportDocument, st: dict[str, Any]) -> list[Flowable]:
    if not doc.previous_items:
        return []
    carried = {it.carried_from_id: it for it in doc.items if it.carried_from_id}
    rows = [["序号", f"{doc.year - 1}年查摆的问题", "整改措施", "整改情况"]]
    for i, it in enumerate(doc.previous_items, 1):
        now = carried.get(it.id)
        if it.fields.status == "已完成":
            state = f"已完成（{_d(it.fields.completed_on)}）"
        elif now is not None:
            state = f"转入{doc.year}年继续整改，目前{now.fields.status}"
        else:
            state = it.fields.status
        rows.append([str(i), para(it.fields.problem, st["cell"]), para(it.fields.measure, st["cell"]),
                     para(state, st["cell_center"])])
    done = sum(1 for it in doc.previous_items if it.fields.status == "已完成")
    return [grid_table(rows, [12 * mm, 70 * mm, 60 * mm, 38 * mm]), Spacer(1, 1 * mm),
            para(f"上年查摆问题{len(doc.previous_items)}项，已完成整改{done}项。", st["small"])]


# -- the three documents ---------------------------------------------------------------------------------
def report_story(doc: ReportDocument, branch_name: str = "") -> list[Flowable]:
    st = styles()
    current = doc.figures.displays()
    story: list[Flowable] = [Spacer(1, 60 * mm), Paragraph(escape(doc.title), st["title"]), Spacer(1, 20 * mm)]
    if branch_name:
        story.append(para(branch_name, st["subtitle"]))
    story.append(para(f"述职人：{doc.secretary or '（未设书记）'}", st["subtitle"]))
    story.append(para(f"述职年度：{doc.year}年", st["subtitle"]))
    story.append(para(_computed_line(doc.figures), st["small"]))
    story.append(PageBreak())
    changed = []
    for number, (key, heading) in enumerate(REPORT_SECTIONS, 1):
        story.append(para(f"{'一二三四'[number - 1]}、{heading}", st["heading"]))
        text = doc.draft.text(key)
        changed += changed_figures(text, current)
        body = markdown_paragraphs(render_figures(text, current, mark_changed=CHANGED_MARK), st["body"])
        story += body or [para("（本部分尚未撰写）", st["small"])]
        if key == "followup":
            story += _previous_table(doc, st)
    if changed:
        notes = "；".join(f"{c.current}（插入时为{c.inserted}）" for c in changed)
        story.append(para(f"{CHANGED_MARK} 这些数据在写入报告后因台账更正而变化，已按最新记录打印：{notes}", st["small"]))
    story.append(PageBreak())
    story.append(para(f"附件一：{doc.year}年度党建工作数据", st["heading"]))
    story += figure_tables(doc.figures, st)
    story.append(para(f"附件二：{doc.year}年度问题清单、责任清单、整改清单", st["heading"]))
    story += list_tables(doc.items, st)
    return story


def render_report(out: Path, info: PageInfo, doc: ReportDocument) -> Path:
    return build_pdf(out, info, report_story(doc, info.branch_name))


def evaluation_story(doc: EvaluationDocument) -> list[Flowable]:
    st = styles()
    c, cc = st["cell"], st["cell_center"]
    story: list[Flowable] = [Paragraph(escape(doc.title), st["title"])]
    ev = doc.evaluation
    story.append(para("一、书记抓党建工作述职测评", st["heading"]))
    if ev is None:
        story.append(para("尚未录入测评结果。", st["body"]))
    else:
        story.append(para(f"述职人：{doc.secretary or '（未设书记）'}　测评日期：{_d(ev.held_on) or '（未填）'}　"
                          f"测评等次：{ev.scale}", st["body"]))
        voted = sum(line.count for line in ev.lines)
        story.append(para(f"应参加测评{ev.eligible}人，实际参加{ev.participants}人，有效票{voted}张，"
                          f"弃权或无效{ev.participants - voted}张。", st["body"]))
        rows = [["等次", "票数", "占实际参加人数比例"]]
        rows += [[line.grade, str(line.count), f"{line.percent}%"] for line in ev.lines]
        story.append(grid_table(rows, [50 * mm, 40 * mm, 60 * mm], extra_styles=[("ALIGN", (0, 1), (-1, -1), "CENTER")]))
        story.append(para("二、上级党组织综合评定", st["heading"]))
        story.append(para(f"综合评定等次：{ev.upper_grade or '（尚未评定）'}", st["body"]))
        story.append(para(f"评价意见：{ev.upper_comments or '（无）'}", st["body"]))
    story.append(para("三、民主评议党员结果", st["heading"]))
    if not doc.grades:
        story.append(para("尚未录入民主评议党员等次。", st["body"]))
    else:
        counts = {g: sum(1 for x in doc.grades if x.grade == g) for g in MEMBER_GRADES}
        story.append(para("；".join(f"{g}{n}名" for g, n in counts.items()) + f"；共评议{len(doc.grades)}名党员。", st["body"]))
        rows = [["序号", "姓名", "评议等次", "评议会议（组织生活会）", "备注"]]
        rows += [[str(i), para(g.member_name, cc), para(g.grade, cc), para(g.source or "（未关联会议记录）", c),
                  para(g.note or "", c)] for i, g in enumerate(doc.grades, 1)]
        story.append(grid_table(rows, [12 * mm, 30 * mm, 24 * mm, 70 * mm, 44 * mm]))
    story.append(Spacer(1, 10 * mm))
    story.append(para("记录人：＿＿＿＿＿＿　　　审核人（支部书记）：＿＿＿＿＿＿　　　日期：＿＿＿＿＿＿", st["body"]))
    return story


def render_evaluation(out: Path, info: PageInfo, doc: EvaluationDocument) -> Path:
    return build_pdf(out, info, evaluation_story(doc))


def summary_story(title: str, figures: YearFigures, items: Sequence[Any], evaluation: Any | None) -> list[Flowable]:
    """One page: every figure in two columns of (项目, 数值), then the lists and the rating."""
    st = styles()
    c, cc = st["cell"], st["cell_center"]
    story: list[Flowable] = [Paragraph(escape(title), st["title"])]
    cells: list[tuple[str, str]] = []
    for group, group_figures in figures.groups():
        cells.append((f"【{group}】", ""))
        cells += [(f.label, f.display) for f in group_figures]
    for area in figures.missing_sources:
        cells.append((f"【{area}】", MISSING_SOURCE.format(area="组织生活/党费")))
    cells.append(("【三个清单】", ""))
    done = sum(1 for it in items if it.fields.status == "已完成")
    cells.append(("查摆问题", f"{len(items)}项"))
    cells.append(("已完成整改", f"{done}项"))
    cells.append(("超期未完成", f"{sum(1 for it in items if it.overdue)}项"))
    if evaluation is not None:
        cells.append(("【述职测评】", ""))
        cells += [(f"评为“{line.grade}”", f"{line.count}票（{line.percent}%）") for line in evaluation.lines]
        cells.append(("上级综合评定", evaluation.upper_grade or "（尚未评定）"))
    half = (len(cells) + 1) // 2
    left, right = cells[:half], cells[half:] + [("", "")] * (2 * half - len(cells))
    rows: list[list[Any]] = [["项目", "数值", "项目", "数值"]]
    for (l1, v1), (l2, v2) in zip(left, right):
        rows.append([para(l1, c), para(v1, cc), para(l2, c), para(v2, cc)])
    story.append(grid_table(rows, [58 * mm, 32 * mm, 58 * mm, 32 * mm]))
    story.append(Spacer(1, 3 * mm))
    story.append(para(_computed_line(figures), st["small"]))
    story.append(Spacer(1, 8 * mm))
    story.append(para("填报人：＿＿＿＿＿＿　　　审核人：＿＿＿＿＿＿　　　填报日期：＿＿＿＿＿＿", st["body"]))
    return story


def render_summary(out: Path, info: PageInfo, figures: YearFigures, items: Sequence[Any], evaluation: Any | None) -> Path:
    return build_pdf(out, info, summary_story(info.title, figures, items, evaluation))
