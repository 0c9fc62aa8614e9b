"""The roster page on a 10,000-member folder: time until the roster is on screen, and the filter.

Targets (issue 2): filter in the table ≤ 30 ms (each figure includes the repaint). The folder is
built in one unit of work through `desktop.services.roster.insert_member`."""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

MEMBERS = 10_000
TARGET_FILTER_MS = 30.0
TODAY = dt.date(2026, 11, 21)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍建国志红文博宇轩浩然子涵欣怡梓萱诗雨思远嘉懿喆堃玥珺镕"


def build_folder(root: Path, count: int = MEMBERS, seed: int = 11) -> None:
    """A data folder with `count` members in 40 party groups (valid ID numbers, varied flags)."""
    from bench.people import person
    from desktop.domain.roster import CATEGORIES, MemberFields
    from desktop.services.branch import BranchProfile
    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger
    from desktop.services.roster import insert_member
    from desktop.storage.models import PartyGroupRecord

    rng = random.Random(seed)
    services = Services(open_ledger(root, today=lambda: TODAY))
    try:
        services.branch.save_profile(BranchProfile(name="基准测试党委（一万名党员）"))
        with services.ctx.unit_of_work() as session:
            groups = [PartyGroupRecord(name=f"第{i + 1}党小组", created_on=dt.date(2015, 1, 1)) for i in range(40)]
            session.add_all(groups)
            session.flush()
            used: set[str] = set()
            for index in range(count):
                sex, birth, id_number, joined = person(rng, used)
                fields = MemberFields(
                    name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
                    sex=sex, ethnicity="汉族", birth_date=birth, id_number=id_number,
                    education=rng.choice(("大学本科", "研究生", "大学专科")),
                    category="离退休" if birth.year < 1965 else rng.choice(CATEGORIES[:3]),
                    work_unit_post="某公司 职员", phone=f"13{rng.randint(100000000, 999999999)}",
                    joined_on=joined, confirmed_on=dt.date(joined.year + 1, joined.month, joined.day),
                    party_group_id=groups[index % 40].id, is_mobile=index % 97 == 0,
                    mobile_since=dt.date(2025, 1, 1) if index % 97 == 0 else None,
                    new_employment_group="外卖骑手" if index % 61 == 0 else None,
                )
                insert_member(session, fields, effective_on=joined)
    finally:
        services.close()


