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
