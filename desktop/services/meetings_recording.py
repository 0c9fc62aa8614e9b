"""Planning and recording meetings (会议记录): the checks on a record, attendance, speeches,
resolutions and attachments written in one unit of work, and deleting a meeting: part of
`MeetingService` (services/meetings.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.errors import NotFoundError, ValidationError
from desktop.domain.meetings import (
    Attendee,
    check_attendance,
    check_full_name,
    check_kinds,
    check_speeches,
    check_tally,
    check_time_span,
    entry_deadline,
    is_late_entry,
)
from desktop.services.meetings_reading import MeetingReading
from desktop.services.meetings_types import PLANNED, HELD, ResolutionInput, MeetingInput, MeetingDto, MeetingDetail
from desktop.storage.base import utcnow
from desktop.storage.models import PartyGroupRecord
from desktop.storage.models.meetings import (
    MeetingAttachmentRecord,
    MeetingAttendanceRecord,
    MeetingRecord,
    MeetingResolutionRecord,
    MeetingSpeechRecord,
)


class MeetingRecording(MeetingReading):
    """The plan-and-record part of `MeetingService`."""

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
