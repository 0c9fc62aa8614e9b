"""Rules about the branch itself (domain.md §1): size, committee, term. Pure, `today` passed in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop.domain.dates import add_months

ORG_TYPES: tuple[str, ...] = ("单独组建", "联合组建", "区域统建", "行业统建", "楼宇统建", "园区统建")
COMMITTEE_POSTS: tuple[str, ...] = ("书记", "副书记", "组织委员", "宣传委员", "纪检委员", "青年委员", "统战委员")
DEFAULT_TERM_YEARS = 3


@dataclass(frozen=True)
class BranchWarning:
    level: str  # "warning" | "info"
    text: str


def term_end(start: dt.date, years: int) -> dt.date:
    return add_months(start, 12 * years)


def branch_warnings(
    *,
    full_members: int,
    total_members: int,
    org_type: str | None,
    committee_size: int,
    term_start: dt.date | None,
    term_years: int,
    joint_units: int,
    today: dt.date,
) -> list[BranchWarning]:
    """The warnings of domain.md §1 for a branch in this state."""
    warnings: list[BranchWarning] = []
    if full_members < 3 and org_type == "单独组建":
        warnings.append(BranchWarning("warning", f"正式党员仅{full_members}名，不足3名，应与其他单位组建联合党支部"))
    if total_members > 50:
        warnings.append(BranchWarning("warning", f"党员{total_members}名，超过50名，可考虑调整或分设支部"))
    if full_members >= 7 and committee_size < 3:
        warnings.append(BranchWarning("warning", f"正式党员{full_members}名（7名以上）应设立支部委员会（3至5人），目前委员{committee_size}人"))
    if committee_size > 7:
        warnings.append(BranchWarning("warning", f"支部委员会{committee_size}人，一般不超过7人"))
    if full_members < 7 and committee_size > 2:
        warnings.append(BranchWarning("info", f"正式党员不足7名，一般不设委员会，只设书记（和副书记）"))
    if org_type == "联合组建" and joint_units > 5:
        warnings.append(BranchWarning("warning", f"联合党支部覆盖{joint_units}个单位，一般不超过5个"))
    if term_start is not None:
        end = term_end(term_start, term_years)
        if end <= today:
            warnings.append(BranchWarning("warning", f"支部委员会任期已于{end.isoformat()}届满，应及时换届"))
        elif add_months(today, 2) >= end:
            warnings.append(BranchWarning("warning", f"支部委员会任期将于{end.isoformat()}届满，请提前向上级党组织请示换届"))
    return warnings


MIN_TERM_YEARS, MAX_TERM_YEARS = 3, 5  # 党章: a branch committee serves 3 to 5 years


def committee_problems(seats: list[tuple[int | None, str]], years: int, elected_on: dt.date | None,
                       today: dt.date) -> list[tuple[str, str]]:
    """What is wrong with a committee term as entered: (field, Chinese message); empty when valid.
    `seats` are (member id or None when not chosen, post)."""
    problems: list[tuple[str, str]] = []
    if elected_on is None:
        problems.append(("elected_on", "请填写选举日期"))
    elif elected_on > today:
        problems.append(("elected_on", f"选举日期{elected_on.isoformat()}晚于今天"))
    if not MIN_TERM_YEARS <= years <= MAX_TERM_YEARS:
        problems.append(("years", f"任期应为{MIN_TERM_YEARS}至{MAX_TERM_YEARS}年（党章规定），而不是{years}年"))
    if not seats:
        problems.append(("seats", "请至少登记书记"))
        return problems
    for row, (member_id, post) in enumerate(seats, start=1):
        if member_id is None:
            problems.append(("seats", f"第{row}行没有选择党员"))
        if not post.strip():
            problems.append(("seats", f"第{row}行没有填写职务"))
    chosen = [m for m, _ in seats if m is not None]
    if len(chosen) != len(set(chosen)):
        problems.append(("seats", "同一名党员在委员会中登记了两次"))
    posts = [p for _, p in seats]
    if posts.count("书记") != 1:
        problems.append(("seats", "支部须有且只有一名书记" if posts.count("书记") == 0 else "书记只能有一名"))
    if len(seats) > 7:
        problems.append(("seats", f"支部委员会{len(seats)}人，一般不超过7人"))
    return problems
