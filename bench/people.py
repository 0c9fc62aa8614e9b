"""Synthetic people for the roster benchmarks: sex, birth date, a valid and unique ID number, and
the date of joining, drawn from one random generator in a fixed order (so a seed gives the same
folder every time)."""

from __future__ import annotations

import datetime as dt
import random


def person(rng: random.Random, used: set[str]) -> tuple[str, dt.date, str, dt.date]:
    """(sex, birth, ID number, joined): the ID's first 17 digits are new to `used`."""
    from desktop.domain.idnumber import check_digit

    sex = rng.choice("男女")
    birth = dt.date(rng.randint(1945, 2000), rng.randint(1, 12), rng.randint(1, 28))
    while True:
        first17 = f"330106{birth:%Y%m%d}{rng.randint(0, 99):02d}{rng.choice('13579' if sex == '男' else '02468')}"
        if first17 not in used:
            used.add(first17)
            break
    joined = dt.date(min(birth.year + rng.randint(19, 25), 2024), rng.randint(1, 12), rng.randint(1, 28))
    return sex, birth, first17 + check_digit(first17), joined
