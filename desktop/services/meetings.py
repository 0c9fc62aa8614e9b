"""Organizational life (组织生活): plan and record meetings, attendance, the calendar of
obligations, the lapse warnings, and the printed forms and annual ledger."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from desktop.domain.errors import NotFoundError, ValidationError
from desktop.domain.meeting_calendar import (
    OVERDUE,
    Group,
    HeldMeeting,
    Obligation,
    Period,
    obligations,
    period_of,
    required_count,
)
from desktop.domain.meetings import (
    ALL_MEMBERS,
    COMMITTEE,
    DEFAULT_LATE_ENTRY_WORKING_DAYS,
    DEFAULT_THEME_DAY,
    FREQUENCIES,
    FREQUENCY_LABELS,
    GROUP,
    LEAVE,
    MEETING_TYPES,
    TYPE_BY_NAME,
    AttendanceEntry,
    Attendee,
    Speech,
    Tally,
    check_attendance,
    check_full_name,
    check_kinds,
    check_speeches,
    check_tally,
    check_time_span,
    entry_deadline,
    is_late_entry,
    lapse_level,
    missed_streak,
    month_participation,
)
from desktop.domain.roster import Change, is_member_on, value_on
from desktop.services.bundle import HomeItem
from desktop.services.context import LedgerContext
from desktop.services.rendered import RenderedLedger
from desktop.storage.attachments import AttachmentStore
from desktop.storage.base import utcnow
from desktop.services.roster import MemberOnDay
from desktop.storage.models import (
    CommitteeMemberRecord,
    CommitteeTermRecord,
    MemberChangeRecord,
    MemberRecord,
    PartyGroupRecord,
)
from desktop.storage.models.meetings import (
    MeetingAttachmentRecord,
    MeetingAttendanceRecord,
    MeetingRecord,
    MeetingResolutionRecord,
    MeetingSpeechRecord,
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


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


class MeetingService:
    def __init__(self, ctx: LedgerContext) -> None:
        self.ctx = ctx
        self.store = AttachmentStore(ctx.folder.attachments)

    # -- settings ----------------------------------------------------------------------------------
    def _branch(self):  # type: ignore[no-untyped-def]
        from desktop.services.branch import BranchService

        return BranchService(self.ctx)

    def settings(self) -> MeetingSettings:
        with self.ctx.reading() as session:
            from desktop.storage.models import SettingRecord

            stored = dict(session.execute(
                select(SettingRecord.key, SettingRecord.value).where(SettingRecord.key.like("meetings.%"))).all())
        freqs = {t.name: stored.get(KEY_FREQUENCY + t.name, t.frequency) for t in MEETING_TYPES}
        freqs = {k: (v if v in FREQUENCIES else TYPE_BY_NAME[k].frequency) for k, v in freqs.items()}
        return MeetingSettings(freqs, _int(stored.get(KEY_LATE_DAYS), DEFAULT_LATE_ENTRY_WORKING_DAYS),
                               _int(stored.get(KEY_THEME_DAY), DEFAULT_THEME_DAY))

    def save_settings(self, settings: MeetingSettings) -> MeetingSettings:
        for name, value in settings.frequencies.items():
            if name not in TYPE_BY_NAME or value not in FREQUENCIES:
                raise ValidationError(f"“{name}”的频次“{value}”无效", field="frequencies")
        if not 1 <= settings.late_entry_working_days <= 30:
            raise ValidationError("补记期限应为 1 至 30 个工作日", field="late_entry_working_days")
        if not 1 <= settings.theme_day <= 28:
            raise ValidationError("主题党日固定日应为每月 1 至 28 日", field="theme_day")
        from desktop.storage.models import SettingRecord

        values = {KEY_FREQUENCY + k: v for k, v in settings.frequencies.items()}
        values[KEY_LATE_DAYS] = str(settings.late_entry_working_days)
        values[KEY_THEME_DAY] = str(settings.theme_day)
        with self.ctx.unit_of_work() as session:
            for key, value in values.items():
                record = session.get(SettingRecord, key)
                if record is None:
                    session.add(SettingRecord(key=key, value=value))
                else:
                    record.value = value
        return self.settings()

    # -- who is expected -----------------------------------------------------------------------------
    def expected_attendees(self, kinds: Sequence[str], party_group_id: int | None, day: dt.date) -> list[Attendee]:
        """Members expected at a meeting of `kinds` on `day`, from the roster as it stood then."""
        kinds = check_kinds(kinds, party_group_id)
        on_day = self._members_on(day)
        scopes = {TYPE_BY_NAME[k].attendees for k in kinds}
        wanted: set[int] = set()
        if ALL_MEMBERS in scopes:
            wanted |= {m.member_id for m in on_day}
        if GROUP in scopes:
            wanted |= {m.member_id for m in on_day if m.party_group_id == party_group_id}
        if COMMITTEE in scopes:
            wanted |= self._committee_on(day) & {m.member_id for m in on_day}
        return [Attendee(m.member_id, m.name, m.probationary) for m in on_day if m.member_id in wanted]

    def _members_on(self, day: dt.date) -> list[MemberOnDay]:
        """Members of the branch on `day` as the roster's dated history says (the same rule as
        RosterService.members_on, read as plain rows: recording a meeting must stay fast)."""
        with self.ctx.reading() as session:
            rows = session.execute(
                select(MemberChangeRecord.member_id, MemberChangeRecord.attribute, MemberChangeRecord.value,
                       MemberChangeRecord.effective_on)
                .where(MemberChangeRecord.attribute.in_(("stage", "status", "party_group", "category")),
                       MemberChangeRecord.effective_on <= day)).all()
            names = dict(session.execute(select(MemberRecord.id, MemberRecord.name)).all())
        history: dict[int, list[Change]] = defaultdict(list)
        for member_id, attribute, value, effective in rows:
            history[member_id].append(Change(attribute, value, effective))
        out = []
        for member_id in sorted(history):
            changes = history[member_id]
            if not is_member_on(changes, day):
                continue
            group = value_on(changes, "party_group", day)
            out.append(MemberOnDay(member_id, names.get(member_id, "?"), value_on(changes, "stage", day) or "",
                                   value_on(changes, "category", day) or "", int(group) if group else None))
        return out

    def _roster(self):  # type: ignore[no-untyped-def]
        from desktop.services.roster import RosterService

        return RosterService(self.ctx)

    def _committee_on(self, day: dt.date) -> set[int]:
        with self.ctx.reading() as session:
            term = session.scalar(select(CommitteeTermRecord).where(CommitteeTermRecord.elected_on <= day)
                                  .order_by(CommitteeTermRecord.elected_on.desc()).limit(1))
            if term is None:
                return set()
            return set(session.scalars(select(CommitteeMemberRecord.member_id)
                                       .where(CommitteeMemberRecord.term_id == term.id)).all())

    # -- plan and record -------------------------------------------------------------------------------
    def plan_meeting(self, kinds: Sequence[str], held_on: dt.date, topic: str,
                     party_group_id: int | None = None) -> MeetingDto:
        """计划: a meeting to be held (the sign-in sheet can be printed for it)."""
        kinds = check_kinds(kinds, party_group_id)
        topic = topic.strip()
        if not topic:
            raise ValidationError("请填写会议主题（议题）", field="topic")
        with self.ctx.unit_of_work() as session:
            self._check_group(session, party_group_id, held_on)
            record = MeetingRecord(number=self._next_number(session, held_on.year), kinds=",".join(kinds),
                                   party_group_id=party_group_id, status=PLANNED, held_on=held_on, topic=topic)
            session.add(record)
            session.flush()
            return self._dto(session, record)

    def record_meeting(self, meeting_id: int | None, data: MeetingInput, *, attach: Sequence[Path] = (),
                       detach: Sequence[int] = (), amendment_reason: str | None = None) -> MeetingDetail:
        """Enter (or correct) the record of a held meeting: one transaction, checked whole."""
        today = self.ctx.today()
        clean, expected = self._validate(data, today)
        settings = self.settings()
        stored = [self.store.put(Path(p)) for p in attach]  # content-addressed: a rollback leaves no junk row
        with self.ctx.unit_of_work(amendment_reason=amendment_reason) as session:
            self._check_group(session, clean.party_group_id, clean.held_on)
            if meeting_id is None:
                record = MeetingRecord(number=self._next_number(session, clean.held_on.year), status=PLANNED)
            else:
                record = self._get(session, meeting_id)
            if record.status != HELD or record.recorded_on is None:
                record.recorded_on = today
                record.recorded_at = utcnow()
                record.late_limit_days = settings.late_entry_working_days
            limit = record.late_limit_days or settings.late_entry_working_days
            late = is_late_entry(clean.held_on, record.recorded_on, limit)
            reason = (clean.late_reason or "").strip() or None
            if late and not reason:
                deadline = entry_deadline(clean.held_on, limit)
                raise ValidationError(
                    f"会议于 {clean.held_on.isoformat()} 召开，应在 {deadline.isoformat()} 前（会后 {limit} 个工作日内）"
                    f"录入；现在录入属于补记，请填写补记原因", field="late_reason")
            self._write(session, record, clean, expected, late, reason if late else None)
            session.add(record)
            existing = {a.id: a for a in record.attachments}
            for attachment_id in detach:
                if attachment_id in existing:
                    record.attachments.remove(existing[attachment_id])
            have = {a.sha256 for a in record.attachments}
            for item in stored:
                if item.sha256 not in have:
                    record.attachments.append(MeetingAttachmentRecord(
                        sha256=item.sha256, filename=item.filename[:200], media_type=item.media_type, size=item.size))
                    have.add(item.sha256)
            session.flush()
            return self._detail(session, record)

    def delete_meeting(self, meeting_id: int, *, amendment_reason: str | None = None) -> None:
        with self.ctx.unit_of_work(amendment_reason=amendment_reason) as session:
            session.delete(self._get(session, meeting_id))

    def _validate(self, data: MeetingInput, today: dt.date) -> tuple[MeetingInput, list[Attendee]]:
        kinds = check_kinds(data.kinds, data.party_group_id)
        if data.held_on > today:
            raise ValidationError(f"会议日期 {data.held_on.isoformat()} 晚于今天：尚未召开的会议请先“计划”，"
                                  "召开后再记录", field="held_on")
        topic = data.topic.strip()
        if not topic:
            raise ValidationError("请填写会议主题（议题）", field="topic")
        starts, ends = check_time_span(data.starts_at, data.ends_at)
        place = (data.place or "").strip() or None
        if not place and not data.online:
            raise ValidationError("请填写会议地点（线上会议请勾选“线上”并注明平台）", field="place")
        chair = check_full_name(data.chair, "主持人", "chair")
        recorder = check_full_name(data.recorder, "记录人", "recorder")
        agenda = tuple(a.strip() for a in data.agenda if a.strip())
        if not agenda:
            raise ValidationError("请至少填写一项议程（议题）", field="agenda")
        speeches = check_speeches(data.speeches)
        with self.ctx.reading() as session:
            self._check_group(session, data.party_group_id if "党小组会" in kinds else None, data.held_on)
        expected = self.expected_attendees(kinds, data.party_group_id, data.held_on)
        if not expected:
            raise ValidationError(f"{data.held_on.isoformat()} 本次会议没有应到人员：请检查花名册或党小组", field="attendance")
        attendance = check_attendance(data.attendance, expected, data.held_on)
        voting = {a.member_id for a in expected if a.votes}
        present_voting = sum(1 for e in attendance if e.present and e.member_id in voting)
        resolutions = []
        for index, resolution in enumerate(data.resolutions, start=1):
            text = resolution.text.strip()
            if not text:
                raise ValidationError(f"第{index}项决议内容为空", field="resolutions")
            if resolution.voted:
                try:
                    check_tally(resolution.tally, expected_voting=len(voting), present_voting=present_voting)
                except ValidationError as exc:
                    raise ValidationError(f"第{index}项决议“{text[:20]}”{exc.message}", field="resolutions") from None
                resolutions.append(replace(resolution, text=text))
            else:
                resolutions.append(ResolutionInput(text))
        guests = tuple(g.strip() for g in data.guests if g.strip())
        return replace(data, kinds=kinds, topic=topic, starts_at=starts, ends_at=ends, place=place, chair=chair,
                       recorder=recorder, agenda=agenda, speeches=speeches, attendance=attendance,
                       resolutions=tuple(resolutions), guests=guests,
                       activity=(data.activity or "").strip() or None,
                       closing=(data.closing or "").strip() or None), expected

    def _write(self, session: Session, record: MeetingRecord, data: MeetingInput, attendees: list[Attendee],
               late: bool, reason: str | None) -> None:
        record.kinds = ",".join(data.kinds)
        record.party_group_id = data.party_group_id if "党小组会" in data.kinds else None
        record.status = HELD
        record.held_on = data.held_on
        record.topic = data.topic
        record.starts_at, record.ends_at = data.starts_at, data.ends_at
        record.place, record.online = data.place, data.online
        record.activity, record.chair, record.recorder = data.activity, data.chair, data.recorder
        record.agenda = "\n".join(data.agenda)
        record.guests = "\n".join(data.guests) or None
        record.closing = data.closing
        record.late_entry, record.late_reason = late, reason
        expected = {a.member_id: a for a in attendees}
        rows = {a.member_id: a for a in record.attendance}
        for entry in data.attendance:
            row = rows.pop(entry.member_id, None)
            if row is None:
                row = MeetingAttendanceRecord(member_id=entry.member_id)
                record.attendance.append(row)
            row.status, row.leave_type, row.note = entry.status, entry.leave_type, entry.note
            row.probationary = expected[entry.member_id].probationary
        for row in rows.values():
            record.attendance.remove(row)
        _sync_children(record.speeches, [(s.speaker, s.points) for s in data.speeches],
                       lambda: MeetingSpeechRecord(), ("speaker", "points"))
        _sync_children(record.resolutions,
                       [(r.text, r.voted, *(_tally_values(r))) for r in data.resolutions],
                       lambda: MeetingResolutionRecord(),
                       ("text", "voted", "expected", "present", "yes", "no", "abstain", "written", "written_opinions"))

    def _check_group(self, session: Session, group_id: int | None, day: dt.date) -> None:
        if group_id is None:
            return
        group = session.get(PartyGroupRecord, group_id)
        if group is None:
            raise NotFoundError("找不到所选党小组", field="party_group")
        if group.created_on > day or (group.dissolved_on and group.dissolved_on <= day):
            raise ValidationError(f"党小组“{group.name}”在 {day.isoformat()} 不存在（成立于 {group.created_on.isoformat()}）",
                                  field="party_group")

    @staticmethod
    def _next_number(session: Session, year: int) -> str:
        numbers = session.scalars(select(MeetingRecord.number).where(MeetingRecord.number.like(f"{year}-%"))).all()
        last = max((int(n.split("-")[1]) for n in numbers if n.split("-")[1].isdigit()), default=0)
        return f"{year}-{last + 1:03d}"

    @staticmethod
    def _get(session: Session, meeting_id: int) -> MeetingRecord:
        record = session.get(MeetingRecord, meeting_id)
        if record is None:
            raise NotFoundError(f"找不到编号为 {meeting_id} 的会议")
        return record

    # -- reading ---------------------------------------------------------------------------------------------
    def get_meeting(self, meeting_id: int) -> MeetingDetail:
        with self.ctx.reading() as session:
            return self._detail(session, self._get(session, meeting_id))

    def list_meetings(self, year: int) -> list[MeetingDto]:
        """Every meeting (planned and held) dated in `year`, in date order."""
        with self.ctx.reading() as session:
            return self._list(session, dt.date(year, 1, 1), dt.date(year, 12, 31))

    def _list(self, session: Session, start: dt.date, end: dt.date) -> list[MeetingDto]:
        """The meetings dated from `start` to `end` as `_dto` makes them, read as plain rows with the
        attendance counted by the database (no record objects for the meetings and every attendee)."""
        m = MeetingRecord
        rows = session.execute(
            select(m.id, m.number, m.kinds, m.party_group_id, m.status, m.held_on, m.topic, m.starts_at, m.ends_at,
                   m.place, m.online, m.activity, m.chair, m.recorder, m.agenda, m.guests, m.closing, m.recorded_on,
                   m.late_entry, m.late_reason, m.created_at, m.updated_at)
            .where(m.held_on.between(start, end)).order_by(m.held_on, m.id)).all()
        counts: dict[int, dict[str, int]] = defaultdict(dict)
        a = MeetingAttendanceRecord
        for meeting_id, status, count in session.execute(
                select(a.meeting_id, a.status, func.count()).join(m, m.id == a.meeting_id)
                .where(m.held_on.between(start, end)).group_by(a.meeting_id, a.status)):
            counts[meeting_id][status] = count
        groups = dict(session.execute(select(PartyGroupRecord.id, PartyGroupRecord.name)).all())
        out = []
        for r in rows:
            by_status = counts.get(r.id, {})
            out.append(MeetingDto(
                id=r.id, number=r.number, kinds=tuple(r.kinds.split(",")), party_group_id=r.party_group_id,
                party_group=groups.get(r.party_group_id) if r.party_group_id else None, status=r.status,
                held_on=r.held_on, topic=r.topic, starts_at=r.starts_at, ends_at=r.ends_at, place=r.place,
                online=r.online, activity=r.activity, chair=r.chair, recorder=r.recorder, agenda=_lines(r.agenda),
                guests=_lines(r.guests), closing=r.closing, recorded_on=r.recorded_on, late_entry=r.late_entry,
                late_reason=r.late_reason, created_at=r.created_at, updated_at=r.updated_at,
                expected_count=sum(by_status.values()),
                present_count=by_status.get("出席", 0) + by_status.get("迟到", 0),
                leave_count=by_status.get("请假", 0), absent_count=by_status.get("缺席", 0),
            ))
        return out

    def _dto(self, session: Session, r: MeetingRecord, groups: dict[int, str] | None = None) -> MeetingDto:
        if groups is None:
            groups = dict(session.execute(select(PartyGroupRecord.id, PartyGroupRecord.name)).all())
        statuses = [a.status for a in r.attendance]
        return MeetingDto(
            id=r.id, number=r.number, kinds=tuple(r.kinds.split(",")), party_group_id=r.party_group_id,
            party_group=groups.get(r.party_group_id) if r.party_group_id else None, status=r.status,
            held_on=r.held_on, topic=r.topic, starts_at=r.starts_at, ends_at=r.ends_at, place=r.place,
            online=r.online, activity=r.activity, chair=r.chair, recorder=r.recorder, agenda=_lines(r.agenda),
            guests=_lines(r.guests), closing=r.closing, recorded_on=r.recorded_on, late_entry=r.late_entry,
            late_reason=r.late_reason, created_at=r.created_at, updated_at=r.updated_at,
            expected_count=len(statuses), present_count=sum(1 for s in statuses if s in ("出席", "迟到")),
            leave_count=statuses.count("请假"), absent_count=statuses.count("缺席"),
        )

    def _detail(self, session: Session, r: MeetingRecord, names: dict[int, str] | None = None,
                groups: dict[int, str] | None = None) -> MeetingDetail:
        if names is None:
            names = dict(session.execute(select(MemberRecord.id, MemberRecord.name)
                                         .where(MemberRecord.id.in_([a.member_id for a in r.attendance]))).all())
        attendance = tuple(AttendanceDto(a.id, a.member_id, names.get(a.member_id, "?"), a.status, a.leave_type,
                                         a.note, a.probationary) for a in sorted(r.attendance, key=lambda a: a.member_id))
        return MeetingDetail(
            meeting=self._dto(session, r, groups),
            attendance=attendance,
            speeches=tuple(Speech(s.speaker, s.points) for s in r.speeches),
            speech_ids=tuple(s.id for s in r.speeches),
            resolutions=tuple(ResolutionDto(
                text=x.text, voted=x.voted, expected=x.expected or 0, present=x.present or 0, yes=x.yes or 0,
                no=x.no or 0, abstain=x.abstain or 0, written=x.written or 0,
                written_opinions=x.written_opinions or "", id=x.id) for x in r.resolutions),
            attachments=tuple(AttachmentDto(a.id, a.sha256, a.filename, a.media_type, a.size,
                                            self.store.path_for(a.sha256, a.media_type)) for a in r.attachments),
        )

    def store_attachment(self, source: Path):  # type: ignore[no-untyped-def]
        """Check and store a file now (the dialog shows the problem before the record is saved)."""
        return self.store.put(Path(source))

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
        return obligations(period, held, frequencies=settings.frequencies, groups=groups, today=self.ctx.today(),
                           since=since, theme_day=settings.theme_day)

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
                items.append(HomeItem(level, "meetings",
                                      f"{when}尚未开展{ob.label}（截止 {ob.due_on:%m月%d日}{planned}）"))
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

    # -- printing --------------------------------------------------------------------------------------------------
    def _page_info(self, title: str, *, landscape: bool = False, footer_note: str = ""):  # type: ignore[no-untyped-def]
        from desktop.ledgers.layout import PageInfo

        return PageInfo(title=title, branch_name=self._branch().branch_name(), printed_on=self.ctx.today(),
                        landscape=landscape, footer_note=footer_note)

    def render_signin_sheet(self, meeting_id: int, out: Path) -> RenderedLedger:
        """签到表: the expected names (as of the meeting date) with an empty signature column."""
        from desktop.ledgers import meetings as printed

        detail = self.get_meeting(meeting_id)
        m = detail.meeting
        expected = self.expected_attendees(m.kinds, m.party_group_id, m.held_on)
        title = f"{m.kinds_label}签到表"
        path = printed.render_signin_sheet(Path(out), self._page_info(title), m, expected)
        return RenderedLedger("signin", title, path, m.held_on.year, (("meeting", m.id),))

    def render_minutes(self, meeting_id: int, out: Path) -> RenderedLedger:
        """会议记录: the filled record with the chair's and recorder's signature lines."""
        from desktop.ledgers import meetings as printed

        detail = self.get_meeting(meeting_id)
        if not detail.meeting.held:
            raise ValidationError("该会议还只是计划，尚无会议记录可打印；可打印签到表", field="status")
        title = f"{detail.meeting.kinds_label}会议记录"
        path = printed.render_minutes(Path(out), self._page_info(title), detail)
        return RenderedLedger("minutes", title, path, detail.meeting.held_on.year, _rows_of(detail))

    def render_ledger(self, year: int | None, out: Path, *, footer_note: str = "") -> RenderedLedger:
        """组织生活台账: the summary (held/required per type and month), then every record in date order."""
        from desktop.ledgers import meetings as printed

        year = year or self.ctx.today().year
        with self.ctx.reading() as session:
            ids = session.scalars(select(MeetingRecord.id).where(
                MeetingRecord.status == HELD,
                MeetingRecord.held_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
                .order_by(MeetingRecord.held_on, MeetingRecord.id)).all()
            details = self._details(session, list(ids))
        summary = self.summary_table(year, [d.meeting for d in details])
        title = f"{year}年度组织生活台账"
        settings = self.settings()
        records: list[tuple[str, int]] = []
        for detail in details:
            records.extend(_rows_of(detail))
        path = printed.render_ledger(Path(out), self._page_info(title, landscape=True, footer_note=footer_note),
                                     year, summary, details, settings.lines(), self._ledger_amendments(details))
        return RenderedLedger("meetings", title, path, year, tuple(records))

    def _ledger_amendments(self, details: Sequence[MeetingDetail]) -> dict[tuple[str, str], list[str]]:
        """The 更正 lines of each meeting and its parts (attendance, speeches, resolutions,
        attachments), keyed ("meeting", str(id)): printed under that meeting's record."""
        from desktop.services.ledgers import LedgerService

        owner: dict[tuple[str, str], str] = {}
        for detail in details:
            for table, row_id in _rows_of(detail):
                owner[(table, str(row_id))] = str(detail.meeting.id)
        notes: dict[tuple[str, str], list[str]] = {}
        for a in LedgerService(self.ctx).amendments_for_records(owner):
            meeting_id = owner.get((a.table_name, a.row_id))
            if meeting_id is not None:
                part = _PART_LABELS.get(a.table_name, "")
                notes.setdefault(("meeting", meeting_id), []).append(f"［{part}］{a.describe()}" if part else a.describe())
        return notes

    def _details(self, session: Session, ids: list[int]) -> list[MeetingDetail]:
        if not ids:
            return []
        records = session.scalars(select(MeetingRecord).where(MeetingRecord.id.in_(ids)).options(
            selectinload(MeetingRecord.attendance), selectinload(MeetingRecord.speeches),
            selectinload(MeetingRecord.resolutions), selectinload(MeetingRecord.attachments))).all()
        by_id = {r.id: r for r in records}
        names = dict(session.execute(select(MemberRecord.id, MemberRecord.name)).all())
        groups = dict(session.execute(select(PartyGroupRecord.id, PartyGroupRecord.name)).all())
        return [self._detail(session, by_id[i], names, groups) for i in ids]

    def summary_table(self, year: int, meetings: Sequence[MeetingDto]) -> list[tuple[str, list[tuple[int, int]], str]]:
        """Per type: (label, [(held, required) for months 1..12], frequency label)."""
        settings = self.settings()
        groups = self._roster().list_groups()
        profile = self._branch().profile()
        since = profile.founded_on if profile else None
        rows = []
        for mtype in MEETING_TYPES:
            freq = settings.frequencies[mtype.name]
            cells = []
            for month in range(1, 13):
                period = Period("month", year, month)
                if since and period.end < since:
                    cells.append((0, 0))
                    continue
                count = sum(1 for g in groups if g.created_on <= period.end and
                            (g.dissolved_on is None or g.dissolved_on > period.start)) if mtype.attendees == GROUP else 1
                held = sum(1 for m in meetings if mtype.name in m.kinds and m.held_on.month == month)
                cells.append((held, required_count(freq, month, count)))
            rows.append((mtype.name, cells, FREQUENCY_LABELS[freq]))
        return rows


