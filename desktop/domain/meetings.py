"""Organizational life (组织生活, 三会一课): meeting types as data, and the rules a record must keep.

domain.md §3. Pure: no Qt, no database; anything date-dependent takes the day as a parameter."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from desktop.domain.dates import add_working_days
from desktop.domain.errors import ValidationError

# How often a type is required. "none": no requirement (other study, or switched off by the secretary).
FREQUENCIES: tuple[str, ...] = ("month", "quarter", "year", "none")
FREQUENCY_LABELS: dict[str, str] = {"month": "每月", "quarter": "每季度", "year": "每年", "none": "不作要求"}

# Who is expected at a meeting of a type.
ALL_MEMBERS = "all"
COMMITTEE = "committee"
GROUP = "group"
TALK_PAIRS = "pairs"  # 谈心谈话: the attendees are the people talked with, none required beforehand


@dataclass(frozen=True)
class MeetingType:
    """One kind of meeting (会议类型) and its default requirement."""

    name: str
    short: str  # for narrow table columns
    frequency: str  # default; the secretary may change it ([setting])
    attendees: str  # ALL_MEMBERS | COMMITTEE | GROUP
    votes: bool = False  # resolutions put to a vote of the voting (正式) members
    note: str = ""


MEETING_TYPES: tuple[MeetingType, ...] = (
    MeetingType("支部党员大会", "党员大会", "quarter", ALL_MEMBERS, votes=True,
                note="预备党员列席，无表决权；表决须有半数以上有表决权的党员到会"),
    MeetingType("支部委员会", "支委会", "month", COMMITTEE, votes=True, note="须有半数以上委员到会"),
    MeetingType("党小组会", "党小组会", "month", GROUP, note="每个党小组每月至少一次"),
    MeetingType("党课", "党课", "quarter", ALL_MEMBERS, note="频次按本地规定"),
    MeetingType("主题党日", "主题党日", "month", ALL_MEMBERS, note="每月固定一天"),
    MeetingType("组织生活会", "组织生活会", "year", ALL_MEMBERS, note="一般在第四季度"),
    MeetingType("民主评议党员", "民主评议", "year", ALL_MEMBERS),
    MeetingType("谈心谈话", "谈心谈话", "year", TALK_PAIRS,
                note="支委与每名党员（支委之间亦然）每年至少谈一次，按“对”统计；考勤只列谈话对象"),
    MeetingType("其他学习", "其他学习", "none", ALL_MEMBERS),
)
TYPE_BY_NAME: dict[str, MeetingType] = {t.name: t for t in MEETING_TYPES}
TYPE_NAMES: tuple[str, ...] = tuple(t.name for t in MEETING_TYPES)

# Attendance (考勤)
PRESENT = "出席"
LATE = "迟到"
LEAVE = "请假"
ABSENT = "缺席"
ATTENDANCE_STATUSES: tuple[str, ...] = (PRESENT, LATE, LEAVE, ABSENT)
LEAVE_TYPES: tuple[str, ...] = ("因公", "病假", "事假", "其他")

DEFAULT_LATE_ENTRY_WORKING_DAYS = 3
DEFAULT_THEME_DAY = 15  # 主题党日 fixed day of the month ([setting])
LAPSE_WARN, LAPSE_ESCALATE, LAPSE_LIMIT = 3, 5, 6


def meeting_type(name: str) -> MeetingType:
    try:
        return TYPE_BY_NAME[name]
    except KeyError:
        raise ValidationError(f"未知的会议类型“{name}”", field="kinds") from None


def check_kinds(kinds: Sequence[str], party_group_id: int | None) -> tuple[str, ...]:
    """The types a meeting is held as (a 主题党日 may be combined with a 党员大会): known, no repeats,
    a 党小组会 names its group. Returned in the canonical order."""
    if not kinds:
        raise ValidationError("请选择会议类型", field="kinds")
    for name in kinds:
        meeting_type(name)
    if len(set(kinds)) != len(kinds):
        raise ValidationError("会议类型重复", field="kinds")
    if "党小组会" in kinds and party_group_id is None:
        raise ValidationError("党小组会须选择党小组", field="party_group")
    return tuple(n for n in TYPE_NAMES if n in kinds)


# -- names ---------------------------------------------------------------------------------------
_TITLE_ONLY = re.compile(r"^(老|小)?[\u4e00-\u9fff](书记|委员|同志|主任|组长|总|经理|老师)?$")
_COLLECTIVE = ("大家", "全体", "与会", "众人", "大伙", "一致认为")


def check_full_name(value: str | None, label: str, field: str) -> str:
    """主持人/记录人/发言人 must be full names: inspectors refuse "张" or "王书记"."""
    name = (value or "").strip()
    if not name:
        raise ValidationError(f"请填写{label}", field=field)
    if _TITLE_ONLY.match(name) or len(name) < 2:
        raise ValidationError(f"{label}“{name}”不是全名：请写出完整姓名，不要只写姓或职务", field=field)
    if any(word in name for word in _COLLECTIVE):
        raise ValidationError(f"{label}须是具体的人，不能写“{name}”", field=field)
    return name


@dataclass(frozen=True)
class Speech:
    """One named speaker's points (发言要点)."""

    speaker: str
    points: str


