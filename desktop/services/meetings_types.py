"""The values the meetings service takes and returns (组织生活 DTOs): what callers hand in
(`MeetingInput`, `ResolutionInput`), what the service returns (meetings, attendance, figures,
settings) and the stored status and setting keys. Frozen dataclasses, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from desktop.domain.meetings import (
    DEFAULT_LATE_ENTRY_WORKING_DAYS,
    DEFAULT_THEME_DAY,
    FREQUENCY_LABELS,
    LEAVE,
    MEETING_TYPES,
    AttendanceEntry,
    Speech,
    Tally,
)


PLANNED = "planned"
HELD = "held"
KEY_LATE_DAYS = "meetings.late_entry_working_days"
KEY_THEME_DAY = "meetings.theme_day"
KEY_FREQUENCY = "meetings.frequency."  # + type name


# -- what callers hand in ------------------------------------------------------------------------
@dataclass(frozen=True)
class ResolutionInput:
    """A resolution (决议); `voted` ones carry a tally checked by the quorum rules."""

    text: str
    voted: bool = False
    expected: int = 0
    present: int = 0
    yes: int = 0
    no: int = 0
    abstain: int = 0
    written: int = 0
    written_opinions: str = ""

    @property
    def tally(self) -> Tally:
        return Tally(self.expected, self.present, self.yes, self.no, self.abstain, self.written)

    @property
    def passed(self) -> bool:
        return self.voted and self.tally.passed


@dataclass(frozen=True)
class MeetingInput:
    """Everything a meeting record (会议记录) holds, as the user entered it."""

    kinds: tuple[str, ...]
    held_on: dt.date
    topic: str
    party_group_id: int | None = None
    starts_at: str | None = None
    ends_at: str | None = None
    place: str | None = None
    online: bool = False
    activity: str | None = None
    chair: str | None = None
    recorder: str | None = None
    agenda: tuple[str, ...] = ()
    speeches: tuple[Speech, ...] = ()
    resolutions: tuple[ResolutionInput, ...] = ()
    guests: tuple[str, ...] = ()
    attendance: tuple[AttendanceEntry, ...] = ()
    closing: str | None = None
    late_reason: str | None = None


# -- what the service returns ---------------------------------------------------------------------
@dataclass(frozen=True)
class AttendanceDto:
    id: int
    member_id: int
    name: str
    status: str
    leave_type: str | None
    note: str | None
    probationary: bool

    @property
    def present(self) -> bool:
        return self.status in ("出席", "迟到")

    @property
    def detail(self) -> str:
        """请假（病假：住院） as printed."""
        if self.status == LEAVE:
            return f"请假（{self.leave_type}{'：' + self.note if self.note else ''}）"
        return f"{self.status}（{self.note}）" if self.note else self.status


@dataclass(frozen=True)
class ResolutionDto(ResolutionInput):
    id: int = 0


@dataclass(frozen=True)
class AttachmentDto:
    id: int
    sha256: str
    filename: str
    media_type: str
    size: int
    path: Path

    @property
    def is_image(self) -> bool:
        return self.media_type.startswith("image/")


@dataclass(frozen=True)
class MeetingDto:
    id: int
    number: str
    kinds: tuple[str, ...]
    party_group_id: int | None
    party_group: str | None
    status: str
    held_on: dt.date
    topic: str
    starts_at: str | None = None
    ends_at: str | None = None
    place: str | None = None
    online: bool = False
    activity: str | None = None
    chair: str | None = None
    recorder: str | None = None
    agenda: tuple[str, ...] = ()
    guests: tuple[str, ...] = ()
    closing: str | None = None
    recorded_on: dt.date | None = None
    late_entry: bool = False
    late_reason: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    expected_count: int = 0
    present_count: int = 0
    leave_count: int = 0
    absent_count: int = 0

    @property
    def held(self) -> bool:
        return self.status == HELD

    @property
    def kinds_label(self) -> str:
        label = "、".join(self.kinds)
        return f"{label}（{self.party_group}）" if self.party_group else label

    @property
    def status_label(self) -> str:
        if not self.held:
            return "计划"
        return "已记录（补记）" if self.late_entry else "已记录"

    @property
    def attendance_rate(self) -> float | None:
        return self.present_count / self.expected_count if self.expected_count else None

    @property
    def time_span(self) -> str:
        if self.starts_at and self.ends_at:
            return f"{self.starts_at}—{self.ends_at}"
        return self.starts_at or ""

    @property
    def place_label(self) -> str:
        if self.online:
            return f"线上（{self.place}）" if self.place else "线上"
        return self.place or ""


@dataclass(frozen=True)
class MeetingDetail:
    meeting: MeetingDto
    attendance: tuple[AttendanceDto, ...] = ()
    speeches: tuple[Speech, ...] = ()
    resolutions: tuple[ResolutionDto, ...] = ()
    attachments: tuple[AttachmentDto, ...] = ()
    speech_ids: tuple[int, ...] = ()

    def to_input(self) -> MeetingInput:
        m = self.meeting
        return MeetingInput(
            kinds=m.kinds, held_on=m.held_on, topic=m.topic, party_group_id=m.party_group_id,
            starts_at=m.starts_at, ends_at=m.ends_at, place=m.place, online=m.online, activity=m.activity,
            chair=m.chair, recorder=m.recorder, agenda=m.agenda, speeches=self.speeches,
            resolutions=tuple(ResolutionInput(**{k: getattr(r, k) for k in ResolutionInput.__dataclass_fields__})
                              for r in self.resolutions),
            guests=m.guests,
            attendance=tuple(AttendanceEntry(a.member_id, a.status, a.leave_type, a.note) for a in self.attendance),
            closing=m.closing, late_reason=m.late_reason,
        )


@dataclass(frozen=True)
class LapseWarning:
    """A member with consecutive months of missed Party life (domain.md §3 lapse rule)."""

    member_id: int
    name: str
    months: int
    level: str  # "warning" | "escalate" | "lapsed"

    @property
    def text(self) -> str:
        if self.level == "lapsed":
            return f"{self.name}已连续 {self.months} 个月无正当理由未参加组织生活，存在按自行脱党处理的情形，请支部研究处理"
        if self.level == "escalate":
            return f"{self.name}已连续 {self.months} 个月未参加组织生活，请支部委员会谈话提醒并报告"
        return f"{self.name}已连续 {self.months} 个月未参加组织生活，请及时联系提醒"


@dataclass(frozen=True)
class TypeFigure:
    kind: str
    frequency: str
    required: int
    held: int
    months_missed: tuple[int, ...]  # months whose requirement (monthly types) went unmet
    missed: tuple[str, ...]  # every unmet period, labelled ("3月", "第二季度", "技术党小组 5月")


@dataclass(frozen=True)
class MemberRate:
    member_id: int
    name: str
    expected: int
    present: int

    @property
    def rate(self) -> float | None:
        return self.present / self.expected if self.expected else None


@dataclass(frozen=True)
class LateEntry:
    meeting_id: int
    number: str
    held_on: dt.date
    kinds: tuple[str, ...]
    recorded_on: dt.date | None
    reason: str | None


@dataclass(frozen=True)
class ThemeDay:
    meeting_id: int
    held_on: dt.date
    topic: str
    activity: str | None


@dataclass(frozen=True)
class MeetingYearFigures:
    """The year's organizational life in figures (for the secretary's annual report)."""

    year: int
    types: tuple[TypeFigure, ...]
    meetings_held: int
    average_attendance_rate: float | None
    member_rates: tuple[MemberRate, ...]
    late_count: int
    late_entries: tuple[LateEntry, ...]
    theme_days: tuple[ThemeDay, ...]


@dataclass(frozen=True)
class MeetingYearReport:
    """The year's meetings (planned and held), figures and attendance by month from one read: what
    the annual 述职 figures show of organizational life."""

    year: int
    meetings: tuple[MeetingDto, ...]
    figures: MeetingYearFigures
    attendance_by_month: dict[int, float]


@dataclass(frozen=True)
class MeetingSettings:
    frequencies: dict[str, str] = field(default_factory=dict)
    late_entry_working_days: int = DEFAULT_LATE_ENTRY_WORKING_DAYS
    theme_day: int = DEFAULT_THEME_DAY

    def lines(self) -> list[str]:
        """As printed on the ledger."""
        freq = "；".join(f"{t.name}{FREQUENCY_LABELS[self.frequencies.get(t.name, t.frequency)]}"
                        for t in MEETING_TYPES)
        return [f"开展频次要求：{freq}",
                f"主题党日固定日：每月{self.theme_day}日；会议记录须在会后 {self.late_entry_working_days} 个工作日内录入，逾期为补记"]
