"""The secretary's annual report (书记抓党建工作述职评议考核, domain.md §6): the figures compiled from the
records, the rating tally, the rectification lists and the figure blocks of the report text.

Pure: plain inputs in, plain values out; `today` is always a parameter."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import quote, unquote

from desktop.domain.errors import ValidationError
from desktop.domain.roster import MEMBER_STAGES, Change, value_on

# -- the report -----------------------------------------------------------------------------------
# (key, heading) of the 述职报告's sections, in the standard order.
REPORT_SECTIONS: tuple[tuple[str, str], ...] = (
    ("duties", "履职情况及成效"),
    ("problems", "存在问题及原因"),
    ("plans", "下一步打算"),
    ("followup", "上年问题整改情况"),
)
SECTION_KEYS: tuple[str, ...] = tuple(k for k, _ in REPORT_SECTIONS)

# -- the evaluation -------------------------------------------------------------------------------
RATING_SCALES: dict[str, tuple[str, ...]] = {
    "好/较好/一般/差": ("好", "较好", "一般", "差"),
    "优秀/称职/基本称职/不称职": ("优秀", "称职", "基本称职", "不称职"),
}
DEFAULT_RATING_SCALE = "好/较好/一般/差"
RATING_SCALE_SETTING = "annual.rating_scale"
# 民主评议党员: each member's grade.
MEMBER_GRADES: tuple[str, ...] = ("优秀", "合格", "基本合格", "不合格")

# -- the three lists (问题清单/责任清单/整改清单) -------------------------------------------------------
ITEM_STATUSES: tuple[str, ...] = ("待整改", "整改中", "已完成")
DONE_STATUS = "已完成"

NO_DATA = "暂无数据"
PIPELINE_STAGES: tuple[str, ...] = ("入党申请人", "入党积极分子", "发展对象")


def year_period(year: int, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days a year's figures cover: 1 Jan to 31 Dec, or to `today` for the year in progress."""
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), today)
    if end < start:
        raise ValidationError(f"{year}年尚未开始，没有可统计的记录", field="year")
    return start, end


# -- figures ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FigureRow:
    """One record behind a figure: `ref` is (table, id) when the row is a database record."""

    cells: tuple[str, ...]
    ref: tuple[str, int] | None = None


@dataclass(frozen=True)
class Figure:
    """One figure of the year, computed from the records, with the rows it was counted from.

    `value` None means there are no records to compute it from (shown as 暂无数据, never 0)."""

    key: str
    group: str
    label: str
    value: int | Decimal | str | None
    unit: str = ""
    columns: tuple[str, ...] = ()
    rows: tuple[FigureRow, ...] = ()
    note: str = ""

    @property
    def display(self) -> str:
        return format_value(self.value, self.unit)


def format_value(value: int | Decimal | str | None, unit: str = "") -> str:
    if value is None:
        return NO_DATA
    if unit == "元":
        return f"{Decimal(value):,.2f}元"
    if unit == "%":
        return f"{Decimal(value).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
    return f"{value}{unit}"


