"""The calendar of obligations (what is done, due or overdue), the home page's reminders, the
lapse warnings and the year's figures of organizational life: part of `MeetingService`
(services/meetings.py). Reads only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from desktop.domain.meeting_calendar import OVERDUE, Group, HeldMeeting, Obligation, Period, obligations, period_of
from desktop.domain.meetings import MEETING_TYPES, AttendanceEntry, lapse_level, missed_streak, month_participation
from desktop.domain.roster import Change, is_member_on
from desktop.domain.talks import TALK, Person, Talk, TalkCoverage, talk_coverage
from desktop.services.bundle import HomeItem
from desktop.services.meetings_reading import MeetingReading
from desktop.services.meetings_types import (
    HELD,
    MeetingDto,
    LapseWarning,
    TypeFigure,
    MemberRate,
    LateEntry,
    ThemeDay,
    MeetingYearFigures,
    MeetingYearReport,
    MeetingSettings,
)
from desktop.storage.models import (
    CommitteeMemberRecord,
    CommitteeTermRecord,
    MemberChangeRecord,
    MemberRecord,
    PartyGroupRecord,
)
from desktop.storage.models.meetings import MeetingAttendanceRecord, MeetingRecord


class MeetingCalendar(MeetingReading):
    """The calendar, lapse-warning and figures part of `MeetingService`."""

    # -- calendar ---------------------------------------------------------------------------------------------
    def calendar(self, kind: str, year: int, index: int = 1) -> list[Obligation]:
        """Each obligation of the month/quarter/year as done, due or overdue."""
        period = Period(kind, year, index)
        settings = self.settings()
        since = self._founded_on()
        with self.ctx.reading() as session:
            return self._calendar(session, period, settings, since)

    def _founded_on(self) -> dt.date | None:
        profile = self._branch().profile()
        return profile.founded_on if profile else None

    def _calendar(self, session: Session, period: Period, settings: MeetingSettings,
                  since: dt.date | None) -> list[Obligation]:
        year = period.year
        held = self._held(session, dt.date(year, 1, 1), dt.date(year, 12, 31))
        groups = [Group(g.id, g.name, g.created_on, g.dissolved_on)
                  for g in session.scalars(select(PartyGroupRecord).order_by(PartyGroupRecord.id)).all()]
        talks = self._talk_coverage(session, year) if settings.frequencies.get(TALK) == "year" else None
        return obligations(period, held, frequencies=settings.frequencies, groups=groups, today=self.ctx.today(),
                           since=since, theme_day=settings.theme_day, talks=talks)

    # -- 谈心谈话 counted per pair -------------------------------------------------------------------------
    def talk_coverage(self, year: int) -> TalkCoverage:
        """The year's 谈心谈话 pairs (支委—党员, 支委—支委): required, covered and missing."""
        with self.ctx.reading() as session:
            return self._talk_coverage(session, year)

    def _talk_coverage(self, session: Session, year: int) -> TalkCoverage:
        today = self.ctx.today()
        start = dt.date(year, 1, 1)
        end = min(dt.date(year, 12, 31), max(today, start))
        members = _members_during(session, start, end)
        in_branch = {p.id for p in members}
        committee_ids = _committee_during(session, start, end) & in_branch
        committee = [p for p in members if p.id in committee_ids]
        by_name: dict[str, int] = {}
        for person in committee:
            by_name.setdefault(person.name, person.id)
        m, a = MeetingRecord, MeetingAttendanceRecord
        rows = session.execute(
            select(m.id, m.held_on, m.chair, a.member_id).join(a, a.meeting_id == m.id, isouter=True)
            .where(m.status == HELD, m.held_on.between(start, end), m.kinds.like(f"%{TALK}%"),
                   (a.status.in_(("出席", "迟到"))) | (a.id.is_(None)))).all()
        heard: dict[int, tuple[dt.date, str | None, list[int]]] = {}
        for meeting_id, held_on, chair, member_id in rows:
            entry = heard.setdefault(meeting_id, (held_on, chair, []))
            if member_id is not None:
                entry[2].append(member_id)
        talks = [Talk(i, d, by_name.get((chair or "").strip()), tuple(people)) for i, (d, chair, people) in heard.items()]
        return talk_coverage(committee, members, talks, year=year, today=today)

    @staticmethod
    def _held(session: Session, start: dt.date, end: dt.date) -> list[HeldMeeting]:
        rows = session.execute(select(MeetingRecord.id, MeetingRecord.kinds, MeetingRecord.held_on,
                                      MeetingRecord.party_group_id, MeetingRecord.status)
                               .where(MeetingRecord.held_on.between(start, end))).all()
        return [HeldMeeting(i, tuple(k.split(",")), d, g, s == HELD) for i, k, d, g, s in rows]

    def home_items(self) -> list[HomeItem]:
        today = self.ctx.today()
        items: list[HomeItem] = []
        month = period_of("month", today)
        quarter = period_of("quarter", today)
        seen: set[tuple[str, Period, int | None]] = set()
        words = {month: "本月", quarter: "本季度", period_of("year", today): "今年"}
        for period in (month, quarter):
            for ob in self.calendar(period.kind, period.year, period.index):
                key = (ob.kind, ob.period, ob.group_id)
                if not ob.open or key in seen or ob.period.start > today:
                    continue
                if ob.period.kind == "year" and quarter.index < 4:
                    continue  # yearly items join the list in the fourth quarter
                seen.add(key)
                when = words.get(ob.period, ob.period.label)
                planned = f"，已计划于 {ob.planned_on:%m月%d日}" if ob.planned_on else ""
                level = "danger" if ob.status == OVERDUE else (
                    "warning" if ob.due_on and (ob.due_on - today).days <= 7 else "info")
                if ob.pairs_required is not None:  # 谈心谈话 counted per pair
                    who = f"：{'、'.join(ob.missing_pairs)}" if ob.missing_pairs else ""
                    text = (f"{when}谈心谈话已谈 {ob.pairs_covered}/{ob.pairs_required} 对，尚缺 {ob.pairs_missing} 对"
                            f"（截止 {ob.due_on:%m月%d日}）{who}")
                else:
                    text = f"{when}尚未开展{ob.label}（截止 {ob.due_on:%m月%d日}{planned}）"
                items.append(HomeItem(level, "meetings", text))
        for warning in self.lapse_warnings():
            items.append(HomeItem("warning" if warning.level == "warning" else "danger", "meetings", warning.text))
        return items

    # -- lapse rule ----------------------------------------------------------------------------------------
    def lapse_warnings(self) -> list[LapseWarning]:
        """Members now on the roster whose last months show no Party life without good reason."""
        today = self.ctx.today()
        start = dt.date(today.year - 1, today.month, 1)
        current = {m.member_id: m.name for m in self._members_on(today)}
        with self.ctx.reading() as session:
            rows = session.execute(
                select(MeetingAttendanceRecord.member_id, MeetingAttendanceRecord.status, MeetingRecord.held_on)
                .join(MeetingRecord).where(MeetingRecord.status == HELD, MeetingRecord.held_on >= start,
                                           MeetingRecord.held_on <= today)).all()
        per: dict[int, dict[tuple[int, int], list[AttendanceEntry]]] = defaultdict(lambda: defaultdict(list))
        for member_id, status, day in rows:
            per[member_id][(day.year, day.month)].append(AttendanceEntry(member_id, status))
        months = [(start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1) for i in range(13)]
        out = []
        for member_id, name in current.items():
            states = [month_participation(per[member_id].get(m, [])) for m in months]
            streak = missed_streak(states)
            level = lapse_level(streak)
            if level:
                out.append(LapseWarning(member_id, name, streak, level))
        return sorted(out, key=lambda w: -w.months)

    # -- figures for the annual report ------------------------------------------------------------------------
    def attendance_by_month(self, year: int) -> dict[int, float]:
        """Month → 实到/应到 over the held meetings of that month (months without meetings left out)."""
        with self.ctx.reading() as session:
            return _attendance_by_month(self._list(session, dt.date(year, 1, 1), dt.date(year, 12, 31)))

    def year_figures(self, year: int) -> MeetingYearFigures:
        return self.year_report(year).figures

    def year_report(self, year: int) -> MeetingYearReport:
        """The year's meetings, figures and attendance by month, from one read (the 述职 figures)."""
        settings = self.settings()
        since = self._founded_on()
        with self.ctx.reading() as session:
            listed = self._list(session, dt.date(year, 1, 1), dt.date(year, 12, 31))
            year_obligations = self._calendar(session, Period("year", year, 1), settings, since)
            a = MeetingAttendanceRecord
            rows = session.execute(
                select(a.member_id, MemberRecord.name, func.count(),
                       func.sum(case((a.status.in_(("出席", "迟到")), 1), else_=0)))
                .join(MeetingRecord).join(MemberRecord, MemberRecord.id == a.member_id)
                .where(MeetingRecord.status == HELD,
                       MeetingRecord.held_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
                .group_by(a.member_id, MemberRecord.name).order_by(a.member_id)).all()
        meetings = [m for m in listed if m.held]
        types = []
        for mtype in MEETING_TYPES:
            freq = settings.frequencies[mtype.name]
            mine = [o for o in year_obligations if o.kind == mtype.name]
            missed = [o for o in mine if o.status == OVERDUE]
            types.append(TypeFigure(
                kind=mtype.name, frequency=freq, required=len(mine),
                held=sum(1 for m in meetings if mtype.name in m.kinds),
                months_missed=tuple(sorted({o.period.index for o in missed if o.period.kind == "month"})),
                missed=tuple(_missed_label(o) for o in missed),
            ))
        # each attendee's count of attendance rows and of those present, by the database
        member_rates = tuple(MemberRate(member_id, name, expected, present) for member_id, name, expected, present in rows)
        total_expected = sum(r.expected for r in member_rates)
        total_present = sum(r.present for r in member_rates)
        late = tuple(LateEntry(m.id, m.number, m.held_on, m.kinds, m.recorded_on, m.late_reason)
                     for m in meetings if m.late_entry)
        figures = MeetingYearFigures(
            year=year, types=tuple(types), meetings_held=len(meetings),
            average_attendance_rate=total_present / total_expected if total_expected else None,
            member_rates=member_rates,
            late_count=len(late), late_entries=late,
            theme_days=tuple(ThemeDay(m.id, m.held_on, m.topic, m.activity) for m in meetings if "主题党日" in m.kinds),
        )
        return MeetingYearReport(year, tuple(listed), figures, _attendance_by_month(listed))


def _attendance_by_month(meetings: Sequence[MeetingDto]) -> dict[int, float]:
    """Month → 实到/应到 over the held meetings of that month (months without attendance rows left out)."""
    expected: dict[int, int] = defaultdict(int)
    present: dict[int, int] = defaultdict(int)
    for m in meetings:
        if m.held and m.expected_count:
            expected[m.held_on.month] += m.expected_count
            present[m.held_on.month] += m.present_count
    return {month: present[month] / expected[month] for month in sorted(expected)}


def _members_during(session: Session, start: dt.date, end: dt.date) -> list[Person]:
    """Formal and probationary members who were in the branch on some day from `start` to `end`: the
    roster's dated history is looked at on `start` and on each day it changed in between."""
    rows = session.execute(
        select(MemberChangeRecord.member_id, MemberChangeRecord.attribute, MemberChangeRecord.value,
               MemberChangeRecord.effective_on)
        .where(MemberChangeRecord.attribute.in_(("stage", "status")), MemberChangeRecord.effective_on <= end)).all()
    names = dict(session.execute(select(MemberRecord.id, MemberRecord.name)).all())
    history: dict[int, list[Change]] = defaultdict(list)
    for member_id, attribute, value, effective in rows:
        history[member_id].append(Change(attribute, value, effective))
    out = []
    for member_id in sorted(history):
        changes = history[member_id]
        days = {start} | {c.effective for c in changes if start < c.effective <= end}
        if any(is_member_on(changes, day) for day in days):
            out.append(Person(member_id, names.get(member_id, "?")))
    return out


def _committee_during(session: Session, start: dt.date, end: dt.date) -> set[int]:
    """Members of the committee terms in office some day from `start` to `end`."""
    terms = session.execute(select(CommitteeTermRecord.id, CommitteeTermRecord.elected_on)
                            .where(CommitteeTermRecord.elected_on <= end)
                            .order_by(CommitteeTermRecord.elected_on)).all()
    in_force_at_start = [t for t, elected in terms if elected <= start][-1:]
    ids = in_force_at_start + [t for t, elected in terms if elected > start]
    if not ids:
        return set()
    return set(session.scalars(select(CommitteeMemberRecord.member_id)
                               .where(CommitteeMemberRecord.term_id.in_(ids))).all())


def _missed_label(ob: Obligation) -> str:
    if ob.period.kind == "month":
        label = f"{ob.period.index}月"
    elif ob.period.kind == "quarter":
        label = f"第{'一二三四'[ob.period.index - 1]}季度"
    else:
        label = "全年"
    return f"{ob.group_name} {label}" if ob.group_name else label
