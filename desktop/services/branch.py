"""The branch profile, its committee, the settings, and the warnings of domain.md §1."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop.domain.branch import (
    DEFAULT_TERM_YEARS,
    ORG_TYPES,
    BranchWarning,
    branch_warnings,
    committee_problems,
    term_end,
)
from desktop.domain.errors import NotFoundError, ValidationError
from desktop.services.context import LedgerContext
from desktop.storage.models import (
    BranchRecord,
    CommitteeMemberRecord,
    CommitteeTermRecord,
    JointUnitRecord,
    MemberRecord,
    SettingRecord,
)


TERM_YEARS_SETTING = "branch.committee_term_years"


@dataclass(frozen=True)
class BranchProfile:
    name: str
    org_type: str = "单独组建"
    code: str | None = None
    parent_org: str | None = None
    founded_on: dt.date | None = None
    contact_person: str | None = None
    contact_phone: str | None = None
    address: str | None = None
    units: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommitteeSeat:
    member_id: int
    member_name: str
    post: str


@dataclass(frozen=True)
class CommitteeTerm:
    id: int
    elected_on: dt.date
    years: int
    seats: tuple[CommitteeSeat, ...] = field(default_factory=tuple)

    @property
    def ends_on(self) -> dt.date:
        return term_end(self.elected_on, self.years)

    def holder(self, post: str) -> str | None:
        return next((s.member_name for s in self.seats if s.post == post), None)



def store_settings(session: Session, values: dict[str, str]) -> None:
    """Write settings (key → text) in the caller's unit of work, adding the keys not yet stored."""
    for key, value in values.items():
        record = session.get(SettingRecord, key)
        if record is None:
            session.add(SettingRecord(key=key, value=value))
        else:
            record.value = value

class BranchService:
    def __init__(self, ctx: LedgerContext) -> None:
        self.ctx = ctx

    def profile(self) -> BranchProfile | None:
        with self.ctx.reading() as session:
            record = session.scalar(select(BranchRecord).limit(1))
            if record is None:
                return None
            return BranchProfile(
                name=record.name, org_type=record.org_type, code=record.code, parent_org=record.parent_org,
                founded_on=record.founded_on, contact_person=record.contact_person,
                contact_phone=record.contact_phone, address=record.address,
                units=tuple(u.name for u in record.units),
            )

    def branch_name(self) -> str:
        profile = self.profile()
        return profile.name if profile else "（未设置支部名称）"

    def save_profile(self, profile: BranchProfile) -> BranchProfile:
        name = profile.name.strip()
        if not name:
            raise ValidationError("支部名称不能为空", field="name")
        if profile.org_type not in ORG_TYPES:
            raise ValidationError(f"未知的组建方式“{profile.org_type}”", field="org_type")
        if profile.founded_on and profile.founded_on > self.ctx.today():
            raise ValidationError("成立日期不能晚于今天", field="founded_on")
        units = [u.strip() for u in profile.units if u.strip()]
        if profile.org_type == "联合组建" and len(units) < 2:
            raise ValidationError("联合党支部请列出所覆盖的单位（至少两个）", field="units")
        with self.ctx.unit_of_work() as session:
            record = session.scalar(select(BranchRecord).limit(1))
            if record is None:
                record = BranchRecord(name=name)
                session.add(record)
            record.name = name
            record.org_type = profile.org_type
            record.code = profile.code
            record.parent_org = profile.parent_org
            record.founded_on = profile.founded_on
            record.contact_person = profile.contact_person
            record.contact_phone = profile.contact_phone
            record.address = profile.address
            record.units = [JointUnitRecord(name=u, position=i) for i, u in enumerate(units)]
        return self.profile()  # type: ignore[return-value]

    # -- committee ---------------------------------------------------------------------------------
    def current_term(self) -> CommitteeTerm | None:
        with self.ctx.reading() as session:
            record = session.scalar(select(CommitteeTermRecord).order_by(CommitteeTermRecord.elected_on.desc()).limit(1))
            if record is None:
                return None
            names = dict(session.execute(select(MemberRecord.id, MemberRecord.name)).all())
            seats = tuple(CommitteeSeat(s.member_id, names.get(s.member_id, "?"), s.post) for s in record.members)
            return CommitteeTerm(record.id, record.elected_on, record.years, seats)

    def default_term_years(self) -> int:
        """[setting] branch.committee_term_years: the usual term (3 years), used for a new term."""
        try:
            return int(self.setting(TERM_YEARS_SETTING, str(DEFAULT_TERM_YEARS)))
        except ValueError:
            return DEFAULT_TERM_YEARS

    def elect_committee(self, elected_on: dt.date, seats: list[tuple[int, str]], years: int | None = None) -> CommitteeTerm:
        """Record a new term (换届选举结果): the previous term stays in the history."""
        years = self.default_term_years() if years is None else years
        self._check_term(elected_on, seats, years)
        with self.ctx.unit_of_work() as session:
            term = CommitteeTermRecord(elected_on=elected_on, years=years)
            term.members = [CommitteeMemberRecord(member_id=m, post=p, position=i) for i, (m, p) in enumerate(seats)]
            session.add(term)
        return self.current_term()  # type: ignore[return-value]

    def update_term(self, term_id: int, elected_on: dt.date, seats: list[tuple[int, str]], years: int,
                    *, amendment_reason: str | None = None) -> CommitteeTerm:
        """Correct the current term as entered (a by-election, a typo); not a new term."""
        self._check_term(elected_on, seats, years)
        with self.ctx.unit_of_work(amendment_reason=amendment_reason) as session:
            term = session.get(CommitteeTermRecord, term_id)
            if term is None:
                raise NotFoundError("找不到这一届支部委员会")
            term.elected_on = elected_on
            term.years = years
            term.members = [CommitteeMemberRecord(member_id=m, post=p, position=i) for i, (m, p) in enumerate(seats)]
        return self.current_term()  # type: ignore[return-value]

    def _check_term(self, elected_on: dt.date, seats: list[tuple[int, str]], years: int) -> None:
        problems = committee_problems(list(seats), years, elected_on, self.ctx.today())
        if problems:
            field_name, message = problems[0]
            raise ValidationError(message, field=field_name)
        with self.ctx.reading() as session:
            known = set(session.scalars(select(MemberRecord.id).where(MemberRecord.id.in_([m for m, _ in seats]))))
        missing = [m for m, _ in seats if m not in known]
        if missing:
            raise NotFoundError(f"找不到编号为 {missing[0]} 的党员")

    def warnings(self) -> list[BranchWarning]:
        today = self.ctx.today()
        profile = self.profile()
        term = self.current_term()
        with self.ctx.reading() as session:
            counts = dict(session.execute(
                select(MemberRecord.stage, func.count()).where(MemberRecord.status == "正常").group_by(MemberRecord.stage)
            ).all())
        full = counts.get("正式党员", 0)
        return branch_warnings(
            full_members=full,
            total_members=full + counts.get("预备党员", 0),
            org_type=profile.org_type if profile else None,
            committee_size=len(term.seats) if term else 0,
            term_start=term.elected_on if term else None,
            term_years=term.years if term else DEFAULT_TERM_YEARS,
            joint_units=len(profile.units) if profile else 0,
            today=today,
        )

    # -- settings ----------------------------------------------------------------------------------
    def setting(self, key: str, default: str) -> str:
        with self.ctx.reading() as session:
            record = session.get(SettingRecord, key)
            return record.value if record else default

    def set_setting(self, key: str, value: str) -> None:
        with self.ctx.unit_of_work() as session:
            store_settings(session, {key: value})
