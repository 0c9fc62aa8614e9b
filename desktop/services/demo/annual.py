"""Demo 述职 materials: last year's three lists (one item still open), last year's evaluation, and a
draft report for the current year quoting figures from the records."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from desktop.domain.annual import ItemFields, figure_link

if TYPE_CHECKING:
    from desktop.services.bundle import Services


def populate(services: Services, today: dt.date) -> None:
    annual = services.annual
    last = today.year - 1
    members = [m for m in services.roster.list_members() if m.is_party_member]
    secretary = next((m.name for m in members if m.party_post == "书记"), members[0].name if members else "书记")
    organizer = next((m.name for m in members if m.party_post == "组织委员"), secretary)
    propagandist = next((m.name for m in members if m.party_post == "宣传委员"), secretary)
    raised = dt.date(last, 12, 28)
    annual.add_item(last, ItemFields(
        problem="理论学习方式单一，以读文件为主，年轻党员参与积极性不高", raised_on=raised,
        cause="学习计划缺少互动环节，未结合业务实际", responsible=propagandist,
        measure="每季度组织一次研讨式学习，结合电商业务开展案例交流", deadline=dt.date(today.year, 6, 30),
        status="已完成", completed_on=dt.date(today.year, 6, 20), result="已开展研讨式学习2次"))
    annual.add_item(last, ItemFields(
        problem="流动党员和外卖骑手党员参加组织生活不够经常", raised_on=raised,
        cause="工作时间不固定，线上参会渠道未建立", responsible=organizer,
        measure="建立线上参会机制，每月为流动党员单独安排一次线上组织生活", deadline=dt.date(today.year, 9, 30),
        status="整改中"))
    annual.add_item(last, ItemFields(
        problem="会议记录存在补记现象，个别记录发言人只写姓氏", raised_on=raised,
        cause="记录人变动，交接不清", responsible=secretary,
        measure="会后3个工作日内录入，使用台账软件检查记录完整性", deadline=dt.date(today.year, 3, 31),
        status="已完成", completed_on=dt.date(today.year, 3, 15), result="已使用台账软件，补记须写明原因"))
    try:
        eligible = annual.eligible_voters(last, dt.date(last, 12, 28))
    except Exception:  # noqa: BLE001 - a demo without members last year has no evaluation
        eligible = 0
    if eligible >= 4:
        participants = eligible - 1
        good = participants - 3
        annual.save_evaluation(last, counts=[good, 2, 1, 0], participants=participants, held_on=dt.date(last, 12, 28),
                               upper_grade="好", upper_comments="党建工作基础扎实，组织生活规范，需进一步加强流动党员管理")
    figures = annual.figures(today.year)
    displays = figures.displays()

    def fig(key: str) -> str:
        return figure_link(key, displays[key]) if key in displays else "（数据暂缺）"

    duties = (
        f"今年以来，支部坚持以党建引领业务发展。年末支部共有党员{fig('roster.members_end')}，"
        f"其中预备党员{fig('roster.probationary_end')}；全年发展党员{fig('roster.joined')}。\n\n"
        f"严格落实“三会一课”制度，全年召开各类会议{fig('meetings.held')}，开展主题党日{fig('meetings.theme_days')}，"
        f"党员平均参会率{fig('meetings.attendance_avg')}。\n\n"
        f"党费收缴方面，全年实缴{fig('dues.paid')}，收缴率{fig('dues.paid_rate')}，上缴{fig('dues.remitted')}。"
    )
    problems = (
        "一是对流动党员和新就业群体党员的教育管理办法还不多；\n\n"
        f"二是组织生活仍有补记现象，全年补记{fig('meetings.late')}。"
    )
    annual.save_draft(today.year, {"duties": duties, "problems": problems,
                                   "plans": "- 完善线上组织生活机制\n- 加强入党积极分子培养\n"})