def percent(part: int | Decimal, whole: int | Decimal) -> Decimal:
    """part/whole as a percentage, rounded half-up to 0.1."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class YearFigures:
    """Every figure of a year and when it was computed."""

    year: int
    period_start: dt.date
    period_end: dt.date
    computed_at: dt.datetime
    figures: tuple[Figure, ...]
    missing_sources: tuple[str, ...] = ()  # areas that could not provide figures ("组织生活", "党费")
    attendance_by_month: dict[int, Decimal] = field(default_factory=dict)
    collection_by_month: dict[int, Decimal] = field(default_factory=dict)
    has_records: bool = True

    def get(self, key: str) -> Figure | None:
        return next((f for f in self.figures if f.key == key), None)

    def groups(self) -> list[tuple[str, list[Figure]]]:
        out: dict[str, list[Figure]] = {}
        for figure in self.figures:
            out.setdefault(figure.group, []).append(figure)
        return list(out.items())

    def displays(self) -> dict[str, str]:
        return {f.key: f.display for f in self.figures}


@dataclass(frozen=True)
class PersonHistory:
    """A person on the roster with the dated history the roster keeps."""

    member_id: int
    name: str
    applied_on: dt.date | None
    joined_on: dt.date | None
    confirmed_on: dt.date | None
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class TransferFact:
    id: int
    member_id: int
    name: str
    direction: str  # "转入" | "转出"
    day: dt.date
    organization: str


def _member_row(p: PersonHistory, *cells: str) -> FigureRow:
    return FigureRow((p.name, *cells), ("member", p.member_id))


def _is_member(p: PersonHistory, day: dt.date) -> bool:
    return value_on(p.changes, "stage", day) in MEMBER_STAGES and value_on(p.changes, "status", day) == "正常"


def _status_changes(p: PersonHistory, start: dt.date, end: dt.date, status: str) -> list[Change]:
    return [c for c in p.changes if c.attribute == "status" and c.value == status and start <= c.effective <= end]


def roster_figures(year: int, people: Sequence[PersonHistory], transfers: Sequence[TransferFact],
                   today: dt.date) -> list[Figure]:
    """党员队伍: members at start and end, joined, confirmed, transferred, lapsed, removed, the pipeline."""
    start, end = year_period(year, today)
    before = start - dt.timedelta(days=1)
    group = "党员队伍"
    at_start = [p for p in people if _is_member(p, before)]
    at_end = [p for p in people if _is_member(p, end)]
    probationary_end = [p for p in at_end if value_on(p.changes, "stage", end) == "预备党员"]
    moved_in = {t.member_id for t in transfers if t.direction == "转入" and start <= t.day <= end}
    joined = [p for p in people if p.joined_on and start <= p.joined_on <= end and p.member_id not in moved_in]
    confirmed = [p for p in people if p.confirmed_on and start <= p.confirmed_on <= end]
    applied = [p for p in people if p.applied_on and start <= p.applied_on <= end and p.member_id not in moved_in]
    members = ("姓名",)
    dated = ("姓名", "日期")
    figures = [
        Figure("roster.members_start", group, f"年初党员数（{before.isoformat()}）", len(at_start), "名", members,
               tuple(_member_row(p) for p in at_start)),
        Figure("roster.members_end", group, f"年末党员数（{end.isoformat()}）", len(at_end), "名", members,
               tuple(_member_row(p) for p in at_end)),
        Figure("roster.probationary_end", group, "其中预备党员", len(probationary_end), "名", members,
               tuple(_member_row(p) for p in probationary_end)),
        Figure("roster.joined", group, "发展党员（接收预备党员）", len(joined), "名", dated,
               tuple(_member_row(p, p.joined_on.isoformat()) for p in joined if p.joined_on)),
        Figure("roster.confirmed", group, "预备党员转正", len(confirmed), "名", dated,
               tuple(_member_row(p, p.confirmed_on.isoformat()) for p in confirmed if p.confirmed_on)),
    ]
    for direction, key in (("转入", "transferred_in"), ("转出", "transferred_out")):
        rows = [t for t in transfers if t.direction == direction and start <= t.day <= end]
        figures.append(Figure(
            f"roster.{key}", group, f"组织关系{direction}", len(rows), "名", ("姓名", "日期", "党组织"),
            tuple(FigureRow((t.name, t.day.isoformat(), t.organization), ("transfer", t.id)) for t in rows)))
    for status, key, label in (("停止党籍", "lapsed", "停止党籍（失联满6个月等）"), ("出党", "removed", "出党（除名、自行脱党等）"),
                               ("去世", "deceased", "去世")):
        rows = [(p, c) for p in people for c in _status_changes(p, start, end, status)]
        figures.append(Figure(f"roster.{key}", group, label, len(rows), "名", dated,
                              tuple(_member_row(p, c.effective.isoformat()) for p, c in rows)))
    figures.append(Figure("roster.applied", group, "新收到入党申请", len(applied), "份", dated,
                          tuple(_member_row(p, p.applied_on.isoformat()) for p in applied if p.applied_on)))
    for stage in PIPELINE_STAGES:
        rows = [p for p in people if value_on(p.changes, "stage", end) == stage and value_on(p.changes, "status", end) == "正常"]
        figures.append(Figure(f"roster.pipeline.{stage}", "发展党员工作", f"年末{stage}", len(rows), "名", members,
                              tuple(_member_row(p) for p in rows)))
    return figures


# -- the rating tally -----------------------------------------------------------------------------
@dataclass(frozen=True)
class TallyLine:
    grade: str
    count: int
    percent: Decimal


def rating_grades(scale: str) -> tuple[str, ...]:
    grades = RATING_SCALES.get(scale)
    if grades is None:
        raise ValidationError(f"未知的测评等次“{scale}”，可选：{'、'.join(RATING_SCALES)}", field="scale")
    return grades


def tally(scale: str, counts: Sequence[int], *, eligible: int, participants: int) -> list[TallyLine]:
    """The 测评 tally per grade with percentages of the votes cast (participants).

    Refuses counts that exceed the members who could vote (`eligible`) or the ballots cast."""
    grades = rating_grades(scale)
    if len(counts) != len(grades):
        raise ValidationError(f"应填写{len(grades)}个等次的票数", field="counts")
    if eligible < 1:
        raise ValidationError("应参加测评人数须至少为1", field="eligible")
    if not 0 <= participants <= eligible:
        raise ValidationError(f"实际参加测评{participants}人，超过应参加测评的{eligible}人", field="participants")
    for grade, count in zip(grades, counts):
        if count < 0:
            raise ValidationError(f"“{grade}”的票数不能为负数", field="counts")
    total = sum(counts)
    if total > participants:
        raise ValidationError(
            f"各等次票数合计{total}票，超过实际参加测评的{participants}人（应参加{eligible}人）", field="counts")
    return [TallyLine(g, c, percent(c, participants)) for g, c in zip(grades, counts)]


# -- the rectification lists ----------------------------------------------------------------------
@dataclass(frozen=True)
class ItemFields:
    """One row of the three lists: the problem (问题清单), who answers for it (责任清单), the measure
    and deadline (整改清单), its status and evidence."""

    problem: str
    raised_on: dt.date
    cause: str = ""
    responsible: str = ""
    measure: str = ""
    deadline: dt.date | None = None
    status: str = "待整改"
    completed_on: dt.date | None = None
    result: str = ""


def item_problems(item: ItemFields, today: dt.date) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if not item.problem.strip():
        problems.append(("problem", "请填写问题"))
    if item.raised_on > today:
        problems.append(("raised_on", f"提出日期{item.raised_on.isoformat()}晚于今天"))
    if item.deadline is not None and item.deadline < item.raised_on:
        problems.append(("deadline", f"整改时限{item.deadline.isoformat()}早于问题提出日期{item.raised_on.isoformat()}"))
    if item.status not in ITEM_STATUSES:
        problems.append(("status", f"未知的整改状态“{item.status}”"))
    if item.status == DONE_STATUS:
        if item.completed_on is None:
            problems.append(("completed_on", "已完成的整改须填写完成日期"))
        elif item.completed_on < item.raised_on:
            problems.append(("completed_on", "完成日期早于问题提出日期"))
        elif item.completed_on > today:
            problems.append(("completed_on", "完成日期晚于今天"))
    elif item.completed_on is not None:
        problems.append(("completed_on", f"状态为“{item.status}”的整改不应有完成日期"))
    return problems


def validate_item(item: ItemFields, today: dt.date) -> None:
    problems = item_problems(item, today)
    if problems:
        field_name, message = problems[0]
        raise ValidationError(message, field=field_name)


def is_open(status: str) -> bool:
    return status != DONE_STATUS


def is_overdue(item: ItemFields, today: dt.date) -> bool:
    return is_open(item.status) and item.deadline is not None and item.deadline < today


# -- figure blocks in the report text -----------------------------------------------------------
# The report is stored as Markdown (what QTextEdit reads and writes). A figure block is a link
# [display](figure:KEY?v=VALUE_WHEN_INSERTED): a reference to the figure, shown with its current
# value; when that differs from the value at insertion the block is shown as changed.
_FIGURE_LINK = re.compile(r"\[([^\]\n]*)\]\(<?figure:([\w.\u4e00-\u9fff%-]+)\?v=([^)>\s]*)>?(?:\s+\"[^\"\n]*\")?\)")


@dataclass(frozen=True)
class FigureRef:
    key: str
    inserted: str  # the display value when it was inserted
    label: str  # the text in the document now
    start: int
    end: int


@dataclass(frozen=True)
class ChangedFigure:
    key: str
    inserted: str
    current: str


def figure_link(key: str, display: str) -> str:
    return f"[{display}](figure:{quote(key, safe='.')}?v={quote(display, safe='')})"


def figure_href(key: str, display: str) -> str:
    return f"figure:{quote(key, safe='.')}?v={quote(display, safe='')}"


def parse_figure_href(href: str) -> tuple[str, str] | None:
    """(key, inserted value) of a figure link target, or None for any other link."""
    if not href.startswith("figure:") or "?v=" not in href:
        return None
    key, value = href[len("figure:"):].split("?v=", 1)
    return unquote(key), unquote(value)


def figure_refs(text: str) -> list[FigureRef]:
    return [FigureRef(unquote(m.group(2)), unquote(m.group(3)), m.group(1), m.start(), m.end())
            for m in _FIGURE_LINK.finditer(text)]


def changed_figures(text: str, current: Mapping[str, str]) -> list[ChangedFigure]:
    """Figure blocks whose current value differs from the value when they were inserted."""
    return [ChangedFigure(r.key, r.inserted, current.get(r.key, NO_DATA))
            for r in figure_refs(text) if current.get(r.key, NO_DATA) != r.inserted]


def render_figures(text: str, current: Mapping[str, str], *, mark_changed: str = "") -> str:
    """The text with each figure block replaced by its current value (plain text, no link).

    `mark_changed` is appended to a value that changed since insertion (e.g. "※")."""
    def replace(match: re.Match[str]) -> str:
        key, inserted = unquote(match.group(2)), unquote(match.group(3))
        value = current.get(key, NO_DATA)
        return value + (mark_changed if value != inserted else "")

    return _FIGURE_LINK.sub(replace, text)


def accept_current_figures(text: str, current: Mapping[str, str]) -> str:
    """The text with every figure block re-anchored at its current value (the user accepted it)."""
    def replace(match: re.Match[str]) -> str:
        key = unquote(match.group(2))
        return figure_link(key, current.get(key, NO_DATA))

    return _FIGURE_LINK.sub(replace, text)


def carry_candidates(previous: Iterable[tuple[int, str]], already_carried: Iterable[int]) -> list[int]:
    """Ids of last year's items (id, status) still open and not yet carried into this year."""
    done = set(already_carried)
    return [item_id for item_id, status in previous if is_open(status) and item_id not in done]
