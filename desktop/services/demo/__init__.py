"""A realistic generated demo branch (an e-commerce company), so an empty folder can be tried out.

Each area adds its part in `populate(services, today)` of its own module, run in order, all in
the data folder just created. Names are generated; ID numbers carry valid check digits."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import TYPE_CHECKING

from desktop.domain.errors import LedgerError

if TYPE_CHECKING:
    from desktop.services.bundle import Services

STEPS: tuple[str, ...] = (
    "desktop.services.demo.roster",
    "desktop.services.demo.meetings",
    "desktop.services.demo.dues",
    "desktop.services.demo.annual",
)


def build_demo(services: Services, today: dt.date | None = None) -> None:
    """Fill an empty data folder with the demo branch. Refuses a folder that already has a branch."""
    today = today or services.ctx.today()
    if services.branch.profile() is not None or services.roster.list_members():
        raise LedgerError("数据文件夹中已有支部数据，不能再生成演示数据。请换一个空文件夹。")
    for name in STEPS:
        module = importlib.import_module(name)
        populate = getattr(module, "populate", None)
        if populate is not None:
            populate(services, today)
