"""谈心谈话 (heart-to-heart talks) counted per pair: domain.md §3 asks for at least one talk a year
between each committee member (支委) and each member of the branch, committee members among
themselves included. An inspector checks every pair; this rule names the pairs still missing.

Pure: the caller hands in the committee and the members of the year (ids and names), the talks held
(chair and the people talked with) and `today`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

TALK = "谈心谈话"
FEW_MISSING = 5  # up to this many missing pairs are named on the home page


@dataclass(frozen=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True)
class Talk:
    """One talk record: its chair (a committee member, None when the chair names nobody on the
    committee) and the people marked 出席/迟到, i.e. talked with."""

    meeting_id: int
    held_on: dt.date
    chair_id: int | None
    talked_with: tuple[int, ...]


@dataclass(frozen=True, order=True)
class Pair:
    """An unordered pair {committee member, other member}: `first` is a committee member (the one
    with the smaller id when both are), `second` the other."""

    first: int
    second: int
    first_name: str = ""
    second_name: str = ""

    @property
    def key(self) -> frozenset[int]:
        return frozenset((self.first, self.second))

    @property
    def label(self) -> str:
        return f"{self.first_name}—{self.second_name}"


@dataclass(frozen=True)
class TalkCoverage:
    """The year's pairs: required, covered (a talk between them was held) and missing."""

    year: int
    required: tuple[Pair, ...] = ()
    covered: tuple[Pair, ...] = ()
    missing: tuple[Pair, ...] = ()

    @property
    def complete(self) -> bool:
        return bool(self.required) and not self.missing

    @property
    def progress(self) -> str:
        return f"谈心谈话：已谈 {len(self.covered)}/{len(self.required)} 对"

    def missing_names(self, limit: int = FEW_MISSING) -> tuple[str, ...]:
        """The missing pairs as "李明—王芳", or () when more than `limit` are missing."""
        return tuple(p.label for p in self.missing) if len(self.missing) <= limit else ()


def _pair(a: Person, b: Person, committee: set[int]) -> Pair:
    """Committee member first; between two committee members (or, defensively, two others) the smaller id."""
    if (b.id in committee) and (a.id not in committee or b.id < a.id):
        a, b = b, a
    return Pair(a.id, b.id, a.name, b.name)


def required_pairs(committee: Iterable[Person], members: Iterable[Person]) -> tuple[Pair, ...]:
    """Every unordered pair of a committee member with anyone else (members or committee), once."""
    committee_list = list(committee)
    people: dict[int, Person] = {}
    for person in [*members, *committee_list]:
        people.setdefault(person.id, person)
    chairs = {p.id for p in committee_list}
    pairs: dict[frozenset[int], Pair] = {}
    for c in sorted(chairs):
        for other in people.values():
            if other.id == c:
                continue
            key = frozenset((c, other.id))
            if key not in pairs:
                pairs[key] = _pair(people[c], other, chairs)
    return tuple(sorted(pairs.values()))


def talk_coverage(committee: Sequence[Person], members: Sequence[Person], talks: Iterable[Talk], *,
                  year: int, today: dt.date) -> TalkCoverage:
    """The pairs required in `year`, those covered by the talks held in it up to `today`, the rest missing.

    `committee`: the committee members in office during the year; `members`: formal and probationary
    members in the branch during the year. A talk covers {its chair, each person talked with}."""
    required = required_pairs(committee, members)
    held: set[frozenset[int]] = set()
    for talk in talks:
        if talk.chair_id is None or talk.held_on.year != year or talk.held_on > today:
            continue
        for other in talk.talked_with:
            if other != talk.chair_id:
                held.add(frozenset((talk.chair_id, other)))
    covered = tuple(p for p in required if p.key in held)
    missing = tuple(p for p in required if p.key not in held)
    return TalkCoverage(year, required, covered, missing)
