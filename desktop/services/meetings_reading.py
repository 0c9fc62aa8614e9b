"""Reading organizational life (组织生活): the settings, who is expected at a meeting (from the
roster's dated history and the committee), and meetings read as DTOs. `MeetingReading` is the
base the other parts of `MeetingService` (services/meetings.py) build on."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.errors import NotFoundError, ValidationError
from desktop.domain.meetings import (
    ALL_MEMBERS,
    COMMITTEE,
    DEFAULT_LATE_ENTRY_WORKING_DAYS,
    DEFAULT_THEME_DAY,
    FREQUENCIES,
    GROUP,
    MEETING_TYPES,
    TALK_PAIRS,
    TYPE_BY_NAME,
    Attendee,
    Speech,
    check_kinds,
)
from desktop.domain.roster import Change, is_member_on, value_on
from desktop.services.branch import store_settings
from desktop.services.context import LedgerContext
from desktop.services.meetings_types import (
    KEY_LATE_DAYS,
    KEY_THEME_DAY,
    KEY_FREQUENCY,
    AttendanceDto,
    ResolutionDto,
    AttachmentDto,
    MeetingDto,
    MeetingDetail,
    MeetingSettings,
)
from desktop.services.roster import MemberOnDay
from desktop.storage.attachments import AttachmentStore
from desktop.storage.models import (
    CommitteeMemberRecord,
    CommitteeTermRecord,
    MemberChangeRecord,
    MemberRecord,
    PartyGroupRecord,
)
from desktop.storage.models.meetings import MeetingAttendanceRecord, MeetingRecord


class MeetingReading:
    """The settings, expected attendees and reading part of `MeetingService`."""

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
        values = {KEY_FREQUENCY + k: v for k, v in settings.frequencies.items()}
        values[KEY_LATE_DAYS] = str(settings.late_entry_working_days)
        values[KEY_THEME_DAY] = str(settings.theme_day)
        with self.ctx.unit_of_work() as session:
            store_settings(session, values)
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
        if TALK_PAIRS in scopes:
            # 谈心谈话: anyone on the roster may be talked with; only those talked with are listed (应到 = 谈话对象)
            return [Attendee(m.member_id, m.name, m.probationary, optional=m.member_id not in wanted) for m in on_day]
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
            out.append(_meeting_dto(r, groups, counts.get(r.id, {})))
        return out

    def _dto(self, session: Session, r: MeetingRecord, groups: dict[int, str] | None = None) -> MeetingDto:
        if groups is None:
            groups = dict(session.execute(select(PartyGroupRecord.id, PartyGroupRecord.name)).all())
        by_status: dict[str, int] = defaultdict(int)
        for a in r.attendance:
            by_status[a.status] += 1
        return _meeting_dto(r, groups, by_status)

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


def _lines(text: str | None) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _meeting_dto(r: MeetingRecord, groups: dict[int, str], by_status: dict[str, int]) -> MeetingDto:
    """A meeting as the lists show it; `by_status` counts its attendance rows by status."""
    return MeetingDto(
        id=r.id, number=r.number, kinds=tuple(r.kinds.split(",")), party_group_id=r.party_group_id,
        party_group=groups.get(r.party_group_id) if r.party_group_id else None, status=r.status,
        held_on=r.held_on, topic=r.topic, starts_at=r.starts_at, ends_at=r.ends_at, place=r.place,
        online=r.online, activity=r.activity, chair=r.chair, recorder=r.recorder, agenda=_lines(r.agenda),
        guests=_lines(r.guests), closing=r.closing, recorded_on=r.recorded_on, late_entry=r.late_entry,
        late_reason=r.late_reason, created_at=r.created_at, updated_at=r.updated_at,
        expected_count=sum(by_status.values()),
        present_count=by_status.get("出席", 0) + by_status.get("迟到", 0),
        leave_count=by_status.get("请假", 0), absent_count=by_status.get("缺席", 0),
    )
