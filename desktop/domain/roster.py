"""The roster's vocabulary (domain.md §2) and the rules that read a member's dated history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from desktop.domain.dates import age_on
from desktop.domain.errors import ValidationError
from desktop.domain.idnumber import agreement_problems, parse_id_number

# 人员类别: the categories the dues rules (domain.md §4) distinguish.
CATEGORIES: tuple[str, ...] = (
    "在职", "年薪制", "个体", "离退休", "农民", "学生", "下岗失业", "依靠抚恤或救济生活", "低保", "生活困难",
)
# 发展阶段: recruitment stages (domain.md §5); the last two are Party members.
STAGES: tuple[str, ...] = ("入党申请人", "入党积极分子", "发展对象", "预备党员", "正式党员")
MEMBER_STAGES: tuple[str, ...] = ("预备党员", "正式党员")
# 党籍状态
STATUSES: tuple[str, ...] = ("正常", "停止党籍", "已转出", "出党", "去世")
ACTIVE_STATUSES: tuple[str, ...] = ("正常", "停止党籍")
SEXES: tuple[str, ...] = ("男", "女")
EDUCATIONS: tuple[str, ...] = (
    "研究生", "大学本科", "大学专科", "中等专科", "高中", "中等职业", "初中及以下",
)
# 新就业群体 tags the district counts
NEW_EMPLOYMENT_GROUPS: tuple[str, ...] = ("快递员", "外卖骑手", "网约车司机", "货车司机", "网络主播", "其他新就业群体")
NEW_SOCIAL_STRATA: tuple[str, ...] = (
    "民营企业和外资企业管理技术人员", "中介组织和社会组织从业人员", "自由职业人员", "新媒体从业人员",
)
PARTY_POSTS: tuple[str, ...] = ("书记", "副书记", "组织委员", "宣传委员", "纪检委员", "青年委员", "统战委员", "党小组长")

# The attributes whose changes are kept as dated history rows rather than overwritten.
HISTORY_ATTRIBUTES: tuple[str, ...] = ("category", "stage", "party_group", "status", "mobile", "lost_contact")
ATTRIBUTE_LABELS: dict[str, str] = {
    "category": "人员类别", "stage": "发展阶段", "party_group": "所在党小组", "status": "党籍状态",
    "mobile": "流动党员", "lost_contact": "失联党员",
}


@dataclass(frozen=True)
class Change:
    """One dated value of one attribute (the value in force from `effective` on)."""

    attribute: str
    value: str | None
    effective: dt.date


def value_on(changes: Iterable[Change], attribute: str, day: dt.date) -> str | None:
    """The value of `attribute` in force on `day`: the latest change effective on or before it."""
    best: Change | None = None
    for change in changes:
        if change.attribute != attribute or change.effective > day:
            continue
        if best is None or change.effective >= best.effective:
            best = change
    return best.value if best else None


def is_member_on(changes: Iterable[Change], day: dt.date) -> bool:
    """A Party member of this branch on `day`: stage 预备/正式 and status 正常 or 停止党籍 is not counted."""
    history = list(changes)
    return value_on(history, "stage", day) in MEMBER_STAGES and value_on(history, "status", day) == "正常"


def is_probationary_on(changes: Iterable[Change], day: dt.date) -> bool:
    return value_on(changes, "stage", day) == "预备党员"


@dataclass(frozen=True)
class MemberFields:
    """What a user types for one member; validated by `member_problems`."""

    name: str
    sex: str | None = None
    ethnicity: str | None = None
    birth_date: dt.date | None = None
    id_number: str | None = None
    education: str | None = None
    degree: str | None = None
    category: str = "在职"
    work_unit_post: str | None = None
    phone: str | None = None
    residence: str | None = None
    household_registration: str | None = None
    applied_on: dt.date | None = None
    joined_on: dt.date | None = None
    confirmed_on: dt.date | None = None
    stage: str = "正式党员"
    party_group_id: int | None = None
    party_post: str | None = None
    is_mobile: bool = False
    mobile_where: str | None = None
    mobile_since: dt.date | None = None
    is_lost_contact: bool = False
    lost_contact_since: dt.date | None = None
    is_migrant_worker: bool = False
    new_social_stratum: str | None = None
    new_employment_group: str | None = None
    probation_extension: str | None = None
    status: str = "正常"
    notes: str | None = None


FIELD_LABELS: dict[str, str] = {
    "name": "姓名", "sex": "性别", "ethnicity": "民族", "birth_date": "出生日期", "id_number": "公民身份号码",
    "education": "学历", "degree": "学位", "category": "人员类别", "work_unit_post": "工作单位及职务",
    "phone": "手机号码", "residence": "现居住地", "household_registration": "户籍所在地",
    "applied_on": "申请入党日期", "joined_on": "入党日期", "confirmed_on": "转正日期", "stage": "发展阶段",
    "party_group_id": "所在党小组", "party_post": "党内职务", "is_mobile": "是否流动党员",
    "mobile_where": "流动去向", "mobile_since": "流动开始日期", "is_lost_contact": "是否失联党员",
    "lost_contact_since": "失联开始日期", "is_migrant_worker": "是否农民工",
    "new_social_stratum": "新社会阶层类型", "new_employment_group": "新就业群体",
    "probation_extension": "延长预备期时间", "status": "党籍状态", "notes": "备注",
}


def member_problems(fields: MemberFields, today: dt.date) -> list[tuple[str, str]]:
    """Every rule the member's fields break, as (field, Chinese message). Empty when valid."""

    problems: list[tuple[str, str]] = []
    name = fields.name.strip()
    if not name:
        problems.append(("name", "姓名不能为空"))
    elif len(name) < 2:
        problems.append(("name", f"姓名“{name}”只有一个字：请填写全名，不要只写姓"))
    if fields.sex and fields.sex not in SEXES:
        problems.append(("sex", f"性别应为“男”或“女”，而不是“{fields.sex}”"))
    if fields.category not in CATEGORIES:
        problems.append(("category", f"未知的人员类别“{fields.category}”"))
    if fields.stage not in STAGES:
        problems.append(("stage", f"未知的发展阶段“{fields.stage}”"))
    if fields.status not in STATUSES:
        problems.append(("status", f"未知的党籍状态“{fields.status}”"))
    if fields.id_number:
        try:
            info = parse_id_number(fields.id_number)
            problems += [("id_number", p) for p in agreement_problems(info, birth_date=fields.birth_date, sex=fields.sex)]
        except ValidationError as exc:
            problems.append(("id_number", exc.message))
    for attr in ("birth_date", "applied_on", "joined_on", "confirmed_on", "mobile_since", "lost_contact_since"):
        value = getattr(fields, attr)
        if value is not None and value > today:
            problems.append((attr, f"{FIELD_LABELS[attr]}{value.isoformat()}晚于今天"))
    if fields.birth_date and fields.joined_on and age_on(fields.birth_date, fields.joined_on) < 18:
        problems.append(("joined_on", "入党日期时未满18周岁"))
    if fields.stage in MEMBER_STAGES and fields.joined_on is None:
        problems.append(("joined_on", f"{fields.stage}须填写入党日期"))
    if fields.stage == "正式党员" and fields.joined_on and fields.confirmed_on and fields.confirmed_on < fields.joined_on:
        problems.append(("confirmed_on", "转正日期早于入党日期"))
    if fields.stage == "预备党员" and fields.confirmed_on:
        problems.append(("confirmed_on", "预备党员不应有转正日期"))
    if fields.is_mobile and not fields.mobile_since:
        problems.append(("mobile_since", "流动党员须填写流动开始日期"))
    if fields.is_lost_contact and not fields.lost_contact_since:
        problems.append(("lost_contact_since", "失联党员须填写失联开始日期"))
    if fields.new_employment_group and fields.new_employment_group not in NEW_EMPLOYMENT_GROUPS:
        problems.append(("new_employment_group", f"未知的新就业群体类型“{fields.new_employment_group}”"))
    if fields.phone and not fields.phone.replace("-", "").replace(" ", "").isdigit():
        problems.append(("phone", f"手机号码“{fields.phone}”含有非数字字符"))
    return problems


def roster_reminders(members: Iterable[MemberFields], today: dt.date) -> list[tuple[str, str]]:
    """(level, text) reminders from the roster: a probation (预备期, one year from joining) that ends
    within a month or has ended (转正 is discussed at its end), and lost contact (失联) for six
    months or more, after which membership is suspended (停止党籍)."""
    from desktop.domain.dates import add_months

    reminders: list[tuple[str, str]] = []
    for m in members:
        if m.status != "正常":
            continue
        if m.stage == "预备党员" and m.joined_on and not m.probation_extension:
            ends = add_months(m.joined_on, 12)
            if ends <= today:
                reminders.append(("danger", f"{m.name}的预备期已于{ends.isoformat()}届满，应及时召开支部党员大会讨论转正"))
            elif ends <= add_months(today, 1):
                reminders.append(("warning", f"{m.name}的预备期将于{ends.isoformat()}届满，请准备讨论转正"))
        if m.is_lost_contact and m.lost_contact_since and add_months(m.lost_contact_since, 6) <= today:
            reminders.append(("warning", f"{m.name}自{m.lost_contact_since.isoformat()}失联已满6个月，应按规定停止其党籍"))
    return reminders