def _attendance_by_month(meetings: Sequence[MeetingDto]) -> dict[int, float]:
    """Month → 实到/应到 over the held meetings of that month (months without attendance rows left out)."""
    expected: dict[int, int] = defaultdict(int)
    present: dict[int, int] = defaultdict(int)
    for m in meetings:
        if m.held and m.expected_count:
            expected[m.held_on.month] += m.expected_count
            present[m.held_on.month] += m.present_count
    return {month: present[month] / expected[month] for month in sorted(expected)}


def _missed_label(ob: Obligation) -> str:
    if ob.period.kind == "month":
        label = f"{ob.period.index}月"
    elif ob.period.kind == "quarter":
        label = f"第{'一二三四'[ob.period.index - 1]}季度"
    else:
        label = "全年"
    return f"{ob.group_name} {label}" if ob.group_name else label


# the parts of a meeting record an amendment may touch, as the printed 更正 line names them
_PART_LABELS = {"meeting_attendance": "出席情况", "meeting_speech": "发言记录", "meeting_resolution": "决议",
                "meeting_attachment": "附件"}


def _rows_of(detail: MeetingDetail) -> tuple[tuple[str, int], ...]:
    rows = [("meeting", detail.meeting.id)]
    rows += [("meeting_attendance", a.id) for a in detail.attendance]
    rows += [("meeting_speech", i) for i in detail.speech_ids]
    rows += [("meeting_resolution", r.id) for r in detail.resolutions]
    rows += [("meeting_attachment", a.id) for a in detail.attachments]
    return tuple(rows)


def _tally_values(r: ResolutionInput) -> tuple:
    if not r.voted:
        return (None, None, None, None, None, None, None)
    return (r.expected, r.present, r.yes, r.no, r.abstain, r.written, r.written_opinions or None)


def _sync_children(rows: list, values: list[tuple], make, names: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """Update child rows in place (keeping ids where the position is unchanged), adding or removing the rest."""
    for position, row_values in enumerate(values):
        if position < len(rows):
            row = rows[position]
        else:
            row = make()
            rows.append(row)
        row.position = position
        for name, value in zip(names, row_values):
            if getattr(row, name) != value:
                setattr(row, name, value)
    del rows[len(values):]


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