def _set_filter_boxes(page: Any, wanted: Any) -> Callable[[], None]:
    """Set the page's search box and filter boxes to `wanted` as a user would, all but the last
    change (returned, to be timed): that one fires the page's own filter handler, once."""
    from desktop.ui.roster_models import ALL

    boxes = [(page.group_filter, wanted.group), (page.category_filter, wanted.category),
             (page.stage_filter, wanted.stage), (page.status_filter, wanted.status), (page.flag_filter, wanted.flag)]
    changes: list[Callable[[], None]] = []
    for combo, value in boxes:
        index = combo.findData(value)
        assert index >= 0, value
        if value != ALL:
            changes.append(lambda combo=combo, index=index: combo.setCurrentIndex(index))
        else:
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
    if wanted.text or not changes:
        changes.append(lambda: page.search_edit.setText(wanted.text))
    else:
        page.search_edit.blockSignals(True)
        page.search_edit.setText("")
        page.search_edit.blockSignals(False)
    for change in changes[:-1]:
        for widget in (page.search_edit, *page._filter_combos()):
            widget.blockSignals(True)
        change()
        for widget in (page.search_edit, *page._filter_combos()):
            widget.blockSignals(False)
    return changes[-1]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def main() -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from desktop.services.bundle import Services
    from desktop.services.context import open_ledger
    from desktop.ui.fonts import install_app_font
    from desktop.ui.roster_models import MemberFilter
    from desktop.ui.roster_page import RosterPage

    app = QApplication.instance() or QApplication([])
    install_app_font(app)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-roster-filter-") as tmp:
        root = Path(tmp) / "data"
        started = time.perf_counter()
        build_folder(root)
        figures["build_10000_s"] = round(time.perf_counter() - started, 2)

        started = time.perf_counter()
        services = Services(open_ledger(root, today=lambda: TODAY))
        figures["open_folder_ms"] = _ms(time.perf_counter() - started)
        try:
            t0 = time.perf_counter()
            members = services.roster.list_members()
            figures["list_members_ms"] = _ms(time.perf_counter() - t0)
            assert len(members) == MEMBERS
            t0 = time.perf_counter()
            page = RosterPage(services)
            page.resize(1280, 800)
            page.show()
            page.refresh()
            app.processEvents()
            page.repaint()
            figures["page_on_screen_ms"] = _ms(time.perf_counter() - t0)
            figures["open_to_roster_on_screen_ms"] = round(figures["open_folder_ms"] + figures["page_on_screen_ms"], 2)

            sample = members[1234]
            cases = {
                "filter_name_ms": MemberFilter(text=sample.name[:2]),
                "filter_id_tail_ms": MemberFilter(text=sample.id_number[-4:]),
                "filter_phone_ms": MemberFilter(text=sample.phone[-5:]),
                "filter_group_category_ms": MemberFilter(group="第7党小组", category="在职"),
                "filter_flag_status_ms": MemberFilter(flag="新就业群体", status="在册"),
                "filter_clear_ms": MemberFilter(),
            }
            paints = []
            for _ in range(7):
                t0 = time.perf_counter()
                page.table.viewport().repaint()
                paints.append(time.perf_counter() - t0)
            figures["paint_only_ms"] = _ms(statistics.median(paints))
            for name, member_filter in cases.items():
                runs, model_runs, cpu_runs = [], [], []
                for _ in range(7):
                    page.clear_filters()
                    page.search_edit.setText("\x01")  # a different filter (no rows) each time
                    app.processEvents()
                    c0, t0 = time.process_time(), time.perf_counter()
                    change = _set_filter_boxes(page, member_filter)
                    change()  # the user's last change: the rows chosen, the count shown, the view told
                    t1 = time.perf_counter()
                    app.processEvents()  # the table repainted with the new rows
                    runs.append(time.perf_counter() - t0)
                    cpu_runs.append(time.process_time() - c0)
                    model_runs.append(t1 - t0)
                    assert page.current_filter() == member_filter
                figures[name] = _ms(statistics.median(runs))
                figures[name.replace("_ms", "_cpu_ms")] = _ms(statistics.median(cpu_runs))
                figures[name.replace("_ms", "_model_ms")] = _ms(statistics.median(model_runs))
            t0 = time.perf_counter()
            page.table.horizontalHeader().sectionClicked.emit(3)  # sort by birth date
            app.processEvents()
            figures["sort_ms"] = _ms(time.perf_counter() - t0)
            page.close()
        finally:
            services.close()

    print(f"  10,000 members built in one unit of work: {figures['build_10000_s']} s")
    print(f"  open folder: {figures['open_folder_ms']} ms; list_members: {figures['list_members_ms']} ms")
    print(f"  roster page on screen (load + paint): {figures['page_on_screen_ms']} ms; "
          f"open → roster on screen: {figures['open_to_roster_on_screen_ms']} ms")
    filters = [k for k in figures if k.startswith("filter_") and not k.endswith(("_model_ms", "_cpu_ms"))]
    worst = max(figures[k] for k in filters)
    for key in filters:
        print(f"  {key}: {figures[key]} ms incl. repaint (target ≤ {TARGET_FILTER_MS} ms); CPU time "
              f"{figures[key.replace('_ms', '_cpu_ms')]} ms; choosing the rows: {figures[key.replace('_ms', '_model_ms')]} ms")
    print(f"  a repaint of the table alone: {figures['paint_only_ms']} ms (machine load shows here first)")
    worst_cpu = max(figures[k.replace("_ms", "_cpu_ms")] for k in filters)
    print(f"  worst filter: {worst} ms wall, {worst_cpu} ms CPU — {'OK' if worst <= TARGET_FILTER_MS else 'OVER TARGET'}"
          " (on a shared, loaded machine the wall time includes waiting for a processor)")
    figures["filter_worst_cpu_ms"] = worst_cpu
    print(f"  sort by a column: {figures['sort_ms']} ms")
    figures["filter_worst_ms"] = worst
    return figures


if __name__ == "__main__":
    main()