def check_speeches(speeches: Iterable[Speech]) -> tuple[Speech, ...]:
    out = []
    for index, speech in enumerate(speeches, start=1):
        speaker = check_full_name(speech.speaker, f"第{index}条发言的发言人", "speeches")
        points = speech.points.strip()
        if not points:
            raise ValidationError(f"第{index}条发言（{speaker}）没有发言要点", field="speeches")
        out.append(Speech(speaker, points))
    return tuple(out)


# -- time span -------------------------------------------------------------------------------------
_TIME = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")


def parse_time(value: str | None, label: str, field: str) -> str | None:
    text = (value or "").strip()
    if not text:
        return None
    match = _TIME.match(text)
    if not match:
        raise ValidationError(f"{label}“{text}”应写作 时:分，如 14:30", field=field)
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def check_time_span(starts: str | None, ends: str | None) -> tuple[str | None, str | None]:
    start = parse_time(starts, "开始时间", "starts_at")
    end = parse_time(ends, "结束时间", "ends_at")
    if start and end and end <= start:
        raise ValidationError(f"结束时间 {end} 不晚于开始时间 {start}", field="ends_at")
    return start, end


# -- attendance ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Attendee:
    """Someone expected at a meeting, as they stood on its date."""

    member_id: int
    name: str
    probationary: bool  # 预备党员: attends, does not vote
    optional: bool = False  # 谈心谈话: may be talked with; listed only when talked with

    @property
    def votes(self) -> bool:
        return not self.probationary


@dataclass(frozen=True)
class AttendanceEntry:
    member_id: int
    status: str
    leave_type: str | None = None
    note: str | None = None

    @property
    def present(self) -> bool:
        return self.status in (PRESENT, LATE)


def check_attendance(entries: Sequence[AttendanceEntry], expected: Sequence[Attendee],
                     day: dt.date) -> tuple[AttendanceEntry, ...]:
    """Every entry names an expected member (on the roster that day), once, with a known status;
    请假 names its kind (其他 with a note); 缺席 gives the reason. Unlisted expected members are refused."""
    names = {a.member_id: a.name for a in expected}
    seen: set[int] = set()
    out = []
    for entry in entries:
        if entry.member_id not in names:
            raise ValidationError(f"考勤名单中的党员（编号 {entry.member_id}）在 {day.isoformat()} 不在本支部"
                                  "（或不属于本次会议应到人员）", field="attendance")
        name = names[entry.member_id]
        if entry.member_id in seen:
            raise ValidationError(f"考勤名单中“{name}”出现了两次", field="attendance")
        seen.add(entry.member_id)
        if entry.status not in ATTENDANCE_STATUSES:
            raise ValidationError(f"“{name}”的考勤情况“{entry.status}”无效", field="attendance")
        note = (entry.note or "").strip() or None
        leave_type = entry.leave_type or None
        if entry.status == LEAVE:
            if leave_type not in LEAVE_TYPES:
                raise ValidationError(f"“{name}”请假，请选择请假类别（因公/病假/事假/其他）", field="attendance")
            if leave_type == "其他" and not note:
                raise ValidationError(f"“{name}”请假类别为“其他”，请写明事由", field="attendance")
        else:
            leave_type = None
        if entry.status == ABSENT and not note:
            raise ValidationError(f"“{name}”缺席，请写明缺席原因", field="attendance")
        out.append(AttendanceEntry(entry.member_id, entry.status, leave_type, note))
    missing = [a.name for a in expected if a.member_id not in seen and not a.optional]
    if expected and all(a.optional for a in expected) and not any(e.present for e in out):
        raise ValidationError("谈心谈话请至少选择一名谈话对象（考勤为出席或迟到）", field="attendance")
    if missing:
        raise ValidationError(f"以下应到人员没有考勤情况：{'、'.join(missing)}", field="attendance")
    return tuple(out)


