"""The organizational-life calendar: each obligation (per type, per party group, per period) as
done, due or overdue. Pure: takes the meetings held, the groups and today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from desktop.domain.meetings import GROUP, MEETING_TYPES
from desktop.domain.talks import TALK, TalkCoverage

DONE = "done"
DUE = "due"
OVERDUE = "overdue"
STATUS_LABELS = {DONE: "已完成", DUE: "待开展", OVERDUE: "已逾期"}


@dataclass(frozen=True)
class Period:
    """A month, quarter or year."""

    kind: str  # "month" | "quarter" | "year"
    year: int
    index: int  # month 1–12, quarter 1–4, year: 1

    @property
    def start(self) -> dt.date:
        if self.kind == "month":
            return dt.date(self.year, self.index, 1)
        if self.kind == "quarter":
            return dt.date(self.year, 3 * self.index - 2, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        if self.kind == "month":
            nxt = dt.date(self.year + (self.index == 12), self.index % 12 + 1, 1)
        elif self.kind == "quarter":
            month = 3 * self.index + 1
            nxt = dt.date(self.year + (month > 12), (month - 1) % 12 + 1, 1)
        else:
            nxt = dt.date(self.year + 1, 1, 1)
        return nxt - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.year}年{self.index}月"
        if self.kind == "quarter":
            return f"{self.year}年第{'一二三四'[self.index - 1]}季度"
        return f"{self.year}年"

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def period_of(kind: str, day: dt.date) -> Period:
    if kind == "month":
        return Period("month", day.year, day.month)
    if kind == "quarter":
        return Period("quarter", day.year, (day.month - 1) // 3 + 1)
    return Period("year", day.year, 1)


def periods_in(kind: str, year: int) -> list[Period]:
    count = {"month": 12, "quarter": 4, "year": 1}[kind]
    return [Period(kind, year, i) for i in range(1, count + 1)]


@dataclass(frozen=True)
class HeldMeeting:
    """What the calendar needs of a meeting: its types, its group, its date, and whether it was held."""

    meeting_id: int
    kinds: tuple[str, ...]
    held_on: dt.date
    party_group_id: int | None = None
    held: bool = True  # False: only planned


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    created_on: dt.date
    dissolved_on: dt.date | None = None


@dataclass(frozen=True)
class Obligation:
    """One requirement for one period: e.g. 党小组会 of 技术党小组 in 2026年3月."""

    kind: str
    period: Period
    status: str  # DONE | DUE | OVERDUE
    group_id: int | None = None
    group_name: str | None = None
    due_on: dt.date | None = None  # the last day (or the fixed 主题党日 day)
    meeting_ids: tuple[int, ...] = ()  # held meetings that fulfil it
    planned_on: dt.date | None = None  # a planned meeting in the period, if any
    # 谈心谈话 only: the pairs (支委—党员) talked with / required, and the missing pairs when few
    pairs_covered: int | None = None
    pairs_required: int | None = None
    missing_pairs: tuple[str, ...] = ()

    @property
    def progress(self) -> str:
        """谈心谈话：已谈 X/Y 对 (empty for the other types)."""
        if self.pairs_required is None:
            return ""
        return f"{self.kind}：已谈 {self.pairs_covered}/{self.pairs_required} 对"

    @property
    def pairs_missing(self) -> int:
        return (self.pairs_required or 0) - (self.pairs_covered or 0)

    @property
    def label(self) -> str:
        return f"{self.kind}（{self.group_name}）" if self.group_name else self.kind

    @property
    def open(self) -> bool:
        return self.status != DONE


def obligations(period: Period, meetings: Sequence[HeldMeeting], *, frequencies: Mapping[str, str],
                groups: Iterable[Group], today: dt.date, since: dt.date | None = None,
                theme_day: int | None = None, talks: TalkCoverage | None = None) -> list[Obligation]:
    """Every obligation whose requirement period overlaps `period` (a year shows its months and
    quarters, a month its quarter and year too). `since`: the branch's start (nothing is owed before).
    A group is owed meetings only for periods it existed in (created mid-year: from its creation).
    `talks`: the year's 谈心谈话 pairs; when given (and some pairs are required) the yearly 谈心谈话
    obligation is done only once every pair is covered, and carries the progress."""
    out: list[Obligation] = []
    group_list = list(groups)
    for mtype in MEETING_TYPES:
        frequency = frequencies.get(mtype.name, mtype.frequency)
        if frequency == "none":
            continue
        for required in _periods_overlapping(frequency, period):
            if since is not None and required.end < since:
                continue
            if mtype.attendees == GROUP:
                for group in group_list:
                    if group.created_on > required.end or (group.dissolved_on and group.dissolved_on <= required.start):
                        continue
                    out.append(_one(mtype.name, required, meetings, today, group, theme_day))
            else:
                ob = _one(mtype.name, required, meetings, today, None, theme_day)
                if (mtype.name == TALK and required.kind == "year" and talks is not None
                        and talks.year == required.year and talks.required):
                    ob = _by_pairs(ob, talks, today)
                out.append(ob)
    return out


def _by_pairs(ob: Obligation, talks: TalkCoverage, today: dt.date) -> Obligation:
    """The 谈心谈话 obligation counted per pair: done when no pair is missing, else due/overdue by the year."""
    if talks.complete:
        status = DONE
    elif ob.period.end < today:
        status = OVERDUE
    else:
        status = DUE
    return replace(ob, status=status, pairs_covered=len(talks.covered), pairs_required=len(talks.required),
                   missing_pairs=talks.missing_names())


def _periods_overlapping(frequency: str, period: Period) -> list[Period]:
    order = {"month": 0, "quarter": 1, "year": 2}
    if order[frequency] >= order[period.kind]:
        return [period_of(frequency, period.start)]
    return [p for p in periods_in(frequency, period.year) if period.start <= p.start and p.end <= period.end]


def _one(kind: str, period: Period, meetings: Sequence[HeldMeeting], today: dt.date, group: Group | None,
         theme_day: int | None) -> Obligation:
    def fits(m: HeldMeeting) -> bool:
        return kind in m.kinds and period.contains(m.held_on) and (group is None or m.party_group_id == group.id)

    held = tuple(m.meeting_id for m in meetings if m.held and fits(m))
    planned = min((m.held_on for m in meetings if not m.held and fits(m)), default=None)
    due_on = period.end
    if kind == "主题党日" and theme_day and period.kind == "month":
        due_on = period.start.replace(day=min(theme_day, period.end.day))
    if held:
        status = DONE
    elif period.end < today:
        status = OVERDUE
    else:
        status = DUE
    return Obligation(kind, period, status, group.id if group else None, group.name if group else None,
                      due_on, held, planned)


def held_count(kind: str, meetings: Sequence[HeldMeeting], year: int, month: int) -> int:
    """How many held meetings of `kind` (counting combined ones) fell in a month."""
    return sum(1 for m in meetings if m.held and kind in m.kinds and m.held_on.year == year and m.held_on.month == month)


def required_count(frequency: str, month: int, groups_in_month: int = 1) -> int:
    """How many meetings of a type the requirement asks for in a month of the summary table:
    monthly → each month; quarterly → the quarter's last month; yearly → December."""
    if frequency == "month":
        return groups_in_month
    if frequency == "quarter":
        return groups_in_month if month % 3 == 0 else 0
    if frequency == "year":
        return groups_in_month if month == 12 else 0
    return 0
