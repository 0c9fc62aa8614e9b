"""Roster use cases (党员花名册): members with dated history, party groups, transfers."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields as dc_fields, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from desktop.domain.errors import NotFoundError, ValidationError
from desktop.domain.idnumber import mask, normalize
from desktop.domain.roster import (
    ATTRIBUTE_LABELS,
    roster_reminders,
    MEMBER_STAGES,
    Change,
    MemberFields,
    is_member_on,
    member_problems,
    value_on,
)
from desktop.services.context import LedgerContext
from desktop.storage.models import MemberChangeRecord, MemberRecord, PartyGroupRecord, TransferRecord

_FIELD_NAMES = tuple(f.name for f in dc_fields(MemberFields))


@dataclass(frozen=True)
class MemberDto(MemberFields):
    id: int = 0
    party_group: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @property
    def id_masked(self) -> str:
        return mask(self.id_number)

    @property
    def member_type(self) -> str:
        """党员类型: 正式/预备, or empty for applicants and activists."""
        return {"正式党员": "正式", "预备党员": "预备"}.get(self.stage, "")

    @property
    def is_party_member(self) -> bool:
        return self.stage in MEMBER_STAGES

    def to_fields(self) -> MemberFields:
        return MemberFields(**{name: getattr(self, name) for name in _FIELD_NAMES})


@dataclass(frozen=True)
class MemberOnDay:
    """A member as they stood on one day (for attendance, dues): stage, group, category then."""

    member_id: int
    name: str
    stage: str
    category: str
    party_group_id: int | None

    @property
    def probationary(self) -> bool:
        return self.stage == "预备党员"


@dataclass(frozen=True)
class ChangeDto:
    attribute: str
    label: str
    value: str | None
    effective_on: dt.date
    note: str | None
    entered_at: dt.datetime


@dataclass(frozen=True)
class PartyGroupDto:
    id: int
    name: str
    created_on: dt.date
    dissolved_on: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return self.created_on <= day and (self.dissolved_on is None or day < self.dissolved_on)


@dataclass(frozen=True)
class TransferDto:
    id: int
    member_id: int
    member_name: str
    direction: str
    transfer_date: dt.date
    organization: str
    letter_number: str | None
    dues_paid_to: str | None
    note: str | None


def history_values(fields: MemberFields) -> dict[str, str | None]:
    return {
        "category": fields.category,
        "stage": fields.stage,
        "party_group": str(fields.party_group_id) if fields.party_group_id else None,
        "status": fields.status,
        "mobile": "是" if fields.is_mobile else "否",
        "lost_contact": "是" if fields.is_lost_contact else "否",
    }


def member_to_dto(record: MemberRecord, groups: dict[int, str]) -> MemberDto:
    values = {name: getattr(record, name) for name in _FIELD_NAMES}
    return MemberDto(
        **values,
        id=record.id,
        party_group=groups.get(record.party_group_id) if record.party_group_id else None,
        created_at=record.created_at,
        updated_at=record.updated_at,
    )


def clean_fields(data: MemberFields) -> MemberFields:
    return replace(
        data,
        name=data.name.strip(),
        id_number=normalize(data.id_number) if data.id_number else None,
    )


def validate(data: MemberFields, today: dt.date) -> None:
    problems = member_problems(data, today)
    if problems:
        field, message = problems[0]
        more = f"（另有{len(problems) - 1}处问题）" if len(problems) > 1 else ""
        raise ValidationError(message + more, field=field)


def group_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(PartyGroupRecord.id, PartyGroupRecord.name)).all())


def insert_member(session: Session, data: MemberFields, *, effective_on: dt.date, note: str | None = None) -> MemberRecord:
    """Add a member and the first dated value of each history attribute (shared with the importer)."""
    record = MemberRecord(**asdict(data))
    session.add(record)
    for attribute, value in history_values(data).items():
        record.changes.append(MemberChangeRecord(attribute=attribute, value=value, effective_on=effective_on, note=note))
    return record


def apply_changes(session: Session, record: MemberRecord, data: MemberFields, *, effective_on: dt.date,
                  note: str | None = None) -> list[str]:
    """Update `record` to `data`; history attributes that changed get a dated row. Returns their labels."""
    before = history_values(MemberFields(**{n: getattr(record, n) for n in _FIELD_NAMES}))
    after = history_values(data)
    for name in _FIELD_NAMES:
        setattr(record, name, getattr(data, name))
    changed = []
    for attribute, value in after.items():
        if before[attribute] != value:
            record.changes.append(MemberChangeRecord(attribute=attribute, value=value, effective_on=effective_on, note=note))
            changed.append(ATTRIBUTE_LABELS[attribute])
    return changed


class RosterService:
    def __init__(self, ctx: LedgerContext) -> None:
        self.ctx = ctx

    # -- home page ------------------------------------------------------------------------------
    def home_items(self) -> list[Any]:
        """Probation ending (讨论转正) and long lost contact (停止党籍) on the home page."""
        from desktop.services.bundle import HomeItem

        return [HomeItem(level, "roster", text) for level, text in roster_reminders(self.list_members(), self.ctx.today())]

    # -- members ----------------------------------------------------------------------------
    def list_members(self) -> list[MemberDto]:
        """Every member, in entry order. Read as plain rows, not ORM objects: a 10,000-member
        roster loads in a fraction of the time (no identity map, no attribute instrumentation)."""
        table = MemberRecord.__table__
        columns = [table.c[name] for name in _FIELD_NAMES]
        with self.ctx.reading() as session:
            groups = group_names(session)
            rows = session.connection().execute(
                select(table.c.id, table.c.created_at, table.c.updated_at, *columns).order_by(table.c.id)
            ).all()
        result = []
        for row in rows:
            member_id, created_at, updated_at, *values = row
            fields = dict(zip(_FIELD_NAMES, values))
            group_id = fields["party_group_id"]
            result.append(MemberDto(**fields, id=member_id, party_group=groups.get(group_id) if group_id else None,
                                    created_at=created_at, updated_at=updated_at))
        return result

    def stage_counts(self) -> dict[str, int]:
        """Members on the roll (status 正常) by stage: {"正式党员": n, "预备党员": m, ...}."""
        from sqlalchemy import func

        with self.ctx.reading() as session:
            rows = session.execute(
                select(MemberRecord.stage, func.count()).where(MemberRecord.status == "正常").group_by(MemberRecord.stage)
            ).all()
        return {stage: count for stage, count in rows}

    def get_member(self, member_id: int) -> MemberDto:
        with self.ctx.reading() as session:
            record = session.get(MemberRecord, member_id)
            if record is None:
                raise NotFoundError(f"找不到编号为 {member_id} 的党员")
            return member_to_dto(record, group_names(session))

    def add_member(self, data: MemberFields, *, effective_on: dt.date | None = None) -> MemberDto:
        data = clean_fields(data)
        validate(data, self.ctx.today())
        with self.ctx.unit_of_work() as session:
            self._check_unique_id(session, data.id_number, None)
            record = insert_member(session, data, effective_on=effective_on or data.joined_on or self.ctx.today())
            session.flush()
            return member_to_dto(record, group_names(session))

    def update_member(self, member_id: int, data: MemberFields, *, effective_on: dt.date | None = None,
                      note: str | None = None, amendment_reason: str | None = None) -> MemberDto:
        """Save edits; category, stage, group, status and the mobile/lost flags changed here are
        recorded as history effective `effective_on` (default today), never overwritten."""
        data = clean_fields(data)
        validate(data, self.ctx.today())
        with self.ctx.unit_of_work(amendment_reason=amendment_reason) as session:
            record = session.get(MemberRecord, member_id)
            if record is None:
                raise NotFoundError(f"找不到编号为 {member_id} 的党员")
            self._check_unique_id(session, data.id_number, member_id)
            apply_changes(session, record, data, effective_on=effective_on or self.ctx.today(), note=note)
            session.flush()
            return member_to_dto(record, group_names(session))

    def history(self, member_id: int) -> list[ChangeDto]:
        with self.ctx.reading() as session:
            groups = group_names(session)
            rows = session.scalars(
                select(MemberChangeRecord).where(MemberChangeRecord.member_id == member_id)
                .order_by(MemberChangeRecord.effective_on, MemberChangeRecord.id)
            ).all()
            return [
                ChangeDto(r.attribute, ATTRIBUTE_LABELS.get(r.attribute, r.attribute),
                          groups.get(int(r.value), r.value) if r.attribute == "party_group" and r.value else r.value,
                          r.effective_on, r.note, r.created_at)
                for r in rows
            ]

    def members_on(self, day: dt.date) -> list[MemberOnDay]:
        """Party members (预备 and 正式) of the branch on `day`, read from the dated history."""
        with self.ctx.reading() as session:
            records = session.scalars(select(MemberRecord).options(selectinload(MemberRecord.changes))).all()
            result = []
            for record in records:
                changes = [Change(c.attribute, c.value, c.effective_on) for c in record.changes]
                if not is_member_on(changes, day):
                    continue
                group = value_on(changes, "party_group", day)
                result.append(MemberOnDay(
                    member_id=record.id,
                    name=record.name,
                    stage=value_on(changes, "stage", day) or record.stage,
                    category=value_on(changes, "category", day) or record.category,
                    party_group_id=int(group) if group else None,
                ))
            return sorted(result, key=lambda m: m.member_id)

    @staticmethod
    def _check_unique_id(session: Session, id_number: str | None, member_id: int | None) -> None:
        if not id_number:
            return
        other = session.scalar(select(MemberRecord).where(MemberRecord.id_number == id_number))
        if other is not None and other.id != member_id:
            raise ValidationError(f"身份证号 {mask(id_number)} 已属于花名册中的“{other.name}”", field="id_number")

    # -- party groups ---------------------------------------------------------------------------
    def list_groups(self) -> list[PartyGroupDto]:
        with self.ctx.reading() as session:
            rows = session.scalars(select(PartyGroupRecord).order_by(PartyGroupRecord.id)).all()
            return [PartyGroupDto(r.id, r.name, r.created_on, r.dissolved_on) for r in rows]

    def add_group(self, name: str, created_on: dt.date) -> PartyGroupDto:
        name = name.strip()
        if not name:
            raise ValidationError("党小组名称不能为空", field="name")
        with self.ctx.unit_of_work() as session:
            if session.scalar(select(PartyGroupRecord).where(PartyGroupRecord.name == name)):
                raise ValidationError(f"党小组“{name}”已存在", field="name")
            record = PartyGroupRecord(name=name, created_on=created_on)
            session.add(record)
            session.flush()
            return PartyGroupDto(record.id, record.name, record.created_on, None)

    def dissolve_group(self, group_id: int, on: dt.date) -> None:
        with self.ctx.unit_of_work() as session:
            record = session.get(PartyGroupRecord, group_id)
            if record is None:
                raise NotFoundError("找不到该党小组")
            record.dissolved_on = on

    # -- transfers ------------------------------------------------------------------------------
    def transfer_out(self, member_id: int, *, on: dt.date, organization: str, letter_number: str | None,
                     dues_paid_to: str | None, note: str | None = None) -> TransferDto:
        """转出: the member leaves the branch on `on` (status 已转出 from that day, history kept)."""
        if not organization.strip():
            raise ValidationError("请填写转往的党组织", field="organization")
        if on > self.ctx.today():
            raise ValidationError("转出日期不能晚于今天", field="transfer_date")
        with self.ctx.unit_of_work() as session:
            record = session.get(MemberRecord, member_id)
            if record is None:
                raise NotFoundError(f"找不到编号为 {member_id} 的党员")
            if record.status != "正常":
                raise ValidationError(f"“{record.name}”的党籍状态为{record.status}，不能转出")
            data = replace(MemberFields(**{n: getattr(record, n) for n in _FIELD_NAMES}), status="已转出")
            apply_changes(session, record, data, effective_on=on, note=f"转出至{organization}")
            transfer = TransferRecord(direction="转出", transfer_date=on, organization=organization.strip(),
                                      letter_number=letter_number, dues_paid_to=dues_paid_to, note=note)
            record.transfers.append(transfer)
            session.flush()
            return self._transfer_dto(transfer, record.name)

    def transfer_in(self, data: MemberFields, *, on: dt.date, organization: str, letter_number: str | None,
                    dues_paid_to: str | None, note: str | None = None) -> MemberDto:
        """转入: a member joins the branch from another organization on `on`."""
        if not organization.strip():
            raise ValidationError("请填写转出党组织", field="organization")
        data = clean_fields(data)
        validate(data, self.ctx.today())
        with self.ctx.unit_of_work() as session:
            self._check_unique_id(session, data.id_number, None)
            record = insert_member(session, data, effective_on=on, note=f"由{organization}转入")
            record.transfers.append(TransferRecord(direction="转入", transfer_date=on, organization=organization.strip(),
                                                   letter_number=letter_number, dues_paid_to=dues_paid_to, note=note))
            session.flush()
            return member_to_dto(record, group_names(session))

    def transfers(self) -> list[TransferDto]:
        with self.ctx.reading() as session:
            rows = session.execute(
                select(TransferRecord, MemberRecord.name).join(MemberRecord).order_by(TransferRecord.transfer_date)
            ).all()
            return [self._transfer_dto(t, name) for t, name in rows]

    @staticmethod
    def _transfer_dto(t: TransferRecord, name: str) -> TransferDto:
        return TransferDto(t.id, t.member_id, name, t.direction, t.transfer_date, t.organization,
                           t.letter_number, t.dues_paid_to, t.note)
