"""Demo organizational life: a realistic year of meetings up to `today` for the demo roster —
a few months missed, one record entered late with a reason, some leave, one member drifting away."""

from __future__ import annotations

import datetime as dt
import random

from desktop.domain.meetings import ABSENT, LATE, LEAVE, PRESENT, AttendanceEntry, Speech
from desktop.services.context import LedgerContext

THEMES = (
    "学习贯彻新修订的党章", "重温入党誓词", "参观革命纪念馆", "社区志愿服务进楼宇", "学习党的二十届四中全会精神",
    "“七一”主题党日暨党员政治生日", "清廉企业建设专题学习", "骑手关爱服务站志愿服务", "国家安全教育学习",
    "学习新时代优秀共产党员先进事迹", "走访慰问困难党员", "数字经济与党建融合交流",
)
PLACES = ("公司三楼党员活动室", "公司二号会议室", "文新街道党群服务中心")
POINTS = (
    "结合岗位谈了学习体会，表示要在客服工作中践行以人民为中心", "提出在骑手站点设立党员示范岗的建议",
    "汇报了本季度党员联系群众情况", "对支部下一步工作提出加强线上学习的意见", "谈了技术攻关中发挥党员先锋作用的做法",
)
LATE_REASON = "会后书记外出参加上级党委集中培训一周，返回后补记"


def populate(services, today: dt.date) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.meetings import MeetingInput, MeetingService, ResolutionInput

    rng = random.Random(20261121)
    groups = services.roster.list_groups()
    members = {m.id: m.name for m in services.roster.list_members()}
    term = services.branch.current_term()
    secretary = term.holder("书记") if term else next(iter(members.values()))
    organizer = term.holder("组织委员") if term else secretary
    propaganda = term.holder("宣传委员") if term else secretary
    drifting = sorted(members)[21]  # a rider who stops coming in the last months
    probationary = next((m for m in services.roster.list_members() if m.stage == "预备党员"), None)

    def clerk(day: dt.date) -> MeetingService:
        """The service as it was on `day`: records are entered a day or two after each meeting."""
        return MeetingService(LedgerContext(services.ctx.folder, services.ctx.db, None, lambda: day))

    def attend(meeting_day: dt.date, kinds: tuple[str, ...], group: int | None) -> tuple[AttendanceEntry, ...]:
        expected = services.meetings.expected_attendees(kinds, group, meeting_day)
        out = []
        months_left = (today.year - meeting_day.year) * 12 + today.month - meeting_day.month
        for person in expected:
            roll = rng.random()
            if person.member_id == drifting and months_left <= 3:
                out.append(AttendanceEntry(person.member_id, ABSENT, note="电话未接通，未请假"))
            elif roll < 0.07:
                out.append(AttendanceEntry(person.member_id, LEAVE, rng.choice(("因公", "病假", "事假")),
                                           rng.choice(("出差杭州以外", "", "家中有事", "配送高峰值班"))))
            elif roll < 0.10:
                out.append(AttendanceEntry(person.member_id, LATE, note="交通拥堵"))
            else:
                out.append(AttendanceEntry(person.member_id, PRESENT))
        return tuple(out)

    def hold(day: dt.date, kinds: tuple[str, ...], topic: str, *, group: int | None = None,
             activity: str | None = None, resolutions: tuple = (), entered: dt.date | None = None,
             late_reason: str | None = None, chair: str | None = None) -> None:
        if day > today:
            return
        attendance = attend(day, kinds, group)
        present = [members[a.member_id] for a in attendance if a.status in (PRESENT, LATE)]
        speakers = rng.sample(present, k=min(2, len(present)))
        data = MeetingInput(
            kinds=kinds, held_on=day, topic=topic, party_group_id=group, starts_at="14:30", ends_at="16:30",
            place=rng.choice(PLACES), activity=activity, chair=chair or secretary, recorder=organizer,
            agenda=(topic, "通报近期支部工作"), speeches=tuple(Speech(s, rng.choice(POINTS)) for s in speakers),
            resolutions=tuple(resolutions(attendance) if callable(resolutions) else resolutions),
            attendance=attendance, closing="会议在《国际歌》声中结束。" if "支部党员大会" in kinds else None,
            late_reason=late_reason,
        )
        clerk(min(entered or day + dt.timedelta(days=1), today)).record_meeting(None, data)

    def admission_vote(attendance: tuple[AttendanceEntry, ...]) -> tuple:
        if probationary is None:
            return ()
        expected = services.meetings.expected_attendees(("主题党日", "支部党员大会"), None, dt.date(today.year, 6, 15))
        voting = {a.member_id for a in expected if a.votes}
        present = sum(1 for a in attendance if a.member_id in voting and a.status in (PRESENT, LATE))
        return (ResolutionInput(f"接收{probationary.name}同志为中共预备党员", voted=True, expected=len(voting),
                                present=present, yes=present, no=0, abstain=0),)

    year = today.year
    for month in range(1, today.month + 1):
        day = dt.date(year, month, 15)
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        quarter_end = month % 3 == 0
        if month != 8:  # August's 主题党日 was missed (summer delivery peak)
            kinds = ("支部党员大会", "主题党日") if quarter_end else ("主题党日",)
            topic = THEMES[month - 1]
            resolutions = admission_vote if month == 6 else ()
            late = month == 10
            hold(day, kinds, topic, activity=f"{topic}：集中学习、交流研讨" if not quarter_end else f"{topic}，并召开党员大会",
                 resolutions=resolutions, entered=day + dt.timedelta(days=12) if late else None,
                 late_reason=LATE_REASON if late else None)
        if month not in (2, 7):  # no committee meeting in February (holiday) and July
            committee_day = day - dt.timedelta(days=5)
            hold(committee_day, ("支部委员会",), f"研究{month}月支部工作安排", chair=secretary)
        for index, group in enumerate(groups):
            if (month, index) in ((4, 2), (9, 2), (10, 1)):
                continue  # some groups missed a month
            group_day = day + dt.timedelta(days=3 + index)
            if group.created_on <= group_day:
                hold(group_day, ("党小组会",), f"{group.name}{month}月学习", group=group.id)
        if month in (3, 6, 9):
            hold(day + dt.timedelta(days=7), ("党课",), f"第{month // 3}季度党课：{THEMES[month + 1]}", chair=propaganda)
    talks(services, today, clerk, rng, drifting)
    if today.month == 12 or today.month >= 11:
        services.meetings.plan_meeting(("组织生活会", "民主评议党员"), dt.date(year, 12, 18),
                                       f"{year}年度组织生活会和民主评议党员")