def attendance_rate(entries: Iterable[AttendanceEntry]) -> float | None:
    """实到 / 应到, or None when nobody was expected."""
    listed = list(entries)
    if not listed:
        return None
    return sum(1 for e in listed if e.present) / len(listed)


# -- votes -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tally:
    """A vote on a resolution (决议表决): 应到/实到 count voting (正式) members only."""

    expected: int  # 应到有表决权的党员
    present: int  # 实到有表决权的党员
    yes: int
    no: int
    abstain: int
    written: int = 0  # 因故未到会者会前提交的书面意见（计入票数）

    @property
    def passed(self) -> bool:
        return 2 * self.yes > self.expected


def tally_problems(tally: Tally, *, expected_voting: int | None = None,
                   present_voting: int | None = None, absent_voting: int | None = None) -> list[str]:
    """Why a tally cannot stand (empty when it can). `expected_voting`/`present_voting` are what the
    attendance list says; the tally must agree with them. Absentees' written opinions are counted
    with the votes (细则) but do not make the quorum."""
    problems: list[str] = []
    numbers = (tally.expected, tally.present, tally.yes, tally.no, tally.abstain, tally.written)
    if any(n < 0 for n in numbers):
        return ["表决人数不能为负数"]
    if expected_voting is not None and tally.expected != expected_voting:
        problems.append(f"应到有表决权人数 {tally.expected} 与考勤不符（考勤中应到 {expected_voting} 名正式党员）")
    if present_voting is not None and tally.present != present_voting:
        problems.append(f"实到有表决权人数 {tally.present} 与考勤不符（考勤中实到 {present_voting} 名正式党员；预备党员无表决权）")
    if tally.present > tally.expected:
        problems.append(f"实到 {tally.present} 人多于应到 {tally.expected} 人")
    if tally.written > tally.expected - tally.present:
        problems.append(f"书面意见 {tally.written} 份多于未到会的有表决权党员 {tally.expected - tally.present} 名")
    if absent_voting is not None and tally.written > absent_voting:
        problems.append(f"书面意见 {tally.written} 份多于未到会的有表决权党员 {absent_voting} 名")
    if tally.yes + tally.no + tally.abstain != tally.present + tally.written:
        problems.append(f"赞成 {tally.yes} + 反对 {tally.no} + 弃权 {tally.abstain} = "
                        f"{tally.yes + tally.no + tally.abstain}，不等于实到 {tally.present}"
                        + (f" 加书面意见 {tally.written}" if tally.written else "") + " 人")
    if not 2 * tally.present > tally.expected:
        problems.append(f"到会有表决权的党员 {tally.present} 人未超过应到 {tally.expected} 人的半数，不能进行表决")
    return problems


def check_tally(tally: Tally, **kwargs: int | None) -> Tally:
    problems = tally_problems(tally, **kwargs)
    if problems:
        raise ValidationError("表决结果不能成立：" + "；".join(problems), field="resolutions")
    return tally


# -- honest timestamps -------------------------------------------------------------------------------
def entry_deadline(held_on: dt.date, working_days: int) -> dt.date:
    """The last day a record may be entered without being 补记."""
    return add_working_days(held_on, working_days)


def is_late_entry(held_on: dt.date, entered_on: dt.date, working_days: int) -> bool:
    return entered_on > entry_deadline(held_on, working_days)


# -- lapse rule (党章: 6 consecutive months without taking part in Party life) --------------------
ATTENDED = "attended"
EXCUSED = "excused"  # every absence that month had a leave reason: a good reason
MISSED = "missed"
NOT_EXPECTED = "none"  # no meeting expected the member that month (none held, not yet a member)


def month_participation(entries: Iterable[AttendanceEntry]) -> str:
    """What one member's attendance entries of one month add up to."""
    listed = list(entries)
    if not listed:
        return NOT_EXPECTED
    if any(e.present for e in listed):
        return ATTENDED
    if all(e.status == LEAVE for e in listed):
        return EXCUSED
    return MISSED


def missed_streak(months: Sequence[str]) -> int:
    """Consecutive months (oldest first, ending now) without taking part and without good reason.
    Months in which nothing was expected of the member neither count nor break the streak."""
    streak = 0
    for state in reversed(months):
        if state == NOT_EXPECTED:
            continue
        if state == MISSED:
            streak += 1
        else:
            break
    return streak


def lapse_level(streak: int) -> str | None:
    """None, or "warning" (3 months), "escalate" (5), "lapsed" (6: 自行脱党 risk)."""
    if streak >= LAPSE_LIMIT:
        return "lapsed"
    if streak >= LAPSE_ESCALATE:
        return "escalate"
    if streak >= LAPSE_WARN:
        return "warning"
    return None
