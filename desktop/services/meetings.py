"""Organizational life (组织生活): plan and record meetings, attendance, the calendar of
obligations, the lapse warnings, and the printed forms and annual ledger.

`MeetingService` is put together from one class per part, each in its own module:
- services/meetings_reading.py: the settings, who is expected at a meeting, meetings read as DTOs
  (`MeetingReading`, the base the other parts build on);
- services/meetings_recording.py: planning, recording (attendance, speeches, resolutions,
  attachments: one unit of work) and deleting meetings;
- services/meetings_calendar.py: the calendar of obligations, home-page reminders, lapse warnings
  and the year's figures;
- services/meetings_printing.py: the sign-in sheet, the minutes and the annual ledger.
The DTOs are in services/meetings_types.py and importable from here too."""

from __future__ import annotations

from desktop.services.meetings_calendar import MeetingCalendar
from desktop.services.meetings_printing import MeetingPrinting
from desktop.services.meetings_recording import MeetingRecording
from desktop.services.meetings_types import (  # noqa: F401 - re-exported: callers import them from here
    HELD, KEY_FREQUENCY, KEY_LATE_DAYS, KEY_THEME_DAY, PLANNED, AttachmentDto, AttendanceDto, LapseWarning,
    LateEntry, MeetingDetail, MeetingDto, MeetingInput, MeetingSettings, MeetingYearFigures, MeetingYearReport,
    MemberRate, ResolutionDto, ResolutionInput, ThemeDay, TypeFigure,
)


class MeetingService(MeetingRecording, MeetingCalendar, MeetingPrinting):
    """组织生活: meetings, attendance, the calendar of obligations and the printed forms of one branch."""