TALK_TOPICS = ("思想工作情况", "岗位履职和学习情况", "对支部工作的意见建议", "家庭和生活困难")


def talks(services, today: dt.date, clerk, rng: random.Random, drifting: int) -> None:  # type: ignore[no-untyped-def]
    """谈心谈话 counted per pair: each committee member talks with the other committee members and,
    group by group, with every member of the branch (one record per sitting), and in September with
    those who joined since. Two pairs stay missing: the organizer could not reach the drifting rider,
    and one member was away on business when the propaganda member came to their group."""
    from desktop.services.meetings import MeetingInput

    term = services.branch.current_term()
    if term is None:
        return
    seats = list(term.seats)
    groups = services.roster.list_groups()
    year = today.year
    for index, seat in enumerate(seats):
        others = seats[index + 1:]
        recorder = seats[1].member_name if seat is seats[0] and len(seats) > 1 else seats[0].member_name
        sittings: list[tuple[dt.date, str, list[int], int | None]] = []
        if others:
            sittings.append((dt.date(year, 2, 24 + index), "支委之间谈心谈话", [s.member_id for s in others], None))
        for g_index, group in enumerate(groups):
            day = dt.date(year, 3 + index, 8 + 6 * g_index)
            people = [m.member_id for m in services.roster.members_on(day)
                      if m.member_id != seat.member_id and m.party_group_id == group.id]
            if seat.post == "组织委员":
                people = [p for p in people if p != drifting]
            committee = {s.member_id for s in seats}
            away = next((p for p in reversed(people) if p not in committee), None) \
                if seat.post == "宣传委员" and g_index == 0 else None
            sittings.append((day, f"与{group.name}党员谈心谈话", people, away))
        # members who joined after this committee member's sittings: a talk in September
        first = dt.date(year, 3 + index, 8)
        catch_up = dt.date(year, 9, 8 + index)
        earlier = {m.member_id for m in services.roster.members_on(first)}
        newcomers = [m.member_id for m in services.roster.members_on(catch_up)
                     if m.member_id not in earlier and m.member_id != seat.member_id]
        sittings.append((catch_up, "与新转入（新接收）党员谈心谈话", newcomers, None))
        for day, topic, people, away in sittings:
            if day > today or not people:
                continue
            attendance = tuple(AttendanceEntry(p, LEAVE, "因公", "出差，改日再谈") if p == away else AttendanceEntry(p, PRESENT)
                               for p in people)
            names = {m.member_id: m.name for m in services.roster.members_on(day)}
            speaker = names[people[-1]] if people[-1] != away else seat.member_name
            data = MeetingInput(
                kinds=("谈心谈话",), held_on=day, topic=topic, starts_at="15:00", ends_at="17:30",
                place="公司三楼党员活动室", chair=seat.member_name, recorder=recorder,
                agenda=tuple(f"了解{t}" for t in TALK_TOPICS[:3]),
                speeches=(Speech(seat.member_name, "逐一与谈话对象交流思想和工作情况，听取意见建议"),
                          Speech(speaker, rng.choice(POINTS))),
                attendance=attendance,
            )
            clerk(min(day + dt.timedelta(days=1), today)).record_meeting(None, data)

