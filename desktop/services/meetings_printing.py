"""The printed forms of organizational life: the sign-in sheet (签到表), the minutes (会议记录) and
the annual ledger (组织生活台账) with its 更正 lines: part of `MeetingService` (services/meetings.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop.domain.errors import ValidationError
from desktop.domain.meeting_calendar import Period, required_count
from desktop.domain.meetings import FREQUENCY_LABELS, GROUP, MEETING_TYPES
from desktop.services.meetings_reading import MeetingReading
from desktop.services.meetings_types import HELD, MeetingDto, MeetingDetail
from desktop.services.rendered import RenderedLedger
from desktop.storage.models import MemberRecord, PartyGroupRecord
from desktop.storage.models.meetings import MeetingRecord


class MeetingPrinting(MeetingReading):
    """The printing part of `MeetingService`."""

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
        if detail.attendance:  # 谈心谈话: of those who may be talked with, the people listed
            listed = {a.member_id for a in detail.attendance}
            expected = [a for a in expected if not a.optional or a.member_id in listed]
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
                                     year, summary, details, settings.lines(), self._ledger_amendments(details),
                                     notes=self.summary_notes(year))
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

    def summary_notes(self, year: int) -> list[str]:
        """Lines printed under the summary: 谈心谈话 is counted in pairs (支委—党员, 支委—支委), which
        the month grid of sittings cannot show."""
        if self.settings().frequencies.get("谈心谈话") != "year":
            return []
        coverage = self.talk_coverage(year)  # type: ignore[attr-defined]  # MeetingCalendar's
        if not coverage.required:
            return []
        line = f"谈心谈话按对计算：应谈 {len(coverage.required)} 对，已谈 {len(coverage.covered)} 对"
        if coverage.missing:
            line += "，未谈：" + "、".join(pair.label for pair in coverage.missing)
        return [line + "。"]


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
